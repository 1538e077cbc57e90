// Pattern-matching helpers for the local rewrites in ops/*_rewrites.cpp.
#pragma once
#include <optional>

#include "graph/op.hpp"
#include "ops/tensor_var.hpp"
#include "ops/elemwise.hpp"
#include "ops/shape.hpp"

namespace theano::ops::match {

// The op of v's apply if it is of class O, else nullptr (also for leaves).
template <class O>
const O* op_of(const Var& v) {
  return v.owner() ? dynamic_cast<const O*>(v.owner()->op.get()) : nullptr;
}

// Whether `a` is an Elemwise of `kind`.
inline bool is_elemwise(const Apply& a, ScalarKind kind) {
  auto* e = dynamic_cast<const Elemwise*>(a.op.get());
  return e && e->kind() == kind;
}
// v's apply if v = Elemwise{kind}(...), else nullptr.
inline Apply* elemwise_of(const Var& v, ScalarKind kind) { return v.owner() && is_elemwise(*v.owner(), kind) ? v.owner() : nullptr; }

// Looks through DimShuffles that only add or drop broadcastable dims of a constant.
inline Var strip_dimshuffles(Var v) {
  while (op_of<DimShuffle>(v)) v = v.owner()->inputs[0];
  return v;
}

// The value of a one-element constant (possibly behind DimShuffles): a scalar that broadcasts
// without changing its partner's shape.
inline std::optional<double> scalar_constant_value(const Var& v) {
  Var c = strip_dimshuffles(v);
  if (!c.is_constant() || c.node()->constant.size() != 1) return std::nullopt;
  return c.node()->constant.item(0);
}

// A one-element value, constant or not, that broadcasts like a scalar: the 0-d variable behind
// DimShuffles, or a one-element constant (of any ndim: read it with item(0)).
inline std::optional<Var> as_scalar(const Var& v) {
  Var s = strip_dimshuffles(v);
  if (s.ndim() == 0 || (s.is_constant() && s.node()->constant.size() == 1)) return s;
  return std::nullopt;
}

// zeros_like(something) or a constant whose elements are all 0.
inline bool is_zeros(const Var& v) {
  auto all_zero = [](const Var& c) {
    if (!c.is_constant()) return false;
    const NDArray& a = c.node()->constant;
    for (int64_t i = 0; i < a.size(); ++i)
      if (a.item(i) != 0) return false;
    return true;
  };
  if (all_zero(strip_dimshuffles(v))) return true;
  Apply* a = elemwise_of(v, ScalarKind::Second);
  return a && all_zero(strip_dimshuffles(a->inputs[1]));
}

}  // namespace theano::ops::match
