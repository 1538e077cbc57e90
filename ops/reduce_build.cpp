// The builders of the public reductions: axis rules (Theano's check_and_normalize_axes, with
// repeated axes refused as numpy does), keepdims, and mean, var and std as Theano composes them.
#include <algorithm>
#include <fmt/format.h>

#include "ops/graph_math.hpp"
#include "ops/reduce.hpp"
#include "ops/shape.hpp"

namespace theano::ops {

namespace {
const char* api_name(ReduceKind kind) {
  switch (kind) {
    case ReduceKind::Sum: return "sum";
    case ReduceKind::Max: return "max";
    case ReduceKind::Argmax: return "argmax";
    case ReduceKind::Prod: return "prod";
    case ReduceKind::Min: return "min";
    case ReduceKind::Argmin: return "argmin";
    case ReduceKind::Any: return "any";
    case ReduceKind::All: return "all";
    case ReduceKind::ProdWithoutZeros: return "prod_without_zeros";
  }
  return "reduce";
}

std::string input_str(const Var& x) { return fmt::format("{} {}", dtype_name(x.dtype()), x.type().shape_str()); }

// The number of elements reduced into each result, N - ddof, as a float scalar of `dtype`.
Var slice_size(const Var& x, const std::vector<int>& axes, int64_t minus, DType dtype) {
  Var n = int_constant(1, DType::Int64);
  for (int a : axes) n = elemwise(ScalarKind::Mul, {n, shape_i(x, a)});
  if (minus) n = elemwise(ScalarKind::Sub, {n, int_constant(minus, DType::Int64)});
  return cast(n, dtype);
}
}  // namespace

std::vector<int> resolve_axes(std::string_view api, const Var& x, const Axes& axis) {
  const int nd = x.ndim();
  std::vector<int> axes;
  if (axis.is_none()) {
    for (int d = 0; d < nd; ++d) axes.push_back(d);
    return axes;
  }
  for (int a : axis.list()) {
    int r = a < 0 ? a + nd : a;
    if (r < 0 || r >= nd)
      throw OpError(fmt::format("{}: axis {} is out of range for a {}-d input (inputs: {}) at {}", api, a, nd, input_str(x), SiteScope::current_str()));
    if (std::find(axes.begin(), axes.end(), r) != axes.end())
      throw OpError(fmt::format("{}: axis {} is repeated in axis={} (inputs: {}) at {}", api, a, axis.str(), input_str(x), SiteScope::current_str()));
    axes.push_back(r);
  }
  std::sort(axes.begin(), axes.end());
  return axes;
}

Var keep_dims(const Var& reduced, int ndim, const std::vector<int>& axes) {
  std::vector<int> pattern;
  for (int d = 0, k = 0; d < ndim; ++d) pattern.push_back(std::find(axes.begin(), axes.end(), d) != axes.end() ? -1 : k++);
  return dimshuffle(reduced, pattern);
}

Var reduce(ReduceKind kind, const Var& x, const Axes& axis, bool keepdims, bool no_zeros_in_input) {
  std::vector<int> axes = resolve_axes(api_name(kind), x, axis);
  // Theano's max_and_argmax reads an empty axis list as every axis (min and argmin go through it).
  bool max_family = kind == ReduceKind::Max || kind == ReduceKind::Min || kind == ReduceKind::Argmax || kind == ReduceKind::Argmin;
  if (max_family && axes.empty())
    for (int d = 0; d < x.ndim(); ++d) axes.push_back(d);
  Var r = make_apply1(std::make_shared<Reduce>(kind, axes, kind == ReduceKind::Prod && no_zeros_in_input), {x});
  return keepdims ? keep_dims(r, x.ndim(), axes) : r;
}

Var reduce_axes(ReduceKind kind, const Var& x, std::vector<int> axes) {
  for (int& a : axes) {
    if (a < 0) a += x.ndim();
    if (a < 0 || a >= x.ndim()) throw OpError(fmt::format("axis out of range for a {}-d input at {}", x.ndim(), SiteScope::current_str()));
  }
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return make_apply1(std::make_shared<Reduce>(kind, std::move(axes)), {x});
}

Var mean(const Var& x, const Axes& axis, bool keepdims) {
  std::vector<int> axes = resolve_axes("mean", x, axis);
  Var total = reduce_axes(ReduceKind::Sum, x, axes);
  if (keepdims) total = keep_dims(total, x.ndim(), axes);
  DType size_dtype = total.dtype() == DType::Float32 ? DType::Float32 : DType::Float64;
  for (int a : axes) total = elemwise(ScalarKind::TrueDiv, {total, cast(shape_i(x, a), size_dtype)});
  // No axis to divide by (axis={} or a 0-d input): an integer sum still becomes float64.
  if (!is_float(total.dtype())) total = cast(total, DType::Float64);
  return total;
}

Var var(const Var& x, const Axes& axis, int ddof, bool keepdims, bool corrected) {
  using namespace math;
  std::vector<int> axes = resolve_axes("var", x, axis);
  Var centered = x - mean(x, axes, true);
  Var squares = elemwise(ScalarKind::Sqr, {centered});
  const DType dt = centered.dtype();
  auto summed = [&](const Var& v) {
    Var s = reduce_axes(ReduceKind::Sum, v, axes);
    return keepdims ? keep_dims(s, x.ndim(), axes) : s;
  };
  Var v = ddof == 0 ? mean(squares, axes, keepdims) : summed(squares) / slice_size(x, axes, ddof, dt);
  if (corrected) {
    // The sum of the deviations is 0 up to rounding; its square over N (N - ddof) removes that error.
    Var error = ddof == 0 ? elemwise(ScalarKind::Sqr, {mean(centered, axes, keepdims)})
                          : elemwise(ScalarKind::Sqr, {summed(centered)}) / (slice_size(x, axes, ddof, dt) * slice_size(x, axes, 0, dt));
    v = v - error;
  }
  return v;
}

Var std_dev(const Var& x, const Axes& axis, int ddof, bool keepdims, bool corrected) {
  resolve_axes("std", x, axis);  // errors name std rather than var
  return elemwise(ScalarKind::Sqrt, {var(x, axis, ddof, keepdims, corrected)});
}

}  // namespace theano::ops
