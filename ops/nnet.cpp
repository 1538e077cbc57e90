#include "ops/nnet.hpp"

#include <cmath>
#include <fmt/format.h>

#include "ops/graph_math.hpp"
#include "ops/shape_math.hpp"

namespace theano::ops {

std::vector<TensorType> Softmax::make_types(Vars in) const {
  const TensorType& t = in[0].type();
  if (t.ndim() != 2) throw OpError(fmt::format("expects a matrix, got a {}-d input", t.ndim()));
  if (!is_float(t.dtype)) throw OpError(fmt::format("expects float input, got {}", dtype_name(t.dtype)));
  return {TensorType(t.dtype, t.shape, {t.bcast[0], t.bcast[1]})};
}

OutShapes Softmax::infer_shape(Vars in, InShapes shapes) const {
  return std::vector<std::vector<Variable>>{shapes[0]};
}

namespace {
template <class T>
void softmax_rows(const NDArray& x, NDArray& out) {
  int64_t rows = x.shape(0), cols = x.shape(1), s0 = x.stride(0), s1 = x.stride(1);
  const T* p = x.data<T>();
  T* q = out.data<T>();
  for (int64_t i = 0; i < rows; ++i) {
    const T* r = p + i * s0;
    T* o = q + i * cols;
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t j = 0; j < cols; ++j) m = std::max(m, r[j * s1]);
    double sum = 0;
    for (int64_t j = 0; j < cols; ++j) {
      o[j] = std::exp(r[j * s1] - m);
      sum += o[j];
    }
    T inv = T(1.0 / sum);
    for (int64_t j = 0; j < cols; ++j) o[j] *= inv;
  }
}
}  // namespace

void Softmax::perform(InArrays in, OutArrays out) const {
  out[0]->ensure(in[0]->dtype(), in[0]->shape());
  if (in[0]->dtype() == DType::Float32) softmax_rows<float>(*in[0], *out[0]);
  else softmax_rows<double>(*in[0], *out[0]);
}

Cotangents Softmax::pullback(Vars, Vars outs, OutCotangents cot) const {
  using namespace math;
  const Var &sm = outs[0], &gz = *cot[0];
  // dx = (gz - sum(gz * sm, axis=1)[:, None]) * sm
  return {(gz - dimshuffle(sum(gz * sm, {1}), {0, -1})) * sm};
}

Var softmax(const Var& x) {
  if (x.ndim() == 1) {
    // Theano 1.0 pads a vector to a one-row matrix (with a deprecation warning); so do we.
    return make_apply1(std::make_shared<Softmax>(), {dimshuffle(x, {-1, 0})});
  }
  return make_apply1(std::make_shared<Softmax>(), {x});
}

}  // namespace theano::ops
