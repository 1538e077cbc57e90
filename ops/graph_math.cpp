#include "ops/graph_math.hpp"

#include "ops/reduce.hpp"
#include "ops/shape.hpp"

namespace theano::ops {

Var scalar_constant(double value, DType dtype) {
  NDArray a = NDArray::empty(dtype, Dims{});
  a.set_item(0, value);
  return make_constant(a);
}

Var int_constant(int64_t value, DType dtype) {
  NDArray a = NDArray::empty(dtype, Dims{});
  a.set_int(0, value);
  return make_constant(a);
}

Var zeros_like(const Var& x) { return elemwise(ScalarKind::Second, {x, scalar_constant(0, x.dtype())}); }
Var ones_like(const Var& x) { return elemwise(ScalarKind::Second, {x, scalar_constant(1, x.dtype())}); }

Var dimshuffle(const Var& x, const std::vector<int>& pattern) {
  bool identity = int(pattern.size()) == x.ndim();
  for (size_t i = 0; identity && i < pattern.size(); ++i) identity = pattern[i] == int(i);
  if (identity) return x;
  return make_apply1(std::make_shared<DimShuffle>(x.ndim(), pattern), {x});
}

Var transpose(const Var& x) {
  std::vector<int> p;
  for (int d = x.ndim() - 1; d >= 0; --d) p.push_back(d);
  return dimshuffle(x, p);
}

Var sum(const Var& x, const std::vector<int>& axes) { return reduce_axes(ReduceKind::Sum, x, axes); }
Var switch_(const Var& c, const Var& a, const Var& b) { return elemwise(ScalarKind::Switch, {c, a, b}); }
Var sgn(const Var& x) { return elemwise(ScalarKind::Sgn, {x}); }
Var abs(const Var& x) { return elemwise(ScalarKind::Abs, {x}); }
Var sigmoid(const Var& x) { return elemwise(ScalarKind::Sigmoid, {x}); }
Var log(const Var& x) { return elemwise(ScalarKind::Log, {x}); }
Var pow(const Var& x, const Var& y) { return elemwise(ScalarKind::Pow, {x, y}); }
Var eq(const Var& a, const Var& b) { return elemwise(ScalarKind::EQ, {a, b}); }
Var lt(const Var& a, const Var& b) { return elemwise(ScalarKind::LT, {a, b}); }
Var le(const Var& a, const Var& b) { return elemwise(ScalarKind::LE, {a, b}); }
Var gt(const Var& a, const Var& b) { return elemwise(ScalarKind::GT, {a, b}); }
Var ge(const Var& a, const Var& b) { return elemwise(ScalarKind::GE, {a, b}); }

namespace math {
Var operator+(const Var& a, const Var& b) { return elemwise(ScalarKind::Add, {a, b}); }
Var operator-(const Var& a, const Var& b) { return elemwise(ScalarKind::Sub, {a, b}); }
Var operator*(const Var& a, const Var& b) { return elemwise(ScalarKind::Mul, {a, b}); }
Var operator/(const Var& a, const Var& b) { return elemwise(ScalarKind::TrueDiv, {a, b}); }
Var operator-(const Var& a) { return elemwise(ScalarKind::Neg, {a}); }
Var operator+(const Var& a, double b) { return a + scalar_constant(b, a.dtype()); }
Var operator-(const Var& a, double b) { return a - scalar_constant(b, a.dtype()); }
Var operator*(const Var& a, double b) { return a * scalar_constant(b, a.dtype()); }
Var operator/(const Var& a, double b) { return a / scalar_constant(b, a.dtype()); }
Var operator+(double a, const Var& b) { return scalar_constant(a, b.dtype()) + b; }
Var operator-(double a, const Var& b) { return scalar_constant(a, b.dtype()) - b; }
Var operator*(double a, const Var& b) { return scalar_constant(a, b.dtype()) * b; }
Var operator/(double a, const Var& b) { return scalar_constant(a, b.dtype()) / b; }
}  // namespace math

}  // namespace theano::ops
