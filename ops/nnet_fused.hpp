// Fused, numerically stable ops the stabilize rewrites put in place of softmax + log + indexing
// (Theano's tensor/nnet/nnet.py): LogSoftmax, the crossentropy of a softmax with one-hot labels
// (with its argmax), and that crossentropy's gradient. Users never build them directly.
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

// log(softmax(x)) row-wise as x - max - log(sum(exp(x - max))): finite wherever x is.
class LogSoftmax : public OpOf<LogSoftmax> {
 public:
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
};

// (x, b, y_idx) -> (nll, sm, am): per row i with z = x[i] + b, m = max(z):
//   nll[i] = -z[y_idx[i]] + m + log(sum(exp(z - m)))   sm[i] = softmax(z)   am[i] = argmax(z)
// Without a bias the inputs are (x, y_idx) (Theano's CrossentropySoftmaxArgmax1Hot).
class CrossentropySoftmaxArgmax1HotWithBias : public OpOf<CrossentropySoftmaxArgmax1HotWithBias> {
 public:
  explicit CrossentropySoftmaxArgmax1HotWithBias(bool with_bias = true) : with_bias_(with_bias) {}
  bool with_bias() const { return with_bias_; }
  auto props() const { return std::tie(with_bias_); }
  std::string str() const override { return with_bias_ ? name() : "CrossentropySoftmaxArgmax1Hot"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;

 private:
  bool with_bias_;
};

// (dnll, sm, y_idx) -> dx = dnll[:, None] * (sm - onehot(y_idx)): the gradient of the crossentropy
// above with respect to its x. dnll is a vector (its one entry is broadcast when it has length 1).
class CrossentropySoftmax1HotWithBiasDx : public OpOf<CrossentropySoftmax1HotWithBiasDx> {
 public:
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
};

Var log_softmax(const Var& x);
// The three outputs; b may be undefined (no bias).
std::vector<Variable> crossentropy_softmax_argmax_1hot(const Var& x, const Var& b, const Var& y_idx);
Var crossentropy_softmax_1hot_dx(const Var& dnll, const Var& sm, const Var& y_idx);

}  // namespace theano::ops
