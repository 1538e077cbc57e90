// The compiled form of a function, shared by compile.cpp (which builds it) and function.cpp /
// call_args.cpp (which run it). Not part of the public API.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/function.hpp"
#include "runtime/memory_plan.hpp"
#include "runtime/profiler.hpp"

namespace theano {

// Before a step runs, one of its outputs takes its buffer group's buffer (runtime/memory_plan.hpp)
// from the slot of the group's previous member, which is dead by then; the first member takes it
// from the last one, which kept it since the previous call.
struct Handoff {
  NDArray* dst;                     // the output's slot
  NDArray* src;                     // the previous member's slot
  std::vector<NDArray*> dead_views; // slots of views of the previous member: cleared, they would keep its buffer shared
  // In place: the step's inputs that read src, pointed at dst once src's buffer moved there (when the
  // run-time check passes), and the output's dtype.
  std::vector<int> inplace_inputs;
  DType dtype = DType::Float64;
  int output = 0;                   // which output of the step dst is
};

// One scheduled apply: its op and pointers into the slot table (stable after compile).
struct Step {
  const Op* op;
  Apply* apply;
  std::vector<const NDArray*> in;
  std::vector<NDArray*> out;
  bool is_view = false;
  std::vector<Handoff> handoffs;  // run before the kernel
  int inplace_update = -1;        // Gemm{inplace}: the update it may write in place (runtime/inplace_updates.hpp)
  // Op::broadcasts_by_type ops: bit d of entry k is set when input k's dim d is broadcastable.
  std::vector<uint32_t> broadcastable_dims;
};

struct InputBinding {
  size_t slot;
  TensorType type;
  std::string name;     // the variable's name (messages)
  std::string keyword;  // what a keyword argument names it by (In's name, else the variable's)
  NDArray scratch;      // reused for scalars and converted arrays, so binding does not allocate
  NDArray default_value;  // In's value, already in the input's dtype; undefined: the argument is required
  bool strict = false;
  std::optional<bool> allow_downcast;
};

struct UpdateBinding {
  size_t slot;                              // where the new value is computed
  std::shared_ptr<SharedStorage> storage;   // what it replaces
  bool in_place = false;                    // this call: written straight into storage, not swapped in
};

struct FunctionImpl {
  // Calls run one at a time (docs/errors.md "Threads"): Function::call holds this for the whole call.
  std::mutex call_mutex;
  std::string name;
  std::unique_ptr<FunctionGraph> fgraph;
  std::vector<NDArray> slots;                // one per variable of the graph
  std::vector<Step> steps;
  size_t first_update_step = 0;              // steps from here on are Gemm{inplace} update steps
  std::vector<InputBinding> inputs;
  std::vector<const Arg*> bound_args;        // per input, this call's argument (reused: no allocation)
  std::vector<char> output_borrowed;         // Out{.borrow}: returned without a copy
  // What the function was compiled from, for Function::copy.
  FunctionInputs input_specs;
  FunctionOutputs output_specs;
  FunctionOptions options;
  std::vector<std::pair<size_t, std::shared_ptr<SharedStorage>>> shared_slots;
  std::vector<size_t> output_slots;
  std::vector<UpdateBinding> updates;
  std::vector<Var> update_targets;           // the shared variable of update i (its expression: fgraph output n_outputs + i)
  std::vector<size_t> transient_slots;       // views, inputs and shared bindings: cleared after a call
  std::vector<char> slot_is_transient;       // transient slots and constants: updates copy, never take, their buffer
  std::vector<NDArray> new_values;           // scratch for commit_updates (reused)
  // Sorted for StorageLocks (core/shared_storage.hpp): the storages the call reads (its snapshot is
  // taken and its handles dropped under their locks), and those plus the updated ones (the commit).
  std::vector<SharedStorage*> read_storages;
  std::vector<SharedStorage*> commit_storages;
  // Per commit_storages entry: 1 if the call replaces it (its update lock is taken exclusive), 0 if
  // it only reads it (shared).
  std::vector<char> commit_exclusive;
  MemoryPlan memory_plan;                    // which intermediate results share a buffer; the steps' handoffs follow it
  double compile_ms = 0;
  bool nan_guard = false;                    // check every step's outputs (runtime/nan_guard.hpp)
  bool update_shapes_may_change = false;     // FunctionOptions::update_shapes_may_change
  std::vector<std::pair<size_t, std::string>> guarded_leaves;  // under the guard: leaf slots and what they are
  std::unique_ptr<Profiler> profiler;
  // Prints the profile of a function registered by THEANO_FLAGS=profile=True (runtime/profiler.cpp).
  ~FunctionImpl();
};

// Matches positional and keyword arguments to the inputs (omitted ones take their In default) and
// binds them by Theano's filter rules.
void bind_arguments(Function::Impl& f, std::span<const Arg> args);
// At compile time: In's value for input i, converted by the same rules (a misfit is an error now).
void bind_default_value(Function::Impl& f, size_t i, const Arg& value);
Result collect_outputs(Function::Impl& f);
// With f.commit_storages locked: writes the updates and drops the call's handles (the transient slots).
void commit_updates(Function::Impl& f);
// Drops the call's handles (views, arguments, shared values) under f.read_storages' locks.
void release_views(Function::Impl& f);
// The same with the locks already held.
void clear_transient_slots(Function::Impl& f);
void take_buffers(Step& s);
// Runs every step of f with its arguments already in their slots: a call without binding, shared
// variables, outputs or updates (Scan's inner function, runtime/scan_op.cpp). A failing step throws
// as in a call, naming the inner op.
void run_bound(Function::Impl& f);

}  // namespace theano
