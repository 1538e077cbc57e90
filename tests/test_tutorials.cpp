// The tutorials on real MNIST (tag [mnist]): the numbers the original Theano prints on this split.
#include <catch2/catch.hpp>

#include <theano/tutorials/convolutional_mlp.hpp>

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

namespace {

// One epoch of logistic_sgd's loop without the early stopping: returns the validation and test errors.
std::pair<double, double> logistic_epochs(int epochs) {
  const int batch_size = 600;
  auto datasets = load_data("mnist.pkl.gz");
  auto index = T::lscalar();
  auto x = T::matrix("x");
  auto y = T::ivector("y");
  LogisticRegression classifier(x, 28 * 28, 10);
  auto cost = classifier.negative_log_likelihood(y);
  auto errors_on = [&](const SharedDataset& d) {
    return theano::function({index}, classifier.errors(y),
                            {.givens = {{x, minibatch(d.x, index, batch_size)}, {y, minibatch(d.y, index, batch_size)}}});
  };
  auto validate_model = errors_on(datasets[1]);
  auto test_model = errors_on(datasets[2]);
  auto g_W = T::grad(cost, classifier.W);
  auto g_b = T::grad(cost, classifier.b);
  auto train_model = theano::function(
      {index}, cost,
      {.updates = {{classifier.W, classifier.W - 0.13 * g_W}, {classifier.b, classifier.b - 0.13 * g_b}},
       .givens = {{x, minibatch(datasets[0].x, index, batch_size)}, {y, minibatch(datasets[0].y, index, batch_size)}}});
  for (int e = 0; e < epochs; ++e)
    for (int i = 0; i < 50000 / batch_size; ++i) train_model(i);
  std::vector<double> v, t;
  for (int i = 0; i < 10000 / batch_size; ++i) {
    v.push_back(validate_model(i));
    t.push_back(test_model(i));
  }
  return {numpy::mean(v), numpy::mean(t)};
}

}  // namespace

TEST_CASE("logistic_sgd: two epochs reach the original Theano's errors", "[mnist][tutorial]") {
  auto [valid1, test1] = logistic_epochs(1);
  CHECK(fmt::format("{:f}", valid1 * 100.) == "12.458333");
  CHECK(fmt::format("{:f}", test1 * 100.) == "12.375000");
  auto [valid2, test2] = logistic_epochs(2);
  CHECK(fmt::format("{:f}", valid2 * 100.) == "11.010417");
  CHECK(fmt::format("{:f}", test2 * 100.) == "10.958333");
}

TEST_CASE("LeNet5: initial weights are numpy's RandomState(23455) draws and the first costs match Theano", "[mnist][tutorial]") {
  const int batch_size = 500;
  auto datasets = load_data("mnist.pkl.gz");
  RandomState rng(23455);
  auto index = T::lscalar();
  auto x = T::matrix("x");
  auto y = T::ivector("y");
  LeNetConvPoolLayer layer0(rng, x.reshape({batch_size, 1, 28, 28}), {20, 1, 5, 5}, {batch_size, 1, 28, 28}, {2, 2});
  LeNetConvPoolLayer layer1(rng, layer0.output, {50, 20, 5, 5}, {batch_size, 20, 12, 12}, {2, 2});
  HiddenLayer layer2(rng, layer1.output.flatten(2), 800, 500, std::nullopt, std::nullopt, activation::tanh);
  LogisticRegression layer3(layer2.output, 500, 10);
  // Reference draws (theano_semantics notes §j), rounded to float32 as numpy.asarray(..., float32) does.
  CHECK(layer0.W.get_value().item(0) == double(float(0.13397727406718468)));
  CHECK(layer0.W.get_value().item(1) == double(float(-0.154068194376194)));
  CHECK(layer1.W.get_value().item(0) == double(float(-0.003170984816489475)));
  CHECK(layer2.W.get_value().item(0) == double(float(0.016254220534595756)));

  auto cost = layer3.negative_log_likelihood(y);
  std::vector<Var> params = layer3.params;
  for (const auto* p : {&layer2.params, &layer1.params, &layer0.params}) params.insert(params.end(), p->begin(), p->end());
  auto grads = T::grad(cost, params);
  std::vector<std::pair<Var, Var>> updates;
  for (size_t i = 0; i < params.size(); ++i) updates.push_back({params[i], params[i] - 0.1 * grads[i]});
  auto train_model = theano::function(
      {index}, cost,
      {.updates = updates, .givens = {{x, minibatch(datasets[0].x, index, batch_size)}, {y, minibatch(datasets[0].y, index, batch_size)}}});
  // The original's first two train_model calls return 2.3025851 and 2.2841618 (float32).
  CHECK(double(train_model(0)) == Approx(2.3025851).epsilon(2e-7));
  CHECK(double(train_model(1)) == Approx(2.2841618).epsilon(1e-6));
}

TEST_CASE("LeNet5 seed bug: LogisticRegression on layer2_input fails when the graph is built", "[tutorial]") {
  const int batch_size = 500;
  RandomState rng(23455);
  auto x = T::matrix("x");
  LeNetConvPoolLayer layer0(rng, x.reshape({batch_size, 1, 28, 28}), {20, 1, 5, 5}, {batch_size, 1, 28, 28}, {2, 2});
  LeNetConvPoolLayer layer1(rng, layer0.output, {50, 20, 5, 5}, {batch_size, 20, 12, 12}, {2, 2});
  auto layer2_input = layer1.output.flatten(2);
  HiddenLayer layer2(rng, layer2_input, 800, 500, std::nullopt, std::nullopt, activation::tanh);
  // As the seed document does: layer3 takes layer2_input (800 features) with n_in=500.
  try {
    LogisticRegression layer3(layer2_input, 500, 10);
    FAIL("building dot((500, 800), (500, 10)) did not throw");
  } catch (const theano::OpError& e) {
    std::string msg = e.what();
    INFO(msg);
    CHECK(msg.rfind("dot:", 0) == 0);
    CHECK(msg.find("(500, 800)") != std::string::npos);
    CHECK(msg.find("(500, 10)") != std::string::npos);
    // The site is where the user built the node: LogisticRegression's T::dot call in logistic_sgd.hpp.
    CHECK(msg.find("logistic_sgd.hpp:") != std::string::npos);
  }
}
