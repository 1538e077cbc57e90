// Shape ops: DimShuffle (transpose / add / drop broadcastable dims), Reshape, Flatten, Shape, Shape_i.
// DimShuffle and Flatten/Reshape of contiguous data are views: no copy.
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

class DimShuffle : public OpOf<DimShuffle> {
 public:
  // pattern[i] = input dim for output dim i, or -1 for a new broadcastable dim ('x').
  DimShuffle(int input_ndim, std::vector<int> pattern);
  const std::vector<int>& pattern() const { return pattern_; }
  auto props() const { return std::tie(input_ndim_, pattern_); }
  std::string str() const override;
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
  std::optional<int> view_of(int) const override { return 0; }

 private:
  int input_ndim_;
  std::vector<int> pattern_;
};

// Reshape(x, shape): shape is an int64 vector (constant or symbolic); one entry may be -1.
class Reshape : public OpOf<Reshape> {
 public:
  explicit Reshape(int ndim) : ndim_(ndim) {}
  int ndim() const { return ndim_; }
  auto props() const { return std::tie(ndim_); }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
  std::optional<int> view_of(int) const override { return 0; }

 private:
  int ndim_;
};

// Keeps the first outdim-1 dims and collapses the rest (Theano's flatten(outdim)).
class Flatten : public OpOf<Flatten> {
 public:
  explicit Flatten(int outdim) : outdim_(outdim) {}
  auto props() const { return std::tie(outdim_); }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
  std::optional<int> view_of(int) const override { return 0; }

 private:
  int outdim_;
};

class Shape : public NonDifferentiable<Shape> {
 public:
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
};

class ShapeI : public NonDifferentiable<ShapeI> {
 public:
  explicit ShapeI(int i) : i_(i) {}
  int i() const { return i_; }
  auto props() const { return std::tie(i_); }
  std::string name() const override { return "Shape_i"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;

 private:
  int i_;
};

Var reshape(const Var& x, const Var& shape);
Var reshape(const Var& x, const std::vector<int64_t>& shape);
Var flatten(const Var& x, int outdim);
Var shape_of(const Var& x);
Var shape_i(const Var& x, int i);

}  // namespace theano::ops
