// theano::numpy against numpy itself. Values marked "numpy 1.24" were printed by numpy 1.24.2
// (Debian bookworm python3-numpy) by hand; the rest are the reference values of
// notes/theano_semantics.md (j). Doubles are compared with == on purpose: the point is bit-identity.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "theano/numpy.hpp"

using namespace theano;
namespace np = theano::numpy;

TEST_CASE("RandomState(1).rand matches numpy", "[numpy]") {
  np::RandomState r(1);
  const double want[] = {0.417022004702574, 0.7203244934421581, 1.1437481734488664e-04, 0.30233257263183977,
                         0.14675589081711304};
  for (double w : want) CHECK(r.rand() == w);
}

TEST_CASE("RandomState raw MT19937 stream", "[numpy]") {
  np::RandomState r(5489);
  uint32_t v = 0;
  for (int i = 0; i < 10000; ++i) v = r.next_uint32();
  CHECK(v == 4123659995u);  // the std::mt19937 conformance value

  np::RandomState s(1234);
  CHECK(s.next_uint32() == 822569775u);
  CHECK(s.next_uint32() == 2137449171u);
  CHECK(s.next_uint32() == 2671936806u);
  s.seed(1234);
  CHECK(s.next_uint32() == 822569775u);
}

TEST_CASE("RandomState rejects seeds outside 0 to 2**32-1", "[numpy]") {
  CHECK_THROWS_AS(np::RandomState(-1), std::invalid_argument);
  CHECK_THROWS_AS(np::RandomState(int64_t(1) << 32), std::invalid_argument);
  np::RandomState r(0xFFFFFFFF);
  CHECK(r.rand() == 0.0976320289940138);  // numpy 1.24
}

TEST_CASE("MLP W1 initialisation draws", "[numpy]") {
  const double b = std::sqrt(6.0 / 1284);
  CHECK(b == 0.06835859270246632);
  np::RandomState r(1234);
  NDArray W = r.uniform(-b, b, Dims{784, 500});
  REQUIRE(W.dtype() == DType::Float64);
  REQUIRE(W.shape() == Dims({784, 500}));
  const double* w = W.data<double>();
  CHECK(w[0] == -0.0421745924963645);
  CHECK(w[1] == 0.016694367489821157);
  CHECK(w[2] == -0.008513688251748683);
  CHECK(w[3] == 0.03901342239648438);
  CHECK(w[783 * 500 + 499] == -0.03103988418629878);

  NDArray W32 = np::asarray(W, DType::Float32);
  REQUIRE(W32.dtype() == DType::Float32);
  const float* f = W32.data<float>();
  CHECK(double(f[0]) == -0.04217459261417389);
  CHECK(double(f[1]) == 0.016694366931915283);
  CHECK(double(f[2]) == -0.00851368810981512);  // numpy 1.24
  CHECK(double(f[3]) == 0.03901342302560806);   // numpy 1.24
  CHECK(double(f[783 * 500 + 499]) == -0.031039884313941002);  // numpy 1.24
}

TEST_CASE("LeNet initialisation sequence from RandomState(23455)", "[numpy]") {
  np::RandomState r(23455);
  NDArray W0 = r.uniform(-0.2, 0.2, Dims{20, 1, 5, 5});
  CHECK(W0.data<double>()[0] == 0.13397727406718468);
  CHECK(W0.data<double>()[1] == -0.154068194376194);
  NDArray W1 = r.uniform(-0.08596023825918792, 0.08596023825918792, Dims{50, 20, 5, 5});
  CHECK(W1.data<double>()[0] == -0.003170984816489475);
  NDArray W2 = r.uniform(-0.06793662204867575, 0.06793662204867575, Dims{800, 500});
  CHECK(W2.data<double>()[0] == 0.016254220534595756);
}

TEST_CASE("dA: randint(2**30) then uniform from RandomState(123)", "[numpy]") {
  np::RandomState r(123);
  CHECK(r.randint(int64_t(1) << 30) == 843828734);
  const double b = 4 * std::sqrt(6.0 / (500 + 784));
  NDArray W = r.uniform(-b, b, Dims{784, 500});
  CHECK(W.data<double>()[0] == 0.11645860815576364);
}

TEST_CASE("scalar uniform and rand(shape)", "[numpy]") {
  np::RandomState a(1), b(1);
  NDArray x = a.rand(Dims{2, 2});
  CHECK(x.data<double>()[2] == 1.1437481734488664e-04);
  CHECK(b.uniform() == 0.417022004702574);
  CHECK(b.uniform(-1, 1) == -1 + 2 * 0.7203244934421581);
  CHECK_THROWS_AS(b.uniform(-1e308, 1e308), std::overflow_error);
}

TEST_CASE("randn: polar Box-Muller with the cached second value", "[numpy]") {
  np::RandomState r(42);  // numpy 1.24
  CHECK(r.randn() == 0.4967141530112327);
  CHECK(r.randn() == -0.13826430117118466);
  CHECK(r.randn() == 0.6476885381006925);
  CHECK(r.randn() == 1.5230298564080254);
  CHECK(r.randn() == -0.23415337472333597);
  NDArray a = r.randn(Dims{2, 3});
  const double want[] = {-0.23413695694918055, 1.5792128155073915, 0.7674347291529088,
                         -0.4694743859349521, 0.5425600435859647, -0.46341769281246226};
  for (int i = 0; i < 6; ++i) CHECK(a.data<double>()[i] == want[i]);

  np::RandomState m(0);  // the cache survives an interleaved rand(); numpy 1.24
  CHECK(m.randn() == 1.764052345967664);
  CHECK(m.rand() == 0.6027633760716439);
  CHECK(m.randn() == 0.4001572083672233);

  np::RandomState n(42);  // numpy 1.24
  CHECK(n.normal(1.5, 2.0) == 2.4934283060224653);
  NDArray v = n.normal(0, 0.1, Dims{3});
  CHECK(v.data<double>()[0] == -0.013826430117118467);
  CHECK(v.data<double>()[2] == 0.15230298564080255);
}

TEST_CASE("randint: 32-bit and 64-bit masked rejection", "[numpy]") {
  np::RandomState r(42);  // numpy 1.24 throughout
  NDArray a = r.randint(0, 10, Dims{8});
  REQUIRE(a.dtype() == DType::Int64);
  const int64_t small[] = {6, 3, 7, 4, 6, 9, 2, 6};
  for (int i = 0; i < 8; ++i) CHECK(a.data<int64_t>()[i] == small[i]);
  CHECK(r.randint(-5, 5) == 2);
  CHECK(r.randint(7) == 4);

  np::RandomState g(42);
  NDArray big = g.randint(0, int64_t(1) << 40, Dims{4});
  const int64_t want[] = {441507790259, 395924837646, 458615280711, 810017303572};
  for (int i = 0; i < 4; ++i) CHECK(big.data<int64_t>()[i] == want[i]);
  CHECK(g.randint(-(int64_t(1) << 62), int64_t(1) << 62) == -1733650121047795591);
  CHECK(g.randint(0, int64_t(1) << 32) == 669991378);        // range 2**32-1: one raw draw
  CHECK(g.randint(0, (int64_t(1) << 32) + 1) == 249467210);  // range 2**32: 64-bit draws

  np::RandomState f(42);
  NDArray full = f.randint(INT64_MIN, INT64_MAX, Dims{2});
  CHECK(full.data<int64_t>()[0] == -2314326399425823309);
  CHECK(full.data<int64_t>()[1] == 8314211556539077902);

  np::RandomState z(42);  // a one-value range consumes no draw
  CHECK(z.randint(5, 6) == 5);
  CHECK(z.rand() == 0.3745401188473625);

  np::RandomState s(0);
  NDArray m = s.randint(-3, 3, Dims{2, 3});
  const int64_t mw[] = {1, 2, -3, 0, 0, 0};
  for (int i = 0; i < 6; ++i) CHECK(m.data<int64_t>()[i] == mw[i]);

  CHECK_THROWS_AS(s.randint(0), std::invalid_argument);
  CHECK_THROWS_AS(s.randint(3, 3, Dims{2}), std::invalid_argument);
}

TEST_CASE("permutation and shuffle", "[numpy]") {
  np::RandomState r(42);  // numpy 1.24 throughout
  NDArray p = r.permutation(10);
  REQUIRE(p.dtype() == DType::Int64);
  const int64_t w10[] = {8, 1, 5, 0, 7, 2, 9, 4, 3, 6};
  for (int i = 0; i < 10; ++i) CHECK(p.data<int64_t>()[i] == w10[i]);
  NDArray q = r.permutation(5);
  const int64_t w5[] = {1, 0, 3, 4, 2};
  for (int i = 0; i < 5; ++i) CHECK(q.data<int64_t>()[i] == w5[i]);

  // Rows of a 2-d array move together.
  np::RandomState s(42);
  std::vector<int64_t> v(12);
  for (int i = 0; i < 12; ++i) v[i] = i;
  NDArray x = NDArray::from_vector(v, Dims{4, 3});
  s.shuffle(x);
  const int64_t w2[] = {3, 4, 5, 9, 10, 11, 0, 1, 2, 6, 7, 8};
  for (int i = 0; i < 12; ++i) CHECK(x.data<int64_t>()[i] == w2[i]);

  // A non-contiguous view (x.T of a (3,4) array) is shuffled in place through its strides.
  np::RandomState t(3);
  std::vector<double> d(12);
  for (int i = 0; i < 12; ++i) d[i] = i;
  NDArray base = NDArray::from_vector(d, Dims{3, 4});
  NDArray xt = base.view(Dims{4, 3}, Dims{1, 4}, base.offset());
  t.shuffle(xt);
  const double wt[] = {3, 1, 0, 2, 7, 5, 4, 6, 11, 9, 8, 10};
  for (int i = 0; i < 12; ++i) CHECK(base.data<double>()[i] == wt[i]);

  np::RandomState u(42);
  std::vector<int> list{10, 20, 30, 40, 50};
  u.shuffle(list);
  CHECK(list == std::vector<int>{20, 50, 30, 10, 40});
}

TEST_CASE("numpy helpers: zeros - asarray - prod - inf", "[numpy]") {
  NDArray z = np::zeros(Dims{2, 3});
  CHECK(z.dtype() == DType::Float64);
  CHECK(z.shape() == Dims({2, 3}));
  for (int i = 0; i < 6; ++i) CHECK(z.data<double>()[i] == 0.0);
  CHECK(np::zeros(Dims{4}, DType::Int32).dtype() == DType::Int32);

  NDArray a = NDArray::from_vector(std::vector<double>{0.1, -2.5}, Dims{2});
  NDArray f = np::asarray(a, DType::Float32);
  CHECK(f.data<float>()[0] == 0.1f);
  CHECK(!f.shares_memory(a));

  CHECK(np::prod(Dims{784, 500}) == 392000);
  CHECK(np::prod(std::vector<int64_t>{20, 1, 5, 5}) == 500);
  CHECK(np::prod({50, 20, 5, 5}) == 25000);
  CHECK(np::prod(std::vector<int64_t>{}) == 1);
  CHECK(std::isinf(np::inf));
  CHECK(np::inf > 0);
}

TEST_CASE("mean uses numpy's pairwise summation", "[numpy]") {
  // np.mean(RandomState(7).uniform(-300, 1000, n).tolist()), numpy 1.24. The lengths cross the
  // 8-wide unroll, the 128 leaf size and numpy's 8192 buffer size (100001 needs the blocks).
  struct Case { int64_t n; double mean; };
  const Case cases[] = {{1, -200.7992238138557},   {7, 449.48850543410646},   {8, 367.51075142580436},
                        {9, 332.11740950431863},   {16, 350.2978292319795},   {17, 328.3627192567978},
                        {127, 358.5935755566039},  {128, 361.54235047160415}, {129, 366.2411042315471},
                        {1000, 346.2264445544534}, {8191, 347.3981173211984}, {8192, 347.3857437240981},
                        {8193, 347.43209681895445}, {20000, 347.908633744517}, {100001, 349.9232934547575}};
  for (const Case& c : cases) {
    NDArray x = np::RandomState(7).uniform(-300, 1000, Dims{c.n});
    std::vector<double> v(x.data<double>(), x.data<double>() + c.n);
    INFO("n = " << c.n);
    CHECK(np::mean(v) == c.mean);
  }
  CHECK(std::isnan(np::mean({})));
  CHECK(!std::signbit(np::sum({-0.0})));  // add.reduce starts from +0.0
}
