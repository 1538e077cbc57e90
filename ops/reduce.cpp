// The Reduce op: names as Theano prints them, output types, the shape rule and the gradients
// (kernels in reduce_kernels.cpp, builders in reduce_build.cpp).
#include "ops/reduce.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "ops/graph_math.hpp"

namespace theano::ops {

std::string Reduce::name() const {
  switch (kind_) {
    case ReduceKind::Sum: return "Sum";
    case ReduceKind::Max: return "Max";
    case ReduceKind::Argmax: return "Argmax";
    case ReduceKind::Prod: return "Prod";
    case ReduceKind::Min: return "Min";
    case ReduceKind::Argmin: return "Argmin";
    case ReduceKind::Any: return "Any";
    case ReduceKind::All: return "All";
    case ReduceKind::ProdWithoutZeros: return "ProdWithoutZeros";
  }
  return "Reduce";
}

std::string Reduce::str() const {
  std::string axes = "axis=[";
  for (size_t i = 0; i < axes_.size(); ++i) axes += (i ? ", " : "") + std::to_string(axes_[i]);
  axes += "]";
  switch (kind_) {
    case ReduceKind::Sum:
    case ReduceKind::ProdWithoutZeros: return fmt::format("{}{{{}, acc_dtype=float64}}", name(), axes);
    case ReduceKind::Prod: return fmt::format("Prod{{{}, acc_dtype=float64{}}}", axes, no_zeros_ ? ", no_zeros_in_input" : "");
    default: return fmt::format("{}{{{}}}", name(), axes);
  }
}

bool Reduce::differentiable() const {
  return kind_ == ReduceKind::Sum || kind_ == ReduceKind::Prod || kind_ == ReduceKind::Max || kind_ == ReduceKind::Min;
}

DType reduce_dtype(ReduceKind kind, DType in) {
  switch (kind) {
    case ReduceKind::Argmax:
    case ReduceKind::Argmin: return DType::Int64;
    case ReduceKind::Any:
    case ReduceKind::All: return DType::Bool;
    case ReduceKind::Sum:
    case ReduceKind::Prod:
    case ReduceKind::ProdWithoutZeros: return is_float(in) ? in : DType::Int64;
    default: return in;
  }
}

std::vector<TensorType> Reduce::make_types(Vars inputs) const {
  const TensorType& t = inputs[0].type();
  for (size_t i = 0; i < axes_.size(); ++i) {
    if (axes_[i] < 0 || axes_[i] >= t.ndim()) throw OpError(fmt::format("axis {} is out of range for a {}-d input", axes_[i], t.ndim()));
    if (i && axes_[i] <= axes_[i - 1]) throw OpError("the axes must be sorted and distinct");
  }
  TensorType out(reduce_dtype(kind_, t.dtype), 0);
  for (int d = 0; d < t.ndim(); ++d) {
    if (std::find(axes_.begin(), axes_.end(), d) != axes_.end()) continue;
    out.shape.push_back(t.shape[d]);
    out.bcast[out.ndim() - 1] = t.bcast[d];
  }
  return {out};
}

OutShapes Reduce::infer_shape(Vars in, InShapes shapes) const {
  std::vector<Variable> out;
  for (size_t d = 0; d < shapes[0].size(); ++d)
    if (std::find(axes_.begin(), axes_.end(), int(d)) == axes_.end()) out.push_back(shapes[0][d]);
  return std::vector<std::vector<Variable>>{out};
}

Cotangents Reduce::pullback(Vars in, Vars outs, OutCotangents cot) const {
  using namespace math;
  const Var& x = in[0];
  if (!differentiable()) {
    if (kind_ == ReduceKind::ProdWithoutZeros)
      throw OpError(fmt::format("{}: the second derivative of prod(x) is not supported when x may hold zeros (as in Theano); "
                                "if x holds no zeros, use T::prod(x, axis, keepdims, /*no_zeros_in_input=*/true)",
                                str()));
    return {std::nullopt};  // integer or bool results: Theano's gradient is zero
  }
  // Put the reduced axes back as broadcastable dims.
  std::vector<int> pattern;
  for (int d = 0, k = 0; d < x.ndim(); ++d) pattern.push_back(std::find(axes_.begin(), axes_.end(), d) != axes_.end() ? -1 : k++);
  Var gz = dimshuffle(*cot[0], pattern);
  if (kind_ == ReduceKind::Sum) return {elemwise(ScalarKind::Second, {x, cast(gz, is_float(x.dtype()) ? x.dtype() : gz.dtype())})};
  Var out = dimshuffle(outs[0], pattern);
  // Max and Min: every position equal to the extremum receives the gradient (as Theano).
  if (kind_ != ReduceKind::Prod) return {gz * cast(eq(x, out), gz.dtype())};
  // The product of ints is an integer: no gradient, as Theano's.
  if (!is_float(outs[0].dtype())) return {std::nullopt};
  // Prod: the product of the other elements, gz * prod / x, where the slice holds no zero.
  Var without_zeros = gz * out / x;
  if (no_zeros_) return {without_zeros};
  // With one zero in a slice only the zero's position has a gradient (the product of the others);
  // with two or more every position's is 0 (Theano's rule, with the ProdWithoutZeros reduction).
  Var zero = scalar_constant(0, x.dtype());
  Var where_zeros = eq(x, zero);
  Var zeros_per_slice = reduce_axes(ReduceKind::Sum, where_zeros, axes_);
  Var no_zero = dimshuffle(eq(zeros_per_slice, int_constant(0, DType::Int64)), pattern);
  Var one_zero = dimshuffle(eq(zeros_per_slice, int_constant(1, DType::Int64)), pattern);
  Var others = dimshuffle(reduce_axes(ReduceKind::ProdWithoutZeros, x, axes_), pattern);
  Var at_single_zero = switch_(one_zero, where_zeros, cast(zero, DType::Bool));
  Var with_zeros = switch_(at_single_zero, others, zero) * gz;
  return {switch_(no_zero, without_zeros, with_zeros)};
}

}  // namespace theano::ops
