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

NDArray transpose(const NDArray& a) {
  if (!a.defined()) throw std::invalid_argument("transpose: a is an undefined NDArray (default-constructed: it holds no data)");
  Dims shape = a.shape(), strides = a.strides();
  for (int i = 0, j = a.ndim() - 1; i < j; ++i, --j) {
    std::swap(shape[i], shape[j]);
    std::swap(strides[i], strides[j]);
  }
  return a.view(shape, strides, a.offset());
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

namespace theano::numpy {

NDArray int64_array(const std::vector<int64_t>& values, const Dims& shape) { return NDArray::from_vector(values, shape); }

NDArray array(std::initializer_list<double> values) {
  return NDArray::from_vector(std::vector<double>(values), Dims{int64_t(values.size())});
}

NDArray array(std::initializer_list<std::initializer_list<double>> rows) {
  std::vector<double> v;
  const int64_t cols = rows.size() ? int64_t(rows.begin()->size()) : 0;
  for (const auto& r : rows) {
    if (int64_t(r.size()) != cols) throw std::invalid_argument("numpy::array: rows of different lengths (a ragged list)");
    v.insert(v.end(), r.begin(), r.end());
  }
  return NDArray::from_vector(v, Dims{int64_t(rows.size()), cols});
}

NDArray array(std::initializer_list<std::initializer_list<std::initializer_list<double>>> blocks) {
  std::vector<double> v;
  const int64_t rows = blocks.size() ? int64_t(blocks.begin()->size()) : 0;
  const int64_t cols = rows ? int64_t(blocks.begin()->begin()->size()) : 0;
  for (const auto& b : blocks) {
    if (int64_t(b.size()) != rows) throw std::invalid_argument("numpy::array: blocks of different lengths (a ragged list)");
    for (const auto& r : b) {
      if (int64_t(r.size()) != cols) throw std::invalid_argument("numpy::array: rows of different lengths (a ragged list)");
      v.insert(v.end(), r.begin(), r.end());
    }
  }
  return NDArray::from_vector(v, Dims{int64_t(blocks.size()), rows, cols});
}

namespace {
bool close(double x, double y, double rtol, double atol) {
  if (std::isinf(x) || std::isinf(y)) return x == y;
  return std::fabs(x - y) <= atol + rtol * std::fabs(y);
}
}  // namespace

bool allclose(double a, double b, double rtol, double atol) { return close(a, b, rtol, atol); }

bool allclose(const NDArray& a, const NDArray& b, double rtol, double atol) {
  if (!a.defined() || !b.defined()) throw std::invalid_argument("numpy::allclose: an array is undefined (a default-constructed NDArray)");
  // Broadcast as numpy: align trailing dims; a size-1 dim stretches.
  const int nd = std::max(a.ndim(), b.ndim());
  Dims out_shape;
  for (int d = 0; d < nd; ++d) {
    int da = d - (nd - a.ndim()), db = d - (nd - b.ndim());
    int64_t sa = da >= 0 ? a.shape(da) : 1, sb = db >= 0 ? b.shape(db) : 1;
    if (sa != sb && sa != 1 && sb != 1)
      throw std::invalid_argument("numpy::allclose: operands could not be broadcast together with shapes " + a.shape().str() + " " +
                                  b.shape().str());
    out_shape.push_back(sa == 1 ? sb : sa);
  }
  const int64_t n = out_shape.product();
  for (int64_t flat = 0; flat < n; ++flat) {
    int64_t rem = flat, fa = 0, fb = 0, mul_a = 1, mul_b = 1;
    for (int d = nd - 1; d >= 0; --d) {
      int64_t i = rem % out_shape[d];
      rem /= out_shape[d];
      int da = d - (nd - a.ndim()), db = d - (nd - b.ndim());
      if (da >= 0) {
        fa += (a.shape(da) == 1 ? 0 : i) * mul_a;
        mul_a *= a.shape(da);
      }
      if (db >= 0) {
        fb += (b.shape(db) == 1 ? 0 : i) * mul_b;
        mul_b *= b.shape(db);
      }
    }
    if (!close(a.item(fa), b.item(fb), rtol, atol)) return false;
  }
  return true;
}

}  // namespace theano::numpy
