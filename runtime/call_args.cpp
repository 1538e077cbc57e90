// Binding call arguments to a compiled function's inputs (Theano's filter rules), returning its
// outputs, and committing its updates all at once.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <type_traits>
#include <utility>

#include "graph/op.hpp"
#include "runtime/function_impl.hpp"
#include "runtime/inplace_updates.hpp"
#include "core/config.hpp"

namespace theano {

namespace {
std::string fn_name(const Function::Impl& f) { return f.name.empty() ? "<unnamed>" : f.name; }

std::string bad_input(const Function::Impl& f, size_t i, const std::string& what) {
  return fmt::format("Bad input argument to theano function with name \"{}\" at index {} (0-based) ({}). {}", fn_name(f), i,
                     f.inputs[i].name.empty() ? f.inputs[i].type.str() : f.inputs[i].name, what);
}

constexpr double kTwo63 = 9223372036854775808.0;  // 2**63, exact

// A float argument for an integer input: it must be integral and within the dtype's range.
const char* float_misfit(double v, DType d) {
  if (v != std::floor(v)) return "a float";  // NaN and fractions (infinities fail the range test)
  bool in_range = visit_dtype(d, [&](auto t) {
    using T = decltype(t);
    // double(max) + 1 is the exclusive bound: exact for small types, 2**63 for int64.
    return v >= double(std::numeric_limits<T>::lowest()) && v < (std::is_same_v<T, int64_t> ? kTwo63 : double(std::numeric_limits<T>::max()) + 1);
  });
  return in_range ? nullptr : "out of range";
}

// An integer argument (exact, uint64 values above 2**63 - 1 included): for an integer input, within
// its range; for a float input, exactly representable (Theano's filter compares the converted value
// with the original; we compare exactly, float64 included).
template <class I>
const char* int_misfit(I v, DType d) {
  return visit_dtype(d, [&](auto t) -> const char* {
    using T = decltype(t);
    if constexpr (std::is_floating_point_v<T>) {
      T x = T(v);  // round to nearest: defined for every integer
      bool exact = std::is_signed_v<I> ? (double(x) >= -kTwo63 && double(x) < kTwo63 && int64_t(x) == int64_t(v))
                                       : (double(x) < 2 * kTwo63 && uint64_t(x) == uint64_t(v));
      return exact ? nullptr : "not exactly representable";
    } else if constexpr (std::is_same_v<T, bool>) {
      return v == I(0) || v == I(1) ? nullptr : "out of range";
    } else {
      return std::in_range<T>(v) ? nullptr : "out of range";
    }
  });
}

// Where a filtered argument goes: the call's slot (an array of the right dtype is bound as it is,
// anything else converted into the binding's scratch), or a default value owned by the binding.
struct Target {
  NDArray& scratch;
  NDArray& slot;
  bool own;  // a default value: never alias the caller's array
};

// Whether the input takes this argument with a cast, as Theano's TensorType.filter decides.
bool downcast_allowed(const InputBinding& b, const Function::Impl& f) {
  return b.allow_downcast.value_or(f.options.allow_input_downcast.value_or(false));
}
bool downcast_unset(const InputBinding& b, const Function::Impl& f) {
  return !b.allow_downcast.has_value() && !f.options.allow_input_downcast.has_value();
}

const InputBinding& scalar_input(const Function::Impl& f, size_t i) {
  const InputBinding& b = f.inputs[i];
  if (b.strict)
    throw std::invalid_argument(bad_input(f, i, fmt::format("{} expected an array of dtype {} (strict input), got a scalar.", b.type.str(),
                                                            dtype_name(b.type.dtype))));
  if (b.type.ndim() != 0)
    throw std::invalid_argument(bad_input(f, i, fmt::format("Expected a {}-d array, got a scalar.", b.type.ndim())));
  return b;
}

template <class V>
[[noreturn]] void misfit(const Function::Impl& f, size_t i, V v, const char* why) {
  const InputBinding& b = f.inputs[i];
  bool range = std::string_view(why) == "out of range";  // allow_input_downcast never wraps a value around
  throw std::invalid_argument(bad_input(f, i, fmt::format("{} cannot store the value {} without loss: it is {} {} {}.{}", b.type.str(), v, why,
                                                          std::string_view(why) == "not exactly representable" ? "in" : "for",
                                                          dtype_name(b.type.dtype),
                                                          range ? "" : " If you do not mind this loss, compile with allow_input_downcast = true.")));
}

// A float cast into an integer dtype (allow_input_downcast): truncated toward zero as numpy does,
// but never out of the dtype's range (that would be undefined behaviour, not a value).
void cast_float_to_int(const Function::Impl& f, size_t i, double v) {
  double t = std::trunc(v);
  if (std::isnan(v) || float_misfit(t, f.inputs[i].type.dtype)) misfit(f, i, v, "out of range");
}

void bind_float(const Function::Impl& f, size_t i, double v, Target t) {
  const InputBinding& b = scalar_input(f, i);
  DType d = b.type.dtype;
  if (!is_float(d)) {
    if (downcast_allowed(b, f)) cast_float_to_int(f, i, v);
    else if (const char* why = float_misfit(v, d)) misfit(f, i, v, why);
    v = std::trunc(v);
  } else if (d == DType::Float32 && !downcast_allowed(b, f) && !(downcast_unset(b, f) && config().floatX == DType::Float32)) {
    // Theano's filter lets a Python float go down to float32 only when float32 is floatX and no
    // allow_downcast was given; otherwise the value must survive the conversion (NaN does).
    if (!std::isnan(v) && double(float(v)) != v && std::isfinite(v)) misfit(f, i, v, "not exactly representable");
  }
  t.scratch.ensure(d, Dims{});
  t.scratch.set_item(0, v);
  t.slot = t.scratch;
}

template <class I>
void bind_int(const Function::Impl& f, size_t i, I v, Target t) {
  const InputBinding& b = scalar_input(f, i);
  bool cast = downcast_allowed(b, f);
  if (const char* why = int_misfit(v, b.type.dtype)) {
    // allow_input_downcast casts an integer into a float dtype (rounding) but never wraps one
    // around an integer dtype's range.
    if (!(cast && is_float(b.type.dtype))) misfit(f, i, v, why);
  }
  t.scratch.ensure(b.type.dtype, Dims{});
  if constexpr (std::is_unsigned_v<I>)
    if (v > uint64_t(INT64_MAX)) {  // then the input is a float one
      t.scratch.set_item(0, double(v));
      t.slot = t.scratch;
      return;
    }
  if (is_float(b.type.dtype)) t.scratch.set_item(0, double(v));
  else t.scratch.set_int(0, int64_t(v));
  t.slot = t.scratch;
}

// A list converts when each value survives the trip to the input's dtype (Theano's values_eq of the
// list and its conversion; NaN equals NaN).
void check_list_values(const Function::Impl& f, size_t i, const NDArray& a) {
  const DType d = f.inputs[i].type.dtype;
  for (int64_t k = 0; k < a.size(); ++k) {
    const char* why = nullptr;
    if (is_integer(a.dtype())) {
      why = int_misfit(a.item_int64(k), d);
    } else {
      double v = a.item(k);
      if (is_float(d)) why = (d == DType::Float32 && !std::isnan(v) && std::isfinite(v) && double(float(v)) != v) ? "not exactly representable" : nullptr;
      else why = float_misfit(v, d);
    }
    if (why)
      throw std::invalid_argument(bad_input(f, i, fmt::format("{} cannot store the list element {} ({}) without changing it: {}. Cast the "
                                                              "values, or compile with allow_input_downcast = true.",
                                                              f.inputs[i].type.str(), k, a.item(k), why)));
  }
}

void bind_array(const Function::Impl& f, size_t i, const NDArray& a, Target t, bool from_list = false) {
  const InputBinding& b = f.inputs[i];
  if (!a.defined()) throw std::invalid_argument(bad_input(f, i, "The argument is an undefined NDArray (default-constructed: it holds no data)."));
  if (a.ndim() != b.type.ndim())
    throw std::invalid_argument(bad_input(f, i, fmt::format("Wrong number of dimensions: expected {}, got {} with shape {}.", b.type.ndim(),
                                                            a.ndim(), a.shape().str())));
  for (int d = 0; d < a.ndim(); ++d) {
    if (b.type.bcast[d] && a.shape(d) != 1)
      throw std::invalid_argument(bad_input(f, i, fmt::format("Dimension {} is broadcastable and must have size 1, got shape {}.", d,
                                                              a.shape().str())));
    if (b.type.shape[d] >= 0 && a.shape(d) != b.type.shape[d])
      throw std::invalid_argument(bad_input(f, i, fmt::format("Expected shape {}, got {}.", b.type.shape_str(), a.shape().str())));
  }
  if (a.dtype() == b.type.dtype) {
    t.slot = t.own ? a.copy() : a;
    return;
  }
  if (b.strict)
    throw std::invalid_argument(bad_input(f, i, fmt::format("{} expected an array of dtype {} (strict input), got {}.", b.type.str(),
                                                            dtype_name(b.type.dtype), dtype_name(a.dtype()))));
  // Theano's rule: without allow_input_downcast, the array converts when upcasting its dtype with
  // the input's gives the input's (int64 into float64 does, int64 into float32 does not); a list
  // converts when its values do.
  if (from_list && !downcast_allowed(b, f)) check_list_values(f, i, a);
  else if (!downcast_allowed(b, f) && upcast(a.dtype(), b.type.dtype) != b.type.dtype)
    throw std::invalid_argument(bad_input(
        f, i,
        fmt::format("{} cannot store a value of dtype {} without risking loss of precision. If you do not mind this loss, you can: "
                    "1) explicitly cast your data to {}, or 2) compile with allow_input_downcast = true "
                    "(FunctionOptions{{.allow_input_downcast = true}} or theano::In(x, {{.allow_downcast = true}})).",
                    b.type.str(), dtype_name(a.dtype()), dtype_name(b.type.dtype))));
  if (!is_float(b.type.dtype) && is_float(a.dtype()))  // a downcast float array: no NaN or out-of-range value (UB)
    for (int64_t k = 0; k < a.size(); ++k) {
      double v = a.item(k);
      if (std::isnan(v) || float_misfit(std::trunc(v), b.type.dtype))
        throw std::invalid_argument(bad_input(f, i, fmt::format("{} cannot store the value {} of the {} argument: it is out of range.",
                                                                b.type.str(), v, dtype_name(a.dtype()))));
    }
  t.scratch.ensure(b.type.dtype, a.shape());
  t.scratch.copy_from(a);
  t.slot = t.scratch;
}

void bind_one(const Function::Impl& f, size_t i, const Arg& arg, Target t) {
  const auto& v = arg.value();
  if (auto* n = std::get_if<int64_t>(&v)) bind_int(f, i, *n, t);
  else if (auto* u = std::get_if<uint64_t>(&v)) bind_int(f, i, *u, t);
  else if (auto* d = std::get_if<double>(&v)) bind_float(f, i, *d, t);
  else bind_array(f, i, std::get<NDArray>(v), t, arg.from_list());
}

std::string input_names(const Function::Impl& f) {
  std::string names;
  for (size_t i = 0; i < f.inputs.size(); ++i)
    names += (i ? ", " : "") + (f.inputs[i].keyword.empty() ? f.inputs[i].type.str() : f.inputs[i].keyword);
  return names;
}

// Matches positional and keyword arguments to inputs (Python's rules) into f.bound_args.
void match_arguments(Function::Impl& f, std::span<const Arg> args) {
  size_t n = f.inputs.size(), required = 0, positional = 0;
  for (const InputBinding& b : f.inputs) required += !b.default_value.defined();
  bool keywords = false;
  for (const Arg& a : args) {
    if (a.keyword().empty() && keywords)
      throw std::invalid_argument(fmt::format("theano function \"{}\": positional argument follows keyword argument", fn_name(f)));
    keywords |= !a.keyword().empty();
    positional += a.keyword().empty();
  }
  if (positional > n || (!keywords && positional < required)) {
    std::string expected = required == n ? fmt::format("{}", n) : fmt::format("between {} and {}", required, n);
    throw std::invalid_argument(
        fmt::format("theano function \"{}\" expects {} argument(s) ({}), got {}", fn_name(f), expected, input_names(f), positional));
  }
  std::fill(f.bound_args.begin(), f.bound_args.end(), nullptr);
  for (size_t i = 0; i < positional; ++i) f.bound_args[i] = &args[i];
  for (size_t k = positional; k < args.size(); ++k) {
    std::string_view key = args[k].keyword();
    size_t i = 0;
    while (i < n && f.inputs[i].keyword != key) ++i;
    if (i == n)
      throw std::invalid_argument(fmt::format("theano function \"{}\" got an unexpected keyword argument '{}' (its inputs: {})", fn_name(f),
                                              key, input_names(f)));
    if (f.bound_args[i])
      throw std::invalid_argument(fmt::format("theano function \"{}\" got multiple values for argument '{}'", fn_name(f), key));
    f.bound_args[i] = &args[k];
  }
  for (size_t i = 0; i < n; ++i)
    if (!f.bound_args[i] && !f.inputs[i].default_value.defined())
      throw std::invalid_argument(fmt::format("theano function \"{}\": missing required input {} ({})", fn_name(f), i,
                                              f.inputs[i].keyword.empty() ? f.inputs[i].type.str() : f.inputs[i].keyword));
}
}  // namespace

void bind_arguments(Function::Impl& f, std::span<const Arg> args) {
  match_arguments(f, args);
  try {
    for (size_t i = 0; i < f.inputs.size(); ++i) {
      InputBinding& b = f.inputs[i];
      if (f.bound_args[i]) bind_one(f, i, *f.bound_args[i], Target{b.scratch, f.slots[b.slot], false});
      else f.slots[b.slot] = b.default_value;
    }
  } catch (...) {
    release_views(f);
    throw;
  }
}

void bind_default_value(Function::Impl& f, size_t i, const Arg& value) {
  InputBinding& b = f.inputs[i];
  NDArray scratch;
  try {
    bind_one(f, i, value, Target{scratch, b.default_value, true});
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("function: the default value of input {} ({}) does not fit: {}", i,
                                            b.keyword.empty() ? b.type.str() : b.keyword, e.what()));
  }
}

Result collect_outputs(Function::Impl& f) {
  Result r;
  r.n_ = f.output_slots.size();
  r.all_scalar_ = r.n_ <= r.scalars_.size();
  for (size_t s : f.output_slots) r.all_scalar_ = r.all_scalar_ && f.slots[s].ndim() == 0;
  for (size_t i = 0; i < r.n_; ++i) {
    const NDArray& v = f.slots[f.output_slots[i]];
    if (r.all_scalar_) {
      if (is_float(v.dtype())) r.scalars_[i] = v.item(0);
      else r.ints_[i] = v.item_int64(0);  // exact: integers never go through double
      r.scalar_dtypes_[i] = v.dtype();
    } else {
      r.arrays_.push_back(f.output_borrowed[i] ? v : v.copy());
    }
  }
  return r;
}

void commit_updates(Function::Impl& f) {
  // First make every new value (copies may throw), then write the updates made in place (they cannot
  // fail, runtime/inplace_updates.hpp), then drop the call's handles and swap the others in. The
  // caller holds the locks of f.commit_storages: readers see every update of the call or none.
  size_t n = f.updates.size();
  if (!f.update_shapes_may_change)
    for (size_t i = 0; i < n; ++i) {
      const Dims& now = f.updates[i].storage->locked_value().shape();
      const Dims& next = f.slots[f.updates[i].slot].shape();
      if (!f.updates[i].in_place && !(next == now))
        throw std::invalid_argument(fmt::format(
            "function '{}': the update of shared variable {} has shape {} but the variable has shape {}; no update was applied "
            "(FunctionOptions{{.update_shapes_may_change = true}} allows it)",
            f.name.empty() ? "<unnamed>" : f.name, f.update_targets[i].describe(), next.str(), now.str()));
    }
  f.new_values.resize(n);
  thread_local std::vector<char> moved;
  moved.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (f.updates[i].in_place) continue;
    size_t s = f.updates[i].slot;
    const NDArray& v = f.slots[s];
    bool reused = false;
    for (size_t j = 0; j < i; ++j) reused |= f.updates[j].slot == s;
    bool own = !f.slot_is_transient[s] && !reused && v.is_contiguous() && v.offset() == 0;
    f.new_values[i] = own ? v : v.copy();
    moved[i] = own;
  }
  write_inplace_updates(f);
  clear_transient_slots(f);
  for (size_t i = 0; i < n; ++i) {
    if (f.updates[i].in_place) continue;
    NDArray old = std::exchange(f.updates[i].storage->locked_value(), std::move(f.new_values[i]));
    f.new_values[i] = NDArray();
    // The previous value's buffer becomes the slot's buffer for the next call, which writes into
    // it: only if nothing outside this call holds it (a reader's handle, another function's call,
    // a borrowed value). Under the locks no new holder can appear.
    if (moved[i]) f.slots[f.updates[i].slot] = sole_holder(old) ? std::move(old) : NDArray();
  }
}

void clear_transient_slots(Function::Impl& f) {
  for (size_t s : f.transient_slots) f.slots[s] = NDArray();
}

void release_views(Function::Impl& f) {
  StorageLocks lock(f.read_storages);
  clear_transient_slots(f);
}

}  // namespace theano
