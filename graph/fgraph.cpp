#include "graph/fgraph.hpp"

#include <fmt/format.h>
#include <unordered_set>

namespace theano {

std::vector<Apply*> toposort(const std::vector<Var>& outputs) {
  std::vector<Apply*> order;
  std::unordered_set<Apply*> done, entered;
  std::vector<std::pair<Apply*, size_t>> stack;  // apply, next input to visit
  for (const Var& out : outputs) {
    Apply* root = out.owner();
    if (!root || done.count(root)) continue;
    stack.push_back({root, 0});
    entered.insert(root);
    while (!stack.empty()) {
      auto& [a, next] = stack.back();
      if (next < a->inputs.size()) {
        Apply* child = a->inputs[next++].owner();
        if (child && !done.count(child)) {
          if (entered.count(child)) throw std::logic_error("toposort: the graph has a cycle");
          entered.insert(child);
          stack.push_back({child, 0});
        }
        continue;
      }
      done.insert(a);
      entered.erase(a);
      order.push_back(a);
      stack.pop_back();
    }
  }
  return order;
}

std::vector<Var> graph_leaves(const std::vector<Var>& outputs) {
  std::vector<Var> leaves;
  std::unordered_set<VarNode*> seen;
  auto visit = [&](const Var& v) {
    if (v.owner() || !seen.insert(v.node()).second) return;
    leaves.push_back(v);
  };
  for (const Var& o : outputs) visit(o);
  for (Apply* a : toposort(outputs))
    for (const Var& v : a->inputs) visit(v);
  return leaves;
}

namespace {
bool depends_on(const Var& root, const std::unordered_set<VarNode*>& keys) {
  if (keys.count(root.node())) return true;
  for (Apply* a : toposort({root}))
    for (const Var& v : a->inputs)
      if (keys.count(v.node())) return true;
  return false;
}
}  // namespace

FunctionGraph::FunctionGraph(std::vector<Var> inputs, std::vector<Var> outputs, const std::vector<std::pair<Var, Var>>& givens)
    : inputs_(std::move(inputs)) {
  std::unordered_map<VarNode*, Var> memo;
  std::unordered_set<VarNode*> input_set, keys;
  for (const Var& v : inputs_) input_set.insert(v.node());
  for (const auto& [key, value] : givens) {
    if (!key.defined() || !value.defined()) throw std::invalid_argument("givens: a pair holds an undefined Var");
    if (input_set.count(key.node()))
      throw std::runtime_error(fmt::format(
          "You are trying to replace variable {} through the `givens` parameter, but this variable is an input to your "
          "function. Replacing inputs is currently forbidden because it has no effect. One way to modify an input `x` to a "
          "function evaluating f(x) is to define a new input `y` and use `theano.function([y], f(x), givens={{x: g(y)}})`.",
          key.describe()));
    if (!key.type().same_as(value.type()))
      throw std::runtime_error(fmt::format(
          "givens: Cannot convert Type {} (of Variable {}) into Type {} (the type of {}). You can try to manually convert "
          "{} into a {}, for example with T::cast(value, \"{}\"), or create the data in config.floatX.",
          value.type().str(), value.describe(), key.type().str(), key.describe(), value.describe(), key.type().str(),
          dtype_name(key.dtype())));
    if (!key.type().shape_compatible(value.type()))
      throw std::runtime_error(fmt::format("givens: {} has static shape {} but its replacement {} has shape {}", key.describe(),
                                           key.type().shape_str(), value.describe(), value.type().shape_str()));
    keys.insert(key.node());
  }
  for (const auto& [key, value] : givens)
    if (depends_on(value, keys))
      throw std::runtime_error(fmt::format("givens: the replacement of {} depends on another replaced variable; "
                                           "replacements must be independent of the variables they replace",
                                           key.describe()));
  // Clone every apply so that this graph can be rewritten privately: first the givens' values, then
  // the outputs, whose graphs read the cloned values in place of the keys.
  auto cloned = [&](const Var& v) -> Var {
    auto it = memo.find(v.node());
    return it == memo.end() ? v : it->second;
  };
  auto clone_graph = [&](const std::vector<Var>& roots) {
    for (Apply* a : theano::toposort(roots)) {
      if (memo.count(a->outputs[0].get())) continue;  // already cloned
      std::vector<Var> ins;
      for (const Var& v : a->inputs) ins.push_back(cloned(v));
      SiteScope site(a->site);
      auto outs = make_apply(a->op, std::move(ins));
      Apply* na = outs[0].owner();
      na->site = a->site;
      na->scope = a->scope;
      for (size_t i = 0; i < outs.size(); ++i) {
        outs[i].node()->name = a->outputs[i]->name;
        if (!keys.count(a->outputs[i].get())) memo[a->outputs[i].get()] = outs[i];
      }
    }
  };
  std::vector<Var> values;
  for (const auto& [key, value] : givens) values.push_back(value);
  clone_graph(values);
  for (const auto& [key, value] : givens) memo[key.node()] = cloned(value);
  clone_graph(outputs);
  for (const Var& o : outputs) outputs_.push_back(cloned(o));
}

std::vector<std::pair<Apply*, int>> FunctionGraph::clients(const Var& v) const {
  std::vector<std::pair<Apply*, int>> out;
  for (Apply* a : toposort())
    for (size_t i = 0; i < a->inputs.size(); ++i)
      if (a->inputs[i] == v) out.push_back({a, int(i)});
  for (size_t k = 0; k < outputs_.size(); ++k)
    if (outputs_[k] == v) out.push_back({nullptr, int(k)});
  return out;
}

void FunctionGraph::replace(const Var& old, const Var& replacement) {
  if (!old.type().same_as(replacement.type()))
    throw std::logic_error(fmt::format("replace: type {} differs from {}", replacement.type().str(), old.type().str()));
  for (auto [a, i] : clients(old)) {
    if (a) a->inputs[i] = replacement;
    else outputs_[i] = replacement;
  }
}

}  // namespace theano
