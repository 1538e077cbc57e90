// Var's tensor methods: each opens the caller's site and builds the ops Theano's TensorVariable
// methods build.
#include "ops/tensor_var.hpp"

#include <fmt/format.h>

#include "ops/basic.hpp"
#include "ops/graph_math.hpp"
#include "ops/reduce.hpp"
#include "ops/shape.hpp"
#include "ops/subtensor.hpp"

namespace theano {

DimEntry::DimEntry(int d, std::source_location loc) : dim(d) {
  if (d < 0)
    throw std::invalid_argument(
        fmt::format("dimshuffle: pattern entries are input dimensions (0 and up) or 'x', got {} at {}", d, site_str(loc)));
}
DimEntry::DimEntry(char x, std::source_location loc) : dim(-1) {
  if (x != 'x') throw std::invalid_argument(fmt::format("dimshuffle: pattern entries are dims or 'x', got '{}' at {}", x, site_str(loc)));
}

std::vector<Var> as_vars(std::span<const Variable> vs) { return std::vector<Var>(vs.begin(), vs.end()); }
std::vector<Variable> as_variables(std::span<const Var> vs) { return std::vector<Variable>(vs.begin(), vs.end()); }

namespace ops {
Var int_scalar(const IntOrVar& v) {
  if (auto* i = std::get_if<int64_t>(&v.value())) return int_constant(*i, DType::Int64);
  const Var& s = std::get<Var>(v.value());
  if (s.ndim() != 0 || !is_integer(s.dtype()))
    throw OpError(fmt::format("expected an integer scalar, got {} {} at {}", s.describe(), s.type().str(), SiteScope::current_str()));
  return s;
}
}  // namespace ops

Var Var::shape(std::source_location loc) const {
  SiteScope s(loc);
  return ops::shape_of(*this);
}

// Constant entries give a constant shape, symbolic ones a MakeVector of int64 scalars.
Var Var::reshape(const std::vector<Index>& shape, std::source_location loc) const {
  SiteScope s(loc);
  std::vector<int64_t> consts;
  bool all_const = true;
  for (const Index& i : shape) {
    if (auto* v = std::get_if<int64_t>(&i.value)) consts.push_back(*v);
    else all_const = false;
  }
  if (all_const) return ops::reshape(*this, consts);
  std::vector<Variable> parts;
  for (const Index& i : shape) {
    if (auto* v = std::get_if<int64_t>(&i.value)) parts.push_back(ops::int_constant(*v, DType::Int64));
    else if (auto* var = std::get_if<Var>(&i.value)) parts.push_back(ops::int_scalar(*var));
    else throw OpError(fmt::format("reshape: a slice is not a dimension (at {})", SiteScope::current_str()));
  }
  return ops::reshape(*this, ops::make_vector(parts));
}

Var Var::flatten(int ndim, std::source_location loc) const {
  SiteScope s(loc);
  return ops::flatten(*this, ndim);
}
Var Var::T(std::source_location loc) const {
  SiteScope s(loc);
  return ops::transpose(*this);
}
Var Var::sum(std::optional<int> axis, std::source_location loc) const {
  SiteScope s(loc);
  return ops::reduce(ops::ReduceKind::Sum, *this, axis);
}
Var Var::mean(std::optional<int> axis, std::source_location loc) const {
  SiteScope s(loc);
  return ops::mean(*this, axis);
}
Var Var::max(std::optional<int> axis, std::source_location loc) const {
  SiteScope s(loc);
  return ops::reduce(ops::ReduceKind::Max, *this, axis);
}
Var Var::argmax(std::optional<int> axis, std::source_location loc) const {
  SiteScope s(loc);
  return ops::reduce(ops::ReduceKind::Argmax, *this, axis);
}

Var Var::dimshuffle(const std::vector<DimEntry>& pattern, std::source_location loc) const {
  SiteScope s(loc);
  std::vector<int> p;
  for (const DimEntry& e : pattern) p.push_back(e.dim);
  return make_apply1(std::make_shared<ops::DimShuffle>(ndim(), p), {*this});
}

Var Var::operator[](const Index& i) const { return (*this)[std::vector<Index>{i}]; }

// Python's semantics: ints and slices give a view (Subtensor), integer vectors a gather
// (AdvancedSubtensor); x.shape()[i] is Shape_i{i}(x), the size without the rest of the shape.
Var Var::operator[](const std::vector<Index>& idx) const {
  if (idx.empty()) return *this;
  SiteScope s(idx[0].site);
  if (owner() && dynamic_cast<const ops::Shape*>(owner()->op.get()) && idx.size() == 1)
    if (auto* i = std::get_if<int64_t>(&idx[0].value)) {
      const Variable& x = owner()->inputs[0];
      int64_t d = *i < 0 ? *i + x.ndim() : *i;
      if (d < 0 || d >= x.ndim()) throw OpError(fmt::format("shape index {} out of range for a {}-d tensor at {}", *i, x.ndim(), SiteScope::current_str()));
      return ops::shape_i(x, int(d));
    }
  bool advanced = false;
  for (const Index& i : idx)
    if (auto* v = std::get_if<Var>(&i.value)) advanced |= v->ndim() > 0;
  if (advanced) {
    std::vector<Variable> vs;
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
  std::vector<Variable> parts;
  for (const Index& i : idx) {
    ops::IndexEntry e;
    if (const Slice* sl = std::get_if<Slice>(&i.value)) {
      e.is_slice = true;
      e.has_start = sl->start.has_value();
      e.has_stop = sl->stop.has_value();
      e.has_step = sl->step.has_value();
      if (sl->start) parts.push_back(ops::int_scalar(*sl->start));
      if (sl->stop) parts.push_back(ops::int_scalar(*sl->stop));
      if (sl->step) parts.push_back(ops::int_scalar(*sl->step));
    } else if (auto* n = std::get_if<int64_t>(&i.value)) {
      parts.push_back(ops::int_constant(*n, DType::Int64));
    } else {
      parts.push_back(ops::int_scalar(std::get<Var>(i.value)));
    }
    entries.push_back(e);
  }
  return ops::subtensor(*this, entries, parts);
}

}  // namespace theano
