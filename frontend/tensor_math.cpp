// Elementwise math, literals' autocast and the operators of the tensor API.
#include <cmath>
#include <fmt/format.h>

#include "frontend/theano/tensor.hpp"
#include "ops/elemwise.hpp"
#include "ops/graph_math.hpp"
#include "ops/nnet.hpp"
#include "ops/shape.hpp"

namespace theano {

using ops::ScalarKind;

namespace {
// Theano's NumpyAutocaster for Python floats (cast_policy 'custom').
DType autocast_float(double v) {
  if (config().floatX == DType::Float32) return DType::Float32;
  return double(float(v)) == v || std::isnan(v) ? DType::Float32 : DType::Float64;
}
DType autocast_int(int64_t v) {
  if (v >= -128 && v <= 127) return DType::Int8;
  if (v >= -32768 && v <= 32767) return DType::Int16;
  if (v >= INT32_MIN && v <= INT32_MAX) return DType::Int32;
  return DType::Int64;
}
}  // namespace

Operand::Operand(double v, std::source_location loc) : site_(loc) {
  SiteScope s(loc);
  var_ = ops::scalar_constant(v, autocast_float(v));
}

Operand::Operand(int64_t v, int, std::source_location loc) : site_(loc) {
  SiteScope s(loc);
  var_ = ops::int_constant(v, autocast_int(v));
}

namespace {
// api names the function in the error for an undefined operand ("operator+", "T::add").
Var binary(const char* api, ScalarKind k, const Operand& a, const Operand& b, const std::source_location& loc) {
  SiteScope s(loc);
  require_defined(a.var(), api, "operand a");
  require_defined(b.var(), api, "operand b");
  return ops::elemwise(k, {a.var(), b.var()});
}
Var unary(const char* api, ScalarKind k, const Operand& a, const std::source_location& loc) {
  SiteScope s(loc);
  require_defined(a.var(), api, "operand a");
  return ops::elemwise(k, {a.var()});
}
// Theano's TrueDiv: integer / integer is floatX (int8 / int8 too); with a float operand the upcast
// rule holds (int32 / float32 is float64, int8 / float32 float32), which the FLOAT category gives.
Var true_div_of(const char* api, const Operand& a, const Operand& b, const std::source_location& loc) {
  SiteScope s(loc);
  require_defined(a.var(), api, "operand a");
  require_defined(b.var(), api, "operand b");
  Var x = a.var(), y = b.var();
  if (!is_float(x.dtype()) && !is_float(y.dtype())) {
    x = ops::cast(x, config().floatX);
    y = ops::cast(y, config().floatX);
  }
  return ops::elemwise(ScalarKind::TrueDiv, {x, y});
}
}  // namespace

Var operator+(const Operand& a, const Operand& b) { return binary("operator+", ScalarKind::Add, a, b, b.site()); }
Var operator-(const Operand& a, const Operand& b) { return binary("operator-", ScalarKind::Sub, a, b, b.site()); }
Var operator*(const Operand& a, const Operand& b) { return binary("operator*", ScalarKind::Mul, a, b, b.site()); }
Var operator/(const Operand& a, const Operand& b) { return true_div_of("operator/", a, b, b.site()); }
Var operator-(const Operand& a) { return unary("operator-", ScalarKind::Neg, a, a.site()); }
Var operator<(const Operand& a, const Operand& b) { return binary("operator<", ScalarKind::LT, a, b, b.site()); }
Var operator<=(const Operand& a, const Operand& b) { return binary("operator<=", ScalarKind::LE, a, b, b.site()); }
Var operator>(const Operand& a, const Operand& b) { return binary("operator>", ScalarKind::GT, a, b, b.site()); }
Var operator>=(const Operand& a, const Operand& b) { return binary("operator>=", ScalarKind::GE, a, b, b.site()); }
Var operator%(const Operand& a, const Operand& b) { return binary("operator%", ScalarKind::Mod, a, b, b.site()); }

namespace tensor {

Var add(const Operand& a, const Operand& b, Loc loc) { return binary("T::add", ScalarKind::Add, a, b, loc); }
Var sub(const Operand& a, const Operand& b, Loc loc) { return binary("T::sub", ScalarKind::Sub, a, b, loc); }
Var mul(const Operand& a, const Operand& b, Loc loc) { return binary("T::mul", ScalarKind::Mul, a, b, loc); }
Var true_div(const Operand& a, const Operand& b, Loc loc) { return true_div_of("T::true_div", a, b, loc); }
Var int_div(const Operand& a, const Operand& b, Loc loc) { return binary("T::int_div", ScalarKind::IntDiv, a, b, loc); }
Var pow(const Operand& a, const Operand& b, Loc loc) { return binary("T::pow", ScalarKind::Pow, a, b, loc); }
Var maximum(const Operand& a, const Operand& b, Loc loc) { return binary("T::maximum", ScalarKind::Maximum, a, b, loc); }
Var minimum(const Operand& a, const Operand& b, Loc loc) { return binary("T::minimum", ScalarKind::Minimum, a, b, loc); }
Var neg(const Operand& a, Loc loc) { return unary("T::neg", ScalarKind::Neg, a, loc); }
Var abs(const Operand& a, Loc loc) { return unary("T::abs", ScalarKind::Abs, a, loc); }
Var abs_(const Operand& a, Loc loc) { return unary("T::abs_", ScalarKind::Abs, a, loc); }
Var sgn(const Operand& a, Loc loc) { return unary("T::sgn", ScalarKind::Sgn, a, loc); }
Var sqr(const Operand& a, Loc loc) { return unary("T::sqr", ScalarKind::Sqr, a, loc); }
Var sqrt(const Operand& a, Loc loc) { return unary("T::sqrt", ScalarKind::Sqrt, a, loc); }
Var exp(const Operand& a, Loc loc) { return unary("T::exp", ScalarKind::Exp, a, loc); }
Var log(const Operand& a, Loc loc) { return unary("T::log", ScalarKind::Log, a, loc); }
Var log1p(const Operand& a, Loc loc) { return unary("T::log1p", ScalarKind::Log1p, a, loc); }
Var tanh(const Operand& a, Loc loc) { return unary("T::tanh", ScalarKind::Tanh, a, loc); }
Var eq(const Operand& a, const Operand& b, Loc loc) { return binary("T::eq", ScalarKind::EQ, a, b, loc); }
Var neq(const Operand& a, const Operand& b, Loc loc) { return binary("T::neq", ScalarKind::NEQ, a, b, loc); }
Var lt(const Operand& a, const Operand& b, Loc loc) { return binary("T::lt", ScalarKind::LT, a, b, loc); }
Var le(const Operand& a, const Operand& b, Loc loc) { return binary("T::le", ScalarKind::LE, a, b, loc); }
Var gt(const Operand& a, const Operand& b, Loc loc) { return binary("T::gt", ScalarKind::GT, a, b, loc); }
Var ge(const Operand& a, const Operand& b, Loc loc) { return binary("T::ge", ScalarKind::GE, a, b, loc); }

Var switch_(const Operand& cond, const Operand& a, const Operand& b, Loc loc) {
  SiteScope s(loc);
  require_defined(cond.var(), "T::switch_", "operand cond");
  require_defined(a.var(), "T::switch_", "operand a");
  require_defined(b.var(), "T::switch_", "operand b");
  return ops::elemwise(ScalarKind::Switch, {cond.var(), a.var(), b.var()});
}

Var cast(const Operand& x, DType dtype, Loc loc) {
  SiteScope s(loc);
  require_defined(x.var(), "T::cast", "operand x");
  return ops::cast(x.var(), dtype);
}
Var cast(const Operand& x, const std::string& dtype, Loc loc) {
  SiteScope s(loc);
  require_defined(x.var(), "T::cast", "operand x");
  return ops::cast(x.var(), dtype_from_name(dtype));
}

Var zeros_like(const Var& x, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::zeros_like", "x");
  return ops::zeros_like(x);
}
Var ones_like(const Var& x, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::ones_like", "x");
  return ops::ones_like(x);
}

// ---- more elementwise math (theano.tensor) ----
Var mod(const Operand& a, const Operand& b, Loc loc) { return binary("T::mod", ScalarKind::Mod, a, b, loc); }
Var floor_div(const Operand& a, const Operand& b, Loc loc) { return binary("T::floor_div", ScalarKind::IntDiv, a, b, loc); }
Var clip(const Operand& x, const Operand& lo, const Operand& hi, Loc loc) {
  SiteScope s(loc);
  require_defined(x.var(), "T::clip", "operand x");
  require_defined(lo.var(), "T::clip", "operand min");
  require_defined(hi.var(), "T::clip", "operand max");
  return ops::elemwise(ScalarKind::Clip, {x.var(), lo.var(), hi.var()});
}
Var round(const Operand& x, const std::string& mode, Loc loc) {
  if (mode == "half_to_even") return unary("T::round", ScalarKind::RoundHalfToEven, x, loc);
  if (mode == "half_away_from_zero") return unary("T::round", ScalarKind::RoundHalfAwayFromZero, x, loc);
  throw OpError(fmt::format("T::round: round mode {} is not implemented (half_to_even or half_away_from_zero) at {}", mode, site_str(loc)));
}
Var round_half_to_even(const Operand& x, Loc loc) { return unary("T::round_half_to_even", ScalarKind::RoundHalfToEven, x, loc); }
Var round_half_away_from_zero(const Operand& x, Loc loc) {
  return unary("T::round_half_away_from_zero", ScalarKind::RoundHalfAwayFromZero, x, loc);
}
Var iround(const Operand& x, const std::string& mode, Loc loc) { return cast(round(x, mode, loc), DType::Int64, loc); }
Var floor(const Operand& x, Loc loc) { return unary("T::floor", ScalarKind::Floor, x, loc); }
Var ceil(const Operand& x, Loc loc) { return unary("T::ceil", ScalarKind::Ceil, x, loc); }
Var trunc(const Operand& x, Loc loc) { return unary("T::trunc", ScalarKind::Trunc, x, loc); }
Var inv(const Operand& x, Loc loc) { return unary("T::inv", ScalarKind::Inv, x, loc); }
Var log2(const Operand& x, Loc loc) { return unary("T::log2", ScalarKind::Log2, x, loc); }
Var log10(const Operand& x, Loc loc) { return unary("T::log10", ScalarKind::Log10, x, loc); }
Var exp2(const Operand& x, Loc loc) { return unary("T::exp2", ScalarKind::Exp2, x, loc); }
Var expm1(const Operand& x, Loc loc) { return unary("T::expm1", ScalarKind::Expm1, x, loc); }
Var deg2rad(const Operand& x, Loc loc) { return unary("T::deg2rad", ScalarKind::Deg2Rad, x, loc); }
Var rad2deg(const Operand& x, Loc loc) { return unary("T::rad2deg", ScalarKind::Rad2Deg, x, loc); }
Var sin(const Operand& x, Loc loc) { return unary("T::sin", ScalarKind::Sin, x, loc); }
Var cos(const Operand& x, Loc loc) { return unary("T::cos", ScalarKind::Cos, x, loc); }
Var tan(const Operand& x, Loc loc) { return unary("T::tan", ScalarKind::Tan, x, loc); }
Var arcsin(const Operand& x, Loc loc) { return unary("T::arcsin", ScalarKind::ArcSin, x, loc); }
Var arccos(const Operand& x, Loc loc) { return unary("T::arccos", ScalarKind::ArcCos, x, loc); }
Var arctan(const Operand& x, Loc loc) { return unary("T::arctan", ScalarKind::ArcTan, x, loc); }
Var arctan2(const Operand& y, const Operand& x, Loc loc) { return binary("T::arctan2", ScalarKind::ArcTan2, y, x, loc); }
Var sinh(const Operand& x, Loc loc) { return unary("T::sinh", ScalarKind::Sinh, x, loc); }
Var cosh(const Operand& x, Loc loc) { return unary("T::cosh", ScalarKind::Cosh, x, loc); }
Var arcsinh(const Operand& x, Loc loc) { return unary("T::arcsinh", ScalarKind::ArcSinh, x, loc); }
Var arccosh(const Operand& x, Loc loc) { return unary("T::arccosh", ScalarKind::ArcCosh, x, loc); }
Var arctanh(const Operand& x, Loc loc) { return unary("T::arctanh", ScalarKind::ArcTanh, x, loc); }
Var erf(const Operand& x, Loc loc) { return unary("T::erf", ScalarKind::Erf, x, loc); }
Var erfc(const Operand& x, Loc loc) { return unary("T::erfc", ScalarKind::Erfc, x, loc); }
Var erfinv(const Operand& x, Loc loc) { return unary("T::erfinv", ScalarKind::Erfinv, x, loc); }
Var erfcinv(const Operand& x, Loc loc) { return unary("T::erfcinv", ScalarKind::Erfcinv, x, loc); }
Var gamma(const Operand& x, Loc loc) { return unary("T::gamma", ScalarKind::Gamma, x, loc); }
Var gammaln(const Operand& x, Loc loc) { return unary("T::gammaln", ScalarKind::GammaLn, x, loc); }
Var psi(const Operand& x, Loc loc) { return unary("T::psi", ScalarKind::Psi, x, loc); }
Var tri_gamma(const Operand& x, Loc loc) { return unary("T::tri_gamma", ScalarKind::TriGamma, x, loc); }

Var outer(const Var& x, const Var& y, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::outer", "x");
  require_defined(y, "T::outer", "y");
  Var a = x.ndim() == 1 ? x : x.flatten(1, loc), b = y.ndim() == 1 ? y : y.flatten(1, loc);
  return dot(a.dimshuffle({0, 'x'}, loc), b.dimshuffle({'x', 0}, loc), loc);
}

namespace nnet {
Var softmax(const Var& x, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::nnet::softmax", "x");
  return ops::softmax(x);
}
Var sigmoid(const Operand& x, Loc loc) { return unary("T::nnet::sigmoid", ScalarKind::Sigmoid, x, loc); }
Var softplus(const Operand& x, Loc loc) { return unary("T::nnet::softplus", ScalarKind::Softplus, x, loc); }
Var softsign(const Operand& x, Loc loc) { return unary("T::nnet::softsign", ScalarKind::Softsign, x, loc); }

// ---- more elementwise math: activations and cross-entropies (theano.tensor.nnet) ----
namespace {
bool is_zero_constant(const Var& v) {
  return v.is_constant() && v.node()->constant.size() == 1 && v.node()->constant.item(0) == 0;
}
}  // namespace

// Theano's formulas (not a switch), so values and gradients match: the gradient at 0 is (1 + alpha) / 2.
Var relu(const Operand& x, const Operand& alpha, Loc loc) {
  SiteScope s(loc);
  require_defined(x.var(), "T::nnet::relu", "operand x");
  require_defined(alpha.var(), "T::nnet::relu", "operand alpha");
  const Var& v = x.var();
  if (is_zero_constant(alpha.var())) return Operand(0.5, loc) * (v + tensor::abs(v, loc));
  Var f1 = Operand(0.5, loc) * (Operand(1, loc) + alpha), f2 = Operand(0.5, loc) * (Operand(1, loc) - alpha);
  return f1 * v + f2 * tensor::abs(v, loc);
}
Var ultra_fast_sigmoid(const Operand& x, Loc loc) { return unary("T::nnet::ultra_fast_sigmoid", ScalarKind::UltraFastSigmoid, x, loc); }
// Slope and shift in the dtype the input upgrades to, so float32 stays float32.
Var hard_sigmoid(const Operand& x, Loc loc) {
  SiteScope s(loc);
  require_defined(x.var(), "T::nnet::hard_sigmoid", "operand x");
  DType d = ops::upgrade_to_float(x.var().dtype());
  Var y = x.var() * ops::scalar_constant(0.2, d) + ops::scalar_constant(0.5, d);
  return clip(y, Operand(0, loc), Operand(1, loc), loc);
}
Var binary_crossentropy(const Operand& output, const Operand& target, Loc loc) {
  SiteScope s(loc);
  require_defined(output.var(), "T::nnet::binary_crossentropy", "output");
  require_defined(target.var(), "T::nnet::binary_crossentropy", "target");
  const Var &o = output.var(), &t = target.var();
  Operand one(1.0, loc);
  return -(t * tensor::log(o, loc) + (one - t) * tensor::log(one - o, loc));
}
Var categorical_crossentropy(const Var& coding_dist, const Var& true_dist, Loc loc) {
  SiteScope s(loc);
  require_defined(coding_dist, "T::nnet::categorical_crossentropy", "coding_dist");
  require_defined(true_dist, "T::nnet::categorical_crossentropy", "true_dist");
  const int n = coding_dist.ndim();
  if (true_dist.ndim() == n) return -tensor::sum(true_dist * tensor::log(coding_dist, loc), n - 1, false, loc);
  if (true_dist.ndim() != n - 1)
    throw OpError(fmt::format("T::nnet::categorical_crossentropy: rank mismatch between coding and true distributions: coding_dist {} is {}-d, "
                              "true_dist {} is {}-d (give a distribution of the same rank or integer labels of one rank less) at {}",
                              coding_dist.describe(), n, true_dist.describe(), true_dist.ndim(), site_str(loc)));
  if (n != 2 || !is_integer(true_dist.dtype()))
    throw OpError(fmt::format("T::nnet::categorical_crossentropy: labels need a matrix coding_dist and an integer vector true_dist, got "
                              "coding_dist {} ({}-d) and true_dist {} ({}) at {}",
                              coding_dist.describe(), n, true_dist.describe(), dtype_name(true_dist.dtype()), site_str(loc)));
  // As Theano's crossentropy_categorical_1hot; the rewrites fuse it when coding_dist is a softmax.
  Var rows = arange(Var(ops::shape_i(true_dist, 0)), loc);
  return -(tensor::log(coding_dist, loc)[{rows, true_dist}]);
}
}  // namespace nnet

}  // namespace tensor
}  // namespace theano
