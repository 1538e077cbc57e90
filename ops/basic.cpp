#include "ops/basic.hpp"

#include <fmt/format.h>

#include <cmath>

#include "ops/elemwise.hpp"
#include "ops/shape_math.hpp"

namespace theano::ops {

// Python's len(range(start, stop, step)), exact for every int64 triple (core/checked_size.hpp).
static int64_t arange_len(int64_t start, int64_t stop, int64_t step) {
  if (step == 0) throw OpError("arange: step cannot be zero");
  return checked::range_length(start, stop, step);
}

namespace {
// numpy's length for a float range: ceil((stop - start) / step), at least 0.
int64_t float_arange_len(double start, double stop, double step) {
  if (step == 0) throw OpError("arange: step cannot be zero");
  double n = std::ceil((stop - start) / step);
  if (std::isnan(n)) throw OpError(fmt::format("arange: cannot compute the length of arange({}, {}, {})", start, stop, step));
  if (n <= 0) return 0;
  if (n >= 9.2e18) throw OpError(fmt::format("arange: arange({}, {}, {}) is too long", start, stop, step));
  return int64_t(n);
}
}  // namespace

std::vector<TensorType> ARange::make_types(Vars in) const {
  bool int_range = is_integer(dtype_);
  for (const Variable& v : in)
    if (v.ndim() != 0 || v.dtype() != (int_range ? DType::Int64 : DType::Float64))
      throw OpError(fmt::format("expects {} scalars, got {}", int_range ? "int64" : "float64", v.type().str()));
  TensorType out(dtype_, 1);
  if (in[0].is_constant() && in[1].is_constant() && in[2].is_constant()) {
    const NDArray &a = in[0].node()->constant, &b = in[1].node()->constant, &c = in[2].node()->constant;
    out.shape[0] = int_range ? arange_len(a.item_int64(0), b.item_int64(0), c.item_int64(0)) : float_arange_len(a.item(0), b.item(0), c.item(0));
  }
  return {out};
}

OutShapes ARange::infer_shape(Vars in, InShapes shapes) const {
  if (!is_integer(dtype_)) {  // a float range's length is known when its arguments are constants
    if (!in[0].is_constant() || !in[1].is_constant() || !in[2].is_constant()) return std::vector<std::vector<Variable>>{{Var()}};
    return std::vector<std::vector<Variable>>{{dims::constant(make_types(in)[0].shape[0])}};
  }
  // arange_len with a constant step (a symbolic step leaves the length unknown).
  auto step = dims::value_of(in[2]);
  if (!step || *step == 0 || *step == INT64_MIN) return std::vector<std::vector<Variable>>{{Var()}};
  Var span = *step > 0 ? dims::sub(in[1], in[0]) : dims::sub(in[0], in[1]);
  int64_t s = *step > 0 ? *step : -*step;
  // ceil(span / s) as (span - 1) // s + 1, which cannot overflow for a large step as span + s - 1 can.
  Var len = s == 1 ? span : dims::add(dims::floor_div(dims::sub(span, dims::constant(1)), dims::constant(s)), dims::constant(1));
  return std::vector<std::vector<Variable>>{{dims::maximum(dims::constant(0), len)}};
}

void ARange::perform(InArrays in, OutArrays out) const {
  if (!is_integer(dtype_)) {
    double start = in[0]->item(0), stop = in[1]->item(0), step = in[2]->item(0);
    int64_t n = float_arange_len(start, stop, step);
    out[0]->ensure(dtype_, Dims{n});
    visit_dtype(dtype_, [&](auto t) {
      using T = decltype(t);
      if constexpr (std::is_floating_point_v<T>) {
        // numpy's fill: the first two values from the arguments, then first + i * (second - first) in T.
        T* p = out[0]->data<T>();
        if (n > 0) p[0] = T(start);
        if (n > 1) p[1] = T(start + step);
        T first = n > 0 ? p[0] : T(0), delta = n > 1 ? T(p[1] - p[0]) : T(0);
        for (int64_t i = 2; i < n; ++i) p[i] = T(first + T(i) * delta);
      }
    });
    return;
  }
  int64_t start = in[0]->item_int64(0), stop = in[1]->item_int64(0), step = in[2]->item_int64(0);
  int64_t n = arange_len(start, stop, step);
  out[0]->ensure(DType::Int64, Dims{n});
  int64_t* p = out[0]->data<int64_t>();
  // In uint64: start + i * step stays within [start, stop) but i * step alone may not fit in int64.
  for (int64_t i = 0; i < n; ++i) p[i] = int64_t(uint64_t(start) + uint64_t(i) * uint64_t(step));
}

Var arange(const Var& start, const Var& stop, const Var& step) {
  return make_apply1(std::make_shared<ARange>(), {cast(start, DType::Int64), cast(stop, DType::Int64), cast(step, DType::Int64)});
}

Var arange(const Var& start, const Var& stop, const Var& step, DType dtype) {
  if (is_integer(dtype)) return arange(start, stop, step);
  return make_apply1(std::make_shared<ARange>(dtype), {cast(start, DType::Float64), cast(stop, DType::Float64), cast(step, DType::Float64)});
}

}  // namespace theano::ops

namespace theano::ops {

std::vector<TensorType> MakeVector::make_types(Vars in) const {
  for (const Variable& v : in)
    if (v.ndim() != 0 || !is_integer(v.dtype())) throw OpError(fmt::format("expects integer scalars, got {}", v.type().str()));
  return {TensorType::with_shape(DType::Int64, Dims{int64_t(in.size())})};
}

OutShapes MakeVector::infer_shape(Vars in, InShapes shapes) const {
  return std::vector<std::vector<Variable>>{{dims::constant(int64_t(in.size()))}};
}

void MakeVector::perform(InArrays in, OutArrays out) const {
  out[0]->ensure(DType::Int64, Dims{int64_t(in.size())});
  for (size_t i = 0; i < in.size(); ++i) out[0]->data<int64_t>()[i] = in[i]->item_int64(0);
}

Var make_vector(const std::vector<Variable>& scalars) {
  std::vector<Variable> in;
  for (const Variable& s : scalars) in.push_back(cast(s, DType::Int64));
  return make_apply1(std::make_shared<MakeVector>(), std::move(in));
}

}  // namespace theano::ops
