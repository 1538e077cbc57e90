#include "graph/type.hpp"

namespace theano {

TensorType::TensorType(DType d, int ndim) : dtype(d), shape(Dims::filled(ndim, -1)) {}

TensorType::TensorType(DType d, const Dims& s, std::initializer_list<bool> b) : dtype(d), shape(s) {
  int i = 0;
  for (bool v : b) bcast[i++] = v;
  for (int k = 0; k < ndim(); ++k)
    if (bcast[k]) shape[k] = 1;
}

TensorType TensorType::with_shape(DType d, const Dims& s) {
  TensorType t(d, s.size());
  t.shape = s;
  return t;
}

bool TensorType::same_as(const TensorType& o) const {
  if (dtype != o.dtype || ndim() != o.ndim()) return false;
  for (int i = 0; i < ndim(); ++i)
    if (bcast[i] != o.bcast[i]) return false;
  return true;
}

bool TensorType::shape_compatible(const TensorType& o) const {
  if (ndim() != o.ndim()) return false;
  for (int i = 0; i < ndim(); ++i)
    if (shape[i] >= 0 && o.shape[i] >= 0 && shape[i] != o.shape[i]) return false;
  return true;
}

std::string TensorType::str() const {
  std::string kind;
  int n = ndim();
  if (n == 0) kind = "scalar";
  else if (n == 1) kind = bcast[0] ? "(True,)" : "vector";
  else if (n == 2) {
    if (!bcast[0] && !bcast[1]) kind = "matrix";
    else if (bcast[0] && !bcast[1]) kind = "row";
    else if (!bcast[0] && bcast[1]) kind = "col";
    else kind = "(True, True)";
  } else {
    bool any = false;
    for (int i = 0; i < n; ++i) any |= bcast[i];
    if (!any) kind = std::to_string(n) + "D";
    else {
      kind = "(";
      for (int i = 0; i < n; ++i) kind += std::string(i ? ", " : "") + (bcast[i] ? "True" : "False");
      kind += ")";
    }
  }
  return "TensorType(" + std::string(dtype_name(dtype)) + ", " + kind + ")";
}

std::string TensorType::shape_str() const { return shape.str(); }

}  // namespace theano
