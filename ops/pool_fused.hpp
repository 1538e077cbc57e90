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
class MaxPoolBiasActivation : public OpOf<MaxPoolBiasActivation> {
 public:
  MaxPoolBiasActivation(PoolAttrs attrs, kernels::PoolActivation act);
  auto props() const { return std::tie(attrs_, act_); }
  std::string str() const override;  // MaxPoolBiasActivation{tanh, ws=(2, 2), ignore_border=True, ...}
  std::vector<TensorType> make_types(Vars inputs) const override;
  void perform(InArrays in, OutArrays out) const override;

 private:
  PoolAttrs attrs_;
  kernels::PoolActivation act_;
};

// (x, gz) -> MaxPoolGrad(x, pool_2d(x, max), gz), recomputing each window's maximum from x: for
// non-overlapping windows that costs a few comparisons per input and saves reading the pooled array
// (and keeping it alive for the backward pass).
class MaxPoolGradRecompute : public OpOf<MaxPoolGradRecompute> {
 public:
  explicit MaxPoolGradRecompute(PoolAttrs attrs);
  auto props() const { return std::tie(attrs_); }
  std::string str() const override { return name() + "{" + attrs_.str() + "}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  void perform(InArrays in, OutArrays out) const override;

 private:
  PoolAttrs attrs_;
};

Var max_pool_bias_activation(const Var& x, const Var& bias, const PoolAttrs& attrs, kernels::PoolActivation act);
Var max_pool_grad_recompute(const Var& x, const Var& gz, const PoolAttrs& attrs);

}  // namespace theano::ops
