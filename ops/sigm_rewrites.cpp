// Stabilizing rewrites of sigmoid and softplus (Theano's tensor/nnet/sigm.py): the spellings of
// sigmoid become sigmoid, logs of sigmoids and of 1 + exp become softplus, which stay finite where
// the spelled-out forms overflow. All run in stabilize.
#include <vector>
#include <algorithm>

#include "ops/graph_math.hpp"
#include "ops/rewrites.hpp"
#include "ops/sigm_forms.hpp"

namespace theano::ops::rewrites {

using rewrite::Replacement;
using namespace match;
using sigm::exp_arg;
using sigm::one_plus_exp_arg;

namespace {
Replacement same_type_or_none(const Apply& node, const Var& v) {
  if (!v.type().same_as(node.outputs[0]->type)) return std::nullopt;
  return std::vector<Variable>{v};
}

// -t, reading through a negation: -(-u) is u itself.
Var negated(const Var& t) {
  if (Apply* n = elemwise_of(t, ScalarKind::Neg)) return n->inputs[0];
  using namespace math;
  return -t;
}

// The factors of a product tree of binary muls and negations, with the parity of the negations.
// One-element constants (also fill(x, c) = Second(x, c), whose shape the final type check keeps)
// are multiplied into `coef`.
struct Product {
  std::vector<Var> factors;
  bool neg = false;
  double coef = 1.0;
};
// Iterative, and bounded: a product is looked into through at most kMaxFactors muls and negations
// (deeper ones stay whole factors), so a long chain costs neither stack nor quadratic time.
constexpr int kMaxFactors = 64;
void collect(const Var& root, Product& p, bool constants) {
  std::vector<Var> todo{root};
  int opened = 0;
  while (!todo.empty()) {
    Var v = todo.back();
    todo.pop_back();
    bool open = opened < kMaxFactors;
    if (Apply* m = open ? elemwise_of(v, ScalarKind::Mul) : nullptr) {
      ++opened;
      todo.push_back(m->inputs[1]);
      todo.push_back(m->inputs[0]);
    } else if (Apply* n = open ? elemwise_of(v, ScalarKind::Neg) : nullptr) {
      ++opened;
      p.neg = !p.neg;
      todo.push_back(n->inputs[0]);
    } else if (auto c = scalar_constant_value(v); constants && c) {
      p.coef *= *c;
    } else if (Apply* f = elemwise_of(v, ScalarKind::Second); constants && f && scalar_constant_value(f->inputs[1])) {
      p.coef *= *scalar_constant_value(f->inputs[1]);
    } else {
      p.factors.push_back(v);
    }
  }
}

// The product back as a graph, like `like` in dtype; nullopt for an empty product with coefficient 1.
std::optional<Var> build(const std::vector<Var>& factors, double coef, bool neg, DType dtype) {
  using namespace math;
  if (coef < 0) {
    coef = -coef;
    neg = !neg;
  }
  std::optional<Var> out;
  for (const Var& f : factors) out = out ? *out * f : f;
  if (coef != 1.0) out = out ? *out * coef : scalar_constant(coef, dtype);
  if (neg) out = out ? -*out : scalar_constant(-1.0, dtype);
  return out;
}

// exp(x) / (1 + exp(x)) -> sigmoid(x), c / (1 + exp(x)) -> c * sigmoid(-x), over the factors of
// the numerator and the denominator.
Replacement exp_over_1_plus_exp(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::TrueDiv) || !is_float(node.outputs[0]->type.dtype)) return std::nullopt;
  Product num, den;
  collect(node.inputs[0], num, true);
  collect(node.inputs[1], den, false);
  std::vector<Var> sigmoids, den_rest;
  for (const Var& d : den.factors) {
    auto t = one_plus_exp_arg(d);
    if (!t) {
      den_rest.push_back(d);
      continue;
    }
    auto e = std::find_if(num.factors.begin(), num.factors.end(), [&](const Var& f) { return exp_arg(f) == t; });
    if (e != num.factors.end()) {
      num.factors.erase(e);
      sigmoids.push_back(sigmoid(*t));
    } else {
      sigmoids.push_back(sigmoid(negated(*t)));
    }
  }
  if (sigmoids.empty()) return std::nullopt;
  DType dt = node.outputs[0]->type.dtype;
  sigmoids.insert(sigmoids.end(), num.factors.begin(), num.factors.end());
  Var out = *build(sigmoids, num.coef, num.neg != den.neg, dt);
  using namespace math;
  if (auto rest = build(den_rest, 1.0, false, dt)) out = out / *rest;
  return same_type_or_none(node, out);
}

// exp(x) * sigmoid(-x) -> sigmoid(x), exp(-x) * sigmoid(x) -> sigmoid(-x), over the factors of a
// product (negations collected into one sign).
Replacement sigm_times_exp(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Mul)) return std::nullopt;
  Product p;
  collect(node.inputs[0], p, false);
  collect(node.inputs[1], p, false);
  bool changed = false;
  // The argument of v as exp(a) or sigmoid(a), split into (u, negated) with a = -u or a = u.
  auto split = [](const Var& a) -> std::pair<Var, bool> {
    if (Apply* n = elemwise_of(a, ScalarKind::Neg)) return {n->inputs[0], true};
    return {a, false};
  };
  for (size_t i = 0; i < p.factors.size(); ++i) {
    auto e = exp_arg(p.factors[i]);
    if (!e) continue;
    auto [u, eneg] = split(*e);
    for (size_t j = 0; j < p.factors.size(); ++j) {
      Apply* s = elemwise_of(p.factors[j], ScalarKind::Sigmoid);
      if (!s) continue;
      auto [v, sneg] = split(s->inputs[0]);
      if (v != u || eneg == sneg) continue;
      // exp(u) * sigmoid(-u) = sigmoid(u); exp(-u) * sigmoid(u) = sigmoid(-u)
      p.factors[j] = eneg ? sigmoid(*e) : sigmoid(u);
      p.factors.erase(p.factors.begin() + long(i));
      changed = true;
      --i;
      break;
    }
  }
  if (!changed) return std::nullopt;
  return same_type_or_none(node, *build(p.factors, 1.0, p.neg, node.outputs[0]->type.dtype));
}

// log(1 - sigmoid(x)) -> -softplus(x)
Replacement log1msigm_to_softplus(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Log)) return std::nullopt;
  Apply* sub = elemwise_of(node.inputs[0], ScalarKind::Sub);
  if (!sub || !sigm::is_one(sub->inputs[0])) return std::nullopt;
  Apply* s = elemwise_of(sub->inputs[1], ScalarKind::Sigmoid);
  if (!s) return std::nullopt;
  using namespace math;
  return same_type_or_none(node, -elemwise(ScalarKind::Softplus, {s->inputs[0]}));
}

// log1p(exp(x)) -> softplus(x)
Replacement log1pexp_to_softplus(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Log1p)) return std::nullopt;
  auto x = exp_arg(node.inputs[0]);
  if (!x) return std::nullopt;
  return same_type_or_none(node, elemwise(ScalarKind::Softplus, {*x}));
}

// log1p(-sigmoid(x)) -> -softplus(x)
Replacement log1p_neg_sigmoid(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Log1p)) return std::nullopt;
  Apply* n = elemwise_of(node.inputs[0], ScalarKind::Neg);
  Apply* s = n ? elemwise_of(n->inputs[0], ScalarKind::Sigmoid) : nullptr;
  if (!s) return std::nullopt;
  using namespace math;
  return same_type_or_none(node, -elemwise(ScalarKind::Softplus, {s->inputs[0]}));
}
}  // namespace

const LocalRewrite local_exp_over_1_plus_exp{"local_exp_over_1_plus_exp", &typeid(Elemwise), exp_over_1_plus_exp};
const LocalRewrite local_sigm_times_exp{"local_sigm_times_exp", &typeid(Elemwise), sigm_times_exp};
const LocalRewrite local_log1msigm_to_softplus{"log1msigm_to_softplus", &typeid(Elemwise), log1msigm_to_softplus};
const LocalRewrite local_log1pexp_to_softplus{"log1pexp_to_softplus", &typeid(Elemwise), log1pexp_to_softplus};
const LocalRewrite local_log1p_neg_sigmoid{"log1p_neg_sigmoid", &typeid(Elemwise), log1p_neg_sigmoid};

}  // namespace theano::ops::rewrites
