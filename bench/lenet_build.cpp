// Times building LeNet5's graph as examples/convolutional_mlp.cpp builds it (the four layers, the
// cost, T::grad and the SGD updates, no compile): the median and the fastest of 100 builds (the
// fastest is the least disturbed by a busy machine), and the compile of train_model from it. What graph construction costs per node (creation sites, call stacks) shows here.
#include <theano/tutorials/convolutional_mlp.hpp>
#include <algorithm>

#include "bench_util.hpp"

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

int main() {
  const int batch_size = 500;
  const std::vector<int> nkerns = {20, 50};
  std::vector<double> builds, compiles;
  for (int rep = 0; rep < 100; ++rep) {
    theano::Function train_model;
    std::vector<std::pair<Var, Var>> updates;
    Var x, y, cost;
    builds.push_back(bench::seconds_of([&] {
      RandomState rng(23455);
      x = T::matrix("x");
      y = T::ivector("y");
      auto layer0_input = x.reshape({batch_size, 1, 28, 28});
      LeNetConvPoolLayer layer0(rng, layer0_input, {nkerns[0], 1, 5, 5}, {batch_size, 1, 28, 28}, {2, 2});
      LeNetConvPoolLayer layer1(rng, layer0.output, {nkerns[1], nkerns[0], 5, 5}, {batch_size, nkerns[0], 12, 12}, {2, 2});
      HiddenLayer layer2(rng, layer1.output.flatten(2), nkerns[1] * 4 * 4, 500, std::nullopt, std::nullopt, activation::tanh);
      LogisticRegression layer3(layer2.output, 500, 10);
      cost = layer3.negative_log_likelihood(y);
      std::vector<Var> params = layer3.params;
      for (const auto* p : {&layer2.params, &layer1.params, &layer0.params}) params.insert(params.end(), p->begin(), p->end());
      auto grads = T::grad(cost, params);
      for (size_t i = 0; i < params.size(); ++i) updates.push_back({params[i], params[i] - 0.1 * grads[i]});
    }));
    compiles.push_back(bench::seconds_of([&] { train_model = theano::function({x, y}, cost, {.updates = updates}); }));
  }
  bench::report("lenet_graph_build_ms", bench::median(builds) * 1e3);
  bench::report("lenet_graph_build_fastest_ms", *std::min_element(builds.begin(), builds.end()) * 1e3);
  bench::report("lenet_compile_ms", bench::median(compiles) * 1e3);
}
