#include "core/checked_size.hpp"

#include <fmt/format.h>

namespace theano::checked {

namespace {
[[noreturn]] void overflow(int64_t a, char op, int64_t b, const char* what) {
  throw SizeError(fmt::format("{}{}size arithmetic overflows int64: {} {} {}", what ? what : "", what ? ": " : "", a, op, b));
}
}  // namespace

int64_t mul(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (!mul(a, b, r)) overflow(a, '*', b, what);
  return r;
}
int64_t add(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (!add(a, b, r)) overflow(a, '+', b, what);
  return r;
}
int64_t sub(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (!sub(a, b, r)) overflow(a, '-', b, what);
  return r;
}

std::string shape_str(std::span<const int64_t> shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

bool product(std::span<const int64_t> shape, int64_t& out) {
  int64_t nonzero = 1;
  bool zero = false;
  for (int64_t d : shape) {
    if (d == 0) zero = true;
    else if (!mul(nonzero, d, nonzero)) return false;
  }
  out = zero ? 0 : nonzero;
  return true;
}

int64_t numel(std::span<const int64_t> shape) {
  int64_t n;
  if (!product(shape, n)) throw SizeError(fmt::format("array is too big: shape {} has more than 2**63 - 1 elements", shape_str(shape)));
  return n;
}

int64_t bytes_for(DType dtype, std::span<const int64_t> shape) {
  int64_t n = numel(shape), bytes;
  // As for the count, the non-zero dims times the item size must fit, whatever a zero dim makes of it.
  int64_t nonzero = 1;
  for (int64_t d : shape) nonzero *= d == 0 ? 1 : d;  // cannot overflow: numel passed
  if (!mul(nonzero, int64_t(dtype_size(dtype)), bytes))
    throw SizeError(fmt::format("array is too big: shape {} of {} needs more than 2**63 - 1 bytes", shape_str(shape), dtype_name(dtype)));
  return n == 0 ? 0 : bytes;
}

int64_t range_length(int64_t start, int64_t stop, int64_t step) {
  // The distance in uint64 is exact (it is below 2**64) and so is its quotient by |step|.
  uint64_t dist, s;
  if (step > 0) {
    if (stop <= start) return 0;
    dist = uint64_t(stop) - uint64_t(start);
    s = uint64_t(step);
  } else {
    if (start <= stop) return 0;
    dist = uint64_t(start) - uint64_t(stop);
    s = uint64_t(0) - uint64_t(step);
  }
  uint64_t n = dist / s + (dist % s != 0);
  if (n > uint64_t(kMaxSize))
    throw SizeError(fmt::format("range({}, {}, {}) has {} elements, more than 2**63 - 1", start, stop, step, n));
  return int64_t(n);
}

void throw_allocation_failed(int64_t bytes, DType dtype, std::span<const int64_t> shape) {
  throw SizeError(fmt::format("cannot allocate {} bytes for an array of shape {} and dtype {}: out of memory", bytes, shape_str(shape),
                              dtype_name(dtype)));
}

void throw_workspace_failed(size_t bytes) {
  throw SizeError(fmt::format("cannot allocate {} bytes of kernel workspace: out of memory", bytes));
}

}  // namespace theano::checked
