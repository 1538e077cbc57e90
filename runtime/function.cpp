#include "runtime/function.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <cmath>
#include <fmt/format.h>
#include <iostream>
#include <unordered_map>
#include <unordered_set>

#include "graph/op.hpp"
#include "runtime/function_impl.hpp"
#include "runtime/inplace_updates.hpp"
#include "runtime/nan_guard.hpp"

namespace theano {

// ---- Function ----
void require_defined(const Function& f, const char* api) {
  if (!f.defined())
    throw std::invalid_argument(
        fmt::format("{}: the Function is undefined (default-constructed: it holds no compiled graph; assign it theano::function(...))", api));
}
Function::Impl& Function::checked(const char* api) const {
  require_defined(*this, api);
  return *impl_;
}
Function::Impl& Function::impl() const { return checked("Function::impl"); }
const FunctionGraph& Function::fgraph() const { return *checked("Function::fgraph").fgraph; }
const std::string& Function::name() const { return checked("Function::name").name; }
double Function::compile_ms() const { return checked("Function::compile_ms").compile_ms; }
size_t Function::n_nodes() const { return checked("Function::n_nodes").steps.size(); }
const Profiler* Function::profiler() const { return checked("Function::profiler").profiler.get(); }
std::vector<Apply*> Function::schedule() const {
  std::vector<Apply*> order;
  for (const Step& s : checked("Function::schedule").steps) order.push_back(s.apply);
  return order;
}
std::vector<std::pair<Var, Var>> Function::updates() const {
  const Impl& f = checked("Function::updates");
  std::vector<std::pair<Var, Var>> u;
  size_t n_outputs = f.output_slots.size();
  for (size_t i = 0; i < f.update_targets.size(); ++i) u.push_back({f.update_targets[i], f.fgraph->outputs()[n_outputs + i]});
  return u;
}
void Function::print_profile(std::FILE* out) const {
  require_defined(*this, "Function::print_profile");
  theano::print_profile(*this, out);
}

Function Function::copy(const CopyOptions& options) const {
  const Impl& f = checked("Function::copy");
  FunctionOptions o = f.options;
  if (options.name) o.name = *options.name;
  // Without its updates an input may be unused (the doc's accumulator): Theano's copy accepts that.
  if (options.delete_updates) {
    o.updates.clear();
    o.on_unused_input = "ignore";
  }
  for (size_t k = 0; k < options.swap.size(); ++k) {
    // Named references, not a structured binding: clang 14 cannot capture a binding in a lambda.
    const Var& old = options.swap[k].first;
    const Var& fresh = options.swap[k].second;
    require_defined(old, "Function::copy", fmt::format("swap[{}].first", k));
    require_defined(fresh, "Function::copy", fmt::format("swap[{}].second", k));
    if (!old.is_shared() || !fresh.is_shared())
      throw std::invalid_argument(fmt::format("Function::copy: swap[{}] must pair two shared variables, got {} and {}", k, old.describe(),
                                              fresh.describe()));
    if (!old.type().same_as(fresh.type()))
      throw std::invalid_argument(fmt::format("Function::copy: swap[{}]: {} has type {} but its replacement {} has type {}", k,
                                              old.describe(), old.type().str(), fresh.describe(), fresh.type().str()));
    bool used = std::any_of(f.shared_slots.begin(), f.shared_slots.end(), [&](const auto& b) { return b.second == old.node()->shared; }) ||
                std::any_of(o.updates.begin(), o.updates.end(), [&](const auto& u) { return u.first.node() == old.node(); });
    if (!used)
      throw std::invalid_argument(fmt::format("Function::copy: swap[{}]: {} is not a shared variable of function '{}'", k, old.describe(),
                                              f.name.empty() ? "<unnamed>" : f.name));
    for (auto& u : o.updates)
      if (u.first.node() == old.node()) u.first = fresh;
    o.givens.push_back({old, fresh});
  }
  return compile_function(f.input_specs, f.output_specs, o);
}

Function::Function(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) { detail::register_profiled(impl_); }

namespace {
std::string describe_shapes(InArrays in) {
  std::string s;
  for (size_t i = 0; i < in.size(); ++i) s += fmt::format("{}{} {}", i ? ", " : "", dtype_name(in[i]->dtype()), in[i]->shape().str());
  return s;
}

// Whether an in-place step may write output k over src (its input `input`): nothing else holds the
// buffer, it is contiguous and of the output's dtype, and the op says the output fits in it.
bool can_overwrite(const Step& s, int k, int input, DType dtype) {
  const NDArray& src = *s.in[size_t(input)];
  if (!src.defined() || src.buffer().use_count() != 1 || src.offset() != 0 || src.dtype() != dtype || !src.is_contiguous()) return false;
  return s.op->fits_in_place(k, input, s.in);
}
}  // namespace

void take_buffers(Step& s) {
  for (Handoff& h : s.handoffs) {
    for (NDArray* v : h.dead_views) *v = NDArray();
    if (h.inplace_inputs.empty()) {
      *h.dst = std::move(*h.src);
      continue;
    }
    // The previous call may have pointed these inputs at dst: judge src itself.
    for (int k : h.inplace_inputs) s.in[size_t(k)] = h.src;
    if (!can_overwrite(s, h.output, h.inplace_inputs[0], h.dtype)) continue;  // the kernel writes a buffer of its own
    *h.dst = std::move(*h.src);
    for (int k : h.inplace_inputs) s.in[size_t(k)] = h.dst;
  }
}

namespace {
// Theano's Elemwise check: on a dim no input type declares broadcastable, every input of the
// output's rank has the same size (a size 1 there is not stretched).
void check_broadcast(const Step& s) {
  int nd = s.apply->outputs[0]->type.ndim();
  for (int d = 0; d < nd; ++d) {
    int first = -1;
    for (size_t k = 0; k < s.in.size(); ++k) {
      const NDArray& x = *s.in[k];
      if (x.ndim() != nd || (s.broadcastable_dims[k] >> d & 1u)) continue;
      if (first < 0) first = int(k);
      else if (x.shape(d) != s.in[size_t(first)]->shape(d))
        throw OpError(fmt::format("{}: Input dimension mis-match. (input[{}].shape[{}] = {}, input[{}].shape[{}] = {})", s.op->str(),
                                  first, d, s.in[size_t(first)]->shape(d), k, d, x.shape(d)));
    }
  }
}

void run_step(Function::Impl& f, size_t i) {
  Step& s = f.steps[i];
  if (!s.handoffs.empty()) take_buffers(s);
  if (!s.broadcastable_dims.empty()) check_broadcast(s);
  if (f.profiler) {
    auto a = std::chrono::steady_clock::now();
    s.op->perform(s.in, s.out);
    f.profiler->record(i, std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
    f.profiler->record_arrays(i, s.in, s.out);
  } else {
    s.op->perform(s.in, s.out);
  }
  if (f.nan_guard) nan_guard_check(f, i);
}

// A step threw: drop the call's handles and rethrow, a std::exception with the step's context.
[[noreturn]] void step_failed(Function::Impl& f, size_t current, std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const NanGuardError&) {
    release_views(f);
    throw;
  } catch (const std::exception& e) {
    const Step& s = f.steps[current];
    std::string inputs = describe_shapes(s.in);  // before release_views clears the inputs' slots
    release_views(f);
    // The kernel's message is one line; the creation details follow it (a build-time message that
    // already has them is not repeated). A size error comes from core (an allocation, a shape
    // product) and does not name the op.
    std::string first(e.what());
    first = first.substr(0, first.find('\n'));
    if (dynamic_cast<const SizeError*>(&e)) first = s.apply->op->str() + ": " + first;
    throw OpError(fmt::format("{} (in {} created at {}{}; inputs: {}; function '{}': no update was applied){}", first, s.apply->op->str(),
                              site_str(s.apply->site), s.apply->scope.empty() ? "" : " in scope " + s.apply->scope, inputs,
                              f.name.empty() ? "<unnamed>" : f.name,
                              creation_details(s.apply->inputs, s.apply->scope, s.apply->stack.get())));
  } catch (...) {
    release_views(f);
    throw;
  }
}
}  // namespace

void run_bound(Function::Impl& f) {
  size_t current = 0;
  try {
    for (current = 0; current < f.first_update_step; ++current) run_step(f, current);
  } catch (...) {
    step_failed(f, current, std::current_exception());
  }
}

// Threads (docs/errors.md "Threads"): a call holds its function's call_mutex throughout, and the
// update locks of its shared variables (core/shared_storage.hpp): exclusive for those it updates, so
// no other call, set_value or load replaces them between its snapshot and its commit. It takes the
// values under their value locks at once (one consistent snapshot), and its commit holds the value
// locks of every storage it reads or writes, so that a reader sees all of the commit's updates or
// none of them.
Result Function::call(std::span<const Arg> args) {
  Impl& f = checked("Function::call");
  std::lock_guard call_lock(f.call_mutex);
  UpdateLocks update_locks(f.commit_storages, f.commit_exclusive);
  auto t0 = std::chrono::steady_clock::now();
  bind_arguments(f, args);
  {
    StorageLocks lock(f.read_storages);
    for (const auto& [slot, storage] : f.shared_slots) f.slots[slot] = storage->locked_value();
  }
  size_t current = 0;
  try {
    for (current = 0; current < f.first_update_step; ++current) run_step(f, current);
  } catch (...) {
    step_failed(f, current, std::current_exception());
  }
  // The outputs never read the update steps that follow (runtime/inplace_updates.hpp).
  Result r;
  try {
    r = collect_outputs(f);
  } catch (...) {
    release_views(f);
    throw;
  }
  std::exception_ptr error;
  {
    StorageLocks lock(f.commit_storages);
    // The update steps that may write in place: those that cannot this call compute into their own
    // buffer now, before any shared variable is written. Under the locks, so that no reader takes a
    // handle between the check and the write.
    check_inplace_updates(f);
    try {
      for (; current < f.steps.size(); ++current)
        if (!f.updates[size_t(f.steps[current].inplace_update)].in_place) run_step(f, current);
      if (f.nan_guard) nan_guard_check_leaves(f);
    } catch (...) {
      error = std::current_exception();
    }
    if (!error) {
      try {
        commit_updates(f);
      } catch (...) {
        clear_transient_slots(f);
        throw;
      }
    }
  }
  if (error) step_failed(f, current, error);
  if (f.profiler) f.profiler->record_call(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return r;
}

}  // namespace theano
