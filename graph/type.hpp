// TensorType: what a symbolic variable holds. Theano's type is (dtype, broadcastable pattern); we add
// the static shape where it is known, so that shape errors surface when the graph is built.
#pragma once
#include <string>

#include "core/ndarray.hpp"

namespace theano {

struct TensorType {
  DType dtype = DType::Float64;
  Dims shape;                          // one entry per dim; -1 where unknown
  std::array<bool, kMaxDims> bcast{};  // broadcastable dims (always of size 1)

  TensorType() = default;
  // All dims unknown and not broadcastable.
  TensorType(DType dtype, int ndim);
  TensorType(DType dtype, const Dims& shape, std::initializer_list<bool> broadcastable);
  static TensorType with_shape(DType dtype, const Dims& shape);  // known shape, nothing broadcastable

  int ndim() const { return shape.size(); }
  bool broadcastable(int i) const { return bcast[i]; }
  bool known(int i) const { return shape[i] >= 0; }
  // Theano's identity: dtype, ndim and broadcastable pattern. Static shapes are hints, not identity.
  bool same_as(const TensorType& o) const;
  // Static shapes do not contradict each other.
  bool shape_compatible(const TensorType& o) const;
  std::string str() const;        // "TensorType(float32, matrix)"
  std::string shape_str() const;  // "(500, ?)"
};

}  // namespace theano
