// Per-node timing of a compiled function (THEANO_FLAGS=profile=True or {.profile = true}), and a
// summary printed like Theano's ProfileStats.summary(): the call and compile times, then the time
// per op class, per op and per apply node (with each node's input and output dtypes and shapes as
// recorded on its last call), then the memory held by the function's buffers and the process's peak.
//
// With THEANO_FLAGS=profile=True every compiled function is profiled and its summary is printed to
// stderr when the function is destroyed, or at process exit for the functions still alive then, as
// Theano prints its profiles at exit. A function compiled with {.profile = true} under
// profile=False prints only when asked: theano::print_profile(f) or f.print_profile().
#pragma once
#include <cstddef>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "graph/op.hpp"

namespace theano {

class Function;
struct FunctionImpl;

// One input or output of an apply as it was on the node's last call.
struct ProfiledArray {
  bool defined = false;
  DType dtype = DType::Float64;
  Dims shape;
  Dims strides;            // in elements
  bool c_contiguous = true;
};

class Profiler {
 public:
  explicit Profiler(size_t n_steps) : step_seconds_(n_steps, 0.0), step_calls_(n_steps, 0), inputs_(n_steps), outputs_(n_steps) {}
  void record(size_t step, double seconds) {
    step_seconds_[step] += seconds;
    ++step_calls_[step];
  }
  // Keeps the dtype, shape and strides of a step's inputs and outputs (no allocation once sized).
  void record_arrays(size_t step, InArrays in, OutArrays out);
  const std::vector<ProfiledArray>& inputs(size_t step) const { return inputs_[step]; }
  const std::vector<ProfiledArray>& outputs(size_t step) const { return outputs_[step]; }
  void record_call(double seconds) {
    call_seconds_ += seconds;
    ++calls_;
  }
  size_t n_steps() const { return step_seconds_.size(); }
  double step_seconds(size_t i) const { return step_seconds_[i]; }
  size_t step_calls(size_t i) const { return step_calls_[i]; }
  double call_seconds() const { return call_seconds_; }
  size_t calls() const { return calls_; }
  double nodes_seconds() const;  // the sum of step_seconds
  void reset();

  // Set when the function is registered to print its summary at exit (THEANO_FLAGS=profile=True).
  bool print_at_exit = false;
  bool printed = false;

 private:
  std::vector<double> step_seconds_;
  std::vector<size_t> step_calls_;
  std::vector<std::vector<ProfiledArray>> inputs_, outputs_;
  double call_seconds_ = 0;
  size_t calls_ = 0;
};

// How much of the summary to print (Theano's profiling.n_ops and profiling.n_apply).
struct ProfileOptions {
  size_t n_ops = 20;    // rows of the Class and Ops sections
  size_t n_apply = 20;  // rows of the Apply section
  size_t n_memory = 10; // rows of the largest-buffers list
};

// Prints the profile of a function compiled with profiling on; `out` defaults to stderr. A function
// compiled without profiling prints one line saying so.
void print_profile(const Function& f, std::FILE* out = stderr, const ProfileOptions& opts = {});
// The same summary as text.
std::string profile_str(const Function& f, const ProfileOptions& opts = {});

// Memory figures used by the summary.
struct MemoryStats {
  size_t arena_bytes = 0;     // distinct buffers held between calls by the intermediate results
  size_t arena_buffers = 0;
  // The memory plan (runtime/memory_plan.hpp): its buffer groups, the steps writing in place, and the
  // footprint without sharing: the sum of every intermediate result's bytes on the last profiled call
  // (0 when the function is not profiled or was not called).
  size_t planned_buffers = 0;
  size_t planned_results = 0;
  size_t inplace_nodes = 0;
  size_t inplace_updates = 0;  // Gemm{inplace} updates written into their shared variable on the last call
  size_t unshared_bytes = 0;
  size_t constant_bytes = 0;  // buffers of the graph's constants
  size_t vm_hwm_bytes = 0;    // peak resident set size of the process (VmHWM), 0 if unknown
  size_t vm_rss_bytes = 0;    // current resident set size (VmRSS), 0 if unknown
};
MemoryStats memory_stats(const Function& f);

namespace detail {
// Called when a Function is made from a compiled FunctionImpl: with THEANO_FLAGS=profile=True a
// profiled function is registered (weakly) to print its summary at exit.
void register_profiled(const std::shared_ptr<FunctionImpl>& impl);
// Called by ~FunctionImpl: prints the summary of a registered function that was not printed yet.
void print_on_destroy(FunctionImpl& impl);
std::string profile_str(const FunctionImpl& f, const ProfileOptions& opts);
}  // namespace detail

}  // namespace theano
