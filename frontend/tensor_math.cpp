// Elementwise math, literals' autocast and the operators of the tensor API.
#include <cmath>
#include <fmt/format.h>

#include "frontend/theano/tensor.hpp"
#include "ops/elemwise.hpp"
#include "ops/graph_math.hpp"
#include "ops/nnet.hpp"

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
}  // namespace

Var operator+(const Operand& a, const Operand& b) { return binary("operator+", ScalarKind::Add, a, b, b.site()); }
Var operator-(const Operand& a, const Operand& b) { return binary("operator-", ScalarKind::Sub, a, b, b.site()); }
Var operator*(const Operand& a, const Operand& b) { return binary("operator*", ScalarKind::Mul, a, b, b.site()); }
Var operator/(const Operand& a, const Operand& b) { return binary("operator/", ScalarKind::TrueDiv, a, b, b.site()); }
Var operator-(const Operand& a) { return unary("operator-", ScalarKind::Neg, a, a.site()); }
Var operator<(const Operand& a, const Operand& b) { return binary("operator<", ScalarKind::LT, a, b, b.site()); }
Var operator<=(const Operand& a, const Operand& b) { return binary("operator<=", ScalarKind::LE, a, b, b.site()); }
Var operator>(const Operand& a, const Operand& b) { return binary("operator>", ScalarKind::GT, a, b, b.site()); }
Var operator>=(const Operand& a, const Operand& b) { return binary("operator>=", ScalarKind::GE, a, b, b.site()); }

namespace tensor {

Var add(const Operand& a, const Operand& b, Loc loc) { return binary("T::add", ScalarKind::Add, a, b, loc); }
Var sub(const Operand& a, const Operand& b, Loc loc) { return binary("T::sub", ScalarKind::Sub, a, b, loc); }
Var mul(const Operand& a, const Operand& b, Loc loc) { return binary("T::mul", ScalarKind::Mul, a, b, loc); }
Var true_div(const Operand& a, const Operand& b, Loc loc) { return binary("T::true_div", ScalarKind::TrueDiv, a, b, loc); }
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

namespace nnet {
Var softmax(const Var& x, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::nnet::softmax", "x");
  return ops::softmax(x);
}
Var sigmoid(const Operand& x, Loc loc) { return unary("T::nnet::sigmoid", ScalarKind::Sigmoid, x, loc); }
Var softplus(const Operand& x, Loc loc) { return unary("T::nnet::softplus", ScalarKind::Softplus, x, loc); }
Var softsign(const Operand& x, Loc loc) { return unary("T::nnet::softsign", ScalarKind::Softsign, x, loc); }
}  // namespace nnet

}  // namespace tensor
}  // namespace theano
