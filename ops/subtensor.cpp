#include "ops/subtensor.hpp"

#include <fmt/format.h>

#include "core/int_math.hpp"

#include "ops/graph_math.hpp"
#include "ops/shape_math.hpp"

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

namespace {
// Python's slice.indices(): clamps start/stop into [0, n] (or [-1, n-1] for negative steps).
struct Range {
  int64_t start, step, len;
};
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

int64_t scalar_of(const NDArray* a) { return a->item_int64(0); }

// op: the op whose kernel asks (named first, as every kernel error is), or nullptr at build time,
// where make_node's caller already puts the op's name in front of the message.
int64_t wrap_index(int64_t i, int64_t n, int axis, const Op* op) {
  int64_t j = i < 0 ? i + n : i;
  if (j < 0 || j >= n)
    throw OpError(fmt::format("{}index {} is out of bounds for axis {} with size {}", op ? op->str() + ": " : std::string(), i, axis, n));
  return j;
}

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
      out.shape.push_back(known ? slice_range(a, b, s, n).len : -1);
    }
    ++d;
  }
  for (; d < t.ndim(); ++d) {
    out.shape.push_back(t.shape[d]);
    out.bcast[out.ndim() - 1] = t.bcast[d];
  }
  return out;
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
  if (y.ndim() != view.ndim()) throw OpError(fmt::format("the increment has {} dims but x[idx] has {}", y.ndim(), view.ndim()));
  if (y.dtype != in[0].dtype()) throw OpError("the increment must have the dtype of x");
  return {in[0].type()};  // x's type, broadcastable pattern included
}

OutShapes IncSubtensor::infer_shape(Vars in, InShapes shapes) const {
  return std::vector<std::vector<Variable>>{shapes[0]};
}

void IncSubtensor::perform(InArrays in, OutArrays out) const {
  out[0]->ensure(in[0]->dtype(), in[0]->shape());
  out[0]->copy_from(*in[0]);
  NDArray dst = basic_view(*out[0], entries_, in.subspan(2), *this);
  const NDArray& y = *in[1];
  for (int d = 0; d < dst.ndim(); ++d)
    if (y.shape(d) != dst.shape(d) && y.shape(d) != 1)
      throw OpError(fmt::format("{}: increment of shape {} does not fit x[idx] of shape {}", str(), y.shape().str(), dst.shape().str()));
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
      if (set_) dst.data<T>()[od] = v;
      else dst.data<T>()[od] = intmath::add(dst.data<T>()[od], v);
    }
  });
}

Cotangents IncSubtensor::pullback(Vars in, Vars, OutCotangents cot) const {
  std::vector<Variable> parts(in.begin() + 2, in.end());
  Cotangents g(in.size());
  const Var& gz = *cot[0];
  g[0] = set_ ? inc_subtensor(gz, zeros_like(subtensor(gz, entries_, parts)), entries_, parts, true) : gz;
  g[1] = subtensor(gz, entries_, parts);
  return g;
}

// ---- AdvancedSubtensor ----
std::vector<TensorType> AdvancedSubtensor::make_types(Vars in) const {
  const TensorType& t = in[0].type();
  size_t k = in.size() - 1;
  if (k == 0 || int(k) > t.ndim()) throw OpError(fmt::format("needs 1 to {} index vectors, got {}", t.ndim(), k));
  int64_t n = -1;
  for (size_t i = 1; i < in.size(); ++i) {
    const TensorType& it = in[i].type();
    if (it.ndim() != 1 || !is_integer(it.dtype)) throw OpError(fmt::format("index {} must be an integer vector, got {}", i - 1, it.str()));
    if (it.shape[0] >= 0) {
      if (n >= 0 && n != it.shape[0]) throw OpError(fmt::format("index vectors have different lengths {} and {}", n, it.shape[0]));
      n = it.shape[0];
    }
  }
  TensorType out(t.dtype, 1);
  out.shape[0] = n;
  for (int d = int(k); d < t.ndim(); ++d) {
    out.shape.push_back(t.shape[d]);
    out.bcast[out.ndim() - 1] = t.bcast[d];
  }
  return {out};
}

namespace {
// Calls f(out_row, x_offset) for each gathered position, after checking every index.
template <class F>
void for_each_gather(const NDArray& x, InArrays idx, const Op& op, F f) {
  int64_t n = idx[0]->size();
  for (size_t i = 1; i < idx.size(); ++i)
    if (idx[i]->size() != n)
      throw OpError(fmt::format("{}: index vectors have different lengths {} and {}", op.str(), n, idx[i]->size()));
  for (int64_t r = 0; r < n; ++r) {
    int64_t off = x.offset();
    for (size_t i = 0; i < idx.size(); ++i) off += wrap_index(idx[i]->item_int64(r), x.shape(int(i)), int(i), &op) * x.stride(int(i));
    f(r, off);
  }
}
Dims gathered_shape(const NDArray& x, size_t k, int64_t n) {
  Dims s{n};
  for (int d = int(k); d < x.ndim(); ++d) s.push_back(x.shape(d));
  return s;
}
}  // namespace

OutShapes AdvancedSubtensor::infer_shape(Vars in, InShapes shapes) const {
  // The index vectors' length, then x's dims that are not indexed.
  std::vector<Variable> out{shapes[1][0]};
  for (size_t d = in.size() - 1; d < shapes[0].size(); ++d) out.push_back(shapes[0][d]);
  return std::vector<std::vector<Variable>>{out};
}

void AdvancedSubtensor::perform(InArrays in, OutArrays out) const {
  const NDArray& x = *in[0];
  auto idx = in.subspan(1);
  out[0]->ensure(x.dtype(), gathered_shape(x, idx.size(), idx[0]->size()));
  Dims rest_shape, rest_strides;
  for (int d = int(idx.size()); d < x.ndim(); ++d) {
    rest_shape.push_back(x.shape(d));
    rest_strides.push_back(x.stride(d));
  }
  int64_t row = rest_shape.product();
  NDArray& o = *out[0];
  for_each_gather(x, idx, *this, [&](int64_t r, int64_t off) {
    NDArray src = x.view(rest_shape, rest_strides, off);
    NDArray dst = o.view(rest_shape, contiguous_strides(rest_shape), o.offset() + r * row);
    dst.copy_from(src);
  });
}

Cotangents AdvancedSubtensor::pullback(Vars in, Vars, OutCotangents cot) const {
  Cotangents g(in.size());
  g[0] = advanced_inc_subtensor(zeros_like(in[0]), *cot[0], std::vector<Variable>(in.begin() + 1, in.end()));
  return g;
}

// ---- AdvancedIncSubtensor ----
std::vector<TensorType> AdvancedIncSubtensor::make_types(Vars in) const {
  std::vector<Variable> gather_in{in[0]};
  gather_in.insert(gather_in.end(), in.begin() + 2, in.end());
  TensorType view = AdvancedSubtensor().make_types(gather_in)[0];
  if (in[1].ndim() != view.ndim()) throw OpError(fmt::format("the increment has {} dims but x[idx] has {}", in[1].ndim(), view.ndim()));
  if (in[1].dtype() != in[0].dtype()) throw OpError("the increment must have the dtype of x");
  return {in[0].type()};  // x's type, broadcastable pattern included
}

OutShapes AdvancedIncSubtensor::infer_shape(Vars in, InShapes shapes) const {
  return std::vector<std::vector<Variable>>{shapes[0]};
}

void AdvancedIncSubtensor::perform(InArrays in, OutArrays out) const {
  const NDArray& x = *in[0];
  const NDArray& y = *in[1];
  auto idx = in.subspan(2);
  out[0]->ensure(x.dtype(), x.shape());
  out[0]->copy_from(x);
  NDArray& o = *out[0];
  Dims rest_shape;
  for (int d = int(idx.size()); d < x.ndim(); ++d) rest_shape.push_back(x.shape(d));
  int64_t row = rest_shape.product();
  Dims expect = gathered_shape(x, idx.size(), idx[0]->size());
  for (int d = 0; d < y.ndim(); ++d)
    if (y.shape(d) != expect[d] && y.shape(d) != 1)
      throw OpError(fmt::format("{}: increment of shape {} does not fit x[idx] of shape {}", str(), y.shape().str(), expect.str()));
  NDArray yc = y.is_contiguous() && y.shape() == expect ? y : NDArray();
  visit_dtype(x.dtype(), [&](auto t) {
    using T = decltype(t);
    for_each_gather(o, idx, *this, [&](int64_t r, int64_t off) {
      T* dst = o.data<T>() - o.offset() + off;  // off already includes o's offset
      for (int64_t j = 0; j < row; ++j) {
        int64_t flat = r * row + j;
        T v = yc.defined() ? yc.data<T>()[flat] : T(0);
        if (!yc.defined()) {  // broadcast increment: locate its element
          int64_t rem = flat, oy = 0;
          for (int d = y.ndim() - 1; d >= 0; --d) {
            int64_t k = rem % expect[d];
            rem /= expect[d];
            oy += (y.shape(d) == 1 ? 0 : k) * y.stride(d);
          }
          v = y.data<T>()[oy];
        }
        dst[j] = intmath::add(dst[j], v);
      }
    });
  });
}

Cotangents AdvancedIncSubtensor::pullback(Vars in, Vars, OutCotangents cot) const {
  Cotangents g(in.size());
  g[0] = *cot[0];
  g[1] = advanced_subtensor(*cot[0], std::vector<Variable>(in.begin() + 2, in.end()));
  return g;
}

// ---- builders ----
Var subtensor(const Var& x, const std::vector<IndexEntry>& entries, std::vector<Variable> parts) {
  std::vector<Variable> in{x};
  for (auto& p : parts) in.push_back(cast(p, DType::Int64));
  return make_apply1(std::make_shared<Subtensor>(entries), std::move(in));
}

Var inc_subtensor(const Var& x, const Var& y, const std::vector<IndexEntry>& entries, std::vector<Variable> parts, bool set) {
  std::vector<Variable> in{x, cast(y, x.dtype())};
  for (auto& p : parts) in.push_back(cast(p, DType::Int64));
  return make_apply1(std::make_shared<IncSubtensor>(entries, set), std::move(in));
}

Var advanced_subtensor(const Var& x, std::vector<Variable> indices) {
  std::vector<Variable> in{x};
  in.insert(in.end(), indices.begin(), indices.end());
  return make_apply1(std::make_shared<AdvancedSubtensor>(), std::move(in));
}

Var advanced_inc_subtensor(const Var& x, const Var& y, std::vector<Variable> indices) {
  std::vector<Variable> in{x, cast(y, x.dtype())};
  in.insert(in.end(), indices.begin(), indices.end());
  return make_apply1(std::make_shared<AdvancedIncSubtensor>(), std::move(in));
}

}  // namespace theano::ops
