// Assembly ops (Theano's tensor/basic.py): Join (concatenate along an axis; its gradient splits the
// cotangent), Alloc (a value broadcast to a shape; its gradient sums over the stretched dims) and Eye
// (the identity-like matrix with ones on diagonal k).
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

// Join{axis}(x0, x1, ...): inputs of one dtype and rank (>= 1), equal sizes except along `axis`.
class Join : public OpOf<Join> {
 public:
  explicit Join(int axis) : axis_(axis) {}
  int axis() const { return axis_; }
  auto props() const { return std::tie(axis_); }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;

 private:
  int axis_;
};

// Alloc(value, s0, s1, ...): value (of rank <= the shape's) broadcast to the int64 sizes. A dim of
// value stretches where it is missing (leading) or its type is broadcastable (`stretch`); elsewhere its
// size must equal the target's (so the gradient, summed over the stretched dims, fits value).
class Alloc : public OpOf<Alloc> {
 public:
  explicit Alloc(std::vector<bool> stretch) : stretch_(std::move(stretch)) {}
  auto props() const { return std::tie(stretch_); }
  std::string str() const override { return "Alloc"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;

 private:
  std::vector<bool> stretch_;
};

// Eye{dtype}(n, m, k): an n x m matrix of zeros with ones where column = row + k.
class Eye : public NonDifferentiable<Eye> {
 public:
  explicit Eye(DType dtype) : dtype_(dtype) {}
  auto props() const { return std::tie(dtype_); }
  std::string str() const override { return "Eye{dtype='" + std::string(dtype_name(dtype_)) + "'}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;

 private:
  DType dtype_;
};

// Builders. join: one input is returned as is (Theano's); a negative axis counts from the end. The
// inputs are upcast to one dtype.
Var join(int axis, const std::vector<Variable>& xs);
// shape: int64 scalars (symbolic sizes allowed).
Var alloc(const Var& value, const std::vector<Variable>& shape);
Var eye(const Var& n, const Var& m, const Var& k, DType dtype);
// numpy's x.diagonal(offset) over dims 0 and 1 (the diagonal becomes the last dim): x[rows, cols]
// with rows, cols = arange(len) + the offset's start, so its gradient is AdvancedIncSubtensor's.
Var diagonal(const Var& x, int offset);

}  // namespace theano::ops
