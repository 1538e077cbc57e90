// Assembly and advanced indexing of the tensor API: set_subtensor / inc_subtensor, alloc, zeros,
// ones, join, concatenate, stack, eye, identity_like, diagonal, fill, tile, repeat, the shape pads
// and arange. Each composes ops (ops/join.hpp, ops/subtensor.hpp, ops/shape.hpp) as Theano's do.
#include <fmt/format.h>

#include "frontend/theano/tensor.hpp"
#include "graph/op.hpp"
#include "ops/basic.hpp"
#include "ops/elemwise.hpp"
#include "ops/graph_math.hpp"
#include "ops/join.hpp"
#include "ops/shape.hpp"
#include "ops/shape_math.hpp"
#include "ops/subtensor.hpp"

namespace theano::tensor {

namespace {
[[noreturn]] void fail(const char* api, const std::string& what) {
  throw OpError(fmt::format("{}: {} at {}", api, what, SiteScope::current_str()));
}

Var inc_or_set(const char* api, const Var& x, const Operand& y, bool set, Loc loc) {
  SiteScope s(loc);
  require_defined(x, api, "x");
  require_defined(y.var(), api, "y");
  if (y.var().ndim() > x.ndim())
    fail(api, fmt::format("cannot {} a {}-d subtensor with a {}-d value", set ? "set" : "increment", x.ndim(), y.var().ndim()));
  Apply* a = x.owner();
  if (a) {
    std::vector<Variable> parts(a->inputs.begin() + 1, a->inputs.end());
    if (auto* op = dynamic_cast<const ops::Subtensor*>(a->op.get())) return ops::inc_subtensor(a->inputs[0], y.var(), op->entries(), parts, set);
    if (auto* op = dynamic_cast<const ops::AdvancedSubtensor*>(a->op.get()))
      return ops::advanced_inc_subtensor(a->inputs[0], y.var(), op->entries(), parts, set);
  }
  fail(api, fmt::format("x must be the result of indexing (x[idx]), got {}", x.describe()));
}

std::vector<Variable> sizes(const char* api, const std::vector<IntOrVar>& shape) {
  std::vector<Variable> out;
  for (size_t k = 0; k < shape.size(); ++k) {
    if (auto* v = std::get_if<Var>(&shape[k].value())) require_defined(*v, api, fmt::format("shape[{}]", k));
    out.push_back(ops::int_scalar(shape[k]));
  }
  return out;
}

Var pad(const Var& x, int at, int n) {
  std::vector<int> pattern;
  for (int d = 0; d < x.ndim(); ++d) {
    if (d == at)
      for (int k = 0; k < n; ++k) pattern.push_back(-1);
    pattern.push_back(d);
  }
  if (at == x.ndim())
    for (int k = 0; k < n; ++k) pattern.push_back(-1);
  return ops::dimshuffle(x, pattern);
}

// An int64 shape vector from sizes: a constant one when every size is.
Var reshape_to(const Var& x, const std::vector<Variable>& shape) {
  std::vector<int64_t> consts;
  for (const Variable& s : shape)
    if (auto v = ops::dims::value_of(s)) consts.push_back(*v);
  if (consts.size() == shape.size()) return ops::reshape(x, consts);
  return ops::reshape(x, ops::make_vector(shape));
}
}  // namespace

Var set_subtensor(const Var& x, const Operand& y, Loc loc) { return inc_or_set("T::set_subtensor", x, y, true, loc); }
Var inc_subtensor(const Var& x, const Operand& y, Loc loc) { return inc_or_set("T::inc_subtensor", x, y, false, loc); }

Var arange(const RangeArg& stop, Loc loc) { return arange(0, stop, 1, loc); }
Var arange(const RangeArg& start, const RangeArg& stop, const RangeArg& step, Loc loc) {
  SiteScope s(loc);
  std::vector<Var> v;
  for (const auto& [arg, r] : {std::pair{"start", &start}, std::pair{"stop", &stop}, std::pair{"step", &step}}) {
    if (auto* var = std::get_if<Var>(&r->value)) {
      require_defined(*var, "T::arange", arg);
      if (var->ndim() != 0) fail("T::arange", fmt::format("{} must be a scalar, got {}", arg, var->type().str()));
    }
  }
  for (const RangeArg* r : {&start, &stop, &step}) {
    if (auto* i = std::get_if<int64_t>(&r->value)) v.push_back(Operand(static_cast<long long>(*i), loc).var());  // int8.. as Theano's
    else if (auto* d = std::get_if<double>(&r->value)) v.push_back(Operand(*d, loc).var());
    else v.push_back(std::get<Var>(r->value));
  }
  // Theano's: the upcast of the three dtypes, int64 when that is an integer type.
  DType d = upcast(upcast(v[0].dtype(), v[1].dtype()), v[2].dtype());
  return ops::arange(v[0], v[1], v[2], is_float(d) ? d : DType::Int64);
}

Var alloc(const Operand& value, const std::vector<IntOrVar>& shape, Loc loc) {
  SiteScope s(loc);
  require_defined(value.var(), "T::alloc", "value");
  return ops::alloc(value.var(), sizes("T::alloc", shape));
}

Var zeros(const std::vector<IntOrVar>& shape, std::optional<DType> dtype, Loc loc) {
  SiteScope s(loc);
  return ops::alloc(ops::scalar_constant(0, dtype.value_or(config().floatX)), sizes("T::zeros", shape));
}

Var ones(const std::vector<IntOrVar>& shape, std::optional<DType> dtype, Loc loc) {
  SiteScope s(loc);
  return ops::alloc(ops::scalar_constant(1, dtype.value_or(config().floatX)), sizes("T::ones", shape));
}

Var join(int axis, const std::vector<Var>& xs, Loc loc) {
  SiteScope s(loc);
  require_defined(xs, "T::join", "xs");
  if (xs.empty()) fail("T::join", "needs at least one tensor");
  return ops::join(axis, as_variables(xs));
}

Var concatenate(const std::vector<Var>& xs, int axis, Loc loc) {
  SiteScope s(loc);
  require_defined(xs, "T::concatenate", "xs");
  if (xs.empty()) fail("T::concatenate", "needs at least one tensor");
  return ops::join(axis, as_variables(xs));
}

Var stack(const std::vector<Var>& xs, int axis, Loc loc) {
  SiteScope s(loc);
  require_defined(xs, "T::stack", "xs");
  if (xs.empty()) fail("T::stack", "needs at least one tensor");
  std::vector<Variable> padded;
  for (const Var& x : xs) padded.push_back(shape_padaxis(x, axis, loc));
  if (padded.size() == 1) return padded[0];
  return ops::join(axis < 0 ? axis + xs[0].ndim() + 1 : axis, padded);
}

Var eye(const IntOrVar& n, std::optional<IntOrVar> m, const IntOrVar& k, std::optional<DType> dtype, Loc loc) {
  SiteScope s(loc);
  std::vector<Variable> nmk = sizes("T::eye", {n, m.value_or(n), k});
  return ops::eye(nmk[0], nmk[1], nmk[2], dtype.value_or(config().floatX));
}

Var identity_like(const Var& x, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::identity_like", "x");
  if (x.ndim() != 2) fail("T::identity_like", fmt::format("x must be a matrix, got {}", x.type().str()));
  return ops::eye(ops::shape_i(x, 0), ops::shape_i(x, 1), ops::dims::constant(0), x.dtype());
}

Var diagonal(const Var& x, int offset, Loc loc) { return x.diagonal(offset, loc); }

Var fill(const Operand& a, const Operand& b, Loc loc) {
  SiteScope s(loc);
  require_defined(a.var(), "T::fill", "a");
  require_defined(b.var(), "T::fill", "b");
  return ops::elemwise(ops::ScalarKind::Second, {a.var(), b.var()});
}

// Theano's tile: x (padded to len(reps) dims) allocated to reps + shape, the two halves interleaved,
// then each (rep, size) pair merged into one dim.
Var tile(const Var& x, const std::vector<IntOrVar>& reps, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::tile", "x");
  std::vector<Variable> r = sizes("T::tile", reps);
  int nd = std::max(x.ndim(), int(r.size()));
  if (2 * nd > kMaxDims) fail("T::tile", fmt::format("a {}-d tile needs {} dims (at most {})", nd, 2 * nd, kMaxDims));
  while (int(r.size()) < nd) r.insert(r.begin(), ops::dims::constant(1));
  Var xp = pad(x, 0, nd - x.ndim());
  std::vector<Variable> shape, alloc_shape = r, merged;
  for (int d = 0; d < nd; ++d) shape.push_back(xp.type().bcast[d] ? ops::dims::constant(1) : ops::shape_i(xp, d));
  alloc_shape.insert(alloc_shape.end(), shape.begin(), shape.end());
  Var y = ops::alloc(xp, alloc_shape);
  std::vector<int> pattern;
  for (int d = 0; d < nd; ++d) {
    pattern.push_back(d);
    pattern.push_back(nd + d);
    merged.push_back(ops::dims::mul(r[size_t(d)], shape[size_t(d)]));
  }
  return reshape_to(ops::dimshuffle(y, pattern), merged);
}

// extra_ops.repeat with a scalar count: a new dim after `axis`, allocated to the count, then merged.
Var repeat(const Var& x, const IntOrVar& repeats, std::optional<int> axis, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::repeat", "x");
  Var n = sizes("T::repeat", {repeats})[0];
  Var v = axis ? x : ops::flatten(x, 1);
  int ax = axis.value_or(0);
  if (ax < 0) ax += v.ndim();
  if (ax < 0 || ax >= v.ndim()) fail("T::repeat", fmt::format("axis {} is out of bounds for a {}-d input", *axis, x.ndim()));
  if (v.ndim() + 1 > kMaxDims) fail("T::repeat", fmt::format("a {}-d input is too many dims to repeat", v.ndim()));
  std::vector<Variable> shape, alloc_shape;
  for (int d = 0; d < v.ndim(); ++d) {
    Var size = v.type().bcast[d] ? ops::dims::constant(1) : ops::shape_i(v, d);
    alloc_shape.push_back(size);
    if (d == ax) alloc_shape.push_back(n);
    shape.push_back(d == ax ? ops::dims::mul(size, n) : size);
  }
  return reshape_to(ops::alloc(pad(v, ax + 1, 1), alloc_shape), shape);
}

Var shape_padleft(const Var& x, int n, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::shape_padleft", "x");
  if (n < 0 || x.ndim() + n > kMaxDims) fail("T::shape_padleft", fmt::format("cannot add {} dims to a {}-d tensor", n, x.ndim()));
  return pad(x, 0, n);
}

Var shape_padright(const Var& x, int n, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::shape_padright", "x");
  if (n < 0 || x.ndim() + n > kMaxDims) fail("T::shape_padright", fmt::format("cannot add {} dims to a {}-d tensor", n, x.ndim()));
  return pad(x, x.ndim(), n);
}

Var shape_padaxis(const Var& x, int axis, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::shape_padaxis", "x");
  int at = axis < 0 ? axis + x.ndim() + 1 : axis;
  if (at < 0 || at > x.ndim()) fail("T::shape_padaxis", fmt::format("axis {} is out of bounds [-{}, {}]", axis, x.ndim() + 1, x.ndim()));
  if (x.ndim() + 1 > kMaxDims) fail("T::shape_padaxis", fmt::format("cannot add a dim to a {}-d tensor", x.ndim()));
  return pad(x, at, 1);
}

}  // namespace theano::tensor
