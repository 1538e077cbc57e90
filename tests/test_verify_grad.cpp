// verify_grad's own semantics (what it reports, when it fails, how it consumes the random state),
// checked against a deliberately wrong op, and second derivatives: the gradient of gradient graphs
// and a Hessian-vector product against finite differences. The per-op gradient checks are rows of
// the op table (tests/test_op_table.cpp).
#include <algorithm>

#include "graph/op_base.hpp"
#include "ops/graph_math.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;
namespace G = theano::gradient;
namespace np = theano::numpy;

namespace {

np::RandomState& data_rng() {
  static np::RandomState r(2024);
  return r;
}
NDArray U(const Dims& shape, double lo = -1.0, double hi = 1.0) { return random(data_rng(), DType::Float64, shape, lo, hi); }
Var ivec(const std::vector<double>& v) { return T::constant(i64(Dims{int64_t(v.size())}, v)); }

}  // namespace

namespace {
// f(x) = c * x whose gradient rule is off by a factor (1 + delta): a deliberately wrong op.
class ScaledOp : public OpOf<ScaledOp> {
 public:
  ScaledOp(double c, double delta) : c_(c), delta_(delta) {}
  std::string name() const override { return "Scaled"; }
  std::vector<TensorType> make_types(Vars in) const override { return {in[0].type()}; }
  void perform(InArrays in, OutArrays out) const override {
    out[0]->ensure(in[0]->dtype(), in[0]->shape());
    for (int64_t i = 0; i < in[0]->size(); ++i) out[0]->set_item(i, c_ * in[0]->item(i));
  }
  Cotangents pullback(Vars, Vars, OutCotangents cot) const override {
    using namespace ops::math;
    return {*cot[0] * (c_ * (1 + delta_))};
  }

 private:
  double c_, delta_;
};
Var scaled(const Var& x, double c, double delta) { return make_apply1(std::make_shared<ScaledOp>(c, delta), {x}); }
}  // namespace

TEST_CASE("verify_grad reports a wrong gradient with the input and position and both values", "[grad]") {
  np::RandomState rng(7);
  NDArray x = U(Dims{3, 5});
  auto wrong = [](const std::vector<Var>& in) { return in[1] * scaled(in[0], 1.0, 0.5); };
  try {
    G::verify_grad(wrong, {U(Dims{3, 5}), x}, rng);
    FAIL("verify_grad accepted a wrong gradient");
  } catch (const G::VerifyGradError& e) {
    std::string msg = e.what();
    INFO(msg);
    CHECK(e.arg == 0);
    CHECK(e.shape == Dims({3, 5}));
    CHECK(e.err_pos >= 0);
    CHECK(e.err_pos < 15);
    CHECK(e.abs_err > e.abs_tol);
    CHECK(e.rel_err > e.rel_tol);
    CHECK(e.abs_tol == 1e-4);
    CHECK(std::abs(e.analytic - 1.5 * e.numeric) < 1e-5 * std::max(1.0, std::abs(e.numeric)));
    CHECK(msg.find("argument 0") != std::string::npos);
    CHECK(msg.find("analytic") != std::string::npos);
    CHECK(msg.find("numeric") != std::string::npos);
    CHECK(msg.find("abs. error") != std::string::npos);
    CHECK(msg.find("rel. error") != std::string::npos);
  }
}

TEST_CASE("verify_grad fails only when both the absolute and the relative error are too large", "[grad]") {
  np::RandomState rng(7);
  // Relative error 5e-4 everywhere (> rel_tol 1e-4) but tiny absolute errors (c = 1e-3): accepted.
  auto small = [](const std::vector<Var>& in) { return scaled(in[0], 1e-3, 1e-3); };
  CHECK_NOTHROW(G::verify_grad(small, {U(Dims{3, 5})}, rng));
  // The same relative error at c = 1: both exceed, rejected.
  auto large = [](const std::vector<Var>& in) { return scaled(in[0], 1.0, 1e-3); };
  CHECK_THROWS_AS(G::verify_grad(large, {U(Dims{3, 5})}, rng), G::VerifyGradError);
  // A looser tolerance accepts it.
  CHECK_NOTHROW(G::verify_grad(large, {U(Dims{3, 5})}, rng, {.rel_tol = 1e-2}));
}

TEST_CASE("verify_grad input checks", "[grad]") {
  np::RandomState rng(7);
  auto id = [](const std::vector<Var>& in) { return in[0] * 2.0; };
  CHECK_THROWS_AS(G::verify_grad(id, {i64(Dims{3}, {1, 2, 3})}, rng), std::invalid_argument);
  // A NaN gradient is an error, not a pass.
  auto nan_grad = [](const std::vector<Var>& in) { return T::sqrt(in[0]); };
  CHECK_THROWS_AS(G::verify_grad(nan_grad, {f64(Dims{2}, {-1.0, 4.0})}, rng), std::domain_error);
  // A disconnected input gets zeros on both sides.
  auto ignores_second = [](const std::vector<Var>& in) { return T::exp(in[0]); };
  CHECK_NOTHROW(G::verify_grad(ignores_second, {U(Dims{3}), U(Dims{5})}, rng));
}

TEST_CASE("verify_grad consumes the projection draws as Theano does", "[grad]") {
  // n_tests=2: one projection of the output's shape before the first test and one after it.
  np::RandomState a(99), b(99);
  G::verify_grad([](const std::vector<Var>& in) { return in[0] * 3.0; }, {U(Dims{3, 5})}, a);
  b.rand(Dims{3, 5});
  b.rand(Dims{3, 5});
  CHECK(a.rand() == b.rand());
}

TEST_CASE("second derivatives", "[grad]") {
  SECTION("d2/dx2 x**3 = 6x") {
    Var x = T::dscalar("x");
    Var g = T::grad(T::pow(x, 3), x);
    Var gg = T::grad(g, x);
    Function f = theano::function({x}, {g, gg});
    Result r = f(1.7);
    CHECK(r.scalar(0) == Approx(3 * 1.7 * 1.7).epsilon(1e-14));
    CHECK(r.scalar(1) == Approx(6 * 1.7).epsilon(1e-14));
    // The first derivative as a graph, checked numerically.
    np::RandomState rng(3);
    CHECK_NOTHROW(G::verify_grad([](const std::vector<Var>& in) { return T::grad(T::sum(T::pow(in[0], 3)), in[0]); },
                                 {U(Dims{3, 5})}, rng));
  }
  SECTION("gradient of a softmax cross-entropy gradient") {
    auto grad_of_nll = [](const std::vector<Var>& in) {
      Var p = T::nnet::softmax(T::dot(in[0], in[1]));
      Var cost = -T::mean(T::log(p[{T::arange(3), ivec({1, 0, 4})}]));
      return T::grad(cost, in[1]);
    };
    np::RandomState rng(5);
    CHECK_NOTHROW(G::verify_grad(grad_of_nll, {U(Dims{3, 7}), U(Dims{7, 5})}, rng));
    // And compiled: the Hessian-vector product sum(d2/dW2 * v) at a point matches finite differences.
    Var x = T::dmatrix("x"), W = T::dmatrix("W");
    Var gW = grad_of_nll({x, W});
    NDArray xv = U(Dims{3, 7}), Wv = U(Dims{7, 5}), v = U(Dims{7, 5});
    Var hv = T::grad(T::sum(gW * T::constant(v)), W);
    Function fg = theano::function({x, W}, gW), fh = theano::function({x, W}, hv);
    NDArray h = fh(xv, Wv);
    const double eps = 1e-6;
    NDArray Wp = Wv.copy(), Wm = Wv.copy();
    for (int64_t i = 0; i < v.size(); ++i) {
      Wp.set_item(i, Wv.item(i) + eps * v.item(i));
      Wm.set_item(i, Wv.item(i) - eps * v.item(i));
    }
    NDArray gp = fg(xv, Wp), gm = fg(xv, Wm);
    // The Hessian is symmetric: H v = (g(W + eps v) - g(W - eps v)) / (2 eps).
    for (int64_t i = 0; i < h.size(); ++i) CHECK(h.item(i) == Approx((gp.item(i) - gm.item(i)) / (2 * eps)).margin(1e-7));
  }
}
