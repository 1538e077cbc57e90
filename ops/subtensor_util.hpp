// Helpers shared by the basic and advanced indexing kernels (ops/subtensor.cpp,
// ops/advanced_subtensor.cpp): Python's slice clamping, index wrapping, and the increment's shape check.
#pragma once
#include <optional>
#include <vector>

#include "graph/op.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops::indexing {

// Python's slice.indices() over a dim of size n: first position, step and length.
struct Range {
  int64_t start, step, len;
};
Range slice_range(std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step, int64_t n);

// i wrapped into [0, n); out of range throws "<op>: index i is out of bounds for axis a with size n"
// (op nullptr: build time, where make_apply names the op).
int64_t wrap_index(int64_t i, int64_t n, int axis, const Op* op);

// Whether y (of the view's rank) fits the view: equal sizes, or 1 where `stretch` allows.
bool fits(const NDArray& y, const Dims& view, const std::vector<bool>& stretch);
// The same, throwing "<op>: cannot set/increment x[idx] of shape (..) with y of shape (..)".
void check_fits(const NDArray& y, const Dims& view, const std::vector<bool>& stretch, const Op& op, bool set);

// The length of a slice over a dim of size n as an int64 scalar graph: exact for constant parts
// (undefined, an unknown dim, when a part is symbolic).
Var slice_length(std::optional<Var> start, std::optional<Var> stop, std::optional<Var> step, const Var& n);

// y padded with leading broadcastable dims to `ndim` dims (numpy's broadcasting of a lower-rank value).
Var pad_left(const Var& y, int ndim);

}  // namespace theano::ops::indexing
