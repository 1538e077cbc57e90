// theano::tensor (used as `namespace T = theano::tensor;`): the symbolic tensor API of the tutorials.
// Every function records the caller's file:line on the nodes it builds, for error messages.
#pragma once
#include <optional>
#include <source_location>
#include <string>
#include <variant>
#include <vector>

#include "frontend/theano/indexing.hpp"
#include "frontend/theano/tensor_reduce.hpp"
#include "ops/grad.hpp"
#include "ops/tensor_var.hpp"
#include "core/config.hpp"

namespace theano {

// An operand of an arithmetic expression: a Var or a literal. Literals follow Theano's autocast:
// a float becomes floatX when floatX is float32 (else the narrowest exact float), an int becomes
// the narrowest of int8..int64 that holds it.
class Operand {
 public:
  Operand(const Variable& v, std::source_location loc = std::source_location::current()) : var_(v), site_(loc) {}
  Operand(double v, std::source_location loc = std::source_location::current());
  Operand(float v, std::source_location loc = std::source_location::current()) : Operand(double(v), loc) {}
  Operand(int v, std::source_location loc = std::source_location::current()) : Operand(int64_t(v), loc) {}
  Operand(long v, std::source_location loc = std::source_location::current()) : Operand(int64_t(v), 0, loc) {}
  Operand(long long v, std::source_location loc = std::source_location::current()) : Operand(int64_t(v), 0, loc) {}
  const Var& var() const { return var_; }
  const std::source_location& site() const { return site_; }

 private:
  Operand(int64_t v, int, std::source_location loc);
  Var var_;
  std::source_location site_;
};

Var operator+(const Operand& a, const Operand& b);
Var operator-(const Operand& a, const Operand& b);
Var operator*(const Operand& a, const Operand& b);
Var operator/(const Operand& a, const Operand& b);
Var operator-(const Operand& a);
Var operator<(const Operand& a, const Operand& b);
Var operator<=(const Operand& a, const Operand& b);
Var operator>(const Operand& a, const Operand& b);
Var operator>=(const Operand& a, const Operand& b);
Var operator%(const Operand& a, const Operand& b);  // T::mod

namespace tensor {

using Loc = std::source_location;

// ---- constructors: scalar/vector/matrix/tensor3/tensor4, with b (int8), i (int32), l (int64),
// f (float32), d (float64) prefixes; the unprefixed ones use config().floatX ----
Var tensor(DType dtype, std::vector<bool> broadcastable, const std::string& name = "", Loc loc = Loc::current());
#define THEANO_CPP_DECLARE_CTORS(prefix)                                                         \
  Var prefix##scalar(const std::string& name = "", Loc loc = Loc::current());                    \
  Var prefix##vector(const std::string& name = "", Loc loc = Loc::current());                    \
  Var prefix##matrix(const std::string& name = "", Loc loc = Loc::current());                    \
  Var prefix##tensor3(const std::string& name = "", Loc loc = Loc::current());                   \
  Var prefix##tensor4(const std::string& name = "", Loc loc = Loc::current());
THEANO_CPP_DECLARE_CTORS()
THEANO_CPP_DECLARE_CTORS(b)
THEANO_CPP_DECLARE_CTORS(i)
THEANO_CPP_DECLARE_CTORS(l)
THEANO_CPP_DECLARE_CTORS(f)
THEANO_CPP_DECLARE_CTORS(d)
#undef THEANO_CPP_DECLARE_CTORS
// With an explicit dtype, as tensor.matrix('x', dtype='int64').
Var scalar(const std::string& name, DType dtype, Loc loc = Loc::current());
Var vector(const std::string& name, DType dtype, Loc loc = Loc::current());
Var matrix(const std::string& name, DType dtype, Loc loc = Loc::current());
Var constant(const NDArray& value, const std::string& name = "", Loc loc = Loc::current());

// ---- elementwise math ----
Var add(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var sub(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var mul(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var true_div(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var int_div(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var pow(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var maximum(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var minimum(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var neg(const Operand& a, Loc loc = Loc::current());
Var abs(const Operand& a, Loc loc = Loc::current());
Var abs_(const Operand& a, Loc loc = Loc::current());
Var sgn(const Operand& a, Loc loc = Loc::current());
Var sqr(const Operand& a, Loc loc = Loc::current());
Var sqrt(const Operand& a, Loc loc = Loc::current());
Var exp(const Operand& a, Loc loc = Loc::current());
Var log(const Operand& a, Loc loc = Loc::current());
Var log1p(const Operand& a, Loc loc = Loc::current());
Var tanh(const Operand& a, Loc loc = Loc::current());
Var eq(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var neq(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var lt(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var le(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var gt(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var ge(const Operand& a, const Operand& b, Loc loc = Loc::current());
Var switch_(const Operand& cond, const Operand& a, const Operand& b, Loc loc = Loc::current());
Var cast(const Operand& x, DType dtype, Loc loc = Loc::current());
Var cast(const Operand& x, const std::string& dtype, Loc loc = Loc::current());
Var zeros_like(const Var& x, Loc loc = Loc::current());
Var ones_like(const Var& x, Loc loc = Loc::current());

// ---- more elementwise math (theano.tensor) ----
// Dtypes as Theano's: mod and clip keep the upcast dtype (ints stay ints); round_* take floats only;
// the others make ints float (int8, int16, uint8 -> float32; int32, int64 -> float64).
Var mod(const Operand& a, const Operand& b, Loc loc = Loc::current());  // a % b: the sign of b, as Python
Var floor_div(const Operand& a, const Operand& b, Loc loc = Loc::current());  // int_div
Var clip(const Operand& x, const Operand& lo, const Operand& hi, Loc loc = Loc::current());
// mode "half_to_even" (numpy's, Theano's default) or "half_away_from_zero" (C's round).
Var round(const Operand& x, const std::string& mode = "half_to_even", Loc loc = Loc::current());
Var round_half_to_even(const Operand& x, Loc loc = Loc::current());
Var round_half_away_from_zero(const Operand& x, Loc loc = Loc::current());
Var iround(const Operand& x, const std::string& mode = "half_to_even", Loc loc = Loc::current());  // int64
Var floor(const Operand& x, Loc loc = Loc::current());
Var ceil(const Operand& x, Loc loc = Loc::current());
Var trunc(const Operand& x, Loc loc = Loc::current());
Var inv(const Operand& x, Loc loc = Loc::current());  // 1 / x
Var log2(const Operand& x, Loc loc = Loc::current());
Var log10(const Operand& x, Loc loc = Loc::current());
Var exp2(const Operand& x, Loc loc = Loc::current());
Var expm1(const Operand& x, Loc loc = Loc::current());
Var deg2rad(const Operand& x, Loc loc = Loc::current());
Var rad2deg(const Operand& x, Loc loc = Loc::current());
Var sin(const Operand& x, Loc loc = Loc::current());
Var cos(const Operand& x, Loc loc = Loc::current());
Var tan(const Operand& x, Loc loc = Loc::current());
Var arcsin(const Operand& x, Loc loc = Loc::current());
Var arccos(const Operand& x, Loc loc = Loc::current());
Var arctan(const Operand& x, Loc loc = Loc::current());
Var arctan2(const Operand& y, const Operand& x, Loc loc = Loc::current());
Var sinh(const Operand& x, Loc loc = Loc::current());
Var cosh(const Operand& x, Loc loc = Loc::current());
Var arcsinh(const Operand& x, Loc loc = Loc::current());
Var arccosh(const Operand& x, Loc loc = Loc::current());
Var arctanh(const Operand& x, Loc loc = Loc::current());
Var erf(const Operand& x, Loc loc = Loc::current());
Var erfc(const Operand& x, Loc loc = Loc::current());
Var erfinv(const Operand& x, Loc loc = Loc::current());
Var erfcinv(const Operand& x, Loc loc = Loc::current());
Var gamma(const Operand& x, Loc loc = Loc::current());
Var gammaln(const Operand& x, Loc loc = Loc::current());
Var psi(const Operand& x, Loc loc = Loc::current());
Var tri_gamma(const Operand& x, Loc loc = Loc::current());  // no gradient, as Theano
// The outer product of x and y flattened: dot(x[:, None], y[None, :]).
Var outer(const Var& x, const Var& y, Loc loc = Loc::current());

// ---- reductions: sum, prod, mean, max, min, argmax, argmin, max_and_argmax, any, all, var, std
// (theano/tensor_reduce.hpp) ----

// ---- running sums and products (theano.tensor.extra_ops; axis nullopt = over the flattened input) ----
Var cumsum(const Var& x, std::optional<int> axis = std::nullopt, Loc loc = Loc::current());
Var cumprod(const Var& x, std::optional<int> axis = std::nullopt, Loc loc = Loc::current());

// theano.tensor.nonzero(a): one int64 vector per dim of a, the indices of its non-zero elements in
// C order (numpy.nonzero): rows of one Nonzero op's a.ndim x count matrix. A scalar a is an error.
std::vector<Var> nonzero(const Var& a, Loc loc = Loc::current());

// ---- linear algebra, shapes, indexing helpers ----
// Theano's dot: a 0-d side multiplies elementwise; 1-d and 2-d sides are the vector/matrix products;
// with more dims on either side, numpy's dot, a sum over x's last axis and y's second-to-last
// (tensordot(x, y, {{x.ndim - 1}, {max(0, y.ndim - 2)}})), computed as one matrix product of x's
// leading dims flattened into rows: dot(x3, W) of a (batch, time, n) x3 is one gemm.
Var dot(const Var& x, const Var& y, Loc loc = Loc::current());
// tensordot's axes: a count n (a's last n axes with b's first n) or one list of axes per side,
// paired in order; negative axes count from the end: {{1, 2}, {3, 2}}, {-1, 0}, 2.
struct TensordotAxes {
  TensordotAxes(int n) : count(n) {}
  TensordotAxes(int axis_a, int axis_b) : a{axis_a}, b{axis_b} {}
  TensordotAxes(std::vector<int> axes_a, std::vector<int> axes_b) : a(std::move(axes_a)), b(std::move(axes_b)) {}
  std::optional<int> count;
  std::vector<int> a, b;
};
// numpy's (and Theano's) tensordot: the sum over the paired axes; the result has a's other axes, then
// b's. One matrix product of the operands reshaped (transposed first when the summed axes are not
// a's last and b's first).
Var tensordot(const Var& a, const Var& b, const TensordotAxes& axes = 2, Loc loc = Loc::current());
// Theano's batched_dot: batched_dot(x, y)[i] = dot(x[i], y[i]). 2-d and 3-d sides are one BatchedDot
// op ((B, M, K) x (B, K, N) -> (B, M, N); a 2-d side is a batch of vectors); a 1-d side is a batch of
// scalars (an elementwise product); more dims go through batched_tensordot over x's last axis and
// y's second-to-last.
Var batched_dot(const Var& x, const Var& y, Loc loc = Loc::current());
// Theano's batched_tensordot: tensordot of x[i] and y[i] for each i along axis 0 (axes count from
// the full tensors and may not name axis 0): one BatchedDot of the reshaped operands.
Var batched_tensordot(const Var& x, const Var& y, const TensordotAxes& axes = 2, Loc loc = Loc::current());
Var shape(const Var& x, Loc loc = Loc::current());
Var reshape(const Var& x, const std::vector<Index>& shape, Loc loc = Loc::current());
Var flatten(const Var& x, int ndim = 1, Loc loc = Loc::current());
Var transpose(const Var& x, Loc loc = Loc::current());
// An int or an integer scalar Var as an int64 scalar Var (for bounds and shapes).
using ops::int_scalar;

// ---- assembly and advanced indexing ----
// Theano's set_subtensor(x[idx], y) and inc_subtensor(x[idx], y): x[idx] is the result of indexing
// (basic or advanced); the result is a copy of x with x[idx] set to (or incremented by) y, which
// broadcasts as numpy's (leading dims added, broadcastable dims stretched). In a compiled update
// W := set_subtensor(W[idx], v) writes only W[idx], in W's own storage.
Var set_subtensor(const Var& x, const Operand& y, Loc loc = Loc::current());
Var inc_subtensor(const Var& x, const Operand& y, Loc loc = Loc::current());
// numpy's arange: ints give int64; a float argument gives the upcast float dtype (Theano's rule, with
// literals autocast: T::arange(0.0, 1.0, 0.1) is float32 unless a float64 argument is given).
// An argument of arange: an int, a float or a scalar Var (literals become constants, as Operand's
// autocast, only after the call's handles are checked).
struct RangeArg {
  RangeArg(int v) : value(int64_t(v)) {}
  RangeArg(long v) : value(int64_t(v)) {}
  RangeArg(long long v) : value(int64_t(v)) {}
  RangeArg(double v) : value(v) {}
  RangeArg(float v) : value(double(v)) {}
  RangeArg(const Variable& v) : value(Var(v)) {}
  std::variant<int64_t, double, Var> value;
};
Var arange(const RangeArg& stop, Loc loc = Loc::current());
Var arange(const RangeArg& start, const RangeArg& stop, const RangeArg& step = 1, Loc loc = Loc::current());
// value broadcast to the shape (T.alloc(value, *shape)); zeros and ones of dtype (floatX by default).
Var alloc(const Operand& value, const std::vector<IntOrVar>& shape, Loc loc = Loc::current());
Var zeros(const std::vector<IntOrVar>& shape, std::optional<DType> dtype = std::nullopt, Loc loc = Loc::current());
Var ones(const std::vector<IntOrVar>& shape, std::optional<DType> dtype = std::nullopt, Loc loc = Loc::current());
// Join along an existing axis (T.join(axis, *xs), T.concatenate(xs, axis)) or a new one (T.stack).
Var join(int axis, const std::vector<Var>& xs, Loc loc = Loc::current());
Var concatenate(const std::vector<Var>& xs, int axis = 0, Loc loc = Loc::current());
Var stack(const std::vector<Var>& xs, int axis = 0, Loc loc = Loc::current());
// Ones on diagonal k of an n x m matrix (m = n by default; dtype floatX by default); x's shape and dtype.
Var eye(const IntOrVar& n, std::optional<IntOrVar> m = std::nullopt, const IntOrVar& k = 0, std::optional<DType> dtype = std::nullopt,
        Loc loc = Loc::current());
Var identity_like(const Var& x, Loc loc = Loc::current());
// numpy's diagonal over dims 0 and 1 (x.diagonal(offset) is the same).
Var diagonal(const Var& x, int offset = 0, Loc loc = Loc::current());
// fill(a, b): b broadcast to the shape of a and b (Theano's fill = second).
Var fill(const Operand& a, const Operand& b, Loc loc = Loc::current());
// numpy's tile and repeat (theano.tensor.extra_ops.repeat with a scalar count; axis nullopt: flattened).
Var tile(const Var& x, const std::vector<IntOrVar>& reps, Loc loc = Loc::current());
Var repeat(const Var& x, const IntOrVar& repeats, std::optional<int> axis = std::nullopt, Loc loc = Loc::current());
// n new broadcastable dims on the left or right; one at `axis` (negative counts from the end).
Var shape_padleft(const Var& x, int n = 1, Loc loc = Loc::current());
Var shape_padright(const Var& x, int n = 1, Loc loc = Loc::current());
Var shape_padaxis(const Var& x, int axis, Loc loc = Loc::current());

// ---- gradients ----
struct GradArgs {
  std::vector<Var> consider_constant;
  std::string disconnected_inputs = "raise";  // raise, warn or ignore
  // (variable, its gradient): Theano's known_grads; the cost may then be an undefined Var (None).
  std::vector<std::pair<Var, Var>> known_grads;
  // What a disconnected wrt gets: "zero" (zeros of its type), "None" or "Disconnected" (both an
  // undefined Var, with disconnected_inputs = "ignore" or "warn").
  std::string return_disconnected = "zero";
};
Var grad(const Var& cost, const Var& wrt, const GradArgs& args = {}, Loc loc = Loc::current());
std::vector<Var> grad(const Var& cost, const std::vector<Var>& wrt, const GradArgs& args = {}, Loc loc = Loc::current());
// theano.Lop: the vector-Jacobian product eval_points . d f / d wrt, as grad with known_grads
// {f: eval_points} (args' consider_constant and disconnected_inputs apply).
Var Lop(const Var& f, const Var& wrt, const Var& eval_point, const GradArgs& args = {}, Loc loc = Loc::current());
std::vector<Var> Lop(const std::vector<Var>& f, const std::vector<Var>& wrt, const std::vector<Var>& eval_points, const GradArgs& args = {},
                     Loc loc = Loc::current());

namespace nnet {
Var softmax(const Var& x, Loc loc = Loc::current());
Var sigmoid(const Operand& x, Loc loc = Loc::current());
Var softplus(const Operand& x, Loc loc = Loc::current());
Var softsign(const Operand& x, Loc loc = Loc::current());  // x / (1 + |x|)
// ---- more elementwise math: activations and cross-entropies (theano.tensor.nnet) ----
// 0.5 * (x + |x|), or with a slope alpha for x < 0: 0.5 * (1 + alpha) * x + 0.5 * (1 - alpha) * |x|.
Var relu(const Operand& x, const Operand& alpha = 0, Loc loc = Loc::current());
Var ultra_fast_sigmoid(const Operand& x, Loc loc = Loc::current());  // approximation; no gradient, as Theano
Var hard_sigmoid(const Operand& x, Loc loc = Loc::current());        // clip(0.2 * x + 0.5, 0, 1)
// -(target * log(output) + (1 - target) * log(1 - output)), elementwise.
Var binary_crossentropy(const Operand& output, const Operand& target, Loc loc = Loc::current());
// true_dist of coding_dist's rank: -sum(true_dist * log(coding_dist), axis=-1); an integer vector of
// labels for a matrix coding_dist: -log(coding_dist)[arange(n), labels].
Var categorical_crossentropy(const Var& coding_dist, const Var& true_dist, Loc loc = Loc::current());
}  // namespace nnet

// theano.tensor.extra_ops.cumsum is theano.tensor.cumsum.
namespace extra_ops {
using tensor::cumprod;
using tensor::cumsum;
using tensor::repeat;
}  // namespace extra_ops

}  // namespace tensor
}  // namespace theano
