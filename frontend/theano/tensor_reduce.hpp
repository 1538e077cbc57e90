// theano.tensor's reductions (included by theano/tensor.hpp). Each takes Python's arguments in
// Python's order, the axis first:
//   T::sum(x)                 every axis (axis=None)
//   T::sum(x, 1)              one axis; negative axes count from the end
//   T::max(x, {0, 2}, true)   several axes, keepdims=True: the reduced axes stay as size-1 dims
//   T::var(x, 1, /*ddof=*/1)  the unbiased variance along axis 1
// Axes (ops/tensor_var.hpp) takes std::nullopt, an int or a braced list; an axis out of range or
// repeated is an error naming the function, the input and the caller's line. The same reductions are
// Var methods (x.sum(1), x.max({0, 2}, true), x.var()...). Dtypes follow Theano: sum and prod of
// bool and ints give int64, floats keep their dtype (float32 accumulates in float64); mean, var and
// std of ints give float64; max and min keep the dtype; argmax and argmin give int64; any and all
// give bool. Not differentiable: argmax, argmin, any, all.
#pragma once
#include <optional>
#include <source_location>

#include "ops/tensor_var.hpp"

namespace theano::tensor {

using theano::Axes;

Var sum(const Var& x, const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current());
// Theano's prod. Its gradient is right where a reduced slice holds one zero (the product of the
// others) or several (0); no_zeros_in_input=true promises there are none and gives a simpler
// gradient graph, gz * prod / x, which also has a second derivative.
Var prod(const Var& x, const Axes& axis = std::nullopt, bool keepdims = false, bool no_zeros_in_input = false,
         std::source_location loc = std::source_location::current());
Var mean(const Var& x, const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current());
// max and min propagate NaN; an empty reduced axis is an error when the function runs (numpy's
// "zero-size array to reduction operation maximum which has no identity"). axis={} means every
// axis for max, min, argmax and argmin (Theano's max_and_argmax), no axis for the others.
Var max(const Var& x, const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current());
Var min(const Var& x, const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current());
// The position of the first maximum (minimum), or of the first NaN; over several axes, the flat
// C-order position within the reduced axes (Theano 1.0 allows several axes).
Var argmax(const Var& x, const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current());
Var argmin(const Var& x, const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current());
// Both at once: auto [m, i] = T::max_and_argmax(x, 1);
struct MaxAndArgmax {
  Var max, argmax;
};
MaxAndArgmax max_and_argmax(const Var& x, const Axes& axis = std::nullopt, bool keepdims = false,
                            std::source_location loc = std::source_location::current());
// Whether any (all) elements are non-zero: bool results.
Var any(const Var& x, const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current());
Var all(const Var& x, const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current());
// Theano's var(input, axis=None, ddof=0, keepdims=False, corrected=False): the mean of the squared
// deviations from the mean; ddof divides the sum of squares by N - ddof instead (N: the elements
// reduced into each result, numpy's rule); corrected subtracts the rounding error of the mean
// (Theano's corrected two-pass algorithm). std is its square root.
Var var(const Var& x, const Axes& axis = std::nullopt, int ddof = 0, bool keepdims = false, bool corrected = false,
        std::source_location loc = std::source_location::current());
Var std(const Var& x, const Axes& axis = std::nullopt, int ddof = 0, bool keepdims = false, bool corrected = false,
        std::source_location loc = std::source_location::current());
// T::var(x, 1, true) would pass keepdims as ddof: Theano raises, here it does not compile.
Var var(const Var& x, const Axes& axis, bool ddof, bool keepdims = false, bool corrected = false,
        std::source_location loc = std::source_location::current()) = delete;
Var std(const Var& x, const Axes& axis, bool ddof, bool keepdims = false, bool corrected = false,
        std::source_location loc = std::source_location::current()) = delete;

}  // namespace theano::tensor
