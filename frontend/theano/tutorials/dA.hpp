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

#include "frontend/theano/tutorials/autoencoder.hpp"

namespace theano::tutorials {

using RandomStreams = theano::sandbox::rng_mrg::MRG_RandomStreams;  // dA.py imports MRG as RandomStreams

class dA : public TiedAutoencoder {
 public:
  std::shared_ptr<RandomStreams> theano_rng;

  // numpy_rng: draws the initial weights; theano_rng: the symbolic generator of the corruption (when
  // null, one seeded from numpy_rng.randint(2**30), before W is drawn); input: the symbolic input (a
  // float64 matrix named "input" when unset); W, bhid, bvis: shared with another architecture (SdA's
  // sigmoid layers) instead of made here.
  dA(RandomState& numpy_rng, std::shared_ptr<RandomStreams> theano_rng = nullptr, std::optional<Var> input = std::nullopt,
     int n_visible = 784, int n_hidden = 500, std::optional<SharedVariable> W = std::nullopt,
     std::optional<SharedVariable> bhid = std::nullopt, std::optional<SharedVariable> bvis = std::nullopt) {
    // create a Theano random generator that gives symbolic random values
    if (!theano_rng) theano_rng = std::make_shared<RandomStreams>(numpy_rng.randint(int64_t(1) << 30));
    init_weights(numpy_rng, std::move(input), n_visible, n_hidden, std::move(W), std::move(bhid), std::move(bvis));
    this->theano_rng = std::move(theano_rng);
  }

  // Keeps 1 - corruption_level of the input's entries and zeroes the others, chosen at random: a
  // binomial mask of 0s and 1s (1 with probability 1 - corruption_level) in floatX, so that the
  // product stays in floatX. corruption_level: a number (1 - it is computed in double, as Python
  // does) or a symbolic scalar (SdA's T.scalar('corruption')).
  template <class Level>
  Var get_corrupted_input(const Var& input, const Level& corruption_level) const {
    return theano_rng->binomial(input.shape(), /*n=*/1, /*p=*/1 - corruption_level, std::nullopt, config().floatX) * input;
  }

  // The cost and the updates of one training step of the dA. corruption_level and learning_rate:
  // numbers (dA.py) or symbolic scalars (SdA.py's inputs 'corruption' and 'lr').
  template <class Level, class Rate>
  std::pair<Var, std::vector<std::pair<Var, Var>>> get_cost_updates(const Level& corruption_level, const Rate& learning_rate) const {
    Var tilde_x = get_corrupted_input(x, corruption_level);
    Var y = get_hidden_values(tilde_x);
    Var z = get_reconstructed_input(y);
    // the cross-entropy of each example; the cost is its average over the minibatch
    Var cost = T::mean(cross_entropy(z));
    return {cost, sgd_updates(cost, learning_rate)};
  }
};

}  // namespace theano::tutorials
