// Tensor constructors, reductions, shapes, indexing and grad of the tensor API, and Var's methods.
#include <fmt/format.h>

#include "frontend/theano/tensor.hpp"
#include "graph/op.hpp"
#include "ops/basic.hpp"
#include "ops/blas.hpp"
#include "ops/elemwise.hpp"
#include "ops/graph_math.hpp"
#include "ops/reduce.hpp"
#include "ops/shape.hpp"
#include "ops/subtensor.hpp"

namespace theano {

DimEntry::DimEntry(char x) : dim(-1) {
  if (x != 'x') throw std::invalid_argument(fmt::format("dimshuffle: pattern entries are dims or 'x', got '{}'", x));
}

namespace tensor {

// ---- constructors ----
Var tensor(DType dtype, std::vector<bool> broadcastable, const std::string& name, Loc loc) {
  SiteScope s(loc);
  TensorType t(dtype, int(broadcastable.size()));
  for (size_t i = 0; i < broadcastable.size(); ++i) {
    t.bcast[i] = broadcastable[i];
    if (broadcastable[i]) t.shape[int(i)] = 1;
  }
  return make_input(t, name);
}

#define THEANO_CPP_DEFINE_CTORS(prefix, dtype)                                                                      \
  Var prefix##scalar(const std::string& name, Loc loc) { return tensor(dtype, {}, name, loc); }                      \
  Var prefix##vector(const std::string& name, Loc loc) { return tensor(dtype, {false}, name, loc); }                 \
  Var prefix##matrix(const std::string& name, Loc loc) { return tensor(dtype, {false, false}, name, loc); }          \
  Var prefix##tensor3(const std::string& name, Loc loc) { return tensor(dtype, {false, false, false}, name, loc); }  \
  Var prefix##tensor4(const std::string& name, Loc loc) { return tensor(dtype, {false, false, false, false}, name, loc); }
THEANO_CPP_DEFINE_CTORS(, config().floatX)
THEANO_CPP_DEFINE_CTORS(b, DType::Int8)
THEANO_CPP_DEFINE_CTORS(i, DType::Int32)
THEANO_CPP_DEFINE_CTORS(l, DType::Int64)
THEANO_CPP_DEFINE_CTORS(f, DType::Float32)
THEANO_CPP_DEFINE_CTORS(d, DType::Float64)
#undef THEANO_CPP_DEFINE_CTORS

Var scalar(const std::string& name, DType dtype, Loc loc) { return tensor(dtype, {}, name, loc); }
Var vector(const std::string& name, DType dtype, Loc loc) { return tensor(dtype, {false}, name, loc); }
Var matrix(const std::string& name, DType dtype, Loc loc) { return tensor(dtype, {false, false}, name, loc); }

Var constant(const NDArray& value, const std::string& name, Loc loc) {
  SiteScope s(loc);
  return make_constant(value.copy(), name);
}

// ---- reductions ----
Var sum(const Var& x, std::optional<int> axis, Loc loc) {
  SiteScope s(loc);
  return ops::reduce(ops::ReduceKind::Sum, x, axis);
}
Var max(const Var& x, std::optional<int> axis, Loc loc) {
  SiteScope s(loc);
  return ops::reduce(ops::ReduceKind::Max, x, axis);
}
Var argmax(const Var& x, std::optional<int> axis, Loc loc) {
  SiteScope s(loc);
  return ops::reduce(ops::ReduceKind::Argmax, x, axis);
}
// Theano's mean: the sum divided by each reduced dim's size, cast to float32 for float32 sums and to
// float64 otherwise (so the mean of ints or bools is float64).
Var mean(const Var& x, std::optional<int> axis, Loc loc) {
  SiteScope s(loc);
  Var total = ops::reduce(ops::ReduceKind::Sum, x, axis);
  DType size_dtype = total.dtype() == DType::Float32 ? DType::Float32 : DType::Float64;
  std::vector<int> axes;
  if (axis) axes.push_back(*axis < 0 ? *axis + x.ndim() : *axis);
  else for (int d = 0; d < x.ndim(); ++d) axes.push_back(d);
  for (int a : axes) total = ops::elemwise(ops::ScalarKind::TrueDiv, {total, ops::cast(ops::shape_i(x, a), size_dtype)});
  return total;
}

// ---- linear algebra, shapes ----
Var dot(const Var& x, const Var& y, Loc loc) {
  SiteScope s(loc);
  return ops::dot(x, y);
}

Var int_scalar(const IntOrVar& v) {
  if (auto* i = std::get_if<int64_t>(&v.value())) return ops::scalar_constant(double(*i), DType::Int64);
  const Var& s = std::get<Var>(v.value());
  if (s.ndim() != 0 || !is_integer(s.dtype()))
    throw OpError(fmt::format("expected an integer scalar, got {} {} at {}", s.describe(), s.type().str(), SiteScope::current_str()));
  return s;
}

Var arange(const IntOrVar& stop, Loc loc) { return arange(0, stop, 1, loc); }
Var arange(const IntOrVar& start, const IntOrVar& stop, const IntOrVar& step, Loc loc) {
  SiteScope s(loc);
  return ops::arange(int_scalar(start), int_scalar(stop), int_scalar(step));
}

Var shape(const Var& x, Loc loc) {
  SiteScope s(loc);
  return ops::shape_of(x);
}

Var reshape(const Var& x, const std::vector<Index>& shape, Loc loc) {
  SiteScope s(loc);
  std::vector<int64_t> consts;
  bool all_const = true;
  for (const Index& i : shape) {
    if (auto* v = std::get_if<int64_t>(&i.value)) consts.push_back(*v);
    else all_const = false;
  }
  if (all_const) return ops::reshape(x, consts);
  std::vector<Var> parts;
  for (const Index& i : shape) {
    if (auto* v = std::get_if<int64_t>(&i.value)) parts.push_back(ops::scalar_constant(double(*v), DType::Int64));
    else if (auto* var = std::get_if<Var>(&i.value)) parts.push_back(int_scalar(*var));
    else throw OpError(fmt::format("reshape: a slice is not a dimension (at {})", SiteScope::current_str()));
  }
  return ops::reshape(x, ops::make_vector(parts));
}

Var flatten(const Var& x, int ndim, Loc loc) {
  SiteScope s(loc);
  return ops::flatten(x, ndim);
}

Var transpose(const Var& x, Loc loc) {
  SiteScope s(loc);
  return ops::transpose(x);
}

// ---- gradients ----
std::vector<Var> grad(const Var& cost, const std::vector<Var>& wrt, const GradArgs& args, Loc loc) {
  SiteScope s(loc);
  GradOptions o;
  o.consider_constant = args.consider_constant;
  if (args.disconnected_inputs == "raise") o.disconnected_inputs = Disconnected::Raise;
  else if (args.disconnected_inputs == "warn") o.disconnected_inputs = Disconnected::Warn;
  else if (args.disconnected_inputs == "ignore") o.disconnected_inputs = Disconnected::Ignore;
  else throw std::invalid_argument("grad: disconnected_inputs must be raise, warn or ignore, got '" + args.disconnected_inputs + "'");
  return theano::grad(cost, wrt, o);
}
Var grad(const Var& cost, const Var& wrt, const GradArgs& args, Loc loc) { return grad(cost, std::vector<Var>{wrt}, args, loc)[0]; }

}  // namespace tensor

// ---- Var's tensor methods ----
Var Var::shape(std::source_location loc) const { return tensor::shape(*this, loc); }
Var Var::reshape(const std::vector<Index>& s, std::source_location loc) const { return tensor::reshape(*this, s, loc); }
Var Var::flatten(int ndim, std::source_location loc) const { return tensor::flatten(*this, ndim, loc); }
Var Var::T(std::source_location loc) const { return tensor::transpose(*this, loc); }
Var Var::sum(std::optional<int> axis, std::source_location loc) const { return tensor::sum(*this, axis, loc); }
Var Var::mean(std::optional<int> axis, std::source_location loc) const { return tensor::mean(*this, axis, loc); }
Var Var::max(std::optional<int> axis, std::source_location loc) const { return tensor::max(*this, axis, loc); }
Var Var::argmax(std::optional<int> axis, std::source_location loc) const { return tensor::argmax(*this, axis, loc); }

Var Var::dimshuffle(const std::vector<DimEntry>& pattern, std::source_location loc) const {
  SiteScope s(loc);
  std::vector<int> p;
  for (const DimEntry& e : pattern) p.push_back(e.dim);
  return make_apply1(std::make_shared<ops::DimShuffle>(ndim(), p), {*this});
}

Var Var::operator[](const Index& i) const { return (*this)[std::vector<Index>{i}]; }

Var Var::operator[](const std::vector<Index>& idx) const {
  if (idx.empty()) return *this;
  SiteScope s(idx[0].site);
  // x.shape()[i] is Shape_i{i}(x): the size without the rest of the shape.
  if (owner() && owner()->op->name() == "Shape" && idx.size() == 1)
    if (auto* i = std::get_if<int64_t>(&idx[0].value)) {
      const Var& x = owner()->inputs[0];
      int64_t d = *i < 0 ? *i + x.ndim() : *i;
      if (d < 0 || d >= x.ndim()) throw OpError(fmt::format("shape index {} out of range for a {}-d tensor at {}", *i, x.ndim(), SiteScope::current_str()));
      return ops::shape_i(x, int(d));
    }
  bool advanced = false;
  for (const Index& i : idx)
    if (auto* v = std::get_if<Var>(&i.value)) advanced |= v->ndim() > 0;
  if (advanced) {
    std::vector<Var> vs;
    for (const Index& i : idx) {
      auto* v = std::get_if<Var>(&i.value);
      if (!v || v->ndim() != 1)
        throw OpError(fmt::format("advanced indexing supports integer vectors on the leading dimensions (x[{{rows, cols}}]) at {}",
                                  SiteScope::current_str()));
      vs.push_back(*v);
    }
    return ops::advanced_subtensor(*this, vs);
  }
  std::vector<ops::IndexEntry> entries;
  std::vector<Var> parts;
  for (const Index& i : idx) {
    ops::IndexEntry e;
    if (const Slice* sl = std::get_if<Slice>(&i.value)) {
      e.is_slice = true;
      e.has_start = sl->start.has_value();
      e.has_stop = sl->stop.has_value();
      e.has_step = sl->step.has_value();
      if (sl->start) parts.push_back(tensor::int_scalar(*sl->start));
      if (sl->stop) parts.push_back(tensor::int_scalar(*sl->stop));
      if (sl->step) parts.push_back(tensor::int_scalar(*sl->step));
    } else if (auto* n = std::get_if<int64_t>(&i.value)) {
      parts.push_back(ops::scalar_constant(double(*n), DType::Int64));
    } else {
      parts.push_back(tensor::int_scalar(std::get<Var>(i.value)));
    }
    entries.push_back(e);
  }
  return ops::subtensor(*this, entries, parts);
}

}  // namespace theano
