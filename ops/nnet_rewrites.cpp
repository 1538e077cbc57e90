// Stabilizing rewrites of softmax cross-entropies (Theano's tensor/nnet/nnet.py: local_logsoftmax,
// local_advanced_indexing_crossentropy_onehot and its _grad).
#include "ops/basic.hpp"
#include "ops/graph_math.hpp"
#include "ops/nnet.hpp"
#include "ops/nnet_fused.hpp"
#include "ops/reduce.hpp"
#include "ops/rewrite_util.hpp"
#include "ops/rewrites.hpp"
#include "ops/shape_math.hpp"
#include "ops/subtensor.hpp"

namespace theano::ops::rewrites {

using rewrite::Replacement;
using namespace match;

namespace {
// Theano's _check_rows_is_arange_len_labels: rows = arange(0, labels.shape[0], 1), where the length
// may already be lifted by local_shape_i_lift (it is then what the shape rules give for labels).
bool rows_is_arange_len_labels(const Var& rows, const Var& labels) {
  if (!op_of<ARange>(rows)) return false;
  const auto& in = rows.owner()->inputs;
  if (scalar_constant_value(in[0]) != 0.0 || scalar_constant_value(in[2]) != 1.0) return false;
  auto* si = op_of<ShapeI>(in[1]);
  if (si && si->i() == 0 && in[1].owner()->inputs[0] == labels) return true;
  return labels.ndim() == 1 && dims::same(in[1], dims::inferred(labels)[0]);
}

// The softmax's input z as (x, b) when z = x + b with a broadcast row b (b undefined otherwise).
std::pair<Var, Var> split_bias(const Var& z) {
  if (Apply* add = elemwise_of(z, ScalarKind::Add))
    for (int k : {0, 1}) {
      const Variable &row = add->inputs[size_t(k)], &x = add->inputs[size_t(1 - k)];
      auto* ds = op_of<DimShuffle>(row);
      if (ds && ds->pattern() == std::vector<int>{-1, 0} && x.type().same_as(z.type())) return {x, row.owner()->inputs[0]};
    }
  return {z, Var()};
}

// The softmax's input when v = log(softmax(z)) or v = LogSoftmax(z).
std::optional<Var> log_softmax_input(const Var& v) {
  if (op_of<LogSoftmax>(v)) return v.owner()->inputs[0];
  Apply* log = elemwise_of(v, ScalarKind::Log);
  if (log && op_of<Softmax>(log->inputs[0])) return log->inputs[0].owner()->inputs[0];
  return std::nullopt;
}

Var neg_nll(const Var& z, const Var& labels) {
  auto [x, b] = split_bias(z);
  using namespace math;
  return -crossentropy_softmax_argmax_1hot(x, b, labels)[0];
}

// log(softmax(x)) -> LogSoftmax(x)
Replacement log_softmax_of(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Log) || !op_of<Softmax>(node.inputs[0])) return std::nullopt;
  return std::vector<Variable>{log_softmax(node.inputs[0].owner()->inputs[0])};
}

// log(softmax(x + b))[arange(len(y)), y] -> -CrossentropySoftmaxArgmax1HotWithBias(x, b, y)[0]
Replacement crossentropy_onehot(Apply& node, const FunctionGraph&) {
  if (node.inputs.size() != 3 || !rows_is_arange_len_labels(node.inputs[1], node.inputs[2])) return std::nullopt;
  auto z = log_softmax_input(node.inputs[0]);
  if (!z || z->ndim() != 2) return std::nullopt;
  return std::vector<Variable>{neg_nll(*z, node.inputs[2])};
}

// log(softmax(x + b)[arange(len(y)), y]) -> -CrossentropySoftmaxArgmax1HotWithBias(x, b, y)[0]
Replacement log_of_crossentropy_onehot(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Log)) return std::nullopt;
  const Variable& picked = node.inputs[0];
  if (!op_of<AdvancedSubtensor>(picked)) return std::nullopt;
  const auto& in = picked.owner()->inputs;
  if (in.size() != 3 || !op_of<Softmax>(in[0]) || !rows_is_arange_len_labels(in[1], in[2])) return std::nullopt;
  return std::vector<Variable>{neg_nll(in[0].owner()->inputs[0], in[2])};
}

// softmax_grad(onehot(dy) / sm, sm) -> CrossentropySoftmax1HotWithBiasDx(-dy, sm, y)
// The softmax gradient is (g - sum(g * sm, axis=1)[:, None]) * sm, with g the gradient reaching
// log(sm) from the indexing: AdvancedIncSubtensor(zeros, dy, rows, y) / sm, or (when the log came
// after the indexing) AdvancedIncSubtensor(zeros, dy / sm[rows, y], rows, y).
Replacement crossentropy_onehot_grad(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Mul)) return std::nullopt;
  for (int k : {0, 1}) {
    const Variable &sm = node.inputs[size_t(k)], &d = node.inputs[size_t(1 - k)];
    Apply* sub = elemwise_of(d, ScalarKind::Sub);
    if (!op_of<Softmax>(sm) || !sub) continue;
    const Variable &g = sub->inputs[0], &r = sub->inputs[1];
    auto* ds = op_of<DimShuffle>(r);
    if (!ds || ds->pattern() != std::vector<int>{0, -1}) continue;
    const Var& s = r.owner()->inputs[0];
    auto* red = op_of<Reduce>(s);
    if (!red || red->kind() != ReduceKind::Sum || red->axes() != std::vector<int>{1}) continue;
    Apply* gsm = elemwise_of(s.owner()->inputs[0], ScalarKind::Mul);
    if (!gsm || !((gsm->inputs[0] == g && gsm->inputs[1] == sm) || (gsm->inputs[0] == sm && gsm->inputs[1] == g))) continue;
    // g = onehot(dy) / sm  or  g = onehot(dy / sm[rows, y])
    Var inc = g, dy;
    if (Apply* div = elemwise_of(g, ScalarKind::TrueDiv)) {
      if (div->inputs[1] != sm) continue;
      inc = div->inputs[0];
    }
    if (!op_of<AdvancedIncSubtensor>(inc)) continue;
    const auto& in = inc.owner()->inputs;
    if (in.size() != 4 || !is_zeros(in[0]) || !rows_is_arange_len_labels(in[2], in[3])) continue;
    const Var &rows = in[2], &labels = in[3];
    if (inc == g) {  // the log came after the indexing: dy / sm[rows, y]
      Apply* div = elemwise_of(in[1], ScalarKind::TrueDiv);
      if (!div || !op_of<AdvancedSubtensor>(div->inputs[1])) continue;
      const auto& picked = div->inputs[1].owner()->inputs;
      if (picked.size() != 3 || picked[0] != sm || picked[1] != rows || picked[2] != labels) continue;
      dy = div->inputs[0];
    } else {
      dy = in[1];
    }
    if (dy.ndim() != 1 || dy.dtype() != sm.dtype()) continue;
    auto [x, b] = split_bias(sm.owner()->inputs[0]);
    Var sm_fused = crossentropy_softmax_argmax_1hot(x, b, labels)[1];  // merged with the forward's
    using namespace math;
    return std::vector<Variable>{crossentropy_softmax_1hot_dx(-dy, sm_fused, labels)};
  }
  return std::nullopt;
}

// softmax_grad(g / sm, sm) -> g - sum(g, axis=1)[:, None] * sm
// Log(Softmax(x))'s gradient (g / sm - sum(g / sm * sm, axis=1)[:, None]) * sm without the
// division, which is inf (and the product nan) where sm underflows to 0. As Theano, not when g is
// the one-hot of the crossentropy (local_advanced_indexing_crossentropy_onehot_grad's case).
Replacement logsoftmax_grad(Apply& node, const FunctionGraph&) {
  if (!is_elemwise(node, ScalarKind::Mul)) return std::nullopt;
  for (int k : {0, 1}) {
    const Variable &sm = node.inputs[size_t(k)], &d = node.inputs[size_t(1 - k)];
    Apply* sub = elemwise_of(d, ScalarKind::Sub);
    if (!op_of<Softmax>(sm) || !sub) continue;
    Apply* div = elemwise_of(sub->inputs[0], ScalarKind::TrueDiv);
    if (!div || div->inputs[1] != sm || op_of<AdvancedIncSubtensor>(div->inputs[0])) continue;
    const Variable& r = sub->inputs[1];
    auto* ds = op_of<DimShuffle>(r);
    if (!ds || ds->pattern() != std::vector<int>{0, -1}) continue;
    const Var& s = r.owner()->inputs[0];
    auto* red = op_of<Reduce>(s);
    if (!red || red->kind() != ReduceKind::Sum || red->axes() != std::vector<int>{1}) continue;
    Apply* gsm = elemwise_of(s.owner()->inputs[0], ScalarKind::Mul);
    const Variable& q = sub->inputs[0];
    if (!gsm || !((gsm->inputs[0] == q && gsm->inputs[1] == sm) || (gsm->inputs[0] == sm && gsm->inputs[1] == q))) continue;
    const Var& g = div->inputs[0];
    if (g.ndim() != 2) continue;
    using namespace math;
    Var out = g - dimshuffle(sum(g, {1}), {0, -1}) * sm;
    if (!out.type().same_as(node.outputs[0]->type)) continue;
    return std::vector<Variable>{out};
  }
  return std::nullopt;
}
}  // namespace

const LocalRewrite local_logsoftmax_grad{"local_logsoftmax_grad", &typeid(Elemwise), logsoftmax_grad};
const LocalRewrite local_log_softmax{"local_log_softmax", &typeid(Elemwise), log_softmax_of};
const LocalRewrite local_crossentropy_onehot{"local_advanced_indexing_crossentropy_onehot", &typeid(AdvancedSubtensor), crossentropy_onehot};
const LocalRewrite local_log_of_crossentropy_onehot{"local_advanced_indexing_crossentropy_onehot", &typeid(Elemwise),
                                                    log_of_crossentropy_onehot};
const LocalRewrite local_crossentropy_onehot_grad{"local_advanced_indexing_crossentropy_onehot_grad", &typeid(Elemwise),
                                                  crossentropy_onehot_grad};

}  // namespace theano::ops::rewrites
