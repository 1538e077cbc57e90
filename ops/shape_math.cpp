#include "ops/shape_math.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <stdexcept>

#include "core/int_math.hpp"

#include "graph/op.hpp"
#include "ops/basic.hpp"
#include "ops/elemwise.hpp"
#include "ops/graph_math.hpp"
#include "ops/shape.hpp"
#include "ops/subtensor.hpp"

namespace theano::ops::dims {

Var constant(int64_t v) { return int_constant(v, DType::Int64); }

std::optional<int64_t> value_of(const Var& d) {
  if (!d.defined() || !d.is_constant() || d.node()->constant.size() != 1) return std::nullopt;
  return d.node()->constant.item_int64(0);
}

namespace {
// The structural part of same(): equal ops (and output positions) and the same number of inputs.
bool same_apply(const Var& a, const Var& b) {
  return a.owner() && b.owner() && a.node()->index == b.node()->index && a.owner()->op->equals(*b.owner()->op) &&
         a.owner()->inputs.size() == b.owner()->inputs.size();
}
// One pair's verdict that needs no look at the inputs: 1 same, 0 different, -1 compare the inputs.
int compare_leaves(const Var& a, const Var& b) {
  if (a == b) return 1;
  auto va = value_of(a), vb = value_of(b);
  if (va || vb) return va && vb && *va == *vb;
  return same_apply(a, b) ? -1 : 0;
}
}  // namespace

// Iterative (size expressions may be as deep as the graph), and each pair of subexpressions is
// compared once, so shared subexpressions cost no more than a tree.
bool same(const Var& a, const Var& b) {
  int top = compare_leaves(a, b);
  if (top >= 0) return top == 1;
  std::vector<std::pair<const Variable*, const Variable*>> work;
  std::set<std::pair<const VarNode*, const VarNode*>> seen;  // pairs whose inputs are queued
  auto push_inputs = [&](const Var& x, const Var& y) {
    const auto &ix = x.owner()->inputs, &iy = y.owner()->inputs;
    for (size_t i = ix.size(); i-- > 0;) work.push_back({&ix[i], &iy[i]});
  };
  push_inputs(a, b);
  while (!work.empty()) {
    auto [x, y] = work.back();
    work.pop_back();
    int verdict = compare_leaves(*x, *y);
    if (verdict == 0) return false;
    if (verdict == 1 || !seen.insert({x->node(), y->node()}).second) continue;
    push_inputs(*x, *y);
  }
  return true;
}

namespace {
Var binary(ScalarKind kind, const Var& a, const Var& b) { return elemwise(kind, {cast(a, DType::Int64), cast(b, DType::Int64)}); }

// Folding computes what the int64 kernels would (core/int_math.hpp: modulo 2**64, no trap).
int64_t py_floor_div(int64_t a, int64_t b) { return intmath::floor_div(a, b); }
}  // namespace

Var add(const Var& a, const Var& b) {
  auto va = value_of(a), vb = value_of(b);
  if (va && vb) return constant(intmath::add(*va, *vb));
  if (va == 0) return b;
  if (vb == 0) return a;
  return binary(ScalarKind::Add, a, b);
}

Var sub(const Var& a, const Var& b) {
  auto va = value_of(a), vb = value_of(b);
  if (va && vb) return constant(intmath::sub(*va, *vb));
  if (vb == 0) return a;
  if (same(a, b)) return constant(0);
  return binary(ScalarKind::Sub, a, b);
}

Var mul(const Var& a, const Var& b) {
  auto va = value_of(a), vb = value_of(b);
  if (va && vb) return constant(intmath::mul(*va, *vb));
  if (va == 1) return b;
  if (vb == 1) return a;
  return binary(ScalarKind::Mul, a, b);
}

Var floor_div(const Var& a, const Var& b) {
  auto va = value_of(a), vb = value_of(b);
  if (va && vb && *vb != 0) return constant(py_floor_div(*va, *vb));
  if (vb == 1) return a;
  return binary(ScalarKind::IntDiv, a, b);
}

Var maximum(const Var& a, const Var& b) {
  auto va = value_of(a), vb = value_of(b);
  if (va && vb) return constant(std::max(*va, *vb));
  // A size is never negative.
  auto is_size = [](const Var& v) { return v.owner() && dynamic_cast<const ShapeI*>(v.owner()->op.get()); };
  if (va == 0 && is_size(b)) return b;
  if (vb == 0 && is_size(a)) return a;
  if (same(a, b)) return a;
  return binary(ScalarKind::Maximum, a, b);
}

Var minimum(const Var& a, const Var& b) {
  auto va = value_of(a), vb = value_of(b);
  if (va && vb) return constant(std::min(*va, *vb));
  if (same(a, b)) return a;
  return binary(ScalarKind::Minimum, a, b);
}

Var product(const std::vector<Variable>& ds) {
  Var p = constant(1);
  for (const Variable& d : ds) p = mul(p, d);
  return p;
}

Var broadcast(const Var& a, const Var& b) {
  auto va = value_of(a), vb = value_of(b);
  if (va == 1) return b;
  if (vb == 1) return a;
  if (same(a, b)) return a;
  if (va) return a;  // a known size other than 1: b is that size or 1
  if (vb) return b;
  // Neither dim is broadcastable: the executor requires the sizes to be equal (Theano's strict
  // broadcasting), so either one is the output's.
  return a;
}

std::vector<Variable> broadcast_shapes(InShapes shapes) {
  std::vector<Variable> out = shapes[0];
  for (size_t k = 1; k < shapes.size(); ++k)
    for (size_t d = 0; d < out.size(); ++d) out[d] = broadcast(out[d], shapes[k][d]);
  return out;
}

std::vector<Variable> of(const Var& v) {
  std::vector<Variable> ds;
  for (int k = 0; k < v.ndim(); ++k) {
    if (v.type().broadcastable(k)) ds.push_back(constant(1));
    else if (v.is_constant()) ds.push_back(constant(v.node()->constant.shape(k)));
    else ds.push_back(shape_i(v, k));
  }
  return ds;
}

std::optional<std::vector<Variable>> by_rule(const Var& y) {
  Apply* a = y.owner();
  if (!a) return std::nullopt;
  std::vector<std::vector<Variable>> input_shapes;
  for (const Variable& in : a->inputs) input_shapes.push_back(of(in));
  auto shapes = a->op->infer_shape(a->inputs, input_shapes);
  if (!shapes) return std::nullopt;
  std::vector<Variable>& sizes = (*shapes)[size_t(y.node()->index)];
  if (int(sizes.size()) != y.ndim()) throw std::logic_error(a->op->str() + ": the shape rule gave the wrong number of dims");
  return std::move(sizes);
}

// Post-order over the graph behind v with an explicit stack (label expressions may be 200,000
// nodes deep); the sizes of a variable are made from its inputs' sizes, each variable's once. of(x)
// runs when x is first reached, before its inputs, as a recursive walk would create the nodes.
std::vector<Variable> inferred(const Var& v) {
  std::unordered_map<const VarNode*, std::vector<Variable>> memo;
  struct Frame {
    Variable x;
    size_t next;                  // the next input of x's apply to visit
    std::vector<Variable> sizes;  // of(x), refined by the shape rule once the inputs are done
  };
  std::vector<Frame> stack;
  stack.push_back({v, 0, of(v)});
  while (!stack.empty()) {
    Frame& f = stack.back();
    Apply* a = f.x.owner();
    if (a && f.next < a->inputs.size()) {
      const Variable& in = a->inputs[f.next++];
      if (!memo.count(in.node())) stack.push_back({in, 0, of(in)});  // f is not used after this
      continue;
    }
    if (a) {
      std::vector<std::vector<Variable>> input_shapes;
      for (const Variable& in : a->inputs) input_shapes.push_back(memo.at(in.node()));
      if (auto shapes = a->op->infer_shape(a->inputs, input_shapes))
        for (size_t k = 0; k < f.sizes.size(); ++k) {
          const Var& d = (*shapes)[size_t(f.x.node()->index)][k];
          if (d.defined() && !f.x.type().broadcastable(int(k))) f.sizes[k] = cast(d, DType::Int64);
        }
    }
    memo[f.x.node()] = std::move(f.sizes);
    stack.pop_back();
  }
  return memo.at(v.node());
}

Var entry(const Var& shape_vector, int i) {
  if (shape_vector.is_constant()) return constant(shape_vector.node()->constant.item_int64(i));
  if (shape_vector.owner() && dynamic_cast<const MakeVector*>(shape_vector.owner()->op.get()))
    return cast(shape_vector.owner()->inputs[size_t(i)], DType::Int64);
  IndexEntry e;  // an integer index
  return cast(subtensor(shape_vector, {e}, {constant(i)}), DType::Int64);
}

}  // namespace theano::ops::dims
