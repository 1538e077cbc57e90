#include "ops/random_size.hpp"

#include <fmt/format.h>

#include "ops/basic.hpp"
#include "ops/elemwise.hpp"
#include "ops/shape.hpp"

namespace theano::ops {

namespace {
std::optional<int64_t> constant_entry(const Variable& size, int i, bool shape_of_broadcastable) {
  if (size.is_constant()) return size.node()->constant.item_int64(i);
  Apply* a = size.owner();
  if (!a) return std::nullopt;
  if (dynamic_cast<const MakeVector*>(a->op.get())) {
    const Variable& e = a->inputs[size_t(i)];
    if (e.is_constant()) return e.node()->constant.item_int64(0);
    return std::nullopt;
  }
  if (shape_of_broadcastable && dynamic_cast<const Shape*>(a->op.get()) && a->inputs[0].type().broadcastable(i)) return 1;
  return std::nullopt;
}
}  // namespace

void sample_dims_from_size(TensorType& sample, const Variable& size_var, int ndim, bool shape_of_broadcastable) {
  const TensorType& size = size_var.type();
  if (size.ndim() != 1 || !is_integer(size.dtype)) throw OpError(fmt::format("size must be an integer vector, got {}", size.str()));
  if (size.known(0) && size.shape[0] != ndim) throw OpError(fmt::format("size must have length {} (not {})", ndim, size.shape[0]));
  for (int i = 0; i < ndim; ++i) {
    std::optional<int64_t> d = constant_entry(size_var, i, shape_of_broadcastable);
    if (!d) continue;
    if (*d < 0) throw OpError(fmt::format("size must not hold a negative value, got {} at entry {}", *d, i));
    sample.shape[i] = *d;
    sample.bcast[i] = *d == 1;
  }
}

Dims sample_shape(const NDArray& size, int ndim) {
  if (size.shape(0) != ndim) throw OpError(fmt::format("size must have length {} (not {})", ndim, size.shape(0)));
  Dims shape;
  for (int i = 0; i < ndim; ++i) {
    int64_t d = size.item_int64(int64_t(i) * size.stride(0));
    if (d < 0) throw OpError(fmt::format("size must not hold a negative value, got {} at entry {}", d, i));
    shape.push_back(d);
  }
  return shape;
}

std::pair<Var, int> size_and_ndim(const Var& size, std::optional<int> ndim, std::string_view op) {
  if (size.ndim() != 1 || !is_integer(size.dtype()))
    throw std::invalid_argument(fmt::format("{}: size must be an integer vector, got {} ({}) at {}", op, size.describe(), size.type().str(),
                                            SiteScope::current_str()));
  int nd = ndim ? *ndim : int(size.type().shape[0]);
  if (nd < 0)
    throw std::invalid_argument(fmt::format("{}: the length of size {} is not known when the graph is built: give ndim (at {})", op,
                                            size.describe(), SiteScope::current_str()));
  return {size.dtype() == DType::Int64 ? size : cast(size, DType::Int64), nd};
}

}  // namespace theano::ops
