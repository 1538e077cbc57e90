// Graph-building arithmetic for gradient rules and composite ops inside ops/ (not the user-facing
// frontend: no autocast policy here; a double becomes a 0-d constant of the other operand's dtype).
#pragma once
#include <vector>

#include "graph/op.hpp"
#include "ops/tensor_var.hpp"
#include "ops/elemwise.hpp"

namespace theano::ops {

Var scalar_constant(double value, DType dtype);
// The same from an integer, exactly (no trip through double: 2**63 - 1 stays 2**63 - 1).
Var int_constant(int64_t value, DType dtype);
Var zeros_like(const Var& x);
Var ones_like(const Var& x);
Var dimshuffle(const Var& x, const std::vector<int>& pattern);  // -1 inserts a broadcastable dim
Var transpose(const Var& x);
// Sum over axes, result keeps the other dims (dtype: float keeps, int -> int64, bool -> int64).
Var sum(const Var& x, const std::vector<int>& axes);
Var switch_(const Var& c, const Var& a, const Var& b);
Var sgn(const Var& x);
Var abs(const Var& x);
Var sigmoid(const Var& x);
Var log(const Var& x);
Var pow(const Var& x, const Var& y);
Var eq(const Var& a, const Var& b);
Var lt(const Var& a, const Var& b);
Var le(const Var& a, const Var& b);
Var gt(const Var& a, const Var& b);
Var ge(const Var& a, const Var& b);

namespace math {
Var operator+(const Var& a, const Var& b);
Var operator-(const Var& a, const Var& b);
Var operator*(const Var& a, const Var& b);
Var operator/(const Var& a, const Var& b);
Var operator-(const Var& a);
Var operator+(const Var& a, double b);
Var operator-(const Var& a, double b);
Var operator*(const Var& a, double b);
Var operator/(const Var& a, double b);
Var operator+(double a, const Var& b);
Var operator-(double a, const Var& b);
Var operator*(double a, const Var& b);
Var operator/(double a, const Var& b);
}  // namespace math

}  // namespace theano::ops
