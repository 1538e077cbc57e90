// Liveness over the schedule, then a greedy interval colouring: walking the steps in order, each new
// result first tries to overwrite a dying input (in place), then takes a free buffer of the best size,
// then opens a new one. A buffer becomes free after the last reader of its latest member.
#include "runtime/memory_plan.hpp"

#include <algorithm>
#include <unordered_map>

#include "graph/op.hpp"

namespace theano {

size_t MemoryPlan::n_inplace() const {
  return size_t(std::count_if(values.begin(), values.end(), [](const PlannedValue& v) { return v.inplace_of >= 0; }));
}

namespace {

// Bytes of a result when its type knows its whole shape, else -1.
int64_t static_bytes(const TensorType& t) {
  int64_t n = 1;
  for (int d = 0; d < t.ndim(); ++d) {
    if (!t.known(d)) return -1;
    n *= t.shape[d];
  }
  return n * int64_t(dtype_size(t.dtype));
}

struct Planner {
  MemoryPlan plan;
  std::unordered_map<VarNode*, int> root_of;  // a result (or view) -> the value whose buffer holds it
  std::vector<int> tail;                      // per group: its latest member
  std::vector<int64_t> group_bytes;           // per group: largest static size of its members (-1 unknown)
  std::vector<int> free_groups;

  int root(VarNode* n) const {
    auto it = root_of.find(n);
    return it == root_of.end() ? -1 : it->second;
  }

  // Values, the views over them, and their live ranges.
  void liveness(std::span<Apply* const> schedule, std::span<const Var> live_to_end) {
    for (int i = 0; i < int(schedule.size()); ++i) {
      Apply* a = schedule[size_t(i)];
      for (const Var& in : a->inputs)
        if (int r = root(in.node()); r >= 0) plan.values[size_t(r)].last = std::max(plan.values[size_t(r)].last, i);
      for (int k = 0; k < int(a->outputs.size()); ++k) {
        VarNode* o = a->outputs[size_t(k)].get();
        if (auto j = a->op->view_of(k)) {
          // A view of an input, a shared variable or a constant aliases no planned buffer.
          if (int r = root(a->inputs[size_t(*j)].node()); r >= 0) {
            root_of[o] = r;
            plan.values[size_t(r)].views.push_back(o);
          }
          continue;
        }
        root_of[o] = int(plan.values.size());
        plan.values.push_back({o, i, i});
      }
    }
    for (const Var& v : live_to_end)
      if (int r = root(v.node()); r >= 0) plan.values[size_t(r)].last = PlannedValue::kLiveToEnd;
  }

  // The input of step i whose buffer output k may overwrite, or -1: an elementwise kernel, a planned
  // value read for the last time here, of the output's dtype and broadcast pattern (so of its shape),
  // that no other input of the step reads through a view.
  int inplace_input(Apply* a, int i, int k, const std::vector<char>& claimed) const {
    const TensorType& out = a->outputs[size_t(k)]->type;
    for (int j = 0; j < int(a->inputs.size()); ++j) {
      VarNode* x = a->inputs[size_t(j)].node();
      auto it = root_of.find(x);
      if (it == root_of.end() || plan.values[size_t(it->second)].var != x) continue;  // not planned, or a view
      int v = it->second;
      const PlannedValue& pv = plan.values[size_t(v)];
      if (pv.last != i || claimed[size_t(j)] || !a->op->may_overwrite_input(k, j)) continue;
      const TensorType& t = x->type;
      if (t.dtype != out.dtype || t.ndim() != out.ndim()) continue;
      bool same = true;
      for (int d = 0; d < t.ndim(); ++d)
        same = same && t.bcast[d] == out.bcast[d] && (!t.known(d) || !out.known(d) || t.shape[d] == out.shape[d]);
      for (int m = 0; m < int(a->inputs.size()); ++m)
        same = same && (a->inputs[size_t(m)].node() == x || root(a->inputs[size_t(m)].node()) != v);
      if (same) return j;
    }
    return -1;
  }

  // A free group for a value of `bytes` (-1: unknown): the smallest that holds it unless that one is
  // far larger (a big buffer kept for a scalar would force a new big one later), else the largest
  // (it grows the least); with unknown sizes, the most recently freed.
  int take_free(int64_t bytes) {
    if (free_groups.empty()) return -1;
    size_t pick = free_groups.size() - 1;
    if (bytes >= 0) {
      int best_fit = -1, largest = -1;
      for (size_t f = 0; f < free_groups.size(); ++f) {
        int64_t b = group_bytes[size_t(free_groups[f])];
        if (b < 0) continue;
        if (b >= bytes && (best_fit < 0 || b < group_bytes[size_t(free_groups[size_t(best_fit)])])) best_fit = int(f);
        if (largest < 0 || b > group_bytes[size_t(free_groups[size_t(largest)])]) largest = int(f);
      }
      if (best_fit >= 0) {
        if (group_bytes[size_t(free_groups[size_t(best_fit)])] > 2 * bytes + 4096) return -1;
        pick = size_t(best_fit);
      } else if (largest >= 0) {
        pick = size_t(largest);
      }
    }
    int g = free_groups[pick];
    free_groups.erase(free_groups.begin() + std::ptrdiff_t(pick));
    return g;
  }

  void join(int v, int g, std::vector<std::vector<int>>& release_at) {
    PlannedValue& pv = plan.values[size_t(v)];
    if (g < 0) {
      g = int(plan.groups.size());
      plan.groups.emplace_back();
      tail.push_back(-1);
      group_bytes.push_back(-1);
    }
    pv.group = g;
    plan.groups[size_t(g)].push_back(v);
    tail[size_t(g)] = v;
    int64_t b = static_bytes(pv.var->type);
    group_bytes[size_t(g)] = b < 0 ? group_bytes[size_t(g)] : std::max(group_bytes[size_t(g)], b);
    if (pv.last != PlannedValue::kLiveToEnd) release_at[size_t(pv.last)].push_back(v);
  }

  void assign(std::span<Apply* const> schedule, const MemoryPlanOptions& opt) {
    std::vector<std::vector<int>> release_at(schedule.size());
    size_t next = 0;  // values are in schedule order
    for (int i = 0; i < int(schedule.size()); ++i) {
      if (i > 0)
        for (int v : release_at[size_t(i - 1)])
          if (int g = plan.values[size_t(v)].group; tail[size_t(g)] == v) free_groups.push_back(g);  // else extended in place
      Apply* a = schedule[size_t(i)];
      std::vector<char> claimed(a->inputs.size(), 0);
      for (; next < plan.values.size() && plan.values[next].def == i; ++next) {
        int v = int(next);
        int k = int(std::find_if(a->outputs.begin(), a->outputs.end(), [&](auto& o) { return o.get() == plan.values[next].var; }) -
                    a->outputs.begin());
        int g = -1;
        if (opt.share && opt.inplace) {
          if (int j = inplace_input(a, i, k, claimed); j >= 0) {
            int x = root_of.at(a->inputs[size_t(j)].node());
            for (size_t m = 0; m < a->inputs.size(); ++m) claimed[m] = claimed[m] || a->inputs[m].node() == plan.values[size_t(x)].var;
            plan.values[size_t(v)].inplace_of = x;
            g = plan.values[size_t(x)].group;
          }
        }
        if (g < 0 && opt.share) g = take_free(static_bytes(plan.values[next].var->type));
        join(v, g, release_at);
      }
    }
  }
};

}  // namespace

MemoryPlan plan_memory(std::span<Apply* const> schedule, std::span<const Var> live_to_end, const MemoryPlanOptions& options) {
  Planner p;
  p.liveness(schedule, live_to_end);
  p.assign(schedule, options);
  return std::move(p.plan);
}

}  // namespace theano
