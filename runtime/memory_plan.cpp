// Liveness over the schedule; then in-place chains (each result written over a dying input joins that
// input's chain); then the chains are packed into buffer groups, largest first, so that no two chains
// of a group are live at the same step.
#include "runtime/memory_plan.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "graph/op.hpp"

namespace theano {

size_t MemoryPlan::n_inplace() const {
  return size_t(std::count_if(values.begin(), values.end(), [](const PlannedValue& v) { return v.inplace_of >= 0; }));
}

namespace {

// Bytes of a result when its type knows its whole shape, else -1.
int64_t static_bytes(const TensorType& t) {
  for (int d = 0; d < t.ndim(); ++d)
    if (!t.known(d)) return -1;
  int64_t n, bytes;  // a static size too large for int64 is as good as unknown (the call then fails)
  if (!checked::product(t.shape.span(), n) || !checked::mul(n, int64_t(dtype_size(t.dtype)), bytes)) return -1;
  return bytes;
}

// The groups of the packing, in the order the greedy prefers them: by their bytes (the size of
// their first, largest chain; unknown counts as 0), then by index. Groups open in decreasing bytes,
// so each bytes value owns a block of positions, the later blocks to the left, and a group's
// position orders it. A max-tree over the positions holds each group's key for the current start
// f: the start of its first chain ending at or after f (kNone: none), so that a chain [f, l] fits a
// group exactly when its key is above l, and the leftmost such position is the pick. Within one
// size the chains come in schedule order, so f only grows: a heap of the keyed chains' ends tells
// which keys to advance; when f falls back (the next size), every key is recomputed.
class FreeGroups {
 public:
  template <class Chains>
  FreeGroups(const Chains& cs, const std::vector<int>& order) {
    // Block capacities: chains per bytes value, laid out right to left in processing order.
    size_t total = order.size(), right = total;
    for (size_t k = 0; k < order.size();) {
      size_t j = k;
      while (j < order.size() && block_of(cs[size_t(order[j])].bytes) == block_of(cs[size_t(order[k])].bytes)) ++j;
      right -= j - k;
      block_next_[block_of(cs[size_t(order[k])].bytes)] = right;
      k = j;
    }
    while (n_ < total) n_ *= 2;
    tree_.assign(2 * n_, kBusy);
    pos_group_.assign(total, -1);
  }

  // A new group for `ch`'s size; `closed`: it takes no other chain.
  void open(const auto& ch, bool closed) {
    groups_.push_back({block_next_[block_of(ch.bytes)]++, closed, {}, kNone});
  }

  // Records ch in group g and re-keys g.
  void add(int g, const auto& ch) {
    Group& gr = groups_[size_t(g)];
    gr.ranges.emplace(ch.first, ch.last);
    if (!gr.closed) refresh(size_t(g));
  }

  // The first group in the preferred order that no chain overlapping [first, last] holds, or -1.
  int first_free(int first, int last) {
    if (first < f_) {
      f_ = first;
      ends_ = {};
      for (size_t g = 0; g < groups_.size(); ++g)
        if (!groups_[g].closed) refresh(g);
    }
    f_ = first;
    while (!ends_.empty() && ends_.top().first < f_) {
      auto [end, g] = ends_.top();
      ends_.pop();
      if (groups_[g].key_end == end) refresh(g);
    }
    if (tree_[1] <= int64_t(last)) return -1;
    size_t i = 1;
    while (i < n_) i = tree_[2 * i] > int64_t(last) ? 2 * i : 2 * i + 1;
    return pos_group_[i - n_];
  }

 private:
  static constexpr int64_t kBusy = INT64_MIN, kNone = INT64_MAX;
  struct Group {
    size_t pos;
    bool closed;
    std::map<int, int> ranges;  // its chains' live ranges, first step -> last step (disjoint)
    int64_t key_end;            // the last step of the chain that gives the key (kNone: none)
  };
  static int64_t block_of(int64_t bytes) { return std::max<int64_t>(bytes, 0); }

  void refresh(size_t g) {
    Group& gr = groups_[g];
    pos_group_[gr.pos] = int(g);
    auto it = gr.ranges.upper_bound(f_);
    if (it != gr.ranges.begin() && std::prev(it)->second >= f_) --it;
    int64_t key = it == gr.ranges.end() ? kNone : it->first;
    gr.key_end = it == gr.ranges.end() ? kNone : it->second;
    if (it != gr.ranges.end()) ends_.push({gr.key_end, g});
    size_t i = gr.pos + n_;
    tree_[i] = key;
    for (i /= 2; i; i /= 2) tree_[i] = std::max(tree_[2 * i], tree_[2 * i + 1]);
  }

  size_t n_ = 1;
  std::vector<int64_t> tree_;
  std::vector<Group> groups_;
  std::unordered_map<int64_t, size_t> block_next_;  // bytes value -> its next free position
  std::vector<int> pos_group_;                      // position -> group
  int f_ = INT_MAX;                                 // the start the keys are for
  std::priority_queue<std::pair<int64_t, size_t>, std::vector<std::pair<int64_t, size_t>>, std::greater<>> ends_;
};

struct Planner {
  MemoryPlan plan;
  std::unordered_map<VarNode*, int> root_of;  // a result (or view) -> the value whose buffer holds it
  std::unordered_set<VarNode*> committed;     // update values

  int root(VarNode* n) const {
    auto it = root_of.find(n);
    return it == root_of.end() ? -1 : it->second;
  }

  // Values, the views over them, and their live ranges.
  void liveness(std::span<Apply* const> schedule, Vars live_to_end) {
    for (int i = 0; i < int(schedule.size()); ++i) {
      Apply* a = schedule[size_t(i)];
      for (const Variable& in : a->inputs)
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
    for (const Variable& v : live_to_end)
      if (int r = root(v.node()); r >= 0) plan.values[size_t(r)].last = PlannedValue::kLiveToEnd;
  }

  // The input of step i whose buffer output k may overwrite, or -1: the op allows it, a planned
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

  // Values written in place over one another form a chain that lives in one buffer, from its first
  // value's step to its last value's last reader.
  struct Chain {
    std::vector<int> values;
    int first, last;
    int64_t bytes;       // the largest static size, -1 if one is unknown
    bool committed = false;  // holds an update value: a group of its own
  };

  std::vector<Chain> chains(std::span<Apply* const> schedule, bool inplace) {
    std::vector<Chain> out;
    std::vector<int> chain_of(plan.values.size(), -1);
    size_t next = 0;  // values are in schedule order
    for (int i = 0; i < int(schedule.size()); ++i) {
      Apply* a = schedule[size_t(i)];
      std::vector<char> claimed(a->inputs.size(), 0);
      for (; next < plan.values.size() && plan.values[next].def == i; ++next) {
        PlannedValue& v = plan.values[next];
        int k = int(std::find_if(a->outputs.begin(), a->outputs.end(), [&](auto& o) { return o.get() == v.var; }) - a->outputs.begin());
        int c = -1;
        if (int j = inplace ? inplace_input(a, i, k, claimed) : -1; j >= 0) {
          int x = root_of.at(a->inputs[size_t(j)].node());
          for (size_t m = 0; m < a->inputs.size(); ++m) claimed[m] = claimed[m] || a->inputs[m].node() == plan.values[size_t(x)].var;
          v.inplace_of = x;
          c = chain_of[size_t(x)];
        } else {
          c = int(out.size());
          out.push_back({{}, v.def, v.last, 0, false});
        }
        Chain& ch = out[size_t(c)];
        ch.values.push_back(int(next));
        ch.last = v.last;
        int64_t b = static_bytes(v.var->type);
        ch.bytes = b < 0 || ch.bytes < 0 ? -1 : std::max(ch.bytes, b);
        ch.committed = ch.committed || committed.count(v.var);
        chain_of[next] = c;
      }
    }
    return out;
  }

  // Chains into groups, largest first (the classic greedy for packing intervals of known sizes): each
  // joins a group none of whose chains it overlaps in time, the smallest that holds it (else the
  // largest), or opens one. Chains of unknown size come last, in schedule order. A chain holding an
  // update value keeps its group to itself (plan_memory's comment says why).
  //
  // Since the chains come largest first, every group already holds one at least as large as the
  // chain at hand: they all hold it, and the rule is "the first free group in the order (bytes,
  // index)". FreeGroups answers that in O(log groups) (a scan of every group per chain made long
  // schedules quadratic: 200,000 steps took minutes).
  void assign(std::span<Apply* const> schedule, const MemoryPlanOptions& opt) {
    std::vector<Chain> cs = chains(schedule, opt.share && opt.inplace);
    std::vector<int> order(cs.size());
    for (size_t c = 0; c < cs.size(); ++c) order[c] = int(c);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return cs[size_t(a)].bytes > cs[size_t(b)].bytes; });
    std::vector<std::vector<int>> group_chains;
    FreeGroups free(cs, order);
    for (int c : order) {
      const Chain& ch = cs[size_t(c)];
      int pick = opt.share && !ch.committed ? free.first_free(ch.first, ch.last) : -1;
      if (pick < 0) {
        pick = int(group_chains.size());
        group_chains.emplace_back();
        free.open(ch, !opt.share || ch.committed);
      }
      group_chains[size_t(pick)].push_back(c);
      free.add(pick, ch);
    }
    for (size_t g = 0; g < group_chains.size(); ++g) {
      std::vector<int> members;
      for (int c : group_chains[g]) members.insert(members.end(), cs[size_t(c)].values.begin(), cs[size_t(c)].values.end());
      std::sort(members.begin(), members.end());  // value indices follow the schedule
      for (int v : members) plan.values[size_t(v)].group = int(g);
      plan.groups.push_back(std::move(members));
    }
  }
};

}  // namespace

MemoryPlan plan_memory(std::span<Apply* const> schedule, Vars live_to_end, Vars update_values,
                       const MemoryPlanOptions& options) {
  Planner p;
  for (const Variable& v : update_values) p.committed.insert(v.node());
  p.liveness(schedule, live_to_end);
  p.assign(schedule, options);
  return std::move(p.plan);
}

}  // namespace theano
