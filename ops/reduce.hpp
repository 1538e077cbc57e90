// Reductions over a set of axes: Sum (float32 accumulates in float64, as Theano's acc_dtype),
// Max, and Argmax (int64, first index on ties as numpy).
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

enum class ReduceKind : uint8_t { Sum, Max, Argmax };

class Reduce : public OpOf<Reduce> {
 public:
  Reduce(ReduceKind kind, std::vector<int> axes) : kind_(kind), axes_(std::move(axes)) {}
  ReduceKind kind() const { return kind_; }
  const std::vector<int>& axes() const { return axes_; }
  auto props() const { return std::tie(kind_, axes_); }
  std::string name() const override;
  std::string str() const override;
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
  bool differentiable() const override { return kind_ != ReduceKind::Argmax; }

 private:
  ReduceKind kind_;
  std::vector<int> axes_;  // sorted, distinct
};

// axis nullopt = all axes; a negative axis counts from the end.
Var reduce(ReduceKind kind, const Var& x, std::optional<int> axis);
Var reduce_axes(ReduceKind kind, const Var& x, std::vector<int> axes);
// Theano's mean: the sum divided by each reduced dim's size, cast to float32 for float32 sums and to
// float64 otherwise (so the mean of ints or bools is float64).
Var mean(const Var& x, std::optional<int> axis);

}  // namespace theano::ops
