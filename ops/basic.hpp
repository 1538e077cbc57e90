// Basic tensor constructors: ARange (numpy's arange: int64 ranges, and float ranges of numpy's length
// ceil((stop - start) / step) and values) and MakeVector (int64 scalars into a vector: symbolic shapes).
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

// arange(start, stop, step): int64 scalars for an integer dtype, float64 scalars for a float one.
class ARange : public NonDifferentiable<ARange> {
 public:
  explicit ARange(DType dtype = DType::Int64) : dtype_(dtype) {}
  auto props() const { return std::tie(dtype_); }
  std::string str() const override { return "ARange{dtype='" + std::string(dtype_name(dtype_)) + "'}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;

 private:
  DType dtype_;
};

Var arange(const Var& start, const Var& stop, const Var& step);  // int64
Var arange(const Var& start, const Var& stop, const Var& step, DType dtype);

class MakeVector : public NonDifferentiable<MakeVector> {
 public:
  std::string str() const override { return "MakeVector{dtype='int64'}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
};

Var make_vector(const std::vector<Variable>& scalars);

}  // namespace theano::ops
