// Neural-network ops: a numerically stable row-wise softmax.
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

// softmax over the last axis of a matrix: exp(x - max_row) / sum_row.
class Softmax : public OpOf<Softmax> {
 public:
  std::string str() const override { return "Softmax"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
};

Var softmax(const Var& x);

}  // namespace theano::ops
