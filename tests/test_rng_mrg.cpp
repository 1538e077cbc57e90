// MRG_RandomStreams (theano.sandbox.rng_mrg): the generator against an independent statement of
// MRG31k3p (tests/mrg_reference.hpp) and a vector computed for Theano's dA/RBM seed, the streams'
// layout, default updates across calls, seed(), symbolic sizes, the samplers' statistics and errors.
#include <cmath>
#include <numbers>

#include "core/mrg31k3p.hpp"
#include "mrg_reference.hpp"
#include "ops/random_mrg.hpp"
#include "test_util.hpp"

using namespace theano;
namespace T = theano::tensor;
namespace ref = mrg_reference;
using theano::sandbox::rng_mrg::MRG_RandomStreams;

namespace {
ref::State ref_state(const mrg::State& s) { return {s[0], s[1], s[2], s[3], s[4], s[5]}; }

// The reference's samples of the next op of a streams object seeded with `seed`, after `ops_before`
// ops: its streams start 2^134 draws per earlier op after the seed's state.
std::vector<int64_t> expected_draws(int64_t seed, int ops_before, int64_t n_streams, int64_t count, int calls = 1) {
  ref::State start = ref::seeded(seed);
  for (int k = 0; k < ops_before; ++k) start = ref::jump(start, 134);
  std::vector<ref::State> rows = ref::streams(start, n_streams);
  std::vector<int64_t> z;
  for (int c = 0; c < calls; ++c) z = ref::draws(rows, count);
  return z;
}
}  // namespace

TEST_CASE("MRG31k3p steps match an independent statement of the generator", "[rng_mrg]") {
  for (int64_t seed : {int64_t(1), int64_t(12345), int64_t(843828734), int64_t(2147462578)}) {
    mrg::State s = mrg::seed_state(seed);
    ref::State r = ref::seeded(seed);
    for (int i = 0; i < 1000; ++i) {
      int32_t got = mrg::next_int(s.data());
      int64_t want = ref::draw(r);
      REQUIRE(got == want);
      REQUIRE(mrg::to_float64(got) == ref::f64(want));
      REQUIRE(mrg::to_float32(got) == ref::f32(want));
    }
    CHECK(ref_state(s) == r);
    // The precomputed jump matrices are the companion matrices to the powers 2^72 and 2^134.
    CHECK(ref_state(mrg::jump_2p72(s)) == ref::jump(r, 72));
    CHECK(ref_state(mrg::jump_2p134(s)) == ref::jump(r, 134));
  }
}

TEST_CASE("MRG31k3p reproduces the vector computed for the dA and RBM seed", "[rng_mrg]") {
  mrg::State s0 = mrg::seed_state(843828734);
  mrg::State s1 = mrg::jump_2p72(s0);
  CHECK(s1 == mrg::State{266587336, 819649320, 1323857535, 349559521, 329297628, 498140601});
  CHECK(mrg::to_float64(mrg::next_int(s0.data())) == 0.43100588070228696);
  CHECK(mrg::to_float64(mrg::next_int(s1.data())) == 0.8671776535920799);
}

TEST_CASE("MRG seeds are checked as Theano checks them", "[rng_mrg]") {
  CHECK_THROWS_WITH(MRG_RandomStreams(0), Catch::Contains("seed should not be 0"));
  CHECK_THROWS_WITH(MRG_RandomStreams(2147462579), Catch::Contains("seed should be less than 2147462579"));
  CHECK_THROWS_WITH(MRG_RandomStreams(std::vector<int64_t>{0, 0, 0, 1, 2, 3}), Catch::Contains("first 3 values of seed should not be all 0"));
  CHECK_THROWS_WITH(MRG_RandomStreams(std::vector<int64_t>{1, 2, 3, 0, 0, 0}), Catch::Contains("last 3 values of seed should not be all 0"));
  CHECK_THROWS_WITH(MRG_RandomStreams(std::vector<int64_t>{2147483647, 1, 1, 1, 1, 1}), Catch::Contains("should be less than 2147483647"));
  CHECK_THROWS_WITH(MRG_RandomStreams(std::vector<int64_t>{1, 1, 1, 1, 1, 2147462579}), Catch::Contains("should be less than 2147462579"));
  CHECK_THROWS_WITH(MRG_RandomStreams(std::vector<int64_t>{1, 2, 3}), Catch::Contains("seed should be 1 integer or 6 integers"));
  CHECK_THROWS_WITH(MRG_RandomStreams(0), Catch::Contains("test_rng_mrg.cpp"));
  MRG_RandomStreams six(std::vector<int64_t>{1, 2, 3, 4, 5, 6});
  CHECK(six.rstate() == std::vector<int64_t>{1, 2, 3, 4, 5, 6});
  CHECK_THROWS_WITH(six.set_rstate({1, 2, 3, 0, 0, 0}), Catch::Contains("MRG_RandomStreams.rstate") && Catch::Contains("test_rng_mrg.cpp"));
  CHECK(six.rstate() == std::vector<int64_t>{1, 2, 3, 4, 5, 6});  // a refused state changes nothing
}

TEST_CASE("MRG rstate assignment starts the next sample from the given state", "[rng_mrg]") {
  MRG_RandomStreams a(123), b(987);
  auto ya = a.uniform({3}, 0.0, 1.0, std::nullopt, "float64");
  auto yb = b.uniform({3}, 0.0, 1.0, std::nullopt, "float64");
  // The tutorial's copy_random_state: rstate, then each state matrix.
  b.set_rstate(a.rstate());
  CHECK(b.rstate() == a.rstate());
  auto sb = b.state_updates().at(0).state;
  sb.set_value(a.state_updates().at(0).state.get_value());
  auto fa = theano::function({}, ya), fb = theano::function({}, yb);
  NDArray first = fa().array();
  CHECK(first.str() == fb().array().str());
  auto za = a.uniform({4}, 0.0, 1.0, std::nullopt, "float64");
  auto zb = b.uniform({4}, 0.0, 1.0, std::nullopt, "float64");
  CHECK(theano::function({}, za)().array().str() == theano::function({}, zb)().array().str());
  MRG_RandomStreams c(987);
  auto zc = c.uniform({3}, 0.0, 1.0, std::nullopt, "float64");
  CHECK(theano::function({}, zc)().array().str() != first.str());  // without the copy, b's first numbers differ
}

TEST_CASE("guess_n_streams follows Theano's rule", "[rng_mrg]") {
  CHECK(mrg::guess_n_streams(std::vector<int64_t>{5}) == 5);
  CHECK(mrg::guess_n_streams(std::vector<int64_t>{2, 3}) == 6);
  CHECK(mrg::guess_n_streams(std::vector<int64_t>{5, 7}) == 5);
  CHECK(mrg::guess_n_streams(std::vector<int64_t>{500, 784}) == 15360);
  CHECK(mrg::guess_n_streams(std::vector<int64_t>{int64_t(1) << 40, int64_t(1) << 40}) == 15360);
}

TEST_CASE("MRG uniform samples are the reference's in float64 and float32 and element i uses stream i mod n", "[rng_mrg]") {
  for (DType dt : {DType::Float64, DType::Float32}) {
    MRG_RandomStreams srng(843828734);
    Var u = srng.uniform({5, 7}, 0.0, 1.0, std::nullopt, dt);  // 35 elements: 5 streams
    CHECK(u.dtype() == dt);
    CHECK(srng.state_updates().at(0).state.get_value().shape() == Dims{5, 6});
    auto f = theano::function({}, u);
    std::vector<int64_t> want = expected_draws(843828734, 0, 5, 35);
    for (int call = 0; call < 3; ++call) {
      if (call > 0) want = expected_draws(843828734, 0, 5, 35, call + 1);
      NDArray got = f().array();
      REQUIRE(got.shape() == Dims{5, 7});
      for (int64_t i = 0; i < 35; ++i) {
        INFO("call " << call << " element " << i);
        if (dt == DType::Float64) REQUIRE(got.data<double>()[i] == ref::f64(want[size_t(i)]));
        else REQUIRE(got.data<float>()[i] == ref::f32(want[size_t(i)]));
      }
    }
    if (dt == DType::Float64) CHECK(f().array().data<double>()[0] != 0.0);
  }
  // The first element of the first op of the dA seed: stream 0's first draw.
  MRG_RandomStreams srng(843828734);
  auto f = theano::function({}, srng.uniform({3}, 0.0, 1.0, std::nullopt, "float64"));
  CHECK(f().array().data<double>()[0] == 0.43100588070228696);
}

TEST_CASE("MRG ops draw from successive stream blocks and low high scale the samples", "[rng_mrg]") {
  MRG_RandomStreams srng(12345);
  Var a = srng.uniform({4}, 0.0, 1.0, std::nullopt, "float64");
  Var b = srng.uniform({2, 3}, -2.0, 3.0, std::nullopt, "float64");
  auto f = theano::function({}, {a, b});
  theano::Result r = f();
  std::vector<int64_t> za = expected_draws(12345, 0, 4, 4), zb = expected_draws(12345, 1, 6, 6);
  for (int i = 0; i < 4; ++i) CHECK(r.array(0).data<double>()[i] == ref::f64(za[size_t(i)]));
  // u * (high - low) + low, in whichever rounding the fused kernel uses (a contracted multiply-add or not).
  for (int i = 0; i < 6; ++i) CHECK(r.array(1).data<double>()[i] == Approx(ref::f64(zb[size_t(i)]) * 5.0 - 2.0).epsilon(1e-15));
  ref::State next = ref::jump(ref::jump(ref::seeded(12345), 134), 134);
  CHECK(srng.rstate() == std::vector<int64_t>(next.begin(), next.end()));
}

TEST_CASE("MRG default updates advance the state unless excluded or overridden", "[rng_mrg][function]") {
  MRG_RandomStreams srng(234);
  Var u = srng.uniform({3, 4}, 0.0, 1.0, std::nullopt, "float64");
  SharedVariable state = srng.state_updates().at(0).state;
  NDArray start = state.get_value();
  auto keep = theano::function({}, u, {.no_default_updates = true});
  NDArray k1 = keep().array(), k2 = keep().array();
  CHECK(k1.str() == k2.str());
  CHECK(state.get_value().str() == start.str());
  auto keep_listed = theano::function({}, u, {.no_default_updates = {state}});
  CHECK(keep_listed().array().str() == k1.str());
  CHECK(keep_listed.updates().empty());
  auto other_listed = theano::function({}, u, {.no_default_updates = {theano::shared(1.0)}});
  CHECK(other_listed.updates().size() == 1);
  auto draw = theano::function({}, u);
  NDArray d1 = draw().array(), d2 = draw().array();
  CHECK(d1.str() == k1.str());
  CHECK(d1.str() != d2.str());
  // get_value / set_value restore a sequence.
  NDArray saved = state.get_value();
  NDArray d3 = draw().array();
  state.set_value(saved);
  CHECK(draw().array().str() == d3.str());
  // An explicit update wins over the default one.
  auto held = theano::function({}, u, {.updates = {{state, state * 1}}});
  NDArray h = held().array();
  CHECK(held().array().str() == h.str());
  // seed() resets every state made so far: the first draw comes back.
  srng.seed();
  CHECK(draw().array().str() == d1.str());
  srng.seed(234);
  CHECK(draw().array().str() == d1.str());
  srng.seed(99);
  CHECK(draw().array().str() != d1.str());
  // A copy keeps the default update (it was resolved when compiling); delete_updates drops it.
  auto copy = draw.copy({.delete_updates = true});
  NDArray c = copy().array();
  CHECK(copy().array().str() == c.str());
}

TEST_CASE("a shared variable's default update is applied by the functions that use it", "[rng_mrg][function]") {
  auto x = theano::shared(0.0, "x");
  Var next = x + 1.0;
  x.set_default_update(next);
  auto f = theano::function({}, x * 2.0);
  CHECK(double(f()) == 0.0);
  CHECK(double(f()) == 2.0);
  CHECK(x.get_value().item(0) == 2.0);
  auto y = theano::shared(5.0, "y");
  Var y_next = y + x;  // a default update reading another shared variable with one
  y.set_default_update(y_next);
  auto g = theano::function({}, y);
  CHECK(double(g()) == 5.0);
  CHECK(x.get_value().item(0) == 3.0);
  CHECK(y.get_value().item(0) == 7.0);
  x.clear_default_update();
  auto h = theano::function({}, x);
  h();
  CHECK(x.get_value().item(0) == 3.0);
  CHECK_THROWS_WITH(x.set_default_update(T::cast(x, "float32")), Catch::Contains("must have the same type"));
  x.set_default_update(x + 2.0);  // the expression is a temporary: gone when the function is compiled
  CHECK_THROWS_WITH(theano::function({}, x), Catch::Contains("default update of shared variable 'x'"));
}

TEST_CASE("MRG uniform with a symbolic size uses 60 * 256 streams", "[rng_mrg]") {
  MRG_RandomStreams srng(843828734);
  auto x = T::dmatrix("x");
  Var u = srng.uniform(x.shape(), 0.0, 1.0, std::nullopt, "float64");
  CHECK(srng.state_updates().at(0).state.get_value().shape() == Dims{15360, 6});
  auto f = theano::function({x}, u);
  NDArray got = f(NDArray::zeros(DType::Float64, Dims{3, 5})).array();
  REQUIRE(got.shape() == Dims{3, 5});
  std::vector<int64_t> want = expected_draws(843828734, 0, 15360, 15);
  for (int64_t i = 0; i < 15; ++i) CHECK(got.data<double>()[i] == ref::f64(want[size_t(i)]));
  // A list mixing ints and scalar Vars.
  Var v = srng.uniform({x.shape()[0], 2}, 0.0, 1.0, std::nullopt, "float32");
  auto g = theano::function({x}, v);
  CHECK(g(NDArray::zeros(DType::Float64, Dims{4, 1})).array().shape() == Dims{4, 2});
}

TEST_CASE("MRG binomial and normal have the right statistics on 1e5 samples", "[rng_mrg]") {
  MRG_RandomStreams srng(843828734);
  const int64_t n = 100000;
  auto p = T::dscalar("p");
  Var b = srng.binomial({n}, 1, p, std::nullopt, "float64");
  auto fb = theano::function({p}, b);
  NDArray bv = fb(0.3).array();
  double ones = 0;
  for (int64_t i = 0; i < n; ++i) {
    double v = bv.data<double>()[i];
    REQUIRE((v == 0.0 || v == 1.0));
    ones += v;
  }
  CHECK(std::abs(ones / n - 0.3) < 5 * std::sqrt(0.3 * 0.7 / n));
  CHECK(srng.binomial({3}, 1, 0.5).dtype() == DType::Int64);
  Var z = srng.normal({n - 1}, 2.0, 3.0, std::nullopt, "float64");  // odd: Theano draws n uniforms and drops the last normal
  NDArray zv = theano::function({}, z)().array();
  REQUIRE(zv.shape() == Dims{n - 1});
  double sum = 0, sq = 0;
  for (int64_t i = 0; i < n - 1; ++i) sum += zv.data<double>()[i], sq += zv.data<double>()[i] * zv.data<double>()[i];
  double mean = sum / double(n - 1), var = sq / double(n - 1) - mean * mean;
  CHECK(std::abs(mean - 2.0) < 5 * 3.0 / std::sqrt(double(n)));
  CHECK(std::abs(var - 9.0) < 0.2);
}

TEST_CASE("MRG normal uses Theano's Box-Muller layout", "[rng_mrg]") {
  MRG_RandomStreams srng(843828734);
  srng.uniform({2});  // the normal's op is the streams' second
  Var z = srng.normal({3, 1}, 0.0, 1.0, std::nullopt, "float64");
  NDArray got = theano::function({}, z)().array();
  REQUIRE(got.shape() == Dims{3, 1});
  // 3 normals need 4 uniforms u0..u3: z = r(u0) cos(2 pi u2), r(u1) cos(2 pi u3), r(u0) sin(2 pi u2).
  std::vector<int64_t> u = expected_draws(843828734, 1, 15360, 4);
  auto r = [&](int i) { return std::sqrt(-2.0 * std::log(ref::f64(u[size_t(i)]))); };
  auto theta = [&](int i) { return 2.0 * std::numbers::pi * ref::f64(u[size_t(i)]); };
  CHECK(got.data<double>()[0] == Approx(r(0) * std::cos(theta(2))).epsilon(1e-14));
  CHECK(got.data<double>()[1] == Approx(r(1) * std::cos(theta(3))).epsilon(1e-14));
  CHECK(got.data<double>()[2] == Approx(r(0) * std::sin(theta(2))).epsilon(1e-14));
}

TEST_CASE("MRG truncated_normal redraws the values outside two as Theano", "[rng_mrg]") {
  const int64_t seed = 843828734, n = 301;  // odd: 302 uniforms, the last value dropped
  MRG_RandomStreams srng(seed);
  Var z = srng.truncated_normal({n}, 1.5, 0.5, std::nullopt, "float64");
  REQUIRE(srng.state_updates().size() == 2);  // the Box-Muller uniforms, then the redraws' uniforms
  NDArray got = theano::function({}, z)().array();
  REQUIRE(got.shape() == Dims{n});
  // The reference, from Theano's statement of the algorithm: Box-Muller values z0 = r(u[i]) cos(2 pi
  // u[h + i]) and z1 = r(u[i]) sin(2 pi u[h + i]); those outside [-2, 2] (z0's first) take, in order,
  // the radius r(w) of the second op's uniforms w = v * (1 - e^-2) + e^-2 with their old angle; the
  // result joins valid z0, redrawn z0, valid z1, redrawn z1, keeps n values, times std / c plus avg.
  const int64_t h = (n + 1) / 2;
  std::vector<int64_t> u = expected_draws(seed, 0, 15360, 2 * h);
  auto r = [](double x) { return std::sqrt(-2.0 * std::log(x)); };
  std::vector<double> z0, z1, cos_t, sin_t;
  std::vector<size_t> fix0, fix1;
  for (int64_t i = 0; i < h; ++i) {
    double theta = 2.0 * std::numbers::pi * ref::f64(u[size_t(h + i)]);
    cos_t.push_back(std::cos(theta));
    sin_t.push_back(std::sin(theta));
    z0.push_back(r(ref::f64(u[size_t(i)])) * cos_t.back());
    z1.push_back(r(ref::f64(u[size_t(i)])) * sin_t.back());
    if (z0.back() < -2.0 || z0.back() > 2.0) fix0.push_back(size_t(i));
    if (z1.back() < -2.0 || z1.back() > 2.0) fix1.push_back(size_t(i));
  }
  REQUIRE(!fix0.empty());
  REQUIRE(!fix1.empty());
  std::vector<int64_t> v = expected_draws(seed, 1, 15360, int64_t(fix0.size() + fix1.size()));
  const double low = 1.0 / (std::numbers::e * std::numbers::e);
  auto r_fix = [&](size_t k) { return r(ref::f64(v[k]) * (1.0 - low) + low); };
  std::vector<double> joined;
  for (size_t i = 0; i < z0.size(); ++i)
    if (std::abs(z0[i]) <= 2.0) joined.push_back(z0[i]);
  for (size_t k = 0; k < fix0.size(); ++k) joined.push_back(r_fix(k) * cos_t[fix0[k]]);
  for (size_t i = 0; i < z1.size(); ++i)
    if (std::abs(z1[i]) <= 2.0) joined.push_back(z1[i]);
  for (size_t k = 0; k < fix1.size(); ++k) joined.push_back(r_fix(fix0.size() + k) * sin_t[fix1[k]]);
  // std / 0.87962566103423978 with both literals autocast as Theano's: float32 when floatX is.
  const double c = 0.87962566103423978;
  const double scale = config().floatX == DType::Float32 ? double(0.5f / float(c)) : 0.5 / c;
  for (int64_t i = 0; i < n; ++i) {
    INFO("element " << i);
    CHECK(got.data<double>()[i] == Approx(joined[size_t(i)] * scale + 1.5).epsilon(1e-14).margin(1e-14));
    CHECK(std::abs(got.data<double>()[i] - 1.5) <= 2.0 * scale * (1 + 1e-15));
  }
}

TEST_CASE("MRG truncated_normal has the mean and spread of Theano's scheme", "[rng_mrg]") {
  MRG_RandomStreams srng(12345);
  const int64_t n = 100000;
  for (const char* dtype : {"float32", "float64"}) {
    NDArray zv = theano::function({}, srng.truncated_normal({n}, -1.0, 2.0, std::nullopt, dtype))().array();
    REQUIRE(zv.shape() == Dims{n});
    double sum = 0, sq = 0, reach = 0;
    for (int64_t i = 0; i < n; ++i) {
      double x = zv.item(i);
      sum += x, sq += x * x;
      reach = std::max(reach, std::abs(x + 1.0));
    }
    double mean = sum / double(n), var = sq / double(n) - mean * mean;
    CHECK(std::abs(mean + 1.0) < 5 * 2.0 / std::sqrt(double(n)));
    // Theano's redraw keeps the angle and draws only a new radius, which is not an exact truncated
    // normal: its standard deviation is 1.0121 times the asked one (2e6 draws of the scheme in a
    // separate simulation), not the asked one as the constant intends.
    CHECK(std::abs(std::sqrt(var) - 2.0 * 1.0121) < 0.012);
    CHECK(reach <= 2.0 * 2.0 / 0.87962566103423978 * (1 + 1e-6));  // the truncation at two standard normals
  }
  CHECK_THROWS_WITH(srng.truncated_normal({3}, 0.0, 1.0, std::nullopt, "int32"),
                    Catch::Contains("MRG_RandomStreams.truncated_normal: dtype must be float32") && Catch::Contains("test_rng_mrg.cpp"));
}

TEST_CASE("MRG samples are constants for T::grad", "[rng_mrg]") {
  MRG_RandomStreams srng(5);
  auto w = T::dvector("w");
  Var u = srng.uniform({4}, 0.0, 1.0, std::nullopt, "float64");
  Var g = T::grad((u * w).sum(), w);
  auto f = theano::function({w}, {u, g}, {.no_default_updates = true});
  theano::Result r = f(NDArray::zeros(DType::Float64, Dims{4}));
  CHECK(r.array(0).str() == r.array(1).str());
}

TEST_CASE("MRG errors name the sampler and the user's line", "[rng_mrg][errors]") {
  MRG_RandomStreams srng(5);
  CHECK_THROWS_WITH(srng.uniform({3, -2}), Catch::Contains("dimension with value <= 0") && Catch::Contains("test_rng_mrg.cpp"));
  CHECK_THROWS_WITH(srng.uniform({3, 0}), Catch::Contains("MRG_RandomStreams.uniform"));
  CHECK_THROWS_WITH(srng.uniform({3}, 0.0, 1.0, std::nullopt, "int32"), Catch::Contains("dtype must be float32 or float64, got int32"));
  CHECK_THROWS_WITH(srng.uniform({3}, 0.0, 1.0, std::nullopt, "float13"), Catch::Contains("unknown dtype 'float13'"));
  CHECK_THROWS_WITH(srng.normal({3}, 0.0, 1.0, std::nullopt, "int64"), Catch::Contains("MRG_RandomStreams.normal: dtype must be float32"));
  CHECK_THROWS_WITH(srng.binomial({3}, 1, T::iscalar("p")), Catch::Contains("p must be a float probability") && Catch::Contains("test_rng_mrg.cpp"));
  CHECK_THROWS_WITH(srng.binomial({3}, 2, 0.5), Catch::Contains("only n = 1"));
  CHECK_THROWS_WITH(srng.uniform(T::lmatrix("s")), Catch::Contains("integer vector"));
  CHECK_THROWS_WITH(srng.uniform(T::lvector("s")), Catch::Contains("give ndim"));
  CHECK_THROWS_WITH(srng.uniform({1}, T::dvector("lo")), Catch::Contains("broadcasting pattern"));
  // A symbolic size that turns out negative fails at run time, naming the op and the line that built it.
  auto s = T::lvector("s");
  auto f = theano::function({s}, srng.uniform(s, 0.0, 1.0, 1, "float64"));
  CHECK_THROWS_WITH(f(test_util::i64(Dims{1}, {-4})), Catch::Contains("mrg_uniform") && Catch::Contains("negative value") &&
                                                            Catch::Contains("test_rng_mrg.cpp"));
  CHECK_THROWS_WITH(f(test_util::i64(Dims{1}, {int64_t(1) << 31})), Catch::Contains("2**31 -1"));
}

TEST_CASE("MRG multinomial and choice turn the streams' uniforms into Theano's draws", "[rng_mrg]") {
  MRG_RandomStreams srng(843828734);
  NDArray pv = test_util::f64(Dims{2, 3}, {0.98, 0.01, 0.01, 0.01, 0.49, 0.50});
  auto pvals = T::constant(pv);
  Var counts = srng.multinomial(pvals, 3, "int64");
  CHECK(counts.dtype() == DType::Int64);
  NDArray got = theano::function({}, counts)().array();
  REQUIRE(got.shape() == Dims{2, 3});
  // 2 rows x 3 draws: uniform c * 2 + r (floatX, 60 * 256 streams) serves row r's draw c.
  std::vector<int64_t> z = expected_draws(843828734, 0, 15360, 6);
  auto uni = [&](int i) { return theano::config().floatX == DType::Float32 ? double(ref::f32(z[size_t(i)])) : ref::f64(z[size_t(i)]); };
  std::vector<double> want(6, 0.0);
  for (int c = 0; c < 3; ++c)
    for (int r = 0; r < 2; ++r) {
      double run = 0;
      for (int m = 0; m < 3; ++m) {
        run += pv.item(r * 3 + m);
        if (run > uni(c * 2 + r)) {
          want[size_t(r * 3 + m)] += 1;
          break;
        }
      }
    }
  for (int i = 0; i < 6; ++i) CHECK(got.item(i) == want[size_t(i)]);
  CHECK(got.item(0) + got.item(1) + got.item(2) == 3);

  // choice without replacement: 3 distinct outcomes per row, each drawn with a uniform of the next op.
  NDArray cp = test_util::f64(Dims{2, 4}, {0.1, 0.2, 0.3, 0.4, 0.7, 0.1, 0.1, 0.1});
  Var picked = srng.choice(3, false, T::constant(cp));
  NDArray c = theano::function({}, picked)().array();
  REQUIRE(c.shape() == Dims{2, 3});
  for (int r = 0; r < 2; ++r) {
    CHECK(c.item(r * 3) != c.item(r * 3 + 1));
    CHECK(c.item(r * 3) != c.item(r * 3 + 2));
    CHECK(c.item(r * 3 + 1) != c.item(r * 3 + 2));
  }
  std::vector<int64_t> zc = expected_draws(843828734, 1, 15360, 6);
  double first = theano::config().floatX == DType::Float32 ? double(ref::f32(zc[0])) : ref::f64(zc[0]);
  int64_t m0 = 0;
  for (double run = cp.item(0); run <= first; run += cp.item(++m0)) {}
  CHECK(c.item(0) == double(m0));
  CHECK_THROWS_WITH(srng.choice(2, true, T::constant(cp)), Catch::Contains("only works without replacement"));
  CHECK_THROWS_WITH(srng.multinomial(T::dvector("p")), Catch::Contains("pvals.ndim = 2"));
  CHECK(srng.multinomial_wo_replacement(T::constant(cp), 2).type().ndim() == 2);
}

TEST_CASE("T::grad through the samplers' low high p avg and std raises as Theano's undefined_grad", "[rng_mrg][errors]") {
  MRG_RandomStreams srng(5);
  auto lo = T::dscalar("lo");
  auto p = T::dscalar("p");
  auto s = T::dscalar("s");
  Var u = srng.uniform({3}, lo, 1.0, std::nullopt, "float64");
  CHECK_THROWS_WITH(T::grad(u.sum(), lo), Catch::Contains("gradient with respect to 'lo' is undefined") && Catch::Contains("test_rng_mrg.cpp"));
  // Even with another path to the cost, as Theano's null gradient.
  CHECK_THROWS_WITH(T::grad(u.sum() + lo * 2.0, lo), Catch::Contains("undefined_grad"));
  // Through the comparison no gradient flows at all (a bool result): an error too, as Theano's.
  CHECK_THROWS_WITH(T::grad(T::cast(srng.binomial({3}, 1, p), "float64").sum(), p), Catch::Contains("'p'"));
  CHECK_THROWS_WITH(T::grad(srng.normal({3}, 0.0, s, std::nullopt, "float64").sum(), s), Catch::Contains("with respect to 's' is undefined"));
  // The values pass through unchanged.
  auto f = theano::function({lo}, u, {.no_default_updates = true});
  NDArray a = f(0.0).array(), b = f(-1.0).array();
  for (int i = 0; i < 3; ++i) CHECK(b.data<double>()[i] == Approx(a.data<double>()[i] * 2.0 - 1.0).epsilon(1e-15));
}
