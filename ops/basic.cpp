#include "ops/basic.hpp"

#include <fmt/format.h>

#include "ops/elemwise.hpp"
#include "ops/shape_math.hpp"

namespace theano::ops {

// Python's len(range(start, stop, step)), exact for every int64 triple (core/checked_size.hpp).
static int64_t arange_len(int64_t start, int64_t stop, int64_t step) {
  if (step == 0) throw OpError("arange: step cannot be zero");
  return checked::range_length(start, stop, step);
}

std::vector<TensorType> ARange::make_types(Vars in) const {
  for (const Variable& v : in)
    if (v.ndim() != 0 || !is_integer(v.dtype())) throw OpError(fmt::format("expects integer scalars, got {}", v.type().str()));
  TensorType out(DType::Int64, 1);
  if (in[0].is_constant() && in[1].is_constant() && in[2].is_constant())
    out.shape[0] = arange_len(in[0].node()->constant.item_int64(0), in[1].node()->constant.item_int64(0),
                              in[2].node()->constant.item_int64(0));
  return {out};
}

OutShapes ARange::infer_shape(Vars in, InShapes shapes) const {
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
