// The stabilizing rewrites of sigmoid and softplus (ops/sigm_rewrites.cpp) and of the log-softmax
// gradient (ops/nnet_rewrites.cpp), and the stable gradient rules of T::grad (ops/grad_stable.cpp):
// each rewrite's graph before and after as golden debugprint text with the cases it must leave
// alone, the values and gradients that overflow without them (float32 and float64, against the
// mathematically right values), and Theano's own tests of these rewrites (nnet/tests/test_sigm.py,
// test_nnet.py) with the same inputs and expected graphs.
#include <cmath>

#include "ops/rewrites.hpp"
#include "rewrite_test_util.hpp"

using namespace theano;
using namespace test_util;
using namespace rewrite_test;
namespace T = theano::tensor;
namespace R = theano::rewrite;
namespace RW = theano::ops::rewrites;
using Ops = std::vector<std::string>;

namespace {
const std::string kSigmoid = "Elemwise{sigmoid,no_inplace}", kNeg = "Elemwise{neg,no_inplace}",
                  kMul = "Elemwise{mul,no_inplace}", kExp = "Elemwise{exp,no_inplace}",
                  kSoftplus = "Elemwise{softplus,no_inplace}";

// Theano's test mode for these: FAST_RUN without elementwise fusion, so the ops stay visible.
Function unfused(const std::vector<Var>& in, const Var& out, std::vector<std::string> excluding = {}) {
  excluding.push_back("elemwise_fusion");
  return theano::function(in, out, {.optimizer_excluding = excluding});
}

NDArray rand_vec(DType dt, int64_t n) {
  numpy::RandomState rng(1);
  return random(rng, dt, {n}, 0, 1);
}
}  // namespace

// ---- each rewrite: before and after, and what it leaves alone ----

TEST_CASE("stabilize: exp(x) / (1 + exp(x)) and 1 / (1 + exp(-x)) become sigmoid", "[rewrite][stabilize][sigmoid]") {
  Var x = T::dvector("x");
  R::LocalPhase p = phase_of({&RW::local_exp_over_1_plus_exp});
  auto r = rewritten({x}, {T::exp(x) / (1.0 + T::exp(x)), 1.0 / (1.0 + T::exp(-x)), 3.0 / (1.0 + T::exp(x))}, p);
  check_golden(r->before, "Elemwise{true_div,no_inplace} [id A] ''   \n"
               " |Elemwise{exp,no_inplace} [id B] ''   \n"
               " | |x [id C]\n"
               " |Elemwise{add,no_inplace} [id D] ''   \n"
               "   |DimShuffle{x} [id E] ''   \n"
               "   | |TensorConstant{1.0} [id F]\n"
               "   |Elemwise{exp,no_inplace} [id G] ''   \n"
               "     |x [id C]\n"
               "Elemwise{true_div,no_inplace} [id H] ''   \n"
               " |DimShuffle{x} [id I] ''   \n"
               " | |TensorConstant{1.0} [id J]\n"
               " |Elemwise{add,no_inplace} [id K] ''   \n"
               "   |DimShuffle{x} [id L] ''   \n"
               "   | |TensorConstant{1.0} [id M]\n"
               "   |Elemwise{exp,no_inplace} [id N] ''   \n"
               "     |Elemwise{neg,no_inplace} [id O] ''   \n"
               "       |x [id C]\n"
               "Elemwise{true_div,no_inplace} [id P] ''   \n"
               " |DimShuffle{x} [id Q] ''   \n"
               " | |TensorConstant{3.0} [id R]\n"
               " |Elemwise{add,no_inplace} [id S] ''   \n"
               "   |DimShuffle{x} [id T] ''   \n"
               "   | |TensorConstant{1.0} [id U]\n"
               "   |Elemwise{exp,no_inplace} [id V] ''   \n"
               "     |x [id C]\n",
               "exp_over_1_plus_exp_before");
  check_golden(r->after, "Elemwise{sigmoid,no_inplace} [id A] ''   \n"
               " |x [id B]\n"
               "Elemwise{sigmoid,no_inplace} [id C] ''   \n"
               " |x [id B]\n"
               "Elemwise{mul,no_inplace} [id D] ''   \n"
               " |Elemwise{sigmoid,no_inplace} [id E] ''   \n"
               " | |Elemwise{neg,no_inplace} [id F] ''   \n"
               " |   |x [id B]\n"
               " |DimShuffle{x} [id G] ''   \n"
               "   |TensorConstant{3.0} [id H]\n",
               "exp_over_1_plus_exp_after");
  // Not 1 + exp(x) in the denominator: left alone.
  auto same = rewritten({x}, {T::exp(x) / (2.0 + T::exp(x)), T::exp(x) / (1.0 - T::exp(x)), T::exp(x) / (1.0 + x)}, p);
  CHECK(same->after == same->before);
  CHECK(same->ctx.applied.empty());
}

TEST_CASE("stabilize: exp(x) * sigmoid(-x) and exp(-x) * sigmoid(x) become one sigmoid", "[rewrite][stabilize][sigmoid]") {
  Var x = T::dvector("x"), y = T::dvector("y");
  R::LocalPhase p = phase_of({&RW::local_sigm_times_exp});
  auto r = rewritten({x, y}, {T::nnet::sigmoid(-x) * T::exp(x), y * (T::exp(-x) * T::nnet::sigmoid(x))}, p);
  check_golden(r->before, "Elemwise{mul,no_inplace} [id A] ''   \n"
               " |Elemwise{sigmoid,no_inplace} [id B] ''   \n"
               " | |Elemwise{neg,no_inplace} [id C] ''   \n"
               " |   |x [id D]\n"
               " |Elemwise{exp,no_inplace} [id E] ''   \n"
               "   |x [id D]\n"
               "Elemwise{mul,no_inplace} [id F] ''   \n"
               " |y [id G]\n"
               " |Elemwise{mul,no_inplace} [id H] ''   \n"
               "   |Elemwise{exp,no_inplace} [id I] ''   \n"
               "   | |Elemwise{neg,no_inplace} [id J] ''   \n"
               "   |   |x [id D]\n"
               "   |Elemwise{sigmoid,no_inplace} [id K] ''   \n"
               "     |x [id D]\n",
               "sigm_times_exp_before");
  check_golden(r->after, "Elemwise{sigmoid,no_inplace} [id A] ''   \n"
               " |x [id B]\n"
               "Elemwise{mul,no_inplace} [id C] ''   \n"
               " |y [id D]\n"
               " |Elemwise{sigmoid,no_inplace} [id E] ''   \n"
               "   |Elemwise{neg,no_inplace} [id F] ''   \n"
               "     |x [id B]\n",
               "sigm_times_exp_after");
  auto same = rewritten({x, y}, {T::nnet::sigmoid(x) * T::exp(x), T::nnet::sigmoid(-x) * T::exp(y)}, p);
  CHECK(same->after == same->before);
  CHECK(same->ctx.applied.empty());
}

TEST_CASE("stabilize: log(1 - sigmoid(x)) and log1p(exp(x)) and log1p(-sigmoid(x)) become softplus", "[rewrite][stabilize][softplus]") {
  Var x = T::dvector("x");
  R::LocalPhase p = phase_of({&RW::local_log1p, &RW::local_log1msigm_to_softplus, &RW::local_log1pexp_to_softplus,
                              &RW::local_log1p_neg_sigmoid});
  auto r = rewritten({x}, {T::log(1.0 - T::nnet::sigmoid(x)), T::log(1.0 + T::exp(x)), T::log1p(-T::nnet::sigmoid(x))}, p);
  check_golden(r->before, "Elemwise{log,no_inplace} [id A] ''   \n"
               " |Elemwise{sub,no_inplace} [id B] ''   \n"
               "   |DimShuffle{x} [id C] ''   \n"
               "   | |TensorConstant{1.0} [id D]\n"
               "   |Elemwise{sigmoid,no_inplace} [id E] ''   \n"
               "     |x [id F]\n"
               "Elemwise{log,no_inplace} [id G] ''   \n"
               " |Elemwise{add,no_inplace} [id H] ''   \n"
               "   |DimShuffle{x} [id I] ''   \n"
               "   | |TensorConstant{1.0} [id J]\n"
               "   |Elemwise{exp,no_inplace} [id K] ''   \n"
               "     |x [id F]\n"
               "Elemwise{log1p,no_inplace} [id L] ''   \n"
               " |Elemwise{neg,no_inplace} [id M] ''   \n"
               "   |Elemwise{sigmoid,no_inplace} [id N] ''   \n"
               "     |x [id F]\n",
               "softplus_before");
  check_golden(r->after, "Elemwise{neg,no_inplace} [id A] ''   \n"
               " |Elemwise{softplus,no_inplace} [id B] ''   \n"
               "   |x [id C]\n"
               "Elemwise{softplus,no_inplace} [id D] ''   \n"
               " |x [id C]\n"
               "Elemwise{neg,no_inplace} [id E] ''   \n"
               " |Elemwise{softplus,no_inplace} [id F] ''   \n"
               "   |x [id C]\n",
               "softplus_after");
  auto same = rewritten({x}, {T::log(2.0 - T::nnet::sigmoid(x)), T::log1p(T::nnet::sigmoid(x)), T::log1p(T::exp(x) + 1.0),
                              T::log(1.0 - T::exp(x))},
                        p);
  CHECK(same->after == same->before);
  CHECK(same->ctx.applied.empty());
}

TEST_CASE("specialize: the gradient of log(softmax(x)) loses its division by softmax(x)", "[rewrite][specialize][softmax]") {
  Var x = T::dmatrix("x");
  Var g = T::grad(T::sum(T::log(T::nnet::softmax(x))), x);
  R::LocalPhase p = phase_of({&RW::local_logsoftmax_grad});
  auto r = rewritten({x}, {g}, p);
  check_golden(r->before, "Elemwise{mul,no_inplace} [id A] ''   \n"
               " |Elemwise{sub,no_inplace} [id B] ''   \n"
               " | |Elemwise{true_div,no_inplace} [id C] ''   \n"
               " | | |Elemwise{second,no_inplace} [id D] ''   \n"
               " | | | |Elemwise{log,no_inplace} [id E] ''   \n"
               " | | | | |Softmax [id F] ''   \n"
               " | | | |   |x [id G]\n"
               " | | | |DimShuffle{x,x} [id H] ''   \n"
               " | | |   |TensorConstant{1.0} [id I]\n"
               " | | |Softmax [id F] ''   \n"
               " | |DimShuffle{0,x} [id J] ''   \n"
               " |   |Sum{axis=[1], acc_dtype=float64} [id K] ''   \n"
               " |     |Elemwise{mul,no_inplace} [id L] ''   \n"
               " |       |Elemwise{true_div,no_inplace} [id C] ''   \n"
               " |       |Softmax [id F] ''   \n"
               " |Softmax [id F] ''   \n",
               "logsoftmax_grad_before");
  check_golden(r->after, "Elemwise{sub,no_inplace} [id A] ''   \n"
               " |Elemwise{second,no_inplace} [id B] ''   \n"
               " | |Elemwise{log,no_inplace} [id C] ''   \n"
               " | | |Softmax [id D] ''   \n"
               " | |   |x [id E]\n"
               " | |DimShuffle{x,x} [id F] ''   \n"
               " |   |TensorConstant{1.0} [id G]\n"
               " |Elemwise{mul,no_inplace} [id H] ''   \n"
               "   |DimShuffle{0,x} [id I] ''   \n"
               "   | |Sum{axis=[1], acc_dtype=float64} [id J] ''   \n"
               "   |   |Elemwise{second,no_inplace} [id B] ''   \n"
               "   |Softmax [id D] ''   \n",
               "logsoftmax_grad_after");
  // The tutorials' one-hot crossentropy gradient is local_advanced_indexing_crossentropy_onehot_grad's.
  Logistic m;
  auto same = rewritten({m.x, m.y}, {m.g_W}, p);
  CHECK(same->after == same->before);
  CHECK(same->ctx.applied.empty());
}

TEST_CASE("the stability rewrites are excludable by name", "[rewrite][stabilize]") {
  Var x = T::dvector("x");
  CHECK(op_strs(unfused({x}, T::exp(x) / (1.0 + T::exp(x)))) == Ops{kSigmoid});
  CHECK(count_op(unfused({x}, T::exp(x) / (1.0 + T::exp(x)), {"local_exp_over_1_plus_exp"}), kSigmoid) == 0);
  CHECK(count_op(unfused({x}, T::log(1.0 - T::nnet::sigmoid(x)), {"log1msigm_to_softplus"}), kSoftplus) == 0);
  CHECK(count_op(unfused({x}, T::log1p(T::exp(x)), {"log1pexp_to_softplus"}), kSoftplus) == 0);
  CHECK(count_op(unfused({x}, T::log1p(-T::nnet::sigmoid(x)), {"log1p_neg_sigmoid"}), kSoftplus) == 0);
  CHECK(count_op(unfused({x}, T::nnet::sigmoid(-x) * T::exp(x), {"local_sigm_times_exp"}), kExp) == 1);
  Var m = T::dmatrix("m");
  auto grad_ops = op_strs(unfused({m}, T::grad(T::sum(T::log(T::nnet::softmax(m))), m), {"local_logsoftmax_grad"}));
  CHECK(std::count(grad_ops.begin(), grad_ops.end(), "Elemwise{true_div,no_inplace}") == 1);
}

// ---- values and gradients where the spelled-out forms overflow ----

namespace {
// f(x) and d sum(f(x)) / dx at the points, compiled with the default pipeline.
std::pair<std::vector<double>, std::vector<double>> value_and_grad(DType dt, const std::function<Var(const Var&)>& f,
                                                                  const std::vector<double>& at) {
  Var x = T::vector("x", dt);
  Var out = f(x);
  Function fn = theano::function({x}, {out, T::grad(T::sum(out), x)});
  Result r = fn(arr(dt, {int64_t(at.size())}, at));
  return {values(r.array(0)), values(r.array(1))};
}
void check_rel(const std::vector<double>& got, const std::vector<double>& want, double rtol) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i << ": " << got[i] << " vs " << want[i]);
    CHECK(std::isfinite(got[i]));
    CHECK(std::abs(got[i] - want[i]) <= rtol * std::abs(want[i]));
  }
}
double sig(double z) { return 1 / (1 + std::exp(-z)); }
}  // namespace

TEST_CASE("log(1 - sigmoid(x)) and its gradient are finite for large x", "[stabilize][softplus][values]") {
  for (DType dt : {DType::Float32, DType::Float64}) {
    INFO(dtype_name(dt));
    double tol = dt == DType::Float32 ? 1e-6 : 1e-14;
    auto [v, g] = value_and_grad(dt, [](const Var& x) { return T::log(1.0 - T::nnet::sigmoid(x)); }, {20, 50, -30});
    // log(1 - sigmoid(x)) = -softplus(x); its derivative is -sigmoid(x).
    check_rel(v, {-20 - std::log1p(std::exp(-20.0)), -50, -std::log1p(std::exp(-30.0))}, tol);
    check_rel(g, {-sig(20), -sig(50), -sig(-30)}, tol);
  }
}

TEST_CASE("log(sigmoid(x)) has a finite gradient for very negative x and e^-x for large x", "[stabilize][softplus][values]") {
  for (DType dt : {DType::Float32, DType::Float64}) {
    INFO(dtype_name(dt));
    double tol = dt == DType::Float32 ? 1e-6 : 1e-14;
    double low = dt == DType::Float32 ? -100 : -800;
    auto [v, g] = value_and_grad(dt, [](const Var& x) { return T::log(T::nnet::sigmoid(x)); }, {low, 29, 0});
    check_rel(v, {low, -std::log1p(std::exp(-29.0)), -std::log(2.0)}, tol);
    // d log(sigmoid(x)) / dx = sigmoid(-x): 1 for very negative x, e^-29 / (1 + e^-29) at 29.
    check_rel(g, {1, sig(-29), 0.5}, tol);
  }
}

TEST_CASE("log1p(exp(x)) and log(1 + exp(x)) are x for large x with gradient sigmoid(x)", "[stabilize][softplus][values]") {
  for (DType dt : {DType::Float32, DType::Float64}) {
    INFO(dtype_name(dt));
    double tol = dt == DType::Float32 ? 1e-6 : 1e-14;
    double big = dt == DType::Float32 ? 100 : 800;
    for (auto f : {std::function<Var(const Var&)>([](const Var& x) { return T::log1p(T::exp(x)); }),
                   std::function<Var(const Var&)>([](const Var& x) { return T::log(1.0 + T::exp(x)); })}) {
      auto [v, g] = value_and_grad(dt, f, {big, -50, 1});
      check_rel(v, {big, std::exp(-50.0), std::log1p(std::exp(1.0))}, tol);
      check_rel(g, {1, sig(-50), sig(1)}, tol);
    }
  }
}

TEST_CASE("exp(x) / (1 + exp(x)) is sigmoid(x) with gradient sigmoid(x) sigmoid(-x)", "[stabilize][sigmoid][values]") {
  for (DType dt : {DType::Float32, DType::Float64}) {
    INFO(dtype_name(dt));
    double tol = dt == DType::Float32 ? 1e-6 : 1e-14;
    auto [v, g] = value_and_grad(dt, [](const Var& x) { return T::exp(x) / (1.0 + T::exp(x)); }, {800, 400, 2});
    check_rel(v, {1, 1, sig(2)}, tol);
    // The derivative at 400 is e^-400 (0 in float32), not 1.
    double at400 = dt == DType::Float32 ? 0 : std::exp(-400.0);
    check_rel(g, {0, at400, sig(2) * sig(-2)}, tol);
  }
}

TEST_CASE("the gradient of sum(log(softmax(x))) is finite for large inputs", "[specialize][softmax][values]") {
  for (DType dt : {DType::Float32, DType::Float64}) {
    for (double big : {100.0, 1000.0}) {
      INFO(dtype_name(dt) << " at [[0, " << big << "]]");
      Var x = T::matrix("x", dt);
      Function f = theano::function({x}, T::grad(T::sum(T::log(T::nnet::softmax(x))), x));
      // d/dx_j sum_i log softmax(x)_i = 1 - n softmax(x)_j: [1, -1] where softmax is [0, 1].
      check_close(f(arr(dt, {1, 2}, {0, big})).array(0), {1, -1}, 0, 1e-6);
    }
  }
}

// ---- Theano's tests: theano/tensor/nnet/tests/test_sigm.py ----

TEST_CASE("Theano T_sigmoid_opts test_exp_over_1_plus_exp", "[rewrite][stabilize][sigmoid][theano]") {
  for (DType dt : {DType::Float32, DType::Float64}) {
    Var x = T::vector("x", dt);
    NDArray data = rand_vec(dt, 54);
    auto ops = [&](const Var& out) {
      Function f = unfused({x}, out);
      f(data);
      return op_strs(f);
    };
    // T.fill(x, c) is spelled c * ones_like(x).
    auto fill = [&](double c) { return c * T::ones_like(x); };
    // exp_over_1_plus_exp
    CHECK(ops(T::exp(x) / (1 + T::exp(x))) == Ops{kSigmoid});
    CHECK(ops(T::exp(x) / (2 + T::exp(x))) != Ops{kSigmoid});
    CHECK(ops(T::exp(x) / (1 - T::exp(x))) != Ops{kSigmoid});
    CHECK(ops(T::exp(x + 1) / (1 + T::exp(x))) != Ops{kSigmoid});
    // inv_1_plus_exp
    CHECK(ops(fill(1.0) / (1 + T::exp(-x))) == Ops{kSigmoid});
    CHECK(ops(fill(1.0) / (2 + T::exp(-x))) != Ops{kSigmoid});
    CHECK(ops(fill(1.0) / (1 - T::exp(-x))) != Ops{kSigmoid});
    CHECK(ops(fill(1.1) / (1 + T::exp(-x))) != Ops{kSigmoid});
    // inv_1_plus_exp with neg
    CHECK(ops(fill(-1.0) / (1 + T::exp(-x))) == Ops{kSigmoid, kNeg});
    CHECK(ops(fill(-1.0) / (1 - T::exp(-x))) != Ops{kSigmoid, kNeg});
    CHECK(ops(fill(-1.0) / (2 + T::exp(-x))) != Ops{kSigmoid, kNeg});
    CHECK(ops(fill(-1.1) / (1 + T::exp(-x))) != Ops{kSigmoid, kNeg});
    // double inv_1_plus_exp with neg: -exp(x) / ((1 + exp(x)) (1 + exp(-x))) = -(sigmoid(x) sigmoid(x)).
    // Theano's n-ary mul folds the -1 into its one mul; ours is binary, so the sign is a neg.
    CHECK(ops((fill(-1.0) * T::exp(x)) / ((1 + T::exp(x)) * (1 + T::exp(-x)))) == Ops{kSigmoid, kMul, kNeg});
    const Ops two_sigmoids{kSigmoid, kMul, kNeg};
    CHECK(ops((fill(-1.1) * T::exp(x)) / ((1 + T::exp(x)) * (1 + T::exp(-x)))) != two_sigmoids);
    CHECK(ops((fill(-1.0) * T::exp(x)) / ((2 + T::exp(x)) * (1 + T::exp(-x)))) != two_sigmoids);
    CHECK(ops((fill(-1.0) * T::exp(x)) / ((1 + T::exp(x)) * (2 + T::exp(-x)))) != two_sigmoids);
    CHECK(ops((fill(-1.0) * T::exp(x)) / ((1 + T::exp(x)) * (1 + T::exp(x)))) != two_sigmoids);
  }
}

TEST_CASE("Theano T_sigmoid_opts test_1msigmoid: 1 - sigmoid(x) is left alone as in Theano", "[rewrite][stabilize][sigmoid][theano]") {
  // Theano does not register local_1msigmoid (register_local_1msigmoid = False): its test returns
  // at once. 1 - sigmoid(x) keeps its sub here too.
  Var x = T::fmatrix("x");
  CHECK(op_strs(unfused({x}, 1 - T::nnet::sigmoid(x))) == Ops{kSigmoid, "Elemwise{sub,no_inplace}"});
}

TEST_CASE("Theano T_sigmoid_opts test_local_sigm_times_exp", "[rewrite][stabilize][sigmoid][theano]") {
  Var x = T::dvector("x"), y = T::dvector("y");
  CHECK(op_strs(unfused({x}, T::nnet::sigmoid(-x) * T::exp(x), {"inplace"})) == Ops{kSigmoid});
  CHECK(op_strs(unfused({x}, T::nnet::sigmoid(x) * T::exp(-x), {"inplace"})) == Ops{kNeg, kSigmoid});
  CHECK(op_strs(unfused({x}, -(-(-(T::nnet::sigmoid(x)))) * T::exp(-x), {"inplace"})) == Ops{kNeg, kSigmoid, kNeg});
  Function f = unfused({x, y},
                       T::nnet::sigmoid(x) * T::nnet::sigmoid(-y) * -T::exp(-x) * T::exp(x * y) * T::exp(y), {"inplace"});
  // Theano: sigmoid 2, mul 2, neg 1, exp 1 with its n-ary mul. With binary muls: sigmoid(-x) *
  // sigmoid(y) * exp(x * y) is two muls plus x * y's, and the sign is a neg next to -x's.
  CHECK(count_op(f, kSigmoid) == 2);
  CHECK(count_op(f, kMul) == 3);
  CHECK(count_op(f, kNeg) == 2);
  CHECK(count_op(f, kExp) == 1);
}

TEST_CASE("Theano T_sigmoid_opts test_grad_log1msigm", "[stabilize][sigmoid][theano]") {
  Var x = T::dmatrix("x");
  Var lr = T::dscalar("lr");
  Var c = T::mean(T::log(1 - T::nnet::sigmoid(x)));
  Var ux = x - lr * T::grad(c, x);
  Function f = theano::function({x, lr}, ux);
  NDArray v = f(f64({1, 1}, {50}), 0.1).array(0);
  CHECK_FALSE(std::isnan(v.item(0)));
  CHECK(v.item(0) == Approx(50 + 0.1));
}

TEST_CASE("Theano T_softplus_opts test_logsigm_to_softplus test_log1msigm_to_softplus test_log1pexp_to_softplus",
          "[rewrite][stabilize][softplus][theano]") {
  Var v = T::fvector("v");
  Var m = T::fmatrix("m");
  numpy::RandomState rng(2);
  Function f1 = unfused({v}, T::log(T::nnet::sigmoid(v)));
  CHECK(op_strs(f1) == Ops{kNeg, kSoftplus, kNeg});
  f1(random(rng, DType::Float32, {54}, 0, 1));
  Function f2 = unfused({m}, T::log(1 - T::nnet::sigmoid(m)));
  CHECK(op_strs(f2) == Ops{kSoftplus, kNeg});
  f2(random(rng, DType::Float32, {54, 11}, 0, 1));
  Function f3 = unfused({v}, T::log(1 + T::exp(v)));
  CHECK(op_strs(f3) == Ops{kSoftplus});
  f3(random(rng, DType::Float32, {54}, 0, 1));
}

// ---- Theano's tests: theano/tensor/nnet/tests/test_nnet.py T_LogSoftmax ----

TEST_CASE("Theano T_LogSoftmax test_local_softmax_grad_optimization_and_big_input", "[specialize][softmax][theano]") {
  numpy::RandomState rng(3);
  NDArray a = random(rng, DType::Float64, {5, 10}, 0, 1);
  for (int64_t i = 0; i < a.size(); ++i) a.data<double>()[i] = std::exp(10 * a.data<double>()[i]);
  // Theano's step of 0.1 for big values.
  gradient::verify_grad([](const std::vector<Var>& in) { return T::log(T::nnet::softmax(in[0])); }, {a}, rng, {.eps = 0.1});
  Var x = T::dmatrix("x");
  Function f = theano::function({x}, T::grad(T::sum(T::log(T::nnet::softmax(x))), x));
  NDArray g = f(a).array(0);
  for (int64_t i = 0; i < g.size(); ++i) REQUIRE(std::isfinite(g.item(i)));
}

TEST_CASE("Theano T_LogSoftmax test_logsoftmax_grad_true_div_elemwise", "[specialize][softmax][theano]") {
  // The log-softmax gradient with add in place of the true_div is not rewritten.
  Var x = T::dmatrix("x");
  Var sm = T::nnet::softmax(x);
  Var q = T::ones_like(sm) + sm;
  Var g = (q - T::sum(q * sm, 1).dimshuffle({0, 'x'})) * sm;
  R::LocalPhase p = phase_of({&RW::local_logsoftmax_grad});
  auto r = rewritten({x}, {g}, p);
  CHECK(r->ctx.applied.empty());
}
