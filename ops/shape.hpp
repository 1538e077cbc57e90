// Shape ops: DimShuffle (transpose / add / drop broadcastable dims), Reshape, Flatten, Shape, Shape_i.
// DimShuffle and Flatten/Reshape of contiguous data are views: no copy.
#pragma once
#include "graph/op.hpp"

namespace theano::ops {

class DimShuffle : public Op {
 public:
  // pattern[i] = input dim for output dim i, or -1 for a new broadcastable dim ('x').
  DimShuffle(int input_ndim, std::vector<int> pattern);
  const std::vector<int>& pattern() const { return pattern_; }
  std::string name() const override { return "DimShuffle"; }
  std::string str() const override;
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var> out, std::span<const std::optional<Var>> cot) const override;
  std::optional<int> view_of(int) const override { return 0; }
  bool equals(const Op& other) const override {
    auto* o = dynamic_cast<const DimShuffle*>(&other);
    return o && o->input_ndim_ == input_ndim_ && o->pattern_ == pattern_;
  }
  size_t hash() const override {
    size_t h = 0x9e3779b9u + size_t(input_ndim_);
    for (int p : pattern_) h = h * 31 + size_t(p + 2);
    return h;
  }

 private:
  int input_ndim_;
  std::vector<int> pattern_;
};

// Reshape(x, shape): shape is an int64 vector (constant or symbolic); one entry may be -1.
class Reshape : public Op {
 public:
  explicit Reshape(int ndim) : ndim_(ndim) {}
  int ndim() const { return ndim_; }
  std::string name() const override { return "Reshape"; }
  std::string str() const override { return "Reshape{" + std::to_string(ndim_) + "}"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var> out, std::span<const std::optional<Var>> cot) const override;
  std::optional<int> view_of(int) const override { return 0; }

 private:
  int ndim_;
};

// Keeps the first outdim-1 dims and collapses the rest (Theano's flatten(outdim)).
class Flatten : public Op {
 public:
  explicit Flatten(int outdim) : outdim_(outdim) {}
  std::string name() const override { return "Flatten"; }
  std::string str() const override { return "Flatten{" + std::to_string(outdim_) + "}"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var> out, std::span<const std::optional<Var>> cot) const override;
  std::optional<int> view_of(int) const override { return 0; }

 private:
  int outdim_;
};

class Shape : public Op {
 public:
  std::string name() const override { return "Shape"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var>, std::span<const std::optional<Var>>) const override {
    return Cotangents(in.size());
  }
  bool differentiable() const override { return false; }
};

class ShapeI : public Op {
 public:
  explicit ShapeI(int i) : i_(i) {}
  int i() const { return i_; }
  std::string name() const override { return "Shape_i"; }
  std::string str() const override { return "Shape_i{" + std::to_string(i_) + "}"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var>, std::span<const std::optional<Var>>) const override {
    return Cotangents(in.size());
  }
  bool differentiable() const override { return false; }

 private:
  int i_;
};

Var reshape(const Var& x, const Var& shape);
Var reshape(const Var& x, const std::vector<int64_t>& shape);
Var flatten(const Var& x, int outdim);
Var shape_of(const Var& x);
Var shape_i(const Var& x, int i);

}  // namespace theano::ops
