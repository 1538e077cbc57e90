// cA.py's contractive autoencoder class cA (Rifai et al., 2011); installed with the library as
// <theano/tutorials/cA.hpp>.
//
// A contractive autoencoder is an autoencoder whose cost adds the squared Frobenius norm of the
// Jacobian of the hidden values with respect to the input, so that the representation is less
// sensitive to small changes of the input:
//   y = s(W x + b), z = s(W' y + b'), W' = W.T
//   L = -sum_k [x_k log z_k + (1 - x_k) log(1 - z_k)] + contraction_level * ||J(x)||^2
#pragma once
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "frontend/theano/tutorials/logistic_sgd.hpp"

namespace theano::tutorials {

class cA {
 public:
  int n_visible, n_hidden, n_batchsize;
  SharedVariable W, b, b_prime;  // b: the hidden units' bias (bhid); b_prime: the visible ones' (bvis)
  Var W_prime, x;
  Var L_rec, L_jacob;  // set by get_cost_updates: the reconstruction cost per example, the Jacobian's norm
  std::vector<Var> params;

  // numpy_rng: draws the initial weights; input: the symbolic input (a float64 matrix named "input"
  // when unset); n_batchsize: the number of examples of a minibatch (the Jacobian is reshaped with
  // it); W, bhid, bvis: shared with another architecture instead of made here.
  cA(RandomState& numpy_rng, std::optional<Var> input = std::nullopt, int n_visible = 784, int n_hidden = 100, int n_batchsize = 1,
     std::optional<SharedVariable> W = std::nullopt, std::optional<SharedVariable> bhid = std::nullopt,
     std::optional<SharedVariable> bvis = std::nullopt)
      : n_visible(n_visible), n_hidden(n_hidden), n_batchsize(n_batchsize) {
    // W is initialized uniformly in +-4 * sqrt(6. / (n_hidden + n_visible)), converted to floatX
    if (!W) {
      double bound = 4 * std::sqrt(6. / (n_hidden + n_visible));
      auto initial_W = numpy::asarray(numpy_rng.uniform(-bound, bound, {n_visible, n_hidden}), config().floatX);
      W = theano::shared(initial_W, "W", /*borrow=*/true);
    }
    if (!bvis) bvis = theano::shared(numpy::zeros({n_visible}, config().floatX), "", /*borrow=*/true);
    if (!bhid) bhid = theano::shared(numpy::zeros({n_hidden}, config().floatX), "b", /*borrow=*/true);

    this->W = *W;
    b = *bhid;             // b corresponds to the bias of the hidden units
    b_prime = *bvis;       // b_prime corresponds to the bias of the visible units
    W_prime = this->W.T();  // tied weights: the transpose of W
    // if no input is given, generate a variable representing the input
    x = input ? *input : T::dmatrix("input");
    params = {this->W, b, b_prime};
  }

  // Computes the values of the hidden layer.
  Var get_hidden_values(const Var& input) const { return T::nnet::sigmoid(T::dot(input, W) + b); }

  // The Jacobian of the hidden layer with respect to the input, one (n_visible, n_hidden) matrix per
  // example: the sigmoid's derivative h * (1 - h) reshaped to (n_batchsize, 1, n_hidden), times W
  // reshaped to (1, n_visible, n_hidden).
  Var get_jacobian(const Var& hidden, const Var& W) const {
    return T::reshape(hidden * (1 - hidden), {n_batchsize, 1, n_hidden}) * T::reshape(W, {1, n_visible, n_hidden});
  }

  // Computes the reconstructed input given the values of the hidden layer.
  Var get_reconstructed_input(const Var& hidden) const { return T::nnet::sigmoid(T::dot(hidden, W_prime) + b_prime); }

  // The cost and the updates of one training step of the cA; also sets L_rec and L_jacob.
  template <class Level, class Rate>
  std::pair<Var, std::vector<std::pair<Var, Var>>> get_cost_updates(const Level& contraction_level, const Rate& learning_rate) {
    Var y = get_hidden_values(x);
    Var z = get_reconstructed_input(y);
    Var J = get_jacobian(y, W);
    // the reconstruction cross-entropy of each example (a vector)
    L_rec = -T::sum(x * T::log(z) + (1 - x) * T::log(1 - z), /*axis=*/1);
    // the squared Frobenius norm of the Jacobian, per example. cA.py divides with `//`, Theano's
    // int_div: floor(sum / n_batchsize), whose gradient Theano defines as zero, so this term
    // changes the printed norm but not the training (as in the original).
    L_jacob = T::floor_div(T::sum(T::pow(J, 2)), n_batchsize);
    // the average over the minibatch
    Var cost = T::mean(L_rec) + contraction_level * T::mean(L_jacob);
    // the gradients of the cost with respect to the parameters
    std::vector<Var> gparams = T::grad(cost, params);
    std::vector<std::pair<Var, Var>> updates;
    for (size_t i = 0; i < params.size(); ++i) updates.push_back({params[i], params[i] - learning_rate * gparams[i]});
    return {cost, updates};
  }
};

}  // namespace theano::tutorials
