// Binding call arguments to a compiled function's inputs (Theano's filter rules), returning its
// outputs, and committing its updates all at once.
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <type_traits>
#include <utility>

#include "graph/op.hpp"
#include "runtime/function_impl.hpp"
#include "runtime/inplace_updates.hpp"

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

InputBinding& scalar_input(Function::Impl& f, size_t i) {
  InputBinding& b = f.inputs[i];
  if (b.type.ndim() != 0)
    throw std::invalid_argument(bad_input(f, i, fmt::format("Expected a {}-d array, got a scalar.", b.type.ndim())));
  return b;
}

template <class V>
[[noreturn]] void misfit(Function::Impl& f, size_t i, V v, const char* why) {
  const InputBinding& b = f.inputs[i];
  throw std::invalid_argument(bad_input(f, i, fmt::format("{} cannot store the value {} without loss: it is {} {} {}.", b.type.str(), v, why,
                                                          std::string_view(why) == "not exactly representable" ? "in" : "for",
                                                          dtype_name(b.type.dtype))));
}

void bind_float(Function::Impl& f, size_t i, double v) {
  InputBinding& b = scalar_input(f, i);
  if (!is_float(b.type.dtype))
    if (const char* why = float_misfit(v, b.type.dtype)) misfit(f, i, v, why);
  b.scratch.ensure(b.type.dtype, Dims{});
  b.scratch.set_item(0, v);  // a double may always go down to float32 (Theano's allow_input_downcast=None)
  f.slots[b.slot] = b.scratch;
}

template <class I>
void bind_int(Function::Impl& f, size_t i, I v) {
  InputBinding& b = scalar_input(f, i);
  if (const char* why = int_misfit(v, b.type.dtype)) misfit(f, i, v, why);
  b.scratch.ensure(b.type.dtype, Dims{});
  if constexpr (std::is_unsigned_v<I>)
    if (v > uint64_t(INT64_MAX)) {  // then the input is a float one, and the value exact in it
      b.scratch.set_item(0, double(v));
      f.slots[b.slot] = b.scratch;
      return;
    }
  b.scratch.set_int(0, int64_t(v));
  f.slots[b.slot] = b.scratch;
}

void bind_array(Function::Impl& f, size_t i, const NDArray& a) {
  InputBinding& b = f.inputs[i];
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
    f.slots[b.slot] = a;
    return;
  }
  if (!can_cast_safely(a.dtype(), b.type.dtype))
    throw std::invalid_argument(bad_input(
        f, i,
        fmt::format("{} cannot store a value of dtype {} without risking loss of precision. If you do not mind this loss, you can: "
                    "1) explicitly cast your data to {}, or 2) set \"allow_input_downcast=True\" when calling \"function\".",
                    b.type.str(), dtype_name(a.dtype()), dtype_name(b.type.dtype))));
  b.scratch.ensure(b.type.dtype, a.shape());
  b.scratch.copy_from(a);
  f.slots[b.slot] = b.scratch;
}
}  // namespace

void bind_arguments(Function::Impl& f, std::span<const Arg> args) {
  if (args.size() != f.inputs.size()) {
    std::string names;
    for (size_t i = 0; i < f.inputs.size(); ++i)
      names += (i ? ", " : "") + (f.inputs[i].name.empty() ? f.inputs[i].type.str() : f.inputs[i].name);
    throw std::invalid_argument(fmt::format("theano function \"{}\" expects {} argument(s) ({}), got {}", fn_name(f), f.inputs.size(),
                                            names, args.size()));
  }
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      const auto& v = args[i].value();
      if (auto* n = std::get_if<int64_t>(&v)) bind_int(f, i, *n);
      else if (auto* u = std::get_if<uint64_t>(&v)) bind_int(f, i, *u);
      else if (auto* d = std::get_if<double>(&v)) bind_float(f, i, *d);
      else bind_array(f, i, std::get<NDArray>(v));
    }
  } catch (...) {
    release_views(f);
    throw;
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
      r.arrays_.push_back(v.copy());
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
