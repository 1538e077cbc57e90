// The "Using Random Numbers" section of Theano's doc/tutorial/examples.txt (examples/doc_tutorial.hpp's
// page "random"). The doc prints few numbers; those it prints come from numpy's RandomState alone,
// which our RandomStreams reproduces bit for bit, so they are printed here as the doc prints them.
// Where the doc only says what a line does ("same numbers as g_val0!"), the page adds the
// numpy.array_equal line that shows it, comparing with numpy::RandomState draws made by hand.
#pragma once
#include <optional>
#include <type_traits>

#include "doc_tutorial.hpp"

namespace doc_tutorial {

namespace random_page {

using theano::sandbox::rng_mrg::MRG_RandomStreams;
using theano::tensor::shared_randomstreams::RandomStreams;

// The doc's arrays are float64, Theano's default floatX (ours is float32): the samples say so.
inline constexpr const char* kDocFloatX = "float64";

inline bool array_equal(const NDArray& a, const NDArray& b) {
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
  for (int64_t k = 0; k < a.size(); ++k)
    if (a.item(k) != b.item(k)) return false;
  return true;
}

// The doc's Graph: a model holding its random streams and one sample.
template <class Streams>
struct Graph {
  explicit Graph(int64_t seed = 123) : rng(seed), y(rng.uniform({1}, 0.0, 1.0, std::nullopt, kDocFloatX)) {}
  Streams rng;
  Var y;
};

// The doc's copy_random_state: the MRG object's next state, then every generator's state in order.
template <class Streams>
void copy_random_state(Graph<Streams>& g1, Graph<Streams>& g2) {
  if constexpr (std::is_same_v<Streams, MRG_RandomStreams>) g2.rng.set_rstate(g1.rng.rstate());
  for (size_t i = 0; i < g1.rng.state_updates().size() && i < g2.rng.state_updates().size(); ++i) {
    auto su2 = g2.rng.state_updates()[i].state;  // a handle: set_value changes g2's variable
    su2.set_value(g1.rng.state_updates()[i].state.get_value());
  }
}

}  // namespace random_page

inline void Pages::random() {
  using namespace random_page;
  say("== examples.txt: Using Random Numbers ==");
  // Brief Example
  RandomStreams srng(234);
  auto rv_u = srng.uniform({2, 2}, 0.0, 1.0, std::nullopt, kDocFloatX);
  auto rv_n = srng.normal({2, 2}, 0.0, 1.0, std::nullopt, kDocFloatX);
  Function f = theano::function({}, rv_u);
  Function g = theano::function({}, rv_n, {.no_default_updates = true});  // Not updating rv_n.rng
  Function nearly_zeros = theano::function({}, rv_u + rv_u - 2 * rv_u);
  say(">>> f_val0 = f()");
  NDArray f_val0 = f().array();
  say(">>> f_val1 = f()  #different numbers from f_val0");
  NDArray f_val1 = f().array();
  say(">>> numpy.array_equal(f_val0, f_val1)");
  say(repr(array_equal(f_val0, f_val1)));
  say(">>> g_val0 = g()  # different numbers from f_val0 and f_val1");
  NDArray g_val0 = g().array();
  say(">>> g_val1 = g()  # same numbers as g_val0!");
  NDArray g_val1 = g().array();
  say(">>> numpy.array_equal(g_val0, g_val1)");
  say(repr(array_equal(g_val0, g_val1)));
  say(">>> nearly_zeros = function([], rv_u + rv_u - 2 * rv_u)");

  // Seeding Streams
  say(">>> rng_val = rv_u.rng.get_value(borrow=True)   # Get the rng for rv_u");
  numpy::RandomState rng_val = rv_u.rng().get_value(true);
  say(">>> rng_val.seed(89234)                         # seeds the generator");
  rng_val.seed(89234);
  say(">>> rv_u.rng.set_value(rng_val, borrow=True)    # Assign back seeded rng");
  rv_u.rng().set_value(rng_val, true);
  say(">>> numpy.array_equal(f(), numpy.random.RandomState(89234).uniform(size=(2, 2)))");
  say(repr(array_equal(f().array(), numpy::RandomState(89234).uniform(0.0, 1.0, {2, 2}))));
  say(">>> srng.seed(902340)  # seeds rv_u and rv_n with different seeds each");
  srng.seed(902340);
  say(">>> seedgen = numpy.random.RandomState(902340)");
  numpy::RandomState seedgen(902340);
  say(">>> u_seed, n_seed = seedgen.randint(2 ** 30), seedgen.randint(2 ** 30)");
  int64_t u_seed = seedgen.randint(int64_t(1) << 30);
  int64_t n_seed = seedgen.randint(int64_t(1) << 30);
  say(">>> numpy.array_equal(g(), numpy.random.RandomState(n_seed).normal(size=(2, 2)))");
  say(repr(array_equal(g().array(), numpy::RandomState(n_seed).normal(0.0, 1.0, {2, 2}))));

  // Sharing Streams Between Functions
  say(">>> state_after_v0 = rv_u.rng.get_value().get_state()");
  NDArray state_after_v0 = rv_u.rng().get_value().get_state();
  say(">>> numpy.array_equal(state_after_v0[1], numpy.random.RandomState(u_seed).get_state()[1])");
  say(repr(array_equal(state_after_v0, numpy::RandomState(u_seed).get_state())));
  say(">>> nearly_zeros()       # this affects rv_u's generator");
  say(repr(nearly_zeros()));
  say(">>> v1 = f()");
  NDArray v1 = f().array();
  say(">>> rng = rv_u.rng.get_value(borrow=True)");
  numpy::RandomState rng = rv_u.rng().get_value(true);
  say(">>> rng.set_state(state_after_v0)");
  rng.set_state(state_after_v0);
  say(">>> rv_u.rng.set_value(rng, borrow=True)");
  rv_u.rng().set_value(rng, true);
  say(">>> v2 = f()             # v2 != v1");
  NDArray v2 = f().array();
  say(">>> v3 = f()             # v3 == v1");
  NDArray v3 = f().array();
  say(">>> numpy.array_equal(v2, v1), numpy.array_equal(v3, v1)");
  say("(" + repr(array_equal(v2, v1)) + ", " + repr(array_equal(v3, v1)) + ")");

  // Copying Random State Between Theano Graphs
  {
    Graph<RandomStreams> g1(123);
    Function f1 = theano::function({}, g1.y);
    Graph<RandomStreams> g2(987);
    Function f2 = theano::function({}, g2.y);
    say(">>> # By default, the two functions are out of sync.");
    say(">>> f1()");
    say(repr(f1()));
    say(">>> f2()");
    say(repr(f2()));
    say(">>> # We now copy the state of the theano random number generators.");
    say(">>> copy_random_state(g1, g2)");
    copy_random_state(g1, g2);
    say(">>> f1()");
    say(repr(f1()));
    say(">>> f2()");
    say(repr(f2()));
  }

  // Other Implementations: the same Graph on MRG31k3p streams.
  {
    say(">>> from theano.sandbox.rng_mrg import MRG_RandomStreams as RandomStreams");
    Graph<MRG_RandomStreams> g1(123);
    Function f1 = theano::function({}, g1.y);
    Graph<MRG_RandomStreams> g2(987);
    Function f2 = theano::function({}, g2.y);
    say(">>> numpy.array_equal(f1(), f2())");
    say(repr(array_equal(f1().array(), f2().array())));
    say(">>> copy_random_state(g1, g2)");
    copy_random_state(g1, g2);
    say(">>> numpy.array_equal(f1(), f2())");
    say(repr(array_equal(f1().array(), f2().array())));
    say(">>> numpy.array_equal(g1.rng.rstate, g2.rng.rstate)");
    say(repr(g1.rng.rstate() == g2.rng.rstate()));
  }
}

}  // namespace doc_tutorial
