// examples/convolutional_mlp.cpp's LeNet5 built the same way (layers in NameScopes layer0..layer3,
// the same classes, updates and givens), with a chosen batch size and nkerns, over random
// MNIST-shaped shared data instead of MNIST. Used by the profiler and printing tests.
#pragma once
#include <optional>

#include <theano/tutorials/convolutional_mlp.hpp>

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

namespace test_lenet {

struct LeNet {
  int batch_size;
  std::vector<int> nkerns;
  Var index = T::lscalar();
  Var x = T::matrix("x");
  Var y = T::ivector("y");
  SharedDataset train, valid;
  std::optional<LeNetConvPoolLayer> layer0, layer1;
  std::optional<HiddenLayer> layer2;
  std::optional<LogisticRegression> layer3;
  Var cost;
  std::vector<Var> params, grads;
  theano::Function train_model, validate_model;

  // n_batches minibatches of random pixels and labels in each of the train and validation sets.
  LeNet(int batch_size, std::vector<int> nkerns, int n_batches = 2, bool profile = false, double learning_rate = 0.1)
      : batch_size(batch_size), nkerns(nkerns) {
    RandomState data_rng(1);
    auto make_set = [&](int n) {
      auto sx = theano::shared(numpy::asarray(data_rng.uniform(0, 1, {n, 784}), config().floatX), "", true);
      auto sy = theano::shared(numpy::asarray(data_rng.randint(0, 10, {n}), config().floatX), "", true);
      return SharedDataset{sx, T::cast(sy, "int32")};
    };
    train = make_set(n_batches * batch_size);
    valid = make_set(n_batches * batch_size);

    RandomState rng(23455);
    auto layer0_input = x.reshape({batch_size, 1, 28, 28});
    {
      theano::NameScope scope("layer0");
      layer0.emplace(rng, layer0_input, std::vector<int64_t>{nkerns[0], 1, 5, 5}, std::vector<int64_t>{batch_size, 1, 28, 28},
                     std::pair{2, 2});
    }
    {
      theano::NameScope scope("layer1");
      layer1.emplace(rng, layer0->output, std::vector<int64_t>{nkerns[1], nkerns[0], 5, 5},
                     std::vector<int64_t>{batch_size, nkerns[0], 12, 12}, std::pair{2, 2});
    }
    auto layer2_input = layer1->output.flatten(2);
    {
      theano::NameScope scope("layer2");
      layer2.emplace(rng, layer2_input, nkerns[1] * 4 * 4, 500, std::nullopt, std::nullopt, activation::tanh);
    }
    {
      theano::NameScope scope("layer3");
      layer3.emplace(layer2->output, 500, 10);
    }
    cost = layer3->negative_log_likelihood(y);
    validate_model = theano::function({index}, layer3->errors(y),
                                      {.givens = {{x, minibatch(valid.x, index, batch_size)}, {y, minibatch(valid.y, index, batch_size)}},
                                       .name = "validate_model",
                                       .profile = profile});
    params = layer3->params;
    for (const auto* layer : {&layer2->params, &layer1->params, &layer0->params}) params.insert(params.end(), layer->begin(), layer->end());
    grads = T::grad(cost, params);
    std::vector<std::pair<Var, Var>> updates;
    for (size_t i = 0; i < params.size(); ++i) updates.push_back({params[i], params[i] - learning_rate * grads[i]});
    train_model = theano::function({index}, cost,
                                   {.updates = updates,
                                    .givens = {{x, minibatch(train.x, index, batch_size)}, {y, minibatch(train.y, index, batch_size)}},
                                    .name = "train_model",
                                    .profile = profile});
  }
};

// The tutorial's four layers on symbolic x and labels y with nkerns 2, 3 and 20 hidden units: small
// enough to train a few steps in several compiled variants and compare them bit for bit.
struct TinyLeNet {
  std::vector<SharedVariable> params;
  Var cost, p_y_given_x, errors;
};

inline TinyLeNet tiny_lenet(const Var& x, const Var& y, int batch_size = 10) {
  RandomState rng(23455);
  LeNetConvPoolLayer layer0(rng, x.reshape({batch_size, 1, 28, 28}), {2, 1, 5, 5}, {batch_size, 1, 28, 28}, {2, 2});
  LeNetConvPoolLayer layer1(rng, layer0.output, {3, 2, 5, 5}, {batch_size, 2, 12, 12}, {2, 2});
  HiddenLayer layer2(rng, layer1.output.flatten(2), 3 * 4 * 4, 20, std::nullopt, std::nullopt, activation::tanh);
  LogisticRegression layer3(layer2.output, 20, 10);
  return {{layer3.W, layer3.b, layer2.W, layer2.b, layer1.W, layer1.b, layer0.W, layer0.b},
          layer3.negative_log_likelihood(y), layer3.p_y_given_x, layer3.errors(y)};
}

}  // namespace test_lenet
