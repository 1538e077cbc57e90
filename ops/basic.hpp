// Basic tensor constructors: ARange (int64 ranges, as T.arange).
#pragma once
#include "graph/op.hpp"

namespace theano::ops {

// arange(start, stop, step) of int64 scalars.
class ARange : public Op {
 public:
  std::string name() const override { return "ARange"; }
  std::string str() const override { return "ARange{dtype='int64'}"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var>, std::span<const std::optional<Var>>) const override {
    return Cotangents(in.size());
  }
  bool differentiable() const override { return false; }
};

Var arange(const Var& start, const Var& stop, const Var& step);

}  // namespace theano::ops

namespace theano::ops {

// MakeVector: int64 scalars -> an int64 vector (symbolic shapes).
class MakeVector : public Op {
 public:
  std::string name() const override { return "MakeVector"; }
  std::string str() const override { return "MakeVector{dtype='int64'}"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var>, std::span<const std::optional<Var>>) const override {
    return Cotangents(in.size());
  }
  bool differentiable() const override { return false; }
};

Var make_vector(const std::vector<Var>& scalars);

}  // namespace theano::ops
