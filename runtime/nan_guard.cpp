#include "runtime/nan_guard.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <type_traits>

#include "runtime/function_impl.hpp"

namespace theano {

namespace {

// Calls f(value, flat C-order position) for every element, whatever the strides.
template <class T, class F>
void for_each(const NDArray& a, F&& f) {
  int64_t n = a.size();
  if (n == 0) return;
  const T* base = a.data<T>();
  if (a.is_contiguous()) {
    for (int64_t i = 0; i < n; ++i) f(base[i], i);
    return;
  }
  int nd = a.ndim();
  Dims idx = Dims::filled(nd, 0);
  int64_t off = 0;
  for (int64_t i = 0; i < n; ++i) {
    f(base[off], i);
    for (int d = nd - 1; d >= 0; --d) {
      off += a.stride(d);
      if (++idx[d] < a.shape(d)) break;
      off -= a.stride(d) * a.shape(d);
      idx[d] = 0;
    }
  }
}

// True when some element is NaN, infinite or bigger than the threshold in magnitude. The common,
// clean case runs branch-free over blocks of a contiguous array.
template <class T>
bool has_bad(const NDArray& a) {
  if constexpr (std::is_same_v<T, bool> || (std::is_integral_v<T> && sizeof(T) < 8)) {
    return false;  // cannot exceed 1e10
  } else {
    constexpr T big = T(kNanGuardBigValue);
    int64_t n = a.size();
    if (a.is_contiguous()) {
      const T* p = a.data<T>();
      for (int64_t start = 0; start < n; start += 4096) {
        int64_t end = std::min(n, start + 4096);
        bool bad = false;
        for (int64_t i = start; i < end; ++i) bad |= !(p[i] <= big && p[i] >= -big);
        if (bad) return true;
      }
      return false;
    }
    bool bad = false;
    for_each<T>(a, [&](T v, int64_t) { bad |= !(v <= big && v >= -big); });
    return bad;
  }
}

std::string index_str(const Dims& shape, int64_t flat) {
  if (shape.size() == 0) return "()";
  Dims idx = Dims::filled(shape.size(), 0);
  for (int d = shape.size() - 1; d >= 0; --d) {
    if (shape[d] > 0) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
  }
  return idx.str();
}

struct Problems {
  int64_t nan = 0, inf = 0, big = 0;
  int64_t first_nan = -1, first_inf = -1, first_big = -1;
  double nan_v = 0, inf_v = 0, big_v = 0;
};

Problems find_problems(const NDArray& a) {
  Problems p;
  visit_dtype(a.dtype(), [&](auto t) {
    using T = decltype(t);
    for_each<T>(a, [&](T x, int64_t i) {
      double v = double(x);
      if (std::isnan(v)) {
        if (p.nan++ == 0) p.first_nan = i, p.nan_v = v;
      } else if (std::isinf(v)) {
        if (p.inf++ == 0) p.first_inf = i, p.inf_v = v;
      } else if (std::abs(v) > kNanGuardBigValue) {
        if (p.big++ == 0) p.first_big = i, p.big_v = v;
      }
    });
  });
  return p;
}

// "min -1 max 2", ignoring NaNs (counted separately), or "empty".
// "min -1 max 2": every value exactly, in the shortest form that reads back as the same value of its
// dtype (an index 2147483648 cast to float64 reads 2147483648, not 2.14748e+09; float32 0.1 reads 0.1).
std::string min_max(const NDArray& a) {
  if (a.size() == 0) return "empty";
  return visit_dtype(a.dtype(), [&](auto t) -> std::string {
    using T = decltype(t);
    if constexpr (!std::is_floating_point_v<T>) {
      bool first = true;
      T lo{}, hi{};
      for_each<T>(a, [&](T x, int64_t) {
        if (first || x < lo) lo = x;
        if (first || x > hi) hi = x;
        first = false;
      });
      if constexpr (std::is_same_v<T, bool>) return fmt::format("min {} max {}", int(lo), int(hi));
      else return fmt::format("min {} max {}", int64_t(lo), int64_t(hi));
    } else {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      int64_t nans = 0;
      for_each<T>(a, [&](T x, int64_t) {
        double v = double(x);
        if (std::isnan(v)) {
          ++nans;
          return;
        }
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      });
      if (nans == a.size()) return fmt::format("all {} NaN", nans);
      std::string s = fmt::format("min {} max {}", T(lo), T(hi));  // shortest exact form in T: 0.1, -2147483648, 1e+20
      if (nans) s += fmt::format(" ({} NaN)", nans);
      return s;
    }
  });
}

bool is_bad(const NDArray& a) { return a.defined() && visit_dtype(a.dtype(), [&](auto t) { return has_bad<decltype(t)>(a); }); }

// "NaN (first at index (1,); 1 NaN, 0 Inf, 0 big)" and its Inf and big-value forms.
std::string problem_str(const NDArray& a) {
  Problems p = find_problems(a);
  if (p.nan) return fmt::format("NaN (first at index {}; {} NaN, {} Inf, {} big)", index_str(a.shape(), p.first_nan), p.nan, p.inf, p.big);
  if (p.inf) return fmt::format("Inf (first at index {}: {:g}; {} Inf, {} big)", index_str(a.shape(), p.first_inf), p.inf_v, p.inf, p.big);
  return fmt::format("big value |x| > {:g} (first at index {}: {:g}; {} big)", kNanGuardBigValue, index_str(a.shape(), p.first_big),
                     p.big_v, p.big);
}

std::string function_name(const FunctionImpl& f) { return f.name.empty() ? "<unnamed>" : f.name; }

}  // namespace

void nan_guard_check_leaves(const FunctionImpl& f) {
  for (const auto& [slot, what] : f.guarded_leaves) {
    const NDArray& a = f.slots[slot];
    if (!is_bad(a)) continue;
    // Who sees it: the first step reading it, else the output or update it is.
    std::string seen;
    for (const Step& s : f.steps)
      if (std::find(s.in.begin(), s.in.end(), &a) != s.in.end()) {
        seen = fmt::format("read by {} created at {}", s.apply->op->str(), site_str(s.apply->site));
        break;
      }
    for (size_t o = 0; seen.empty() && o < f.output_slots.size(); ++o)
      if (f.output_slots[o] == slot) seen = fmt::format("returned as output {}", o);
    for (size_t u = 0; seen.empty() && u < f.updates.size(); ++u)
      if (f.updates[u].slot == slot) seen = fmt::format("the new value of {}", f.update_targets[u].describe());
    throw NanGuardError(fmt::format("NanGuardMode: {} in {} ({} {}), {}; function '{}': no update was applied", problem_str(a), what,
                                    dtype_name(a.dtype()), a.shape().str(), seen.empty() ? "unused" : seen, function_name(f)));
  }
}

void nan_guard_check(const FunctionImpl& f, size_t step) {
  const Step& s = f.steps[step];
  for (size_t o = 0; o < s.out.size(); ++o) {
    const NDArray& a = *s.out[o];
    if (!is_bad(a)) continue;
    std::string what = problem_str(a);
    std::string inputs;
    for (size_t i = 0; i < s.in.size(); ++i)
      inputs += fmt::format("{}#{} {} {} {}", i ? ", " : "", i, dtype_name(s.in[i]->dtype()), s.in[i]->shape().str(), min_max(*s.in[i]));
    throw NanGuardError(fmt::format(
        "NanGuardMode: {} in output {} ({} {}) of {} created at {}{}; inputs: {}; function '{}': no update was applied", what, o,
        dtype_name(a.dtype()), a.shape().str(), s.apply->op->str(), site_str(s.apply->site),
        s.apply->scope.empty() ? "" : " in scope " + s.apply->scope, inputs.empty() ? "none" : inputs, function_name(f)));
  }
}

}  // namespace theano
