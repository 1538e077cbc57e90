// The size input of the random ops (MRGUniform, RandomFunction): an int64 vector, constant or
// symbolic, whose length (the sample's leading dims) is fixed when the graph is built.
#pragma once
#include <optional>
#include <string_view>
#include <utility>

#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

// Checks the size input's type (an integer vector, of length ndim when its length is known) and
// gives the sample's first ndim dims the entries known when the graph is built, broadcastable where
// 1: constant entries (a literal size, a MakeVector's constant entries) and, with
// shape_of_broadcastable, the size of an input's broadcastable dim (MRG's extract_constant; numpy's
// RandomFunction looks only at literals, as Theano's _infer_ndim_bcast). OpError on a negative entry.
void sample_dims_from_size(TensorType& sample, const Variable& size, int ndim, bool shape_of_broadcastable);

// The sample's first dims from the size array when the op runs; OpError on a wrong length or a
// negative entry.
Dims sample_shape(const NDArray& size, int ndim);

// For the builders: the size cast to int64 and the number of dims it gives (ndim when given, else
// the size's length, which must then be known); std::invalid_argument naming op and the user's line.
std::pair<Var, int> size_and_ndim(const Var& size, std::optional<int> ndim, std::string_view op);

}  // namespace theano::ops
