// Ops the pool rewrites put in place of max pooling's usual forms (ops/pool_rewrites.cpp); users
// never build them directly. LeNet's layer act(pool_max(conv) + b) becomes MaxPoolBiasActivation,
// which reads the conv output once and writes only the activation; its gradient's MaxPoolGrad
// becomes MaxPoolGradRecompute, which needs no pooled array.
#pragma once
#include "ops/pool.hpp"

namespace theano::ops {

// (x, bias) -> act(pool_2d(x, max) + bias). bias has x's ndim and is broadcastable over the last
// two dims; its other non-broadcastable dims are adjacent (one bias value per image slice, as
// b.dimshuffle('x', 0, 'x', 'x')). Only the activations the kernel knows: tanh, sigmoid.
class MaxPoolBiasActivation : public Op {
 public:
  MaxPoolBiasActivation(PoolAttrs attrs, kernels::PoolActivation act);
  std::string name() const override { return "MaxPoolBiasActivation"; }
  std::string str() const override;  // MaxPoolBiasActivation{tanh, ws=(2, 2), ignore_border=True, ...}
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  // Put in place after gradients are built, like Composite.
  bool differentiable() const override { return false; }

 private:
  PoolAttrs attrs_;
  kernels::PoolActivation act_;
};

// (x, gz) -> MaxPoolGrad(x, pool_2d(x, max), gz), recomputing each window's maximum from x: for
// non-overlapping windows that costs a few comparisons per input and saves reading the pooled array
// (and keeping it alive for the backward pass).
class MaxPoolGradRecompute : public Op {
 public:
  explicit MaxPoolGradRecompute(PoolAttrs attrs);
  std::string name() const override { return "MaxPoolGradRecompute"; }
  std::string str() const override { return name() + "{" + attrs_.str() + "}"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  bool differentiable() const override { return false; }

 private:
  PoolAttrs attrs_;
};

Var max_pool_bias_activation(const Var& x, const Var& bias, const PoolAttrs& attrs, kernels::PoolActivation act);
Var max_pool_grad_recompute(const Var& x, const Var& gz, const PoolAttrs& attrs);

}  // namespace theano::ops
