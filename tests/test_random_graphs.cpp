// Random small graphs (issue class "no input crashes it"): each seed builds a graph of 2 to 12 random
// applies over random inputs (ranks 0 to 3, every dtype, some dims declared broadcastable), compiles
// it with the rewrite verifier on in FAST_RUN and FAST_COMPILE, and calls it with random arguments,
// sometimes of the wrong shape or dtype, sometimes with extreme values. Every build, compile and call
// must either work or throw a std::exception (never crash: the suite also runs under ASan + UBSan,
// scripts/sanitize.sh); a call that throws must leave the shared variable it updates unchanged; and
// where both modes give a result for ordinary arguments, the results agree (the rewrites change
// rounding, never values).
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <functional>
#include <random>

#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {

using Rng = std::mt19937_64;

int pick(Rng& r, int n) { return int(r() % uint64_t(n)); }
bool chance(Rng& r, int percent) { return pick(r, 100) < percent; }

const DType kDtypes[] = {DType::Float32, DType::Float64, DType::Int8, DType::Int32, DType::Int64, DType::UInt8, DType::Bool};

// One random apply over the graph so far (or a build error, which the caller counts).
Var random_apply(Rng& r, const std::vector<Var>& vars) {
  const Var& a = vars[size_t(pick(r, int(vars.size())))];
  const Var& b = vars[size_t(pick(r, int(vars.size())))];
  int axis = pick(r, 5) - 2;  // -2 .. 2: sometimes out of range
  switch (pick(r, 24)) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return T::int_div(a, b);
    case 5: return T::pow(a, b);
    case 6: return T::maximum(a, b);
    case 7: return T::switch_(T::gt(a, b), a, b);
    case 8: {
      using U = Var (*)(const Operand&, std::source_location);
      const U unary[] = {T::neg,  T::abs, T::sgn, T::sqr, T::sqrt, T::exp, T::log, T::log1p, T::tanh,
                         T::nnet::sigmoid, T::nnet::softplus, T::nnet::softsign};
      return unary[pick(r, int(std::size(unary)))](a, std::source_location::current());
    }
    case 9: return T::sum(a, chance(r, 30) ? std::nullopt : std::optional<int>(axis));
    case 10: return T::max(a, chance(r, 30) ? std::nullopt : std::optional<int>(axis));
    case 11: return T::argmax(a, chance(r, 30) ? std::nullopt : std::optional<int>(axis));
    case 12: return T::mean(a, chance(r, 30) ? std::nullopt : std::optional<int>(axis));
    case 13: return T::dot(a, b);
    case 14: return T::cast(a, kDtypes[pick(r, int(std::size(kDtypes)))]);
    case 15: return T::transpose(a);
    case 16: return T::flatten(a, 1 + pick(r, 2));
    case 17: {
      std::vector<Index> shape;
      for (int d = 0, n = 1 + pick(r, 3); d < n; ++d) shape.push_back(Index(int64_t(pick(r, 5) - 1)));  // -1 .. 3
      return a.reshape(shape);
    }
    case 18: return a[Index(int64_t(pick(r, 7) - 3))];
    case 19: {
      auto bound = [&]() -> std::optional<IntOrVar> {
        if (chance(r, 30)) return std::nullopt;
        return IntOrVar(int64_t(pick(r, 9) - 4));
      };
      std::optional<IntOrVar> step;
      if (chance(r, 50)) step = IntOrVar(int64_t(chance(r, 50) ? -1 : 2));
      return a[Index(Slice{bound(), bound(), step})];
    }
    case 20: return T::cumsum(a, chance(r, 40) ? std::nullopt : std::optional<int>(axis));
    case 21: return T::nnet::softmax(a);
    case 22: {
      std::vector<DimEntry> p;
      for (int d = a.ndim() - 1; d >= 0; --d) p.push_back(DimEntry(d));
      if (chance(r, 50)) p.insert(p.begin(), DimEntry('x'));
      return a.dimshuffle(p);
    }
    default: return T::arange(T::cast(T::minimum(T::abs(T::sum(a)), 50), "int64"));  // bounded: a huge range is memory, not a bug
  }
}

// An argument for input `v`: its dtype and a shape that matches its type, or (wrong) another one.
NDArray random_argument(Rng& r, const Var& v, bool wrong, bool extreme) {
  DType dt = v.dtype();
  int nd = v.ndim();
  if (wrong && chance(r, 30)) dt = kDtypes[pick(r, int(std::size(kDtypes)))];
  if (wrong && chance(r, 30)) nd = pick(r, 4);
  Dims shape;
  for (int d = 0; d < nd; ++d) {
    bool bcast = d < v.ndim() && v.type().broadcastable(d);
    shape.push_back(bcast && !(wrong && chance(r, 50)) ? 1 : pick(r, 5));  // 0 .. 4
  }
  NDArray a = NDArray::empty(dt, shape);
  std::uniform_real_distribution<double> u(-3, 3);
  const double extremes[] = {0.0, -0.0, 1e30, -1e30, 88.8, -745.0, INFINITY, -INFINITY, NAN, 127, -128, 2147483647};
  for (int64_t i = 0; i < a.size(); ++i) {
    double x = extreme && chance(r, 40) ? extremes[pick(r, int(std::size(extremes)))] : u(r);
    if (!is_float(dt)) x = std::isfinite(x) ? std::round(x) : 0;
    a.set_item(i, x);
  }
  return a;
}

// Results of both modes agree: equal integers and bools, floats within rounding (NaN where NaN).
bool agree(const NDArray& x, const NDArray& y) {
  if (x.dtype() != y.dtype() || !(x.shape() == y.shape())) return false;
  double tol = x.dtype() == DType::Float32 ? 1e-3 : 1e-9;
  for (int64_t i = 0; i < x.size(); ++i) {
    double p = x.item(i), q = y.item(i);
    if (std::isnan(p) || std::isnan(q)) {
      if (std::isnan(p) != std::isnan(q)) return false;
    } else if (std::isinf(p) || std::isinf(q)) {
      if (p != q) return false;
    } else if (std::fabs(p - q) > tol * (1 + std::fabs(p) + std::fabs(q))) {
      return false;
    }
  }
  return true;
}

struct Counts {
  int graphs = 0, build_errors = 0, compiles = 0, compile_errors = 0, calls = 0, call_errors = 0, compared = 0;
};

// Runs f; a std::exception counts as an error, anything else fails the test.
template <class F>
bool works(F&& f, int& errors, std::string& last_error) {
  try {
    f();
    return true;
  } catch (const std::exception& e) {
    ++errors;
    last_error = e.what();
    return false;
  } catch (...) {
    FAIL("a non-std exception escaped");
    return false;
  }
}

void run_seed(uint64_t seed, Counts& n) {
  Rng r(seed);
  INFO("seed " << seed);
  std::vector<Var> inputs;
  for (int i = 0, k = 1 + pick(r, 3); i < k; ++i) {
    std::vector<bool> bc;
    for (int d = 0, nd = pick(r, 4); d < nd; ++d) bc.push_back(chance(r, 25));
    inputs.push_back(T::tensor(kDtypes[pick(r, int(std::size(kDtypes)))], bc, "in" + std::to_string(i)));
  }
  std::vector<Var> vars = inputs;
  std::string error;
  int steps = 2 + pick(r, 11);
  for (int s = 0; s < steps; ++s) {
    Var v;
    if (works([&] { v = random_apply(r, vars); }, n.build_errors, error)) vars.push_back(v);
  }
  ++n.graphs;
  Var out = vars.back();
  // A gradient when the output and an input are float and the graph is differentiable there.
  std::vector<Var> outputs{out};
  if (is_float(out.dtype()) && is_float(inputs[0].dtype())) {
    Var g;
    std::string ignored;
    int grad_errors = 0;
    if (works([&] { g = T::grad(T::sum(out), inputs[0], {.disconnected_inputs = "ignore"}); }, grad_errors, ignored)) outputs.push_back(g);
  }
  SharedVariable W = theano::shared(numpy::zeros({2, 3}), "W");
  std::vector<std::pair<Var, Var>> updates;
  if (is_float(out.dtype()) || is_integer(out.dtype())) updates.push_back({W, W + T::cast(T::mean(out), "float64")});

  Function modes[2];
  bool compiled[2] = {false, false};
  for (int m = 0; m < 2; ++m) {
    ++n.compiles;
    compiled[m] = works(
        [&] {
          modes[m] = theano::function(inputs, outputs,
                                      {.updates = updates,
                                       .on_unused_input = "ignore",
                                       .mode = m == 0 ? "FAST_RUN" : "FAST_COMPILE",
                                       .verify_rewrites = true});
        },
        n.compile_errors, error);
    // The verifier must never fire: a rewrite that breaks a type is a bug, not a bad input.
    INFO(error);
    CHECK(error.rfind("verify failed", 0) == std::string::npos);
  }
  for (int call = 0; call < 4; ++call) {
    bool wrong = call == 3, extreme = call == 2;
    std::vector<NDArray> args;
    for (const Var& v : inputs) args.push_back(random_argument(r, v, wrong, extreme));
    std::vector<Arg> a(args.begin(), args.end());
    Result results[2];
    bool ok[2] = {false, false};
    for (int m = 0; m < 2; ++m) {
      if (!compiled[m]) continue;
      ++n.calls;
      NDArray before = W.get_value();
      ok[m] = works([&] { results[m] = modes[m].call(a); }, n.call_errors, error);
      if (!ok[m]) {
        INFO(error);
        CHECK(values(W.get_value()) == values(before));  // a call that throws applies no update
      }
      W.set_value(before);  // both modes start from the same W
    }
    if (ok[0] && ok[1] && !extreme) {
      ++n.compared;
      for (size_t i = 0; i < outputs.size(); ++i) {
        INFO("output " << i << ": FAST_RUN " << results[0].array(i).str() << ", FAST_COMPILE " << results[1].array(i).str());
        CHECK(agree(results[0].array(i), results[1].array(i)));
      }
    }
  }
}

}  // namespace

TEST_CASE("random graphs: build and compile and call either work or throw a std::exception", "[random_graphs]") {
  Counts n;
  const uint64_t kSeeds = 1500;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) run_seed(seed, n);
  WARN(fmt::format("{} graphs: {} build errors; {} compiles, {} refused; {} calls, {} refused; {} calls compared between the modes",
                   n.graphs, n.build_errors, n.compiles, n.compile_errors, n.calls, n.call_errors, n.compared));
  CHECK(n.graphs == int(kSeeds));
  // The generator must reach the kernels, not only the error paths.
  CHECK(n.calls - n.call_errors > n.calls / 4);
  CHECK(n.compared > int(kSeeds) / 2);
}
