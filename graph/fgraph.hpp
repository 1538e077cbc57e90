// FunctionGraph: a private clone of the graph between a function's inputs and outputs, which the
// compiler may rewrite in place. Walks are iterative, so deep chains never overflow the stack.
#pragma once
#include <unordered_map>
#include <utility>
#include <vector>

#include "graph/op.hpp"

namespace theano {

// Applies reachable from `outputs`, inputs before users, deterministic order. Iterative DFS.
std::vector<Apply*> toposort(const std::vector<Var>& outputs);
// Every leaf (input, constant, shared) reachable from `outputs`, in first-visit order.
std::vector<Var> graph_leaves(const std::vector<Var>& outputs);

class FunctionGraph {
 public:
  // Clones the graph of `outputs`, substituting each givens key by its value (Theano's rules: an
  // explicit input may not be replaced; types must agree; values may not depend on keys).
  FunctionGraph(std::vector<Var> inputs, std::vector<Var> outputs, const std::vector<std::pair<Var, Var>>& givens = {});

  const std::vector<Var>& inputs() const { return inputs_; }
  const std::vector<Var>& outputs() const { return outputs_; }
  std::vector<Apply*> toposort() const { return theano::toposort(outputs_); }
  // (apply, input position) pairs that read v; an output of the graph appears as (nullptr, k).
  std::vector<std::pair<Apply*, int>> clients(const Var& v) const;
  // Makes every reader of `old` read `replacement` instead (types must agree).
  void replace(const Var& old, const Var& replacement);

 private:
  std::vector<Var> inputs_, outputs_;
};

}  // namespace theano
