// The small part of numpy the Theano tutorials use: a RandomState that reproduces
// numpy.random.RandomState (legacy MT19937) bit for bit, and a few array helpers.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "core/ndarray.hpp"
#include "core/numpy_random.hpp"

namespace theano::numpy {

inline constexpr double inf = std::numeric_limits<double>::infinity();

NDArray zeros(const Dims& shape, DType dtype = DType::Float64);
// Converting copy (float64 -> float32 rounds to nearest, as a C cast).
NDArray asarray(const NDArray& a, DType dtype);
// numpy's a.T: the axes reversed, as a view sharing a's data (no copy).
NDArray transpose(const NDArray& a);

// Products of sizes; an overflow of int64 is a SizeError (numpy would wrap), as is a shape whose
// element count does not fit.
int64_t prod(const Dims& shape);
int64_t prod(const std::vector<int64_t>& values);
int64_t prod(std::initializer_list<int64_t> values);

// numpy's summation of float64: pairwise (8 unrolled, 128 per leaf) within 8192-element buffers,
// bit-identical to numpy.sum / numpy.mean of a 1-d float64 array or list.
double sum(const std::vector<double>& values);
double mean(const std::vector<double>& values);  // NaN for an empty list, like numpy

// numpy.array of nested literals: ints give int64, floats float64, as numpy makes them from Python
// lists (write 1.0 for a float: a list mixing the two does not deduce). Ragged lists throw.
NDArray array(std::initializer_list<double> values);
NDArray array(std::initializer_list<std::initializer_list<double>> rows);
NDArray array(std::initializer_list<std::initializer_list<std::initializer_list<double>>> blocks);
NDArray int64_array(const std::vector<int64_t>& values, const Dims& shape);
template <class T>
  requires std::is_integral_v<T>
NDArray array(std::initializer_list<T> values) {
  return int64_array(std::vector<int64_t>(values.begin(), values.end()), Dims{int64_t(values.size())});
}
template <class T>
  requires std::is_integral_v<T>
NDArray array(std::initializer_list<std::initializer_list<T>> rows) {
  std::vector<int64_t> v;
  const int64_t cols = rows.size() ? int64_t(rows.begin()->size()) : 0;
  for (const auto& r : rows) {
    if (int64_t(r.size()) != cols) throw std::invalid_argument("numpy::array: rows of different lengths (a ragged list)");
    v.insert(v.end(), r.begin(), r.end());
  }
  return int64_array(v, Dims{int64_t(rows.size()), cols});
}

// numpy.allclose: |a - b| <= atol + rtol * |b| elementwise, after broadcasting; NaNs never equal.
bool allclose(const NDArray& a, const NDArray& b, double rtol = 1e-05, double atol = 1e-08);
bool allclose(double a, double b, double rtol = 1e-05, double atol = 1e-08);

// repr(a) and str(a) (print(a)) as numpy 1.13 prints them, the format of Theano's documentation:
// array([[ 0.5       ,  0.73105858], ...]), array(34.0), array([ True, False], dtype=bool).
std::string repr(const NDArray& a);
std::string str(const NDArray& a);
// Python's repr of a float: the shortest digits that read back exactly ("34.0", "1e-05", "0.1").
std::string python_float_repr(double v);
// str() of a numpy.float32 scalar (numpy >= 1.14): the shortest digits that read back as the float32,
// in the same layout ("0.1", "73.51241", "1e-05"), e.g. numpy.mean of a float32 row.
std::string float32_str(float v);

}  // namespace theano::numpy
