// pool_2d with Theano's semantics over the last two dims: modes max, sum, average_inc_pad and
// average_exc_pad, Theano's output sizes, and a gradient that gives every tied maximum the full
// upstream gradient (as Theano's MaxPoolGrad).
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"
#include "ops/pool_kernels.hpp"

namespace theano::ops {

struct PoolAttrs {
  int64_t ws_h = 2, ws_w = 2;
  int64_t stride_h = 2, stride_w = 2;
  int64_t pad_h = 0, pad_w = 0;
  bool ignore_border = false;
  kernels::PoolMode mode = kernels::PoolMode::Max;
  bool operator==(const PoolAttrs&) const = default;
  auto props() const { return std::tie(ws_h, ws_w, stride_h, stride_w, pad_h, pad_w, ignore_border, mode); }
  std::string mode_name() const;  // 'max', 'sum', 'average_inc_pad', 'average_exc_pad'
  std::string str() const;        // ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'
};

// Pool(x); PoolGrad(x, pooled, grad_pooled) -> grad_x; PoolGradGrad(x, pooled, gg) -> the gradient
// of PoolGrad with respect to grad_pooled for max (the upstream values at each window's maxima).
enum class PoolKind { Forward, Grad, GradGrad };

class Pool : public OpOf<Pool> {
 public:
  Pool(PoolKind kind, PoolAttrs attrs) : kind_(kind), attrs_(attrs) {}
  PoolKind kind() const { return kind_; }
  const PoolAttrs& attrs() const { return attrs_; }
  auto props() const { return std::tie(kind_, attrs_); }
  std::string name() const override;
  std::string str() const override { return name() + "{" + attrs_.str() + "}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;

 private:
  PoolKind kind_;
  PoolAttrs attrs_;
};

Var pool_2d(const Var& x, const PoolAttrs& attrs);

// The kernels' view of x's shape (outer, H, W) under these attributes, and the pooled shape (-1
// stays unknown).
kernels::Pool2dGeometry pool_geometry(const PoolAttrs& attrs, const Dims& x_shape);
Dims pooled_shape(const PoolAttrs& attrs, const Dims& x_shape);

}  // namespace theano::ops
