// FunctionGraph: a private clone of the graph between a function's inputs and outputs, which the
// compiler may rewrite in place. It owns the applies of the graph and keeps, for every variable, the
// list of its readers (clients), maintained incrementally: replace() touches only the readers of the
// replaced variable, the applies it brings in and the applies it leaves without readers (pruned).
// Walks are iterative, so deep chains never overflow the stack.
#pragma once
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "graph/op.hpp"

namespace theano {

// Applies reachable from `outputs`, inputs before users, deterministic order. Iterative DFS.
std::vector<Apply*> toposort(const std::vector<Variable>& outputs);
// Every leaf (input, constant, shared) reachable from `outputs`, in first-visit order.
std::vector<Variable> graph_leaves(const std::vector<Variable>& outputs);

class FunctionGraph {
 public:
  // (apply, input position) reading a variable; an output of the graph is (nullptr, output index).
  using Client = std::pair<Apply*, int>;

  // Clones the graph of `outputs`, substituting each givens key by its value (Theano's rules: an
  // explicit input may not be replaced; types must agree; values may not depend on keys).
  FunctionGraph(std::vector<Variable> inputs, std::vector<Variable> outputs, const std::vector<std::pair<Variable, Variable>>& givens = {});
  ~FunctionGraph();
  FunctionGraph(const FunctionGraph&) = delete;
  FunctionGraph& operator=(const FunctionGraph&) = delete;

  const std::vector<Variable>& inputs() const { return inputs_; }
  const std::vector<Variable>& outputs() const { return outputs_; }
  std::vector<Apply*> toposort() const { return theano::toposort(outputs_); }
  // The readers of v, in the order they started reading it (removals move the last reader into the gap).
  const std::vector<Client>& clients(const Variable& v) const;
  bool contains(const Apply* a) const { return applies_.count(a) != 0; }
  size_t n_applies() const { return applies_.size(); }

  // Makes every reader of `old` read `replacement` instead. Types must agree (std::logic_error
  // otherwise, graph unchanged). Applies of `replacement` not yet in the graph are brought in; applies
  // left without readers are removed. A replacement whose new applies read `old` is refused (a cycle);
  // a cycle closed through applies already in the graph is reported by the next toposort().
  void replace(const Variable& old, const Variable& replacement);
  // Checks the clients map against the readers (std::logic_error on the first difference); verify() uses it.
  void check_clients() const;
  // The applies the last replace() brought in, inputs before users.
  const std::vector<Apply*>& last_imported() const { return imported_; }

 private:
  struct Node {
    std::shared_ptr<Apply> keep;  // the graph owns its applies
    std::vector<uint32_t> pos;    // pos[i]: where (apply, i) sits in clients_[inputs[i]]
  };
  void import_apply(Apply* a);
  void add_client(VarNode* v, Client c);
  void remove_client(VarNode* v, Client c);
  bool has_clients(const Apply* a) const;
  void prune(Apply* a);
  uint32_t& pos_of(Client c);

  std::vector<Variable> inputs_, outputs_;
  std::vector<uint32_t> output_pos_;
  std::unordered_map<const VarNode*, std::vector<Client>> clients_;
  std::unordered_map<const Apply*, Node> applies_;
  std::vector<Apply*> imported_;
};

}  // namespace theano
