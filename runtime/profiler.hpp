// Per-node timing of a compiled function (THEANO_FLAGS=profile=True or {.profile = true}), and a
// summary printed like Theano's ProfileStats: per op class, per op, per apply node.
#pragma once
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/ndarray.hpp"

namespace theano {

class Function;

class Profiler {
 public:
  explicit Profiler(size_t n_steps) : step_seconds_(n_steps, 0.0), step_calls_(n_steps, 0), input_shapes_(n_steps) {}
  void record(size_t step, double seconds) {
    step_seconds_[step] += seconds;
    ++step_calls_[step];
  }
  // The shapes of a step's inputs on its last call (kept without allocating once sized).
  std::vector<Dims>& input_shapes(size_t step) { return input_shapes_[step]; }
  const std::vector<Dims>& input_shapes(size_t step) const { return input_shapes_[step]; }
  void record_call(double seconds) {
    call_seconds_ += seconds;
    ++calls_;
  }
  double step_seconds(size_t i) const { return step_seconds_[i]; }
  size_t step_calls(size_t i) const { return step_calls_[i]; }
  double call_seconds() const { return call_seconds_; }
  size_t calls() const { return calls_; }
  void reset();

 private:
  std::vector<double> step_seconds_;
  std::vector<size_t> step_calls_;
  std::vector<std::vector<Dims>> input_shapes_;
  double call_seconds_ = 0;
  size_t calls_ = 0;
};

// Prints the profile of a function compiled with profiling on; `out` defaults to stderr.
void print_profile(const Function& f, std::FILE* out = stderr);

}  // namespace theano
