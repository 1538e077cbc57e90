#include "ops/shape.hpp"

#include <fmt/format.h>

#include "ops/basic.hpp"
#include "ops/elemwise.hpp"
#include "ops/graph_math.hpp"
#include "ops/shape_math.hpp"
#include "ops/subtensor.hpp"

namespace theano::ops {

// ---- DimShuffle ----
DimShuffle::DimShuffle(int input_ndim, std::vector<int> pattern) : input_ndim_(input_ndim), pattern_(std::move(pattern)) {}

std::string DimShuffle::str() const {
  std::string s = "DimShuffle{";
  for (size_t i = 0; i < pattern_.size(); ++i) s += (i ? "," : "") + (pattern_[i] < 0 ? std::string("x") : std::to_string(pattern_[i]));
  return s + "}";
}

std::vector<TensorType> DimShuffle::make_types(Vars inputs) const {
  const TensorType& t = inputs[0].type();
  if (t.ndim() != input_ndim_) throw OpError(fmt::format("expects a {}-d input, got {}-d", input_ndim_, t.ndim()));
  std::vector<bool> used(input_ndim_, false);
  TensorType out(t.dtype, int(pattern_.size()));
  for (size_t i = 0; i < pattern_.size(); ++i) {
    int p = pattern_[i];
    if (p < -1) throw OpError(fmt::format("pattern entry {} is neither an input dimension nor -1 ('x')", p));
    if (p < 0) {
      out.bcast[i] = true;
      out.shape[i] = 1;
      continue;
    }
    if (p >= input_ndim_)
      throw OpError(fmt::format("pattern entry {} is not a dimension of the {}-d input {} (valid: 0 to {} or 'x')", p, input_ndim_, t.str(),
                                input_ndim_ - 1));
    if (used[p]) throw OpError(fmt::format("dimension {} appears twice in the pattern", p));
    used[p] = true;
    out.bcast[i] = t.bcast[p];
    out.shape[i] = t.shape[p];
  }
  for (int d = 0; d < input_ndim_; ++d)
    if (!used[d] && !t.bcast[d])
      throw OpError(fmt::format("cannot drop dimension {} of {}: it is not broadcastable", d, t.str()));
  return {out};
}

void DimShuffle::perform(InArrays in, OutArrays out) const {
  const NDArray& x = *in[0];
  Dims shape, strides;
  for (int p : pattern_) {
    shape.push_back(p < 0 ? 1 : x.shape(p));
    strides.push_back(p < 0 ? 0 : x.stride(p));
  }
  for (int d = 0; d < x.ndim(); ++d) {
    bool used = false;
    for (int p : pattern_) used |= p == d;
    if (!used && x.shape(d) != 1)
      throw OpError(fmt::format("{}: dropped dimension {} has size {} (shape {})", str(), d, x.shape(d), x.shape().str()));
  }
  *out[0] = x.view(shape, strides, x.offset());
}

Cotangents DimShuffle::pullback(Vars in, Vars, OutCotangents cot) const {
  std::vector<int> back(input_ndim_, -1);
  for (size_t i = 0; i < pattern_.size(); ++i)
    if (pattern_[i] >= 0) back[pattern_[i]] = int(i);
  // Output dims that were inserted ('x') are dropped; input dims that were dropped come back as 'x'.
  return {dimshuffle(*cot[0], back)};
}

OutShapes DimShuffle::infer_shape(Vars,
                                                                   InShapes shapes) const {
  std::vector<Variable> out;
  for (int p : pattern_) out.push_back(p < 0 ? dims::constant(1) : shapes[0][size_t(p)]);
  return std::vector<std::vector<Variable>>{out};
}

// ---- Reshape ----
namespace {
// Whether size d (an integer scalar) is known to be 1 when the graph is built, as Theano's
// get_scalar_constant_value sees it: a constant 1, or the size of a broadcastable dim measured by
// Shape_i{k}(y) or Shape(y)[k], also behind a cast. These are the forms the shape rewrites turn into
// one another (local_shape_to_shape_i, local_shape_subtensor, local_shape_i_lift, constant folding),
// so a type decided on any of them stays what the rewritten graph's inputs give.
bool known_one(const Variable& d) {
  if (d.is_constant()) return d.node()->constant.size() == 1 && d.node()->constant.item(0) == 1;
  Apply* a = d.owner();
  if (!a) return false;
  if (auto* e = dynamic_cast<const Elemwise*>(a->op.get()); e && e->kind() == ScalarKind::Cast) return known_one(a->inputs[0]);
  if (auto* si = dynamic_cast<const ShapeI*>(a->op.get())) return a->inputs[0].type().broadcastable(si->i());
  auto* st = dynamic_cast<const Subtensor*>(a->op.get());
  if (!st || st->entries().size() != 1 || st->entries()[0].is_slice) return false;
  const Variable& v = a->inputs[0];
  const Variable& k = a->inputs[1];
  if (!v.owner() || !dynamic_cast<const Shape*>(v.owner()->op.get()) || !k.is_constant()) return false;
  const Variable& y = v.owner()->inputs[0];
  int64_t i = int64_t(k.node()->constant.item(0));
  if (i < 0) i += y.ndim();
  return i >= 0 && i < y.ndim() && y.type().broadcastable(int(i));
}

// Entry i of a symbolic shape vector is known to be 1: an entry of MakeVector, or Shape(y)[i].
bool known_one_entry(const Variable& s, int i) {
  Apply* a = s.owner();
  if (!a) return false;
  if (dynamic_cast<const Shape*>(a->op.get())) return a->inputs[0].type().broadcastable(i);
  if (dynamic_cast<const MakeVector*>(a->op.get())) return known_one(a->inputs[size_t(i)]);
  return false;
}
}  // namespace

std::vector<TensorType> Reshape::make_types(Vars inputs) const {
  const Variable& s = inputs[1];
  if (s.ndim() != 1 || !is_integer(s.dtype())) throw OpError("the shape must be an integer vector");
  if (s.type().shape[0] >= 0 && s.type().shape[0] != ndim_)
    throw OpError(fmt::format("the shape has {} entries but the op makes {} dims", s.type().shape[0], ndim_));
  TensorType out(inputs[0].dtype(), ndim_);
  if (!s.is_constant()) {
    for (int i = 0; i < ndim_; ++i)
      if (known_one_entry(s, i)) out.shape[i] = 1, out.bcast[i] = true;
  } else {
    const NDArray& c = s.node()->constant;
    int64_t unknown_at = -1;
    for (int i = 0; i < ndim_; ++i) {
      int64_t v = c.item_int64(i);
      if (v == -1) {
        if (unknown_at >= 0) throw OpError("only one dimension can be -1");
        unknown_at = i;
        continue;
      }
      if (v < 0) throw OpError(fmt::format("invalid dimension {}", v));
      out.shape[i] = v;
      out.bcast[i] = v == 1;
    }
    // The count of the known entries must fit in int64: a count that wraps could otherwise equal the
    // input's (2**32 x 2**32 "is" 0 elements).
    Dims target = out.shape;
    if (unknown_at >= 0) target[unknown_at] = 1;
    int64_t known;
    if (!checked::product(target.span(), known))
      throw OpError(fmt::format("cannot reshape into shape {}: it has more than 2**63 - 1 elements", out.shape_str()));
    const TensorType& xt = inputs[0].type();
    bool all_known = true;
    for (int i = 0; i < xt.ndim(); ++i) all_known &= xt.shape[i] >= 0;
    int64_t total = all_known ? checked::numel(xt.shape.span()) : 0;
    if (all_known) {
      if (unknown_at >= 0) {
        if (known == 0 || total % known != 0)
          throw OpError(fmt::format("cannot reshape {} elements of shape {} into {}", total, xt.shape_str(), c.str()));
        out.shape[unknown_at] = total / known;
      } else if (known != total) {
        throw OpError(fmt::format("cannot reshape {} elements of shape {} into shape {}", total, xt.shape_str(), out.shape_str()));
      }
    }
  }
  return {out};
}

static Dims resolve_shape(const NDArray& spec, const Dims& from, const Op& op) {
  Dims shape;
  int unknown_at = -1;
  for (int64_t i = 0; i < spec.size(); ++i) {
    int64_t v = spec.item_int64(i);
    if (v == -1 && unknown_at < 0) unknown_at = int(i);
    else if (v < 0) throw OpError(fmt::format("{}: invalid target shape entry {}", op.str(), v));
    shape.push_back(v);
  }
  Dims ones = shape;
  if (unknown_at >= 0) ones[unknown_at] = 1;
  int64_t known;
  if (!checked::product(ones.span(), known))
    throw OpError(fmt::format("{}: cannot reshape array of shape {} into shape {}: the target has more than 2**63 - 1 elements", op.str(),
                              from.str(), shape.str()));
  int64_t total = from.product();
  if (unknown_at >= 0) {
    if (known == 0 || total % known) throw OpError(fmt::format("{}: cannot reshape array of shape {} into {}", op.str(), from.str(), shape.str()));
    shape[unknown_at] = total / known;
  }
  if (shape.product() != total) throw OpError(fmt::format("{}: cannot reshape array of shape {} into shape {}", op.str(), from.str(), shape.str()));
  return shape;
}

void Reshape::perform(InArrays in, OutArrays out) const {
  Dims shape = resolve_shape(*in[1], in[0]->shape(), *this);
  checked::bytes_for(in[0]->dtype(), shape.span());  // a view must be an array numpy could allocate
  if (in[0]->is_contiguous()) {
    *out[0] = in[0]->view(shape, contiguous_strides(shape), in[0]->offset());
  } else {
    out[0]->ensure(in[0]->dtype(), in[0]->shape());
    out[0]->copy_from(*in[0]);
    *out[0] = out[0]->view(shape, contiguous_strides(shape), 0);
  }
}

Cotangents Reshape::pullback(Vars in, Vars, OutCotangents cot) const {
  return {reshape(*cot[0], shape_of(in[0])), std::nullopt};
}

// Entry i of the target shape, or (when it is -1) the size that makes the element counts agree:
// with exactly one -1 among the entries, total // -(product of all entries) is that size. A symbolic
// entry may be -1 at run time, hence the switch.
OutShapes Reshape::infer_shape(Vars in,
                                                                InShapes shapes) const {
  std::vector<Variable> req;
  for (int i = 0; i < ndim_; ++i) req.push_back(dims::entry(in[1], i));
  Var total = dims::product(shapes[0]);
  Var missing = dims::floor_div(total, dims::sub(dims::constant(0), dims::product(req)));
  std::vector<Variable> out;
  for (const Variable& r : req) {
    auto v = dims::value_of(r);
    if (v && *v >= 0) out.push_back(r);
    else if (v) out.push_back(missing);
    else out.push_back(switch_(eq(r, dims::constant(-1)), missing, r));
  }
  return std::vector<std::vector<Variable>>{out};
}

// ---- Flatten ----
std::vector<TensorType> Flatten::make_types(Vars inputs) const {
  const TensorType& t = inputs[0].type();
  if (outdim_ < 1 || outdim_ > std::max(t.ndim(), 1)) throw OpError(fmt::format("outdim {} is invalid for a {}-d input", outdim_, t.ndim()));
  TensorType out(t.dtype, outdim_);
  for (int i = 0; i < outdim_ - 1; ++i) {
    out.shape[i] = t.shape[i];
    out.bcast[i] = t.bcast[i];
  }
  int64_t rest = 1;
  bool all_bcast = true;
  for (int i = outdim_ - 1; i < t.ndim(); ++i) {
    rest = (rest < 0 || t.shape[i] < 0) ? -1 : checked::mul(rest, t.shape[i], "the flattened size");
    all_bcast &= t.bcast[i];
  }
  out.shape[outdim_ - 1] = rest;
  out.bcast[outdim_ - 1] = all_bcast && t.ndim() >= outdim_;
  return {out};
}

void Flatten::perform(InArrays in, OutArrays out) const {
  const NDArray& x = *in[0];
  Dims shape;
  for (int i = 0; i < outdim_ - 1; ++i) shape.push_back(x.shape(i));
  int64_t rest = 1;
  for (int i = outdim_ - 1; i < x.ndim(); ++i) rest = checked::mul(rest, x.shape(i), "the flattened size");
  shape.push_back(rest);
  if (x.is_contiguous()) {
    *out[0] = x.view(shape, contiguous_strides(shape), x.offset());
  } else {
    out[0]->ensure(x.dtype(), x.shape());
    out[0]->copy_from(x);
    *out[0] = out[0]->view(shape, contiguous_strides(shape), 0);
  }
}

Cotangents Flatten::pullback(Vars in, Vars, OutCotangents cot) const {
  return {reshape(*cot[0], shape_of(in[0]))};
}

OutShapes Flatten::infer_shape(Vars,
                                                                InShapes shapes) const {
  const std::vector<Variable>& x = shapes[0];
  std::vector<Variable> out(x.begin(), x.begin() + std::min<size_t>(outdim_ - 1, x.size()));
  out.push_back(dims::product(std::vector<Variable>(x.begin() + std::min<size_t>(outdim_ - 1, x.size()), x.end())));
  return std::vector<std::vector<Variable>>{out};
}

// ---- Shape, Shape_i ----
std::vector<TensorType> Shape::make_types(Vars inputs) const {
  return {TensorType::with_shape(DType::Int64, Dims{inputs[0].ndim()})};
}
void Shape::perform(InArrays in, OutArrays out) const {
  out[0]->ensure(DType::Int64, Dims{in[0]->ndim()});
  for (int i = 0; i < in[0]->ndim(); ++i) out[0]->data<int64_t>()[i] = in[0]->shape(i);
}

OutShapes Shape::infer_shape(Vars in, InShapes) const {
  return std::vector<std::vector<Variable>>{{dims::constant(in[0].ndim())}};
}

std::vector<TensorType> ShapeI::make_types(Vars inputs) const {
  if (i_ < 0 || i_ >= inputs[0].ndim()) throw OpError(fmt::format("dimension {} out of range for a {}-d input", i_, inputs[0].ndim()));
  return {TensorType(DType::Int64, 0)};
}
void ShapeI::perform(InArrays in, OutArrays out) const {
  out[0]->ensure(DType::Int64, Dims{});
  *out[0]->data<int64_t>() = in[0]->shape(i_);
}

OutShapes ShapeI::infer_shape(Vars, InShapes) const {
  return std::vector<std::vector<Variable>>{{}};  // a scalar
}

// ---- builders ----
Var reshape(const Var& x, const Var& shape) {
  int nd = int(shape.type().shape[0]);
  if (nd < 0) throw OpError("Reshape: the length of the target shape must be known when the graph is built");
  return make_apply1(std::make_shared<Reshape>(nd), {x, shape});
}
Var reshape(const Var& x, const std::vector<int64_t>& shape) {
  return reshape(x, make_constant(NDArray::from_vector(shape, Dims{int64_t(shape.size())})));
}
Var flatten(const Var& x, int outdim) { return make_apply1(std::make_shared<Flatten>(outdim), {x}); }
Var shape_of(const Var& x) { return make_apply1(std::make_shared<Shape>(), {x}); }
Var shape_i(const Var& x, int i) { return make_apply1(std::make_shared<ShapeI>(i), {x}); }

}  // namespace theano::ops
