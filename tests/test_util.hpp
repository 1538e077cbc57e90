// Small helpers shared by the test files: building arrays from values, random arrays, running a
// graph once, and element-wise comparison with readable failure messages.
#pragma once
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "theano/theano.hpp"

namespace test_util {

using theano::Dims;
using theano::DType;
using theano::NDArray;
using theano::Var;

// An array of `dtype` and `shape` holding `values` (converted as a C cast), C order.
inline NDArray arr(DType dtype, const Dims& shape, const std::vector<double>& values) {
  NDArray a = NDArray::empty(dtype, shape);
  REQUIRE(int64_t(values.size()) == a.size());
  for (int64_t i = 0; i < a.size(); ++i) a.set_item(i, values[size_t(i)]);
  return a;
}
inline NDArray f64(const Dims& shape, const std::vector<double>& v) { return arr(DType::Float64, shape, v); }
inline NDArray i64(const Dims& shape, const std::vector<double>& v) { return arr(DType::Int64, shape, v); }

// Uniform values in [lo, hi) (floats) or integers in [lo, hi) (integer dtypes), or random bools.
inline NDArray random(theano::numpy::RandomState& rng, DType dtype, const Dims& shape, double lo, double hi) {
  NDArray a = NDArray::empty(dtype, shape);
  for (int64_t i = 0; i < a.size(); ++i) {
    if (dtype == DType::Bool) a.set_item(i, double(rng.randint(2)));
    else if (theano::is_float(dtype)) a.set_item(i, rng.uniform(lo, hi));
    else a.set_item(i, double(rng.randint(int64_t(lo), int64_t(hi))));
  }
  return a;
}

inline std::vector<double> values(const NDArray& a) {
  std::vector<double> v;
  for (int64_t i = 0; i < a.size(); ++i) v.push_back(a.item(i));
  return v;
}

// THEANO_FLAGS for a child process: the flags this one runs under (the suite's verify=True, say),
// then `extra`, whose entries win over earlier ones of the same name.
inline std::string flags_with(const std::string& extra) {
  const char* env = std::getenv("THEANO_FLAGS");
  return env && *env ? std::string(env) + "," + extra : extra;
}

// Runs a shell command and returns what it wrote to stdout.
inline std::string run_command(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe.get())) out.append(buf, n);
  return out;
}

// Compiles inputs -> out and calls it once.
inline NDArray run(const std::vector<Var>& inputs, const Var& out, const std::vector<NDArray>& args) {
  theano::Function f = theano::function(inputs, out);
  std::vector<theano::Arg> a(args.begin(), args.end());
  return f.call(a).array(0);
}

// |got - want| <= atol + rtol * |want| everywhere (NaNs must match); reports the first mismatch.
inline void check_close(const NDArray& got, const std::vector<double>& want, double rtol = 0, double atol = 0) {
  REQUIRE(got.size() == int64_t(want.size()));
  for (int64_t i = 0; i < got.size(); ++i) {
    double g = got.item(i), w = want[size_t(i)];
    bool ok = (std::isnan(g) && std::isnan(w)) || g == w || std::abs(g - w) <= atol + rtol * std::abs(w);
    if (!ok) {
      INFO("element " << i << " of shape " << got.shape().str() << ": got " << g << ", want " << w);
      CHECK(ok);
      return;
    }
  }
}
inline void check_close(const NDArray& got, const NDArray& want, double rtol = 0, double atol = 0) {
  REQUIRE(got.shape() == want.shape());
  check_close(got, values(want), rtol, atol);
}

// The message of the exception `what` throws, or "<no exception>".
template <class F>
std::string error_of(F&& what) {
  try {
    what();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no exception>";
}

}  // namespace test_util
