// numpy::repr / numpy::str print arrays as numpy 1.13 does (the format of Theano's documentation),
// and python_float_repr prints a double as Python's repr. Expected strings are numpy 1.13's and
// Python 3's outputs for the same values.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include <theano/theano.hpp>

using namespace theano;

namespace {
NDArray arange(int64_t n, DType dt) {
  NDArray a = NDArray::zeros(dt, Dims{n});
  for (int64_t i = 0; i < n; ++i) a.set_item(i, double(i));
  return a;
}
}  // namespace

TEST_CASE("float32 str is the shortest float32 round trip in the same layout", "[numpy]") {
  // numpy >= 1.14's str(numpy.float32(v)): what cA.py prints for numpy.mean of a float32 row.
  CHECK(numpy::float32_str(0.1f) == "0.1");
  CHECK(numpy::float32_str(1.0f / 3) == "0.33333334");
  CHECK(numpy::float32_str(73.51241f) == "73.51241");
  CHECK(numpy::float32_str(2.0f) == "2.0");
  CHECK(numpy::float32_str(1e-5f) == "1e-05");
  CHECK(numpy::float32_str(std::numeric_limits<float>::max()) == "3.4028235e+38");
  CHECK(numpy::float32_str(-0.0f) == "-0.0");
  CHECK(numpy::float32_str(std::nanf("")) == "nan");
}

TEST_CASE("python float repr is the shortest round trip in Python's layout", "[numpy]") {
  CHECK(numpy::python_float_repr(34.0) == "34.0");
  CHECK(numpy::python_float_repr(0.1) == "0.1");
  CHECK(numpy::python_float_repr(1.0 / 3) == "0.3333333333333333");
  CHECK(numpy::python_float_repr(1e16) == "1e+16");
  CHECK(numpy::python_float_repr(1234567890123456.0) == "1234567890123456.0");
  CHECK(numpy::python_float_repr(1e-5) == "1e-05");
  CHECK(numpy::python_float_repr(0.0001) == "0.0001");
  CHECK(numpy::python_float_repr(1.5e-7) == "1.5e-07");
  CHECK(numpy::python_float_repr(-2.5e22) == "-2.5e+22");
  CHECK(numpy::python_float_repr(-0.0) == "-0.0");
  CHECK(numpy::python_float_repr(5e-324) == "5e-324");
  CHECK(numpy::python_float_repr(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
  CHECK(numpy::python_float_repr(double(0.1f)) == "0.10000000149011612");
  CHECK(numpy::python_float_repr(std::nan("")) == "nan");
  CHECK(numpy::python_float_repr(-std::numeric_limits<double>::infinity()) == "-inf");
}

TEST_CASE("numpy repr of 0-d and empty arrays", "[numpy]") {
  CHECK(numpy::repr(NDArray::scalar(34.0)) == "array(34.0)");
  CHECK(numpy::repr(NDArray::scalar(int64_t(-1))) == "array(-1)");
  CHECK(numpy::repr(NDArray::scalar(0.1f)) == "array(0.10000000149011612, dtype=float32)");
  CHECK(numpy::repr(NDArray::scalar(int32_t(7))) == "array(7, dtype=int32)");
  CHECK(numpy::repr(NDArray::scalar(true)) == "array(True, dtype=bool)");
  CHECK(numpy::repr(NDArray::zeros(DType::Float64, Dims{0})) == "array([], dtype=float64)");
  CHECK(numpy::repr(NDArray::zeros(DType::Float64, Dims{2, 0})) == "array([], shape=(2, 0), dtype=float64)");
  CHECK(numpy::str(NDArray::scalar(int64_t(301))) == "301");
  CHECK(numpy::str(NDArray::scalar(0.0)) == "0.0");
}

TEST_CASE("numpy repr of float arrays: fixed and exponent forms", "[numpy]") {
  CHECK(numpy::repr(numpy::array({{0.5, 0.7310585786300049}, {0.2689414213699951, 0.11920292202211755}})) ==
        "array([[ 0.5       ,  0.73105858],\n       [ 0.26894142,  0.11920292]])");
  CHECK(numpy::repr(numpy::array({{1.0, 0.0}, {-1.0, -2.0}})) == "array([[ 1.,  0.],\n       [-1., -2.]])");
  CHECK(numpy::repr(numpy::array({1e-5, 1.0})) == "array([  1.00000000e-05,   1.00000000e+00])");
  CHECK(numpy::repr(numpy::array({1.0, 2000.0})) == "array([  1.00000000e+00,   2.00000000e+03])");
  CHECK(numpy::repr(numpy::array({1.5, std::nan(""), -std::numeric_limits<double>::infinity()})) == "array([ 1.5,  nan, -inf])");
  CHECK(numpy::repr(numpy::array({0.5}).astype(DType::Float32)) == "array([ 0.5], dtype=float32)");
  CHECK(numpy::str(numpy::array({25.0, 49.0})) == "[ 25.  49.]");
}

TEST_CASE("numpy repr of integer and bool arrays", "[numpy]") {
  CHECK(numpy::repr(numpy::array({1, 20, -3})) == "array([ 1, 20, -3])");
  CHECK(numpy::repr(numpy::array({1, 2}).astype(DType::Int32)) == "array([1, 2], dtype=int32)");
  NDArray b = NDArray::zeros(DType::Bool, Dims{2});
  b.set_item(0, 1);
  CHECK(numpy::repr(b) == "array([ True, False], dtype=bool)");
  CHECK(numpy::str(b) == "[ True False]");
}

TEST_CASE("numpy repr wraps lines at 75 columns under the first element", "[numpy]") {
  CHECK(numpy::repr(arange(30, DType::Float64)) ==
        "array([  0.,   1.,   2.,   3.,   4.,   5.,   6.,   7.,   8.,   9.,  10.,\n"
        "        11.,  12.,  13.,  14.,  15.,  16.,  17.,  18.,  19.,  20.,  21.,\n"
        "        22.,  23.,  24.,  25.,  26.,  27.,  28.,  29.])");
}

TEST_CASE("numpy repr of 3-d arrays separates blocks by a blank line", "[numpy]") {
  CHECK(numpy::repr(NDArray::zeros(DType::Float64, Dims{2, 2, 2})) ==
        "array([[[ 0.,  0.],\n        [ 0.,  0.]],\n\n       [[ 0.,  0.],\n        [ 0.,  0.]]])");
}

TEST_CASE("numpy repr summarizes arrays over 1000 elements", "[numpy]") {
  CHECK(numpy::repr(arange(1001, DType::Float64)) == "array([    0.,     1.,     2., ...,   998.,   999.,  1000.])");
  NDArray m = arange(2000, DType::Int64).reshaped(Dims{2, 1000});
  CHECK(numpy::repr(m) == "array([[   0,    1,    2, ...,  997,  998,  999],\n       [1000, 1001, 1002, ..., 1997, 1998, 1999]])");
}

TEST_CASE("numpy array literals and allclose", "[numpy]") {
  NDArray i = numpy::array({{1, 2}, {3, 4}});
  CHECK(i.dtype() == DType::Int64);
  CHECK(i.shape() == Dims{2, 2});
  CHECK(numpy::array({1.0, 2.5}).dtype() == DType::Float64);
  CHECK_THROWS_WITH(numpy::array({{1, 2}, {3}}), Catch::Contains("ragged"));
  CHECK(numpy::allclose(numpy::array({1.0, 2.0}), numpy::array({1.0, 2.0 + 1e-9})));
  CHECK_FALSE(numpy::allclose(numpy::array({1.0, 2.0}), numpy::array({1.0, 2.1})));
  CHECK(numpy::allclose(numpy::array({{1.0, 1.0}}), NDArray::scalar(1.0)));  // broadcasting
  CHECK_THROWS_WITH(numpy::allclose(numpy::array({1.0, 2.0}), numpy::array({1.0, 2.0, 3.0})), Catch::Contains("broadcast"));
  CHECK_FALSE(numpy::allclose(std::nan(""), std::nan("")));
}
