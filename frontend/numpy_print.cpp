// numpy's repr and str of arrays as numpy 1.13 prints them (the format of every array Theano's
// documentation shows), and Python's repr of a float. The rules are numpy's arrayprint.py of that
// version: FloatFormat (8 digits, trailing zeros blanked, a sign column, exponent form when the
// values span more than 1000x or reach 1e8), IntegerFormat (right-aligned to the widest), a 75
// column line with continuation lines aligned under the first element, and summaries ("...")
// of arrays over 1000 elements showing 3 edge items per axis.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "frontend/theano/numpy.hpp"

namespace theano::numpy {

namespace {
// The shortest digits that read back as v in its own precision, in Python's layout.
template <class F>
std::string shortest_repr(F v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  // The shortest digits that read back as v, then Python's layout: positional for decimal
  // exponents -4 <= e < 16, else d.ddde+XX.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  size_t e = sci.find('e');
  int exp10 = std::stoi(sci.substr(e + 1));
  std::string digits = sci.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  if (exp10 < -4 || exp10 >= 16) {
    std::string mant = digits.substr(0, 1);
    if (digits.size() > 1) mant += "." + digits.substr(1);
    char ebuf[16];
    std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp10 < 0 ? '-' : '+', std::abs(exp10));
    return sign + mant + ebuf;
  }
  const int ndigits = int(digits.size());
  const int point = exp10 + 1;  // digits before the decimal point
  std::string out;
  if (point <= 0) {
    out = "0." + std::string(size_t(-point), '0') + digits;
  } else if (point >= ndigits) {
    out = digits + std::string(size_t(point - ndigits), '0') + ".0";
  } else {
    out = digits.substr(0, size_t(point)) + "." + digits.substr(size_t(point));
  }
  return sign + out;
}
}  // namespace

std::string python_float_repr(double v) { return shortest_repr(v); }
std::string float32_str(float v) { return shortest_repr(v); }

namespace {

constexpr int kLineWidth = 75;
constexpr int kPrecision = 8;
constexpr int64_t kSummaryThreshold = 1000;
constexpr int64_t kEdgeItems = 3;

std::string printf_str(const char* fmt, int width, int precision, double v) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, width, precision, v);
  return buf;
}

// numpy 1.13's FloatFormat, fitted to the values shown.
class FloatFormat {
 public:
  explicit FloatFormat(const std::vector<double>& data) {
    double max_val = 0, min_val = 0;
    bool any_nonzero = false, any_special = false;
    for (double x : data) {
      if (std::isnan(x) || std::isinf(x)) {
        any_special = true;
        continue;
      }
      if (x == 0) continue;
      double a = std::fabs(x);
      max_val = any_nonzero ? std::max(max_val, a) : a;
      min_val = any_nonzero ? std::min(min_val, a) : a;
      any_nonzero = true;
    }
    if (any_nonzero && (max_val >= 1e8 || min_val < 0.0001 || max_val / min_val > 1000.)) exp_format_ = true;
    if (exp_format_) {
      large_exponent_ = (min_val > 0 && min_val < 1e-99) || max_val >= 1e100;
      width_ = 8 + kPrecision + (large_exponent_ ? 1 : 0);
      precision_ = kPrecision;
    } else {
      int digits = 0;
      for (double x : data) {
        if (x == 0 || std::isnan(x) || std::isinf(x)) continue;
        std::string s = printf_str("%*.*f", 0, kPrecision, std::fabs(x));
        size_t z = s.find_last_not_of('0');
        digits = std::max(digits, kPrecision - int(s.size() - 1 - z));
      }
      precision_ = std::min(kPrecision, digits);
      width_ = int(std::to_string(int64_t(max_val)).size()) + precision_ + 2;
      if (any_special) width_ = std::max(width_, 4);  // len('inf') + 1
    }
  }

  std::string operator()(double x) const {
    if (std::isnan(x)) return pad_left("nan");
    if (std::isinf(x)) return pad_left(x > 0 ? "inf" : "-inf");
    if (exp_format_) {
      std::string s = printf_str("%*.*e", width_, precision_, x);
      // C prints at least two exponent digits as Python does; a three-digit exponent gets padded.
      if (large_exponent_) {
        size_t e = s.find_last_of("e");
        if (s.size() - e == 4) s = s.substr(1, e + 2 - 1) + "0" + s.substr(e + 2);
      }
      return s;
    }
    std::string s = printf_str("%#*.*f", width_, precision_, x);
    size_t z = s.find_last_not_of('0');
    return s.substr(0, z + 1) + std::string(s.size() - z - 1, ' ');
  }

 private:
  std::string pad_left(const std::string& s) const {
    return s.size() >= size_t(width_) ? s : std::string(size_t(width_) - s.size(), ' ') + s;
  }
  bool exp_format_ = false, large_exponent_ = false;
  int width_ = 0, precision_ = 0;
};

class Formatter {
 public:
  Formatter(const NDArray& a, const std::vector<int64_t>& flat_shown) : dtype_(a.dtype()) {
    if (is_float(dtype_)) {
      std::vector<double> data;
      for (int64_t i : flat_shown) data.push_back(a.item(i));
      floats_.emplace(data);
    } else if (dtype_ != DType::Bool) {
      for (int64_t i : flat_shown) {
        int64_t v = a.item_int64(i);
        width_ = std::max(width_, int(std::to_string(v).size()));
      }
    }
  }
  std::string operator()(const NDArray& a, int64_t flat) const {
    if (dtype_ == DType::Bool) return a.item(flat) != 0 ? " True" : "False";
    if (floats_) return (*floats_)(a.item(flat));
    std::string s = std::to_string(a.item_int64(flat));
    return std::string(size_t(std::max(0, width_ - int(s.size()))), ' ') + s;
  }

 private:
  DType dtype_;
  std::optional<FloatFormat> floats_;
  int width_ = 0;
};

// The indices shown along an axis of size n: all, or 3 leading and 3 trailing ones.
std::vector<int64_t> shown(int64_t n, bool summarize) {
  std::vector<int64_t> idx;
  if (summarize && 2 * kEdgeItems < n) {
    for (int64_t i = 0; i < kEdgeItems; ++i) idx.push_back(i);
    for (int64_t i = n - kEdgeItems; i < n; ++i) idx.push_back(i);
  } else {
    for (int64_t i = 0; i < n; ++i) idx.push_back(i);
  }
  return idx;
}

void shown_flat(const NDArray& a, bool summarize, int axis, int64_t base, std::vector<int64_t>& out) {
  if (axis == a.ndim()) {
    out.push_back(base);
    return;
  }
  int64_t inner = 1;
  for (int d = axis + 1; d < a.ndim(); ++d) inner *= a.shape(d);
  for (int64_t i : shown(a.shape(axis), summarize)) shown_flat(a, summarize, axis + 1, base + i * inner, out);
}

std::string rstrip(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
  return s;
}

struct ArrayPrinter {
  const NDArray& a;
  const Formatter& fmt;
  std::string separator;
  bool summarize;

  void extend_line(std::string& s, std::string& line, const std::string& word, const std::string& prefix) const {
    if (int(rstrip(line).size() + rstrip(word).size()) >= kLineWidth) {
      s += rstrip(line) + "\n";
      line = prefix;
    }
    line += word;
  }

  // numpy 1.13's _formatArray over axis `axis` of the sub-array starting at flat index `base`.
  std::string format(int axis, int64_t base, const std::string& prefix) const {
    const int64_t n = a.shape(axis);
    int64_t inner = 1;
    for (int d = axis + 1; d < a.ndim(); ++d) inner *= a.shape(d);
    const bool cut = summarize && 2 * kEdgeItems < n;
    const int64_t leading = cut ? kEdgeItems : 0, trailing = cut ? kEdgeItems : n;
    const int rank = a.ndim() - axis;
    std::string s;
    if (rank == 1) {
      std::string line = prefix;
      for (int64_t i = 0; i < leading; ++i) extend_line(s, line, fmt(a, base + i) + separator, prefix);
      if (cut) extend_line(s, line, "..., ", prefix);
      for (int64_t i = trailing; i > 1; --i) extend_line(s, line, fmt(a, base + (n - i)) + separator, prefix);
      extend_line(s, line, fmt(a, base + (n - 1)), prefix);
      s += line + "]\n";
      return "[" + s.substr(prefix.size());
    }
    s = "[";
    const std::string sep = rstrip(separator);
    const std::string newlines(size_t(std::max(rank - 1, 1)), '\n');
    for (int64_t i = 0; i < leading; ++i) {
      if (i > 0) s += prefix;
      s += format(axis + 1, base + i * inner, " " + prefix);
      s = rstrip(s) + sep + newlines;
    }
    if (cut) s += prefix + "..., \n";
    for (int64_t i = trailing; i > 1; --i) {
      if (leading || i != trailing) s += prefix;
      s += format(axis + 1, base + (n - i) * inner, " " + prefix);
      s = rstrip(s) + sep + newlines;
    }
    if (leading || trailing > 1) s += prefix;
    s += rstrip(format(axis + 1, base + (n - 1) * inner, " " + prefix)) + "]\n";
    return s;
  }
};

std::string scalar_text(const NDArray& a) {
  if (a.dtype() == DType::Bool) return a.item(0) != 0 ? "True" : "False";
  if (is_float(a.dtype())) return python_float_repr(a.item(0));
  return std::to_string(a.item_int64(0));
}

std::string array2string(const NDArray& a, const std::string& separator, const std::string& prefix) {
  if (a.ndim() == 0) return scalar_text(a);
  if (a.size() == 0) return "[]";
  const bool summarize = a.size() > kSummaryThreshold;
  std::vector<int64_t> flat;
  shown_flat(a, summarize, 0, 0, flat);
  Formatter fmt(a, flat);
  ArrayPrinter p{a, fmt, separator, summarize};
  std::string s = p.format(0, 0, " " + std::string(prefix.size(), ' '));
  s.pop_back();  // the final newline
  return s;
}

void require_array(const NDArray& a, const char* who) {
  if (!a.defined()) throw std::invalid_argument(std::string(who) + ": the array is undefined (a default-constructed NDArray)");
}

}  // namespace

std::string repr(const NDArray& a) {
  require_array(a, "numpy::repr");
  // A contiguous C-order copy, so flat indices walk the elements in order.
  NDArray c = a.is_contiguous() ? a : a.copy();
  std::string body = (c.size() > 0 || c.shape() == Dims{0}) ? array2string(c, ", ", "array(") : "[], shape=" + c.shape().str();
  // numpy's default types print no dtype: int64, float64 (and only when the array is not empty).
  const bool typeless = (c.dtype() == DType::Int64 || c.dtype() == DType::Float64) && c.size() > 0;
  if (typeless) return "array(" + body + ")";
  return "array(" + body + ", dtype=" + std::string(dtype_name(c.dtype())) + ")";
}

std::string str(const NDArray& a) {
  require_array(a, "numpy::str");
  NDArray c = a.is_contiguous() ? a : a.copy();
  return array2string(c, " ", "");
}

}  // namespace theano::numpy
