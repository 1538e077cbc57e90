// Reductions over a set of axes: Sum (float32 accumulates in float64, as Theano's acc_dtype),
// Max, and Argmax (int64, first index on ties as numpy).
#pragma once
#include "graph/op.hpp"

namespace theano::ops {

enum class ReduceKind : uint8_t { Sum, Max, Argmax };

class Reduce : public Op {
 public:
  Reduce(ReduceKind kind, std::vector<int> axes) : kind_(kind), axes_(std::move(axes)) {}
  ReduceKind kind() const { return kind_; }
  const std::vector<int>& axes() const { return axes_; }
  std::string name() const override;
  std::string str() const override;
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var> out, std::span<const std::optional<Var>> cot) const override;
  bool differentiable() const override { return kind_ != ReduceKind::Argmax; }

 private:
  ReduceKind kind_;
  std::vector<int> axes_;  // sorted, distinct
};

// axis nullopt = all axes; a negative axis counts from the end.
Var reduce(ReduceKind kind, const Var& x, std::optional<int> axis);
Var reduce_axes(ReduceKind kind, const Var& x, std::vector<int> axes);

}  // namespace theano::ops
