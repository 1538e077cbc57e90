#include "runtime/default_updates.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <unordered_set>

namespace theano {

std::vector<std::pair<Var, Var>> with_default_updates(const std::vector<Var>& outputs, const FunctionOptions& options) {
  std::vector<std::pair<Var, Var>> updates = options.updates;
  if (options.no_default_updates.all) return updates;
  std::unordered_set<VarNode*> excluded, updated, replaced, seen;
  for (const Var& v : options.no_default_updates.vars) {
    require_defined(v, "function", "no_default_updates");
    excluded.insert(v.node());
  }
  for (const auto& u : options.updates) updated.insert(u.first.node());
  for (const auto& g : options.givens) replaced.insert(g.first.node());

  // Depth-first over the graphs, without recursion (graphs may be deep); shared leaves in the order met.
  std::vector<Variable> stack;
  auto walk = [&](const Variable& root) {
    stack.push_back(root);
    while (!stack.empty()) {
      Variable v = std::move(stack.back());
      stack.pop_back();
      if (!v.defined() || replaced.count(v.node()) || !seen.insert(v.node()).second) continue;
      if (Apply* a = v.owner()) {
        for (auto it = a->inputs.rbegin(); it != a->inputs.rend(); ++it) stack.push_back(*it);
        continue;
      }
      if (!v.is_shared() || updated.count(v.node()) || excluded.count(v.node())) continue;
      if (!v.node()->default_update) continue;
      std::shared_ptr<VarNode> expr = v.node()->default_update->lock();
      if (!expr)
        throw std::invalid_argument(fmt::format(
            "function: the default update of shared variable {} (created at {}) no longer exists: a shared variable does not own its "
            "default update (the expression refers to the variable); keep the expression, or the graph that computes it, alive",
            v.describe(), site_str(v.node()->site)));
      Var e{Variable(expr)};
      if (!v.type().same_as(e.type()))
        throw std::invalid_argument(fmt::format("function: an update must have the same type as the original shared variable: the default "
                                                "update {} of {} has type {}, the variable {}",
                                                e.describe(), v.describe(), e.type().str(), v.type().str()));
      updated.insert(v.node());
      updates.push_back({Var(v), e});
    }
  };
  for (const auto& g : options.givens) walk(g.second);
  for (const Var& o : outputs) walk(o);
  // The list grows while it is walked: default updates may use further shared variables.
  for (size_t i = 0; i < updates.size(); ++i) {
    Variable expr = updates[i].second;
    walk(expr);
  }
  return updates;
}

}  // namespace theano
