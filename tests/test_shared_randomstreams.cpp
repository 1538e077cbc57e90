// RandomStreams (theano.tensor.shared_randomstreams): the numbers of Theano's documentation
// (doc/tutorial/examples.txt, "Using Random Numbers"), the generator's state as numpy's get_state,
// default updates across calls, seed(), saved states, one draw per call, and errors.
#include <algorithm>
#include <cmath>
#include <random>

#include "core/numpy_random.hpp"
#include "test_util.hpp"

using namespace theano;
namespace T = theano::tensor;
using theano::numpy::RandomState;
using theano::tensor::shared_randomstreams::RandomStreams;

namespace {
// The generator of a stream's k-th sample (0-based): Theano seeds it with the k-th
// randint(2**30) of RandomState(seed).
RandomState stream_generator(int64_t seed, int k) {
  RandomState seedgen(seed);
  int64_t s = 0;
  for (int i = 0; i <= k; ++i) s = seedgen.randint(int64_t(1) << 30);
  return RandomState(s);
}
}  // namespace

TEST_CASE("RandomState words are MT19937's and its state saves and restores the stream", "[shared_randomstreams]") {
  for (uint32_t seed : {0u, 5489u, 123u, 4294967295u}) {
    RandomState rs(seed);
    std::mt19937 reference(seed);
    for (int i = 0; i < 1500; ++i) REQUIRE(rs.next_uint32() == reference());
  }
  RandomState a(987);
  a.randn();  // leaves a cached gaussian, which the state must carry
  NDArray saved = a.get_state();
  CHECK(saved.shape() == Dims{RandomState::kStateSize});
  CHECK(saved.item_int64(RandomState::kKeyWords + 1) == 1);
  std::vector<double> first;
  for (int i = 0; i < 700; ++i) first.push_back(i % 2 ? a.randn() : a.random_sample());
  RandomState b(1);
  b.set_state(saved);
  for (int i = 0; i < 700; ++i) REQUIRE((i % 2 ? b.randn() : b.random_sample()) == first[size_t(i)]);
  NDArray bad = saved.copy();
  bad.set_item(RandomState::kKeyWords, 625);
  CHECK_THROWS_WITH(b.set_state(bad), Catch::Contains("pos is 625"));
  CHECK_THROWS_WITH(b.set_state(NDArray::zeros(DType::Int64, Dims{5})), Catch::Contains("int64 vector of 627 entries"));
}

TEST_CASE("RandomStreams prints the numbers of Theano's documentation", "[shared_randomstreams]") {
  // examples.txt: Graph(seed=123) and Graph(seed=987) each draw rng.uniform(size=(1,)).
  RandomStreams rng1(123), rng2(987);
  auto y1 = rng1.uniform({1}, 0.0, 1.0, std::nullopt, "float64");
  auto y2 = rng2.uniform({1}, 0.0, 1.0, std::nullopt, "float64");
  auto f1 = theano::function({}, y1);
  auto f2 = theano::function({}, y2);
  CHECK(numpy::repr(f1().array()) == "array([ 0.72803009])");
  CHECK(numpy::repr(f2().array()) == "array([ 0.55056769])");
  // copy_random_state(g1, g2): su2[0].set_value(su1[0].get_value()) for each pair.
  REQUIRE(rng1.state_updates().size() == 1);
  auto su2 = rng2.state_updates()[0].state;  // a handle to g2's generator
  su2.set_value(rng1.state_updates()[0].state.get_value());
  CHECK(numpy::repr(f1().array()) == "array([ 0.59044123])");
  CHECK(numpy::repr(f2().array()) == "array([ 0.59044123])");
}

TEST_CASE("RandomStreams samples are numpy's draws of each sample's own generator", "[shared_randomstreams]") {
  RandomStreams srng(234);
  auto u = srng.uniform({2, 3}, -1.0, 2.0, std::nullopt, "float64");
  auto u32 = srng.uniform({5}, 0.0, 1.0, std::nullopt, "float32");
  auto n = srng.normal({3, 1}, 1.5, 0.25, std::nullopt, "float64");
  auto i = srng.random_integers({7}, -2, 3);
  auto p = srng.permutation({2}, 6);
  CHECK(u.type().str() == "TensorType(float64, matrix)");
  CHECK(n.type().broadcastable(1));
  CHECK(p.type().shape == Dims{2, 6});
  auto f = theano::function({}, {u, u32, n, i, p});
  for (int call = 0; call < 2; ++call) {
    Result r = f();
    RandomState g0 = stream_generator(234, 0), g1 = stream_generator(234, 1), g2 = stream_generator(234, 2), g3 = stream_generator(234, 3),
                g4 = stream_generator(234, 4);
    for (int c = 0; c < call; ++c) {  // each call advances every generator by one sample's draws
      g0.uniform(-1.0, 2.0, Dims{2, 3});
      g1.uniform(0.0, 1.0, Dims{5});
      g2.normal(1.5, 0.25, Dims{3, 1});
      g3.randint(-2, 4, Dims{7});
      g4.permutation(6), g4.permutation(6);
    }
    CHECK(r.array(0).str() == g0.uniform(-1.0, 2.0, Dims{2, 3}).str());
    NDArray want32 = g1.uniform(0.0, 1.0, Dims{5});
    for (int k = 0; k < 5; ++k) CHECK(r.array(1).data<float>()[k] == float(want32.data<double>()[k]));
    CHECK(r.array(2).str() == g2.normal(1.5, 0.25, Dims{3, 1}).str());
    NDArray ints = g3.randint(-2, 4, Dims{7});
    for (int k = 0; k < 7; ++k) CHECK(r.array(3).item_int64(k) == ints.item_int64(k));
    for (int row = 0; row < 2; ++row) {
      NDArray perm = g4.permutation(6);
      for (int k = 0; k < 6; ++k) CHECK(r.array(4).item_int64(row * 6 + k) == perm.item_int64(k));
    }
  }
}

// numpy's binomial for n * min(p, 1 - p) <= 30, from its definition: one uniform u, then the
// smallest k whose cumulative probability reaches u, starting over with a new u past the bound
// min(n, np + 10 sqrt(np q + 1)); with p > 0.5, n minus the count drawn with 1 - p.
int64_t binomial_reference(RandomState& rng, int64_t n, double p) {
  if (n == 0 || p == 0.0) return 0;
  bool flip = p > 0.5;
  double pp = flip ? 1.0 - p : p, q = 1.0 - pp;
  double np = double(n) * pp;
  int64_t bound = std::min<int64_t>(n, int64_t(np + 10.0 * std::sqrt(np * q + 1)));
  for (;;) {
    double u = rng.random_sample(), prob = std::exp(double(n) * std::log(q));
    int64_t k = 0;
    while (u > prob && k < bound) {
      u -= prob;
      ++k;
      prob = prob * double(n - k + 1) * pp / (double(k) * q);
    }
    if (u <= prob) return flip ? n - k : k;
  }
}

TEST_CASE("RandomStreams binomial is numpy's inversion sampler", "[shared_randomstreams]") {
  RandomStreams srng(5);
  auto b = srng.binomial({4, 9}, 12, 0.3);
  auto mask = srng.binomial({50}, 1, 0.8, std::nullopt, config().floatX);  // the dA's corruption mask
  CHECK(b.dtype() == DType::Int64);
  CHECK(mask.dtype() == config().floatX);
  auto f = theano::function({}, {b, mask});
  Result r = f();
  RandomState g0 = stream_generator(5, 0), g1 = stream_generator(5, 1);
  for (int k = 0; k < 36; ++k) CHECK(r.array(0).item_int64(k) == binomial_reference(g0, 12, 0.3));
  for (int k = 0; k < 50; ++k) CHECK(r.array(1).item(k) == double(binomial_reference(g1, 1, 0.8)));
  auto big = srng.binomial({3}, 1000, 0.5);
  CHECK_THROWS_WITH(theano::function({}, big)(), Catch::Contains("RandomFunction{binomial}") && Catch::Contains("BTPE"));
  CHECK_THROWS_WITH(srng.binomial({3}, 1.5, 0.5), Catch::Contains("RandomStreams.binomial: n must be an integer"));
  auto p = T::dscalar("p");
  auto g = theano::function({p}, srng.binomial({3}, 2, p));
  CHECK_THROWS_WITH(g(1.5), Catch::Contains("p < 0, p > 1 or p is NaN"));
}

TEST_CASE("RandomStreams poisson is numpy's poisson", "[shared_randomstreams]") {
  RandomStreams srng(7);
  auto lam = T::dscalar("lam");
  auto rv = srng.poisson({10}, lam);
  CHECK(rv.dtype() == DType::Int64);
  auto f = theano::function({lam}, rv);
  auto draw_from = [&](int64_t seed, double l) {
    rv.rng().set_value(RandomState(seed));
    return f(l).array();
  };
  // numpy.random.RandomState(0).poisson(5, size=10), as published with numpy's output (the same
  // source gives RandomState(0).binomial(20, 0.3, size=10) = [6 7 6 6 6 7 6 9 10 5], which our
  // binomial reproduces: a check of the source).
  CHECK(draw_from(0, 5.0).str() == test_util::i64(Dims{10}, {9, 5, 6, 5, 5, 8, 4, 5, 4, 3}).str());
  auto b = srng.binomial({10}, 20, 0.3);
  b.rng().set_value(RandomState(0));
  CHECK(theano::function({}, b)().array().str() == test_util::i64(Dims{10}, {6, 7, 6, 6, 6, 7, 6, 9, 10, 5}).str());
  // lam >= 10: Hoermann's PTRS as his paper states it (log-gamma from the C library here, numpy's
  // Stirling series in the library: they agree but at a boundary no draw here reaches).
  for (double l : {10.0, 25.5, 1000.0}) {
    NDArray got = draw_from(123, l);
    RandomState ref(123);
    const double slam = std::sqrt(l), loglam = std::log(l), bb = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * bb;
    const double inv_alpha = 1.1239 + 1.1328 / (bb - 3.4), v_r = 0.9277 - 3.6224 / (bb - 2);
    for (int64_t i = 0; i < 10; ++i) {
      int64_t k = -1;
      for (bool done = false; !done;) {
        double u = ref.random_sample() - 0.5, v = ref.random_sample(), us = 0.5 - std::abs(u);
        k = int64_t(std::floor((2 * a / us + bb) * u + l + 0.43));
        if (us >= 0.07 && v <= v_r) break;
        if (k < 0 || (us < 0.013 && v > us)) continue;
        done = std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + bb) <= -l + double(k) * loglam - std::lgamma(double(k) + 1);
      }
      INFO("lam " << l << " element " << i);
      CHECK(got.item_int64(i) == k);
    }
  }
  CHECK(draw_from(1, 0.0).str() == test_util::i64(Dims{10}, std::vector<double>(10, 0.0)).str());
  // The moments on 1e5 draws, both methods.
  for (double l : {3.5, 40.0}) {
    NDArray many = theano::function({}, srng.poisson({100000}, l))().array();
    double sum = 0, sq = 0;
    for (int64_t i = 0; i < many.size(); ++i) sum += many.item(i), sq += many.item(i) * many.item(i);
    double mean = sum / 1e5, var = sq / 1e5 - mean * mean;
    CHECK(std::abs(mean - l) < 5 * std::sqrt(l / 1e5));
    CHECK(std::abs(var / l - 1) < 0.03);
  }
  CHECK_THROWS_WITH(f(-1.0), Catch::Contains("RandomFunction{poisson}") && Catch::Contains("poisson: lam < 0 or lam is NaN (lam=-1)"));
  CHECK_THROWS_WITH(f(1e19), Catch::Contains("lam value too large"));
  CHECK_THROWS_WITH(srng.poisson({3}, T::dvector("l")), Catch::Contains("RandomStreams.poisson: lam must be a scalar"));
  CHECK_THROWS_WITH(srng.poisson({3}, 1.0, std::nullopt, "bool"), Catch::Contains("the sample dtype of poisson must be numeric, got bool"));
  CHECK(theano::function({}, srng.poisson({4}, 2.0, std::nullopt, "float32"))().array().dtype() == DType::Float32);
}

TEST_CASE("RandomStreams default updates advance the state unless excluded", "[shared_randomstreams][function]") {
  RandomStreams srng(42);
  auto rv_u = srng.uniform({2, 2});
  SharedVariable state = rv_u.rng();
  CHECK(state.node() == srng.state_updates().at(0).state.node());
  CHECK(rv_u.update().second.node() == srng.state_updates().at(0).new_state.node());
  NDArray start = state.get_value();
  auto keep = theano::function({}, rv_u, {.no_default_updates = true});
  NDArray k1 = keep().array(), k2 = keep().array();
  CHECK(k1.str() == k2.str());
  CHECK(state.get_value().str() == start.str());
  auto draw = theano::function({}, rv_u);
  NDArray d1 = draw().array(), d2 = draw().array();
  CHECK(d1.str() == k1.str());
  CHECK(d1.str() != d2.str());  // successive calls differ
  // set_value of a saved state repeats the sequence.
  state.set_value(start);
  CHECK(draw().array().str() == d1.str());
  CHECK(draw().array().str() == d2.str());
  // srng[rv.rng] and srng[rv.rng] = state.
  RandomState saved = srng.get(state);
  NDArray d3 = draw().array();
  srng.set(state, saved);
  CHECK(draw().array().str() == d3.str());
  // seed() gives each generator the seed randint(2**30) of RandomState(seed), in creation order.
  auto rv_n = srng.normal({3});
  srng.seed(7);
  RandomState g0 = stream_generator(7, 0), g1 = stream_generator(7, 1);
  CHECK(state.get_value().str() == g0.get_state().str());
  CHECK(rv_n.rng().get_value().get_state().str() == g1.get_state().str());
  CHECK(draw().array().str() == numpy::asarray(g0.uniform(0.0, 1.0, Dims{2, 2}), config().floatX).str());  // floatX by default
  srng.seed();  // back to the constructor's seed
  CHECK(state.get_value().str() == stream_generator(42, 0).get_state().str());
}

TEST_CASE("RandomStreams rng get_value and set_value speak RandomState as Theano's", "[shared_randomstreams][function]") {
  RandomStreams srng(234);
  auto rv_u = srng.uniform({2, 3}, 0.0, 1.0, std::nullopt, "float64");
  auto f = theano::function({}, rv_u);
  // The tutorial's seeding of one stream: get the generator, seed it, assign it back.
  RandomState rng_val = rv_u.rng().get_value(true);
  CHECK(rng_val.get_state().str() == stream_generator(234, 0).get_state().str());
  rng_val.seed(89234);
  CHECK(f().array().str() != RandomState(89234).uniform(0.0, 1.0, Dims{2, 3}).str());  // a copy: not set yet
  rv_u.rng().set_value(rng_val, true);
  RandomState reference(89234);
  CHECK(f().array().str() == reference.uniform(0.0, 1.0, Dims{2, 3}).str());
  CHECK(f().array().str() == reference.uniform(0.0, 1.0, Dims{2, 3}).str());
  CHECK(rv_u.rng().get_value().get_state().str() == reference.get_state().str());
  // state_updates hold the same variables: copying them moves a stream to another object.
  RandomStreams other(987);
  auto rv_o = other.uniform({2, 3}, 0.0, 1.0, std::nullopt, "float64");
  auto state = other.state_updates().at(0).state;
  state.set_value(srng.state_updates().at(0).state.get_value());
  CHECK(theano::function({}, rv_o)().array().str() == reference.uniform(0.0, 1.0, Dims{2, 3}).str());
  // A raw state that is not a generator's is refused by name.
  rv_u.rng().set_value(NDArray::zeros(DType::Int64, Dims{4}));
  CHECK_THROWS_WITH(rv_u.rng().get_value(), Catch::Contains("get_value of") && Catch::Contains("627 entries"));
}

TEST_CASE("RandomStreams draws a variable once per call", "[shared_randomstreams][function]") {
  RandomStreams srng(234);
  auto rv_u = srng.uniform({2, 2}, 0.0, 1.0, std::nullopt, "float64");
  auto nearly_zeros = theano::function({}, rv_u + rv_u - 2.0 * rv_u);
  NDArray z = nearly_zeros().array();
  for (int k = 0; k < 4; ++k) CHECK(z.data<double>()[k] == 0.0);
  // A symbolic size: the sample takes the shape of x.
  auto x = T::matrix("x");
  auto like = srng.normal(x.shape());
  auto g = theano::function({x}, like.shape());
  NDArray shape = g(NDArray::zeros(config().floatX, Dims{3, 5})).array();
  CHECK(shape.item_int64(0) == 3);
  CHECK(shape.item_int64(1) == 5);
}

TEST_CASE("RandomStreams errors name the sampler and the caller", "[shared_randomstreams][errors]") {
  RandomStreams srng(1);
  CHECK_THROWS_WITH(srng.uniform({3, -2}), Catch::Contains("RandomStreams.uniform") && Catch::Contains("negative dimension") &&
                                               Catch::Contains("test_shared_randomstreams.cpp"));
  CHECK_THROWS_WITH(srng.uniform({3}, 0.0, 1.0, std::nullopt, "int32"),
                    Catch::Contains("RandomFunction{uniform}") && Catch::Contains("float32 or float64, got int32") &&
                        Catch::Contains("test_shared_randomstreams.cpp"));
  CHECK_THROWS_WITH(srng.normal({3}, 0.0, 1.0, std::nullopt, "float13"), Catch::Contains("unknown dtype 'float13'"));
  CHECK_THROWS_WITH(srng.random_integers({3}, 0, 5, std::nullopt, "float64"), Catch::Contains("must be an integer type, got float64"));
  CHECK_THROWS_WITH(srng.uniform({3}, T::dvector("lo")), Catch::Contains("low must be a scalar"));
  CHECK_THROWS_WITH(srng.permutation({3}, 2.5), Catch::Contains("n must be an integer"));
  CHECK_THROWS_WITH(RandomStreams(-1), Catch::Contains("Seed must be between 0 and 2**32 - 1") && Catch::Contains("test_shared_randomstreams.cpp"));
  // Errors found when the function runs: a negative symbolic size, a negative std, a corrupt state.
  auto k = T::lscalar("k");
  auto f = theano::function({k}, srng.uniform(std::vector<IntOrVar>{IntOrVar(k)}));
  CHECK_THROWS_WITH(f(int64_t(-3)), Catch::Contains("RandomFunction{uniform}") && Catch::Contains("negative value"));
  auto s = T::dscalar("s");
  auto g = theano::function({s}, srng.normal({2}, 0.0, s));
  CHECK_THROWS_WITH(g(-1.0), Catch::Contains("std < 0"));
  auto rv = srng.uniform({2});
  rv.rng().set_value(NDArray::zeros(DType::Int64, Dims{3}));
  CHECK_THROWS_WITH(theano::function({}, rv)(), Catch::Contains("must have 627 entries"));
}
