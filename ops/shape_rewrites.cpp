// Rewrites of shape and indexing ops (Theano's local_dimshuffle_lift, local_useless_dimshuffle,
// local_reshape_chain, local_subtensor_lift, and its ShapeFeature: sizes lifted through the ops'
// shape rules, Op::infer_shape).
#include "ops/basic.hpp"
#include "ops/graph_math.hpp"
#include "ops/rewrite_util.hpp"
#include "ops/rewrites.hpp"
#include "ops/shape_math.hpp"
#include "ops/subtensor.hpp"

namespace theano::ops::rewrites {

using rewrite::Replacement;
using namespace match;

namespace {
bool is_identity(const std::vector<int>& pattern, int input_ndim) {
  if (int(pattern.size()) != input_ndim) return false;
  for (size_t i = 0; i < pattern.size(); ++i)
    if (pattern[i] != int(i)) return false;
  return true;
}

// DimShuffle{p2}(DimShuffle{p1}(x)) -> DimShuffle{p1[p2]}(x)
Replacement dimshuffle_chain(Apply& node, const FunctionGraph&) {
  auto* outer = dynamic_cast<const DimShuffle*>(node.op.get());
  auto* inner = op_of<DimShuffle>(node.inputs[0]);
  if (!outer || !inner) return std::nullopt;
  const Variable& x = node.inputs[0].owner()->inputs[0];
  std::vector<int> combined;
  for (int p : outer->pattern()) combined.push_back(p < 0 ? -1 : inner->pattern()[size_t(p)]);
  if (is_identity(combined, x.ndim())) return std::vector<Variable>{x};
  return std::vector<Variable>{make_apply1(std::make_shared<DimShuffle>(x.ndim(), combined), {x})};
}

// DimShuffle{0,1,...,n-1}(x) -> x
Replacement useless_dimshuffle(Apply& node, const FunctionGraph&) {
  auto* ds = dynamic_cast<const DimShuffle*>(node.op.get());
  if (!ds || !is_identity(ds->pattern(), node.inputs[0].ndim())) return std::nullopt;
  return std::vector<Variable>{node.inputs[0]};
}

// Reshape(Reshape(x, s1), s2) -> Reshape(x, s2)
Replacement reshape_chain(Apply& node, const FunctionGraph&) {
  if (!dynamic_cast<const Reshape*>(node.op.get()) || !op_of<Reshape>(node.inputs[0])) return std::nullopt;
  return std::vector<Variable>{make_apply1(node.op, {node.inputs[0].owner()->inputs[0], node.inputs[1]})};
}

// Reshape(x, s).shape[i] -> s[i] (when s[i] is a constant or an entry of MakeVector, and not -1)
Replacement shape_i_of_reshape(Apply& node, const FunctionGraph&) {
  auto* si = dynamic_cast<const ShapeI*>(node.op.get());
  if (!si || !op_of<Reshape>(node.inputs[0])) return std::nullopt;
  const Variable& s = node.inputs[0].owner()->inputs[1];
  if (s.is_constant()) {
    double v = s.node()->constant.item(si->i());
    if (v < 0) return std::nullopt;
    return std::vector<Variable>{scalar_constant(v, DType::Int64)};
  }
  if (op_of<MakeVector>(s)) {
    const Var& entry = s.owner()->inputs[size_t(si->i())];
    if (auto c = scalar_constant_value(entry); c && *c < 0) return std::nullopt;
    if (!entry.is_constant()) return std::nullopt;  // a symbolic entry may be -1 at run time
    return std::vector<Variable>{entry};
  }
  return std::nullopt;
}

// Shape_i{k}(op(inputs)) -> the k-th size from op's infer_shape, in terms of the inputs' Shape_i
// (which this rewrite lifts in turn, down to the function's inputs); a broadcastable dim is 1.
Replacement shape_i_lift(Apply& node, const FunctionGraph&) {
  auto* si = dynamic_cast<const ShapeI*>(node.op.get());
  if (!si) return std::nullopt;
  const Variable& y = node.inputs[0];
  if (y.type().broadcastable(si->i())) return std::vector<Variable>{dims::constant(1)};
  auto sizes = dims::by_rule(y);
  if (!sizes || !(*sizes)[size_t(si->i())].defined()) return std::nullopt;
  return std::vector<Variable>{cast((*sizes)[size_t(si->i())], DType::Int64)};
}

// Shape(y)[k] -> Shape_i{k}(y) and MakeVector(d0, d1, ..)[k] -> dk for a constant k.
Replacement shape_subtensor(Apply& node, const FunctionGraph&) {
  auto* st = dynamic_cast<const Subtensor*>(node.op.get());
  if (!st || st->entries().size() != 1 || st->entries()[0].is_slice) return std::nullopt;
  const Variable& v = node.inputs[0];
  auto k = dims::value_of(node.inputs[1]);
  if (!k || !v.owner() || v.type().shape[0] < 0) return std::nullopt;
  int64_t n = v.type().shape[0], i = *k < 0 ? *k + n : *k;
  if (i < 0 || i >= n) return std::nullopt;  // the kernel reports the bad index
  if (op_of<Shape>(v)) return std::vector<Variable>{shape_i(v.owner()->inputs[0], int(i))};
  if (op_of<MakeVector>(v)) return std::vector<Variable>{cast(v.owner()->inputs[size_t(i)], DType::Int64)};
  return std::nullopt;
}

// Shape(y) -> MakeVector(Shape_i{0}(y), ..) when y's op has a shape rule and y is read only for its
// shape: the Shape_i are then lifted, and y is not computed. (When y is computed anyway, one Shape of
// it is cheaper than the scalar expressions of its sizes, such as a conv's.)
Replacement shape_to_shape_i(Apply& node, const FunctionGraph& fg) {
  if (!dynamic_cast<const Shape*>(node.op.get())) return std::nullopt;
  const Variable& y = node.inputs[0];
  if (!y.owner() || y.ndim() == 0) return std::nullopt;
  for (const auto& [reader, _] : fg.clients(y))
    if (!reader || (!dynamic_cast<const Shape*>(reader->op.get()) && !dynamic_cast<const ShapeI*>(reader->op.get()))) return std::nullopt;
  auto rule = dims::by_rule(y);
  if (!rule) return std::nullopt;
  for (const Variable& d : *rule)
    if (!d.defined()) return std::nullopt;
  std::vector<Variable> sizes;
  for (int k = 0; k < y.ndim(); ++k) sizes.push_back(shape_i(y, k));
  return std::vector<Variable>{make_vector(sizes)};
}

// unary(x)[idx] -> unary(x[idx]) when the subtensor is unary(x)'s only reader: the elementwise op (a
// cast of the labels, say) then runs on the slice only.
Replacement subtensor_lift(Apply& node, const FunctionGraph& fg) {
  if (!dynamic_cast<const Subtensor*>(node.op.get())) return std::nullopt;
  const Variable& u = node.inputs[0];
  if (!op_of<Elemwise>(u) || u.owner()->inputs.size() != 1 || fg.clients(u).size() != 1) return std::nullopt;
  std::vector<Variable> in = node.inputs;
  in[0] = u.owner()->inputs[0];
  Var sliced = make_apply1(node.op, std::move(in));
  return std::vector<Variable>{make_apply1(u.owner()->op, {sliced})};
}
}  // namespace

const LocalRewrite local_dimshuffle_chain{"local_dimshuffle_chain", &typeid(DimShuffle), dimshuffle_chain};
const LocalRewrite local_useless_dimshuffle{"local_useless_dimshuffle", &typeid(DimShuffle), useless_dimshuffle};
const LocalRewrite local_reshape_chain{"local_reshape_chain", &typeid(Reshape), reshape_chain};
const LocalRewrite local_shape_i_of_reshape{"local_shape_i_of_reshape", &typeid(ShapeI), shape_i_of_reshape};
const LocalRewrite local_shape_i_lift{"local_shape_i_lift", &typeid(ShapeI), shape_i_lift};
const LocalRewrite local_shape_subtensor{"local_shape_subtensor", &typeid(Subtensor), shape_subtensor};
const LocalRewrite local_shape_to_shape_i{"local_shape_to_shape_i", &typeid(Shape), shape_to_shape_i};
const LocalRewrite local_subtensor_lift{"local_subtensor_lift", &typeid(Subtensor), subtensor_lift};

}  // namespace theano::ops::rewrites
