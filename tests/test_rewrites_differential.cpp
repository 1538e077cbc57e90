// The rewrites change how the tutorials compute, not what: each tutorial model (examples/
// logistic_sgd.hpp, mlp.hpp, convolutional_mlp.hpp with small shapes) is built twice from the same
// initial weights and trained a few steps on the same random data, once without rewrites
// (mode FAST_COMPILE) and once through the whole pipeline. Costs and parameters agree within float32
// rounding; predictions, whose arithmetic no rewrite changes (fusion runs the same scalar
// functions), agree bit for bit.
#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <memory>

#include "lenet_fixture.hpp"

namespace {

bool same_bits(const theano::NDArray& a, const theano::NDArray& b) {
  if (a.dtype() != b.dtype() || !(a.shape() == b.shape())) return false;
  theano::NDArray ca = a.copy(), cb = b.copy();
  return std::memcmp(ca.raw(), cb.raw(), ca.nbytes()) == 0;
}

// Largest |a - b| / (atol + rtol * |b|) over the elements: <= 1 means close.
double closeness(const theano::NDArray& a, const theano::NDArray& b, double rtol, double atol) {
  REQUIRE(a.shape() == b.shape());
  double worst = 0;
  for (int64_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a.item(i) - b.item(i)) / (atol + rtol * std::abs(b.item(i))));
  return worst;
}

SharedDataset random_set(RandomState& rng, int n, int n_in) {
  auto x = theano::shared(numpy::asarray(rng.uniform(0, 1, {n, n_in}), config().floatX), "", true);
  auto y = theano::shared(numpy::asarray(rng.randint(0, 10, {n}), config().floatX), "", true);
  return {x, T::cast(y, "int32")};
}

// One model's symbolic pieces, built by a tutorial's classes from a fresh RandomState.
struct Model {
  std::vector<SharedVariable> params;
  Var cost, p_y_given_x, errors;
};
using Builder = std::function<Model(const Var& x, const Var& y)>;

struct Trained {
  std::vector<double> costs;
  std::vector<theano::NDArray> params;
  theano::NDArray initial_prediction;
  std::vector<double> errors;
  double compile_ms;
};

Trained train(const Builder& build, const SharedDataset& data, int batch_size, double learning_rate, int steps, const std::string& mode,
              const std::vector<std::string>& excluding = {}) {
  auto index = T::lscalar();
  auto x = T::matrix("x");
  auto y = T::ivector("y");
  Model m = build(x, y);
  std::vector<Var> wrt(m.params.begin(), m.params.end());
  auto grads = T::grad(m.cost, wrt);
  std::vector<std::pair<Var, Var>> updates;
  for (size_t i = 0; i < wrt.size(); ++i) updates.push_back({wrt[i], wrt[i] - learning_rate * grads[i]});
  std::vector<std::pair<Var, Var>> givens{{x, minibatch(data.x, index, batch_size)}, {y, minibatch(data.y, index, batch_size)}};
  auto train_model =
      theano::function({index}, m.cost, {.updates = updates, .givens = givens, .mode = mode, .optimizer_excluding = excluding, .verify_rewrites = true});
  auto predict = theano::function({index}, m.p_y_given_x, {.givens = {givens[0]}, .mode = mode, .optimizer_excluding = excluding, .verify_rewrites = true});
  auto errors = theano::function({index}, m.errors, {.givens = givens, .mode = mode, .optimizer_excluding = excluding, .verify_rewrites = true});
  Trained t;
  t.compile_ms = train_model.compile_ms();
  t.initial_prediction = predict(0).array();
  for (int i = 0; i < steps; ++i) t.costs.push_back(train_model(i % 3));
  for (const auto& p : m.params) t.params.push_back(p.get_value());
  for (int i = 0; i < 3; ++i) t.errors.push_back(errors(i));
  return t;
}

void compare(const Builder& build, int n_in, int batch_size, double learning_rate, int steps) {
  RandomState data_rng(1);
  SharedDataset data = random_set(data_rng, 3 * batch_size, n_in);
  Trained plain = train(build, data, batch_size, learning_rate, steps, "FAST_COMPILE");
  Trained fast = train(build, data, batch_size, learning_rate, steps, "FAST_RUN");
  INFO("compile: " << plain.compile_ms << " ms without rewrites, " << fast.compile_ms << " ms with");
  // The forward pass of the initial model: the same operations in the same order.
  CHECK(same_bits(fast.initial_prediction, plain.initial_prediction));
  // The cost goes through the fused crossentropy (-x[y] + max + log sum exp instead of -log of the
  // softmax) and the updates through Gemm: float32 rounding apart.
  REQUIRE(fast.costs.size() == plain.costs.size());
  for (size_t i = 0; i < plain.costs.size(); ++i) {
    INFO("step " << i << ": " << fast.costs[i] << " vs " << plain.costs[i]);
    CHECK(fast.costs[i] == Approx(plain.costs[i]).epsilon(2e-6));
  }
  for (size_t k = 0; k < plain.params.size(); ++k) {
    INFO("parameter " << k << " of shape " << plain.params[k].shape().str());
    CHECK(closeness(fast.params[k], plain.params[k], 1e-4, 1e-6) <= 1);
  }
  CHECK(fast.errors == plain.errors);
}

}  // namespace

TEST_CASE("rewrites keep the logistic regression's training: costs and weights and errors", "[rewrite][differential]") {
  compare(
      [](const Var& x, const Var& y) {
        auto c = std::make_shared<LogisticRegression>(x, 28 * 28, 10);
        return Model{{c->W, c->b}, c->negative_log_likelihood(y), c->p_y_given_x, c->errors(y)};
      },
      28 * 28, 20, 0.13, 6);
}

TEST_CASE("rewrites keep the MLP's training with its L1 and L2 terms", "[rewrite][differential]") {
  compare(
      [](const Var& x, const Var& y) {
        RandomState rng(1234);
        auto c = std::make_shared<MLP>(rng, x, 28 * 28, 30, 10);
        Var cost = c->negative_log_likelihood(y) + 0.001 * c->L1 + 0.0001 * c->L2_sqr;
        std::vector<SharedVariable> params{c->hiddenLayer.W, c->hiddenLayer.b, c->logRegressionLayer.W, c->logRegressionLayer.b};
        return Model{params, cost, c->logRegressionLayer.p_y_given_x, c->errors(y)};
      },
      28 * 28, 20, 0.01, 6);
}

namespace {
// LeNet's layers as the tutorial builds them (nkerns 2, 3, batch 10).
Model lenet(const Var& x, const Var& y) {
  test_lenet::TinyLeNet m = test_lenet::tiny_lenet(x, y);
  return Model{m.params, m.cost, m.p_y_given_x, m.errors};
}
}  // namespace

TEST_CASE("rewrites keep LeNet's training (nkerns 2 and 3 with batch 10)", "[rewrite][differential]") {
  compare(lenet, 28 * 28, 10, 0.1, 6);
}

TEST_CASE("the pool rewrites keep LeNet's training bit for bit", "[rewrite][differential][pool]") {
  // MaxPoolBiasActivation and MaxPoolGradRecompute run Pool's and Elemwise's scalar functions in
  // their order: nothing may differ, not even in the last bit.
  const int batch_size = 10;
  RandomState data_rng(1);
  SharedDataset data = random_set(data_rng, 3 * batch_size, 28 * 28);
  Trained without = train(lenet, data, batch_size, 0.1, 6, "FAST_RUN", {"local_max_pool_bias_activation", "local_max_pool_grad_recompute"});
  Trained with = train(lenet, data, batch_size, 0.1, 6, "FAST_RUN");
  CHECK(same_bits(with.initial_prediction, without.initial_prediction));
  CHECK(with.costs == without.costs);
  REQUIRE(with.params.size() == without.params.size());
  for (size_t k = 0; k < with.params.size(); ++k) {
    INFO("parameter " << k << " of shape " << with.params[k].shape().str());
    CHECK(same_bits(with.params[k], without.params[k]));
  }
  CHECK(with.errors == without.errors);
}
