#include "graph/fgraph.hpp"

#include <fmt/format.h>
#include <unordered_set>

#include "graph/ptr_map.hpp"

namespace theano {

namespace {
// The walk's state of each apply: new, entered (on the stack) or done.
enum : uint8_t { kNew, kEntered, kDone };

// Depth-first walk over the applies behind `outputs`, inputs before users: each apply is handed to
// on_done once all its inputs' applies were. A back edge (input `i` of `a` produced by an apply still
// on the stack) is handed to on_cycle, which must cut it or throw.
template <typename OnDone, typename OnCycle>
void walk_inputs_first(const std::vector<Variable>& outputs, OnDone on_done, OnCycle on_cycle) {
  PtrMap<uint8_t> state(1024);  // flat: no allocation per apply
  std::vector<std::pair<Apply*, size_t>> stack;  // apply, next input to visit
  for (const Variable& out : outputs) {
    Apply* root = out.owner();
    if (!root || state[root] == kDone) continue;
    stack.push_back({root, 0});
    state[root] = kEntered;
    while (!stack.empty()) {
      auto& [a, next] = stack.back();
      if (next < a->inputs.size()) {
        size_t i = next++;
        Apply* child = a->inputs[i].owner();
        if (!child) continue;
        uint8_t& st = state[child];
        if (st == kDone) continue;
        if (st == kEntered) {
          on_cycle(a, i);
          continue;
        }
        st = kEntered;
        stack.push_back({child, 0});
        continue;
      }
      Apply* done = a;
      state[done] = kDone;
      stack.pop_back();
      on_done(done);
    }
  }
}

template <typename OnCycle>
std::vector<Apply*> walk_inputs_first(const std::vector<Variable>& outputs, OnCycle on_cycle) {
  std::vector<Apply*> order;
  walk_inputs_first(outputs, [&](Apply* a) { order.push_back(a); }, on_cycle);
  return order;
}
}  // namespace

std::vector<Apply*> toposort(const std::vector<Variable>& outputs) {
  return walk_inputs_first(outputs, [](Apply*, size_t) -> void { throw std::logic_error("toposort: the graph has a cycle"); });
}

std::vector<Variable> graph_leaves(const std::vector<Variable>& outputs) {
  std::vector<Variable> leaves;
  PtrMap<bool> seen(64);
  auto visit = [&](const Variable& v) {
    if (v.owner() || !seen.insert(v.node(), true)) return;
    leaves.push_back(v);
  };
  for (const Variable& o : outputs) visit(o);
  // The inputs of each apply as the walk finishes it: the order of a pass over toposort(outputs).
  walk_inputs_first(
      outputs,
      [&](Apply* a) {
        for (const Variable& v : a->inputs) visit(v);
      },
      [](Apply*, size_t) -> void { throw std::logic_error("toposort: the graph has a cycle"); });
  return leaves;
}

namespace {
bool depends_on(const Variable& root, const std::unordered_set<VarNode*>& keys) {
  if (keys.count(root.node())) return true;
  for (Apply* a : toposort({root}))
    for (const Variable& v : a->inputs)
      if (keys.count(v.node())) return true;
  return false;
}
}  // namespace

FunctionGraph::FunctionGraph(std::vector<Variable> inputs, std::vector<Variable> outputs, const std::vector<std::pair<Variable, Variable>>& givens)
    : inputs_(std::move(inputs)) {
  PtrMap<Variable> memo(1024);  // original variable -> its clone (or, for a givens key, its value)
  std::unordered_set<VarNode*> input_set, keys;
  for (const Variable& v : inputs_) input_set.insert(v.node());
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
  auto cloned = [&](const Variable& v) -> const Variable& {
    const Variable* c = memo.find(v.node());
    return c ? *c : v;
  };
  std::vector<Apply*> order;  // the clones, in the order they were made
  auto clone_graph = [&](const std::vector<Variable>& roots) {
    for (Apply* a : theano::toposort(roots)) {
      if (memo.contains(a->outputs[0].get())) continue;  // already cloned
      std::vector<Variable> ins;
      ins.reserve(a->inputs.size());
      for (const Variable& v : a->inputs) ins.push_back(cloned(v));
      SiteScope site(a->site, a->stack);
      auto outs = make_apply(a->op, std::move(ins));
      Apply* na = outs[0].owner();
      order.push_back(na);
      na->site = a->site;
      na->scope = a->scope;
      na->stack = a->stack;
      for (size_t i = 0; i < outs.size(); ++i) {
        outs[i].node()->name = a->outputs[i]->name;
        if (!keys.count(a->outputs[i].get())) memo[a->outputs[i].get()] = outs[i];
      }
    }
  };
  std::vector<Variable> values;
  for (const auto& [key, value] : givens) values.push_back(value);
  clone_graph(values);
  for (const auto& [key, value] : givens) {
    Variable c = cloned(value);  // a copy: inserting may move memo's entries
    memo[key.node()] = std::move(c);
  }
  clone_graph(outputs);
  for (const Variable& o : outputs) outputs_.push_back(cloned(o));
  // Without givens the clone has the shape of the original, so its applies were made in the order of
  // toposort(outputs_): one walk fewer over a graph of maybe 10^5 applies. Givens change the shape.
  if (!givens.empty()) order = theano::toposort(outputs_);
  applies_.reserve(order.size());
  clients_.reserve(order.size() + inputs_.size());
  for (Apply* a : order) import_apply(a);
  output_pos_.assign(outputs_.size(), 0);
  for (size_t k = 0; k < outputs_.size(); ++k) add_client(outputs_[k].node(), {nullptr, int(k)});
}

// A replace() through applies already in the graph can close a cycle (toposort() reports it). The
// applies on it would own each other through their inputs and never be freed: cut each back edge.
FunctionGraph::~FunctionGraph() {
  walk_inputs_first(outputs_, [](Apply* a, size_t i) {
    Variable& in = a->inputs[i];
    in = make_input(in.type(), in.name());
  });
}

const std::vector<FunctionGraph::Client>& FunctionGraph::clients(const Variable& v) const {
  static const std::vector<Client> none;
  auto it = clients_.find(v.node());
  return it == clients_.end() ? none : it->second;
}

uint32_t& FunctionGraph::pos_of(Client c) { return c.first ? applies_.at(c.first).pos[size_t(c.second)] : output_pos_[size_t(c.second)]; }

void FunctionGraph::add_client(VarNode* v, Client c) {
  auto& list = clients_[v];
  pos_of(c) = uint32_t(list.size());
  list.push_back(c);
}

// O(1): the last reader moves into the removed reader's place.
void FunctionGraph::remove_client(VarNode* v, Client c) {
  auto it = clients_.find(v);
  if (it == clients_.end()) throw std::logic_error("FunctionGraph: removing a reader of a variable without readers");
  auto& list = it->second;
  uint32_t p = pos_of(c);
  if (p >= list.size() || list[p] != c) throw std::logic_error("FunctionGraph: the clients map is out of sync");
  list[p] = list.back();
  pos_of(list[p]) = p;
  list.pop_back();
  if (list.empty()) clients_.erase(it);
}

void FunctionGraph::import_apply(Apply* a) {
  Node& n = applies_[a];
  n.keep = apply_ptr(a);
  n.pos.assign(a->inputs.size(), 0);
  for (size_t i = 0; i < a->inputs.size(); ++i) add_client(a->inputs[i].node(), {a, int(i)});
}

bool FunctionGraph::has_clients(const Apply* a) const {
  for (const auto& o : a->outputs)
    if (clients_.count(o.get())) return true;
  return false;
}

// Removes `a` and, transitively, every apply left without readers. The applies are destroyed only at
// the end, so the raw pointers stay valid during the walk.
void FunctionGraph::prune(Apply* a) {
  std::vector<std::shared_ptr<Apply>> dead;
  std::vector<Apply*> work{a};
  while (!work.empty()) {
    Apply* x = work.back();
    work.pop_back();
    auto it = applies_.find(x);
    if (it == applies_.end() || has_clients(x)) continue;
    dead.push_back(std::move(it->second.keep));
    for (size_t i = 0; i < x->inputs.size(); ++i) remove_client(x->inputs[i].node(), {x, int(i)});
    applies_.erase(it);
    for (const Variable& in : x->inputs)
      if (Apply* p = in.owner(); p && applies_.count(p) && !has_clients(p)) work.push_back(p);
  }
}

void FunctionGraph::replace(const Variable& old, const Variable& replacement) {
  if (!old.type().same_as(replacement.type()))
    throw std::logic_error(fmt::format("replace: type {} differs from {}", replacement.type().str(), old.type().str()));
  imported_.clear();
  if (old == replacement) return;
  // The applies of `replacement` that are not in the graph yet, inputs before users (iterative DFS).
  std::vector<Apply*> fresh;
  std::unordered_set<const Apply*> seen;
  std::vector<std::pair<Apply*, size_t>> stack;
  if (Apply* r = replacement.owner(); r && !applies_.count(r)) {
    stack.push_back({r, 0});
    seen.insert(r);
  }
  while (!stack.empty()) {
    auto& [a, next] = stack.back();
    if (next < a->inputs.size()) {
      const Variable& in = a->inputs[next++];
      if (in == old) throw std::logic_error(fmt::format("replace: the replacement of {} reads it (a cycle)", old.describe()));
      Apply* p = in.owner();
      if (p && !applies_.count(p) && seen.insert(p).second) stack.push_back({p, 0});
      continue;
    }
    fresh.push_back(a);
    stack.pop_back();
  }
  for (Apply* a : fresh) import_apply(a);
  imported_ = std::move(fresh);
  auto it = clients_.find(old.node());
  if (it != clients_.end()) {
    std::vector<Client> readers = std::move(it->second);
    clients_.erase(it);
    for (Client c : readers) {
      if (c.first) c.first->inputs[size_t(c.second)] = replacement;
      else outputs_[size_t(c.second)] = replacement;
      add_client(replacement.node(), c);
    }
  }
  if (Apply* o = old.owner(); o && applies_.count(o) && !has_clients(o)) prune(o);
}

void FunctionGraph::check_clients() const {
  size_t entries = 0, readers = outputs_.size();
  for (const auto& [a, n] : applies_) readers += a->inputs.size();
  for (const auto& [v, list] : clients_) {
    if (list.empty()) throw std::logic_error("an empty reader list is kept");
    for (uint32_t p = 0; p < list.size(); ++p) {
      auto [a, i] = list[p];
      ++entries;
      if (!a) {
        if (size_t(i) >= outputs_.size() || outputs_[size_t(i)].node() != v || output_pos_[size_t(i)] != p)
          throw std::logic_error(fmt::format("output {} is listed as a reader of a variable it is not", i));
        continue;
      }
      auto it = applies_.find(a);
      if (it == applies_.end()) throw std::logic_error(fmt::format("{} is listed as a reader but is not in the graph", a->op->str()));
      if (size_t(i) >= a->inputs.size() || a->inputs[size_t(i)].node() != v || it->second.pos[size_t(i)] != p)
        throw std::logic_error(fmt::format("{} is listed as reading a variable at input {} but does not", a->op->str(), i));
    }
  }
  // Every entry is a true, distinct reader (its recorded position is unique); equal counts mean none is missing.
  if (entries != readers) throw std::logic_error(fmt::format("the clients map lists {} readers but the graph has {}", entries, readers));
}

}  // namespace theano
