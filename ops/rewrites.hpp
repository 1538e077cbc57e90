// The local rewrites of the op families and the elementwise fusion pass. Each rewrite sits next to
// its ops (ops/<family>_rewrites.cpp); runtime/pipeline.cpp enrols them, in order, into phases.
#pragma once
#include "graph/rewrite.hpp"

namespace theano::ops::rewrites {

using rewrite::LocalRewrite;

// ops/elemwise_rewrites.cpp (canonicalize, stabilize, specialize)
extern const LocalRewrite local_mul_one;       // x * 1 -> x
extern const LocalRewrite local_add_zero;      // x + 0 -> x, x - 0 -> x
extern const LocalRewrite local_neg_neg;       // -(-x) -> x
extern const LocalRewrite local_log1p;         // log(1 + x) -> log1p(x)
extern const LocalRewrite local_log_sigmoid;   // log(sigmoid(x)) -> -softplus(-x)

extern const LocalRewrite local_pow_specialize;  // x**2 -> sqr(x), x**1 -> x, x**0.5 -> sqrt(x) (specialize)

// ops/sigm_rewrites.cpp (stabilize): Theano's tensor/nnet/sigm.py
extern const LocalRewrite local_exp_over_1_plus_exp;    // exp(x) / (1 + exp(x)) -> sigmoid(x), c / (1 + exp(x)) -> c * sigmoid(-x)
extern const LocalRewrite local_sigm_times_exp;         // exp(x) * sigmoid(-x) -> sigmoid(x), exp(-x) * sigmoid(x) -> sigmoid(-x)
extern const LocalRewrite local_log1msigm_to_softplus;  // log(1 - sigmoid(x)) -> -softplus(x)
extern const LocalRewrite local_log1pexp_to_softplus;   // log1p(exp(x)) -> softplus(x)
extern const LocalRewrite local_log1p_neg_sigmoid;      // log1p(-sigmoid(x)) -> -softplus(x)

// ops/shape_rewrites.cpp (canonicalize)
extern const LocalRewrite local_dimshuffle_chain;    // DimShuffle(DimShuffle(x)) -> DimShuffle(x)
extern const LocalRewrite local_useless_dimshuffle;  // DimShuffle{0,1,..}(x) -> x
extern const LocalRewrite local_reshape_chain;       // Reshape(Reshape(x, s1), s2) -> Reshape(x, s2)
extern const LocalRewrite local_shape_i_of_reshape;  // Reshape(x, s).shape[i] -> s[i]
extern const LocalRewrite local_shape_i_lift;        // Shape_i{k}(op(..)) -> op's shape rule, dim k (Op::infer_shape)
extern const LocalRewrite local_shape_subtensor;     // Shape(y)[k] -> Shape_i{k}(y), MakeVector(..)[k] -> entry k
extern const LocalRewrite local_shape_to_shape_i;    // Shape(y) -> MakeVector(Shape_i{0}(y), ..) when y is read only for its shape
extern const LocalRewrite local_subtensor_lift;      // unary(x)[idx] -> unary(x[idx])

// ops/nnet_rewrites.cpp (stabilize)
extern const LocalRewrite local_log_softmax;  // log(softmax(x)) -> LogSoftmax(x)
// -log(softmax(x + b))[arange(len(y)), y] -> CrossentropySoftmaxArgmax1HotWithBias(x, b, y)[0];
// two entries with one name: the indexing applied to log(softmax(..)), and log applied to the indexing.
extern const LocalRewrite local_crossentropy_onehot;
extern const LocalRewrite local_log_of_crossentropy_onehot;
extern const LocalRewrite local_crossentropy_onehot_grad;  // softmax_grad(onehot(dy) / sm, sm) -> CrossentropySoftmax1HotWithBiasDx(-dy, sm, y)
extern const LocalRewrite local_logsoftmax_grad;  // softmax_grad(g / sm, sm) -> g - sum(g, axis=1)[:, None] * sm (specialize)

// ops/blas_rewrites.cpp (specialize)
extern const LocalRewrite local_gemm;  // Z - a * dot(X, Y) -> Gemm(Z, -a, X, Y, 1)
extern const LocalRewrite local_lift_transpose_through_dot;  // dot(x, y).T -> dot(y.T, x.T) (matrices)

// ops/pool_rewrites.cpp (specialize; pool_fusion, after elemwise_fusion)
extern const LocalRewrite local_max_pool_grad_recompute;   // MaxPoolGrad(x, pool_max(x), gz) -> MaxPoolGradRecompute(x, gz)
extern const LocalRewrite local_max_pool_bias_activation;  // tanh(pool_max(x) + b) -> MaxPoolBiasActivation(x, b) (also sigmoid)
extern const LocalRewrite local_max_pool_bias_activation_fused;  // the same on Elemwise{Composite{tanh((i0 + i1))}} (one name)

// ops/fusion.cpp: chains of elementwise applies -> one Composite.
class ElemwiseFusion : public rewrite::Pass {
 public:
  explicit ElemwiseFusion(std::string name = "elemwise_fusion", int max_nodes = 64, int max_inputs = 32)
      : Pass(std::move(name)), max_nodes_(max_nodes), max_inputs_(max_inputs) {}
  bool run(FunctionGraph& fg, rewrite::Context& ctx) const override;

 private:
  int max_nodes_, max_inputs_;
};

}  // namespace theano::ops::rewrites
