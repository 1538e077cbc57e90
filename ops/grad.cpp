#include "ops/grad.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <unordered_map>
#include <unordered_set>

#include "graph/fgraph.hpp"
#include "graph/op.hpp"
#include "ops/grad_stable.hpp"
#include "ops/graph_math.hpp"

namespace theano {

namespace {
using ops::math::operator+;

// Sums `g` over the dims where `target` is broadcastable but g is not, so g gets target's type.
Var fit_to(const Var& g, const Var& target) {
  Var out = g;
  if (out.ndim() != target.ndim())
    throw std::logic_error(fmt::format("grad: a gradient for {} has {} dims instead of {}", target.describe(), g.ndim(), target.ndim()));
  std::vector<int> axes;
  for (int d = 0; d < target.ndim(); ++d)
    if (target.type().bcast[d] && !out.type().bcast[d]) axes.push_back(d);
  if (!axes.empty()) {
    std::vector<int> pattern;
    for (int d = 0, k = 0; d < target.ndim(); ++d) {
      bool reduced = std::find(axes.begin(), axes.end(), d) != axes.end();
      pattern.push_back(reduced ? -1 : k++);
    }
    out = ops::dimshuffle(ops::sum(out, axes), pattern);
  }
  if (out.dtype() != target.dtype() && is_float(target.dtype())) out = ops::cast(out, target.dtype());
  return out;
}
}  // namespace

std::vector<Variable> grad(const Var& cost, const std::vector<Variable>& wrt, const GradOptions& options) {
  if (options.known_grads.empty()) require_defined(cost, "grad", "cost");
  require_defined(wrt, "grad", "wrt");
  require_defined(options.consider_constant, "grad", "consider_constant");
  for (size_t i = 0; i < options.known_grads.size(); ++i) {
    const auto& [v, g] = options.known_grads[i];
    require_defined(v, "grad", fmt::format("known_grads[{}].first", i));
    require_defined(g, "grad", fmt::format("known_grads[{}].second", i));
    if (g.ndim() != v.ndim())
      throw std::invalid_argument(fmt::format("grad: known_grads[{}]: the gradient {} of {} has {} dims, the variable {} (at {})", i, g.describe(),
                                              v.describe(), g.ndim(), v.ndim(), SiteScope::current_str()));
    if (!is_float(g.dtype()))
      throw std::invalid_argument(fmt::format("grad: known_grads[{}]: the gradient {} of {} has the integer type {} (at {})", i,
                                              g.describe(), v.describe(), g.type().str(), SiteScope::current_str()));
  }
  bool has_cost = cost.defined();
  if (has_cost && cost.ndim() != 0)
    throw std::invalid_argument(fmt::format("grad: cost must be a scalar, but {} is {}-d ({}) at {}", cost.describe(), cost.ndim(),
                                            cost.type().str(), SiteScope::current_str()));
  for (const Variable& w : wrt) {
    if (!is_float(w.dtype()))
      throw std::invalid_argument(fmt::format("grad: cannot differentiate with respect to {} of integer type {} (at {})", w.describe(),
                                              w.type().str(), SiteScope::current_str()));
  }
  std::unordered_set<VarNode*> constant;
  for (const Variable& c : options.consider_constant) constant.insert(c.node());

  // Nodes that depend on some wrt (forward) and lead to the cost (the toposort of the cost graph).
  std::vector<Variable> roots;
  if (has_cost) roots.push_back(cost);
  for (const auto& [v, g] : options.known_grads) roots.push_back(v);
  std::vector<Apply*> order = toposort(roots);
  std::unordered_set<VarNode*> wrt_set, depends;
  for (const Variable& w : wrt) wrt_set.insert(w.node());
  depends = wrt_set;
  for (Apply* a : order) {
    bool dep = false;
    for (const Variable& v : a->inputs) dep |= depends.count(v.node()) && !constant.count(v.node());
    if (dep)
      for (auto& o : a->outputs) depends.insert(o.get());
  }

  // Cotangent contributions per variable, summed in client order when the variable is reached.
  std::unordered_map<VarNode*, std::vector<Variable>> contrib;
  if (has_cost) contrib[cost.node()].push_back(ops::scalar_constant(1.0, is_float(cost.dtype()) ? cost.dtype() : DType::Float64));
  for (const auto& [v, g] : options.known_grads) contrib[v.node()].push_back(fit_to(g, v));
  auto total = [&](VarNode* n, const Var& like) -> std::optional<Var> {
    auto it = contrib.find(n);
    if (it == contrib.end() || it->second.empty()) return std::nullopt;
    Var s = it->second[0];
    for (size_t i = 1; i < it->second.size(); ++i) s = s + it->second[i];
    return fit_to(s, like);
  };
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Apply* a = *it;
    if (!depends.count(a->outputs[0].get())) continue;
    std::shared_ptr<Apply> keep = apply_ptr(a);
    std::vector<Variable> outs;
    Cotangents cots;
    bool any = false;
    for (size_t i = 0; i < a->outputs.size(); ++i) {
      outs.push_back(output_of(keep, int(i)));
      cots.push_back(is_float(outs.back().dtype()) ? total(a->outputs[i].get(), outs.back()) : std::nullopt);
      any |= cots.back().has_value();
    }
    if (!any) continue;
    // Outputs without a cotangent get zeros so that rules can assume every cotangent exists.
    for (size_t i = 0; i < cots.size(); ++i)
      if (!cots[i] && is_float(outs[i].dtype())) cots[i] = ops::zeros_like(outs[i]);
    // A spelled-out log-sigmoid, softplus or sigmoid: the stable form's gradient (ops/grad_stable.hpp).
    if (cots.size() == 1) {
      auto held = [&](const Variable& v) { return constant.count(v.node()) > 0; };
      if (auto stable = ops::stable_pullback(*a, outs[0], *cots[0], held)) {
        for (auto& [target, g] : *stable)
          if (depends.count(target.node()) && !constant.count(target.node())) contrib[target.node()].push_back(fit_to(g, target));
        continue;
      }
    }
    Cotangents g = a->op->pullback(a->inputs, outs, cots);
    if (g.size() != a->inputs.size())
      throw std::logic_error(fmt::format("grad: {} returned {} gradients for {} inputs", a->op->str(), g.size(), a->inputs.size()));
    for (size_t i = 0; i < g.size(); ++i) {
      const Variable& in = a->inputs[i];
      if (!g[i] || !depends.count(in.node()) || constant.count(in.node()) || !is_float(in.dtype())) continue;
      contrib[in.node()].push_back(fit_to(*g[i], in));
    }
  }

  std::vector<Variable> result;
  for (const Variable& w : wrt) {
    std::optional<Var> g = total(w.node(), w);
    if (!g) {
      std::string msg = fmt::format(
          "grad method was asked to compute the gradient with respect to a variable that is not part of the computational graph "
          "of the cost, or is used only by a non-differentiable operator: {} (type {}, created at {}); cost {} (at {})",
          w.describe(), w.type().str(), site_str(w.node()->site), has_cost ? cost.describe() : "(known_grads only)",
          SiteScope::current_str());
      if (options.disconnected_inputs == Disconnected::Raise) throw DisconnectedInputError(msg);
      if (options.disconnected_inputs == Disconnected::Warn) std::cerr << "WARNING: " << msg << "\n";
      if (options.return_disconnected == ReturnDisconnected::None) {
        result.push_back(Variable());
        continue;
      }
      g = ops::zeros_like(w);
    }
    if (has_cost && !cost.name().empty() && !w.name().empty()) g->set_name("(d" + cost.name() + "/d" + w.name() + ")");
    result.push_back(*g);
  }
  return result;
}

}  // namespace theano
