// A call's outputs: 0-d values kept exactly per dtype (int64 or double), with accessors that refuse
// a lossy conversion (docs/errors.md, "Integers").
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "runtime/function.hpp"

namespace theano {

namespace {
constexpr double kTwo63 = 9223372036854775808.0;  // 2**63, exact

// Whether the double nearest to v is v itself.
bool exact_in_double(int64_t v) {
  double d = double(v);
  return d >= -kTwo63 && d < kTwo63 && int64_t(d) == v;
}

double int_as_double(int64_t v, size_t i, DType dtype) {
  if (!exact_in_double(v))
    throw std::range_error(fmt::format("output {} ({}) holds {}, which a double cannot represent exactly; read it with result.integer({})", i,
                                       dtype_name(dtype), v, i));
  return double(v);
}

int64_t float_as_int(double v, size_t i, DType dtype) {
  if (!(v >= -kTwo63 && v < kTwo63))
    throw std::range_error(fmt::format("output {} ({}) holds {}, which is out of range for int64; read it with result.scalar({})", i,
                                       dtype_name(dtype), v, i));
  if (v != std::trunc(v))
    throw std::range_error(fmt::format("output {} ({}) holds {}, which is not an integer; read it with result.scalar({})", i,
                                       dtype_name(dtype), v, i));
  return int64_t(v);
}
}  // namespace

Result::operator double() const {
  if (n_ != 1) throw std::runtime_error(fmt::format("this function returns {} outputs; use result.scalar(i) or result.array(i)", n_));
  return scalar(0);
}

void Result::check_index(size_t i) const {
  if (i >= n_) throw std::out_of_range(fmt::format("output {} requested, the function has {}", i, n_));
  if (!all_scalar_ && arrays_[i].ndim() != 0)
    throw std::runtime_error(fmt::format("output {} has shape {}; use result.array({})", i, arrays_[i].shape().str(), i));
}

DType Result::dtype(size_t i) const {
  if (i >= n_) throw std::out_of_range(fmt::format("output {} requested, the function has {}", i, n_));
  return all_scalar_ ? scalar_dtypes_[i] : arrays_[i].dtype();
}

double Result::scalar(size_t i) const {
  check_index(i);
  DType d = dtype(i);
  if (is_float(d)) return all_scalar_ ? scalars_[i] : arrays_[i].item(0);
  return int_as_double(all_scalar_ ? ints_[i] : arrays_[i].item_int64(0), i, d);
}

int64_t Result::integer(size_t i) const {
  check_index(i);
  DType d = dtype(i);
  if (!is_float(d)) return all_scalar_ ? ints_[i] : arrays_[i].item_int64(0);
  return float_as_int(all_scalar_ ? scalars_[i] : arrays_[i].item(0), i, d);
}

NDArray Result::array(size_t i) const {
  if (i >= n_) throw std::out_of_range(fmt::format("output {} requested, the function has {}", i, n_));
  if (!all_scalar_) return arrays_[i];
  NDArray a = NDArray::empty(scalar_dtypes_[i], Dims{});
  if (is_float(scalar_dtypes_[i])) a.set_item(0, scalars_[i]);
  else a.set_int(0, ints_[i]);
  return a;
}

}  // namespace theano
