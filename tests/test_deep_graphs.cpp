// Deep graphs (docs/errors.md, "Deep graphs"): every walk over a graph is iterative, so chains of
// 200,000 applies of several shapes build, differentiate, compile (FAST_RUN, FAST_COMPILE, the NaN
// guard), run, print (debugprint, DOT), save their shared variables and are destroyed, in a thread
// with a 256 KB stack, where a walk recursing once per node overflows after a few thousand nodes.
// Every phase is timed (run with -s to see the times) and must stay under a bound far above its
// time here (a guard against quadratic walks, which take many minutes at 200,000 nodes, not a
// speed measurement: bench/ measures speed).
#include <pthread.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <fmt/format.h>
#include <functional>

#include "test_files.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;
namespace P = theano::printing;

namespace {

constexpr int kNodes = 200000;
#if defined(__SANITIZE_ADDRESS__)
// ASan's frames are several times larger and its calls slower: the stack stays small enough that
// one frame per node would overflow within 20,000 nodes, and the time bound is three times larger.
constexpr size_t kSmallStack = 1024 * 1024;
constexpr double kPhaseSeconds = 180;
#else
constexpr size_t kSmallStack = 256 * 1024;
constexpr double kPhaseSeconds = 60;
#endif

// Runs f in a thread whose stack has `bytes` bytes; rethrows what f threw (Catch's assertion
// failures included) in the calling thread.
void on_stack(size_t bytes, const std::function<void()>& f) {
  struct Ctx {
    const std::function<void()>* f;
    std::exception_ptr error;
  } ctx{&f, nullptr};
  pthread_attr_t attr;
  REQUIRE(pthread_attr_init(&attr) == 0);
  REQUIRE(pthread_attr_setstacksize(&attr, bytes) == 0);
  pthread_t t;
  auto body = [](void* p) -> void* {
    auto* c = static_cast<Ctx*>(p);
    try {
      (*c->f)();
    } catch (...) {
      c->error = std::current_exception();
    }
    return nullptr;
  };
  REQUIRE(pthread_create(&t, &attr, body, &ctx) == 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
  if (ctx.error) std::rethrow_exception(ctx.error);
}

// Times phases; each must stay within kPhaseSeconds.
struct Timer {
  std::string log;
  template <class F>
  auto operator()(const std::string& phase, F&& f) {
    auto t0 = std::chrono::steady_clock::now();
    auto finish = [&] {
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      log += fmt::format("{} {:.3f} s; ", phase, s);
      INFO(phase << " took " << s << " s");
      CHECK(s < kPhaseSeconds);
    };
    if constexpr (std::is_void_v<decltype(f())>) {
      f();
      finish();
    } else {
      auto r = f();
      finish();
      return r;
    }
  }
};

// A deep graph: its inputs, one scalar cost, the output to compute, the parameter to differentiate
// for, one call's arguments, and what the output and the gradient must be.
struct Chain {
  std::vector<Var> inputs;
  Var out, cost, wrt;
  std::vector<NDArray> args;
  std::vector<double> want_out, want_grad;
  double tol = 1e-12;
  std::vector<SharedVariable> shared;  // shared variables the graph reads
};

size_t n_applies(const Var& v) { return toposort({v}).size(); }

// x * w, then tanh(y) * 0.5 + 0.25 again and again (5 applies per step: the literals' DimShuffles).
Chain float_chain() {
  Chain c;
  Var x = T::dvector("x");
  SharedVariable w = theano::shared(f64({3}, {0.5, -0.25, 1.0}), "w");
  Var y = x * w;
  std::vector<double> v = {0.3 * 0.5, -0.7 * -0.25, 0.9 * 1.0}, d = {0.5, -0.25, 1.0};  // y and dy/dx
  while (n_applies(y) < size_t(kNodes) - 5) {
    for (int k = 0; k < 1000; ++k) {
      y = T::tanh(y) * 0.5 + 0.25;
      for (size_t i = 0; i < 3; ++i) {
        double t = std::tanh(v[i]);
        d[i] *= (1 - t * t) * 0.5;
        v[i] = t * 0.5 + 0.25;
      }
    }
  }
  c.inputs = {x};
  c.out = y;
  c.cost = T::sum(T::sqr(y));
  c.wrt = x;
  c.args = {f64({3}, {0.3, -0.7, 0.9})};
  c.want_out = v;
  for (size_t i = 0; i < 3; ++i) c.want_grad.push_back(2 * v[i] * d[i]);
  c.shared = {w};
  return c;
}

// The reported case: the tutorial's negative log-likelihood, -mean(log(p)[arange(n), labels]),
// whose labels are a 200,000-node integer expression (labels + 1 - 1 ...).
Chain label_chain() {
  Chain c;
  Var X = T::dmatrix("X"), y = T::ivector("y");
  Var labels = y;
  while (n_applies(labels) < size_t(kNodes))
    for (int k = 0; k < 1000; ++k) labels = labels + 1 - 1;
  Var p = T::nnet::softmax(X);
  c.inputs = {X, y};
  c.cost = -T::mean(T::log(p)[{T::arange(labels.shape()[0]), labels}]);
  c.out = c.cost;
  c.wrt = X;
  std::vector<double> xs = {0.1, 0.7, -0.3, 1.2, 0.0, -0.5}, ys = {2, 0};
  c.args = {f64({2, 3}, xs), arr(DType::Int32, {2}, ys)};
  double cost = 0;
  for (int r = 0; r < 2; ++r) {
    double z = 0;
    for (int j = 0; j < 3; ++j) z += std::exp(xs[size_t(3 * r + j)]);
    for (int j = 0; j < 3; ++j) {
      double pj = std::exp(xs[size_t(3 * r + j)]) / z;
      c.want_grad.push_back((pj - (j == int(ys[size_t(r)]))) / 2);
    }
    cost -= std::log(std::exp(xs[size_t(3 * r + int(ys[size_t(r)]))]) / z) / 2;
  }
  c.want_out = {cost};
  return c;
}

// X (3x4) -> X.T -> reshape (4, 3) -> .T -> dimshuffle('x', 0, 1) -> dimshuffle(1, 2), again and
// again: 5 view applies per step, and X again after each.
Chain reshape_chain() {
  Chain c;
  Var X = T::dmatrix("X");
  Var y = X;
  while (n_applies(y) < size_t(kNodes))
    for (int k = 0; k < 1000; ++k) y = y.T().reshape({4, 3}).T().dimshuffle({'x', 0, 1}).dimshuffle({1, 2});
  c.inputs = {X};
  c.out = y;
  c.cost = T::sum(T::sqr(y));
  c.wrt = X;
  std::vector<double> xs;
  for (int i = 0; i < 12; ++i) xs.push_back(i - 5.5);
  c.args = {f64({3, 4}, xs)};
  c.want_out = xs;
  for (double v : xs) c.want_grad.push_back(2 * v);
  return c;
}

// v[::-1][k:], again and again (2 Subtensor applies per step, one with a symbolic start k = 0).
Chain subtensor_chain() {
  Chain c;
  Var v = T::dvector("v"), k = T::lscalar("k");
  Var y = v;
  while (n_applies(y) < size_t(kNodes))
    for (int i = 0; i < 1000; ++i) y = y[T::slice(std::nullopt, std::nullopt, -1)][T::slice(k, std::nullopt)];
  c.inputs = {v, k};
  c.out = y;
  c.cost = T::sum(T::sqr(y));
  c.wrt = v;
  c.args = {f64({5}, {1, -2, 3, -4, 5}), NDArray::scalar<int64_t>(0)};
  c.want_out = {1, -2, 3, -4, 5};  // an even number of reversals
  c.want_grad = {2, -4, 6, -8, 10};
  return c;
}

// x[0] * x[1] + x[1] * x[2] + ...: a sum of 50,000 products of entries (4 applies per term).
Chain long_sum() {
  Chain c;
  Var x = T::dvector("x");
  std::vector<double> xs = {0.5, -1, 2, 0.25, -0.75, 1.5, 3, -2}, g(8, 0.0);
  Var s = x[0] * x[1];
  double want = xs[0] * xs[1];
  g[0] += xs[1], g[1] += xs[0];
  for (int i = 1; 4 * i < kNodes; ++i) {
    int a = i % 8, b = (i + 1) % 8;
    s = s + x[a] * x[b];
    want += xs[size_t(a)] * xs[size_t(b)];
    g[size_t(a)] += xs[size_t(b)], g[size_t(b)] += xs[size_t(a)];
  }
  c.inputs = {x};
  c.out = s;
  c.cost = s;
  c.wrt = x;
  c.args = {f64({8}, xs)};
  c.want_out = {want};
  c.want_grad = g;
  c.tol = 1e-9;
  return c;
}

// debugprint's text stays linear: no line deeper than the nesting limit, and every apply printed.
void check_debugprint(const std::string& text, size_t applies) {
  size_t lines = 0, longest_prefix = 0, markers = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    size_t prefix = text.find_first_not_of(" |", start) - start;
    longest_prefix = std::max(longest_prefix, prefix);
    markers += text.compare(start + prefix, 3, "...") == 0;
    ++lines;
    start = end + 1;
  }
  INFO(lines << " lines, " << text.size() << " characters, " << markers << " continuations");
  CHECK(lines >= applies);
  CHECK(longest_prefix <= 2 * (128 + 1));
  CHECK(text.size() < lines * (2 * (128 + 1) + 400));
}

// Everything a user does with a graph, in order, each phase timed.
// modes: the compile modes to go through; the NaN guard's walks are the same for every chain shape,
// so two chains take it.
void exercise(const std::function<Chain()>& make, const std::string& name,
              std::vector<const char*> modes = {"FAST_RUN", "FAST_COMPILE"}) {
  Timer time;
  // Declared first, destroyed last: times the teardown of everything below.
  struct Teardown {
    Timer& time;
    std::chrono::steady_clock::time_point t0;
    ~Teardown() {
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      time.log += fmt::format("destroy {:.3f} s", s);
    }
  };
  {
    Teardown teardown{time, {}};
    Chain c = time("build", make);
    size_t applies = n_applies(c.out);
    INFO(name << ": " << applies << " applies");
    CHECK(std::max(applies, n_applies(c.cost)) >= size_t(kNodes) - 5);
    Var g = time("grad", [&] { return T::grad(c.cost, c.wrt); });
    std::vector<Arg> args(c.args.begin(), c.args.end());
    for (const char* mode : modes) {
      FunctionOptions o;
      o.mode = std::string(mode) == "nan_guard" ? "FAST_RUN" : mode;
      o.nan_guard = std::string(mode) == "nan_guard";
      Function f = time(std::string("compile ") + mode, [&] { return theano::function(c.inputs, {c.out, g}, o); });
      Result r = time(std::string("call ") + mode, [&] { return f.call(args); });
      INFO(mode);
      check_close(r.array(0), c.want_out, c.tol, c.tol);
      check_close(r.array(1), c.want_grad, c.tol, c.tol);
      if (std::string(mode) == "FAST_RUN") {
        std::string text = time("debugprint_str function", [&] { return P::debugprint_str(f); });
        check_debugprint(text, f.n_nodes());
        std::string dot = time("dot_str function", [&] { return P::dot_str(f); });
        CHECK(dot.rfind("digraph G {", 0) == 0);
      }
    }
    std::string text = time("debugprint_str graph", [&] { return P::debugprint_str({c.out, g}); });
    check_debugprint(text, applies);
    test_files::TempDir dir("theano_deep");
    time("pydotprint graph", [&] { P::pydotprint({c.out, g}, dir / "graph.dot", {.print_output_file = false}); });
    CHECK(std::filesystem::file_size(dir / "graph.dot") > applies);
    for (SharedVariable& s : c.shared) {
      NDArray before = s.get_value();
      time("checkpoint", [&] {
        theano::save(dir / "params.ckpt", {s});
        theano::load(dir / "params.ckpt", {s});
      });
      CHECK(values(s.get_value()) == values(before));
    }
    teardown.t0 = std::chrono::steady_clock::now();
  }  // the graphs, their gradients and the functions are torn down here
  WARN(name << ": " << time.log);
}

}  // namespace

TEST_CASE("deep graphs: a 200000-node elementwise float chain on a small stack", "[deep]") {
  on_stack(kSmallStack, [] { exercise(float_chain, "float chain", {"FAST_RUN", "FAST_COMPILE", "nan_guard"}); });
}

TEST_CASE("deep graphs: a 200000-node integer label expression in the tutorial cost on a small stack", "[deep]") {
  on_stack(kSmallStack, [] { exercise(label_chain, "label chain", {"FAST_RUN", "FAST_COMPILE", "nan_guard"}); });
}

TEST_CASE("deep graphs: a 200000-node chain of reshapes and dimshuffles on a small stack", "[deep]") {
  on_stack(kSmallStack, [] { exercise(reshape_chain, "reshape chain"); });
}

TEST_CASE("deep graphs: a 200000-node chain of subtensors on a small stack", "[deep]") {
  on_stack(kSmallStack, [] { exercise(subtensor_chain, "subtensor chain"); });
}

TEST_CASE("deep graphs: a sum of 50000 terms on a small stack", "[deep]") {
  on_stack(kSmallStack, [] { exercise(long_sum, "long sum"); });
}
