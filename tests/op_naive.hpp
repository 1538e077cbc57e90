// Naive references for the op table (tests/op_table.hpp): plain loops over C-order element indices,
// written from numpy's and Theano's definitions, never from the kernels. Results are arrays of the
// dtype the op should produce, with values stored as that dtype stores them (expect()).
#pragma once
#include <functional>
#include <optional>
#include <vector>

#include "op_table.hpp"
#include "ops/elemwise.hpp"

namespace op_table::naive {

// A value as `d` stores it: float32 rounding, integer wrap-around, bool as != 0.
double as_dtype(double v, DType d);
// An array of `dtype` and `shape` holding `values` (C order), each stored as as_dtype does.
NDArray expect(DType dtype, const Dims& shape, const std::vector<double>& values);
// The element position of a flat C-order index, and back.
Dims unravel(int64_t flat, const Dims& shape);
int64_t ravel(const Dims& idx, const Dims& shape);

// The dtype Theano's elementwise rules give a kind on inputs of these dtypes, from the kind's
// category in ops/elemwise_ops.def: SAME keeps the upcast dtype, FLOAT makes it float (int8, int16,
// uint8 and bool -> float32; int32, int64 -> float64), FLOAT_ONLY keeps it (floats only), BOOL is bool.
// Switch upcasts its branches only.
DType elemwise_dtype(theano::ops::ScalarKind kind, const std::vector<DType>& inputs);

// numpy broadcasting (inputs left-padded with dims of size 1), f of each output element's inputs
// (absent ones 0), stored as `out`.
using Scalar3 = std::function<double(double, double, double)>;
NDArray map(const Arrays& in, DType out, const Scalar3& f);
// `a` broadcast to `shape` (numpy's rule), as a contiguous copy.
NDArray broadcast_to(const NDArray& a, const Dims& shape);
// DimShuffle: pattern[i] is the input dim of output dim i, or -1 for a new dim of size 1; input dims
// left out must have size 1.
NDArray dimshuffle(const NDArray& a, const std::vector<int>& pattern);
NDArray transpose(const NDArray& a);
// The same elements in C order under another shape (one entry may be -1), or another dtype.
NDArray reshape(const NDArray& a, Dims shape);
NDArray cast(const NDArray& a, DType dtype);

// Python's seq[start:stop:step] for a sequence of length n: the positions it selects, in order.
std::vector<int64_t> py_slice(int64_t n, std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step);
// One entry of a basic index: an integer (negative counts from the end) or a slice.
struct Idx {
  bool is_slice = false;
  int64_t index = 0;
  std::optional<int64_t> start, stop, step;
  static Idx at(int64_t i) { return {false, i}; }
  static Idx slice(std::optional<int64_t> start = {}, std::optional<int64_t> stop = {}, std::optional<int64_t> step = {}) {
    return {true, 0, start, stop, step};
  }
};
// The flat positions of x (shape `shape`) that x[idx] selects, in the result's C order, and the
// result's shape. Dims after the index are taken whole. Throws on an out-of-range integer.
struct Selection {
  Dims shape;
  std::vector<int64_t> flat;
};
Selection select(const Dims& shape, const std::vector<Idx>& idx);
// x[i0, i1, ...]: integer vectors (negative wrap) on the leading dims, broadcast against each other.
Selection select_advanced(const Dims& shape, const Arrays& idx);
// x[selection]; a copy of x with y (broadcast to the selection's shape) added at, or written to, it
// (repeated positions accumulate).
NDArray gather(const NDArray& x, const Selection& s);
NDArray scatter(const NDArray& x, const NDArray& y, const Selection& s, bool set);

// Sum (ints and bool -> int64, floats keep; accumulated in long double) or max over `axes`.
NDArray sum(const NDArray& a, const std::vector<int>& axes);
NDArray max(const NDArray& a, const std::vector<int>& axes);
// The first index of the maximum along `axis`, or over the flattened array (int64).
NDArray argmax(const NDArray& a, std::optional<int> axis);
// numpy.dot for vectors and matrices, accumulated in long double; the dtype of the operands.
NDArray dot(const NDArray& a, const NDArray& b);
// Row-wise softmax and log-softmax of a matrix (a vector is one row), in long double.
NDArray softmax(const NDArray& x);
NDArray log_softmax(const NDArray& x);

}  // namespace op_table::naive
