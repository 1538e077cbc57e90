#include "ops/join.hpp"

#include <fmt/format.h>

#include "ops/basic.hpp"
#include "ops/graph_math.hpp"
#include "ops/shape.hpp"
#include "ops/shape_math.hpp"
#include "ops/subtensor.hpp"

namespace theano::ops {

// ---- Join ----
std::vector<TensorType> Join::make_types(Vars in) const {
  if (in.empty()) throw OpError("needs at least one tensor to join");
  const TensorType& t0 = in[0].type();
  if (t0.ndim() == 0) throw OpError("cannot join 0-d tensors (scalars); T::stack joins scalars into a vector");
  if (axis_ < 0 || axis_ >= t0.ndim()) throw OpError(fmt::format("axis {} is out of bounds for {}-d inputs", axis_, t0.ndim()));
  TensorType out = t0;
  int64_t total = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const TensorType& t = in[i].type();
    if (t.ndim() != t0.ndim())
      throw OpError(fmt::format("can only join tensors of one rank: input 0 is {}-d, input {} is {}-d", t0.ndim(), i, t.ndim()));
    if (t.dtype != t0.dtype) throw OpError(fmt::format("inputs must have one dtype: input 0 is {}, input {} is {}", dtype_name(t0.dtype), i, dtype_name(t.dtype)));
    for (int d = 0; d < t.ndim(); ++d) {
      if (d == axis_) continue;
      if (t.known(d) && out.known(d) && t.shape[d] != out.shape[d])
        throw OpError(fmt::format("all inputs must have the same shape except along axis {}: input 0 has shape {}, input {} has {}", axis_,
                                  t0.shape_str(), i, t.shape_str()));
      if (!out.known(d)) out.shape[d] = t.shape[d];
      out.bcast[d] = out.bcast[d] || t.bcast[d];  // Theano's: a broadcastable input makes the dim 1
    }
    total = t.known(axis_) && total >= 0 ? total + t.shape[axis_] : -1;
  }
  out.shape[axis_] = total;
  out.bcast[axis_] = in.size() == 1 && t0.bcast[axis_];
  return {out};
}

OutShapes Join::infer_shape(Vars in, InShapes shapes) const {
  std::vector<Variable> out = shapes[0];
  Var total = shapes[0][size_t(axis_)];
  for (size_t i = 1; i < shapes.size(); ++i) total = dims::add(total, shapes[i][size_t(axis_)]);
  out[size_t(axis_)] = total;
  // A size 1 from a broadcastable input is what every input has there.
  for (size_t d = 0; d < out.size(); ++d)
    for (const Variable& v : in)
      if (int(d) != axis_ && v.type().bcast[d]) out[d] = dims::constant(1);
  return std::vector<std::vector<Variable>>{out};
}

void Join::perform(InArrays in, OutArrays out) const {
  const NDArray& x0 = *in[0];
  Dims shape = x0.shape();
  int64_t total = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const NDArray& x = *in[i];
    bool ok = x.ndim() == x0.ndim();
    for (int d = 0; ok && d < x.ndim(); ++d) ok = d == axis_ || x.shape(d) == x0.shape(d);
    if (!ok)
      throw OpError(fmt::format("{}: all inputs must have the same shape except along axis {}: input 0 has shape {}, input {} has {}", str(),
                                axis_, x0.shape().str(), i, x.shape().str()));
    total += x.shape(axis_);
  }
  shape[axis_] = total;
  out[0]->ensure(x0.dtype(), shape);
  NDArray& o = *out[0];
  int64_t at = 0;
  for (const NDArray* x : in) {
    if (x->size() > 0) o.view(x->shape(), o.strides(), o.offset() + at * o.stride(axis_)).copy_from(*x);
    at += x->shape(axis_);
  }
}

Cotangents Join::pullback(Vars in, Vars, OutCotangents cot) const {
  // Input i's gradient: the cotangent's slice [start_i, start_i + n_i) along the axis.
  std::vector<IndexEntry> entries(size_t(axis_), IndexEntry{true});
  entries.push_back(IndexEntry{true, true, true, false});
  Cotangents g(in.size());
  Var start = dims::constant(0);
  for (size_t i = 0; i < in.size(); ++i) {
    Var stop = dims::add(start, shape_i(in[i], axis_));
    if (is_float(in[i].dtype())) g[i] = subtensor(*cot[0], entries, {start, stop});
    start = stop;
  }
  return g;
}

Var join(int axis, const std::vector<Variable>& xs) {
  if (xs.size() == 1) {
    if (axis < -xs[0].ndim() || axis >= xs[0].ndim())
      throw OpError(fmt::format("join: axis {} is out of bounds for a {}-d input at {}", axis, xs[0].ndim(), SiteScope::current_str()));
    return xs[0];
  }
  int nd = xs.empty() ? 0 : xs[0].ndim();
  if (axis < 0 && axis >= -nd) axis += nd;
  DType d = xs.empty() ? DType::Float64 : xs[0].dtype();
  for (const Variable& x : xs) d = upcast(d, x.dtype());
  std::vector<Variable> in;
  for (const Variable& x : xs) in.push_back(cast(x, d));
  return make_apply1(std::make_shared<Join>(axis), std::move(in));
}

// ---- Alloc ----
std::vector<TensorType> Alloc::make_types(Vars in) const {
  const TensorType& v = in[0].type();
  int nd = int(in.size()) - 1;
  if (v.ndim() > nd) throw OpError(fmt::format("the value has {} dims but the shape has {}", v.ndim(), nd));
  if (nd > kMaxDims) throw OpError(fmt::format("the shape has {} dims (at most {})", nd, kMaxDims));
  TensorType out(v.dtype, nd);
  for (int d = 0; d < nd; ++d) {
    const Variable& s = in[size_t(d) + 1];
    if (s.ndim() != 0 || !is_integer(s.dtype()) || s.dtype() == DType::Bool)
      throw OpError(fmt::format("shape entry {} must be an integer scalar, got {}", d, s.type().str()));
    if (s.is_constant()) {
      int64_t n = s.node()->constant.item_int64(0);
      if (n < 0) throw OpError(fmt::format("negative dimension {} in the shape", n));
      out.shape[d] = n;
      out.bcast[d] = n == 1;
    }
    int k = d - (nd - v.ndim());
    if (k < 0) continue;
    if (v.known(k) && out.known(d) && v.shape[k] != out.shape[d] && !(v.shape[k] == 1 && v.bcast[k]))
      throw OpError(fmt::format("the value of shape {} cannot be broadcast to the shape {}", v.shape_str(), out.shape_str()));
    if (!out.known(d) && v.known(k) && !v.bcast[k]) out.shape[d] = v.shape[k];
  }
  return {out};
}

OutShapes Alloc::infer_shape(Vars in, InShapes) const {
  return std::vector<std::vector<Variable>>{std::vector<Variable>(in.begin() + 1, in.end())};
}

void Alloc::perform(InArrays in, OutArrays out) const {
  const NDArray& v = *in[0];
  int nd = int(in.size()) - 1;
  Dims shape, strides;
  for (int d = 0; d < nd; ++d) {
    int64_t n = in[size_t(d) + 1]->item_int64(0);
    if (n < 0) throw OpError(fmt::format("{}: negative dimension {} in the shape", str(), n));
    shape.push_back(n);
  }
  // value as a view of the target's shape: stride 0 on the stretched dims.
  for (int d = 0; d < nd; ++d) {
    int k = d - (nd - v.ndim());
    bool stretch = k < 0 || (v.shape(k) == 1 && size_t(k) < stretch_.size() && stretch_[size_t(k)]);
    if (!stretch && v.shape(k) != shape[d])
      throw OpError(fmt::format("{}: the value of shape {} cannot be broadcast to the shape {}", str(), v.shape().str(), shape.str()));
    strides.push_back(stretch ? 0 : v.stride(k));
  }
  out[0]->ensure(v.dtype(), shape);
  if (out[0]->size() > 0) out[0]->copy_from(v.view(shape, strides, v.offset()));
}

Cotangents Alloc::pullback(Vars in, Vars, OutCotangents cot) const {
  // Sum over the leading dims the value lacks and the ones it stretches, then drop the leading ones.
  const Var& v = in[0];
  int nd = int(in.size()) - 1, lead = nd - v.ndim();
  std::vector<int> axes;
  for (int d = 0; d < nd; ++d)
    if (d < lead || v.type().bcast[d - lead]) axes.push_back(d);
  Var g = *cot[0];
  if (!axes.empty()) g = sum(g, axes);  // sum drops the summed dims
  std::vector<int> pattern;
  for (int k = 0, j = 0; k < v.ndim(); ++k) pattern.push_back(v.type().bcast[k] ? -1 : j++);
  Cotangents out(in.size());
  out[0] = dimshuffle(g, pattern);
  return out;
}

Var alloc(const Var& value, const std::vector<Variable>& shape) {
  std::vector<Variable> in{value};
  for (const Variable& s : shape) in.push_back(cast(s, DType::Int64));
  std::vector<bool> stretch(value.type().bcast.begin(), value.type().bcast.begin() + value.ndim());
  return make_apply1(std::make_shared<Alloc>(stretch), std::move(in));
}

// ---- diagonal ----
Var diagonal(const Var& x, int offset) {
  if (x.ndim() < 2) throw OpError(fmt::format("diagonal requires an array of at least two dimensions, got {} at {}", x.type().str(), SiteScope::current_str()));
  int64_t r0 = offset < 0 ? -int64_t(offset) : 0, c0 = offset > 0 ? offset : 0;
  Var len = dims::maximum(dims::constant(0), dims::minimum(dims::sub(shape_i(x, 0), dims::constant(r0)), dims::sub(shape_i(x, 1), dims::constant(c0))));
  Var i = arange(dims::constant(0), len, dims::constant(1));
  using namespace math;
  Var d = advanced_subtensor(x, {r0 ? i + double(r0) : i, c0 ? i + double(c0) : i});
  std::vector<int> pattern;
  for (int k = 1; k < x.ndim() - 1; ++k) pattern.push_back(k);
  pattern.push_back(0);
  return dimshuffle(d, pattern);
}

// ---- Eye ----
std::vector<TensorType> Eye::make_types(Vars in) const {
  for (const Variable& v : in)
    if (v.ndim() != 0 || !is_integer(v.dtype()) || v.dtype() == DType::Bool)
      throw OpError(fmt::format("expects integer scalars (n, m, k), got {}", v.type().str()));
  TensorType out(dtype_, 2);
  for (int d = 0; d < 2; ++d)
    if (in[size_t(d)].is_constant()) {
      int64_t n = in[size_t(d)].node()->constant.item_int64(0);
      if (n < 0) throw OpError(fmt::format("negative dimension {}", n));
      out.shape[d] = n;
    }
  return {out};
}

OutShapes Eye::infer_shape(Vars in, InShapes) const { return std::vector<std::vector<Variable>>{{in[0], in[1]}}; }

void Eye::perform(InArrays in, OutArrays out) const {
  int64_t n = in[0]->item_int64(0), m = in[1]->item_int64(0), k = in[2]->item_int64(0);
  if (n < 0 || m < 0) throw OpError(fmt::format("{}: negative dimension in ({}, {})", str(), n, m));
  out[0]->ensure(dtype_, Dims{n, m});
  visit_dtype(dtype_, [&](auto t) {
    using T = decltype(t);
    T* p = out[0]->data<T>();
    for (int64_t i = 0; i < n * m; ++i) p[i] = T(0);
    for (int64_t i = 0; i < n; ++i)
      if (k >= -i && k < m - i) p[i * m + i + k] = T(1);  // no overflow for any k
  });
}

Var eye(const Var& n, const Var& m, const Var& k, DType dtype) {
  return make_apply1(std::make_shared<Eye>(dtype), {cast(n, DType::Int64), cast(m, DType::Int64), cast(k, DType::Int64)});
}

}  // namespace theano::ops
