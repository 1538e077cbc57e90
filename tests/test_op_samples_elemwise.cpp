// Op table rows (tests/op_table.hpp): the elementwise ops (ops::Elemwise over ops/elemwise_ops.def),
// Cast and Composite. One row per kind in every numeric dtype, broadcasting on each dim and over
// transposed and strided operands, gradient points away from ties, and fixed values where the
// semantics are the point (floor division, NaN, casts).
#include <cmath>
#include <limits>

#include "op_naive.hpp"
#include "ops/composite.hpp"
#include "ops/elemwise.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
using ops::ScalarKind;
using V = const std::vector<Var>&;
using A = const Arrays&;

namespace {

Var elem(ScalarKind k, std::vector<Var> in) { return ops::elemwise(k, as_variables(in)); }

std::vector<DType> dtypes_of(A in) {
  std::vector<DType> d;
  for (const NDArray& a : in) d.push_back(a.dtype());
  return d;
}
// The naive result of kind k over the inputs, in the dtype the kind's category gives.
NDArray naive_elem(ScalarKind k, A in, const naive::Scalar3& f) { return naive::map(in, naive::elemwise_dtype(k, dtypes_of(in)), f); }

double floordiv(double a, double b) { return b == 0 ? 0 : std::floor(a / b); }
double sigmoid(double a) { return 1 / (1 + std::exp(-a)); }
// ---- references of the more elementwise math, from the definitions (not the kernels' algorithms) ----
constexpr double kPi = 3.14159265358979323846;
// Python's a % b (the divisor's sign) as a - b * floor(a / b) in long double (exact for these sizes);
// integer x % 0 is 0, as numpy.
double pymod(double a, double b) {
  if (b == 0) return 0;
  long double q = std::floor((long double)a / b);
  return double((long double)a - (long double)b * q);
}
// numpy.round: ties to the even neighbour; C's round: ties away from zero.
double half_even(double a) {
  double f = std::floor(a), d = a - f;
  if (d != 0.5) return d > 0.5 ? f + 1 : f;
  return std::fmod(f, 2.0) == 0 ? f : f + 1;
}
double half_away(double a) {
  double t = std::trunc(a);
  return std::fabs(a - t) >= 0.5 ? t + (a > 0 ? 1 : -1) : t;
}
// erfinv and erfcinv by bisection on the libm's erf / erfc (monotone), 200 halvings. Near +-1 (erf) and
// 0 or 2 (erfc) the values are spaced too coarsely to pin the inverse, so the tails bisect erfc(y)
// for y >= 0, with erfinv(x) = erfcinv(1 - x) and erfcinv(c) = -erfcinv(2 - c).
double bisect(double target, double lo, double hi, double (*f)(double), bool increasing) {
  for (int i = 0; i < 200; ++i) {
    double mid = 0.5 * (lo + hi);
    if ((f(mid) < target) == increasing) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
double erfcinv_ref(double c) {
  if (c > 1) return -erfcinv_ref(2 - c);
  return bisect(c, 0, 27, [](double v) { return std::erfc(v); }, false);
}
double erfinv_ref(double x) {
  if (std::fabs(x) > 0.5) return std::copysign(erfcinv_ref(1 - std::fabs(x)), x);
  return bisect(x, -1, 1, [](double v) { return std::erf(v); }, true);
}
// psi(x) = psi(x + N) - sum_{k<N} 1 / (x + k), psi(z) from four terms of its series at z >= 2000;
// psi'(x) likewise from sum 1 / (x + k)^2.
double digamma_ref(double x) {
  long double s = 0, z = x;
  for (int k = 0; k < 2000; ++k, z += 1) s -= 1 / z;
  return double(s + std::log(z) - 1 / (2 * z) - 1 / (12 * z * z) + 1 / (120 * z * z * z * z));
}
double trigamma_ref(double x) {
  long double s = 0, z = x;
  for (int k = 0; k < 2000; ++k, z += 1) s += 1 / (z * z);
  return double(s + 1 / z + 1 / (2 * z * z) + 1 / (6 * z * z * z) - 1 / (30 * z * z * z * z * z));
}
// Theano's UltraFastScalarSigmoid.st_impl (the Python definition).
double ultra_fast_sigmoid(double a) {
  double x = 0.5 * a, ax = std::fabs(x);
  double z = ax < 1.7 ? 1.5 * ax / (1 + ax) : ax < 3 ? 0.935409070603099 + 0.0458812946797165 * (ax - 1.7) : 0.99505475368673;
  return 0.5 * ((x >= 0 ? z : -z) + 1);
}

// Per kind: the float and the integer input ranges, and the scalar function.
struct Kind {
  ScalarKind kind;
  double lo, hi;
  int64_t ilo, ihi;
  naive::Scalar3 f;
};
const std::vector<Kind>& kinds() {
  static const std::vector<Kind> k = {
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
      {ScalarKind::Sigmoid, -5, 5, -5, 6, [](double a, double, double) { return sigmoid(a); }},
      {ScalarKind::Softplus, -5, 5, -5, 6, [](double a, double, double) { return std::log(1 + std::exp(a)); }},
      {ScalarKind::Softsign, -5, 5, -9, 10, [](double a, double, double) { return a / (1 + std::fabs(a)); }},
      {ScalarKind::Add, -3, 3, -9, 10, [](double a, double b, double) { return a + b; }},
      {ScalarKind::Sub, -3, 3, -9, 10, [](double a, double b, double) { return a - b; }},
      {ScalarKind::Mul, -3, 3, -9, 10, [](double a, double b, double) { return a * b; }},
      {ScalarKind::TrueDiv, 0.5, 3, 1, 10, [](double a, double b, double) { return a / b; }},
      {ScalarKind::IntDiv, -3, 3, -9, 10, [](double a, double b, double) { return floordiv(a, b); }},
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
      {ScalarKind::Mod, -3, 3, -9, 10, [](double a, double b, double) { return pymod(a, b); }},
      {ScalarKind::Clip, -3, 3, -9, 10, [](double a, double b, double c) { return a < b ? b : a > c ? c : a; }},
      {ScalarKind::Floor, -3, 3, -9, 10, [](double a, double, double) { return std::floor(a); }},
      {ScalarKind::Ceil, -3, 3, -9, 10, [](double a, double, double) { return std::ceil(a); }},
      {ScalarKind::Trunc, -3, 3, -9, 10, [](double a, double, double) { return std::trunc(a); }},
      {ScalarKind::RoundHalfToEven, -3, 3, -9, 10, [](double a, double, double) { return half_even(a); }},
      {ScalarKind::RoundHalfAwayFromZero, -3, 3, -9, 10, [](double a, double, double) { return half_away(a); }},
      {ScalarKind::Inv, 0.5, 3, 1, 10, [](double a, double, double) { return 1 / a; }},
      {ScalarKind::Log2, 0.1, 3, 1, 10, [](double a, double, double) { return std::log(a) / std::log(2.0); }},
      {ScalarKind::Log10, 0.1, 3, 1, 10, [](double a, double, double) { return std::log(a) / std::log(10.0); }},
      {ScalarKind::Exp2, -3, 3, -3, 4, [](double a, double, double) { return std::pow(2.0, a); }},
      {ScalarKind::Expm1, -3, 3, -3, 4, [](double a, double, double) { return std::expm1(a); }},
      {ScalarKind::Deg2Rad, -200, 200, -9, 10, [](double a, double, double) { return a * kPi / 180; }},
      {ScalarKind::Rad2Deg, -3, 3, -9, 10, [](double a, double, double) { return a * 180 / kPi; }},
      {ScalarKind::Sin, -3, 3, -9, 10, [](double a, double, double) { return std::sin(a); }},
      {ScalarKind::Cos, -3, 3, -9, 10, [](double a, double, double) { return std::cos(a); }},
      {ScalarKind::Tan, -1.2, 1.2, -1, 2, [](double a, double, double) { return std::tan(a); }},
      {ScalarKind::ArcSin, -0.9, 0.9, -1, 2, [](double a, double, double) { return std::asin(a); }},
      {ScalarKind::ArcCos, -0.9, 0.9, -1, 2, [](double a, double, double) { return std::acos(a); }},
      {ScalarKind::ArcTan, -3, 3, -9, 10, [](double a, double, double) { return std::atan(a); }},
      {ScalarKind::ArcTan2, -3, 3, -9, 10, [](double a, double b, double) { return std::atan2(a, b); }},
      {ScalarKind::Sinh, -3, 3, -5, 6, [](double a, double, double) { return std::sinh(a); }},
      {ScalarKind::Cosh, -3, 3, -5, 6, [](double a, double, double) { return std::cosh(a); }},
      {ScalarKind::ArcSinh, -3, 3, -9, 10, [](double a, double, double) { return std::asinh(a); }},
      {ScalarKind::ArcCosh, 1.1, 3, 1, 10, [](double a, double, double) { return std::acosh(a); }},
      {ScalarKind::ArcTanh, -0.9, 0.9, 0, 1, [](double a, double, double) { return std::atanh(a); }},
      {ScalarKind::Erf, -2, 2, -3, 4, [](double a, double, double) { return std::erf(a); }},
      {ScalarKind::Erfc, -2, 2, -3, 4, [](double a, double, double) { return std::erfc(a); }},
      {ScalarKind::Erfinv, -0.95, 0.95, 0, 1, [](double a, double, double) { return erfinv_ref(a); }},
      {ScalarKind::Erfcinv, 0.05, 1.95, 1, 2, [](double a, double, double) { return erfcinv_ref(a); }},
      {ScalarKind::Gamma, 0.5, 3, 1, 7, [](double a, double, double) { return std::exp(std::lgamma(a)); }},
      {ScalarKind::GammaLn, 0.5, 3, 1, 10, [](double a, double, double) { return std::log(std::tgamma(a)); }},
      {ScalarKind::Psi, 0.5, 3, 1, 10, [](double a, double, double) { return digamma_ref(a); }},
      {ScalarKind::TriGamma, 0.5, 3, 1, 10, [](double a, double, double) { return trigamma_ref(a); }},
      {ScalarKind::UltraFastSigmoid, -8, 8, -9, 10, [](double a, double, double) { return ultra_fast_sigmoid(a); }},
  };
  return k;
}
const Kind& kind(ScalarKind k) {
  for (const Kind& c : kinds())
    if (c.kind == k) return c;
  throw std::logic_error("no scalar function for this kind");
}
// The naive reference of `k` straight over the inputs.
Naive ref(ScalarKind k) {
  return [k](A in) { return naive_elem(k, in, kind(k).f); };
}

Rows elemwise_rows() {
  Rows s;
  const Dims t3{3, 5, 7}, m{3, 5};
  // ---- every kind in every numeric dtype, with ties between the first two inputs ----
  for (const Kind& k : kinds()) {
    int arity = ops::scalar_kind_arity(k.kind);
    Input u = U(t3, k.lo, k.hi, k.ilo, k.ihi);
    std::vector<Input> in{k.kind == ScalarKind::Switch ? zero_one(t3) : u};  // a condition of zeros and ones
    for (int i = 1; i < arity; ++i) in.push_back(i == 1 ? ties_with(0, u) : u);
    // Ties are kinks of maximum, minimum and clip and steps of mod; the condition's zeros are steps of switch.
    bool kinks = k.kind == ScalarKind::Maximum || k.kind == ScalarKind::Minimum || k.kind == ScalarKind::Switch ||
                 k.kind == ScalarKind::Clip || k.kind == ScalarKind::Mod;
    bool float_only = ops::scalar_kind_category(k.kind) == ops::ScalarCategory::FLOAT_ONLY;
    s.push_back({.name = std::string(ops::scalar_kind_name(k.kind)) + (float_only ? " on 3x5x7 in float32 and float64" : " on 3x5x7 in every numeric dtype"),
                 .build = [kk = k.kind](V x) { return elem(kk, x); },
                 .inputs = Inputs::each({in}),
                 .dtypes = float_only ? kFloats : kNumeric,
                 .naive = ref(k.kind),
                 .no_grad = kinks ? "kinks on purpose; the rows 'maximum' 'minimum' 'switch ...' 'clip ...' and 'mod ...' check the gradient away from them" : ""});
  }
  // ---- broadcasting on each dim, a transposed and a strided operand ----
  const ScalarKind layout_kinds[] = {ScalarKind::Add, ScalarKind::Sub, ScalarKind::Mul, ScalarKind::Maximum, ScalarKind::Switch};
  const char* layout_names[] = {"operand 1 broadcast on dim 0", "operand 1 broadcast on dim 1", "operand 1 broadcast on dim 2",
                                "operand 0 transposed", "operand 0 a reversed strided view"};
  for (ScalarKind k : layout_kinds)
    for (int layout = 0; layout < 5; ++layout) {
      Dims s0 = layout == 3 ? Dims{7, 5, 3} : layout == 4 ? Dims{6, 5, 7} : t3, s1 = t3;
      if (layout < 3) s1[layout] = 1;
      std::vector<Input> in{U(s0, -4, 5, -4, 5), U(s1, -4, 5, -4, 5)};
      if (ops::scalar_kind_arity(k) == 3) in.push_back(U(t3, -4, 5, -4, 5));
      auto view = [layout](const Var& x) {
        return layout == 3 ? x.dimshuffle({2, 1, 0}) : layout == 4 ? x[T::slice(std::nullopt, std::nullopt, -2)] : x;
      };
      auto naive_view = [layout](const NDArray& x) {
        if (layout == 3) return naive::dimshuffle(x, {2, 1, 0});
        if (layout == 4) return naive::gather(x, naive::select(x.shape(), {naive::Idx::slice({}, {}, -2)}));
        return x;
      };
      s.push_back({.name = std::string(ops::scalar_kind_name(k)) + " with " + layout_names[layout],
                   .build = [k, view](V x) {
                     std::vector<Var> in = x;
                     in[0] = view(x[0]);
                     return elem(k, in);
                   },
                   .inputs = Inputs::each({in}),
                   .dtypes = {DType::Float32, DType::Float64, DType::Int32},
                   .naive = [k, naive_view](A x) {
                     Arrays in = x;
                     in[0] = naive_view(x[0]);
                     return naive_elem(k, in, kind(k).f);
                   }});
    }
  s.push_back({.name = "a (1, 9) row times a (3, 9) matrix plus the row",
               .build = [](V x) { return std::vector<Var>{x[0] * x[1] + x[0], T::exp(x[0])}; },
               .inputs = {U(Dims{1, 9}), U(Dims{3, 9})},
               .naive = [](A x) {
                 return Arrays{naive::map(x, DType::Float64, [](double a, double b, double) { return a * b + a; }),
                               naive::map({x[0]}, DType::Float64, [](double a, double, double) { return std::exp(a); })};
               }});
  s.push_back({.name = "row + matrix via dimshuffle",
               .build = [](V x) { return x[0].dimshuffle({'x', 0}) + x[1]; },
               .inputs = {U(Dims{7}), U(Dims{5, 7})},
               .naive = ref(ScalarKind::Add)});
  s.push_back({.name = "col * matrix via dimshuffle",
               .build = [](V x) { return x[0].dimshuffle({0, 'x'}) * x[1]; },
               .inputs = {U(Dims{5}), U(Dims{5, 7})},
               .naive = [](A x) { return naive_elem(ScalarKind::Mul, {naive::dimshuffle(x[0], {0, -1}), x[1]}, kind(ScalarKind::Mul).f); }});
  s.push_back({.name = "3-d * vector (numpy left padding)",
               .build = [](V x) { return x[0] * x[1]; },
               .inputs = {U(t3), U(Dims{7})},
               .naive = ref(ScalarKind::Mul)});
  // Size-1 dims broadcast where the types say so; on a dim declared non-broadcastable a size 1 is an
  // error, as Theano's "Input dimension mis-match" (numpy would stretch it).
  s.push_back({.name = "add of (3, 1) and (1, 5) declared broadcastable",
               .build = [](V x) { return x[0] + x[1]; },
               .inputs = {U(Dims{3, 1}), U(Dims{1, 5})},
               .naive = ref(ScalarKind::Add)});
  s.push_back({.name = "add and mul of matrices declared non-broadcastable refuse a size-1 dim",
               .build = [](V x) { return std::vector<Var>{x[0] + x[1], x[0] * x[1]}; },
               .inputs = {U(Dims{4, 7}), U(Dims{4, 7})},
               .naive = [](A x) { return Arrays{ref(ScalarKind::Add)(x)[0], ref(ScalarKind::Mul)(x)[0]}; },
               .bcast = {{false, false}, {false, false}},
               .errors = {{.args = {U(Dims{3, 1}), U(Dims{1, 5})},
                           .contains = {"Elemwise{add,no_inplace}: Input dimension mis-match. (input[0].shape[0] = 3, input[1].shape[0] = 1)"}},
                          {.args = {U(Dims{1, 7}), U(Dims{4, 7})},
                           .contains = {"Input dimension mis-match. (input[0].shape[0] = 1, input[1].shape[0] = 4)"}}}});
  s.push_back({.name = "matrix - vector",
               .build = [](V x) { return x[0] - x[1]; },
               .inputs = {U(m), U(Dims{5})},
               .naive = ref(ScalarKind::Sub)});
  // ---- gradients where the kind's own row cannot check them, and fixed points ----
  s.push_back({.name = "maximum",
               .build = [](V x) { return T::maximum(x[0], x[1]); },
               .inputs = {U(m), apart_from(0)},
               .naive = ref(ScalarKind::Maximum)});
  s.push_back({.name = "minimum",
               .build = [](V x) { return T::minimum(x[0], x[1]); },
               .inputs = {U(m), apart_from(0)},
               .naive = ref(ScalarKind::Minimum)});
  s.push_back({.name = "pow by the literals 2 and 1 (run as sqr and identity) and 3",
               .build = [](V x) { return std::vector<Var>{T::pow(x[0], 2), T::pow(x[0], 1), T::pow(x[0], 3)}; },
               .inputs = {U(m)},
               .dtypes = kFloats,
               .naive = [](A x) {
                 DType d = x[0].dtype();
                 Arrays r;
                 for (double e : {2.0, 1.0, 3.0}) r.push_back(naive::map(x, d, [e](double a, double, double) { return std::pow(a, e); }));
                 return r;
               }});
  s.push_back({.name = "second (grad wrt the broadcast value)",
               .build = [](V x) { return elem(ScalarKind::Second, {x[0], x[1]}); },
               .inputs = {U(m), U(Dims{5})},
               .naive = ref(ScalarKind::Second)});
  const NDArray cond = test_util::arr(DType::Bool, m, {1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1});
  s.push_back({.name = "switch on a constant condition (grad wrt both branches)",
               .build = [cond](V x) { return T::switch_(T::constant(cond), x[0], x[1]); },
               .inputs = {U(m), U(m)},
               .naive = [cond](A x) { return naive_elem(ScalarKind::Switch, {cond, x[0], x[1]}, kind(ScalarKind::Switch).f); }});
  s.push_back({.name = "switch on a comparison of its branch",
               .build = [](V x) { return T::switch_(x[0] > 0.0, x[0], x[1] * 2.0); },
               .inputs = {nonzero(m), U(m)},
               .naive = [](A x) { return naive::map(x, DType::Float64, [](double a, double b, double) { return a > 0 ? a : 2 * b; }); }});
  s.push_back({.name = "switch of a float condition against a broadcastable row",
               .build = [](V x) { return T::switch_(x[0] > 0.0, x[0], x[1]); },
               .inputs = {U(m), U(Dims{1, 5})},
               .naive = [](A x) { return naive::map(x, DType::Float64, [](double a, double b, double) { return a > 0 ? a : b; }); }});
  s.push_back({.name = "float32 input (float32 tolerances)",
               .build = [](V x) { return T::tanh(x[0]) * x[0]; },
               .inputs = {U(m)},
               .dtypes = {DType::Float32},
               .naive = [](A x) { return naive::map(x, DType::Float32, [](double a, double, double) { return std::tanh(float(a)) * a; }); }});
  const std::vector<double> floor_args_a = {7, -7, 7, -7, 0, -1}, floor_args_b = {2, 2, -2, -2, 3, 3};
  s.push_back({.name = "int_div is floor division on negative integers",
               .build = [](V x) { return T::int_div(x[0], x[1]); },
               .inputs = {vals(Dims{6}, floor_args_a), vals(Dims{6}, floor_args_b)},
               .dtypes = {DType::Int64, DType::Int8, DType::Int16, DType::Int32},
               .naive = [](A x) { return naive::expect(x[0].dtype(), Dims{6}, {3, -4, -4, 3, 0, -1}); }});
  s.push_back({.name = "int_div of floats floors",
               .build = [](V x) { return T::int_div(x[0], x[1]); },
               .inputs = {vals(Dims{3}, {-7.5, 7.5, -0.5}), vals(Dims{3}, {2, -2, 3})},
               .naive = [](A) { return naive::expect(DType::Float64, Dims{3}, {-4, -4, -1}); }});
  s.push_back({.name = "lt gives bool",
               .build = [](V x) { return x[0] < x[1]; },
               .inputs = {vals(Dims{3}, {1, 2, 3}), vals(Dims{3}, {2, 2, 2})},
               .naive = [](A) { return naive::expect(DType::Bool, Dims{3}, {1, 0, 0}); }});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.push_back({.name = "maximum and minimum propagate NaN",
               .build = [](V x) { return std::vector<Var>{T::maximum(x[0], x[1]), T::minimum(x[0], x[1])}; },
               .inputs = {vals(Dims{4}, {nan, 1, nan, -2}), vals(Dims{4}, {1, nan, nan, -3})},
               .naive = [nan](A) {
                 return Arrays{naive::expect(DType::Float64, Dims{4}, {nan, nan, nan, -2}),
                               naive::expect(DType::Float64, Dims{4}, {nan, nan, nan, -3})};
               },
               .no_grad = "NaN inputs"});
  // ---- the more elementwise math where the semantics are the point ----
  s.push_back({.name = "mod gradient away from its steps (x / y off the integers)",
               .build = [](V x) { return T::mod(x[0], x[1]); },
               .inputs = {vals(Dims{2, 3}, {5.3, -5.3, 7.7, -2.2, 0.3, 4.1}), vals(Dims{2, 3}, {2, 2, -3, -3, 0.7, -1.5})},
               .dtypes = kFloats,
               .naive = ref(ScalarKind::Mod)});
  s.push_back({.name = "integer a % b has the sign of b, x % 0 is 0",
               .build = [](V x) { return x[0] % x[1]; },
               .inputs = {vals(Dims{7}, {7, -7, 7, -7, 0, 5, -3}), vals(Dims{7}, {3, 3, -3, -3, 3, 0, -1})},
               .dtypes = {DType::Int8, DType::Int16, DType::Int32, DType::Int64},
               .naive = [](A x) { return naive::expect(x[0].dtype(), Dims{7}, {1, 2, -2, -1, 0, 0, 0}); }});
  s.push_back({.name = "clip: gradient to x, min or max (whichever the output is)",
               .build = [](V x) { return T::clip(x[0], x[1], x[2]); },
               .inputs = {vals(Dims{6}, {-1.3, -0.2, 0.4, 1.7, 0.9, -0.8}), vals(Dims{6}, {-1, -0.5, -0.3, 0.2, 1.1, -0.6}),
                          vals(Dims{6}, {1, 0.5, 0.6, 1.2, 1.5, 0.3})},
               .dtypes = kFloats,
               .naive = [](A x) { return naive::expect(x[0].dtype(), Dims{6}, {-1, -0.2, 0.4, 1.2, 1.1, -0.6}); }});
  s.push_back({.name = "clip of a matrix to the literals 0 and 1 keeps its dtype",
               .build = [](V x) { return T::clip(x[0], 0, 1); },
               .inputs = {U(m, -2, 2)},
               .dtypes = kFloats,
               .naive = [](A x) { return naive::map(x, x[0].dtype(), [](double a, double, double) { return a < 0 ? 0 : a > 1 ? 1 : a; }); }});
  s.push_back({.name = "round: ties to even by default, or away from zero; integers refused",
               .build = [](V x) { return std::vector<Var>{T::round(x[0]), T::round(x[0], "half_away_from_zero"), T::iround(x[0])}; },
               .inputs = {vals(Dims{8}, {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999997, -3.7})},
               .dtypes = kFloats,
               .naive = [](A x) {
                 DType d = x[0].dtype();
                 return Arrays{naive::expect(d, Dims{8}, {-2, -2, 0, 0, 2, 2, 0, -4}), naive::expect(d, Dims{8}, {-3, -2, -1, 1, 2, 3, 0, -4}),
                               naive::expect(DType::Int64, Dims{8}, {-2, -2, 0, 0, 2, 2, 0, -4})};
               },
               .no_grad = "ties are steps",
               .errors = {{.run = [] { T::round(T::ivector("i")); }, .contains = {"round_half_to_even", "only float type are supported"}},
                          {.run = [] { T::round(T::dvector("v"), "up"); }, .contains = {"round mode up is not implemented"}}}});
  const std::vector<double> psi_at = {-0.5, -1.5, -2.25, 0.01, 30, 1e6};
  s.push_back({.name = "psi at negative non-integers, near 0 and large",
               .build = [](V x) { return T::psi(x[0]); },
               .inputs = {vals(Dims{6}, psi_at)},
               .naive = [](A x) { return naive::map(x, DType::Float64, [](double a, double, double) { return digamma_ref(a); }); }});
  s.push_back({.name = "tri_gamma at negative non-integers, near 0 and large",
               .build = [](V x) { return T::tri_gamma(x[0]); },
               .inputs = {vals(Dims{6}, psi_at)},
               .naive = [](A x) { return naive::map(x, DType::Float64, [](double a, double, double) { return trigamma_ref(a); }); }});
  const double inf = std::numeric_limits<double>::infinity();
  s.push_back({.name = "erfinv and erfcinv at their ends, outside and in the far tails",
               .build = [](V x) { return std::vector<Var>{T::erfinv(x[0]), T::erfcinv(x[1])}; },
               .inputs = {vals(Dims{6}, {-1, 1, 1.5, 0, -0.999999, 1e-300}), vals(Dims{6}, {0, 2, -0.5, 1, 1e-300, 1.999999})},
               .naive = [inf, nan](A) {
                 return Arrays{naive::expect(DType::Float64, Dims{6}, {-inf, inf, nan, 0, erfinv_ref(-0.999999), 1e-300 * std::sqrt(kPi) / 2}),
                               naive::expect(DType::Float64, Dims{6}, {inf, -inf, nan, 0, erfcinv_ref(1e-300), erfcinv_ref(1.999999)})};
               },
               .no_grad = "infinite and NaN points"});
  // ---- Cast ----
  // The float32 round trip quantises x to ~1e-7 relative, so eps=1e-7 would measure rounding noise;
  // eps=1e-2 keeps the rounding error ~1e-5 relative, under the default tolerances.
  s.push_back({.name = "cast float64 -> float32 -> float64",
               .build = [](V x) { return T::cast(T::cast(x[0], "float32"), "float64"); },
               .inputs = {U(m, 1.0, 2.0)},
               .naive = [](A x) { return naive::cast(naive::cast(x[0], DType::Float32), DType::Float64); },
               .grad = {.eps = 1e-2}});
  const std::vector<double> to_int = {-2.7, -0.5, 0.0, 0.5, 2.7, 100.9, -100.9};
  s.push_back({.name = "cast float64 to every integer dtype truncates and to bool tests nonzero",
               .build = [](V x) {
                 return std::vector<Var>{T::cast(x[0], DType::Int8), T::cast(x[0], DType::Int16), T::cast(x[0], DType::Int32),
                                         T::cast(x[0], DType::Int64), T::cast(x[0], "bool")};
               },
               .inputs = {vals(Dims{7}, to_int)},
               .naive = [](A) {
                 Arrays r;
                 for (DType d : {DType::Int8, DType::Int16, DType::Int32, DType::Int64}) r.push_back(naive::expect(d, Dims{7}, {-2, 0, 0, 0, 2, 100, -100}));
                 r.push_back(naive::expect(DType::Bool, Dims{7}, {1, 1, 0, 1, 1, 1, 1}));
                 return r;
               }});
  s.push_back({.name = "cast float64 to float32 rounds and overflows to inf",
               .build = [](V x) { return T::cast(x[0], "float32"); },
               .inputs = {vals(Dims{2}, {0.1, 1e40})},
               .naive = [](A) { return naive::expect(DType::Float32, Dims{2}, {double(0.1f), INFINITY}); },
               .no_grad = "the cast overflows to inf"});
  s.push_back({.name = "cast int32 to float32 rounds to even",
               .build = [](V x) { return T::cast(x[0], DType::Float32); },
               .inputs = {vals(Dims{3}, {-3, 16777217, 5})},
               .dtypes = {DType::Int32},
               .naive = [](A) { return naive::expect(DType::Float32, Dims{3}, {-3, 16777216, 5}); }});
  s.push_back({.name = "cast to int32 of a matrix",
               .build = [](V x) { return T::cast(x[0], "int32"); },
               .inputs = {U(m, -9, 9)},
               .naive = [](A x) { return naive::cast(x[0], DType::Int32); }});
  return s;
}
OP_TABLE_ROWS(elemwise_rows);

// ---- Composite, the fused elementwise op (built directly; the fusion pass makes it in FAST_RUN) ----
Var composite(int n_inputs, std::vector<ops::CompositeInstr> program, V x) {
  return make_apply1(std::make_shared<ops::Composite>(n_inputs, std::move(program)), as_variables(x));
}

Rows composite_rows() {
  Rows s;
  auto tanh_of_mul = [](V x) { return composite(2, {{ScalarKind::Mul, {0, 1}}, {ScalarKind::Tanh, {2}}}, x); };
  auto tanh_of_mul_ref = [](A x) { return naive::map(x, x[0].dtype(), [](double a, double b, double) { return std::tanh(a * b); }); };
  s.push_back({.name = "Composite tanh(a * b) refuses a size-1 dim declared non-broadcastable",
               .build = tanh_of_mul,
               .inputs = {U(Dims{5, 3}), U(Dims{5, 3})},
               .dtypes = kFloats,
               .naive = tanh_of_mul_ref,
               .bcast = {{false, false}, {false, false}},
               .errors = {{.args = {U(Dims{5, 1}), U(Dims{5, 3})},
                           .contains = {"Elemwise{Composite{tanh((i0 * i1))}}: Input dimension mis-match. (input[0].shape[1] = 1, input[1].shape[1] = 3)"}}}});
  s.push_back({.name = "Composite tanh(a * b) with a broadcastable row",
               .build = tanh_of_mul,
               .inputs = {U(Dims{2, 3}), U(Dims{1, 3})},
               .dtypes = kFloats,
               .naive = tanh_of_mul_ref});
  // (i0 - i1) * sigmoid(i2) / (sqr(i0) + exp(i1)) over more elements than one 512-element chunk.
  s.push_back({.name = "Composite of sub mul sigmoid sqr exp and true_div over several chunks",
               .build = [](V x) {
                 return composite(3,
                                  {{ScalarKind::Sub, {0, 1}},
                                   {ScalarKind::Sigmoid, {2}},
                                   {ScalarKind::Mul, {3, 4}},
                                   {ScalarKind::Sqr, {0}},
                                   {ScalarKind::Exp, {1}},
                                   {ScalarKind::Add, {6, 7}},
                                   {ScalarKind::TrueDiv, {5, 8}}},
                                  x);
               },
               .inputs = {U(Dims{9, 11, 13}), U(Dims{9, 11, 13}), U(Dims{1, 11, 1})},
               .dtypes = kFloats,
               .naive = [](A x) {
                 return naive::map(x, x[0].dtype(), [](double a, double b, double c) { return (a - b) * sigmoid(c) / (a * a + std::exp(b)); });
               },
               .tol = [](DType d) { return d == DType::Float32 ? Tol{1e-5, 1e-6} : default_tol(d); }});
  return s;
}
OP_TABLE_ROWS(composite_rows);

}  // namespace
