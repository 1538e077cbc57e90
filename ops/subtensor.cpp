#include "ops/subtensor.hpp"

#include <fmt/format.h>

#include "core/int_math.hpp"

#include "ops/graph_math.hpp"
#include "ops/shape_math.hpp"
#include "ops/subtensor_util.hpp"

namespace theano::ops {

std::string index_list_str(const std::vector<IndexEntry>& entries) {
  std::string s;
  for (size_t i = 0; i < entries.size(); ++i) {
    const IndexEntry& e = entries[i];
    if (i) s += ", ";
    if (!e.is_slice) s += "int64";
    else s += std::string(e.has_start ? "int64" : "") + ":" + (e.has_stop ? "int64" : "") + ":" + (e.has_step ? "int64" : "");
  }
  return s;
}

namespace indexing {
Range slice_range(std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step, int64_t n) {
  int64_t st = step.value_or(1);
  if (st == 0) throw OpError("slice step cannot be zero");
  auto adjust = [&](std::optional<int64_t> v, int64_t dflt) {
    if (!v) return dflt;
    int64_t x = *v;
    if (x < 0) {
      x += n;
      if (x < 0) x = st < 0 ? -1 : 0;
    } else if (x >= n) {
      x = st < 0 ? n - 1 : n;
    }
    return x;
  };
  int64_t b = adjust(start, st < 0 ? n - 1 : 0), e = adjust(stop, st < 0 ? -1 : n);
  // ceil((e - b) / st) in a form that cannot overflow for any step (b and e are within [-1, n]).
  int64_t len = 0;
  if (st > 0 && b < e) len = (e - b - 1) / st + 1;
  if (st < 0 && e < b) len = (e - b + 1) / st + 1;
  return {b, st, len};
}

int64_t wrap_index(int64_t i, int64_t n, int axis, const Op* op) {
  int64_t j = i < 0 ? i + n : i;
  if (j < 0 || j >= n)
    throw OpError(fmt::format("{}index {} is out of bounds for axis {} with size {}", op ? op->str() + ": " : std::string(), i, axis, n));
  return j;
}

bool fits(const NDArray& y, const Dims& view, const std::vector<bool>& stretch) {
  if (y.ndim() != view.size()) return false;
  for (int d = 0; d < view.size(); ++d)
    if (y.shape(d) != view[d] && !(y.shape(d) == 1 && d < int(stretch.size()) && stretch[size_t(d)])) return false;
  return true;
}

void check_fits(const NDArray& y, const Dims& view, const std::vector<bool>& stretch, const Op& op, bool set) {
  if (!fits(y, view, stretch))
    throw OpError(fmt::format("{}: cannot {} x[idx] of shape {} with y of shape {} (y's dims must equal x[idx]'s or be broadcastable)",
                              op.str(), set ? "set" : "increment", view.str(), y.shape().str()));
}

Var pad_left(const Var& y, int ndim) {
  if (y.ndim() >= ndim) return y;
  std::vector<int> pattern(size_t(ndim - y.ndim()), -1);
  for (int d = 0; d < y.ndim(); ++d) pattern.push_back(d);
  return dimshuffle(y, pattern);
}
// The length of a slice with constant parts over a dimension of size n, as slice_range computes it
// (n constant: the number; n symbolic: the same clamping as an expression). A symbolic part leaves
// the length unknown (an undefined Var): clamping a run-time bound of either sign costs more than
// the Shape_i it would save.
Var slice_length(std::optional<Var> start, std::optional<Var> stop, std::optional<Var> step, const Var& n) {
  std::optional<int64_t> a, b, s;
  for (auto [part, value] : {std::pair{&start, &a}, std::pair{&stop, &b}, std::pair{&step, &s}}) {
    if (!*part) continue;
    *value = dims::value_of(**part);
    if (!*value) return Var();
  }
  int64_t st = s.value_or(1);
  if (st == 0) return Var();
  if (auto nv = dims::value_of(n)) return dims::constant(slice_range(a, b, s, *nv).len);
  using namespace dims;
  // adjust(): a negative bound counts from the end and clamps at the low end; a non-negative one
  // clamps at n (or n - 1 for a negative step).
  Var low = constant(st < 0 ? -1 : 0), high = st < 0 ? sub(n, constant(1)) : n;
  auto adjust = [&](std::optional<int64_t> v, const Var& dflt) {
    if (!v) return dflt;
    if (*v < 0) return maximum(add(n, constant(*v)), low);
    return minimum(constant(*v), high);
  };
  Var first = adjust(a, st < 0 ? sub(n, constant(1)) : constant(0)), last = adjust(b, st < 0 ? constant(-1) : n);
  Var span = st > 0 ? sub(last, first) : sub(first, last);
  if (st == INT64_MIN) return maximum(constant(0), minimum(span, constant(1)));  // |st| > any span: 0 or 1 element
  int64_t k = st > 0 ? st : -st;
  // ceil(span / k) as (span - 1) // k + 1, which cannot overflow for a large step as span + k - 1 can.
  if (k == 1) return maximum(constant(0), span);
  return maximum(constant(0), add(floor_div(sub(span, constant(1)), constant(k)), constant(1)));
}
}  // namespace indexing

namespace {
using indexing::Range;
using indexing::slice_length;
using indexing::slice_range;
using indexing::wrap_index;

int64_t scalar_of(const NDArray* a) { return a->item_int64(0); }

// The view x[entries] given the scalar inputs.
NDArray basic_view(const NDArray& x, const std::vector<IndexEntry>& entries, InArrays parts, const Op& op) {
  Dims shape, strides;
  int64_t offset = x.offset();
  size_t p = 0;
  int d = 0;
  for (const IndexEntry& e : entries) {
    int64_t n = x.shape(d);
    if (!e.is_slice) {
      offset += wrap_index(scalar_of(parts[p++]), n, d, &op) * x.stride(d);
    } else {
      std::optional<int64_t> a, b, s;
      if (e.has_start) a = scalar_of(parts[p++]);
      if (e.has_stop) b = scalar_of(parts[p++]);
      if (e.has_step) s = scalar_of(parts[p++]);
      Range r = slice_range(a, b, s, n);
      if (r.len > 0) offset += r.start * x.stride(d);
      shape.push_back(r.len);
      // With two elements or more |step| < n, so the product fits; otherwise the stride is never used.
      strides.push_back(r.len > 1 ? x.stride(d) * r.step : x.stride(d));
    }
    ++d;
  }
  for (; d < x.ndim(); ++d) {
    shape.push_back(x.shape(d));
    strides.push_back(x.stride(d));
  }
  return x.view(shape, strides, offset);
}

std::optional<int64_t> const_part(const Var& v) {
  if (!v.is_constant()) return std::nullopt;
  return v.node()->constant.item_int64(0);
}

TensorType basic_type(const TensorType& t, const std::vector<IndexEntry>& entries, Vars parts) {
  if (int(entries.size()) > t.ndim()) throw OpError(fmt::format("too many indices ({}) for a {}-d tensor", entries.size(), t.ndim()));
  for (const Variable& v : parts)
    if (v.ndim() != 0 || !is_integer(v.dtype())) throw OpError(fmt::format("indices must be integer scalars, got {}", v.type().str()));
  TensorType out(t.dtype, 0);
  size_t p = 0;
  int d = 0;
  for (const IndexEntry& e : entries) {
    int64_t n = t.shape[d];
    if (!e.is_slice) {
      auto c = const_part(parts[p++]);
      if (c && n >= 0) wrap_index(*c, n, d, nullptr);
    } else {
      std::optional<int64_t> a, b, s;
      bool known = n >= 0;
      if (e.has_start) { a = const_part(parts[p]); known &= a.has_value(); ++p; }
      if (e.has_stop) { b = const_part(parts[p]); known &= b.has_value(); ++p; }
      if (e.has_step) { s = const_part(parts[p]); known &= s.has_value(); ++p; }
      out.shape.push_back(known ? slice_range(a, b, s, n).len : e.n_inputs() == 0 ? n : -1);
      if (e.n_inputs() == 0) out.bcast[out.ndim() - 1] = t.bcast[d];  // ':' keeps the dim as it is
    }
    ++d;
  }
  for (; d < t.ndim(); ++d) {
    out.shape.push_back(t.shape[d]);
    out.bcast[out.ndim() - 1] = t.bcast[d];
  }
  return out;
}

}  // namespace

// ---- Subtensor ----
std::vector<TensorType> Subtensor::make_types(Vars in) const {
  return {basic_type(in[0].type(), entries_, in.subspan(1))};
}

OutShapes Subtensor::infer_shape(Vars in, InShapes shapes) const {
  std::vector<Variable> out;
  size_t p = 1;
  size_t d = 0;
  for (const IndexEntry& e : entries_) {
    if (e.is_slice) {
      std::optional<Var> a, b, s;
      if (e.has_start) a = in[p++];
      if (e.has_stop) b = in[p++];
      if (e.has_step) s = in[p++];
      out.push_back(slice_length(a, b, s, shapes[0][d]));
    } else {
      ++p;  // an integer index drops the dimension
    }
    ++d;
  }
  for (; d < shapes[0].size(); ++d) out.push_back(shapes[0][d]);
  return std::vector<std::vector<Variable>>{out};
}

void Subtensor::perform(InArrays in, OutArrays out) const {
  *out[0] = basic_view(*in[0], entries_, in.subspan(1), *this);
}

Cotangents Subtensor::pullback(Vars in, Vars, OutCotangents cot) const {
  Cotangents g(in.size());
  g[0] = inc_subtensor(zeros_like(in[0]), *cot[0], entries_, std::vector<Variable>(in.begin() + 1, in.end()));
  return g;
}

// ---- IncSubtensor ----
std::vector<TensorType> IncSubtensor::make_types(Vars in) const {
  TensorType view = basic_type(in[0].type(), entries_, in.subspan(2));
  const TensorType& y = in[1].type();
  if (y.ndim() != view.ndim()) throw OpError(fmt::format("the value has {} dims but x[idx] has {}", y.ndim(), view.ndim()));
  if (y.dtype != in[0].dtype()) throw OpError("the value must have the dtype of x");
  for (int d = 0; d < y.ndim(); ++d)
    if (y.known(d) && view.known(d) && y.shape[d] != view.shape[d] && !(y.shape[d] == 1 && y.bcast[d]))
      throw OpError(fmt::format("cannot {} x[idx] of shape {} with y of shape {}", set_ ? "set" : "increment", view.shape_str(), y.shape_str()));
  return {in[0].type()};  // x's type, broadcastable pattern included
}

OutShapes IncSubtensor::infer_shape(Vars in, InShapes shapes) const {
  return std::vector<std::vector<Variable>>{shapes[0]};
}

bool IncSubtensor::fits_in_place(int output, int input, InArrays in) const {
  if (output != 0 || input != 0 || in[1]->shares_memory(*in[0])) return false;
  try {
    NDArray dst = basic_view(*in[0], entries_, in.subspan(2), *this);
    return indexing::fits(*in[1], dst.shape(), stretch_);
  } catch (const OpError&) {
    return false;  // the copying step reports it
  }
}

std::shared_ptr<const Op> IncSubtensor::update_in_place() const {
  return std::make_shared<IncSubtensor>(entries_, set_, stretch_, /*inplace=*/true);
}

namespace {
// dst[...] (+)= y over every element of dst (y stretched where its size is 1).
void write_view(const NDArray& dst, const NDArray& y, bool set) {
  visit_dtype(dst.dtype(), [&](auto t) {
    using T = decltype(t);
    int64_t n = dst.size();
    for (int64_t i = 0; i < n; ++i) {
      // Element i of dst in C order and the matching (broadcast) element of y.
      int64_t rem = i, od = 0, oy = 0;
      for (int d = dst.ndim() - 1; d >= 0; --d) {
        int64_t k = rem % dst.shape(d);
        rem /= dst.shape(d);
        od += k * dst.stride(d);
        oy += (y.shape(d) == 1 ? 0 : k) * y.stride(d);
      }
      T v = y.data<T>()[oy];
      if (set) dst.data<T>()[od] = v;
      else dst.data<T>()[od] = intmath::add(dst.data<T>()[od], v);
    }
  });
}
}  // namespace

void IncSubtensor::perform(InArrays in, OutArrays out) const {
  // In place (the planner or an update gave x's own buffer as the output): no copy of x.
  if (in[0] != out[0]) {
    out[0]->ensure(in[0]->dtype(), in[0]->shape());
    out[0]->copy_from(*in[0]);
  }
  NDArray dst = basic_view(*out[0], entries_, in.subspan(2), *this);
  indexing::check_fits(*in[1], dst.shape(), stretch_, *this, set_);
  write_view(dst, *in[1], set_);
}

Cotangents IncSubtensor::pullback(Vars in, Vars, OutCotangents cot) const {
  std::vector<Variable> parts(in.begin() + 2, in.end());
  Cotangents g(in.size());
  const Var& gz = *cot[0];
  g[0] = set_ ? inc_subtensor(gz, scalar_constant(0, gz.dtype()), entries_, parts, true) : gz;
  g[1] = subtensor(gz, entries_, parts);
  return g;
}

// ---- builders ----
Var subtensor(const Var& x, const std::vector<IndexEntry>& entries, std::vector<Variable> parts) {
  std::vector<Variable> in{x};
  for (auto& p : parts) in.push_back(cast(p, DType::Int64));
  return make_apply1(std::make_shared<Subtensor>(entries), std::move(in));
}

Var inc_subtensor(const Var& x, const Var& y, const std::vector<IndexEntry>& entries, std::vector<Variable> parts, bool set) {
  std::vector<Variable> in{x, Var()};
  for (auto& p : parts) in.push_back(cast(p, DType::Int64));
  int view_ndim = y.ndim();
  try {
    view_ndim = basic_type(x.type(), entries, std::span(in).subspan(2)).ndim();
  } catch (const OpError&) {
    // make_types reports it, with the op and the types
  }
  Var v = indexing::pad_left(cast(y, x.dtype()), view_ndim);
  in[1] = v;
  std::vector<bool> stretch(v.type().bcast.begin(), v.type().bcast.begin() + v.ndim());
  return make_apply1(std::make_shared<IncSubtensor>(entries, set, stretch), std::move(in));
}

}  // namespace theano::ops
