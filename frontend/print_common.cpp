#include "frontend/print_common.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/convert.hpp"
#include "runtime/function.hpp"

namespace theano::printing::detail {

PrintGraph graph_of(const std::vector<Var>& outputs, const char* api) {
  if (outputs.size() == 1) require_defined(outputs[0], api, "v");
  else require_defined(outputs, api, "vs");
  PrintGraph g;
  g.outputs = as_variables(outputs);
  return g;
}

PrintGraph graph_of(const Function& f, const char* api) {
  require_defined(f, api);
  PrintGraph g;
  g.outputs = f.fgraph().outputs();
  g.updates = f.updates();
  g.order = f.schedule();
  g.profile = f.profiler();
  return g;
}

namespace {
// Shortest digits that round-trip in `dtype` (float32 values keep float32's shortest form).
std::string shortest(double v, DType dtype, std::chars_format fmt) {
  char buf[64];
  auto r = dtype == DType::Float32 ? std::to_chars(buf, buf + sizeof buf, float(v), fmt) : std::to_chars(buf, buf + sizeof buf, v, fmt);
  return std::string(buf, r.ptr);
}
bool scientific(double v) {
  double a = std::fabs(v);
  return a != 0 && (a < 1e-4 || a >= 1e16);
}
}  // namespace

std::string scalar_str(double v, DType dtype) {
  if (dtype == DType::Bool) return v != 0 ? "True" : "False";
  if (!is_float(dtype)) return std::to_string(convert<int64_t>(v));  // exact callers use item_int64
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (scientific(v)) return shortest(v, dtype, std::chars_format::scientific);  // 1e-05, 1.5e+16 as Python
  std::string s = shortest(v, dtype, std::chars_format::fixed);
  if (s.find('.') == std::string::npos) s += ".0";
  return s;
}

namespace {
// One element of an array as numpy's array2string writes it, before padding: floats keep at most
// 8 decimals and drop the trailing ".0" to "." (1.0 -> "1.", 2.5 -> "2.5").
std::string element_str(double v, DType dtype, bool sci) {
  if (!is_float(dtype) || std::isnan(v) || std::isinf(v)) return scalar_str(v, dtype);
  if (sci) return shortest(v, dtype, std::chars_format::scientific);
  std::string s = shortest(v, dtype, std::chars_format::fixed);
  auto dot = s.find('.');
  if (dot != std::string::npos && s.size() - dot - 1 > 8) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.8f", v);
    s = buf;
    while (s.back() == '0') s.pop_back();
    dot = s.find('.');
  }
  if (dot == std::string::npos) s += ".";
  return s;
}
// Element i: integers exactly (2**53 + 1 is not a double), the rest as element_str or, alone,
// as scalar_str writes them.
std::string item_str(const NDArray& a, int64_t i, bool sci, bool alone = false) {
  if (is_integer(a.dtype())) return std::to_string(a.item_int64(i));
  return alone ? scalar_str(a.item(i), a.dtype()) : element_str(a.item(i), a.dtype(), sci);
}
}  // namespace

std::string array_str(const NDArray& a) {
  if (a.ndim() == 0) return item_str(a, 0, false, true);
  int64_t n = a.size();
  bool sci = false;
  if (is_float(a.dtype()))
    for (int64_t i = 0; i < n; ++i) {
      double v = std::fabs(a.item(i));
      if (std::isfinite(v) && v != 0 && (v < 1e-4 || v >= 1e8)) sci = true;
    }
  // Elements, padded as numpy pads them: integer parts right-aligned, fractions left-aligned.
  std::vector<std::string> el(static_cast<size_t>(n));
  size_t int_w = 0, frac_w = 0;
  for (int64_t i = 0; i < n; ++i) {
    el[size_t(i)] = item_str(a, i, sci);
    const std::string& s = el[size_t(i)];
    auto dot = s.find('.');
    size_t ip = dot == std::string::npos || sci ? s.size() : dot;
    int_w = std::max(int_w, ip);
    frac_w = std::max(frac_w, s.size() - ip);
  }
  for (auto& s : el) {
    auto dot = s.find('.');
    size_t ip = dot == std::string::npos || sci ? s.size() : dot;
    s = std::string(int_w - ip, ' ') + s + std::string(frac_w - (s.size() - ip), ' ');
  }
  // Nesting: "[[1 2]\n [3 4]]"; each deeper level adds a blank line between blocks as numpy does.
  std::string out;
  std::vector<int64_t> idx(size_t(a.ndim()), 0);
  int nd = a.ndim();
  for (int64_t i = 0; i < n; ++i) {
    int opened = 0;  // how many dims start at this element
    for (int d = nd - 1; d >= 0 && idx[size_t(d)] == 0; --d) ++opened;
    if (i > 0) {
      if (opened == 0) out += ' ';
      else out += std::string(size_t(opened), '\n') + std::string(size_t(nd - opened), ' ');
    }
    out += std::string(size_t(opened), '[') + el[size_t(i)];
    int closed = 0;
    for (int d = nd - 1; d >= 0; --d) {
      if (++idx[size_t(d)] < a.shape(d)) break;
      idx[size_t(d)] = 0;
      ++closed;
    }
    out += std::string(size_t(closed), ']');
  }
  if (n == 0) out = std::string(size_t(nd), '[') + std::string(size_t(nd), ']');
  return out;
}

std::string constant_str(const NDArray& a) {
  std::string name;
  bool unique = a.ndim() > 0 && a.size() > 0;
  for (int64_t i = 1; unique && i < a.size(); ++i) unique = a.item(i) == a.item(0) && a.item_int64(i) == a.item_int64(0);
  if (unique) name = a.shape().str() + " of " + item_str(a, 0, false, true);
  else name = array_str(a);
  if (name.size() > 20) name = name.substr(0, 10) + ".." + name.substr(name.size() - 10);
  return "TensorConstant{" + name + "}";
}

std::string angle(const std::string& s) {
  std::string r = "<";  // (built in steps: GCC 12 warns falsely on "<" + std::string&&)
  return r.append(s).append(">");
}

std::string leaf_str(const Variable& v) {
  if (v.is_constant()) return constant_str(v.node()->constant);
  if (!v.name().empty()) return v.name();
  return angle(v.type().str());
}

}  // namespace theano::printing::detail
