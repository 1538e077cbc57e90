// Integers stay integers end to end (docs/errors.md, "Integers"): C++ integer arguments are bound to
// the input's dtype exactly and range-checked, 0-d integer outputs come back exactly, and reading
// one as a double is allowed only when the double is exact. A call whose argument is refused
// applies no update.
#include <cstring>
#include <fmt/format.h>
#include <functional>
#include <limits>

#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
const int64_t p53 = int64_t(1) << 53;

std::string first_line(const std::string& msg) { return msg.substr(0, msg.find('\n')); }

std::string bad_arg(const std::string& name, const std::string& what) {
  return "Bad input argument to theano function with name \"<unnamed>\" at index 0 (0-based) (" + name + "). " + what;
}

}  // namespace

TEST_CASE("int results: int64 outputs keep every bit", "[int_results]") {
  Var n = T::lscalar("n");
  Function dec = theano::function({n}, n - 1), inc = theano::function({n}, n + 1);
  // The reported cases: f(INT64_MAX) for n - 1 gave INT64_MIN; 2**53 + 1 came back as 2**53.
  CHECK(dec(kMax).integer() == kMax - 1);
  CHECK(inc(p53).integer() == p53 + 1);
  CHECK(dec(kMin + 1).integer() == kMin);
  CHECK(inc(kMax).integer() == kMin);  // int64 arithmetic wraps, as numpy's
  struct C {
    int64_t arg, want;
  };
  for (const C& c : std::vector<C>{{kMax, kMax - 1}, {kMin + 1, kMin}, {p53 + 2, p53 + 1}, {-p53, -p53 - 1}, {0, -1}, {3, 2}}) {
    INFO(c.arg);
    Result r = dec(c.arg);
    CHECK(r.dtype() == DType::Int64);
    CHECK(r.integer() == c.want);
    CHECK(r.array().item_int64() == c.want);
  }
  // Several 0-d outputs (kept by value) and a mix with an array (kept as arrays).
  Var v = T::lvector("v");
  Result two = theano::function({n}, {n + 1, n * 2})(p53);
  CHECK(two.integer(0) == p53 + 1);
  CHECK(two.integer(1) == 2 * p53);
  CHECK(two.scalar(1) == 2.0 * double(p53));
  Result mixed = theano::function({n, v}, {n + 1, v})(p53, NDArray::zeros(DType::Int64, {2}));
  CHECK(mixed.integer(0) == p53 + 1);
  // Other integer dtypes and bool come back exactly too.
  Var b = T::bscalar("b"), i = T::iscalar("i");
  CHECK(theano::function({b}, b + b)(100).integer() == -56);
  CHECK(theano::function({i}, i * 2)(std::numeric_limits<int32_t>::max()).integer() == -2);
  CHECK(theano::function({n}, T::lt(n, p53 + 1))(p53).integer() == 1);
  CHECK(theano::function({n}, T::cast(n, "uint8"))(-1).integer() == 255);
}

TEST_CASE("int results: reading an integer output as a double must be exact", "[int_results]") {
  Var n = T::lscalar("n"), x = T::dscalar("x"), v = T::lvector("v");
  Function inc = theano::function({n}, n + 1);
  CHECK(double(inc(p53 - 1)) == double(p53));  // exact: allowed
  CHECK(double(inc(-p53 - 1)) == -double(p53));
  CHECK(inc((int64_t(1) << 60) - 1).scalar() == double(int64_t(1) << 60));  // a power of two is exact at any size
  Function half = theano::function({x}, x * 0.5);
  Function both = theano::function({n, x}, {n + 1, x * 0.5});
  Function mixed = theano::function({n, v}, {n + 1, v});
  struct C {
    std::string name;
    std::function<void()> what;
    std::string want;
  };
  const std::vector<C> cases = {
      {"2**53 + 1 as a double", [&] { (void)double(inc(p53)); },
       "output 0 (int64) holds 9007199254740993, which a double cannot represent exactly; read it with result.integer(0)"},
      {"2**63 - 1 as a double", [&] { (void)inc(kMax - 1).scalar(); },
       "output 0 (int64) holds 9223372036854775807, which a double cannot represent exactly; read it with result.integer(0)"},
      {"-2**53 - 1 of two outputs", [&] { (void)both(-p53 - 2, 1.0).scalar(0); },
       "output 0 (int64) holds -9007199254740993, which a double cannot represent exactly; read it with result.integer(0)"},
      {"mixed with an array", [&] { (void)mixed(p53, NDArray::zeros(DType::Int64, {1})).scalar(0); },
       "output 0 (int64) holds 9007199254740993, which a double cannot represent exactly; read it with result.integer(0)"},
      {"a fraction as an integer", [&] { (void)half(5.0).integer(); },
       "output 0 (float64) holds 2.5, which is not an integer; read it with result.scalar(0)"},
      {"1e300 as an integer", [&] { (void)half(2e300).integer(); },
       "output 0 (float64) holds 1e+300, which is out of range for int64; read it with result.scalar(0)"},
      {"2**63 as an integer", [&] { (void)half(18446744073709551616.0).integer(); },
       "output 0 (float64) holds 9.223372036854776e+18, which is out of range for int64; read it with result.scalar(0)"},
      {"NaN as an integer", [&] { (void)half(std::nan("")).integer(); },
       "output 0 (float64) holds nan, which is out of range for int64; read it with result.scalar(0)"},
      {"the second of two outputs", [&] { (void)both(1, 3.0).integer(1); },
       "output 1 (float64) holds 1.5, which is not an integer; read it with result.scalar(1)"},
      {"an array output as a number", [&] { (void)mixed(1, NDArray::zeros(DType::Int64, {1})).integer(1); },
       "output 1 has shape (1,); use result.array(1)"},
  };
  for (const C& c : cases) {
    INFO(c.name);
    CHECK(first_line(error_of(c.what)) == c.want);
  }
  CHECK(half(6.0).integer() == 3);
  CHECK(half(-18446744073709551616.0).integer() == kMin);
}

TEST_CASE("int results: integer arguments bind exactly and are range-checked", "[int_results]") {
  struct C {
    DType dtype;
    Arg arg;
    std::string value, why;  // why empty: accepted, and read back as `value`
  };
  const uint64_t u64max = std::numeric_limits<uint64_t>::max();
  const std::vector<C> cases = {
      {DType::Int8, 127, "127", ""},
      {DType::Int8, -128, "-128", ""},
      {DType::Int8, 300, "300", "out of range for int8"},
      {DType::Int8, -129, "-129", "out of range for int8"},
      {DType::Int16, 32768, "32768", "out of range for int16"},
      {DType::Int32, int64_t(1) << 31, "2147483648", "out of range for int32"},
      {DType::Int32, -(int64_t(1) << 31), "-2147483648", ""},
      {DType::Int64, kMax, "9223372036854775807", ""},
      {DType::Int64, kMin, "-9223372036854775808", ""},
      {DType::Int64, uint64_t(kMax) + 1, "9223372036854775808", "out of range for int64"},
      {DType::Int64, u64max, "18446744073709551615", "out of range for int64"},
      {DType::Int64, size_t(42), "42", ""},
      {DType::UInt8, 255, "255", ""},
      {DType::UInt8, -1, "-1", "out of range for uint8"},
      {DType::UInt8, 256u, "256", "out of range for uint8"},
      {DType::Bool, 1, "1", ""},
      {DType::Bool, 2, "2", "out of range for bool"},
      {DType::Float64, p53, "9007199254740992", ""},
      {DType::Float64, p53 + 1, "9007199254740993", "not exactly representable in float64"},
      {DType::Float64, kMax, "9223372036854775807", "not exactly representable in float64"},
      {DType::Float64, kMin, "-9223372036854775808", ""},
      {DType::Float64, uint64_t(1) << 63, "9223372036854775808", ""},
      {DType::Float64, u64max, "18446744073709551615", "not exactly representable in float64"},
      {DType::Float32, 16777216, "16777216", ""},
      {DType::Float32, 16777217, "16777217", "not exactly representable in float32"},
      // Floats: integral and in range for an integer input (2**63 itself is not).
      {DType::Int64, 2.5, "2.5", "a float for int64"},
      {DType::Int64, 9223372036854775808.0, "9.223372036854776e+18", "out of range for int64"},
      {DType::Int64, -9223372036854775808.0, "-9223372036854775808", ""},
      {DType::Int64, 1e300, "1e+300", "out of range for int64"},
      {DType::Int64, std::nan(""), "nan", "a float for int64"},
      {DType::Int8, 300.0, "300", "out of range for int8"},
      {DType::Int8, -128.0, "-128", ""},
      {DType::UInt8, -1.0, "-1", "out of range for uint8"},
  };
  for (const C& c : cases) {
    Var s = T::scalar("s", c.dtype);
    // Every call also updates a shared counter: a refused argument must leave it byte-identical.
    SharedVariable calls = theano::shared(NDArray::zeros(DType::Int64, {3}), "calls");
    Function f = theano::function({s}, s, {.updates = {{calls, calls + 1}}});
    NDArray before = calls.get_value();
    INFO(dtype_name(c.dtype) << " given " << c.value);
    std::string got = first_line(error_of([&] { f.call(std::span<const Arg>(&c.arg, 1)); }));
    if (c.why.empty()) {
      CHECK(got == "<no exception>");
      NDArray back = f.call(std::span<const Arg>(&c.arg, 1)).array();
      CHECK(fmt::format("{}", is_float(c.dtype) ? fmt::format("{:.0f}", back.item()) : std::to_string(back.item_int64())) == c.value);
      continue;
    }
    std::string type = fmt::format("TensorType({}, scalar)", dtype_name(c.dtype));
    std::string advice = c.why.starts_with("out of range") ? "" : " If you do not mind this loss, compile with allow_input_downcast = true.";
    CHECK(got == bad_arg("s", type + " cannot store the value " + c.value + " without loss: it is " + c.why + "." + advice));
    NDArray after = calls.get_value();
    CHECK(std::memcmp(after.raw(), before.raw(), before.nbytes()) == 0);
  }
}

TEST_CASE("int results: integer literals are exact constants", "[int_results]") {
  Var n = T::lscalar("n");
  CHECK(theano::function({n}, n - kMax)(kMax).integer() == 0);
  CHECK(theano::function({n}, n + kMin)(-1).integer() == kMax);  // wraps
  CHECK(theano::function({n}, n * (p53 + 1))(1).integer() == p53 + 1);
  CHECK(theano::function({}, T::sum(T::arange(kMax - 1, kMax)))().integer() == kMax - 1);
  // Printed exactly too.
  CHECK(printing::debugprint_str(n - kMax).find("TensorConstant{9223372036854775807}") != std::string::npos);
  CHECK(printing::debugprint_str(n + (p53 + 1)).find("TensorConstant{9007199254740993}") != std::string::npos);
  Var x = T::dvector("x");
  NDArray data = f64({4}, {0, 1, 2, 3});
  check_close(theano::function({x}, x[T::slice(1, kMax)])(data), {1, 2, 3});
  check_close(theano::function({x}, x[T::slice(kMin, -2)])(data), {0, 1});
}
