// Every op's kernel against a naive reference computed here, on odd shapes (3x5x7, 1x9), on
// transposed and strided views, with broadcasting on each dim, for float32, float64 and the integer
// dtypes an op supports.
#include <cmath>
#include <functional>
#include <limits>

#include "ops/elemwise.hpp"
#include "ops/graph_math.hpp"
#include "ops/reduce.hpp"
#include "ops/subtensor.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;
namespace np = theano::numpy;
using ops::ScalarKind;

namespace {

Dims unravel(int64_t flat, const Dims& shape) {
  Dims idx = Dims::filled(shape.size(), 0);
  for (int d = shape.size() - 1; d >= 0; --d) {
    idx[d] = flat % shape[d];
    flat /= shape[d];
  }
  return idx;
}
int64_t ravel(const Dims& idx, const Dims& shape) {
  int64_t f = 0;
  for (int d = 0; d < shape.size(); ++d) f = f * shape[d] + idx[d];
  return f;
}
Var sym(DType dt, int nd, std::vector<bool> bcast = {}) {
  if (bcast.empty()) bcast.assign(nd, false);
  return T::tensor(dt, bcast);
}
// A reference value as the dtype stores it: float32 rounding, integer wrap-around, bool.
double as_dtype(double v, DType d) {
  if (d == DType::Float64 || std::isnan(v)) return v;
  if (d == DType::Float32) return double(float(v));
  if (d == DType::Bool) return v != 0;
  int bits = int(dtype_size(d)) * 8;
  uint64_t u = uint64_t(int64_t(v)) & (bits == 64 ? ~0ull : (1ull << bits) - 1);
  if (!is_signed(d) || bits == 64 || u < (1ull << (bits - 1))) return double(int64_t(u));
  return double(int64_t(u) - (int64_t(1) << bits));
}
double tol(DType d) { return d == DType::Float32 ? 2e-6 : d == DType::Float64 ? 1e-13 : 0.0; }

struct EwCase {
  ScalarKind kind;
  double lo, hi;      // float input range
  double ilo, ihi;    // integer input range
  std::function<double(double, double, double)> ref;
};
double py_floordiv(double a, double b) { return std::floor(a / b); }

const std::vector<EwCase>& ew_cases() {
  static const std::vector<EwCase> c = {
      {ScalarKind::Identity, -3, 3, -9, 10, [](double a, double, double) { return a; }},
      {ScalarKind::Neg, -3, 3, -9, 10, [](double a, double, double) { return -a; }},
      {ScalarKind::Abs, -3, 3, -9, 10, [](double a, double, double) { return std::fabs(a); }},
      {ScalarKind::Sgn, -3, 3, -9, 10, [](double a, double, double) { return double((a > 0) - (a < 0)); }},
      {ScalarKind::Sqr, -3, 3, -9, 10, [](double a, double, double) { return a * a; }},
      {ScalarKind::Sqrt, 0.1, 3, 0, 10, [](double a, double, double) { return std::sqrt(a); }},
      {ScalarKind::Exp, -3, 3, -3, 4, [](double a, double, double) { return std::exp(a); }},
      {ScalarKind::Log, 0.1, 3, 1, 10, [](double a, double, double) { return std::log(a); }},
      {ScalarKind::Log1p, -0.5, 3, 0, 10, [](double a, double, double) { return std::log1p(a); }},
      {ScalarKind::Tanh, -3, 3, -3, 4, [](double a, double, double) { return std::tanh(a); }},
      {ScalarKind::Sigmoid, -5, 5, -5, 6, [](double a, double, double) { return 1 / (1 + std::exp(-a)); }},
      {ScalarKind::Softplus, -5, 5, -5, 6, [](double a, double, double) { return std::log(1 + std::exp(a)); }},
      {ScalarKind::Add, -3, 3, -9, 10, [](double a, double b, double) { return a + b; }},
      {ScalarKind::Sub, -3, 3, -9, 10, [](double a, double b, double) { return a - b; }},
      {ScalarKind::Mul, -3, 3, -9, 10, [](double a, double b, double) { return a * b; }},
      {ScalarKind::TrueDiv, 0.5, 3, 1, 10, [](double a, double b, double) { return a / b; }},
      {ScalarKind::IntDiv, -3, 3, -9, 10, [](double a, double b, double) { return b == 0 ? 0 : py_floordiv(a, b); }},
      {ScalarKind::Pow, 0.5, 2, 0, 4, [](double a, double b, double) { return std::pow(a, b); }},
      {ScalarKind::Maximum, -3, 3, -9, 10, [](double a, double b, double) { return a > b ? a : b; }},
      {ScalarKind::Minimum, -3, 3, -9, 10, [](double a, double b, double) { return a < b ? a : b; }},
      {ScalarKind::Second, -3, 3, -9, 10, [](double, double b, double) { return b; }},
      {ScalarKind::EQ, -3, 3, -9, 10, [](double a, double b, double) { return double(a == b); }},
      {ScalarKind::NEQ, -3, 3, -9, 10, [](double a, double b, double) { return double(a != b); }},
      {ScalarKind::LT, -3, 3, -9, 10, [](double a, double b, double) { return double(a < b); }},
      {ScalarKind::LE, -3, 3, -9, 10, [](double a, double b, double) { return double(a <= b); }},
      {ScalarKind::GT, -3, 3, -9, 10, [](double a, double b, double) { return double(a > b); }},
      {ScalarKind::GE, -3, 3, -9, 10, [](double a, double b, double) { return double(a >= b); }},
      {ScalarKind::Switch, -3, 3, -9, 10, [](double a, double b, double c) { return a != 0 ? b : c; }},
  };
  return c;
}

// The dtype an elementwise result should have, restated from Theano's rules.
DType expected_dtype(ScalarKind k, DType in) {
  switch (k) {
    case ScalarKind::EQ: case ScalarKind::NEQ: case ScalarKind::LT: case ScalarKind::LE: case ScalarKind::GT: case ScalarKind::GE:
      return DType::Bool;
    case ScalarKind::Sqrt: case ScalarKind::Exp: case ScalarKind::Log: case ScalarKind::Log1p: case ScalarKind::Tanh:
    case ScalarKind::Sigmoid: case ScalarKind::Softplus: case ScalarKind::TrueDiv:
      if (is_float(in)) return in;
      return in == DType::Int32 || in == DType::Int64 ? DType::Float64 : DType::Float32;
    default: return in;
  }
}

const DType kNumeric[] = {DType::Float32, DType::Float64, DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8};

}  // namespace

TEST_CASE("elementwise kernels: every kind and dtype against a naive reference", "[kernels]") {
  np::RandomState rng(11);
  const Dims shape{3, 5, 7};
  for (const EwCase& c : ew_cases()) {
    int arity = ops::scalar_kind_arity(c.kind);
    for (DType dt : kNumeric) {
      INFO(ops::scalar_kind_name(c.kind) << " on " << dtype_name(dt));
      double lo = is_float(dt) ? c.lo : dt == DType::UInt8 ? std::max(0.0, c.ilo) : c.ilo;
      double hi = is_float(dt) ? c.hi : c.ihi;
      std::vector<NDArray> in;
      std::vector<Var> vars;
      for (int k = 0; k < arity; ++k) {
        in.push_back(random(rng, dt, shape, lo, hi));
        vars.push_back(sym(dt, 3));
      }
      if (arity >= 2)  // ties for comparisons, maximum and minimum
        for (int64_t i = 0; i < in[1].size(); i += 3) in[1].set_item(i, in[0].item(i));
      if (c.kind == ScalarKind::Switch) in[0] = random(rng, dt, shape, 0, 2);  // many zeros in the condition
      NDArray got = run(vars, ops::elemwise(c.kind, as_variables(vars)), in);
      DType out_dt = expected_dtype(c.kind, dt);
      REQUIRE(got.dtype() == out_dt);
      std::vector<double> want;
      for (int64_t i = 0; i < got.size(); ++i) {
        double a = in[0].item(i), b = arity > 1 ? in[1].item(i) : 0, cc = arity > 2 ? in[2].item(i) : 0;
        want.push_back(as_dtype(c.ref(a, b, cc), out_dt));
      }
      check_close(got, want, tol(out_dt), tol(out_dt));
    }
  }
}

TEST_CASE("elementwise kernels: broadcasting on each dim, transposed and strided views", "[kernels]") {
  np::RandomState rng(12);
  const Dims shape{3, 5, 7};
  const ScalarKind kinds[] = {ScalarKind::Add, ScalarKind::Sub, ScalarKind::Mul, ScalarKind::Maximum, ScalarKind::Switch};
  for (DType dt : {DType::Float32, DType::Float64, DType::Int32}) {
    for (ScalarKind k : kinds) {
      int arity = ops::scalar_kind_arity(k);
      // layout 0..2: operand 1 broadcast on that dim; 3: operand 0 transposed; 4: operand 0 = raw[::-2].
      for (int layout = 0; layout < 5; ++layout) {
        INFO(ops::scalar_kind_name(k) << " " << dtype_name(dt) << " layout " << layout);
        Dims s0 = layout == 3 ? Dims{7, 5, 3} : layout == 4 ? Dims{6, 5, 7} : shape, s1 = shape;
        std::vector<bool> b1(3, false);
        if (layout < 3) {
          s1[layout] = 1;
          b1[layout] = true;
        }
        std::vector<NDArray> in{random(rng, dt, s0, -4, 5), random(rng, dt, s1, -4, 5)};
        std::vector<Var> vars{sym(dt, 3), sym(dt, 3, b1)};
        Var a = layout == 3 ? vars[0].dimshuffle({2, 1, 0}) : layout == 4 ? vars[0][T::slice(std::nullopt, std::nullopt, -2)] : vars[0];
        std::vector<Var> ops_in{a, vars[1]};
        if (arity == 3) {
          in.push_back(random(rng, dt, shape, -4, 5));
          vars.push_back(sym(dt, 3));
          ops_in.push_back(vars[2]);
        }
        NDArray got = run(vars, ops::elemwise(k, as_variables(ops_in)), in);
        REQUIRE(got.shape() == shape);
        std::vector<double> want;
        for (int64_t f = 0; f < got.size(); ++f) {
          Dims i = unravel(f, shape);
          Dims i0 = layout == 3 ? Dims{i[2], i[1], i[0]} : layout == 4 ? Dims{5 - 2 * i[0], i[1], i[2]} : i;
          Dims i1 = i;
          if (layout < 3) i1[layout] = 0;
          double x = in[0].item(ravel(i0, s0)), y = in[1].item(ravel(i1, s1)), z = arity == 3 ? in[2].item(f) : 0;
          double r = k == ScalarKind::Add ? x + y : k == ScalarKind::Sub ? x - y : k == ScalarKind::Mul ? x * y
                   : k == ScalarKind::Maximum ? std::max(x, y) : (x != 0 ? y : z);
          want.push_back(as_dtype(r, dt));
        }
        check_close(got, want, tol(dt));
      }
    }
  }
  SECTION("1x9 against 3x9 and a 1x9 row") {
    Var r = sym(DType::Float64, 2, {true, false}), m = sym(DType::Float64, 2);
    NDArray rv = random(rng, DType::Float64, Dims{1, 9}, -1, 1), mv = random(rng, DType::Float64, Dims{3, 9}, -1, 1);
    NDArray got = run({r, m}, r * m + r, {rv, mv});
    std::vector<double> want;
    for (int64_t f = 0; f < 27; ++f) want.push_back(rv.item(f % 9) * mv.item(f) + rv.item(f % 9));
    check_close(got, want, 1e-15);
    CHECK(run({r}, T::exp(r), {rv}).shape() == Dims({1, 9}));
  }
}

TEST_CASE("int_div is floor division, comparisons give bool, NaN propagates through maximum", "[kernels]") {
  Var a = T::lvector("a"), b = T::lvector("b");
  NDArray av = i64(Dims{6}, {7, -7, 7, -7, 0, -1}), bv = i64(Dims{6}, {2, 2, -2, -2, 3, 3});
  NDArray q = run({a, b}, T::int_div(a, b), {av, bv});
  CHECK(q.dtype() == DType::Int64);
  CHECK(values(q) == std::vector<double>{3, -4, -4, 3, 0, -1});
  for (DType dt : {DType::Int8, DType::Int16, DType::Int32}) {
    Var x = sym(dt, 1), y = sym(dt, 1);
    CHECK(values(run({x, y}, T::int_div(x, y), {av.astype(dt), bv.astype(dt)})) == std::vector<double>{3, -4, -4, 3, 0, -1});
  }
  Var fa = T::dvector("fa"), fb = T::dvector("fb");
  CHECK(values(run({fa, fb}, T::int_div(fa, fb), {f64(Dims{3}, {-7.5, 7.5, -0.5}), f64(Dims{3}, {2, -2, 3})})) ==
        std::vector<double>{-4, -4, -1});
  NDArray lt = run({fa, fb}, fa < fb, {f64(Dims{3}, {1, 2, 3}), f64(Dims{3}, {2, 2, 2})});
  CHECK(lt.dtype() == DType::Bool);
  CHECK(values(lt) == std::vector<double>{1, 0, 0});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  NDArray x = f64(Dims{4}, {nan, 1, nan, -2}), y = f64(Dims{4}, {1, nan, nan, -3});
  check_close(run({fa, fb}, T::maximum(fa, fb), {x, y}), std::vector<double>{nan, nan, nan, -2});
  check_close(run({fa, fb}, T::minimum(fa, fb), {x, y}), std::vector<double>{nan, nan, nan, -3});
}

TEST_CASE("Cast: float to int truncates, to bool tests nonzero, float64 to float32 rounds", "[kernels]") {
  Var x = T::dvector("x");
  NDArray xv = f64(Dims{7}, {-2.7, -0.5, 0.0, 0.5, 2.7, 100.9, -100.9});
  for (DType dt : {DType::Int8, DType::Int16, DType::Int32, DType::Int64}) {
    NDArray c = run({x}, T::cast(x, dt), {xv});
    CHECK(c.dtype() == dt);
    CHECK(values(c) == std::vector<double>{-2, 0, 0, 0, 2, 100, -100});
  }
  CHECK(values(run({x}, T::cast(x, "bool"), {xv})) == std::vector<double>{1, 1, 0, 1, 1, 1, 1});
  NDArray f = run({x}, T::cast(x, "float32"), {f64(Dims{2}, {0.1, 1e40})});
  CHECK(f.dtype() == DType::Float32);
  CHECK(f.item(0) == double(0.1f));
  CHECK(std::isinf(f.item(1)));
  Var i = T::ivector("i");
  NDArray g = run({i}, T::cast(i, DType::Float32), {arr(DType::Int32, Dims{3}, {-3, 16777217, 5})});
  CHECK(values(g) == std::vector<double>{-3, 16777216, 5});  // float32 rounding to even
}

namespace {
// Naive reduction over `axes` of a C-order array with `shape`: returns the output values.
std::vector<double> naive_reduce(const NDArray& x, const std::vector<int>& axes, bool is_max) {
  Dims oshape;
  for (int d = 0; d < x.ndim(); ++d)
    if (std::find(axes.begin(), axes.end(), d) == axes.end()) oshape.push_back(x.shape(d));
  std::vector<double> out(size_t(oshape.product()), is_max ? -INFINITY : 0.0);
  for (int64_t f = 0; f < x.size(); ++f) {
    Dims i = unravel(f, x.shape()), o;
    for (int d = 0; d < x.ndim(); ++d)
      if (std::find(axes.begin(), axes.end(), d) == axes.end()) o.push_back(i[d]);
    double& r = out[size_t(ravel(o, oshape))];
    r = is_max ? std::max(r, x.item(f)) : r + x.item(f);
  }
  return out;
}
}  // namespace

TEST_CASE("Sum over every axis subset of a 3-d tensor, contiguous and transposed", "[kernels]") {
  np::RandomState rng(13);
  for (DType dt : {DType::Float32, DType::Float64, DType::Int8, DType::Int32, DType::UInt8, DType::Bool}) {
    NDArray xv = random(rng, dt, Dims{3, 5, 7}, dt == DType::UInt8 ? 0 : -100, 100);
    NDArray tv = random(rng, dt, Dims{7, 3, 5}, dt == DType::UInt8 ? 0 : -100, 100);
    NDArray t_logical = NDArray::empty(dt, Dims{3, 5, 7});  // tv.dimshuffle(1, 2, 0)
    for (int64_t f = 0; f < 105; ++f) {
      Dims i = unravel(f, Dims{3, 5, 7});
      t_logical.set_item(f, tv.item(ravel(Dims{i[2], i[0], i[1]}, Dims{7, 3, 5})));
    }
    for (int mask = 0; mask < 8; ++mask) {
      std::vector<int> axes;
      for (int d = 0; d < 3; ++d)
        if (mask & (1 << d)) axes.push_back(d);
      INFO(dtype_name(dt) << " axes mask " << mask);
      Var x = sym(dt, 3);
      NDArray got = run({x}, ops::sum(x, axes), {xv});
      DType out_dt = is_float(dt) ? dt : DType::Int64;
      CHECK(got.dtype() == out_dt);
      std::vector<double> want = naive_reduce(xv, axes, false);
      for (double& w : want) w = as_dtype(w, out_dt);
      check_close(got, want, tol(out_dt));
      std::vector<double> want_t = naive_reduce(t_logical, axes, false);
      for (double& w : want_t) w = as_dtype(w, out_dt);
      check_close(run({x}, ops::sum(x.dimshuffle({1, 2, 0}), axes), {tv}), want_t, tol(out_dt));
    }
  }
}

TEST_CASE("float32 Sum accumulates in float64", "[kernels]") {
  // 2**24 followed by 1000 ones: a float32 accumulator stays at 2**24 (each +1 rounds back).
  std::vector<double> v(1001, 1.0);
  v[0] = 16777216.0;
  Var x = T::fvector("x");
  NDArray got = run({x}, T::sum(x), {arr(DType::Float32, Dims{1001}, v)});
  CHECK(got.dtype() == DType::Float32);
  CHECK(got.item(0) == 16778216.0);
}

TEST_CASE("Max and Argmax kernels", "[kernels]") {
  np::RandomState rng(14);
  for (DType dt : {DType::Float32, DType::Float64, DType::Int8, DType::Int64, DType::UInt8}) {
    NDArray xv = random(rng, dt, Dims{3, 5, 7}, dt == DType::UInt8 ? 0 : -50, 50);
    for (int mask = 1; mask < 8; ++mask) {
      std::vector<int> axes;
      for (int d = 0; d < 3; ++d)
        if (mask & (1 << d)) axes.push_back(d);
      INFO(dtype_name(dt) << " axes mask " << mask);
      Var x = sym(dt, 3);
      NDArray got = run({x}, ops::reduce_axes(ops::ReduceKind::Max, x, axes), {xv});
      CHECK(got.dtype() == dt);
      check_close(got, naive_reduce(xv, axes, true));
    }
  }
  SECTION("max of -inf and of the most negative integer") {
    Var x = T::dmatrix("x");
    const double inf = INFINITY;
    check_close(run({x}, T::max(x, 1), {f64(Dims{2, 3}, {-inf, -inf, -inf, -inf, 1, -inf})}), std::vector<double>{-inf, 1});
    Var b = T::bvector("b");
    CHECK(run({b}, T::max(b), {arr(DType::Int8, Dims{3}, {-128, -128, -128})}).item(0) == -128);
    CHECK(run({b}, T::argmax(b), {arr(DType::Int8, Dims{3}, {-128, -128, -128})}).item(0) == 0);
  }
  SECTION("argmax: ties go to the first index, on every axis and overall") {
    Var x = T::dmatrix("x");
    NDArray xv = f64(Dims{3, 5}, {1, 5, 5, 2, 5,  //
                                  7, 0, 7, 7, -1,  //
                                  7, 5, 3, 7, 5});
    NDArray rows = run({x}, T::argmax(x, 1), {xv});
    CHECK(rows.dtype() == DType::Int64);
    CHECK(values(rows) == std::vector<double>{1, 0, 0});
    CHECK(values(run({x}, T::argmax(x, 0), {xv})) == std::vector<double>{1, 0, 1, 1, 0});
    CHECK(run({x}, T::argmax(x), {xv}).item(0) == 5);
    CHECK(values(run({x}, T::argmax(x.T(), 1), {xv})) == std::vector<double>{1, 0, 1, 1, 0});
  }
  SECTION("empty inputs are errors naming the op") {
    Var x = T::dvector("x");
    std::string msg = error_of([&] { run({x}, T::max(x), {f64(Dims{0}, {})}); });
    CHECK(msg.find("Max") != std::string::npos);
    CHECK(msg.find("(0,)") != std::string::npos);
  }
}

namespace {
std::vector<double> naive_dot(const NDArray& a, const Dims& sa, const NDArray& b, const Dims& sb, bool at, bool bt) {
  // a is (m, k) or its transpose stored (k, m); b is (k, n) or (n, k); vectors are 1-row/1-col matrices.
  int64_t m = at ? sa[1] : sa[0], k = at ? sa[0] : sa[1], n = bt ? sb[0] : sb[1];
  std::vector<double> out;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      long double s = 0;
      for (int64_t p = 0; p < k; ++p)
        s += (long double)a.item(at ? p * m + i : i * k + p) * b.item(bt ? j * k + p : p * n + j);
      out.push_back(double(s));
    }
  return out;
}
}  // namespace

TEST_CASE("Dot kernels: mm, mv, vm, vv, transposed and strided operands, int64", "[kernels]") {
  np::RandomState rng(15);
  for (DType dt : {DType::Float32, DType::Float64, DType::Int64, DType::Int32}) {
    INFO(dtype_name(dt));
    double rt = dt == DType::Float32 ? 1e-5 : 1e-13;
    auto R = [&](const Dims& s) { return random(rng, dt, s, -9, 10); };
    Var A = sym(dt, 2), B = sym(dt, 2), v = sym(dt, 1), w = sym(dt, 1);
    NDArray a = R({3, 5}), b = R({5, 7}), x = R({5}), y = R({3});
    check_close(run({A, B}, T::dot(A, B), {a, b}), naive_dot(a, {3, 5}, b, {5, 7}, false, false), rt);
    check_close(run({A, v}, T::dot(A, v), {a, x}), naive_dot(a, {3, 5}, x, {5, 1}, false, false), rt);
    check_close(run({w, A}, T::dot(w, A), {y, a}), naive_dot(y, {1, 3}, a, {3, 5}, false, false), rt);
    NDArray x2 = R({5});
    NDArray vv = run({v, w}, T::dot(v, w), {x, x2});
    CHECK(vv.ndim() == 0);
    check_close(vv, naive_dot(x, {1, 5}, x2, {5, 1}, false, false), rt);
    // Transposed operands: A stored (5, 3), B stored (7, 5).
    NDArray at = R({5, 3}), bt = R({7, 5});
    check_close(run({A, B}, T::dot(A.T(), B.T()), {at, bt}), naive_dot(at, {5, 3}, bt, {7, 5}, true, true), rt);
    // Strided rows (A[::2] of a (6, 5)) and a reversed vector (copied before BLAS).
    NDArray a6 = R({6, 5});
    NDArray a_even = NDArray::empty(dt, Dims{3, 5});
    for (int64_t i = 0; i < 15; ++i) a_even.set_item(i, a6.item((i / 5) * 10 + i % 5));
    check_close(run({A, B}, T::dot(A[T::slice(std::nullopt, std::nullopt, 2)], B), {a6, b}),
                naive_dot(a_even, {3, 5}, b, {5, 7}, false, false), rt);
    NDArray x_rev = NDArray::empty(dt, Dims{5});
    for (int64_t i = 0; i < 5; ++i) x_rev.set_item(i, x.item(4 - i));
    check_close(run({A, v}, T::dot(A, v[T::slice(std::nullopt, std::nullopt, -1)]), {a, x}),
                naive_dot(a, {3, 5}, x_rev, {5, 1}, false, false), rt);
    // Column slice: a view with a leading dimension larger than its width.
    NDArray a_cols = NDArray::empty(dt, Dims{5, 5});
    for (int64_t i = 0; i < 25; ++i) a_cols.set_item(i, b.item((i / 5) * 7 + 1 + i % 5));
    check_close(run({A, B}, T::dot(A, B[{T::slice(), T::slice(1, 6)}]), {a, b}), naive_dot(a, {3, 5}, a_cols, {5, 5}, false, false), rt);
  }
  SECTION("an inner dimension of 0 gives zeros, even in a buffer that held NaN") {
    Var A = T::dmatrix("A"), B = T::dmatrix("B");
    Function f = theano::function({A, B}, T::dot(A, B) * 1.0);
    const double nan = NAN;
    f(f64(Dims{3, 1}, {nan, nan, nan}), f64(Dims{1, 4}, {1, 1, 1, 1}));
    NDArray z = f(NDArray::empty(DType::Float64, Dims{3, 0}), NDArray::empty(DType::Float64, Dims{0, 4}));
    check_close(z, std::vector<double>(12, 0.0));
    CHECK(f(NDArray::empty(DType::Float64, Dims{0, 2}), f64(Dims{2, 4}, std::vector<double>(8, 1.0))).array().shape() == Dims({0, 4}));
  }
}

TEST_CASE("Softmax kernel: large values do not overflow, rows sum to 1", "[kernels]") {
  for (DType dt : {DType::Float32, DType::Float64}) {
    INFO(dtype_name(dt));
    NDArray xv = arr(dt, Dims{3, 5}, {1000, 1001, 999, 1000.5, 998,  //
                                      -1000, -1001, -999, -1000, -1002,  //
                                      0.1, -0.2, 0.3, 2, -3});
    Var x = sym(dt, 2);
    for (bool transposed : {false, true}) {
      NDArray in = xv;
      if (transposed) {  // feed the (5, 3) transpose and take .T in the graph
        in = NDArray::empty(dt, Dims{5, 3});
        for (int64_t i = 0; i < 15; ++i) in.set_item((i % 5) * 3 + i / 5, xv.item(i));
      }
      NDArray got = run({x}, T::nnet::softmax(transposed ? x.T() : x), {in});
      REQUIRE(got.dtype() == dt);
      std::vector<double> want;
      for (int r = 0; r < 3; ++r) {
        long double m = -INFINITY, s = 0;
        for (int c = 0; c < 5; ++c) m = std::max<long double>(m, xv.item(r * 5 + c));
        for (int c = 0; c < 5; ++c) s += std::exp((long double)xv.item(r * 5 + c) - m);
        for (int c = 0; c < 5; ++c) want.push_back(double(std::exp((long double)xv.item(r * 5 + c) - m) / s));
      }
      check_close(got, want, dt == DType::Float32 ? 1e-6 : 1e-14, 1e-7);
      for (int r = 0; r < 3; ++r) {
        double s = 0;
        for (int c = 0; c < 5; ++c) s += got.item(r * 5 + c);
        CHECK(s == Approx(1.0).epsilon(dt == DType::Float32 ? 1e-6 : 1e-14));
      }
    }
  }
}

namespace {
// Python's seq[start:stop:step] for a sequence of length n, spelled out element by element.
std::vector<double> py_slice(int64_t n, std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step) {
  int64_t st = step.value_or(1);
  auto clamp = [&](int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v < 0 ? v + n : v, lo), hi); };
  std::vector<double> r;
  if (st > 0)
    for (int64_t i = start ? clamp(*start, 0, n) : 0, e = stop ? clamp(*stop, 0, n) : n; i < e; i += st) r.push_back(double(i));
  else
    for (int64_t i = start ? clamp(*start, -1, n - 1) : n - 1, e = stop ? clamp(*stop, -1, n - 1) : -1; i > e; i += st)
      r.push_back(double(i));
  return r;
}
}  // namespace

TEST_CASE("Subtensor follows Python's slicing rules", "[kernels]") {
  // x = arange(7), so x[slice] lists the selected positions.
  NDArray xv = i64(Dims{7}, {0, 1, 2, 3, 4, 5, 6});
  CHECK(py_slice(7, std::nullopt, std::nullopt, -2) == std::vector<double>{6, 4, 2, 0});
  CHECK(py_slice(7, 10, -10, -1) == std::vector<double>{6, 5, 4, 3, 2, 1, 0});
  CHECK(py_slice(7, -2, std::nullopt, std::nullopt) == std::vector<double>{5, 6});
  CHECK(py_slice(7, 5, 2, std::nullopt).empty());
  const std::vector<std::optional<int64_t>> bounds = {std::nullopt, -9, -7, -3, -1, 0, 2, 6, 7, 9};
  const std::vector<std::optional<int64_t>> steps = {std::nullopt, 1, 2, 3, -1, -2, -3};
  Var x = T::lvector("x");
  // Symbolic bounds: one function per pattern of present parts.
  for (int pattern = 0; pattern < 8; ++pattern) {
    bool hs = pattern & 1, he = pattern & 2, hp = pattern & 4;
    Var a = T::lscalar("a"), b = T::lscalar("b"), c = T::lscalar("c");
    std::vector<Var> ins{x};
    std::optional<IntOrVar> sa, sb, sc;
    if (hs) { ins.push_back(a); sa = a; }
    if (he) { ins.push_back(b); sb = b; }
    if (hp) { ins.push_back(c); sc = c; }
    Function f = theano::function(ins, x[T::slice(sa, sb, sc)]);
    for (auto s0 : bounds)
      for (auto s1 : bounds)
        for (auto s2 : steps) {
          if (s0.has_value() != hs || s1.has_value() != he || s2.has_value() != hp) continue;
          INFO("x[" << (s0 ? std::to_string(*s0) : "") << ":" << (s1 ? std::to_string(*s1) : "") << ":"
                    << (s2 ? std::to_string(*s2) : "") << "]");
          std::vector<Arg> args{xv};
          for (auto v : {s0, s1, s2})
            if (v) args.push_back(Arg((long long)*v));
          CHECK(values(f.call(args).array()) == py_slice(7, s0, s1, s2));
        }
  }
  SECTION("constant bounds: the static shape matches the run-time one") {
    for (auto s0 : bounds)
      for (auto s2 : steps) {
        Var y = x[T::slice(s0 ? std::optional<IntOrVar>(int(*s0)) : std::nullopt, -2,
                           s2 ? std::optional<IntOrVar>(int(*s2)) : std::nullopt)];
        std::vector<double> want = py_slice(7, s0, -2, s2);
        CHECK(y.type().shape[0] == -1);  // x's length is unknown
        CHECK(values(run({x}, y, {xv})) == want);
      }
    Var s = T::constant(xv);
    Var y = s[T::slice(-100, 100, 3)];
    CHECK(y.type().shape[0] == 3);
    CHECK(values(run({}, y, {})) == std::vector<double>{0, 3, 6});
  }
  SECTION("2-d: ints, empty slices and negative steps together") {
    Var m = T::dmatrix("m");
    NDArray mv = f64(Dims{3, 5}, {0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24});
    CHECK(values(run({m}, m[{-1, T::slice(std::nullopt, std::nullopt, -2)}], {mv})) == std::vector<double>{24, 22, 20});
    CHECK(run({m}, m[{T::slice(2, 1), T::slice()}], {mv}).shape() == Dims({0, 5}));
    CHECK(values(run({m}, m[{T::slice(std::nullopt, std::nullopt, -1), 1}], {mv})) == std::vector<double>{21, 11, 1});
  }
  SECTION("an out-of-range integer index is an error naming the op, index, axis and size") {
    Var m = T::dmatrix("m"), i = T::lscalar("i");
    Function f0 = theano::function({m, i}, m[i]), f1 = theano::function({m, i}, m[{0, i}]);
    NDArray mv = NDArray::zeros(DType::Float64, Dims{3, 5});
    CHECK(f0(mv, -3).array().shape() == Dims({5}));
    for (auto [f, idx, axis, size] : {std::tuple{&f0, 3, 0, 3}, {&f0, -4, 0, 3}, {&f1, 5, 1, 5}, {&f1, -6, 1, 5}}) {
      std::string msg = error_of([&] { (*f)(mv, idx); });
      INFO(msg);
      CHECK(msg.find("Subtensor") != std::string::npos);
      CHECK(msg.find("index " + std::to_string(idx)) != std::string::npos);
      CHECK(msg.find("axis " + std::to_string(axis)) != std::string::npos);
      CHECK(msg.find("size " + std::to_string(size)) != std::string::npos);
    }
    std::string msg = error_of([&] { m[7]; });  // a constant index is checked when the graph is built
    CHECK(msg.find("index 7") == std::string::npos);  // m's length is unknown: no build-time error
    Var s = T::constant(mv);
    msg = error_of([&] { s[{1, 7}]; });
    CHECK(msg.find("index 7 is out of bounds for axis 1 with size 5") != std::string::npos);
  }
}

TEST_CASE("AdvancedSubtensor and the Inc kernels", "[kernels]") {
  Var m = T::dmatrix("m"), r = T::lvector("r"), c = T::lvector("c");
  NDArray mv = f64(Dims{3, 5}, {0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24});
  CHECK(values(run({m, r, c}, m[{r, c}], {mv, i64(Dims{4}, {0, -1, 2, -3}), i64(Dims{4}, {4, -5, 0, 1})})) ==
        std::vector<double>{4, 20, 20, 1});
  NDArray rows = run({m, r}, m[r], {mv, i64(Dims{3}, {-1, 0, -1})});
  CHECK(rows.shape() == Dims({3, 5}));
  CHECK(values(rows)[5] == 0);
  for (auto [rv, cv, bad, axis] : {std::tuple{3, 0, 3, 0}, {0, 5, 5, 1}, {-4, 0, -4, 0}}) {
    std::string msg = error_of([&] { run({m, r, c}, m[{r, c}], {mv, i64(Dims{2}, {0, double(rv)}), i64(Dims{2}, {0, double(cv)})}); });
    INFO(msg);
    CHECK(msg.find("AdvancedSubtensor") != std::string::npos);
    CHECK(msg.find("index " + std::to_string(bad) + " is out of bounds for axis " + std::to_string(axis)) != std::string::npos);
  }
  // advanced_inc_subtensor accumulates repeated indices; inc/set_subtensor write through a strided view.
  NDArray inc = run({m, r}, ops::advanced_inc_subtensor(m, T::ones_like(m[r]), {r}), {mv, i64(Dims{3}, {1, -2, 2})});
  CHECK(values(inc) == std::vector<double>{0, 1, 2, 3, 4, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25});
  Var y = T::dvector("y");
  ops::IndexEntry all{true}, rev{true, false, false, true};
  Var step = ops::scalar_constant(-2, DType::Int64);
  NDArray is = run({m, y}, ops::inc_subtensor(m, y.dimshuffle({'x', 0}), {all, rev}, {step}), {mv, f64(Dims{3}, {100, 200, 300})});
  CHECK(values(is) == std::vector<double>{300, 1, 202, 3, 104, 310, 11, 212, 13, 114, 320, 21, 222, 23, 124});
  NDArray ss = run({m, y}, ops::inc_subtensor(m, y, {ops::IndexEntry{}}, {ops::scalar_constant(-1, DType::Int64)}, true),
                   {mv, f64(Dims{5}, {9, 8, 7, 6, 5})});
  CHECK(values(ss) == std::vector<double>{0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 9, 8, 7, 6, 5});
  // The result has x's type, broadcastable pattern included (Theano: IncSubtensor's output is x.type).
  Var row = T::tensor(DType::Float64, {true, false});
  Var inc_row = ops::inc_subtensor(row, y, {ops::IndexEntry{}}, {ops::scalar_constant(0, DType::Int64)});
  CHECK(inc_row.type().same_as(row.type()));
  Var adv_row = ops::advanced_inc_subtensor(row, y.dimshuffle({'x', 0}), {T::zeros_like(r)});
  CHECK(adv_row.type().same_as(row.type()));
}

TEST_CASE("ARange, Reshape with -1, Flatten of a non-contiguous input", "[kernels]") {
  Var a = T::lscalar("a"), b = T::lscalar("b"), s = T::lscalar("s");
  Function ar = theano::function({a, b, s}, T::arange(a, b, s));
  for (auto [start, stop, step] : {std::tuple{0, 7, 1}, {7, 0, -1}, {-3, 8, 3}, {5, 5, 1}, {5, 2, 1}, {2, 5, -1}, {10, -11, -4}}) {
    std::vector<double> want;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) want.push_back(double(i));
    NDArray got = ar(start, stop, step);
    CHECK(got.dtype() == DType::Int64);
    CHECK(values(got) == want);
  }
  CHECK_THROWS_WITH(ar(0, 5, 0), Catch::Contains("step cannot be zero"));

  Var x = T::dtensor3("x");
  NDArray xv = NDArray::empty(DType::Float64, Dims{3, 5, 7});
  for (int64_t i = 0; i < 105; ++i) xv.set_item(i, double(i));
  NDArray r1 = run({x}, x.reshape({-1, 7}), {xv});
  CHECK(r1.shape() == Dims({15, 7}));
  CHECK(values(r1) == values(xv));
  CHECK(run({x}, x.reshape({7, -1}), {xv}).shape() == Dims({7, 15}));
  CHECK_THROWS_WITH(run({x}, x.reshape({-1, 4}), {xv}), Catch::Contains("cannot reshape"));
  CHECK_THROWS(x.reshape({-1, -1}));
  // The transpose (7, 5, 3) flattened / reshaped reads in its own C order.
  std::vector<double> t;
  for (int64_t k = 0; k < 7; ++k)
    for (int64_t j = 0; j < 5; ++j)
      for (int64_t i = 0; i < 3; ++i) t.push_back(double(i * 35 + j * 7 + k));
  CHECK(values(run({x}, x.dimshuffle({2, 1, 0}).flatten(), {xv})) == t);
  CHECK(values(run({x}, x.dimshuffle({2, 1, 0}).reshape({-1, 3}), {xv})) == t);
  NDArray f2 = run({x}, x.dimshuffle({2, 1, 0}).flatten(2), {xv});
  CHECK(f2.shape() == Dims({7, 15}));
  CHECK(values(f2) == t);
  // A strided (every other row) input flattened.
  Var m = T::dmatrix("m");
  NDArray mv = f64(Dims{5, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14});
  CHECK(values(run({m}, m[T::slice(std::nullopt, std::nullopt, 2)].flatten(), {mv})) == std::vector<double>{0, 1, 2, 6, 7, 8, 12, 13, 14});
}
