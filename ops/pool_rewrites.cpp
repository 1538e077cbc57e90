// Max pooling's specializations: the gradient recomputes window maxima instead of reading the pooled
// array, and then LeNet's act(pool_max(x) + b) is left as the pooled array's only reader, so it
// becomes one MaxPoolBiasActivation (ops/pool_fused.hpp).
#include "ops/composite.hpp"
#include "ops/pool_fused.hpp"
#include "ops/rewrite_util.hpp"
#include "ops/rewrites.hpp"

namespace theano::ops::rewrites {

using rewrite::Replacement;
using namespace match;

namespace {
const Pool* max_pool_of(const Var& v, PoolKind kind) {
  const Pool* p = op_of<Pool>(v);
  return p && p->kind() == kind && p->attrs().mode == kernels::PoolMode::Max ? p : nullptr;
}

bool only_reader(const FunctionGraph& fg, const Var& v, const Apply* reader) {
  for (auto [r, pos] : fg.clients(v))
    if (r != reader) return false;
  return true;
}

// MaxPoolGrad(x, pool_max(x), gz) -> MaxPoolGradRecompute(x, gz)   (windows that do not overlap)
Replacement grad_recompute_of(Apply& node, const FunctionGraph&) {
  const Pool* grad = dynamic_cast<const Pool*>(node.op.get());
  if (!grad || grad->kind() != PoolKind::Grad || grad->attrs().mode != kernels::PoolMode::Max) return std::nullopt;
  const PoolAttrs& a = grad->attrs();
  // Overlapping windows would visit inputs several times each: reading the pooled array is cheaper.
  if (a.stride_h < a.ws_h || a.stride_w < a.ws_w) return std::nullopt;
  const Variable &x = node.inputs[0], &pooled = node.inputs[1], &gz = node.inputs[2];
  const Pool* fwd = max_pool_of(pooled, PoolKind::Forward);
  if (!fwd || !(fwd->attrs() == a) || pooled.owner()->inputs[0].node() != x.node()) return std::nullopt;
  return std::vector<Variable>{max_pool_grad_recompute(x, gz, a)};
}

// The activation and the two summands of act(a + b) for tanh and sigmoid, either fused
// (Elemwise{Composite{tanh((i0 + i1))}}) or as two Elemwise applies (the add read only by the
// activation). `reader` is the apply that reads a and b.
struct BiasActivation {
  kernels::PoolActivation act;
  Var a, b;
  const Apply* reader;
};
std::optional<kernels::PoolActivation> activation_of(ScalarKind k) {
  if (k == ScalarKind::Tanh) return kernels::PoolActivation::Tanh;
  if (k == ScalarKind::Sigmoid) return kernels::PoolActivation::Sigmoid;
  return std::nullopt;
}
std::optional<BiasActivation> bias_activation_of(Apply& node, const FunctionGraph& fg) {
  if (auto* c = dynamic_cast<const Composite*>(node.op.get())) {
    const auto& prog = c->program();
    if (c->n_inputs() != 2 || prog.size() != 2 || prog[0].kind != ScalarKind::Add || prog[1].args != std::vector<int>{2}) return std::nullopt;
    auto act = activation_of(prog[1].kind);
    const auto& args = prog[0].args;
    if (!act || args[0] == args[1]) return std::nullopt;
    return BiasActivation{*act, node.inputs[size_t(args[0])], node.inputs[size_t(args[1])], &node};
  }
  auto* e = dynamic_cast<const Elemwise*>(node.op.get());
  auto act = e ? activation_of(e->kind()) : std::nullopt;
  Apply* add = act ? elemwise_of(node.inputs[0], ScalarKind::Add) : nullptr;
  if (!add || !only_reader(fg, node.inputs[0], &node)) return std::nullopt;
  return BiasActivation{*act, add->inputs[0], add->inputs[1], add};
}

// act(pool_max(x) + b) -> MaxPoolBiasActivation(x, b)   (act tanh or sigmoid, b constant within each image, the pooled array read only here)
Replacement pool_bias_activation_of(Apply& node, const FunctionGraph& fg) {
  auto m = bias_activation_of(node, fg);
  if (!m) return std::nullopt;
  const TensorType& out = node.outputs[0]->type;
  for (auto [pooled, bias] : {std::pair{m->a, m->b}, std::pair{m->b, m->a}}) {
    const Pool* pool = max_pool_of(pooled, PoolKind::Forward);
    if (!pool || !only_reader(fg, pooled, m->reader) || pooled.dtype() != out.dtype || bias.dtype() != out.dtype) continue;
    if (pooled.ndim() != out.ndim() || bias.ndim() != out.ndim()) continue;
    try {  // MaxPoolBiasActivation's type check decides which biases it takes
      return std::vector<Variable>{max_pool_bias_activation(pooled.owner()->inputs[0], bias, pool->attrs(), m->act)};
    } catch (const OpError&) {
      continue;
    }
  }
  return std::nullopt;
}
}  // namespace

const LocalRewrite local_max_pool_grad_recompute{"local_max_pool_grad_recompute", &typeid(Pool), grad_recompute_of};
const LocalRewrite local_max_pool_bias_activation{"local_max_pool_bias_activation", &typeid(Elemwise), pool_bias_activation_of};
const LocalRewrite local_max_pool_bias_activation_fused{"local_max_pool_bias_activation", &typeid(Composite), pool_bias_activation_of};

}  // namespace theano::ops::rewrites
