// Index expressions: x[i], x[T::slice(a, b)], x[{T::arange(n), y}]. Bounds may be ints or symbolic
// integer scalars; slices clamp as Python's do. Index, Slice and IntOrVar are declared with Var
// (ops/tensor_var.hpp); this header adds Python's slice spellings.
#pragma once
#include <optional>

#include "ops/tensor_var.hpp"

namespace theano::tensor {
// Python's a:b:c. T::slice() is ':', T::slice(a) is ':a' (as Python's slice(a)), T::slice(a, b) is 'a:b'.
inline Slice slice() { return {}; }
inline Slice slice(IntOrVar stop) { return {std::nullopt, stop, std::nullopt}; }
inline Slice slice(std::optional<IntOrVar> start, std::optional<IntOrVar> stop, std::optional<IntOrVar> step = std::nullopt) {
  return {start, stop, step};
}
// numpy's None: x[{T::slice(), T::newaxis}] is x[:, None].
using theano::newaxis;
using theano::NewAxis;
}  // namespace theano::tensor
