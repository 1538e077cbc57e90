// AdvancedSubtensor and AdvancedIncSubtensor: numpy's advanced indexing (integer tensors of any rank,
// broadcast against each other, mixed with slices) as a gather and a scatter.
#include <fmt/format.h>

#include <array>

#include "core/int_math.hpp"
#include "ops/graph_math.hpp"
#include "ops/shape_math.hpp"
#include "ops/subtensor.hpp"
#include "ops/subtensor_util.hpp"

namespace theano::ops {

namespace {
using namespace indexing;

// Which dims of an n-d x the entries index with arrays, and where the broadcast index dims go.
struct Layout {
  std::array<bool, kMaxDims> is_array{};
  int first_array = -1;
  bool adjacent = true;  // the array entries are next to each other: their dims replace them in place
};
Layout layout_of(const std::vector<IndexEntry>& entries) {
  Layout l;
  int last = -1;
  for (int d = 0; d < int(entries.size()); ++d) {
    if (entries[size_t(d)].is_slice) continue;
    l.is_array[size_t(d)] = true;
    if (l.first_array < 0) l.first_array = d;
    else if (last != d - 1) l.adjacent = false;
    last = d;
  }
  return l;
}

// The output dims in order: -1 - j for broadcast index dim j, d >= 0 for x's dim d (sliced or whole).
template <class F>
void for_each_out_dim(const Layout& l, int ndim, int nb, F f) {
  if (!l.adjacent)
    for (int j = 0; j < nb; ++j) f(-1 - j);
  for (int d = 0; d < ndim; ++d) {
    if (l.adjacent && d == l.first_array)
      for (int j = 0; j < nb; ++j) f(-1 - j);
    if (!l.is_array[size_t(d)]) f(d);
  }
}

// Input positions (after x, and y for the increments) of each entry's first part.
std::vector<size_t> part_positions(const std::vector<IndexEntry>& entries, size_t first) {
  std::vector<size_t> pos;
  for (const IndexEntry& e : entries) {
    pos.push_back(first);
    first += size_t(e.n_inputs());
  }
  return pos;
}

// x[entries]'s type; the arrays' broadcast is checked where their static shapes tell.
TensorType gathered_type(const TensorType& t, const std::vector<IndexEntry>& entries, Vars parts) {
  if (int(entries.size()) > t.ndim()) throw OpError(fmt::format("too many indices ({}) for a {}-d tensor", entries.size(), t.ndim()));
  Layout l = layout_of(entries);
  if (l.first_array < 0) throw OpError("needs at least one integer tensor index");
  int nb = 0;
  size_t p = 0;
  std::vector<const TensorType*> arrays;
  for (const IndexEntry& e : entries) {
    for (int k = 0; k < e.n_inputs(); ++k, ++p) {
      const TensorType& it = parts[p].type();
      if (!is_integer(it.dtype) || it.dtype == DType::Bool || (e.is_slice && it.ndim() != 0))
        throw OpError(fmt::format("index {} must be {}, got {}", p, e.is_slice ? "an integer scalar (a slice bound)" : "an integer tensor", it.str()));
      if (!e.is_slice) {
        arrays.push_back(&it);
        nb = std::max(nb, it.ndim());
      }
    }
  }
  // Broadcast index dims: broadcastable dims stretch, the others must agree.
  TensorType b(t.dtype, nb);
  for (int j = 0; j < nb; ++j) {
    int64_t size = -1;
    bool all_bcast = true;
    for (const TensorType* a : arrays) {
      int k = j - (nb - a->ndim());
      if (k < 0 || a->bcast[k]) continue;
      all_bcast = false;
      if (!a->known(k)) continue;
      if (size >= 0 && size != a->shape[k]) {
        std::string shapes;
        for (const TensorType* s : arrays) shapes += (shapes.empty() ? "" : " ") + s->shape_str();
        throw OpError("shape mismatch: indexing arrays could not be broadcast together with shapes " + shapes);
      }
      size = a->shape[k];
    }
    b.shape[j] = all_bcast ? 1 : size;
    b.bcast[j] = all_bcast;
  }
  int out_ndim = nb;
  for (int d = 0; d < t.ndim(); ++d) out_ndim += !l.is_array[size_t(d)];
  if (out_ndim > kMaxDims) throw OpError(fmt::format("the result would have {} dims (at most {})", out_ndim, kMaxDims));
  TensorType out(t.dtype, 0);
  std::vector<size_t> pos = part_positions(entries, 0);
  for_each_out_dim(l, t.ndim(), nb, [&](int d) {
    if (d < 0) {
      out.shape.push_back(b.shape[-1 - d]);
      out.bcast[out.ndim() - 1] = b.bcast[-1 - d];
      return;
    }
    if (d >= int(entries.size()) || !(entries[size_t(d)].n_inputs())) {  // taken whole
      out.shape.push_back(t.shape[d]);
      out.bcast[out.ndim() - 1] = t.bcast[d];
      return;
    }
    const IndexEntry& e = entries[size_t(d)];
    std::optional<int64_t> part[3];
    bool known = t.known(d);
    size_t q = pos[size_t(d)];
    bool has[3] = {e.has_start, e.has_stop, e.has_step};
    for (int k = 0; k < 3; ++k)
      if (has[k]) {
        const Variable& v = parts[q++];
        if (v.is_constant()) part[k] = v.node()->constant.item_int64(0);
        known &= part[k].has_value();
      }
    out.shape.push_back(known ? slice_range(part[0], part[1], part[2], t.shape[d]).len : -1);
  });
  return out;
}

// The layout of x[entries] for one call's arrays.
struct Plan {
  Dims out, bshape;
  int n_arrays = 0;
  std::array<int, kMaxDims> array_dim{};  // x's dim of index array j
  std::array<const NDArray*, kMaxDims> arrays{};
  std::array<int64_t, kMaxDims> start{}, step{};  // per x dim that is sliced or whole
  std::array<int, kMaxDims> out_from{};           // as for_each_out_dim gives them
};

Plan plan_of(const NDArray& x, const std::vector<IndexEntry>& entries, const std::vector<bool>& index_bcast, InArrays parts, const Op& op) {
  Plan p;
  Layout l = layout_of(entries);
  size_t q = 0;
  int nb = 0;
  std::array<int64_t, kMaxDims> len{};  // per x dim: the slice's length, or the whole dim's
  for (int d = 0; d < x.ndim(); ++d) {
    len[size_t(d)] = x.shape(d);
    p.start[size_t(d)] = 0;
    p.step[size_t(d)] = 1;
    if (d >= int(entries.size())) continue;
    const IndexEntry& e = entries[size_t(d)];
    if (!e.is_slice) {
      p.array_dim[size_t(p.n_arrays)] = d;
      p.arrays[size_t(p.n_arrays++)] = parts[q++];
      nb = std::max(nb, parts[q - 1]->ndim());
      continue;
    }
    std::optional<int64_t> a, b, s;
    if (e.has_start) a = parts[q++]->item_int64(0);
    if (e.has_stop) b = parts[q++]->item_int64(0);
    if (e.has_step) s = parts[q++]->item_int64(0);
    Range r = slice_range(a, b, s, x.shape(d));
    p.start[size_t(d)] = r.start;
    p.step[size_t(d)] = r.step;
    len[size_t(d)] = r.len;
  }
  p.bshape = Dims::filled(nb, 1);
  // First the sizes of the dims that do not stretch, then every dim must have them or stretch.
  for (int pass = 0; pass < 2; ++pass)
  for (int j = 0, bit = 0; j < p.n_arrays; ++j) {
    const NDArray& a = *p.arrays[size_t(j)];
    for (int k = 0; k < a.ndim(); ++k, ++bit) {
      int64_t& b = p.bshape[k + nb - a.ndim()];
      bool stretches = size_t(bit) < index_bcast.size() && index_bcast[size_t(bit)] && a.shape(k) == 1;
      if (a.shape(k) == b || stretches) continue;
      if (pass == 1 || b != 1) {
        std::string shapes;
        for (int i = 0; i < p.n_arrays; ++i) shapes += (i ? " " : "") + p.arrays[size_t(i)]->shape().str();
        throw OpError(op.str() + ": shape mismatch: indexing arrays could not be broadcast together with shapes " + shapes);
      }
      b = a.shape(k);
    }
  }
  int k = 0;
  for_each_out_dim(l, x.ndim(), nb, [&](int d) {
    p.out_from[size_t(k++)] = d;
    p.out.push_back(d < 0 ? p.bshape[-1 - d] : len[size_t(d)]);
  });
  // Every index in range (numpy checks them all, also those an empty broadcast would not use).
  for (int j = 0; j < p.n_arrays; ++j) {
    const NDArray& a = *p.arrays[size_t(j)];
    for (int64_t i = 0, n = a.size(); i < n; ++i) wrap_index(a.item_int64(i), x.shape(p.array_dim[size_t(j)]), p.array_dim[size_t(j)], &op);
  }
  return p;
}

int64_t read_index(const NDArray& a, int64_t off) {
  return visit_dtype(a.dtype(), [&](auto t) { return int64_t(a.data<decltype(t)>()[off]); });
}

// Calls f(flat, x_offset, index) for each position of the plan's output in C order: x_offset is the
// element of x (from x.data()) it reads, index its multi-index in the output.
template <class F>
void for_each_position(const Plan& p, const NDArray& x, F f) {
  int64_t total = p.out.product();
  if (total == 0) return;
  int nd = p.out.size(), nb = p.bshape.size();
  Dims oi = Dims::filled(nd, 0), bi = Dims::filled(nb, 0);
  for (int64_t n = 0; n < total; ++n) {
    int64_t off = 0;
    for (int k = 0; k < nd; ++k) {
      int d = p.out_from[size_t(k)];
      if (d < 0) bi[-1 - d] = oi[k];
      else off += (p.start[size_t(d)] + oi[k] * p.step[size_t(d)]) * x.stride(d);
    }
    for (int j = 0; j < p.n_arrays; ++j) {
      const NDArray& a = *p.arrays[size_t(j)];
      int64_t ao = 0;
      for (int m = 0; m < a.ndim(); ++m) ao += (a.shape(m) == 1 ? 0 : bi[m + nb - a.ndim()]) * a.stride(m);
      int d = p.array_dim[size_t(j)];
      int64_t v = read_index(a, ao);
      off += (v < 0 ? v + x.shape(d) : v) * x.stride(d);
    }
    f(n, off, oi);
    for (int k = nd - 1; k >= 0; --k) {
      if (++oi[k] < p.out[k]) break;
      oi[k] = 0;
    }
  }
}

std::vector<bool> stretch_of(const Var& y) { return std::vector<bool>(y.type().bcast.begin(), y.type().bcast.begin() + y.ndim()); }

// The broadcastable flags of every dim of the index tensors, in order.
std::vector<bool> index_bcast_of(const std::vector<IndexEntry>& entries, Vars parts) {
  std::vector<bool> bits;
  size_t q = 0;
  for (const IndexEntry& e : entries)
    for (int k = 0; k < e.n_inputs() && q < parts.size(); ++k, ++q)
      if (!e.is_slice)
        for (int d = 0; d < parts[q].ndim(); ++d) bits.push_back(parts[q].type().bcast[d]);
  return bits;
}
}  // namespace

// ---- AdvancedSubtensor ----
std::vector<TensorType> AdvancedSubtensor::make_types(Vars in) const {
  return {gathered_type(in[0].type(), entries_, in.subspan(1))};
}

OutShapes AdvancedSubtensor::infer_shape(Vars in, InShapes shapes) const {
  Layout l = layout_of(entries_);
  std::vector<size_t> pos = part_positions(entries_, 1);
  int nb = 0;
  for (size_t d = 0; d < entries_.size(); ++d)
    if (!entries_[d].is_slice) nb = std::max(nb, in[pos[d]].ndim());
  std::vector<Variable> out;
  for_each_out_dim(l, in[0].ndim(), nb, [&](int d) {
    if (d >= 0) {
      if (d >= int(entries_.size()) || !entries_[size_t(d)].n_inputs()) {
        out.push_back(shapes[0][size_t(d)]);
        return;
      }
      const IndexEntry& e = entries_[size_t(d)];
      size_t q = pos[size_t(d)];
      std::optional<Var> a, b, s;
      if (e.has_start) a = in[q++];
      if (e.has_stop) b = in[q++];
      if (e.has_step) s = in[q++];
      out.push_back(slice_length(a, b, s, shapes[0][size_t(d)]));
      return;
    }
    // The arrays' sizes on a broadcast dim: 1 where their types are broadcastable, else equal when
    // the op runs (its kernel checks): the first such size, or 1.
    int j = -1 - d;
    Var size = dims::constant(1);
    for (size_t e = 0; e < entries_.size(); ++e) {
      if (entries_[e].is_slice) continue;
      int k = j - (nb - in[pos[e]].ndim());
      if (k < 0 || in[pos[e]].type().bcast[k]) continue;
      size = shapes[pos[e]][size_t(k)];
      break;
    }
    out.push_back(size);
  });
  return std::vector<std::vector<Variable>>{out};
}

void AdvancedSubtensor::perform(InArrays in, OutArrays out) const {
  const NDArray& x = *in[0];
  Plan p = plan_of(x, entries_, index_bcast_, in.subspan(1), *this);
  out[0]->ensure(x.dtype(), p.out);
  NDArray& o = *out[0];
  visit_dtype(x.dtype(), [&](auto t) {
    using T = decltype(t);
    const T* src = x.data<T>();
    T* dst = o.data<T>();
    for_each_position(p, x, [&](int64_t n, int64_t off, const Dims&) { dst[n] = src[off]; });
  });
}

Cotangents AdvancedSubtensor::pullback(Vars in, Vars, OutCotangents cot) const {
  Cotangents g(in.size());
  g[0] = advanced_inc_subtensor(zeros_like(in[0]), *cot[0], entries_, std::vector<Variable>(in.begin() + 1, in.end()));
  return g;
}

// ---- AdvancedIncSubtensor ----
std::string AdvancedIncSubtensor::str() const {
  if (!inplace_ && !set_) return "AdvancedIncSubtensor";
  return std::string("AdvancedIncSubtensor{") + (inplace_ ? "inplace" : "") + (inplace_ && set_ ? ", " : "") + (set_ ? "set" : "") + "}";
}

std::vector<TensorType> AdvancedIncSubtensor::make_types(Vars in) const {
  TensorType view = gathered_type(in[0].type(), entries_, in.subspan(2));
  const TensorType& y = in[1].type();
  if (y.ndim() != view.ndim()) throw OpError(fmt::format("the value has {} dims but x[idx] has {}", y.ndim(), view.ndim()));
  if (y.dtype != in[0].dtype()) throw OpError("the value must have the dtype of x");
  for (int d = 0; d < y.ndim(); ++d)
    if (y.known(d) && view.known(d) && y.shape[d] != view.shape[d] && !(y.shape[d] == 1 && y.bcast[d]))
      throw OpError(fmt::format("cannot {} x[idx] of shape {} with y of shape {}", set_ ? "set" : "increment", view.shape_str(), y.shape_str()));
  return {in[0].type()};  // x's type, broadcastable pattern included
}

OutShapes AdvancedIncSubtensor::infer_shape(Vars in, InShapes shapes) const {
  return std::vector<std::vector<Variable>>{shapes[0]};
}

bool AdvancedIncSubtensor::fits_in_place(int output, int input, InArrays in) const {
  if (output != 0 || input != 0 || in[1]->shares_memory(*in[0])) return false;
  for (const NDArray* a : in.subspan(2))
    if (a->shares_memory(*in[0])) return false;
  try {
    return indexing::fits(*in[1], plan_of(*in[0], entries_, index_bcast_, in.subspan(2), *this).out, stretch_);
  } catch (const OpError&) {
    return false;  // the copying step reports it
  }
}

std::shared_ptr<const Op> AdvancedIncSubtensor::update_in_place() const {
  return std::make_shared<AdvancedIncSubtensor>(entries_, set_, stretch_, index_bcast_, /*inplace=*/true);
}

void AdvancedIncSubtensor::perform(InArrays in, OutArrays out) const {
  const NDArray& y = *in[1];
  // Every index and y's shape are checked before x (or its copy) is written.
  Plan p = plan_of(*in[0], entries_, index_bcast_, in.subspan(2), *this);
  check_fits(y, p.out, stretch_, *this, set_);
  if (in[0] != out[0]) {  // not in place: work on a copy of x
    out[0]->ensure(in[0]->dtype(), in[0]->shape());
    out[0]->copy_from(*in[0]);
  }
  NDArray& o = *out[0];
  visit_dtype(o.dtype(), [&](auto t) {
    using T = decltype(t);
    T* dst = o.data<T>();
    const T* src = y.data<T>();
    for_each_position(p, o, [&](int64_t, int64_t off, const Dims& oi) {
      int64_t yo = 0;
      for (int k = 0; k < y.ndim(); ++k) yo += (y.shape(k) == 1 ? 0 : oi[k]) * y.stride(k);
      dst[off] = set_ ? src[yo] : intmath::add(dst[off], src[yo]);  // repeated positions accumulate
    });
  });
}

Cotangents AdvancedIncSubtensor::pullback(Vars in, Vars, OutCotangents cot) const {
  std::vector<Variable> parts(in.begin() + 2, in.end());
  const Var& gz = *cot[0];
  Cotangents g(in.size());
  g[0] = set_ ? advanced_inc_subtensor(gz, scalar_constant(0, gz.dtype()), entries_, parts, true) : gz;
  g[1] = advanced_subtensor(gz, entries_, parts);
  return g;
}

// ---- builders ----
namespace {
std::vector<Variable> cast_slice_parts(const std::vector<IndexEntry>& entries, std::vector<Variable> parts) {
  size_t q = 0;
  for (const IndexEntry& e : entries)
    for (int k = 0; k < e.n_inputs() && q < parts.size(); ++k, ++q)
      if (e.is_slice) parts[q] = cast(parts[q], DType::Int64);
  return parts;
}
}  // namespace

Var advanced_subtensor(const Var& x, const std::vector<IndexEntry>& entries, std::vector<Variable> parts) {
  std::vector<Variable> in{x};
  for (Variable& v : cast_slice_parts(entries, std::move(parts))) in.push_back(v);
  std::vector<bool> bits = index_bcast_of(entries, std::span(in).subspan(1));
  return make_apply1(std::make_shared<AdvancedSubtensor>(entries, bits), std::move(in));
}

Var advanced_inc_subtensor(const Var& x, const Var& y, const std::vector<IndexEntry>& entries, std::vector<Variable> parts, bool set) {
  std::vector<Variable> in{x, Var()};
  for (Variable& v : cast_slice_parts(entries, std::move(parts))) in.push_back(v);
  int view_ndim = y.ndim();
  try {
    view_ndim = gathered_type(x.type(), entries, std::span(in).subspan(2)).ndim();
  } catch (const OpError&) {
    // make_types reports it, with the op and the types
  }
  Var v = pad_left(cast(y, x.dtype()), view_ndim);
  in[1] = v;
  std::vector<bool> bits = index_bcast_of(entries, std::span(in).subspan(2));
  return make_apply1(std::make_shared<AdvancedIncSubtensor>(entries, set, stretch_of(v), bits), std::move(in));
}

Var advanced_subtensor(const Var& x, std::vector<Variable> indices) {
  std::vector<IndexEntry> entries(indices.size());  // before indices is moved from
  return advanced_subtensor(x, entries, std::move(indices));
}

Var advanced_inc_subtensor(const Var& x, const Var& y, std::vector<Variable> indices) {
  std::vector<IndexEntry> entries(indices.size());
  return advanced_inc_subtensor(x, y, entries, std::move(indices));
}

}  // namespace theano::ops
