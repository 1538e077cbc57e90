// Gemm written in place (runtime/inplace_updates.hpp, ops/blas.hpp): the SGD step W - lr * dot(a.T, g)
// as Gemm{inplace} straight into W's storage, bit for bit as the copying step; a call that throws
// writes nothing; whatever aliases W's buffer falls back to the copying step and stays correct; and
// the memory plan lets Gemm write over a dying Z.
#include <cstring>
#include <tuple>

#include "graph/op.hpp"
#include "runtime/function_impl.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
using theano::numpy::RandomState;
namespace T = theano::tensor;
namespace P = theano::printing;

namespace {

bool same_bits(const NDArray& a, const NDArray& b) {
  if (a.dtype() != b.dtype() || !(a.shape() == b.shape())) return false;
  NDArray ca = a.copy(), cb = b.copy();
  return std::memcmp(ca.raw(), cb.raw(), ca.nbytes()) == 0;
}

size_t count_steps(const Function& f, const std::string& op) {
  size_t n = 0;
  for (const Step& s : f.impl().steps) n += s.op->str() == op;
  return n;
}

// The updates the last call of f wrote straight into their shared variable.
size_t written_in_place(const Function& f) {
  size_t n = 0;
  for (const UpdateBinding& u : f.impl().updates) n += u.in_place;
  return n;
}

const void* buffer_of(const SharedVariable& w) { return w.get_value(/*borrow=*/true).buffer().get(); }

// Three fresh float64 matrices.
std::tuple<Var, Var, Var> matrices() { return {T::matrix("a", DType::Float64), T::matrix("c", DType::Float64), T::matrix("d", DType::Float64)}; }

Var sgd(const Var& w, const Var& x, const Var& g) { return w - 0.1 * T::dot(x.T(), g); }

// W0 - 0.1 * dot(x.T, g) computed by the copying step (Gemm{no_inplace}) on a shared copy of W0.
NDArray copying_step(const NDArray& w0, const NDArray& x, const NDArray& g) {
  SharedVariable w = theano::shared(w0.copy(), "w_ref");
  auto [a, c, d] = matrices();
  Function f = theano::function({a, c}, std::vector<Var>{}, {.updates = {{w, sgd(w, a, c)}}, .optimizer_excluding = {"local_inplace_gemm"}});
  REQUIRE(count_steps(f, "Gemm{no_inplace}") == 1);
  f(x, g);
  return w.get_value();
}

}  // namespace

TEST_CASE("Gemm{inplace}: the SGD step writes into its shared variable bit for bit as the copying step", "[inplace]") {
  RandomState rng(7);
  auto [a, c, d] = matrices();
  NDArray w0 = random(rng, DType::Float64, Dims{3, 2}, -1, 1);
  SharedVariable w = theano::shared(w0.copy(), "W"), v = theano::shared(w0.copy(), "V");
  Function f = theano::function({a, c}, T::sum(a), {.updates = {{w, sgd(w, a, c)}}});
  Function g = theano::function({a, c}, T::sum(a), {.updates = {{v, sgd(v, a, c)}}, .optimizer_excluding = {"local_inplace_gemm"}});
  CHECK(P::debugprint_str(f).find("Gemm{inplace}") != std::string::npos);
  CHECK(count_steps(g, "Gemm{inplace}") == 0);
  CHECK(count_steps(g, "Gemm{no_inplace}") == 1);
  // The Gemm{inplace} step runs last; the buffer of W stays W's.
  CHECK(f.impl().steps.back().op->str() == "Gemm{inplace}");
  const void* buffer = buffer_of(w);
  for (int step = 0; step < 5; ++step) {
    NDArray x = random(rng, DType::Float64, Dims{5, 3}, -1, 1), gr = random(rng, DType::Float64, Dims{5, 2}, -1, 1);
    CHECK(double(f(x, gr)) == double(g(x, gr)));
    CHECK(written_in_place(f) == 1);
    CHECK(written_in_place(g) == 0);
    CHECK(same_bits(w.get_value(), v.get_value()));
    CHECK(buffer_of(w) == buffer);
  }
  // Excluded by its own name or with every in-place write.
  for (const char* name : {"local_inplace_gemm", "inplace"}) {
    Function h = theano::function({a, c}, T::sum(a), {.updates = {{w, sgd(w, a, c)}}, .optimizer_excluding = {name}});
    CHECK(count_steps(h, "Gemm{inplace}") == 0);
  }
}

TEST_CASE("a call that throws with Gemm{inplace} steps leaves every shared variable as it was", "[inplace][errors]") {
  RandomState rng(8);
  auto [a, c, d] = matrices();
  SharedVariable w1 = theano::shared(random(rng, DType::Float64, Dims{3, 2}, -1, 1), "W1");
  SharedVariable w2 = theano::shared(random(rng, DType::Float64, Dims{3, 4}, -1, 1), "W2");
  Var idx = T::lvector("idx");
  // Both updates in place; the second output indexes a result of the forward pass with idx.
  Function f = theano::function({a, c, d, idx}, {T::sum(a), (a * 2)[idx]}, {.updates = {{w1, sgd(w1, a, c)}, {w2, sgd(w2, a, d)}}});
  REQUIRE(count_steps(f, "Gemm{inplace}") == 2);
  NDArray x = random(rng, DType::Float64, Dims{5, 3}, -1, 1), g1 = random(rng, DType::Float64, Dims{5, 2}, -1, 1);
  NDArray g2 = random(rng, DType::Float64, Dims{5, 4}, -1, 1);
  NDArray want1 = copying_step(w1.get_value(), x, g1), want2 = copying_step(w2.get_value(), x, g2);
  f(x, g1, g2, i64(Dims{1}, {4}));
  CHECK(written_in_place(f) == 2);
  CHECK(same_bits(w1.get_value(), want1));
  CHECK(same_bits(w2.get_value(), want2));

  NDArray before1 = w1.get_value(), before2 = w2.get_value();
  struct Bad {
    const char* what;
    NDArray d;
    NDArray idx;
    const char* message;
  };
  for (const Bad& bad : {Bad{"an out-of-range index", g2, i64(Dims{1}, {7}), "out of bounds"},
                         Bad{"a gradient of the wrong length (not aligned)", random(rng, DType::Float64, Dims{6, 4}, -1, 1), i64(Dims{1}, {0}),
                             "not aligned"},
                         Bad{"a gradient of the wrong width (Z does not fit)", random(rng, DType::Float64, Dims{5, 5}, -1, 1), i64(Dims{1}, {0}),
                             "does not fit"}}) {
    INFO(bad.what);
    std::string msg = error_of([&] { f(x, g1, bad.d, bad.idx); });
    CHECK(msg.find(bad.message) != std::string::npos);
    CHECK(msg.find("no update was applied") != std::string::npos);
    CHECK(same_bits(w1.get_value(), before1));
    CHECK(same_bits(w2.get_value(), before2));
  }
  // The next good call writes in place again.
  want1 = copying_step(before1, x, g1);
  want2 = copying_step(before2, x, g2);
  f(x, g1, g2, i64(Dims{1}, {0}));
  CHECK(written_in_place(f) == 2);
  CHECK(same_bits(w1.get_value(), want1));
  CHECK(same_bits(w2.get_value(), want2));
}

TEST_CASE("outputs are computed before updates: W and a view of it are returned as W before its Gemm{inplace}", "[inplace]") {
  RandomState rng(9);
  auto [a, c, d] = matrices();
  NDArray w0 = random(rng, DType::Float64, Dims{3, 2}, -1, 1);
  SharedVariable w = theano::shared(w0.copy(), "W");
  Function f = theano::function({a, c}, {w, w.T()}, {.updates = {{w, sgd(w, a, c)}}});
  REQUIRE(count_steps(f, "Gemm{inplace}") == 1);
  NDArray x = random(rng, DType::Float64, Dims{5, 3}, -1, 1), g = random(rng, DType::Float64, Dims{5, 2}, -1, 1);
  Result r = f(x, g);
  CHECK(written_in_place(f) == 1);
  CHECK(same_bits(r.array(0), w0));
  CHECK(values(r.array(1)) == values(w0.view(Dims{2, 3}, Dims{1, 2}, 0).copy()));
  CHECK(same_bits(w.get_value(), copying_step(w0, x, g)));
}

TEST_CASE("W's buffer aliased elsewhere: the Gemm{inplace} step falls back to copying and stays correct", "[inplace]") {
  RandomState rng(10);
  auto [a, c, d] = matrices();
  NDArray w0 = random(rng, DType::Float64, Dims{3, 2}, -1, 1);
  NDArray x = random(rng, DType::Float64, Dims{5, 3}, -1, 1), g = random(rng, DType::Float64, Dims{5, 2}, -1, 1);
  NDArray want = copying_step(w0, x, g);

  SECTION("W is another update's value") {
    SharedVariable w = theano::shared(w0.copy(), "W"), old = theano::shared(NDArray::zeros(DType::Float64, Dims{3, 2}), "old");
    Function f = theano::function({a, c}, std::vector<Var>{}, {.updates = {{w, sgd(w, a, c)}, {old, w}}});
    f(x, g);
    CHECK(written_in_place(f) == 0);
    CHECK(same_bits(old.get_value(), w0));
    CHECK(same_bits(w.get_value(), want));
  }
  SECTION("the caller holds W's value, borrowed") {
    SharedVariable w = theano::shared(w0.copy(), "W");
    Function f = theano::function({a, c}, std::vector<Var>{}, {.updates = {{w, sgd(w, a, c)}}});
    NDArray held = w.get_value(/*borrow=*/true);
    f(x, g);
    CHECK(written_in_place(f) == 0);
    CHECK(same_bits(held, w0));
    CHECK(same_bits(w.get_value(), want));
    held = NDArray();
    w.set_value(w0);
    f(x, g);
    CHECK(written_in_place(f) == 1);
    CHECK(same_bits(w.get_value(), want));
  }
  SECTION("W is a strided view of the caller's array, or shares its buffer with another shared variable") {
    NDArray mt = w0.view(Dims{2, 3}, Dims{1, 2}, 0).copy();  // W0 transposed, C-contiguous
    NDArray mt_copy = mt.copy();
    SharedVariable w = theano::shared(w0.copy(), "W");
    w.set_value(mt.view(Dims{3, 2}, Dims{1, 3}, 0), /*borrow=*/true);  // W0 again, as a transposed view of mt
    Function f = theano::function({a, c}, std::vector<Var>{}, {.updates = {{w, sgd(w, a, c)}}});
    f(x, g);
    CHECK(written_in_place(f) == 0);
    CHECK(same_bits(mt, mt_copy));
    CHECK(same_bits(w.get_value(), want));

    NDArray both = w0.copy();
    SharedVariable w1 = theano::shared(both, "W1", /*borrow=*/true), w2 = theano::shared(both, "W2", /*borrow=*/true);
    both = NDArray();
    Function f2 = theano::function({a, c, d}, std::vector<Var>{}, {.updates = {{w1, sgd(w1, a, c)}, {w2, sgd(w2, a, d)}}});
    REQUIRE(count_steps(f2, "Gemm{inplace}") == 2);
    f2(x, g, g);
    CHECK(written_in_place(f2) == 0);
    CHECK(same_bits(w1.get_value(), want));
    CHECK(same_bits(w2.get_value(), want));
  }
  SECTION("an operand reads W, or another update step's W") {
    NDArray s0 = random(rng, DType::Float64, Dims{3, 3}, -1, 1);
    SharedVariable s = theano::shared(s0.copy(), "S"), w = theano::shared(w0.copy(), "W");
    // S - 0.1 * dot(S.T, S): X and Y are S itself.
    Function self = theano::function({}, std::vector<Var>{}, {.updates = {{s, sgd(s, s, s)}}});
    REQUIRE(count_steps(self, "Gemm{inplace}") == 1);
    self();
    CHECK(written_in_place(self) == 0);
    SharedVariable s_ref = theano::shared(s0.copy(), "S_ref");
    Function self_ref = theano::function({}, std::vector<Var>{}, {.updates = {{s_ref, sgd(s_ref, s_ref, s_ref)}}, .optimizer_excluding = {"inplace"}});
    self_ref();
    CHECK(same_bits(s.get_value(), s_ref.get_value()));
    // W in place; S's step reads W (as X of dot(W, d)): S is computed before W is written.
    s.set_value(s0);
    SharedVariable s_ref2 = theano::shared(s0.copy(), "S_ref"), w_ref = theano::shared(w0.copy(), "W_ref");
    auto both = [&](SharedVariable& sv, SharedVariable& wv, std::vector<std::string> excluding) {
      return theano::function({a, c, d}, std::vector<Var>{},
                              {.updates = {{wv, sgd(wv, a, c)}, {sv, sv - 0.1 * T::dot(wv, d)}}, .optimizer_excluding = excluding});
    };
    Function two = both(s, w, {}), two_ref = both(s_ref2, w_ref, {"inplace"});
    REQUIRE(count_steps(two, "Gemm{inplace}") == 2);
    NDArray e = random(rng, DType::Float64, Dims{2, 3}, -1, 1);
    two(x, g, e);
    two_ref(x, g, e);
    CHECK(written_in_place(two) == 1);
    CHECK(same_bits(w.get_value(), want));
    CHECK(same_bits(w.get_value(), w_ref.get_value()));
    CHECK(same_bits(s.get_value(), s_ref2.get_value()));
  }
  SECTION("givens replace W, NaN guard on: no Gemm{inplace}") {
    SharedVariable w = theano::shared(w0.copy(), "W"), other = theano::shared(w0.copy(), "other");
    Function f = theano::function({a, c}, std::vector<Var>{}, {.updates = {{w, sgd(w, a, c)}}, .givens = {{w, other * 1.0}}});
    CHECK(count_steps(f, "Gemm{inplace}") == 0);
    f(x, g);
    CHECK(same_bits(w.get_value(), want));
    CHECK(same_bits(other.get_value(), w0));
    w.set_value(w0);
    Function guarded = theano::function({a, c}, std::vector<Var>{}, {.updates = {{w, sgd(w, a, c)}}, .nan_guard = true});
    CHECK(count_steps(guarded, "Gemm{inplace}") == 0);
    guarded(x, g);
    CHECK(same_bits(w.get_value(), want));
  }
}

TEST_CASE("a profiled function times its Gemm{inplace} step and reports the update written in place", "[inplace][profile]") {
  RandomState rng(11);
  auto [a, c, d] = matrices();
  NDArray w0 = random(rng, DType::Float64, Dims{3, 2}, -1, 1);
  SharedVariable w = theano::shared(w0.copy(), "W");
  Function f = theano::function({a, c}, T::sum(a), {.updates = {{w, sgd(w, a, c)}}, .profile = true});
  NDArray x = random(rng, DType::Float64, Dims{5, 3}, -1, 1), g = random(rng, DType::Float64, Dims{5, 2}, -1, 1);
  f(x, g);
  CHECK(written_in_place(f) == 1);
  CHECK(same_bits(w.get_value(), copying_step(w0, x, g)));
  std::string s = profile_str(f);
  CHECK(s.find("Updates written into their shared variable (Gemm{inplace}): 1") != std::string::npos);
  CHECK(s.find("Gemm{inplace} (in place)") != std::string::npos);
  CHECK(f.profiler()->step_calls(f.impl().steps.size() - 1) == 1);
}

TEST_CASE("the memory plan lets Gemm write over a dying Z", "[inplace][memory]") {
  RandomState rng(12);
  auto [a, c, d] = matrices();
  Var x = T::matrix("x", DType::Float64), b = T::matrix("b", DType::Float64);
  Var z = T::tanh(x);
  for (bool z_is_operand : {false, true}) {
    INFO((z_is_operand ? "Z - dot(Z, b): X shares Z's buffer, so the step writes its own" : "Z - dot(a, b)"));
    Var out = z_is_operand ? z - T::dot(z, b) : z - T::dot(a, b);
    Function f = theano::function({x, a, b}, out, {.on_unused_input = "ignore"});
    Function plain = theano::function({x, a, b}, out, {.on_unused_input = "ignore", .optimizer_excluding = {"inplace"}});
    const Step* gemm = nullptr;
    for (const Step& s : f.impl().steps)
      if (s.op->name() == "Gemm") gemm = &s;
    REQUIRE(gemm);
    CHECK(gemm->op->str() == "Gemm{no_inplace}");
    CHECK(f.impl().memory_plan.n_inplace() == 1);
    CHECK(plain.impl().memory_plan.n_inplace() == 0);
    for (int call = 0; call < 3; ++call) {
      NDArray xv = random(rng, DType::Float64, Dims{4, 4}, -1, 1), av = random(rng, DType::Float64, Dims{4, 3}, -1, 1);
      NDArray bv = random(rng, DType::Float64, Dims{z_is_operand ? 4 : 3, 4}, -1, 1);
      CHECK(same_bits(f(xv, av, bv).array(0), plain(xv, av, bv).array(0)));
      CHECK((gemm->in[0] == gemm->out[0]) == !z_is_operand);  // the run-time check took Z's buffer, or not
    }
  }
}
