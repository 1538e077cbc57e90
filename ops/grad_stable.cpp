// Stable gradient rules for the spellings of log-sigmoid, softplus and sigmoid (the grad driver's
// shortcut, ops/grad_stable.hpp). The chain rule through log(p) with p = 1 / (1 + exp(-z)) divides
// by p, which underflows to 0; Theano's canonizer cancels those divisions in the gradient graph
// before its stabilize rewrites run. Here the driver differentiates the stable form directly:
//   log(sigmoid(z))       -> d/dz = sigmoid(-z)      log(1 + exp(z)), log1p(exp(z)) -> sigmoid(z)
//   log(1 - sigmoid(z))   -> d/dz = -sigmoid(z)      log1p(-sigmoid(z))            -> -sigmoid(z)
//   exp(z) / (1 + exp(z)), 1 / (1 + exp(-z))        -> d/dz = sigmoid(z) * sigmoid(-z)
// with the sigmoid spelled as in ops/sigm_forms.hpp. The values are the same functions; only the
// graph of the gradient differs, and it has no division by a saturating value.
#include "ops/grad_stable.hpp"

#include "ops/graph_math.hpp"
#include "ops/sigm_forms.hpp"

namespace theano::ops {

namespace {
using namespace match;
using math::operator*;
using math::operator-;

// Whether no variable strictly between v and z (z excluded, v included) is held constant.
bool passes(const Var& v, const Var& z, const std::function<bool(const Variable&)>& is_constant, int depth = 0) {
  if (v == z) return true;
  if (is_constant(v) || depth > 8 || !v.owner()) return false;
  for (const Variable& in : v.owner()->inputs)
    if (!passes(in, z, is_constant, depth + 1) && !in.is_constant()) return false;
  return true;
}

Var neg_of(const Var& z) {
  if (Apply* n = elemwise_of(z, ScalarKind::Neg)) return n->inputs[0];
  return -z;
}

std::optional<std::vector<StableCotangent>> one(const Var& target, const Var& g) {
  if (!is_float(target.dtype())) return std::nullopt;
  return std::vector<StableCotangent>{{target, g}};
}
}  // namespace

std::optional<std::vector<StableCotangent>> stable_pullback(const Apply& a, const Var& out, const Var& gz,
                                                            const std::function<bool(const Variable&)>& is_constant) {
  auto* e = dynamic_cast<const Elemwise*>(a.op.get());
  if (!e || a.inputs.size() > 2) return std::nullopt;
  const Var v = a.inputs[0];
  auto ok = [&](const Var& from, const Var& z) { return z.ndim() == out.ndim() && passes(from, z, is_constant); };
  switch (e->kind()) {
    case ScalarKind::Log:
      if (auto f = sigm::sigmoid_form(v); f && ok(v, f->z)) {
        // log(sigmoid(s z)): d/dz = s sigmoid(-s z)
        if (f->sign > 0) return one(f->z, gz * sigmoid(neg_of(f->z)));
        return one(f->z, -(gz * sigmoid(f->z)));
      }
      if (auto t = sigm::one_plus_exp_arg(v); t && ok(v, *t)) return one(*t, gz * sigmoid(*t));
      return std::nullopt;
    case ScalarKind::Log1p:
      if (auto t = sigm::exp_arg(v); t && ok(v, *t)) return one(*t, gz * sigmoid(*t));
      if (Apply* n = elemwise_of(v, ScalarKind::Neg)) {
        // log1p(-sigmoid(s z)) = log(sigmoid(-s z)): d/dz = -s sigmoid(s z)
        auto f = sigm::sigmoid_form(n->inputs[0]);
        if (!f || !ok(v, f->z)) return std::nullopt;
        if (f->sign > 0) return one(f->z, -(gz * sigmoid(f->z)));
        return one(f->z, gz * sigmoid(neg_of(f->z)));
      }
      return std::nullopt;
    case ScalarKind::TrueDiv:
      if (auto f = sigm::sigmoid_form(out); f && ok(out, f->z)) {
        // sigmoid(s z): d/dz = s sigmoid(z) sigmoid(-z)
        Var d = gz * sigmoid(f->z) * sigmoid(neg_of(f->z));
        return one(f->z, f->sign > 0 ? d : -d);
      }
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace theano::ops
