// Theano's doc/tutorial/examples.txt, "A Real Example: Logistic Regression", as written there (the
// sigmoid spelled 1 / (1 + exp(-dot(x, w) - b)), the cross-entropy spelled with two logs), on the
// doc's data: 400 random 784-dim examples and random labels from numpy's legacy RandomState. It
// trains only because the stabilize rewrites and the stable gradient rules turn the logs of the
// spelled-out sigmoid into softplus: without them float32 training reaches b = nan.
#include <chrono>
#include <cmath>

#include "rewrite_test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {
struct DocRun {
  NDArray w, b, prediction, targets;
  std::vector<std::string> train_ops;
};

DocRun run_doc_example(DType dt, int training_steps) {
  numpy::RandomState rng(0);
  const int64_t N = 400, feats = 784;
  NDArray D0 = rng.randn({N, feats}).astype(dt);
  NDArray D1 = rng.randint(0, 2, {N});

  Var x = T::matrix("x", dt);
  Var y = T::vector("y", dt);
  SharedVariable w = shared(rng.randn({feats}).astype(dt), "w");
  SharedVariable b = shared(NDArray::zeros(dt, {}), "b");

  Var p_1 = 1 / (1 + T::exp(-T::dot(x, w) - b));      // probability that target = 1
  Var prediction = p_1 > 0.5;                          // the prediction thresholded
  Var xent = -y * T::log(p_1) - (1 - y) * T::log(1 - p_1);  // cross-entropy loss
  Var cost = T::mean(xent) + 0.01 * T::sum(T::pow(w, 2));   // the cost to minimize
  Var gw = T::grad(cost, w), gb = T::grad(cost, b);

  Function train = function({x, y}, {prediction, xent}, {.updates = {{w, w - 0.1 * gw}, {b, b - 0.1 * gb}}});
  Function predict = function({x}, prediction);
  NDArray labels = D1.astype(dt);
  for (int i = 0; i < training_steps; ++i) train(D0, labels);
  return {w.get_value(), b.get_value(), predict(D0).array(0), D1, rewrite_test::op_strs(train)};
}

void check_trained(const DocRun& r) {
  for (int64_t i = 0; i < r.w.size(); ++i) REQUIRE(std::isfinite(r.w.item(i)));
  REQUIRE(std::isfinite(r.b.item(0)));
  REQUIRE(r.prediction.size() == r.targets.size());
  int64_t wrong = 0;
  for (int64_t i = 0; i < r.targets.size(); ++i) wrong += r.prediction.item(i) != r.targets.item(i);
  CHECK(wrong == 0);
}

void check_stable_graph(const DocRun& r) {
  auto has = [&](const std::string& s) {
    for (const std::string& op : r.train_ops)
      if (op.find(s) != std::string::npos) return true;
    return false;
  };
  // Fused into Composites: their printed names list the scalar ops inside.
  CHECK(has("softplus"));
  CHECK(has("sigmoid"));
  CHECK_FALSE(has("log"));
}
}  // namespace

TEST_CASE("doc logistic regression trains in float32 and float64 without NaN and predicts the targets", "[doc][stabilize]") {
  for (DType dt : {DType::Float32, DType::Float64}) {
    INFO(dtype_name(dt));
    auto t0 = std::chrono::steady_clock::now();
    DocRun r = run_doc_example(dt, 10000);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    INFO("10000 steps took " << secs << " s");
    check_trained(r);
    check_stable_graph(r);
  }
}

TEST_CASE("doc logistic regression without the stabilizing rewrites still has a finite gradient", "[doc][stabilize]") {
  // The stable gradient rules are part of T::grad, not of the rewrites: with the forward rewrites
  // off the cost is inf where p_1 rounds to 0 or 1, but w and b stay finite.
  numpy::RandomState rng(0);
  Var x = T::fmatrix("x");
  SharedVariable w = shared(rng.randn({784}).astype(DType::Float32), "w");
  Var p_1 = 1 / (1 + T::exp(-T::dot(x, w)));
  Var cost = T::mean(-T::log(p_1) - T::log(1 - p_1));
  Function g = function({x}, T::grad(cost, w),
                        {.optimizer_excluding = {"local_exp_over_1_plus_exp", "log1msigm_to_softplus", "local_log_sigmoid"}});
  NDArray gw = g(rng.randn({50, 784}).astype(DType::Float32)).array(0);
  for (int64_t i = 0; i < gw.size(); ++i) REQUIRE(std::isfinite(gw.item(i)));
}
