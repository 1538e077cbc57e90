// Per-node timing of a compiled function (THEANO_FLAGS=profile=True or {.profile = true}).
#pragma once
#include <cstddef>
#include <ostream>
#include <vector>

namespace theano {

class Function;

class Profiler {
 public:
  explicit Profiler(size_t n_steps) : step_seconds_(n_steps, 0.0), step_calls_(n_steps, 0) {}
  void record(size_t step, double seconds) {
    step_seconds_[step] += seconds;
    ++step_calls_[step];
  }
  void record_call(double seconds) {
    call_seconds_ += seconds;
    ++calls_;
  }
  double step_seconds(size_t i) const { return step_seconds_[i]; }
  size_t step_calls(size_t i) const { return step_calls_[i]; }
  double call_seconds() const { return call_seconds_; }
  size_t calls() const { return calls_; }

 private:
  std::vector<double> step_seconds_;
  std::vector<size_t> step_calls_;
  double call_seconds_ = 0;
  size_t calls_ = 0;
};

}  // namespace theano
