// SdA.py's stacked denoising autoencoder class SdA, built from mlp.hpp's HiddenLayer, dA.hpp's dA
// and logistic_sgd.hpp's LogisticRegression as SdA.py imports them; installed with the library as
// <theano/tutorials/SdA.hpp>.
//
// A stacked denoising autoencoder is an MLP whose hidden layers are each also the hidden layer of a
// dA: pretraining trains the dAs one after the other (layer i's dA reads layer i-1's output), then
// finetuning trains the whole MLP with a logistic regression on top. The dA of a layer shares its W
// and bias with the layer's sigmoid HiddenLayer.
#pragma once
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "frontend/theano/tutorials/dA.hpp"
#include "frontend/theano/tutorials/mlp.hpp"

namespace theano::tutorials {

class SdA {
 public:
  std::vector<HiddenLayer> sigmoid_layers;
  std::vector<dA> dA_layers;
  std::vector<Var> params;
  int n_layers;
  Var x, y;
  std::unique_ptr<LogisticRegression> logLayer;
  Var finetune_cost, errors;

  // numpy_rng: draws the initial weights; theano_rng: the symbolic generator of the dAs' corruption
  // (when null, one seeded from numpy_rng.randint(2**30)); n_ins: the input's dimension;
  // hidden_layers_sizes: one entry per hidden layer (at least one); n_outs: the number of classes.
  // corruption_levels is unused here, as in SdA.py (pretraining takes the level per call).
  SdA(RandomState& numpy_rng, std::shared_ptr<RandomStreams> theano_rng = nullptr, int n_ins = 784,
      std::vector<int> hidden_layers_sizes = {500, 500}, int n_outs = 10, std::vector<double> corruption_levels = {0.1, 0.1})
      : n_layers(int(hidden_layers_sizes.size())) {
    (void)corruption_levels;
    if (n_layers <= 0) throw std::invalid_argument("SdA: hidden_layers_sizes must name at least one hidden layer (assert self.n_layers > 0)");
    if (!theano_rng) theano_rng = std::make_shared<RandomStreams>(numpy_rng.randint(int64_t(1) << 30));

    // allocate symbolic variables for the data
    x = T::matrix("x");   // the data is presented as rasterized images
    y = T::ivector("y");  // the labels are presented as 1D vector of [int] labels

    // The SdA is an MLP whose intermediate layers are shared with the dAs: each layer is a sigmoid
    // HiddenLayer (its W and b are the model's parameters; a dA's visible bias is only pretrained).
    for (int i = 0; i < n_layers; ++i) {
      // the size of the input is the number of hidden units of the layer below, or the input size
      int input_size = i == 0 ? n_ins : hidden_layers_sizes[size_t(i - 1)];
      // the input of this layer is the output of the hidden layer below, or the input of the SdA
      Var layer_input = i == 0 ? x : sigmoid_layers.back().output;

      sigmoid_layers.emplace_back(numpy_rng, layer_input, input_size, hidden_layers_sizes[size_t(i)], std::nullopt, std::nullopt,
                                  activation::sigmoid);
      const HiddenLayer& sigmoid_layer = sigmoid_layers.back();
      params.insert(params.end(), sigmoid_layer.params.begin(), sigmoid_layer.params.end());

      // the denoising autoencoder that shares the weights of this layer
      dA_layers.emplace_back(numpy_rng, theano_rng, layer_input, input_size, hidden_layers_sizes[size_t(i)], sigmoid_layer.W,
                             sigmoid_layer.b);
    }
    // a logistic layer on top of the MLP
    logLayer = std::make_unique<LogisticRegression>(sigmoid_layers.back().output, hidden_layers_sizes.back(), n_outs);
    params.insert(params.end(), logLayer->params.begin(), logLayer->params.end());

    // the cost of the second phase of training: the negative log likelihood of the logistic layer
    finetune_cost = logLayer->negative_log_likelihood(y);
    // the gradient of the number of errors in a minibatch
    errors = logLayer->errors(y);
  }

  // One training function per dA: each takes the minibatch index and, as optional keyword inputs,
  // 'corruption' (default 0.2) and 'lr' (default 0.1), and returns the reconstruction cost.
  std::vector<theano::Function> pretraining_functions(const SharedVariable& train_set_x, int batch_size) const {
    Var index = T::lscalar("index");                 // index to a minibatch
    Var corruption_level = T::scalar("corruption");  // % of corruption to use
    Var learning_rate = T::scalar("lr");             // learning rate to use
    // beginning of a batch, given `index`, and its end
    Var batch_begin = index * batch_size;
    Var batch_end = batch_begin + batch_size;

    std::vector<theano::Function> pretrain_fns;
    for (const dA& da : dA_layers) {
      // get the cost and the updates list
      auto [cost, updates] = da.get_cost_updates(corruption_level, learning_rate);
      // compile the theano function
      pretrain_fns.push_back(theano::function({index, theano::In(corruption_level, {.value = 0.2}), theano::In(learning_rate, {.value = 0.1})},
                                              cost, {.updates = updates, .givens = {{x, train_set_x[T::slice(batch_begin, batch_end)]}}}));
    }
    return pretrain_fns;
  }

  // The finetuning step `train` (on minibatch `index` of the training set, returning its cost) and
  // two functions giving the errors of every minibatch of the validation and of the test set.
  std::tuple<theano::Function, std::function<std::vector<double>()>, std::function<std::vector<double>()>> build_finetune_functions(
      const std::vector<SharedDataset>& datasets, int batch_size, double learning_rate) const {
    const SharedDataset& train = datasets[0];
    const SharedDataset& valid = datasets[1];
    const SharedDataset& test = datasets[2];
    // compute number of minibatches for validation and testing
    int n_valid_batches = int(valid.x.get_value(/*borrow=*/true).shape(0)) / batch_size;
    int n_test_batches = int(test.x.get_value(/*borrow=*/true).shape(0)) / batch_size;

    Var index = T::lscalar("index");  // index to a [mini]batch

    // compute the gradients with respect to the model parameters
    std::vector<Var> gparams = T::grad(finetune_cost, params);
    // compute list of fine-tuning updates
    std::vector<std::pair<Var, Var>> updates;
    for (size_t i = 0; i < params.size(); ++i) updates.push_back({params[i], params[i] - gparams[i] * learning_rate});

    auto train_fn = theano::function(
        {index}, finetune_cost,
        {.updates = updates,
         .givens = {{x, minibatch(train.x, index, batch_size)}, {y, minibatch(train.y, index, batch_size)}},
         .name = "train"});
    auto test_score_i = theano::function(
        {index}, errors, {.givens = {{x, minibatch(test.x, index, batch_size)}, {y, minibatch(test.y, index, batch_size)}}, .name = "test"});
    auto valid_score_i = theano::function(
        {index}, errors, {.givens = {{x, minibatch(valid.x, index, batch_size)}, {y, minibatch(valid.y, index, batch_size)}}, .name = "valid"});

    // Create a function that scans the entire validation set, and one for the test set
    auto scores_of = [](theano::Function score_i, int n_batches) {
      return [score_i, n_batches]() mutable {
        std::vector<double> scores;
        for (int i = 0; i < n_batches; ++i) scores.push_back(score_i(i));
        return scores;
      };
    };
    std::function<std::vector<double>()> valid_score = scores_of(valid_score_i, n_valid_batches);
    std::function<std::vector<double>()> test_score = scores_of(test_score_i, n_test_batches);
    return {train_fn, valid_score, test_score};
  }
};

}  // namespace theano::tutorials
