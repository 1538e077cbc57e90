// Elementwise fusion (Theano's FusionOptimizer): a tree of elementwise applies whose intermediate
// results are read by one apply each (x * x counts as one) and have the output's broadcast pattern
// becomes one Composite apply.
#include <unordered_map>
#include <unordered_set>

#include "graph/ptr_map.hpp"
#include "ops/composite.hpp"
#include "ops/rewrites.hpp"

namespace theano::ops::rewrites {

namespace {
bool fusable(const Apply& a) {
  auto* e = dynamic_cast<const Elemwise*>(a.op.get());
  if (!e || !Composite::fusable(e->kind()) || a.outputs.size() != 1) return false;
  DType dt = a.outputs[0]->type.dtype;
  if (!is_float(dt)) return false;
  for (const Variable& v : a.inputs)
    if (v.dtype() != dt) return false;
  return true;
}

struct Group {
  std::vector<Apply*> members;  // the root first
  std::vector<Variable> inputs;
  std::vector<CompositeInstr> program;
};

// Grows a group from `root` through producers that only `root`'s group reads, then writes its
// program in post-order (producers first). Iterative: chains may be long.
Group grow(Apply* root, const FunctionGraph& fg, const PtrMap<bool>& taken, int max_nodes) {
  Group g;
  std::unordered_set<const Apply*> in_group{root};
  g.members.push_back(root);
  const TensorType& rt = root->outputs[0]->type;
  for (size_t next = 0; next < g.members.size(); ++next) {
    Apply* a = g.members[next];
    for (const Variable& v : a->inputs) {
      Apply* p = v.owner();
      if (!p || in_group.count(p) || taken.contains(p) || int(g.members.size()) >= max_nodes || !fusable(*p)) continue;
      const TensorType& pt = p->outputs[0]->type;
      if (pt.dtype != rt.dtype || pt.ndim() != rt.ndim() || !pt.same_as(rt)) continue;
      bool only_a = true;  // a may read it more than once (x * x)
      for (auto [reader, pos] : fg.clients(v)) only_a = only_a && reader == a;
      if (!only_a) continue;
      in_group.insert(p);
      g.members.push_back(p);
    }
  }
  if (g.members.size() < 2) return g;
  // Post-order: an instruction after the instructions computing its arguments.
  std::vector<Apply*> order;
  std::unordered_set<const Apply*> emitted;
  std::vector<std::pair<Apply*, size_t>> stack{{root, 0}};
  while (!stack.empty()) {
    auto& [a, i] = stack.back();
    if (i < a->inputs.size()) {
      Apply* p = a->inputs[i++].owner();
      if (p && in_group.count(p) && !emitted.count(p)) stack.push_back({p, 0});
      continue;
    }
    order.push_back(a);
    emitted.insert(a);
    stack.pop_back();
  }
  std::unordered_map<const VarNode*, int> input_of;
  for (Apply* a : order)
    for (const Variable& v : a->inputs)
      if (!(v.owner() && in_group.count(v.owner())) && input_of.emplace(v.node(), int(g.inputs.size())).second) g.inputs.push_back(v);
  const int n_in = int(g.inputs.size());
  std::unordered_map<const Apply*, int> instr_of;
  for (Apply* a : order) {
    CompositeInstr ins{static_cast<const Elemwise&>(*a->op).kind(), {}};
    for (const Variable& v : a->inputs)
      ins.args.push_back(v.owner() && in_group.count(v.owner()) ? n_in + instr_of.at(v.owner()) : input_of.at(v.node()));
    instr_of[a] = int(g.program.size());
    g.program.push_back(std::move(ins));
  }
  return g;
}
}  // namespace

bool ElemwiseFusion::run(FunctionGraph& fg, rewrite::Context& ctx) const {
  std::vector<Apply*> order = fg.toposort();
  std::vector<std::shared_ptr<Apply>> keep;  // no apply of `order` is freed (and its address reused) during the pass
  keep.reserve(order.size());
  for (Apply* a : order) keep.push_back(apply_ptr(a));
  PtrMap<bool> taken(order.size());
  bool changed = false;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Apply* root = *it;
    if (taken.contains(root) || !fg.contains(root) || !fusable(*root)) continue;
    Group g = grow(root, fg, taken, max_nodes_);
    if (g.members.size() < 2 || int(g.inputs.size()) > max_inputs_) continue;
    Var fused;
    try {
      SiteScope site(root->site, root->stack);
      fused = make_apply1(std::make_shared<Composite>(int(g.inputs.size()), std::move(g.program)), g.inputs);
    } catch (const std::exception& e) {
      ctx.report_failure(name(), root, e.what());
      continue;
    }
    if (!rewrite::apply_replacement(fg, *root, {fused}, name(), ctx)) continue;
    for (Apply* m : g.members) taken.insert(m, true);
    changed = true;
    ++ctx.applied[name()];
  }
  return changed;
}

}  // namespace theano::ops::rewrites
