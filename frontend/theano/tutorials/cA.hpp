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

#include "frontend/theano/tutorials/autoencoder.hpp"

namespace theano::tutorials {

class cA : public TiedAutoencoder {
 public:
  int n_batchsize;
  Var L_rec, L_jacob;  // set by get_cost_updates: the reconstruction cost per example, the Jacobian's norm

  // numpy_rng: draws the initial weights; input: the symbolic input (a float64 matrix named "input"
  // when unset); n_batchsize: the number of examples of a minibatch (the Jacobian is reshaped with
  // it); W, bhid, bvis: shared with another architecture instead of made here.
  cA(RandomState& numpy_rng, std::optional<Var> input = std::nullopt, int n_visible = 784, int n_hidden = 100, int n_batchsize = 1,
     std::optional<SharedVariable> W = std::nullopt, std::optional<SharedVariable> bhid = std::nullopt,
     std::optional<SharedVariable> bvis = std::nullopt)
      : n_batchsize(n_batchsize) {
    init_weights(numpy_rng, std::move(input), n_visible, n_hidden, std::move(W), std::move(bhid), std::move(bvis));
  }

  // The Jacobian of the hidden layer with respect to the input, one (n_visible, n_hidden) matrix per
  // example: the sigmoid's derivative h * (1 - h) reshaped to (n_batchsize, 1, n_hidden), times W
  // reshaped to (1, n_visible, n_hidden).
  Var get_jacobian(const Var& hidden, const Var& W) const {
    return T::reshape(hidden * (1 - hidden), {n_batchsize, 1, n_hidden}) * T::reshape(W, {1, n_visible, n_hidden});
  }

  // The cost and the updates of one training step of the cA; also sets L_rec and L_jacob.
  template <class Level, class Rate>
  std::pair<Var, std::vector<std::pair<Var, Var>>> get_cost_updates(const Level& contraction_level, const Rate& learning_rate) {
    Var y = get_hidden_values(x);
    Var z = get_reconstructed_input(y);
    Var J = get_jacobian(y, W);
    // the reconstruction cross-entropy of each example (a vector)
    L_rec = cross_entropy(z);
    // the squared Frobenius norm of the Jacobian, per example. cA.py divides with `//`, Theano's
    // int_div: floor(sum / n_batchsize), whose gradient Theano defines as zero, so this term
    // changes the printed norm but not the training (as in the original).
    L_jacob = T::floor_div(T::sum(T::pow(J, 2)), n_batchsize);
    // the average over the minibatch
    Var cost = T::mean(L_rec) + contraction_level * T::mean(L_jacob);
    return {cost, sgd_updates(cost, learning_rate)};
  }
};

}  // namespace theano::tutorials
