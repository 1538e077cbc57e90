// Neural-network ops: a numerically stable row-wise softmax.
#pragma once
#include "graph/op.hpp"

namespace theano::ops {

// softmax over the last axis of a matrix: exp(x - max_row) / sum_row.
class Softmax : public Op {
 public:
  std::string name() const override { return "Softmax"; }
  std::string str() const override { return "Softmax"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var> out, std::span<const std::optional<Var>> cot) const override;
};

Var softmax(const Var& x);

}  // namespace theano::ops
