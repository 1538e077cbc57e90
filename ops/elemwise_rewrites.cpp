// Algebraic rewrites of elementwise ops (Theano's tensor/opt.py and nnet/sigm.py).
#include "ops/graph_math.hpp"
#include "ops/rewrite_util.hpp"
#include "ops/rewrites.hpp"

namespace theano::ops::rewrites {

using rewrite::Replacement;
using namespace match;

namespace {
// v as a replacement of node's only output, if it has the same type (broadcast pattern included).
Replacement same_type_or_none(const Apply& node, const Var& v) {
  if (!v.type().same_as(node.outputs[0]->type)) return std::nullopt;
  return std::vector<Variable>{v};
}

// x * 1 -> x
Replacement mul_one(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Mul)) return std::nullopt;
  for (int k : {0, 1})
    if (scalar_constant_value(node.inputs[size_t(k)]) == 1.0) return same_type_or_none(node, node.inputs[size_t(1 - k)]);
  return std::nullopt;
}

// x + 0 -> x, 0 + x -> x, x - 0 -> x
Replacement add_zero(Apply& node, const FunctionGraph&) {
  bool add = is_elemwise(node, ScalarKind::Add);
  if (!add && !is_elemwise(node, ScalarKind::Sub)) return std::nullopt;
  for (int k : add ? std::vector<int>{0, 1} : std::vector<int>{1})
    if (scalar_constant_value(node.inputs[size_t(k)]) == 0.0) return same_type_or_none(node, node.inputs[size_t(1 - k)]);
  return std::nullopt;
}

// -(-x) -> x
Replacement neg_neg(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Neg)) return std::nullopt;
  if (Apply* inner = elemwise_of(node.inputs[0], ScalarKind::Neg)) return same_type_or_none(node, inner->inputs[0]);
  return std::nullopt;
}

// log(1 + x) -> log1p(x)
Replacement log1p_of(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Log)) return std::nullopt;
  Apply* add = elemwise_of(node.inputs[0], ScalarKind::Add);
  if (!add) return std::nullopt;
  for (int k : {0, 1})
    if (scalar_constant_value(add->inputs[size_t(k)]) == 1.0) {
      const Variable& x = add->inputs[size_t(1 - k)];
      if (!x.type().same_as(node.outputs[0]->type)) return std::nullopt;
      return std::vector<Variable>{elemwise(ScalarKind::Log1p, {x})};
    }
  return std::nullopt;
}

// log(sigmoid(x)) -> -softplus(-x)
Replacement log_sigmoid(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Log)) return std::nullopt;
  Apply* sig = elemwise_of(node.inputs[0], ScalarKind::Sigmoid);
  if (!sig) return std::nullopt;
  using namespace math;
  return same_type_or_none(node, -elemwise(ScalarKind::Softplus, {-sig->inputs[0]}));
}

// x ** 2 -> sqr(x), x ** 1 -> x, x ** 0.5 -> sqrt(x), for a one-element constant exponent (there is no
// reciprocal op for x ** -1). The replacement must keep the output's type: the exponent may not
// broadcast x, and sqrt computes in float, so an integer x keeps its pow.
Replacement pow_specialize(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Pow)) return std::nullopt;
  auto e = scalar_constant_value(node.inputs[1]);
  const Variable& x = node.inputs[0];
  if (!e || !x.type().same_as(node.outputs[0]->type)) return std::nullopt;
  if (*e == 1.0) return std::vector<Variable>{x};
  if (*e == 2.0) return same_type_or_none(node, elemwise(ScalarKind::Sqr, {x}));
  if (*e == 0.5 && is_float(x.dtype())) return same_type_or_none(node, elemwise(ScalarKind::Sqrt, {x}));
  return std::nullopt;
}
}  // namespace

const LocalRewrite local_mul_one{"local_mul_one", &typeid(Elemwise), mul_one};
const LocalRewrite local_add_zero{"local_add_zero", &typeid(Elemwise), add_zero};
const LocalRewrite local_neg_neg{"local_neg_neg", &typeid(Elemwise), neg_neg};
const LocalRewrite local_log1p{"local_log1p", &typeid(Elemwise), log1p_of};
const LocalRewrite local_log_sigmoid{"local_log_sigmoid", &typeid(Elemwise), log_sigmoid};
const LocalRewrite local_pow_specialize{"local_pow_specialize", &typeid(Elemwise), pow_specialize};

}  // namespace theano::ops::rewrites
