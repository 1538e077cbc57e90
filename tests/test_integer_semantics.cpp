// Integer arithmetic without undefined behaviour (docs/errors.md, "Integers"): numpy's results for
// overflow, INT_MIN // -1, division by zero, integer powers, integer sums and float -> int casts of
// NaN, infinities and out-of-range values, for every integer dtype. The reference computes exactly
// in __int128 and reduces modulo 2**bits, independently of the kernels' unsigned arithmetic.
#include <cmath>
#include <cstring>
#include <limits>

#include "ops/subtensor.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {

using i128 = __int128;
const DType kInts[] = {DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8};

int bits_of(DType d) { return int(dtype_size(d)) * 8; }

// v modulo 2**bits, as the dtype's value (two's complement for signed dtypes).
int64_t wrap(i128 v, DType d) {
  const int bits = bits_of(d);
  const i128 m = i128(1) << bits;
  i128 r = v % m;
  if (r < 0) r += m;
  if (is_signed(d) && r >= m / 2) r -= m;
  return int64_t(r);
}

std::vector<int64_t> interesting(DType d) {
  if (d == DType::UInt8) return {0, 1, 2, 3, 7, 127, 128, 200, 254, 255};
  const int bits = bits_of(d);
  const int64_t mx = int64_t((i128(1) << (bits - 1)) - 1), mn = -mx - 1;
  return {mn, mn + 1, mn / 2, -7, -2, -1, 0, 1, 2, 7, mx / 2, mx - 1, mx};
}

NDArray ints(DType d, const std::vector<int64_t>& v) {
  NDArray a = NDArray::empty(d, Dims{int64_t(v.size())});
  for (size_t i = 0; i < v.size(); ++i) a.set_int(int64_t(i), v[i]);
  return a;
}

i128 py_floor_div(i128 a, i128 b) {
  if (b == 0) return 0;  // numpy: 0 (and a "divide by zero" warning)
  i128 q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

// a**e modulo 2**64 by squaring in unsigned __int128, as a signed int64.
int64_t pow_mod64(uint64_t a, uint64_t e) {
  unsigned __int128 r = 1, base = a;
  for (; e; e >>= 1, base = (base * base) & ~uint64_t(0))
    if (e & 1) r = (r * base) & ~uint64_t(0);
  return int64_t(uint64_t(r));
}

std::string first_line(const std::string& msg) { return msg.substr(0, msg.find('\n')); }

}  // namespace

TEST_CASE("integers: add sub mul int_div neg abs sqr wrap as numpy's for every dtype", "[integers]") {
  for (DType d : kInts) {
    INFO(dtype_name(d));
    std::vector<int64_t> vals = interesting(d), xs, ys;
    for (int64_t a : vals)
      for (int64_t b : vals) xs.push_back(a), ys.push_back(b);
    Var x = T::vector("x", d), y = T::vector("y", d);
    Function f = theano::function({x, y}, {x + y, x - y, x * y, T::int_div(x, y), -x, T::abs(x), T::sqr(x)});
    Result r = f(ints(d, xs), ints(d, ys));
    for (int k = 0; k < 7; ++k) CHECK(r.array(size_t(k)).dtype() == d);
    for (size_t i = 0; i < xs.size(); ++i) {
      const i128 a = xs[i], b = ys[i];
      INFO(int64_t(a) << " and " << int64_t(b));
      const int64_t j = int64_t(i);
      CHECK(r.array(0).item_int64(j) == wrap(a + b, d));
      CHECK(r.array(1).item_int64(j) == wrap(a - b, d));
      CHECK(r.array(2).item_int64(j) == wrap(a * b, d));
      CHECK(r.array(3).item_int64(j) == wrap(py_floor_div(a, b), d));
      CHECK(r.array(4).item_int64(j) == wrap(-a, d));
      CHECK(r.array(5).item_int64(j) == wrap(a < 0 ? -a : a, d));
      CHECK(r.array(6).item_int64(j) == wrap(a * a, d));
    }
  }
  // The cases reported: INT_MIN // -1 raised SIGFPE (int64 and int32), x // 0.
  constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
  Var a = T::lscalar("a"), b = T::lscalar("b");
  Function div = theano::function({a, b}, T::int_div(a, b));
  CHECK(div(kMin64, -1).integer() == kMin64);
  CHECK(div(7, 0).integer() == 0);
  CHECK(div(-7, 2).integer() == -4);
  Var c = T::iscalar("c"), e = T::iscalar("e");
  Function div32 = theano::function({c, e}, T::int_div(c, e));
  CHECK(div32(std::numeric_limits<int32_t>::min(), -1).integer() == std::numeric_limits<int32_t>::min());
  CHECK(div32(-5, 0).integer() == 0);
  // Constant operands fold at compile time through the same kernels.
  CHECK(theano::function({}, T::int_div(T::constant(NDArray::scalar(kMin64)), -1))().integer() == kMin64);
}

TEST_CASE("integers: pow wraps modulo 2**bits and refuses negative exponents", "[integers]") {
  for (DType d : kInts) {
    INFO(dtype_name(d));
    std::vector<int64_t> bases = interesting(d), exps = {0, 1, 2, 3, 5, 7, 8, 15, 16, 31, 32, 62, 63, 64, 127}, xs, ys;
    for (int64_t a : bases)
      for (int64_t p : exps)
        if (wrap(p, d) == p) xs.push_back(a), ys.push_back(p);
    Var x = T::vector("x", d), y = T::vector("y", d);
    Function f = theano::function({x, y}, T::pow(x, y));
    NDArray got = f(ints(d, xs), ints(d, ys));
    REQUIRE(got.dtype() == d);
    for (size_t i = 0; i < xs.size(); ++i) {
      i128 want = 1;
      for (int64_t k = 0; k < ys[i]; ++k) want = wrap(want * xs[i], d);
      INFO(xs[i] << " ** " << ys[i]);
      CHECK(got.item_int64(int64_t(i)) == want);
    }
  }
  Var n = T::lscalar("n"), p = T::lscalar("p");
  Var pw = T::pow(n, p); const int pw_line = __LINE__;
  SharedVariable count = theano::shared(NDArray::zeros(DType::Int64, {2}), "count");
  Function f = theano::function({n, p}, pw, {.updates = {{count, count + 1}}});
  NDArray before = count.get_value();
  CHECK(f(2, 62).integer() == int64_t(1) << 62);
  CHECK(f(2, 63).integer() == std::numeric_limits<int64_t>::min());
  CHECK(f(2, 64).integer() == 0);
  CHECK(f(3, std::numeric_limits<int64_t>::max()).integer() == pow_mod64(3, std::numeric_limits<int64_t>::max()));
  CHECK(f(-1, std::numeric_limits<int64_t>::max()).integer() == -1);
  before = count.get_value();
  for (int64_t e : {int64_t(-1), int64_t(-2), std::numeric_limits<int64_t>::min()}) {
    for (int64_t base : {int64_t(1), int64_t(2), int64_t(0)}) {
      INFO(base << " ** " << e);
      CHECK(first_line(error_of([&] { f(base, e); })) ==
            "Elemwise{pow,no_inplace}: Integers to negative integer powers are not allowed. (in Elemwise{pow,no_inplace} created at "
            "test_integer_semantics.cpp:" + std::to_string(pw_line) + "; inputs: int64 (), int64 (); function '<unnamed>': no update was applied)");
    }
  }
  NDArray after = count.get_value();
  CHECK(std::memcmp(after.raw(), before.raw(), before.nbytes()) == 0);
  // int8 ** int8, a vector exponent with one negative entry, and a float base (no error: numpy's 2.0 ** -1).
  Var bx = T::bvector("bx"), by = T::bvector("by");
  Function fb = theano::function({bx, by}, T::pow(bx, by));
  CHECK(first_line(error_of([&] { fb(ints(DType::Int8, {2, 2}), ints(DType::Int8, {3, -1})); })).rfind(
            "Elemwise{pow,no_inplace}: Integers to negative integer powers are not allowed.", 0) == 0);
  Var fx = T::dscalar("fx");
  CHECK(double(theano::function({fx, p}, T::pow(fx, p))(2.0, -1)) == 0.5);
}

TEST_CASE("integers: sums wrap in int64 and argmax and max compare exactly", "[integers]") {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  struct C {
    DType dtype;
    std::vector<int64_t> values;
    int64_t sum;
  };
  for (const C& c : std::vector<C>{{DType::Int8, {127, 127, 127}, 381},
                                   {DType::Int8, {-128, -128}, -256},
                                   {DType::UInt8, {255, 255}, 510},
                                   {DType::Int16, {32767, 32767}, 65534},
                                   {DType::Int32, {2147483647, 2147483647}, 4294967294},
                                   {DType::Int64, {kMax, 1}, kMin},
                                   {DType::Int64, {kMin, -1}, kMax},
                                   {DType::Int64, std::vector<int64_t>(17, kMax), wrap(i128(kMax) * 17, DType::Int64)}}) {
    INFO(dtype_name(c.dtype) << " of " << c.values.size());
    Var x = T::vector("x", c.dtype);
    Result r = theano::function({x}, T::sum(x))(ints(c.dtype, c.values));
    CHECK(r.dtype() == DType::Int64);
    CHECK(r.integer() == c.sum);
  }
  // Over an axis of a strided view (the generic loop) and a contiguous block (the lane loop).
  Var m = T::lmatrix("m");
  NDArray big = ints(DType::Int64, {kMax, kMax, 1, 1, kMax, 2}).reshaped({3, 2});
  NDArray s0 = theano::function({m}, T::sum(m, 0))(big), s1 = theano::function({m}, T::sum(m.T(), 1))(big);
  CHECK(s0.item_int64(0) == wrap(i128(kMax) * 2 + 1, DType::Int64));
  CHECK(s0.item_int64(1) == wrap(i128(kMax) + 1 + 2, DType::Int64));
  CHECK(s1.item_int64(1) == s0.item_int64(1));
  // Integer dot products wrap the same way (int32 and int64 products and sums).
  Var a = T::lvector("a"), b = T::lvector("b");
  CHECK(theano::function({a, b}, T::dot(a, b))(ints(DType::Int64, {kMax, 2}), ints(DType::Int64, {2, kMax})).integer() ==
        wrap(i128(kMax) * 4, DType::Int64));
  Var ia = T::imatrix("ia"), ib = T::imatrix("ib");
  NDArray prod = theano::function({ia, ib}, T::dot(ia, ib))(ints(DType::Int32, {65536, 3}).reshaped({1, 2}),
                                                             ints(DType::Int32, {65536, 5}).reshaped({2, 1}));
  CHECK(prod.item_int64(0) == 15);  // 65536 * 65536 wraps to 0 in int32
  // 2**53 + 1 and 2**53 are one double apart from nothing: compared as int64.
  const int64_t p53 = int64_t(1) << 53;
  Var v = T::lvector("v");
  Function am = theano::function({v}, {T::argmax(v), T::max(v)});
  Result r = am(ints(DType::Int64, {p53, p53 + 1, p53}));
  CHECK(r.integer(0) == 1);
  CHECK(r.integer(1) == p53 + 1);
}

TEST_CASE("integers: float to int casts of NaN infinities and out-of-range values are defined", "[integers]") {
  const double nan = std::nan(""), inf = INFINITY;
  constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMin32 = std::numeric_limits<int32_t>::min();
  // numpy on x86-64: int64/int32 get the type's minimum; narrower ints go through int32 and wrap.
  struct C {
    double value;
    int64_t i64, i32, i16, i8, u8, b;
  };
  const std::vector<C> cases = {
      {nan, kMin64, kMin32, 0, 0, 0, 1},
      {inf, kMin64, kMin32, 0, 0, 0, 1},
      {-inf, kMin64, kMin32, 0, 0, 0, 1},
      {1e300, kMin64, kMin32, 0, 0, 0, 1},
      {-1e300, kMin64, kMin32, 0, 0, 0, 1},
      {9.3e18, kMin64, kMin32, 0, 0, 0, 1},
      {9223372036854775808.0, kMin64, kMin32, 0, 0, 0, 1},
      {-9223372036854775808.0, kMin64, kMin32, 0, 0, 0, 1},
      {-9.2e18, -9200000000000000000, kMin32, 0, 0, 0, 1},
      {3e9, 3000000000, kMin32, 0, 0, 0, 1},
      {2147483647.5, 2147483647, 2147483647, -1, -1, 255, 1},
      {40000.0, 40000, 40000, -25536, 64, 64, 1},
      {300.0, 300, 300, 300, 44, 44, 1},
      {200.5, 200, 200, 200, -56, 200, 1},
      {-129.0, -129, -129, -129, 127, 127, 1},
      {-1.0, -1, -1, -1, -1, 255, 1},
      {256.0, 256, 256, 256, 0, 0, 1},
      {-2.7, -2, -2, -2, -2, 254, 1},
      {2.7, 2, 2, 2, 2, 2, 1},
      {-0.0, 0, 0, 0, 0, 0, 0},
      {0.5, 0, 0, 0, 0, 0, 1},
  };
  const DType targets[] = {DType::Int64, DType::Int32, DType::Int16, DType::Int8, DType::UInt8, DType::Bool};
  std::vector<double> values;
  for (const C& c : cases) values.push_back(c.value);
  for (DType from : {DType::Float64, DType::Float32}) {
    NDArray src = arr(from, {int64_t(values.size())}, values);
    Var x = T::vector("x", from);
    for (int t = 0; t < 6; ++t) {
      DType to = targets[t];
      INFO(dtype_name(from) << " -> " << dtype_name(to));
      NDArray via_graph = theano::function({x}, T::cast(x, to))(src);
      NDArray via_astype = src.astype(to), via_numpy = numpy::asarray(src, to);
      NDArray via_constant = theano::function({}, T::cast(T::constant(src), to))();
      for (size_t i = 0; i < cases.size(); ++i) {
        const C& c = cases[i];
        int64_t want = std::array{c.i64, c.i32, c.i16, c.i8, c.u8, c.b}[size_t(t)];
        // float32 rounds some sources first: 2147483647.5 and 3e9 are 2**31 and 3000000000 there.
        if (from == DType::Float32) want = NDArray::scalar(double(float(c.value))).astype(to).item_int64();
        INFO(c.value);
        const int64_t j = int64_t(i);
        CHECK(via_graph.item_int64(j) == want);
        CHECK(via_astype.item_int64(j) == want);
        CHECK(via_numpy.item_int64(j) == want);
        CHECK(via_constant.item_int64(j) == want);
      }
    }
  }
  // set_item takes the same path.
  NDArray a = NDArray::empty(DType::Int64, {1});
  a.set_item(0, nan);
  CHECK(a.item_int64() == kMin64);
}

TEST_CASE("integers: increments of integer subtensors wrap and stay exact beyond 2**53", "[integers]") {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t p53 = int64_t(1) << 53;
  // Not in the tensor API (Theano's inc_subtensor): reached through gradients, built here directly.
  Var v = T::lvector("v"), idx = T::lvector("idx"), inc = T::lvector("inc");
  Function adv = theano::function({v, idx, inc}, ops::advanced_inc_subtensor(v, inc, {idx}));
  NDArray r = adv(ints(DType::Int64, {p53, kMax, 0}), ints(DType::Int64, {0, 1, 0}), ints(DType::Int64, {1, 1, 2}));
  CHECK(r.item_int64(0) == p53 + 3);
  CHECK(r.item_int64(1) == std::numeric_limits<int64_t>::min());
  ops::IndexEntry upto{.is_slice = true, .has_stop = true};
  Function basic = theano::function({v, inc}, ops::inc_subtensor(v, inc, {upto}, {T::int_scalar(2)}));
  NDArray b = basic(ints(DType::Int64, {p53, kMax, 0}), ints(DType::Int64, {1, 1}));
  CHECK(b.item_int64(0) == p53 + 1);
  CHECK(b.item_int64(1) == std::numeric_limits<int64_t>::min());
}
