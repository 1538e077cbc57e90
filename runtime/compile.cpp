// compile_function: checks the inputs, updates and givens as theano.function does, clones the graph
// into a FunctionGraph, schedules it and binds every variable to a slot.
#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <iostream>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "graph/op.hpp"
#include "graph/ptr_map.hpp"
#include "core/thread_pool.hpp"
#include "core/config.hpp"
#include "runtime/default_updates.hpp"
#include "runtime/function_impl.hpp"
#include "runtime/inplace_updates.hpp"
#include "runtime/pipeline.hpp"

namespace theano {

namespace {
void check_inputs(const std::vector<Var>& inputs) {
  require_defined(inputs, "function", "inputs");
  std::unordered_set<VarNode*> seen;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Var& v = inputs[i];
    if (v.is_shared())
      throw std::invalid_argument(fmt::format("Cannot use a shared variable ({}) as explicit input. Consider substituting a non-shared "
                                              "variable via the `givens` parameter",
                                              v.describe()));
    if (v.is_constant() || v.owner())
      throw std::invalid_argument(fmt::format("function: input {} ({}) is not a symbolic input variable (it is {})", i, v.describe(),
                                              v.owner() ? "the result of an operation" : "a constant"));
    if (!seen.insert(v.node()).second)
      throw std::invalid_argument(fmt::format("function: input {} ({}) is given twice", i, v.describe()));
  }
}

// Two inputs answering to one keyword would make keyword calls ambiguous.
void check_keywords(const FunctionInputs& specs) {
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < specs.items.size(); ++i) {
    const In& in = specs.items[i];
    std::string key = in.options.name.empty() ? in.variable.name() : in.options.name;
    if (key.empty()) continue;
    auto [at, fresh] = seen.emplace(key, i);
    if (!fresh && !in.options.name.empty())
      throw std::invalid_argument(fmt::format("function: inputs {} and {} are both named '{}' (a keyword must name one input)", at->second, i, key));
  }
}

// Every pair of updates and givens holds two defined Vars.
void check_pairs(const std::vector<std::pair<Var, Var>>& pairs, const char* what, const char* first, const char* second) {
  for (size_t i = 0; i < pairs.size(); ++i) {
    require_defined(pairs[i].first, "function", fmt::format("{}[{}].first ({})", what, i, first));
    require_defined(pairs[i].second, "function", fmt::format("{}[{}].second ({})", what, i, second));
  }
}

void check_updates(const std::vector<std::pair<Var, Var>>& updates) {
  check_pairs(updates, "updates", "the shared variable", "its new value");
  std::unordered_set<VarNode*> seen;
  for (const auto& [target, expr] : updates) {
    if (!target.is_shared()) throw std::invalid_argument(fmt::format("update target must be a SharedVariable, got {}", target.describe()));
    if (!seen.insert(target.node()).second)
      throw std::invalid_argument(fmt::format("this shared variable already has an update expression: {}", target.describe()));
    if (!target.type().same_as(expr.type()))
      throw std::invalid_argument(fmt::format(
          "An update must have the same type as the original shared variable (shared_var={}, shared_var.type={}, update_val={}, "
          "update_val.type={}; the expression was built at {}). Cast the expression with T::cast(expr, \"{}\") or keep every "
          "operand in {}: a float64 operand upcasts a float32 expression.",
          target.describe(), target.type().str(), expr.describe(), expr.type().str(), site_str(expr.node()->site),
          dtype_name(target.dtype()), dtype_name(target.dtype())));
  }
}

// Turns the plan's buffer groups into the steps' handoffs: each member takes the buffer from the
// member before it (the first from the last, across calls).
template <class SlotOf>
void bind_memory_plan(Function::Impl& impl, SlotOf slot) {
  const MemoryPlan& plan = impl.memory_plan;
  for (const std::vector<int>& members : plan.groups) {
    if (members.size() < 2) continue;
    for (size_t m = 0; m < members.size(); ++m) {
      const PlannedValue& v = plan.values[size_t(members[m])];
      int prev_index = members[m == 0 ? members.size() - 1 : m - 1];
      const PlannedValue& prev = plan.values[size_t(prev_index)];
      Step& step = impl.steps[size_t(v.def)];
      Handoff h{&impl.slots[slot(v.var)], &impl.slots[slot(prev.var)], {}, {}, v.var->type.dtype, v.var->index};
      for (VarNode* view : prev.views) h.dead_views.push_back(&impl.slots[slot(view)]);
      if (v.inplace_of >= 0) {
        if (v.inplace_of != prev_index) throw std::logic_error("memory plan: an in-place result does not follow its input in its group");
        for (size_t k = 0; k < step.apply->inputs.size(); ++k)
          if (step.apply->inputs[k].node() == prev.var) h.inplace_inputs.push_back(int(k));
      }
      step.handoffs.push_back(std::move(h));
    }
  }
}
}  // namespace

Function compile_function(const FunctionInputs& input_specs, const FunctionOutputs& output_specs, const FunctionOptions& user_options) {
  auto t0 = std::chrono::steady_clock::now();
  std::vector<Var> inputs, outputs;
  for (const In& in : input_specs.items) inputs.push_back(in.variable);
  for (const Out& out : output_specs.items) outputs.push_back(out.variable);
  kernel_threads();  // settles the thread policy (and OpenBLAS's thread count) before any kernel runs
  check_inputs(inputs);
  check_updates(user_options.updates);
  check_pairs(user_options.givens, "givens", "the replaced variable", "its replacement");
  require_defined(outputs, "function", "outputs");
  // From here on the updates are the explicit ones followed by the default ones, resolved once: a
  // copy of the function (Function::copy) recompiles exactly these.
  FunctionOptions options = user_options;
  options.updates = with_default_updates(outputs, user_options);
  options.no_default_updates = true;
  if (!options.mode.empty() && options.mode != "FAST_RUN" && options.mode != "FAST_COMPILE")
    throw std::invalid_argument(fmt::format("function: mode must be FAST_RUN or FAST_COMPILE, got '{}'", options.mode));
  check_keywords(input_specs);
  auto impl = std::make_shared<Function::Impl>();
  impl->input_specs = input_specs;
  impl->output_specs = output_specs;
  impl->options = options;
  impl->name = options.name;
  impl->nan_guard = options.nan_guard || config().mode == "NanGuardMode";
  impl->update_shapes_may_change = options.update_shapes_may_change;
  std::vector<Variable> all(outputs.begin(), outputs.end());
  for (const auto& u : options.updates) all.push_back(u.second);
  std::vector<std::pair<Variable, Variable>> givens(options.givens.begin(), options.givens.end());
  impl->fgraph = std::make_unique<FunctionGraph>(as_variables(inputs), all, givens);
  const FunctionGraph& fg = *impl->fgraph;

  // Leaves: every symbolic input must be an explicit input; every explicit input must be used.
  std::vector<Variable> leaves = graph_leaves(fg.outputs());
  std::unordered_set<VarNode*> used, explicit_inputs;
  for (const Variable& v : leaves) used.insert(v.node());
  for (const Variable& v : inputs) explicit_inputs.insert(v.node());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (used.count(inputs[i].node())) continue;
    std::string msg = fmt::format(
        "theano.function was asked to create a function computing outputs given certain inputs, but the provided input variable at "
        "index {} is not part of the computational graph needed to compute the outputs: {}. To make this error a warning or ignore "
        "it, pass .on_unused_input = \"warn\" or \"ignore\".",
        i, inputs[i].describe());
    if (options.on_unused_input == "raise") throw std::invalid_argument(msg);
    if (options.on_unused_input == "warn") std::cerr << "WARNING: " << msg << "\n";
  }
  for (const Variable& v : leaves)
    if (v.node()->kind == VarKind::Input && !explicit_inputs.count(v.node()))
      throw std::invalid_argument(fmt::format("function: the graph needs the input {} (created at {}) but it is neither an input of the "
                                              "function nor replaced through givens",
                                              v.describe(), site_str(v.node()->site)));

  // Rewrites, after the checks above: they judge the graph as the user wrote it.
  std::set<std::string> excluded(config().optimizer_excluding.begin(), config().optimizer_excluding.end());
  excluded.insert(options.optimizer_excluding.begin(), options.optimizer_excluding.end());
  bool fast_run = (options.mode.empty() ? config().mode : options.mode) != "FAST_COMPILE";
  if (fast_run) {
    rewrite::Context ctx;
    ctx.excluded = excluded;
    // The NaN guard checks every step: unfused, it names the user's op that made the first NaN.
    if (impl->nan_guard) ctx.excluded.insert({"elemwise_fusion", "pool_fusion"});
    ctx.verify = options.verify_rewrites || config().verify;
    fast_run_pipeline().run(*impl->fgraph, ctx);
    leaves = graph_leaves(fg.outputs());
  }

  // The schedule. In place as Theano's FAST_RUN does it: the planner's elementwise and Gemm steps over
  // dying inputs, and SGD updates written into their shared variable (moved last), except under the
  // NaN guard (its report shows the inputs of the step that made a NaN).
  std::vector<Apply*> order = fg.toposort();
  bool inplace = fast_run && !impl->nan_guard && !excluded.count("inplace");
  std::vector<bool> update_in_place(options.updates.size(), false);
  if (inplace) update_in_place = choose_inplace_updates(*impl->fgraph, outputs.size(), options.updates, order, excluded);

  // Slots.
  size_t n_slots = leaves.size() + inputs.size();
  for (Apply* a : order) n_slots += a->outputs.size();
  impl->slots.resize(n_slots);  // never resized again: steps keep pointers into it
  PtrMap<size_t> slot_of(n_slots);  // 1 + the slot of a variable; 0 until it has one
  size_t n_assigned = 0;
  auto slot = [&](VarNode* n) {
    size_t& s = slot_of[n];
    if (s == 0) s = ++n_assigned;
    return s - 1;
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    const In& in = input_specs.items[i];
    size_t s = slot(inputs[i].node());
    InputBinding b{s, inputs[i].type(), inputs[i].name(), in.options.name.empty() ? inputs[i].name() : in.options.name};
    b.strict = in.options.strict;
    b.allow_downcast = in.options.allow_downcast;
    impl->inputs.push_back(std::move(b));
    if (in.options.value) bind_default_value(*impl, i, *in.options.value);
    impl->transient_slots.push_back(s);
  }
  impl->bound_args.resize(inputs.size());
  for (const Out& out : output_specs.items) impl->output_borrowed.push_back(out.options.borrow);
  for (const Variable& v : leaves) {
    size_t s = slot(v.node());
    if (impl->nan_guard) {
      auto at = std::find_if(inputs.begin(), inputs.end(), [&](const Var& in) { return in.node() == v.node(); });
      impl->guarded_leaves.push_back({s, at != inputs.end() ? fmt::format("input {} {}", at - inputs.begin(), v.describe())
                                         : v.is_shared()    ? "shared variable " + v.describe()
                                                            : v.describe()});
    }
    if (v.is_constant()) impl->slots[s] = v.node()->constant;
    if (v.is_shared()) {
      impl->shared_slots.push_back({s, v.node()->shared});
      impl->transient_slots.push_back(s);
    }
  }
  for (Apply* a : order) {
    Step st{a->op.get(), a, {}, {}, false};
    for (const Variable& v : a->inputs) st.in.push_back(&impl->slots[slot(v.node())]);
    for (auto& o : a->outputs) st.out.push_back(&impl->slots[slot(o.get())]);
    st.is_view = a->op->view_of(0).has_value();
    if (a->op->broadcasts_by_type())
      for (const Variable& v : a->inputs) {
        uint32_t bits = 0;
        for (int d = 0; d < v.ndim(); ++d) bits |= uint32_t(v.type().broadcastable(d)) << d;
        st.broadcastable_dims.push_back(bits);
      }
    if (st.is_view)
      for (auto& o : a->outputs) impl->transient_slots.push_back(slot(o.get()));
    impl->steps.push_back(std::move(st));
  }
  // Memory: intermediate results share buffers.
  MemoryPlanOptions plan_options{.share = !excluded.count("memory_plan"), .inplace = inplace};
  std::vector<Variable> update_values(fg.outputs().begin() + std::ptrdiff_t(outputs.size()), fg.outputs().end());
  impl->memory_plan = plan_memory(order, fg.outputs(), update_values, plan_options);
  bind_memory_plan(*impl, [&](VarNode* n) { return slot(n); });
  for (size_t i = 0; i < outputs.size(); ++i) impl->output_slots.push_back(slot(fg.outputs()[i].node()));
  for (size_t i = 0; i < options.updates.size(); ++i) {
    impl->updates.push_back({slot(fg.outputs()[outputs.size() + i].node()), options.updates[i].first.node()->shared});
    impl->update_targets.push_back(options.updates[i].first);
    if (update_in_place[i]) {
      auto at = std::find(order.begin(), order.end(), fg.outputs()[outputs.size() + i].owner());
      impl->steps[size_t(at - order.begin())].inplace_update = int(i);
    }
  }
  for (const auto& binding : impl->shared_slots) impl->read_storages.push_back(binding.second.get());
  sort_for_locking(impl->read_storages);
  impl->commit_storages = impl->read_storages;
  for (const UpdateBinding& u : impl->updates) impl->commit_storages.push_back(u.storage.get());
  sort_for_locking(impl->commit_storages);
  for (SharedStorage* st : impl->commit_storages)
    impl->commit_exclusive.push_back(
        std::any_of(impl->updates.begin(), impl->updates.end(), [&](const UpdateBinding& u) { return u.storage.get() == st; }));
  impl->first_update_step = order.size() - size_t(std::count(update_in_place.begin(), update_in_place.end(), true));
  impl->slot_is_transient.assign(impl->slots.size(), 0);
  for (size_t s : impl->transient_slots) impl->slot_is_transient[s] = 1;
  // A constant's buffer belongs to its graph node: an update to a constant must copy it too.
  for (const Variable& v : leaves)
    if (v.is_constant()) impl->slot_is_transient[slot(v.node())] = 1;
  if (options.profile || config().profile) impl->profiler = std::make_unique<Profiler>(impl->steps.size());
  impl->compile_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return Function(impl);
}

}  // namespace theano
