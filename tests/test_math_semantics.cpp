// Theano's semantics of the elementwise math where the per-op table (tests/test_op_samples_*.cpp)
// does not pin them: signs of mod, ties of round, the dtypes of true_div and int_div, activations and
// their gradients at the kinks, the erfinv round trip, cross-entropy values and gradients against
// hand-computed ones, and what the rewrites make of these graphs (fusion, the fused cross-entropy).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {
std::vector<std::string> op_strs(const Function& f) {
  std::vector<std::string> s;
  for (Apply* a : f.fgraph().toposort()) s.push_back(a->op->str());
  return s;
}
bool has_op(const Function& f, const std::string& name) {
  auto s = op_strs(f);
  return std::find(s.begin(), s.end(), name) != s.end();
}
const double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TEST_CASE("mod: the result has the divisor's sign for integers and floats", "[math]") {
  Var a = T::lvector("a"), b = T::lvector("b");
  NDArray r = run({a, b}, a % b, {i64({6}, {7, -7, 7, -7, 6, 1}), i64({6}, {3, 3, -3, -3, 3, 0})});
  CHECK(r.dtype() == DType::Int64);
  check_close(r, {1, 2, -2, -1, 0, 0});
  Var x = T::dvector("x"), y = T::dvector("y");
  check_close(run({x, y}, T::mod(x, y), {f64({5}, {5.5, -5.5, 5.5, -5.5, 1}), f64({5}, {2, 2, -2, -2, 0})}), {1.5, 0.5, -0.5, -1.5, kNaN});
  // Theano's gradient: d/dx = 1, d/dy = -(x // y).
  std::vector<Var> g = T::grad(T::sum(T::mod(x, y)), {x, y});
  Function f = theano::function({x, y}, g);
  auto out = f(f64({3}, {5.5, -5.5, 7.25}), f64({3}, {2, 2, -3}));
  check_close(out.array(0), {1, 1, 1});
  check_close(out.array(1), {-2, 3, 3});
  // INT_MIN % -1 is 0 (no overflow); int8 wraps nowhere: -128 % -1, -128 % 127.
  Var i8 = T::bvector("i8"), j8 = T::bvector("j8");
  check_close(run({i8, j8}, i8 % j8, {arr(DType::Int8, {3}, {-128, -128, 127}), arr(DType::Int8, {3}, {-1, 127, -128})}), {0, 126, -1});
  check_close(run({a, b}, a % b, {i64({1}, {double(INT64_MIN)}), i64({1}, {-1})}), {0});
  // Literals autocast: 7 % 3 on an int8 vector stays int8.
  Var c = T::bvector("c");
  CHECK((c % 3).dtype() == DType::Int8);
}

TEST_CASE("round: ties go to the even neighbour by default and away from zero on request", "[math]") {
  Var x = T::dvector("x");
  NDArray ties = f64({7}, {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5});
  check_close(run({x}, T::round(x), {ties}), {-2, -2, 0, 0, 2, 2, 4});
  check_close(run({x}, T::round_half_to_even(x), {ties}), {-2, -2, 0, 0, 2, 2, 4});
  check_close(run({x}, T::round(x, "half_away_from_zero"), {ties}), {-3, -2, -1, 1, 2, 3, 4});
  check_close(run({x}, T::round_half_away_from_zero(x), {ties}), {-3, -2, -1, 1, 2, 3, 4});
  // The largest double below 0.5 rounds to 0 both ways (floor(x + 0.5) would give 1).
  check_close(run({x}, T::round(x, "half_away_from_zero"), {f64({2}, {0.49999999999999994, -0.49999999999999994})}), {0, 0});
  NDArray i = run({x}, T::iround(x), {ties});
  CHECK(i.dtype() == DType::Int64);
  check_close(i, {-2, -2, 0, 0, 2, 2, 4});
  CHECK_THAT(error_of([] { T::round(T::lvector("n")); }), Catch::Contains("only float type are supported"));
  // floor, ceil and trunc make integers float, as Theano's upgrade_to_float_no_complex.
  CHECK(T::floor(T::ivector()).dtype() == DType::Float64);
  CHECK(T::ceil(T::bvector()).dtype() == DType::Float32);
  check_close(run({x}, T::trunc(x), {f64({4}, {-2.7, -0.2, 0.2, 2.7})}), {-2, 0, 0, 2});
}

TEST_CASE("true_div of two integers is floatX and with a float operand the upcast rule holds", "[math]") {
  const DType fx = config().floatX;
  CHECK((T::bvector() / T::bvector()).dtype() == fx);
  CHECK((T::ivector() / T::ivector()).dtype() == fx);
  CHECK((T::lvector() / T::bvector()).dtype() == fx);
  CHECK(T::true_div(T::lvector(), T::lvector()).dtype() == fx);
  CHECK((T::ivector() / 2).dtype() == fx);
  CHECK((T::ivector() / T::fvector()).dtype() == DType::Float64);  // numpy: int32 + float32 -> float64
  CHECK((T::bvector() / T::fvector()).dtype() == DType::Float32);
  CHECK((T::vector("s", DType::Int16) / T::fvector()).dtype() == DType::Float32);
  CHECK((T::fvector() / T::fvector()).dtype() == DType::Float32);
  CHECK((T::lvector() / T::dvector()).dtype() == DType::Float64);
  Var a = T::ivector("a"), b = T::ivector("b");
  check_close(run({a, b}, a / b, {arr(DType::Int32, {3}, {7, -7, 1}), arr(DType::Int32, {3}, {2, 2, 3})}), {3.5, -3.5, 1.0 / 3}, 1e-7);
}

TEST_CASE("int_div floors for integers and floats and keeps the dtype", "[math]") {
  Var a = T::ivector("a"), b = T::ivector("b");
  Var q = T::int_div(a, b);
  CHECK(q.dtype() == DType::Int32);
  check_close(run({a, b}, q, {arr(DType::Int32, {4}, {7, -7, 7, -7}), arr(DType::Int32, {4}, {2, 2, -2, -2})}), {3, -4, -4, 3});
  Var x = T::dvector("x"), y = T::dvector("y");
  Var fq = T::floor_div(x, y);
  CHECK(fq.dtype() == DType::Float64);
  check_close(run({x, y}, fq, {f64({3}, {-7.5, 7.5, 0.5}), f64({3}, {2, -2, 3})}), {-4, -4, 0});
}

TEST_CASE("relu and hard_sigmoid and ultra_fast_sigmoid at their kinks as Theano's formulas", "[math]") {
  Var x = T::dvector("x");
  NDArray at = f64({5}, {-1, 0, 2, -2.5, 2.5});
  check_close(run({x}, T::nnet::relu(x), {at}), {0, 0, 2, 0, 2.5});
  check_close(run({x}, T::nnet::relu(x, 0.25), {at}), {-0.25, 0, 2, -0.625, 2.5});
  // 0.5 * (x + |x|) has gradient 0.5 * (1 + sgn(x)): 0.5 at 0 (Theano's; a switch would give 0 or 1).
  check_close(run({x}, T::grad(T::sum(T::nnet::relu(x)), x), {at}), {0, 0.5, 1, 0, 1});
  check_close(run({x}, T::grad(T::sum(T::nnet::relu(x, 0.25)), x), {at}), {0.25, 0.625, 1, 0.25, 1});
  // hard_sigmoid = clip(0.2 x + 0.5, 0, 1): at +-2.5 the output equals a bound and the gradient stays with x.
  NDArray hs = f64({5}, {-3, -2.5, 0, 2.5, 3});
  check_close(run({x}, T::nnet::hard_sigmoid(x), {hs}), {0, 0, 0.5, 1, 1}, 1e-15, 1e-15);
  check_close(run({x}, T::grad(T::sum(T::nnet::hard_sigmoid(x)), x), {hs}), {0, 0.2, 0.2, 0.2, 0});
  CHECK(T::nnet::hard_sigmoid(T::fvector()).dtype() == DType::Float32);
  // ultra_fast_sigmoid: 0.5 at 0, its pieces meet at x / 2 = 1.7 and 3 (Theano's constants).
  check_close(run({x}, T::nnet::ultra_fast_sigmoid(x), {f64({4}, {0, 3.4, -6, 7})}),
              {0.5, 0.5 * (1 + 0.935409070603099), 0.5 * (1 - 0.99505475368673), 0.5 * (1 + 0.99505475368673)}, 1e-15);
  // Theano's UltraFastScalarSigmoid has no gradient.
  CHECK_THAT(error_of([&] { T::grad(T::sum(T::nnet::ultra_fast_sigmoid(x)), x); }), Catch::Contains("non-differentiable operator"));
}

TEST_CASE("erfinv and erfcinv invert erf and erfc to double precision", "[math]") {
  std::vector<double> p, xs, tails;
  for (int i = -999; i <= 999; ++i) p.push_back(i / 1000.0);
  for (int i = -100; i <= 100; ++i) xs.push_back(i / 100.0);
  for (double t = 0.5; t < 26; t *= 1.3) tails.push_back(t);
  Var v = T::dvector("v");
  auto n = [](const std::vector<double>& a) { return int64_t(a.size()); };
  // erf(erfinv(p)) = p (well conditioned): within 5 ulp.
  NDArray back = run({v}, T::erf(T::erfinv(v)), {f64({n(p)}, p)});
  check_close(back, p, 1.1e-15, 1e-300);
  // erfinv(erf(x)) = x for |x| <= 1 (beyond, erf's rounding near 1 limits any inverse).
  check_close(run({v}, T::erfinv(T::erf(v)), {f64({n(xs)}, xs)}), xs, 2e-15, 1e-300);
  // erfcinv(erfc(x)) = x far into the tail, where erfc(x) is down to 1e-290.
  check_close(run({v}, T::erfcinv(T::erfc(v)), {f64({n(tails)}, tails)}), tails, 2e-15);
  // float32 input: computed in double and rounded (0.999f is 0.99900001..., erfinv' = 198 there).
  Var f = T::fvector("f");
  NDArray r32 = run({f}, T::erfinv(f), {arr(DType::Float32, {3}, {0.5, -0.9, 0.999})});
  CHECK(r32.dtype() == DType::Float32);
  check_close(r32, {0.4769362762044699, -1.1630871536766743, 2.326753765513525}, 1e-5);
}

TEST_CASE("binary_crossentropy: values and gradients against the formula", "[math]") {
  Var o = T::dvector("o"), t = T::dvector("t");
  NDArray ov = f64({3}, {0.2, 0.7, 0.5}), tv = f64({3}, {1, 0.25, 0});
  Var bce = T::nnet::binary_crossentropy(o, t);
  std::vector<double> want, d_o, d_t;
  for (int i = 0; i < 3; ++i) {
    double a = ov.item(i), b = tv.item(i);
    want.push_back(-(b * std::log(a) + (1 - b) * std::log(1 - a)));
    d_o.push_back((a - b) / (a * (1 - a)));
    d_t.push_back(std::log(1 - a) - std::log(a));
  }
  check_close(run({o, t}, bce, {ov, tv}), want, 1e-15);
  Function g = theano::function({o, t}, T::grad(T::sum(bce), {o, t}));
  auto r = g(ov, tv);
  check_close(r.array(0), d_o, 1e-14);
  check_close(r.array(1), d_t, 1e-14);
}

TEST_CASE("categorical_crossentropy: values and gradients for distributions and integer labels", "[math]") {
  Var c = T::dmatrix("c"), t = T::dmatrix("t");
  Var y = T::lvector("y");
  NDArray cv = f64({2, 3}, {0.2, 0.3, 0.5, 0.6, 0.1, 0.3}), tv = f64({2, 3}, {0, 1, 0, 0.5, 0.25, 0.25});
  check_close(run({c, t}, T::nnet::categorical_crossentropy(c, t), {cv, tv}),
              {-std::log(0.3), -(0.5 * std::log(0.6) + 0.25 * std::log(0.1) + 0.25 * std::log(0.3))}, 1e-15);
  // d/dc of -sum(t log c) is -t / c.
  check_close(run({c, t}, T::grad(T::sum(T::nnet::categorical_crossentropy(c, t)), c), {cv, tv}),
              {0, -1 / 0.3, 0, -0.5 / 0.6, -0.25 / 0.1, -0.25 / 0.3}, 1e-15);
  NDArray yv = i64({2}, {2, 1});
  check_close(run({c, y}, T::nnet::categorical_crossentropy(c, y), {cv, yv}), {-std::log(0.5), -std::log(0.1)}, 1e-15);
  check_close(run({c, y}, T::grad(T::sum(T::nnet::categorical_crossentropy(c, y)), c), {cv, yv}),
              {0, 0, -1 / 0.5, 0, -1 / 0.1, 0}, 1e-15);
  CHECK_THAT(error_of([&] { T::nnet::categorical_crossentropy(c, T::dscalar()); }), Catch::Contains("rank mismatch"));
}

TEST_CASE("categorical_crossentropy of a softmax with integer labels compiles to the fused op", "[math][rewrite]") {
  Var x = T::dmatrix("x");
  Var y = T::lvector("y");
  Var cost = T::mean(T::nnet::categorical_crossentropy(T::nnet::softmax(x), y));
  Function f = theano::function({x, y}, cost);
  CHECK(has_op(f, "CrossentropySoftmaxArgmax1Hot"));  // the op without a bias input
  CHECK_FALSE(has_op(f, "Softmax"));
  Var bias = T::dvector("b");
  Function fb = theano::function({x, bias, y}, T::mean(T::nnet::categorical_crossentropy(T::nnet::softmax(x + bias), y)));
  CHECK(has_op(fb, "CrossentropySoftmaxArgmax1HotWithBias"));
  CHECK_FALSE(has_op(fb, "Softmax"));
  Function g = theano::function({x, y}, T::grad(cost, x));
  CHECK(has_op(g, "CrossentropySoftmax1HotWithBiasDx"));
  NDArray xv = f64({2, 3}, {0.1, -0.4, 2, 1, 1, 0}), yv = i64({2}, {2, 0});
  double nll = 0;
  for (int i = 0; i < 2; ++i) {
    double m = 0;
    for (int j = 0; j < 3; ++j) m += std::exp(xv.item(i * 3 + j));
    nll += -(xv.item(i * 3 + int(yv.item(i))) - std::log(m)) / 2;
  }
  check_close(f(xv, yv).array(0), {nll}, 1e-14);
}

TEST_CASE("the new elementwise kernels fuse into one Composite", "[math][rewrite]") {
  Var x = T::dvector("x");
  Var e = T::sin(x) * T::erf(x) + T::clip(x, 0.0, 1.0) - T::floor(x) + x % 0.75 + T::arctan2(x, 2.0);
  Function f = theano::function({x}, e);
  auto ops = op_strs(f);
  REQUIRE(ops.size() == 1);
  CHECK_THAT(ops[0], Catch::StartsWith("Elemwise{Composite{"));
  NDArray xv = f64({4}, {-1.3, 0.2, 0.9, 2.6});
  std::vector<double> want;
  for (int i = 0; i < 4; ++i) {
    double a = xv.item(i);
    double m = std::fmod(a, 0.75);
    if (m < 0) m += 0.75;
    want.push_back(std::sin(a) * std::erf(a) + std::clamp(a, 0.0, 1.0) - std::floor(a) + m + std::atan2(a, 2.0));
  }
  check_close(f(xv).array(0), want, 1e-15);
}

TEST_CASE("outer: dot of a column and a row of the flattened inputs", "[math]") {
  Var a = T::dvector("a"), b = T::dmatrix("b");
  NDArray r = run({a, b}, T::outer(a, b), {f64({2}, {2, -1}), f64({2, 2}, {1, 2, 3, 4})});
  REQUIRE(r.shape() == Dims{2, 4});
  check_close(r, {2, 4, 6, 8, -1, -2, -3, -4});
}
