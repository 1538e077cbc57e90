#include "ops/nnet_fused.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "ops/basic.hpp"
#include "ops/graph_math.hpp"
#include "ops/rewrite_util.hpp"
#include "ops/shape.hpp"
#include "ops/subtensor.hpp"
#include "ops/shape_math.hpp"

namespace theano::ops {

namespace {
void check_float_matrix(const TensorType& t, const char* what) {
  if (t.ndim() != 2) throw OpError(fmt::format("{} must be a matrix, got a {}-d input", what, t.ndim()));
  if (!is_float(t.dtype)) throw OpError(fmt::format("{} must be float, got {}", what, dtype_name(t.dtype)));
}
void check_labels(const TensorType& y, const TensorType& x) {
  if (y.ndim() != 1 || !is_integer(y.dtype)) throw OpError(fmt::format("the labels must be an integer vector, got {}", y.str()));
  if (y.shape[0] >= 0 && x.shape[0] >= 0 && y.shape[0] != x.shape[0])
    throw OpError(fmt::format("{} labels for {} rows", y.shape[0], x.shape[0]));
}
// A negative label counts from the end, as numpy's index does: the graph the user wrote,
// -log(softmax(x))[arange(n), y], means exactly that, and it must give the same number whether
// this fused op replaced it (FAST_RUN) or not (FAST_COMPILE).
int64_t label_at(const NDArray& y, int64_t i, int64_t cols, const Op& op) {
  int64_t t = y.item_int64(i);
  if (t < -cols || t >= cols) throw OpError(fmt::format("{}: label {} of row {} is out of bounds for {} classes", op.str(), t, i, cols));
  return t < 0 ? t + cols : t;
}
Var softmax_backward(const Var& gsm, const Var& sm) {
  using namespace math;
  return (gsm - dimshuffle(sum(gsm * sm, {1}), {0, -1})) * sm;
}
}  // namespace

// ---- LogSoftmax ----
std::vector<TensorType> LogSoftmax::make_types(Vars in) const {
  check_float_matrix(in[0].type(), "the input");
  return {in[0].type()};
}

OutShapes LogSoftmax::infer_shape(Vars in, InShapes shapes) const {
  return std::vector<std::vector<Variable>>{shapes[0]};
}

namespace {
template <class T>
void log_softmax_rows(const NDArray& x, NDArray& out) {
  int64_t rows = x.shape(0), cols = x.shape(1), s0 = x.stride(0), s1 = x.stride(1);
  for (int64_t i = 0; i < rows; ++i) {
    const T* r = x.data<T>() + i * s0;
    T* o = out.data<T>() + i * cols;
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t j = 0; j < cols; ++j) m = std::max(m, r[j * s1]);
    double sum = 0;
    for (int64_t j = 0; j < cols; ++j) sum += std::exp(r[j * s1] - m);
    T shift = T(double(m) + std::log(sum));
    for (int64_t j = 0; j < cols; ++j) o[j] = r[j * s1] - shift;
  }
}
}  // namespace

void LogSoftmax::perform(InArrays in, OutArrays out) const {
  out[0]->ensure(in[0]->dtype(), in[0]->shape());
  if (in[0]->dtype() == DType::Float32) log_softmax_rows<float>(*in[0], *out[0]);
  else log_softmax_rows<double>(*in[0], *out[0]);
}

Cotangents LogSoftmax::pullback(Vars, Vars outs, OutCotangents cot) const {
  using namespace math;
  const Var& gz = *cot[0];
  // dx = gz - sum(gz, axis=1)[:, None] * softmax(x), with softmax(x) = exp(out)
  return {gz - dimshuffle(sum(gz, {1}), {0, -1}) * elemwise(ScalarKind::Exp, {outs[0]})};
}

// ---- CrossentropySoftmaxArgmax1HotWithBias ----
std::vector<TensorType> CrossentropySoftmaxArgmax1HotWithBias::make_types(Vars in) const {
  size_t want = with_bias_ ? 3 : 2;
  if (in.size() != want) throw OpError(fmt::format("expects {} inputs, got {}", want, in.size()));
  const TensorType& x = in[0].type();
  check_float_matrix(x, "x");
  if (with_bias_) {
    const TensorType& b = in[1].type();
    if (b.ndim() != 1 || b.dtype != x.dtype) throw OpError(fmt::format("the bias must be a {} vector, got {}", dtype_name(x.dtype), b.str()));
    if (b.shape[0] >= 0 && x.shape[1] >= 0 && b.shape[0] != x.shape[1])
      throw OpError(fmt::format("the bias has {} entries for {} columns", b.shape[0], x.shape[1]));
  }
  const TensorType& y = in.back().type();
  check_labels(y, x);
  TensorType nll(x.dtype, Dims{x.shape[0]}, {x.bcast[0]});
  TensorType am(y.dtype, Dims{x.shape[0]}, {x.bcast[0]});
  return {nll, x, am};
}

OutShapes CrossentropySoftmaxArgmax1HotWithBias::infer_shape(Vars in, InShapes shapes) const {
  const std::vector<Variable>& x = shapes[0];
  return std::vector<std::vector<Variable>>{{x[0]}, x, {x[0]}};  // nll, sm, am
}

namespace {
template <class T, class I>
void crossentropy_rows(const NDArray& x, const NDArray* b, const NDArray& y, NDArray& nll, NDArray& sm, NDArray& am, const Op& op) {
  int64_t rows = x.shape(0), cols = x.shape(1), s0 = x.stride(0), s1 = x.stride(1);
  if (cols == 0 && rows > 0) throw OpError(fmt::format("{}: no classes", op.str()));
  const T* bp = b ? b->data<T>() : nullptr;
  int64_t bs = b ? b->stride(0) : 0;
  for (int64_t i = 0; i < rows; ++i) {
    const T* r = x.data<T>() + i * s0;
    T* z = sm.data<T>() + i * cols;
    for (int64_t j = 0; j < cols; ++j) z[j] = bp ? T(r[j * s1] + bp[j * bs]) : r[j * s1];
    T m = -std::numeric_limits<T>::infinity();
    int64_t arg = 0;
    for (int64_t j = 0; j < cols; ++j)
      if (z[j] > m) {
        m = z[j];
        arg = j;
      }
    int64_t t = label_at(y, i, cols, op);
    T zt = z[t];
    double sum = 0;
    for (int64_t j = 0; j < cols; ++j) {
      z[j] = std::exp(z[j] - m);
      sum += z[j];
    }
    T inv = T(1.0 / sum);
    for (int64_t j = 0; j < cols; ++j) z[j] *= inv;
    nll.data<T>()[i] = T(-(double(zt) - double(m)) + std::log(sum));
    am.data<I>()[i] = I(arg);
  }
}
}  // namespace

void CrossentropySoftmaxArgmax1HotWithBias::perform(InArrays in, OutArrays out) const {
  const NDArray& x = *in[0];
  const NDArray* b = with_bias_ ? in[1] : nullptr;
  const NDArray& y = *in.back();
  if (b && b->shape(0) != x.shape(1))
    throw OpError(fmt::format("{}: the bias has {} entries for {} columns", str(), b->shape(0), x.shape(1)));
  if (y.shape(0) != x.shape(0)) throw OpError(fmt::format("{}: {} labels for {} rows", str(), y.shape(0), x.shape(0)));
  out[0]->ensure(x.dtype(), Dims{x.shape(0)});
  out[1]->ensure(x.dtype(), x.shape());
  out[2]->ensure(y.dtype(), Dims{x.shape(0)});
  visit_dtype(y.dtype(), [&](auto yi) {
    using I = decltype(yi);
    if constexpr (std::is_integral_v<I> && !std::is_same_v<I, bool>) {
      if (x.dtype() == DType::Float32) crossentropy_rows<float, I>(x, b, y, *out[0], *out[1], *out[2], *this);
      else crossentropy_rows<double, I>(x, b, y, *out[0], *out[1], *out[2], *this);
    } else {
      throw OpError("labels must be integers");
    }
  });
}

Cotangents CrossentropySoftmaxArgmax1HotWithBias::pullback(Vars in, Vars outs,
                                                           OutCotangents cot) const {
  using namespace math;
  const Var& sm = outs[1];
  std::optional<Var> dx;
  if (cot[0] && !match::is_zeros(*cot[0])) dx = crossentropy_softmax_1hot_dx(*cot[0], sm, in.back());
  if (cot[1] && !match::is_zeros(*cot[1])) dx = dx ? *dx + softmax_backward(*cot[1], sm) : softmax_backward(*cot[1], sm);
  if (!dx) dx = zeros_like(in[0]);
  if (with_bias_) return {dx, sum(*dx, {0}), std::nullopt};
  return {dx, std::nullopt};
}

// ---- CrossentropySoftmax1HotWithBiasDx ----
std::vector<TensorType> CrossentropySoftmax1HotWithBiasDx::make_types(Vars in) const {
  if (in.size() != 3) throw OpError(fmt::format("expects 3 inputs, got {}", in.size()));
  const TensorType &dy = in[0].type(), &sm = in[1].type();
  check_float_matrix(sm, "sm");
  if (dy.ndim() != 1 || dy.dtype != sm.dtype) throw OpError(fmt::format("dnll must be a {} vector, got {}", dtype_name(sm.dtype), dy.str()));
  check_labels(in[2].type(), sm);
  return {sm};
}

OutShapes CrossentropySoftmax1HotWithBiasDx::infer_shape(Vars in, InShapes shapes) const {
  return std::vector<std::vector<Variable>>{shapes[1]};  // sm's shape
}

namespace {
template <class T>
void crossentropy_dx_rows(const NDArray& dy, const NDArray& sm, const NDArray& y, NDArray& dx, const Op& op) {
  int64_t rows = sm.shape(0), cols = sm.shape(1);
  int64_t ds = dy.shape(0) == 1 ? 0 : dy.stride(0);
  for (int64_t i = 0; i < rows; ++i) {
    T d = dy.data<T>()[i * ds];
    const T* s = sm.data<T>() + i * sm.stride(0);
    T* o = dx.data<T>() + i * cols;
    for (int64_t j = 0; j < cols; ++j) o[j] = d * s[j * sm.stride(1)];
    o[label_at(y, i, cols, op)] -= d;
  }
}
}  // namespace

void CrossentropySoftmax1HotWithBiasDx::perform(InArrays in, OutArrays out) const {
  const NDArray &dy = *in[0], &sm = *in[1], &y = *in[2];
  if (y.shape(0) != sm.shape(0) || (dy.shape(0) != sm.shape(0) && dy.shape(0) != 1))
    throw OpError(fmt::format("{}: {} gradients and {} labels for {} rows", str(), dy.shape(0), y.shape(0), sm.shape(0)));
  out[0]->ensure(sm.dtype(), sm.shape());
  if (sm.dtype() == DType::Float32) crossentropy_dx_rows<float>(dy, sm, y, *out[0], *this);
  else crossentropy_dx_rows<double>(dy, sm, y, *out[0], *this);
}

Cotangents CrossentropySoftmax1HotWithBiasDx::pullback(Vars in, Vars,
                                                       OutCotangents cot) const {
  using namespace math;
  const Var &dy = in[0], &sm = in[1], &y = in[2], &gz = *cot[0];
  Var rows = arange(scalar_constant(0, DType::Int64), shape_i(sm, 0), scalar_constant(1, DType::Int64));
  // d dy[i] = sum_j gz[i, j] * sm[i, j] - gz[i, y[i]];  d sm = gz * dy[:, None]
  return {sum(gz * sm, {1}) - advanced_subtensor(gz, {rows, y}), gz * dimshuffle(dy, {0, -1}), std::nullopt};
}

// ---- builders ----
Var log_softmax(const Var& x) { return make_apply1(std::make_shared<LogSoftmax>(), {x}); }

std::vector<Variable> crossentropy_softmax_argmax_1hot(const Var& x, const Var& b, const Var& y_idx) {
  if (b.defined()) return make_apply(std::make_shared<CrossentropySoftmaxArgmax1HotWithBias>(true), {x, b, y_idx});
  return make_apply(std::make_shared<CrossentropySoftmaxArgmax1HotWithBias>(false), {x, y_idx});
}

Var crossentropy_softmax_1hot_dx(const Var& dnll, const Var& sm, const Var& y_idx) {
  return make_apply1(std::make_shared<CrossentropySoftmax1HotWithBiasDx>(), {dnll, sm, y_idx});
}

}  // namespace theano::ops
