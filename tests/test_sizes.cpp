// Size arithmetic that would overflow int64 (docs/errors.md, "Sizes"): shape products, byte counts,
// arange and slice lengths, reshape targets, conv output sizes and allocations the system refuses.
// Each case asserts the first line of the error (never a wrapped number) and, for compiled
// functions, that a call that throws changes no shared variable.
#include <cstring>
#include <fmt/format.h>
#include <functional>
#include <limits>

#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

// The sanitizer build would abort on an allocation it cannot serve; the library expects what the
// normal allocator does (a null pointer, which it turns into a SizeError).
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }
#endif

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

std::string first_line(const std::string& msg) { return msg.substr(0, msg.find('\n')); }
std::string at(int line) { return "test_sizes.cpp:" + std::to_string(line); }
std::string in_call(const std::string& op, int line, const std::string& inputs) {
  return fmt::format(" (in {} created at {}; inputs: {}; function '<unnamed>': no update was applied)", op, at(line), inputs);
}

struct Case {
  std::string name;
  std::function<void()> what;
  std::string want;  // the first line
};

void run_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(first_line(error_of(c.what)) == c.want);
  }
}

bool same_bytes(const NDArray& a, const NDArray& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

const std::string kARange = "ARange{dtype='int64'}";

}  // namespace

TEST_CASE("sizes: arrays whose element or byte count overflows int64 are refused", "[sizes]") {
  const int64_t two32 = int64_t(1) << 32;
  run_cases({
      {"numpy zeros 2**32 x 2**32", [&] { numpy::zeros({two32, two32}); },
       "array is too big: shape (4294967296, 4294967296) has more than 2**63 - 1 elements"},
      {"numpy zeros with a zero dim", [&] { numpy::zeros({0, two32, two32}); },
       "array is too big: shape (0, 4294967296, 4294967296) has more than 2**63 - 1 elements"},
      {"empty float64 2**61 elements", [&] { NDArray::empty(DType::Float64, {int64_t(1) << 61}); },
       "array is too big: shape (2305843009213693952,) of float64 needs more than 2**63 - 1 bytes"},
      {"zeros int32 2**62", [&] { NDArray::zeros(DType::Int32, {int64_t(1) << 31, int64_t(1) << 31}); },
       "array is too big: shape (2147483648, 2147483648) of int32 needs more than 2**63 - 1 bytes"},
      {"empty of 8 dims", [&] { NDArray::empty(DType::Int8, {256, 256, 256, 256, 256, 256, 256, 256}); },
       "array is too big: shape (256, 256, 256, 256, 256, 256, 256, 256) has more than 2**63 - 1 elements"},
      {"ensure", [&] { NDArray a; a.ensure(DType::Float32, {kMax, 2}); },
       "array is too big: shape (9223372036854775807, 2) has more than 2**63 - 1 elements"},
      {"random rand", [&] { numpy::RandomState rng(1); rng.rand({two32, two32}); },
       "array is too big: shape (4294967296, 4294967296) has more than 2**63 - 1 elements"},
      {"reshaped view", [&] { NDArray::zeros(DType::Float64, {0}).reshaped({two32, two32}); },
       "array is too big: shape (4294967296, 4294967296) has more than 2**63 - 1 elements"},
      {"numpy prod of a shape", [&] { numpy::prod(Dims{two32, two32}); },
       "array is too big: shape (4294967296, 4294967296) has more than 2**63 - 1 elements"},
      {"numpy prod of values", [&] { numpy::prod({two32, two32, 3}); },
       "prod: the product of (4294967296, 4294967296, 3) does not fit in int64"},
      // Within int64 but more than any machine has: the allocation's size and what it was for.
      {"empty float64 2**57 elements", [&] { NDArray::empty(DType::Float64, {int64_t(1) << 57}); },
       "cannot allocate 1152921504606846976 bytes for an array of shape (144115188075855872,) and dtype float64: out of memory"},
      {"zeros uint8 2**62", [&] { NDArray::zeros(DType::UInt8, {int64_t(1) << 31, int64_t(1) << 31}); },
       "cannot allocate 4611686018427387904 bytes for an array of shape (2147483648, 2147483648) and dtype uint8: out of memory"},
  });
  // What still works: an empty array whose other dims fit, the largest counts, products with a zero.
  CHECK(NDArray::zeros(DType::Float64, {0, two32}).size() == 0);
  CHECK(numpy::prod({0, two32, two32}) == 0);
  CHECK(numpy::prod({two32, two32 / 2 - 1}) == two32 * (two32 / 2 - 1));
  CHECK(NDArray::zeros(DType::Int8, {0, kMax}).size() == 0);
}

TEST_CASE("sizes: arange lengths are exact and never wrap", "[sizes]") {
  Var n = T::lscalar("n");
  Var total = T::sum(T::arange(n)); const int sum_line = __LINE__;
  // A shared counter updated by every call: a call that throws must leave it byte-identical.
  SharedVariable calls = theano::shared(NDArray::zeros(DType::Int64, Dims{}), "calls");
  Function f = theano::function({n}, total, {.updates = {{calls, calls + 1}}});
  NDArray before = calls.get_value();
  const std::string inputs = "int64 (), int64 (), int64 ()";
  run_cases({
      {"n = 2**61 (the reported crash)", [&] { f(int64_t(1) << 61); },
       kARange + ": array is too big: shape (2305843009213693952,) of int64 needs more than 2**63 - 1 bytes" +
           in_call(kARange, sum_line, inputs)},
      {"n = 2**62", [&] { f(int64_t(1) << 62); },
       kARange + ": array is too big: shape (4611686018427387904,) of int64 needs more than 2**63 - 1 bytes" +
           in_call(kARange, sum_line, inputs)},
      {"n = 2**63 - 1", [&] { f(kMax); },
       kARange + ": array is too big: shape (9223372036854775807,) of int64 needs more than 2**63 - 1 bytes" +
           in_call(kARange, sum_line, inputs)},
      {"n = 2**57", [&] { f(int64_t(1) << 57); },
       kARange + ": cannot allocate 1152921504606846976 bytes for an array of shape (144115188075855872,) and dtype int64: out of memory" +
           in_call(kARange, sum_line, inputs)},
  });
  CHECK(same_bytes(calls.get_value(), before));
  CHECK(f(5).integer() == 10);
  CHECK(calls.get_value().item_int64() == 1);

  // Bounds that span more than int64 can count, built from constants (build time) or symbols (call time).
  Var a = T::lscalar("a"), b = T::lscalar("b"), s = T::lscalar("s");
  Var r = T::arange(a, b, s); const int r_line = __LINE__;
  Function g = theano::function({a, b, s}, r);
  const int build_line = __LINE__ + 1;
  std::string at_build = error_of([&] { T::arange(kMin, kMax); });
  CHECK(first_line(at_build) == kARange + ": range(-9223372036854775808, 9223372036854775807, 1) has 18446744073709551615 elements, more "
                                          "than 2**63 - 1 (inputs: int64 (), int64 (), int64 ()) at " + at(build_line));
  run_cases({
      {"range(2**63 - 1, -2**63, -1) at call time", [&] { g(kMax, kMin, -1); },
       kARange + ": range(9223372036854775807, -9223372036854775808, -1) has 18446744073709551615 elements, more than 2**63 - 1" +
           in_call(kARange, r_line, inputs)},
      {"step 0", [&] { g(0, 5, 0); }, "arange: step cannot be zero" + in_call(kARange, r_line, inputs)},
  });
  // Lengths and values exact where the old (stop - start + step - 1) / step overflowed.
  struct Good {
    int64_t start, stop, step;
    std::vector<int64_t> want;
  };
  for (const Good& c : std::vector<Good>{{kMin, kMax, int64_t(1) << 62, {kMin, -(int64_t(1) << 62), 0, int64_t(1) << 62}},
                                         {0, kMax, kMax, {0}},
                                         {kMax, kMin, kMin, {kMax, -1}},
                                         {kMax - 2, kMax, 1, {kMax - 2, kMax - 1}},
                                         {kMin, kMin + 3, 2, {kMin, kMin + 2}},
                                         {5, -5, -4, {5, 1, -3}},
                                         {0, 0, 1, {}}}) {
    INFO("arange(" << c.start << ", " << c.stop << ", " << c.step << ")");
    NDArray got = g(c.start, c.stop, c.step);
    REQUIRE(got.size() == int64_t(c.want.size()));
    for (size_t i = 0; i < c.want.size(); ++i) CHECK(got.item_int64(int64_t(i)) == c.want[i]);
    NDArray folded = theano::function({}, T::arange(c.start, c.stop, c.step))();
    CHECK(folded.size() == int64_t(c.want.size()));
  }
}

TEST_CASE("sizes: reshape targets whose element count wraps are refused", "[sizes]") {
  const int64_t two32 = int64_t(1) << 32;
  Var x = T::dvector("x"), n = T::lscalar("n"), m = T::lscalar("m");
  Var y = x.reshape({n, m}); const int y_line = __LINE__;
  Var z = x.reshape({n, -1});
  SharedVariable w = theano::shared(numpy::zeros({3}), "w");
  Function f = theano::function({x, n, m}, y, {.updates = {{w, w + 1.0}}});
  Function g = theano::function({x, n}, z, {.updates = {{w, w + 1.0}}});
  NDArray before = w.get_value();
  NDArray empty = numpy::zeros({0}), six = numpy::zeros({6});
  const std::string inputs = "float64 (0,), int64 (2,)";
  run_cases({
      {"(0,) into 2**32 x 2**32 (counted 0 before)", [&] { f(empty, two32, two32); },
       "Reshape{2}: cannot reshape array of shape (0,) into shape (4294967296, 4294967296): the target has more than 2**63 - 1 elements" +
           in_call("Reshape{2}", y_line, inputs)},
      {"(0,) into 2**62 x 4", [&] { f(empty, int64_t(1) << 62, 4); },
       "Reshape{2}: cannot reshape array of shape (0,) into shape (4611686018427387904, 4): the target has more than 2**63 - 1 elements" +
           in_call("Reshape{2}", y_line, inputs)},
      {"(6,) into -2**63 x -1", [&] { f(six, kMin, -1); },
       "Reshape{2}: invalid target shape entry -9223372036854775808" + in_call("Reshape{2}", y_line, "float64 (6,), int64 (2,)")},
  });
  const int line2 = __LINE__ + 1;
  std::string e2 = error_of([&] { x.reshape({two32, two32}); });
  CHECK(first_line(e2) == "Reshape{2}: cannot reshape into shape (4294967296, 4294967296): it has more than 2**63 - 1 elements (inputs: "
                          "float64 (?,), int64 (2,)) at " + at(line2));
  const int line3 = __LINE__ + 1;
  std::string e3 = error_of([&] { x.reshape({two32, -1, two32}); });
  CHECK(first_line(e3) == "Reshape{3}: cannot reshape into shape (4294967296, ?, 4294967296): it has more than 2**63 - 1 elements (inputs: "
                          "float64 (?,), int64 (3,)) at " + at(line3));
  CHECK(same_bytes(w.get_value(), before));
  CHECK(NDArray(f(six, 2, 3)).shape() == Dims{2, 3});
  CHECK(NDArray(g(empty, two32)).shape() == Dims{two32, 0});
  // A view is an array too: its non-zero dims times the item size must fit (numpy's rule).
  CHECK(first_line(error_of([&] { f(empty, 0, kMax); })) ==
        "Reshape{2}: array is too big: shape (0, 9223372036854775807) of float64 needs more than 2**63 - 1 bytes" +
            in_call("Reshape{2}", y_line, inputs));
  Var bx = T::bvector("bx");
  CHECK(NDArray(theano::function({bx, n, m}, bx.reshape({n, m}))(NDArray::zeros(DType::Int8, {0}), 0, kMax)).shape() == Dims{0, kMax});
}

TEST_CASE("sizes: slice lengths are exact for every step and bound", "[sizes]") {
  Var v = T::dvector("v");
  Var a = T::lscalar("a"), b = T::lscalar("b"), s = T::lscalar("s");
  Function sl = theano::function({v, a, b, s}, v[T::slice(a, b, s)]);
  NDArray data = f64({5}, {0, 1, 2, 3, 4});
  // Python: list(range(5))[a:b:s].
  struct C {
    std::optional<int64_t> start, stop, step;
    std::vector<double> want;
  };
  for (const C& c : std::vector<C>{{std::nullopt, std::nullopt, kMax, {0}},
                                   {std::nullopt, std::nullopt, kMin, {4}},
                                   {std::nullopt, std::nullopt, -kMax, {4}},
                                   {kMin, kMax, 1, {0, 1, 2, 3, 4}},
                                   {kMax, kMin, -1, {4, 3, 2, 1, 0}},
                                   {kMax, kMin, -2, {4, 2, 0}},
                                   {1, kMax, kMax - 1, {1}},
                                   {kMin, kMax, 3, {0, 3}},
                                   {-1, kMin, kMin, {4}},
                                   {kMin, kMin, 1, {}}}) {
    auto show = [](std::optional<int64_t> p) { return p ? std::to_string(*p) : std::string(); };
    INFO("v[" << show(c.start) << ":" << show(c.stop) << ":" << show(c.step) << "]");
    int64_t st = c.step.value_or(1);
    NDArray got = sl(data, c.start.value_or(st < 0 ? kMax : 0), c.stop.value_or(st < 0 ? kMin : kMax), st);
    check_close(got, c.want);
    // The same with constant bounds: the static shape and the shape rule agree with the kernel.
    Var cv = v[T::slice(c.start ? std::optional<IntOrVar>(*c.start) : std::nullopt,
                        c.stop ? std::optional<IntOrVar>(*c.stop) : std::nullopt, IntOrVar(st))];
    Function k = theano::function({v}, {cv, T::shape(cv)});
    Result r = k(data);
    check_close(r.array(0), c.want);
    CHECK(r.array(1).item_int64(0) == int64_t(c.want.size()));
    SharedVariable sv = theano::shared(data, "sv");
    Var cs = sv[T::slice(c.start ? std::optional<IntOrVar>(*c.start) : std::nullopt,
                         c.stop ? std::optional<IntOrVar>(*c.stop) : std::nullopt, IntOrVar(st))];
    CHECK(cs.type().shape[0] == int64_t(c.want.size()));
  }
}

TEST_CASE("sizes: conv2d output sizes that do not fit are refused", "[sizes]") {
  Var x = T::dtensor4("x"), w = T::dtensor4("w");
  NDArray one = numpy::zeros({1, 1, 1, 1});
  Var big = T::nnet::conv2d(x, w, {.border_mode = std::pair<int, int>{1 << 30, 1 << 30}}); const int big_line = __LINE__;
  Var huge = T::nnet::conv2d(x, w, {.border_mode = std::pair<int, int>{1 << 28, 1 << 28}}); const int huge_line = __LINE__;
  Function f = theano::function({x, w}, big), g = theano::function({x, w}, huge);
  const std::string op = "AbstractConv2d{border_mode=(1073741824, 1073741824), subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)}";
  const std::string op28 = "AbstractConv2d{border_mode=(268435456, 268435456), subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)}";
  const std::string inputs = "float64 (1, 1, 1, 1), float64 (1, 1, 1, 1)";
  run_cases({
      {"padding 2**30: the output's bytes overflow", [&] { f(one, one); },
       op + ": array is too big: shape (1, 1, 2147483649, 2147483649) of float64 needs more than 2**63 - 1 bytes" +
           in_call(op, big_line, inputs)},
      {"padding 2**28: the output cannot be allocated", [&] { g(one, one); },
       op28 + ": cannot allocate 2305843017803628552 bytes for an array of shape (1, 1, 536870913, 536870913) and dtype float64: out of "
              "memory" + in_call(op28, huge_line, inputs)},
  });
}

TEST_CASE("sizes: broadcasting two empty arrays into a shape too large is refused", "[sizes]") {
  const int64_t two40 = int64_t(1) << 40;
  // Broadcastable where the arrays have size 1 (a size 1 elsewhere would be a dimension mis-match).
  Var x = T::tensor(DType::Float64, {false, false, true}, "x"), y = T::tensor(DType::Float64, {false, true, false}, "y");
  Var sum = x + y; const int sum_line = __LINE__;
  Function f = theano::function({x, y}, sum);
  NDArray a = numpy::zeros({0, two40, 1}), b = numpy::zeros({0, 1, two40});  // each is fine: 0 bytes
  CHECK(first_line(error_of([&] { f(a, b); })) ==
        "Elemwise{add,no_inplace}: array is too big: shape (0, 1099511627776, 1099511627776) has more than 2**63 - 1 elements" +
            in_call("Elemwise{add,no_inplace}", sum_line, "float64 (0, 1099511627776, 1), float64 (0, 1, 1099511627776)"));
  CHECK(NDArray(f(a, numpy::zeros({0, 1, 1}))).shape() == Dims{0, two40, 1});
}
