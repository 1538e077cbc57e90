// The memory plan of a compiled function, made once from its schedule: which intermediate results
// share one buffer (their live ranges do not overlap) and which steps write their output over an
// input's buffer (in place: elementwise ops, Gemm over Z, as Op::may_overwrite_input allows; the op's
// fits_in_place confirms it at run time). Shapes are known only at run time, so the plan names groups
// of results, not byte offsets: each group is one buffer that grows to its largest member and is then
// reused by every call (runtime/function.cpp hands it from member to member). Updates written into
// their shared variable are not the plan's business: runtime/inplace_updates.hpp.
//
// A result's live range runs from the step that writes it to the last step that reads it or any view
// of it (Op::view_of); outputs and update values live to the end of the call. Inputs, shared
// variables, constants and views are never planned: they hold no buffer of the function's own.
#pragma once
#include <climits>
#include <span>
#include <vector>

#include "graph/op.hpp"

namespace theano {

struct MemoryPlanOptions {
  bool share = true;    // results with disjoint live ranges share a buffer ("memory_plan" excluded: off)
  bool inplace = true;  // elementwise and Gemm steps may overwrite a dying input ("inplace" excluded: off)
};

struct PlannedValue {
  static constexpr int kLiveToEnd = INT_MAX;
  VarNode* var;
  int def;                      // the step that writes it
  int last;                     // the last step reading it or a view of it; kLiveToEnd for outputs and updates
  int group = -1;               // the buffer it is written into
  int inplace_of = -1;          // the value (index) whose buffer its step overwrites, or -1
  std::vector<VarNode*> views;  // results that are views of it, directly or through other views
};

struct MemoryPlan {
  std::vector<PlannedValue> values;      // every non-view result, in schedule order
  std::vector<std::vector<int>> groups;  // each group's members (indices into values), in schedule order
  size_t n_inplace() const;
};

// Plans the results of `schedule` (a topological order); `live_to_end` are the function's outputs
// and update values. An update value's buffer is swapped into its shared variable at the commit (and
// the old value's buffer comes back): its buffer is shared only with results written in place over
// one another into it, all of its size, so a shared variable never keeps a larger buffer.
MemoryPlan plan_memory(std::span<Apply* const> schedule, Vars live_to_end, Vars update_values,
                       const MemoryPlanOptions& options);

}  // namespace theano
