// What dA.py's dA and cA.py's cA build the same way, line for line in both files: tied weights W
// (n_visible x n_hidden, W' = W.T), the hidden and visible biases, the input, the sigmoid encoder and
// decoder and the reconstruction cross-entropy. Each class keeps its own constructor's order of
// random draws (dA seeds its MRG streams before drawing W) and calls init_weights() at that point.
#pragma once
#include <cmath>
#include <optional>
#include <vector>

#include "frontend/theano/tutorials/logistic_sgd.hpp"

namespace theano::tutorials {

class TiedAutoencoder {
 public:
  int n_visible = 0, n_hidden = 0;
  SharedVariable W, b, b_prime;  // b: the hidden units' bias (bhid); b_prime: the visible ones' (bvis)
  Var W_prime, x;
  std::vector<Var> params;

  // Computes the values of the hidden layer.
  Var get_hidden_values(const Var& input) const { return T::nnet::sigmoid(T::dot(input, W) + b); }

  // Computes the reconstructed input given the values of the hidden layer.
  Var get_reconstructed_input(const Var& hidden) const { return T::nnet::sigmoid(T::dot(hidden, W_prime) + b_prime); }

 protected:
  // W drawn uniformly in +-4 * sqrt(6. / (n_hidden + n_visible)) (the sigmoid's range, [Xavier10]) and
  // converted to floatX, zero biases, unless given (shared with another architecture: SdA's layers);
  // the input is a float64 matrix named "input" when unset.
  void init_weights(RandomState& numpy_rng, std::optional<Var> input, int n_visible, int n_hidden, std::optional<SharedVariable> W,
                    std::optional<SharedVariable> bhid, std::optional<SharedVariable> bvis) {
    this->n_visible = n_visible;
    this->n_hidden = n_hidden;
    if (!W) {
      double bound = 4 * std::sqrt(6. / (n_hidden + n_visible));
      auto initial_W = numpy::asarray(numpy_rng.uniform(-bound, bound, {n_visible, n_hidden}), config().floatX);
      W = theano::shared(initial_W, "W", /*borrow=*/true);
    }
    if (!bvis) bvis = theano::shared(numpy::zeros({n_visible}, config().floatX), "", /*borrow=*/true);
    if (!bhid) bhid = theano::shared(numpy::zeros({n_hidden}, config().floatX), "b", /*borrow=*/true);
    this->W = *W;
    b = *bhid;              // b corresponds to the bias of the hidden units
    b_prime = *bvis;        // b_prime corresponds to the bias of the visible units
    W_prime = this->W.T();  // tied weights: the transpose of W
    x = input ? *input : T::dmatrix("input");
    params = {this->W, b, b_prime};
  }

  // The reconstruction cross-entropy of each example of the minibatch (a vector), summed over its
  // pixels; the stability rewrites turn log(sigmoid(a)) into -softplus(-a), as Theano's.
  Var cross_entropy(const Var& z) const { return -T::sum(x * T::log(z) + (1 - x) * T::log(1 - z), /*axis=*/1); }

  // param - learning_rate * gparam for each parameter.
  template <class Rate>
  std::vector<std::pair<Var, Var>> sgd_updates(const Var& cost, const Rate& learning_rate) const {
    std::vector<Var> gparams = T::grad(cost, params);
    std::vector<std::pair<Var, Var>> updates;
    for (size_t i = 0; i < params.size(); ++i) updates.push_back({params[i], params[i] - learning_rate * gparams[i]});
    return updates;
  }
};

}  // namespace theano::tutorials
