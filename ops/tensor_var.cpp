// Var's tensor methods: each opens the caller's site and builds the ops Theano's TensorVariable
// methods build.
#include "ops/tensor_var.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ops/basic.hpp"
#include "ops/graph_math.hpp"
#include "ops/join.hpp"
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

namespace {
std::string at_site() {
  std::source_location loc = SiteScope::current();
  return loc.file_name()[0] == '\0' ? "" : " at " + site_str(loc);
}
}  // namespace

void require_defined(const Variable& v, const char* api, std::string_view arg) {
  if (!v.defined())
    throw std::invalid_argument(fmt::format("{}: {} is an undefined Var (default-constructed: it holds no graph node){}", api, arg, at_site()));
}
void require_defined(std::span<const Variable> vs, const char* api, std::string_view arg) {
  for (size_t i = 0; i < vs.size(); ++i)
    if (!vs[i].defined()) require_defined(vs[i], api, fmt::format("{}[{}]", arg, i));
}
void require_defined(std::span<const Var> vs, const char* api, std::string_view arg) {
  for (size_t i = 0; i < vs.size(); ++i)
    if (!vs[i].defined()) require_defined(vs[i], api, fmt::format("{}[{}]", arg, i));
}
void require_defined(const NDArray& a, const char* api, std::string_view arg) {
  if (!a.defined())
    throw std::invalid_argument(fmt::format("{}: {} is an undefined NDArray (default-constructed: it holds no data){}", api, arg, at_site()));
}

namespace ops {
Var int_scalar(const IntOrVar& v) {
  if (auto* i = std::get_if<int64_t>(&v.value())) return int_constant(*i, DType::Int64);
  const Var& s = std::get<Var>(v.value());
  require_defined(s, "int_scalar", "an integer bound");
  if (s.ndim() != 0 || !is_integer(s.dtype()))
    throw OpError(fmt::format("expected an integer scalar, got {} {} at {}", s.describe(), s.type().str(), SiteScope::current_str()));
  return s;
}
}  // namespace ops

Var Var::shape(std::source_location loc) const {
  SiteScope s(loc);
  require_defined(*this, "Var::shape", "the object");
  return ops::shape_of(*this);
}

// Constant entries give a constant shape, symbolic ones a MakeVector of int64 scalars.
Var Var::reshape(const std::vector<Index>& shape, std::source_location loc) const {
  SiteScope s(loc);
  require_defined(*this, "Var::reshape", "the object");
  std::vector<int64_t> consts;
  bool all_const = true;
  for (const Index& i : shape) {
    if (auto* v = std::get_if<int64_t>(&i.value)) consts.push_back(*v);
    else all_const = false;
    if (auto* v = std::get_if<Var>(&i.value)) require_defined(*v, "Var::reshape", fmt::format("shape[{}]", &i - shape.data()));
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
  require_defined(*this, "Var::flatten", "the object");
  return ops::flatten(*this, ndim);
}
Var Var::T(std::source_location loc) const {
  SiteScope s(loc);
  require_defined(*this, "Var::T", "the object");
  return ops::transpose(*this);
}
Var Var::diagonal(int offset, std::source_location loc) const {
  SiteScope s(loc);
  require_defined(*this, "Var::diagonal", "the object");
  return ops::diagonal(*this, offset);
}
// ---- reductions (ops/reduce.hpp) ----
#define THEANO_CPP_VAR_REDUCTION(method, kind)                                    \
  Var Var::method(const Axes& axis, bool keepdims, std::source_location loc) const { \
    SiteScope s(loc);                                                             \
    require_defined(*this, "Var::" #method, "the object");                        \
    return ops::reduce(ops::ReduceKind::kind, *this, axis, keepdims);             \
  }
THEANO_CPP_VAR_REDUCTION(sum, Sum)
THEANO_CPP_VAR_REDUCTION(prod, Prod)
THEANO_CPP_VAR_REDUCTION(max, Max)
THEANO_CPP_VAR_REDUCTION(min, Min)
THEANO_CPP_VAR_REDUCTION(argmax, Argmax)
THEANO_CPP_VAR_REDUCTION(argmin, Argmin)
THEANO_CPP_VAR_REDUCTION(any, Any)
THEANO_CPP_VAR_REDUCTION(all, All)
#undef THEANO_CPP_VAR_REDUCTION
Var Var::mean(const Axes& axis, bool keepdims, std::source_location loc) const {
  SiteScope s(loc);
  require_defined(*this, "Var::mean", "the object");
  return ops::mean(*this, axis, keepdims);
}
Var Var::var(const Axes& axis, int ddof, bool keepdims, bool corrected, std::source_location loc) const {
  SiteScope s(loc);
  require_defined(*this, "Var::var", "the object");
  return ops::var(*this, axis, ddof, keepdims, corrected);
}
Var Var::std(const Axes& axis, int ddof, bool keepdims, bool corrected, std::source_location loc) const {
  SiteScope s(loc);
  require_defined(*this, "Var::std", "the object");
  return ops::std_dev(*this, axis, ddof, keepdims, corrected);
}

const std::vector<int>& Axes::list() const {
  static const std::vector<int> none;
  return list_ ? *list_ : none;
}
std::string Axes::str() const {
  if (!list_) return "None";
  if (list_->size() == 1) return std::to_string(list_->front());
  std::string s = "[";
  for (size_t i = 0; i < list_->size(); ++i) s += (i ? ", " : "") + std::to_string((*list_)[i]);
  return s + "]";
}

Var Var::dimshuffle(const std::vector<DimEntry>& pattern, std::source_location loc) const {
  SiteScope s(loc);
  require_defined(*this, "Var::dimshuffle", "the object");
  std::vector<int> p;
  for (const DimEntry& e : pattern) p.push_back(e.dim);
  return make_apply1(std::make_shared<ops::DimShuffle>(ndim(), p), {*this});
}

Var Var::operator[](const Index& i) const { return (*this)[std::vector<Index>{i}]; }

// Python's semantics: ints and slices give a view (Subtensor), integer vectors a gather
// (AdvancedSubtensor); x.shape()[i] is Shape_i{i}(x), the size without the rest of the shape.
Var Var::operator[](const std::vector<Index>& idx) const {
  SiteScope s(idx.empty() ? std::source_location() : idx[0].site);
  require_defined(*this, "Var::operator[]", "the object");
  for (size_t k = 0; k < idx.size(); ++k) {
    if (auto* v = std::get_if<Var>(&idx[k].value)) require_defined(*v, "Var::operator[]", fmt::format("index {}", k));
    if (auto* sl = std::get_if<Slice>(&idx[k].value))
      for (const auto& [part, bound] : {std::pair{"start", &sl->start}, std::pair{"stop", &sl->stop}, std::pair{"step", &sl->step}})
        if (*bound)
          if (auto* v = std::get_if<Var>(&(*bound)->value())) require_defined(*v, "Var::operator[]", fmt::format("the {} of slice {}", part, k));
  }
  if (idx.empty()) return *this;
  if (owner() && dynamic_cast<const ops::Shape*>(owner()->op.get()) && idx.size() == 1)
    if (auto* i = std::get_if<int64_t>(&idx[0].value)) {
      const Variable& x = owner()->inputs[0];
      int64_t d = *i < 0 ? *i + x.ndim() : *i;
      if (d < 0 || d >= x.ndim()) throw OpError(fmt::format("shape index {} out of range for a {}-d tensor at {}", *i, x.ndim(), SiteScope::current_str()));
      return ops::shape_i(x, int(d));
    }
  // newaxis: x gets the new dims first (a DimShuffle), then they are taken whole, as numpy's None.
  if (std::any_of(idx.begin(), idx.end(), [](const Index& i) { return std::holds_alternative<NewAxis>(i.value); })) {
    std::vector<int> pattern;
    std::vector<Index> rest;
    int d = 0;
    for (const Index& i : idx) {
      bool is_new = std::holds_alternative<NewAxis>(i.value);
      if (!is_new && d >= ndim())
        throw OpError(fmt::format("Var::operator[]: too many indices for a {}-d tensor at {}", ndim(), SiteScope::current_str()));
      pattern.push_back(is_new ? -1 : d++);
      rest.push_back(is_new ? Index(Slice{}, i.site) : i);
    }
    for (; d < ndim(); ++d) pattern.push_back(d);
    return ops::dimshuffle(*this, pattern)[rest];
  }
  // numpy's advanced indexing when an index is an integer tensor: the integers and integer scalars
  // are then index arrays too (0-d), the slices stay slices.
  bool advanced = false;
  for (const Index& i : idx)
    if (auto* v = std::get_if<Var>(&i.value)) advanced |= v->ndim() > 0;
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
    } else if (advanced) {
      parts.push_back(std::get<Var>(i.value));
    } else {
      parts.push_back(ops::int_scalar(std::get<Var>(i.value)));
    }
    entries.push_back(e);
  }
  if (advanced) return ops::advanced_subtensor(*this, entries, parts);
  return ops::subtensor(*this, entries, parts);
}

}  // namespace theano
