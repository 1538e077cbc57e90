// theano.scan: loops in the graph (forward only: the gradient of a scan is not written yet).
//
//   // A**k: k steps of result = prior_result * A, keeping the last
//   auto A = T::vector("A");
//   auto k = T::iscalar("k");
//   auto [result, updates] = theano::scan([](const Var& prior, const Var& A) { return prior * A; },
//                                         {.outputs_info = {T::ones_like(A)}, .non_sequences = {A}, .n_steps = k});
//   auto power = theano::function({A, k}, result[0][-1], {.updates = updates});
//
// fn receives Vars in Theano's order: the taps of every sequence, the taps of every output fed
// back, then the non-sequences; it returns a Var, a std::vector<Var>, or a theano::ScanStep with
// outputs, updates of shared variables and an optional theano::scan_module::until(condition).
// A lambda taking a fixed number of `const Var&` works directly, as a Python lambda would; one
// taking `const std::vector<Var>&` receives them all. Every output has the steps as its leading
// dimension. The step is compiled once, with the full rewrite pipeline, when scan is called.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <source_location>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ops/tensor_var.hpp"

namespace theano {

namespace scan_module {
// Theano's scan_module.until: returned with the outputs, ends the loop after the step where the
// condition (a scalar) is true; the outputs then hold only the steps run.
struct Until {
  Var condition;
};
Until until(const Var& condition, std::source_location loc = std::source_location::current());
}  // namespace scan_module

// What a step may return: its outputs, (shared variable, new value) updates applied after every
// step, and an until() condition.
struct ScanStep {
  std::vector<Var> outputs;
  std::vector<std::pair<Var, Var>> updates;
  std::optional<scan_module::Until> until;
};

// A sequence with its taps: {x, {-1, 0}} passes x[t-1] and x[t] at step t. A bare Var has taps {0}.
struct ScanSequence {
  ScanSequence(const Var& input) : input(input) {}
  ScanSequence(const Var& input, std::vector<int> taps) : input(input), taps(std::move(taps)) {}
  Var input;
  std::vector<int> taps = {0};
};

// One entry of outputs_info: std::nullopt (the output is not fed back), an initial value (taps
// {-1}: the step receives the previous value), or an initial value with taps ({init, {-2, -1}}:
// init holds the first |min tap| states along its leading dimension).
struct ScanOutputInfo {
  ScanOutputInfo(std::nullopt_t) {}
  ScanOutputInfo(const Var& initial) : initial(initial), taps{-1} {}
  ScanOutputInfo(const Var& initial, std::vector<int> taps) : initial(initial), taps(std::move(taps)) {}
  std::optional<Var> initial;
  std::vector<int> taps;  // empty when initial is not given
};

// n_steps: unset (the sequences decide), a number, or a symbolic integer scalar.
struct NSteps {
  NSteps() = default;
  NSteps(int n) : fixed(n) {}
  NSteps(long n) : fixed(n) {}
  NSteps(long long n) : fixed(n) {}
  NSteps(const Var& n) : symbolic(n) {}
  std::optional<int64_t> fixed;
  std::optional<Var> symbolic;
};

struct ScanOptions {
  std::vector<ScanSequence> sequences;
  std::vector<ScanOutputInfo> outputs_info;  // empty: every output of fn is a map output (not fed back)
  std::vector<Var> non_sequences;
  // Given: exactly this many steps (each sequence must be long enough; negative is an error).
  // Unset: the shortest sequence's usable length.
  NSteps n_steps;
  int truncate_gradient = -1;  // kept for the gradient (not written yet): only -1 is accepted
  bool go_backwards = false;   // the sequences are read from their end; outputs stay in step order
  std::string name;            // the op prints as for{cpu,<name>} (default scan_fn)
  // Every shared variable fn reads must be in non_sequences (else an error names it).
  bool strict = false;
};

// scan's result: one Var per output (all the steps), and the updates to pass to theano::function
// (FunctionOptions::updates): each updated shared variable's value after the last step.
struct ScanResult {
  std::vector<Var> outputs;
  std::vector<std::pair<Var, Var>> updates;
};

namespace scan_detail {
using StepFn = std::function<ScanStep(const std::vector<Var>&)>;
// arity: how many Vars fn takes, or -1 when it takes the whole vector.
ScanResult scan(const StepFn& fn, int arity, const ScanOptions& options, const char* api, std::source_location loc);

inline ScanStep to_step(ScanStep s) { return s; }
inline ScanStep to_step(const Var& v) { return {{v}, {}, {}}; }
inline ScanStep to_step(std::vector<Var> v) { return {std::move(v), {}, {}}; }

template <class F, size_t... I>
constexpr bool invocable_with(std::index_sequence<I...>) {
  return std::is_invocable_v<F&, decltype((void(I), std::declval<const Var&>()))...>;
}
// The number of `const Var&` arguments F takes (up to 16), or -1.
template <class F, size_t N = 0>
constexpr int arity() {
  if constexpr (N > 16) return -1;
  else if constexpr (invocable_with<F>(std::make_index_sequence<N>())) return int(N);
  else return arity<F, N + 1>();
}
template <class F, size_t... I>
ScanStep call_with(F& f, const std::vector<Var>& a, std::index_sequence<I...>) {
  return to_step(f(a[I]...));
}

template <class F>
ScanResult scan(F&& fn, const ScanOptions& options, const char* api, std::source_location loc) {
  using Fn = std::decay_t<F>;
  if constexpr (std::is_invocable_v<Fn&, const std::vector<Var>&>) {
    return scan([&fn](const std::vector<Var>& a) { return to_step(fn(a)); }, -1, options, api, loc);
  } else {
    constexpr int n = arity<Fn>();
    static_assert(n >= 0, "theano::scan: fn must take `const Var&` arguments (up to 16) or a `const std::vector<Var>&`");
    return scan([&fn](const std::vector<Var>& a) { return call_with(fn, a, std::make_index_sequence<size_t(n)>()); }, n, options, api,
                loc);
  }
}
}  // namespace scan_detail

template <class F>
ScanResult scan(F&& fn, const ScanOptions& options = {}, std::source_location loc = std::source_location::current()) {
  return scan_detail::scan(fn, options, "theano::scan", loc);
}

// theano.map: fn applied to every step of the sequences (no output fed back).
template <class F>
ScanResult map(F&& fn, std::vector<ScanSequence> sequences, std::vector<Var> non_sequences = {}, bool go_backwards = false,
               std::string name = "", std::source_location loc = std::source_location::current()) {
  return scan_detail::scan(fn, {.sequences = std::move(sequences), .non_sequences = std::move(non_sequences), .go_backwards = go_backwards,
                                .name = std::move(name)},
                           "theano::map", loc);
}

namespace scan_detail {
// reduce, foldl, foldr: the scan's outputs reduced to their last step.
ScanResult last_steps(ScanResult r, std::source_location loc);
}  // namespace scan_detail

// theano.reduce: scan keeping only each output's last step.
template <class F>
ScanResult reduce(F&& fn, std::vector<ScanSequence> sequences, std::vector<ScanOutputInfo> outputs_info,
                  std::vector<Var> non_sequences = {}, bool go_backwards = false, std::string name = "",
                  std::source_location loc = std::source_location::current()) {
  return scan_detail::last_steps(
      scan_detail::scan(fn,
                        {.sequences = std::move(sequences), .outputs_info = std::move(outputs_info),
                         .non_sequences = std::move(non_sequences), .go_backwards = go_backwards, .name = std::move(name)},
                        "theano::reduce", loc),
      loc);
}
// theano.foldl: reduce from the first step; theano.foldr: from the last.
template <class F>
ScanResult foldl(F&& fn, std::vector<ScanSequence> sequences, std::vector<ScanOutputInfo> outputs_info,
                 std::vector<Var> non_sequences = {}, std::string name = "", std::source_location loc = std::source_location::current()) {
  return reduce(fn, std::move(sequences), std::move(outputs_info), std::move(non_sequences), false, std::move(name), loc);
}
template <class F>
ScanResult foldr(F&& fn, std::vector<ScanSequence> sequences, std::vector<ScanOutputInfo> outputs_info,
                 std::vector<Var> non_sequences = {}, std::string name = "", std::source_location loc = std::source_location::current()) {
  return reduce(fn, std::move(sequences), std::move(outputs_info), std::move(non_sequences), true, std::move(name), loc);
}

}  // namespace theano
