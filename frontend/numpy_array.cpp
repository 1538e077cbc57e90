// numpy array helpers: zeros, asarray, prod, and sum/mean with numpy's pairwise summation.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "frontend/theano/numpy.hpp"

namespace theano::numpy {

NDArray zeros(const Dims& shape, DType dtype) { return NDArray::zeros(dtype, shape); }

NDArray asarray(const NDArray& a, DType dtype) {
  if (!a.defined()) throw std::invalid_argument("asarray: a is an undefined NDArray (default-constructed: it holds no data)");
  return a.astype(dtype);
}

int64_t prod(const Dims& shape) { return shape.product(); }

namespace {
// numpy's int64 prod wraps silently; these compute sizes (fan-in, fan-out), so an overflow is a
// SizeError instead of a wrong size (core/checked_size.hpp).
int64_t checked_prod(std::span<const int64_t> values) {
  for (int64_t v : values)
    if (v == 0) return 0;
  int64_t p = 1;
  for (int64_t v : values)
    if (!checked::mul(p, v, p))
      throw SizeError("prod: the product of " + checked::shape_str(values) + " does not fit in int64");
  return p;
}
}  // namespace

int64_t prod(const std::vector<int64_t>& values) { return checked_prod(values); }

int64_t prod(std::initializer_list<int64_t> values) { return checked_prod(std::span<const int64_t>(values.begin(), values.size())); }

namespace {
// DOUBLE_pairwise_sum from numpy/core/src/umath/loops_utils.h.src: the association order of the
// additions is what makes the result bit-identical, so it is copied exactly.
double pairwise_sum(const double* a, int64_t n) {
  if (n < 8) {
    double res = 0.;
    for (int64_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (int k = 0; k < 8; ++k) r[k] = a[k];
    int64_t i;
    for (i = 8; i < n - (n % 8); i += 8)
      for (int k = 0; k < 8; ++k) r[k] += a[i + k];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  int64_t n2 = n / 2;
  n2 -= n2 % 8;  // split on a multiple of the unroll factor
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}
}  // namespace

// add.reduce starts from the identity 0.0 and, as its iterator hands the loop at most bufsize
// (8192) elements at a time even for contiguous data, adds one pairwise sum per 8192-block.
double sum(const std::vector<double>& values) {
  constexpr int64_t kBufSize = 8192;
  const int64_t n = int64_t(values.size());
  double acc = 0.0;
  for (int64_t start = 0; start < n; start += kBufSize)
    acc += pairwise_sum(values.data() + start, std::min(kBufSize, n - start));
  return acc;
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  return sum(values) / double(values.size());
}

}  // namespace theano::numpy
