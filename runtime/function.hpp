// Compiled functions: theano.function's semantics. Every output and update reads the values from
// before the call; updates are committed together only after everything succeeded (a call that
// throws changes nothing). Buffers are kept between calls, so a call in steady state does not
// allocate for its intermediates.
#pragma once
#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "graph/fgraph.hpp"
#include "ops/tensor_var.hpp"
#include "core/shared_storage.hpp"

namespace theano {

struct FunctionOptions {
  std::vector<std::pair<Var, Var>> updates;  // (shared variable, new value expression)
  std::vector<std::pair<Var, Var>> givens;   // (variable, replacement)
  std::string name;
  bool profile = false;
  std::string on_unused_input = "raise";  // raise, warn or ignore
  // NanGuardMode for this function (also on for every function with THEANO_FLAGS=mode=NanGuardMode):
  // a call raises at the first step whose output holds a NaN, an Inf or |x| > 1e10 (runtime/nan_guard.hpp).
  bool nan_guard = false;
  // Rewrites (runtime/pipeline.cpp). mode: "" follows THEANO_FLAGS=mode; "FAST_COMPILE" skips the
  // rewrites; "FAST_RUN" runs them. optimizer_excluding: rewrite or pass names to skip, on top of
  // THEANO_FLAGS=optimizer_excluding. verify_rewrites: check the graph after every pass (on for every
  // function with THEANO_FLAGS=verify=True); a failure throws "verify failed after <pass>: ...".
  std::string mode;
  std::vector<std::string> optimizer_excluding;
  bool verify_rewrites = false;
  // An update whose new value has another shape than its shared variable's is an error (no update
  // is applied) unless this is set: a silently resized parameter is almost always a broadcasting
  // mistake. The dtype and broadcastable pattern are fixed by the variable's type either way.
  bool update_shapes_may_change = false;
};

struct FunctionImpl;
class Profiler;

// One call argument: a Python-like scalar or an array. C++ integers stay integers: they are bound to
// the input's dtype exactly, range-checked (runtime/call_args.cpp), never through double.
class Arg {
 public:
  Arg(int v) : v_(int64_t(v)) {}
  Arg(long v) : v_(int64_t(v)) {}
  Arg(long long v) : v_(int64_t(v)) {}
  Arg(unsigned v) : v_(int64_t(v)) {}
  Arg(unsigned long v) : v_(uint64_t(v)) {}
  Arg(unsigned long long v) : v_(uint64_t(v)) {}
  Arg(double v) : v_(v) {}
  Arg(float v) : v_(double(v)) {}
  Arg(const NDArray& a) : v_(a) {}
  // uint64_t only for unsigned 64-bit values (any of them, 2**64 - 1 included).
  const std::variant<int64_t, uint64_t, double, NDArray>& value() const { return v_; }

 private:
  std::variant<int64_t, uint64_t, double, NDArray> v_;
};

// What a call returns: one value per output. 0-d outputs are kept by value (no allocation), integers
// as exact int64 and floats as double, so an int64 output of 2**53 + 1 comes back as 2**53 + 1.
class Result {
 public:
  size_t size() const { return n_; }
  // The only output as a number (it must be 0-d); see scalar().
  operator double() const;
  // Output i (0-d) as a double. An integer output converts only when the double is exact (every
  // |v| <= 2**53 is); otherwise std::range_error "output 0 (int64) holds 9007199254740993, which a
  // double cannot represent exactly; read it with result.integer(0)".
  double scalar(size_t i = 0) const;
  // Output i (0-d) as an exact int64: integer and bool outputs as they are, a float output only when
  // it holds an integer within int64's range (else std::range_error naming the output and value).
  int64_t integer(size_t i = 0) const;
  DType dtype(size_t i = 0) const;
  // Output i as an array (a fresh copy, never aliased by later calls).
  NDArray array(size_t i = 0) const;
  operator NDArray() const { return array(0); }

 private:
  friend Result collect_outputs(FunctionImpl& f);
  void check_index(size_t i) const;
  size_t n_ = 0;
  bool all_scalar_ = true;        // then values live in ints_/scalars_, else every output in arrays_
  std::array<double, 4> scalars_{};  // float outputs
  std::array<int64_t, 4> ints_{};    // integer and bool outputs
  std::array<DType, 4> scalar_dtypes_{};
  std::vector<NDArray> arrays_;
};

class Function {
 public:
  Function() = default;
  template <class... A>
  Result operator()(const A&... args) {
    std::array<Arg, sizeof...(A)> a{Arg(args)...};
    return call(std::span<const Arg>(a.data(), a.size()));
  }
  Result call(std::span<const Arg> args);
  const FunctionGraph& fgraph() const;
  const std::string& name() const;
  double compile_ms() const;
  size_t n_nodes() const;
  // The per-node timings of a function compiled with profiling on (nullptr otherwise).
  const Profiler* profiler() const;
  // The applies in the order a call runs them (what printing numbers and profiles).
  std::vector<Apply*> schedule() const;
  // (shared variable, update expression) per update; the expressions are fgraph() outputs from
  // the function's own outputs on.
  std::vector<std::pair<Var, Var>> updates() const;
  // theano::print_profile(*this, out): Theano's f.profile.summary().
  void print_profile(std::FILE* out = stderr) const;

  using Impl = FunctionImpl;
  // With THEANO_FLAGS=profile=True, registers the function to print its profile at exit.
  explicit Function(std::shared_ptr<Impl> impl);
  // A default-constructed Function is undefined: every member above throws std::invalid_argument
  // "Function::<member>: the Function is undefined (...)" (docs/errors.md, "Undefined values").
  bool defined() const { return impl_ != nullptr; }
  Impl& impl() const;

 private:
  Impl& checked(const char* api) const;
  std::shared_ptr<Impl> impl_;
};

// Throws std::invalid_argument "<api>: the Function is undefined (...)" when f is undefined.
void require_defined(const Function& f, const char* api);

Function compile_function(const std::vector<Var>& inputs, const std::vector<Var>& outputs, const FunctionOptions& options);

}  // namespace theano
