// dA.py's building block: the denoising autoencoder class dA (`from dA import dA`, as SdA.py
// imports it); installed with the library as <theano/tutorials/dA.hpp>.
//
// A denoising autoencoder reconstructs its input from a corrupted version of it, by projecting it
// first into a latent space and back into the input space (Vincent et al., 2008):
//   tilde_x ~ q_D(tilde_x | x)                               (1) corruption
//   y = s(W tilde_x + b)                                     (2) hidden values
//   z = s(W' y + b')                                         (3) reconstruction, W' = W.T
//   L(x, z) = -sum_k [x_k log z_k + (1 - x_k) log(1 - z_k)]  (4) reconstruction cross-entropy
#pragma once
#include <cmath>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "frontend/theano/tutorials/logistic_sgd.hpp"

namespace theano::tutorials {

using RandomStreams = theano::sandbox::rng_mrg::MRG_RandomStreams;  // dA.py imports MRG as RandomStreams

class dA {
 public:
  int n_visible, n_hidden;
  SharedVariable W, b, b_prime;  // b: the hidden units' bias (bhid); b_prime: the visible ones' (bvis)
  Var W_prime, x;
  std::shared_ptr<RandomStreams> theano_rng;
  std::vector<Var> params;

  // numpy_rng: draws the initial weights; theano_rng: the symbolic generator of the corruption (when
  // null, one seeded from numpy_rng.randint(2**30)); input: the symbolic input (a float64 matrix
  // named "input" when unset); W, bhid, bvis: shared with another architecture (SdA's sigmoid
  // layers) instead of made here.
  dA(RandomState& numpy_rng, std::shared_ptr<RandomStreams> theano_rng = nullptr,
     std::optional<Var> input = std::nullopt, int n_visible = 784, int n_hidden = 500,
     std::optional<SharedVariable> W = std::nullopt, std::optional<SharedVariable> bhid = std::nullopt,
     std::optional<SharedVariable> bvis = std::nullopt)
      : n_visible(n_visible), n_hidden(n_hidden) {
    // create a Theano random generator that gives symbolic random values
    if (!theano_rng) theano_rng = std::make_shared<RandomStreams>(numpy_rng.randint(int64_t(1) << 30));

    // W is initialized uniformly in +-4 * sqrt(6. / (n_hidden + n_visible)) (the sigmoid's range,
    // [Xavier10]), converted to floatX so that it can live in float32 storage.
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
    this->theano_rng = std::move(theano_rng);
    // if no input is given, generate a variable representing the input
    x = input ? *input : T::dmatrix("input");
    params = {this->W, b, b_prime};
  }

  // Keeps 1 - corruption_level of the input's entries and zeroes the others, chosen at random: a
  // binomial mask of 0s and 1s (1 with probability 1 - corruption_level) in floatX, so that the
  // product stays in floatX. corruption_level: a number (1 - it is computed in double, as Python
  // does) or a symbolic scalar (SdA's T.scalar('corruption')).
  template <class Level>
  Var get_corrupted_input(const Var& input, const Level& corruption_level) const {
    return theano_rng->binomial(input.shape(), /*n=*/1, /*p=*/1 - corruption_level, std::nullopt, config().floatX) * input;
  }

  // Computes the values of the hidden layer.
  Var get_hidden_values(const Var& input) const { return T::nnet::sigmoid(T::dot(input, W) + b); }

  // Computes the reconstructed input given the values of the hidden layer.
  Var get_reconstructed_input(const Var& hidden) const { return T::nnet::sigmoid(T::dot(hidden, W_prime) + b_prime); }

  // The cost and the updates of one training step of the dA. corruption_level and learning_rate:
  // numbers (dA.py) or symbolic scalars (SdA.py's inputs 'corruption' and 'lr').
  template <class Level, class Rate>
  std::pair<Var, std::vector<std::pair<Var, Var>>> get_cost_updates(const Level& corruption_level, const Rate& learning_rate) const {
    Var tilde_x = get_corrupted_input(x, corruption_level);
    Var y = get_hidden_values(tilde_x);
    Var z = get_reconstructed_input(y);
    // the reconstruction cross-entropy of each example of the minibatch (a vector), summed over its
    // pixels; the stability rewrites turn log(sigmoid(a)) into -softplus(-a), as Theano's
    Var L = -T::sum(x * T::log(z) + (1 - x) * T::log(1 - z), /*axis=*/1);
    // the average over the minibatch
    Var cost = T::mean(L);
    // the gradients of the cost with respect to the parameters
    std::vector<Var> gparams = T::grad(cost, params);
    std::vector<std::pair<Var, Var>> updates;
    for (size_t i = 0; i < params.size(); ++i) updates.push_back({params[i], params[i] - learning_rate * gparams[i]});
    return {cost, updates};
  }
};

}  // namespace theano::tutorials
