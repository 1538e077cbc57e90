// The autoencoder tutorials' classes (<theano/tutorials/dA.hpp>, SdA.hpp, cA.hpp) on small shapes:
// costs and SGD steps against references computed here from the tutorials' formulas, the corruption
// mask against the MRG streams it is drawn from, SdA's weight sharing and keyword calls, and cA's
// Jacobian term with Theano's int_div (whose gradient is zero).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <vector>

#include <theano/tutorials/SdA.hpp>
#include <theano/tutorials/cA.hpp>
#include "test_util.hpp"

using namespace theano::tutorials;
using theano::DType;
using theano::NDArray;

namespace {

// Row-major double copies of a matrix / vector value.
std::vector<double> vals(const SharedVariable& v) { return test_util::values(v.get_value()); }

double sigmoid(double a) { return 1 / (1 + std::exp(-a)); }

// dA.py's cost for inputs X (n x v), W (v x h), b (h), b' (v), in double: the mean over rows of the
// reconstruction cross-entropy summed over the row's pixels.
double dA_cost(const std::vector<double>& X, int n, int v, int h, const std::vector<double>& W, const std::vector<double>& b,
               const std::vector<double>& bp) {
  double total = 0;
  for (int r = 0; r < n; ++r) {
    std::vector<double> y(static_cast<size_t>(h));
    for (int j = 0; j < h; ++j) {
      double a = b[size_t(j)];
      for (int i = 0; i < v; ++i) a += X[size_t(r * v + i)] * W[size_t(i * h + j)];
      y[size_t(j)] = sigmoid(a);
    }
    for (int i = 0; i < v; ++i) {
      double a = bp[size_t(i)];
      for (int j = 0; j < h; ++j) a += y[size_t(j)] * W[size_t(i * h + j)];
      double z = sigmoid(a), x = X[size_t(r * v + i)];
      total -= x * std::log(z) + (1 - x) * std::log(1 - z);
    }
  }
  return total / n;
}

NDArray pixels(int n, int v, uint32_t seed) {
  RandomState rng(seed);
  return numpy::asarray(rng.uniform(0, 1, {n, v}), config().floatX);
}

}  // namespace

TEST_CASE("dA: the cost and one SGD step match the tutorial's formulas computed in double", "[tutorials]") {
  const int n = 3, v = 7, h = 5;
  const double lr = 0.5;
  RandomState rng(123);
  Var x = T::matrix("x");
  dA da(rng, nullptr, x, v, h);
  // the bounds of the initial weights: +-4 sqrt(6 / (h + v))
  double bound = 4 * std::sqrt(6. / (h + v));
  for (double w : vals(da.W)) CHECK(std::abs(w) <= bound);
  // nonzero biases, so that their gradients are checked too
  da.b.set_value(numpy::asarray(RandomState(5).uniform(-1, 1, {h}), config().floatX));
  da.b_prime.set_value(numpy::asarray(RandomState(6).uniform(-1, 1, {v}), config().floatX));

  auto [cost, updates] = da.get_cost_updates(0., lr);
  auto train = theano::function({x}, cost, {.updates = updates});
  NDArray X = pixels(n, v, 7);
  std::vector<double> Xv = test_util::values(X), W0 = vals(da.W), b0 = vals(da.b), bp0 = vals(da.b_prime);
  double want = dA_cost(Xv, n, v, h, W0, b0, bp0);
  double got = train(X);
  CHECK(got == Approx(want).epsilon(1e-5));

  // each parameter moved by -lr times the central-difference gradient of the double reference
  auto check_step = [&](const std::vector<double>& before, const std::vector<double>& after, int which) {
    for (size_t k = 0; k < before.size(); ++k) {
      std::vector<double> W = W0, b = b0, bp = bp0;
      std::vector<double>& p = which == 0 ? W : which == 1 ? b : bp;
      const double eps = 1e-5;
      p[k] = before[k] + eps;
      double up = dA_cost(Xv, n, v, h, W, b, bp);
      p[k] = before[k] - eps;
      double down = dA_cost(Xv, n, v, h, W, b, bp);
      double grad = (up - down) / (2 * eps);
      INFO("parameter " << which << " entry " << k);
      CHECK((before[k] - after[k]) / lr == Approx(grad).margin(2e-4).epsilon(2e-3));
    }
  };
  check_step(W0, vals(da.W), 0);
  check_step(b0, vals(da.b), 1);
  check_step(bp0, vals(da.b_prime), 2);
}

TEST_CASE("dA: the corruption zeroes the pixels whose MRG uniform is not below 1 - level and draws anew each call", "[tutorials]") {
  const int n = 4, v = 9;
  RandomState rng(1);
  auto theano_rng = std::make_shared<RandomStreams>(rng.randint(int64_t(1) << 30));
  // the same streams, for the reference: a symbolic size gives Theano's 60 * 256 streams both times
  RandomStreams reference(RandomState(1).randint(int64_t(1) << 30));
  Var x = T::matrix("x");
  dA da(rng, theano_rng, x, v, 3);
  auto corrupt = theano::function({x}, da.get_corrupted_input(x, 0.3));
  auto uniforms = theano::function({x}, reference.uniform(x.shape()));
  NDArray X = pixels(n, v, 3);
  for (int call = 0; call < 2; ++call) {
    std::vector<double> got = test_util::values(corrupt(X)), u = test_util::values(uniforms(X)), xs = test_util::values(X);
    int zeroed = 0;
    for (size_t k = 0; k < got.size(); ++k) {
      INFO("call " << call << " pixel " << k << " uniform " << u[k]);
      // p = 1 - 0.3 computed in double, then floatX, as Python's `1 - corruption_level`
      bool keep = u[k] < double(config().floatX == DType::Float32 ? double(float(1 - 0.3)) : 1 - 0.3);
      CHECK(got[k] == (keep ? xs[k] : 0.0));
      zeroed += !keep;
    }
    CHECK(zeroed > 0);
    CHECK(zeroed < int(got.size()));
  }
}

TEST_CASE("SdA: each dA shares its layer's weights and the pretraining functions take corruption and lr by keyword", "[tutorials]") {
  const int n_ins = 6, n_outs = 3, batch = 2;
  RandomState numpy_rng(89677);
  SdA sda(numpy_rng, nullptr, n_ins, {5, 4}, n_outs);
  REQUIRE(sda.n_layers == 2);
  REQUIRE(sda.params.size() == 6);  // W, b of each sigmoid layer, then the logistic layer's W, b
  // The draws in SdA.py's order: the MRG seed, then layer 0's weights (times 4: sigmoid), layer 1's.
  RandomState replay(89677);
  (void)replay.randint(int64_t(1) << 30);
  double bound0 = std::sqrt(6. / (n_ins + 5));
  NDArray W0 = numpy::asarray(replay.uniform(-bound0, bound0, {n_ins, 5}), config().floatX);
  std::vector<double> want = test_util::values(W0);
  for (double& w : want) w = double(numpy::asarray(numpy::array({w}), config().floatX).item(0)) * 4;
  CHECK(vals(sda.sigmoid_layers[0].W) == want);
  for (int i = 0; i < 2; ++i) {
    CHECK(sda.dA_layers[size_t(i)].W.node() == sda.sigmoid_layers[size_t(i)].W.node());
    CHECK(sda.dA_layers[size_t(i)].b.node() == sda.sigmoid_layers[size_t(i)].b.node());
  }

  SharedVariable train_x = theano::shared(pixels(3 * batch, n_ins, 11), "train_x");
  auto fns = sda.pretraining_functions(train_x, batch);
  REQUIRE(fns.size() == 2);
  // lr = 0 changes nothing; the default lr (0.1) moves layer 1's dA, which is layer 1's HiddenLayer
  std::vector<double> W1 = vals(sda.sigmoid_layers[1].W);
  double c0 = fns[1](theano::kw("index", 1), theano::kw("corruption", 0.0), theano::kw("lr", 0.0));
  CHECK(std::isfinite(c0));
  CHECK(vals(sda.sigmoid_layers[1].W) == W1);
  fns[1](theano::kw("index", 1));
  CHECK(vals(sda.sigmoid_layers[1].W) != W1);
  CHECK(test_util::error_of([&] { fns[0](theano::kw("index", 0), theano::kw("lr", 0.1), theano::kw("corr", 0.1)); }).find("corr") !=
        std::string::npos);

  // finetuning: a step returns the negative log-likelihood; the scores are error rates of each batch
  std::vector<SharedDataset> sets;
  for (uint32_t s = 0; s < 3; ++s) {
    NDArray labels = numpy::asarray(RandomState(20 + s).randint(0, n_outs, {3 * batch}), config().floatX);
    sets.push_back({theano::shared(pixels(3 * batch, n_ins, 30 + s)), T::cast(theano::shared(labels), "int32")});
  }
  auto [train, valid, test] = sda.build_finetune_functions(sets, batch, 0.1);
  double nll = train(0);
  CHECK(nll > 0);
  CHECK(nll < 10);
  for (const auto& scores : {valid(), test()}) {
    REQUIRE(scores.size() == 3);
    for (double e : scores) CHECK((e == 0 || e == 0.5 || e == 1));
  }
}

TEST_CASE("cA: the Jacobian term is floor(sum(J^2) / batch) with Theano's zero int_div gradient", "[tutorials]") {
  const int n = 2, v = 5, h = 3;
  auto build = [&](double contraction_level) {
    RandomState rng(123);
    Var x = T::matrix("x");
    auto ca = std::make_shared<cA>(rng, x, v, h, n);
    auto [cost, updates] = ca->get_cost_updates(contraction_level, 0.3);
    auto f = theano::function({x}, {T::mean(ca->L_rec), ca->L_jacob}, {.updates = updates});
    return std::make_pair(ca, f);
  };
  auto [ca, f] = build(0.1);
  auto [plain, g] = build(0.);
  NDArray X = pixels(n, v, 9);
  std::vector<double> W = vals(ca->W);
  // the Jacobian of example r: h_j (1 - h_j) W_ij; its squared norm summed over the batch
  double sum = 0;
  std::vector<double> xs = test_util::values(X);
  for (int r = 0; r < n; ++r)
    for (int j = 0; j < h; ++j) {
      double a = 0;
      for (int i = 0; i < v; ++i) a += xs[size_t(r * v + i)] * W[size_t(i * h + j)];
      double y = sigmoid(a), d = y * (1 - y);
      for (int i = 0; i < v; ++i) sum += d * d * W[size_t(i * h + j)] * W[size_t(i * h + j)];
    }
  auto out = f(X);
  INFO("sum(J^2) / n = " << sum / n);
  REQUIRE(std::abs(sum / n - std::round(sum / n)) > 1e-3);  // not on a floor boundary
  CHECK(out.scalar(1) == std::floor(sum / n));
  g(X);
  // The contraction term has no gradient: both models took the same step.
  CHECK(vals(ca->W) == vals(plain->W));
  CHECK(vals(ca->b) == vals(plain->b));
  CHECK(vals(ca->W) != W);
}
