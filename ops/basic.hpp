// Basic tensor constructors: ARange (int64 ranges, as T.arange) and MakeVector (int64 scalars into a
// vector: symbolic shapes).
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

// arange(start, stop, step) of int64 scalars.
class ARange : public NonDifferentiable<ARange> {
 public:
  std::string str() const override { return "ARange{dtype='int64'}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
};

Var arange(const Var& start, const Var& stop, const Var& step);

class MakeVector : public NonDifferentiable<MakeVector> {
 public:
  std::string str() const override { return "MakeVector{dtype='int64'}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
};

Var make_vector(const std::vector<Variable>& scalars);

}  // namespace theano::ops
