// mlp.py's building blocks: HiddenLayer and MLP (`from mlp import HiddenLayer`), on top of
// logistic_sgd.hpp's LogisticRegression; installed with the library as <theano/tutorials/mlp.hpp>.
#pragma once
#include <optional>

#include "frontend/theano/tutorials/logistic_sgd.hpp"

namespace theano::tutorials {



// Python passes the activation function itself (activation=T.tanh); here it is a pointer to one of
// these, so that HiddenLayer can compare it with sigmoid as mlp.py does.
namespace activation {
inline Var tanh(const Var& x) { return T::tanh(x); }
inline Var sigmoid(const Var& x) { return T::nnet::sigmoid(x); }
}  // namespace activation
using Activation = Var (*)(const Var&);

// Typical hidden layer of a MLP: units are fully-connected and have sigmoidal activation function.
// Weight matrix W is of shape (n_in, n_out) and the bias vector b is of shape (n_out,).
class HiddenLayer {
 public:
  Var input, output;
  SharedVariable W, b;
  std::vector<Var> params;

  // rng: a random number generator used to initialize weights; input: a symbolic tensor of shape
  // (n_examples, n_in); n_in: dimensionality of input; n_out: number of hidden units;
  // activation: non linearity to be applied in the hidden layer (nullptr for none)
  HiddenLayer(RandomState& rng, const Var& input, int n_in, int n_out, std::optional<SharedVariable> W_ = std::nullopt,
              std::optional<SharedVariable> b_ = std::nullopt, Activation activation = activation::tanh) {
    this->input = input;
    // W is initialized with W_values uniformly sampled from sqrt(-6./(n_in+n_hidden)) and
    // sqrt(6./(n_in+n_hidden)) for the tanh activation function; the output of uniform is
    // converted using asarray to dtype config().floatX so that the code is runable on GPU.
    // For sigmoid the weights are 4 times larger [Xavier10].
    if (!W_) {
      auto W_values = numpy::asarray(rng.uniform(-std::sqrt(6. / (n_in + n_out)), std::sqrt(6. / (n_in + n_out)), {n_in, n_out}),
                                     config().floatX);
      if (activation == activation::sigmoid)
        for (int64_t i = 0; i < W_values.size(); ++i) W_values.set_item(i, W_values.item(i) * 4);
      W_ = theano::shared(W_values, "W", /*borrow=*/true);
    }
    if (!b_) {
      auto b_values = numpy::zeros({n_out}, config().floatX);
      b_ = theano::shared(b_values, "b", /*borrow=*/true);
    }
    W = *W_;
    b = *b_;

    auto lin_output = T::dot(input, W) + b;
    output = activation == nullptr ? lin_output : activation(lin_output);
    // parameters of the model
    params = {W, b};
  }
};

// Multi-Layer Perceptron Class: one hidden layer with tanh activations, and a LogisticRegression
// layer on top of it.
class MLP {
 public:
  HiddenLayer hiddenLayer;
  LogisticRegression logRegressionLayer;
  Var L1, L2_sqr, input;
  std::vector<Var> params;

  MLP(RandomState& rng, const Var& input, int n_in, int n_hidden, int n_out)
      : hiddenLayer(rng, input, n_in, n_hidden, std::nullopt, std::nullopt, activation::tanh),
        // The logistic regression layer gets as input the hidden units of the hidden layer
        logRegressionLayer(hiddenLayer.output, n_hidden, n_out) {
    // L1 norm; one regularization option is to enforce L1 norm to be small
    L1 = T::abs(hiddenLayer.W).sum() + T::abs(logRegressionLayer.W).sum();
    // square of L2 norm; one regularization option is to enforce square of L2 norm to be small
    L2_sqr = T::pow(hiddenLayer.W, 2).sum() + T::pow(logRegressionLayer.W, 2).sum();
    // the parameters of the model are the parameters of the two layers it is made out of
    params = hiddenLayer.params;
    params.insert(params.end(), logRegressionLayer.params.begin(), logRegressionLayer.params.end());
    // keep track of model input
    this->input = input;
  }

  // negative log likelihood of the MLP is given by the negative log likelihood of the output of the
  // model, computed in the logistic regression layer; the same holds for the errors
  Var negative_log_likelihood(const Var& y) const { return logRegressionLayer.negative_log_likelihood(y); }
  Var errors(const Var& y) const { return logRegressionLayer.errors(y); }
};

}  // namespace theano::tutorials
