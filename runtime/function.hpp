// Compiled functions: theano.function's semantics. Every output and update reads the values from
// before the call; updates are committed together only after everything succeeded (a call that
// throws changes nothing). Buffers are kept between calls, so a call in steady state does not
// allocate for its intermediates.
#pragma once
#include <array>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "graph/fgraph.hpp"
#include "ops/tensor_var.hpp"
#include "core/shared_storage.hpp"

namespace theano {

// Theano's no_default_updates: true skips every shared variable's default update; a list skips
// those of the listed variables only; false (the default) applies them all.
struct NoDefaultUpdates {
  NoDefaultUpdates(bool all = false) : all(all) {}
  NoDefaultUpdates(std::vector<Var> vars) : vars(std::move(vars)) {}
  NoDefaultUpdates(std::initializer_list<Var> vars) : vars(vars) {}
  bool all = false;
  std::vector<Var> vars;
};

struct FunctionOptions {
  std::vector<std::pair<Var, Var>> updates;  // (shared variable, new value expression)
  std::vector<std::pair<Var, Var>> givens;   // (variable, replacement)
  // Shared variables the function uses (in its outputs, givens or updates) that carry a default
  // update (SharedVariable::set_default_update; every MRG_RandomStreams state does) are updated by
  // it after each call, unless `updates` gives them another or this option excludes them.
  NoDefaultUpdates no_default_updates;
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
  // Theano's allow_input_downcast, for every input without its own In{.allow_downcast}: true casts
  // any argument to the input's dtype; false refuses a Python-style float for a float32 input
  // unless it is exact; unset (the default) also lets a float literal go down to floatX.
  std::optional<bool> allow_input_downcast;
};

struct FunctionImpl;
class Profiler;

// One call argument: a Python-like scalar or an array. C++ integers stay integers: they are bound to
// the input's dtype exactly, range-checked (runtime/call_args.cpp), never through double.
class Arg {
 public:
  // A keyword argument, as Python's f(33, w_by_name=1): theano::kw("w_by_name", 1), or
  // "w_by_name"_a = 1 with `using namespace theano::literals;`. The name must outlive the call.
  Arg(std::string_view keyword, Arg value) : Arg(std::move(value)) { keyword_ = keyword; }
  Arg(int v) : v_(int64_t(v)) {}
  Arg(long v) : v_(int64_t(v)) {}
  Arg(long long v) : v_(int64_t(v)) {}
  Arg(unsigned v) : v_(int64_t(v)) {}
  Arg(unsigned long v) : v_(uint64_t(v)) {}
  Arg(unsigned long long v) : v_(uint64_t(v)) {}
  Arg(double v) : v_(v) {}
  Arg(float v) : v_(double(v)) {}
  Arg(const NDArray& a) : v_(a) {}
  // A Python list (theano::list): converted to the input's dtype when every value survives exactly,
  // as Theano converts a list, where an array of another dtype must upcast to the input's.
  Arg(const struct List& l);
  // uint64_t only for unsigned 64-bit values (any of them, 2**64 - 1 included).
  const std::variant<int64_t, uint64_t, double, NDArray>& value() const { return v_; }
  std::string_view keyword() const { return keyword_; }  // empty for a positional argument
  bool from_list() const { return from_list_; }

 private:
  std::variant<int64_t, uint64_t, double, NDArray> v_;
  std::string_view keyword_;
  bool from_list_ = false;
};

// A Python list literal as a call argument: f(theano::list({{1, 2}, {3, 4}})) is Theano's
// f([[1, 2], [3, 4]]). The values are held as numpy would make the list (ints: int64, floats:
// float64); a call converts them to the input's dtype if none changes (1.5 refuses an int input).
struct List {
  NDArray values;
};
inline Arg::Arg(const List& l) : v_(l.values), from_list_(true) {}

inline Arg kw(std::string_view name, Arg value) { return Arg(name, std::move(value)); }
namespace literals {
struct ArgName {
  std::string_view name;
  Arg operator=(Arg value) const { return Arg(name, std::move(value)); }
};
constexpr ArgName operator""_a(const char* s, size_t n) { return {{s, n}}; }
}  // namespace literals

// theano.In: an input with a keyword name, a default value (the argument may then be omitted) and
// its own casting rule. theano::In(y, {.value = 1}), theano::In(w, {.name = "w_by_name", .value = 2}).
struct InOptions {
  std::string name;                    // the keyword; empty: the variable's name
  std::optional<Arg> value;            // the default, converted once at compile time by the input's rules
  bool strict = false;                 // only arrays of the input's exact dtype (no conversion at all)
  std::optional<bool> allow_downcast;  // unset: FunctionOptions::allow_input_downcast
};
struct In {
  In(const Var& v) : variable(v) {}
  In(const Var& v, InOptions o) : variable(v), options(std::move(o)) {}
  Var variable;
  InOptions options;
};

// theano.Out: an output returned without a copy when borrow is set: the array is the function's own
// buffer. A later call writes into it again only once the caller has let go of it (while held, the
// call computes into a fresh buffer), so a borrowed array never changes under its holder.
struct OutOptions {
  bool borrow = false;
};
struct Out {
  Out(const Var& v) : variable(v) {}
  Out(const Var& v, OutOptions o) : variable(v), options(o) {}
  Var variable;
  OutOptions options;
};

// The inputs or outputs of theano::function: {x, y}, {x, theano::In(y, {.value = 1})}, or a
// std::vector<Var>.
template <class Spec>
struct SpecList {
  SpecList() = default;
  SpecList(std::initializer_list<Spec> specs) : items(specs) {}
  SpecList(std::vector<Spec> specs) : items(std::move(specs)) {}
  SpecList(const std::vector<Var>& vars) : items(vars.begin(), vars.end()) {}
  std::vector<Spec> items;
};
using FunctionInputs = SpecList<In>;
using FunctionOutputs = SpecList<Out>;

// Function::copy's options, as Theano's f.copy(swap=..., delete_updates=..., name=...).
struct CopyOptions {
  // (shared variable of this function, its replacement): the copy reads and updates the replacement.
  std::vector<std::pair<Var, Var>> swap;
  bool delete_updates = false;
  std::optional<std::string> name;
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
  // Output i as an array: a fresh copy, never aliased by later calls, unless the output was
  // compiled as theano::Out(v, {.borrow = true}) (then the function's own buffer).
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
  // Theano's f.copy(): the same graph compiled again, sharing the shared variables' storage (with
  // swap: other shared variables of the same types in their place).
  Function copy(const CopyOptions& options = {}) const;

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

Function compile_function(const FunctionInputs& inputs, const FunctionOutputs& outputs, const FunctionOptions& options);

}  // namespace theano
