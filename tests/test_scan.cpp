// theano::scan forward (frontend/theano/scan.hpp, runtime/scan_op.hpp): loop.txt's examples and
// Theano's scan semantics (taps, n_steps, go_backwards, until, map/reduce/foldl/foldr, updates,
// implicit non-sequences), each against a plain C++ loop; and the errors Theano raises.
#include <cmath>
#include <sstream>

#include "runtime/scan_op.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {
NDArray call1(Function& f, std::vector<Arg> args) { return f.call(args).array(0); }

std::string at(int line) { return "(at test_scan.cpp:" + std::to_string(line) + ")"; }
}  // namespace

TEST_CASE("scan computes A to the power k elementwise as loop.txt", "[scan]") {
  auto A = T::dvector("A");
  auto k = T::iscalar("k");
  auto [result, updates] = theano::scan([](const Var& prior_result, const Var& A) { return prior_result * A; },
                                        {.outputs_info = {T::ones_like(A)}, .non_sequences = {A}, .n_steps = k});
  CHECK(updates.empty());
  auto final_result = result[0][-1];
  auto power = theano::function({A, k}, {final_result, result[0]}, {.updates = updates});
  std::vector<double> a = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  Result r = power(f64({10}, a), 5);
  std::vector<double> want;
  for (double v : a) want.push_back(v * v * v * v * v);
  check_close(r.array(0), want);
  NDArray all = r.array(1);
  REQUIRE(all.shape() == Dims({5, 10}));
  for (int64_t t = 0; t < 5; ++t)
    for (int64_t i = 0; i < 10; ++i) CHECK(all.item(t * 10 + i) == std::pow(a[size_t(i)], double(t + 1)));
  // Another k reuses the compiled step.
  check_close(power(f64({10}, a), 2).array(0), {0, 1, 4, 9, 16, 25, 36, 49, 64, 81});
}

TEST_CASE("scan evaluates a polynomial over coefficients and arange as loop.txt", "[scan]") {
  auto coefficients = T::dvector("coefficients");
  auto x = T::dscalar("x");
  const int max_coefficients_supported = 10000;
  auto [components, updates] = theano::scan(
      [](const Var& coefficient, const Var& power, const Var& free_variable) { return coefficient * T::pow(free_variable, power); },
      {.sequences = {coefficients, T::arange(max_coefficients_supported)}, .non_sequences = {x}});
  auto polynomial = components[0].sum();
  auto calculate_polynomial = theano::function({coefficients, x}, polynomial);
  std::vector<double> c = {1, 0, 2};
  double want = 0;
  for (size_t i = 0; i < c.size(); ++i) want += c[i] * std::pow(3.0, double(i));
  CHECK(double(calculate_polynomial(f64({3}, c), 3.0)) == want);  // 19
  CHECK(components[0].ndim() == 1);
}

TEST_CASE("scan runs the tanh of x dot W plus b over the rows of a matrix", "[scan]") {
  auto X = T::dmatrix("X");
  auto W = T::dmatrix("W");
  auto b_sym = T::dvector("b_sym");
  auto [results, updates] = theano::scan([&](const Var& v) { return T::tanh(T::dot(v, W) + b_sym); }, {.sequences = {X}});
  auto compute_elementwise = theano::function({X, W, b_sym}, results[0]);
  numpy::RandomState rng(7);
  NDArray x = random(rng, DType::Float64, {5, 3}, -1, 1), w = random(rng, DType::Float64, {3, 4}, -1, 1), b = random(rng, DType::Float64, {4}, -1, 1);
  NDArray got = call1(compute_elementwise, {x, w, b});
  REQUIRE(got.shape() == Dims({5, 4}));
  for (int t = 0; t < 5; ++t)
    for (int j = 0; j < 4; ++j) {
      double s = b.item(j);
      for (int i = 0; i < 3; ++i) s += x.item(t * 3 + i) * w.item(i * 4 + j);
      CHECK(got.item(t * 4 + j) == Approx(std::tanh(s)).epsilon(1e-14));
    }
}

TEST_CASE("scan feeds back a recurrent state h of an RNN", "[scan]") {
  auto X = T::dmatrix("X");
  auto W = T::dmatrix("W");
  auto U = T::dmatrix("U");
  auto h0 = T::dvector("h0");
  auto [h, updates] = theano::scan(
      [](const Var& x_t, const Var& h_tm1, const Var& W, const Var& U) { return T::tanh(T::dot(x_t, W) + T::dot(h_tm1, U)); },
      {.sequences = {X}, .outputs_info = {h0}, .non_sequences = {W, U}});
  auto f = theano::function({X, W, U, h0}, h[0]);
  numpy::RandomState rng(11);
  NDArray x = random(rng, DType::Float64, {7, 3}, -1, 1), w = random(rng, DType::Float64, {3, 2}, -1, 1),
          u = random(rng, DType::Float64, {2, 2}, -1, 1), init = random(rng, DType::Float64, {2}, -1, 1);
  NDArray got = call1(f, {x, w, u, init});
  REQUIRE(got.shape() == Dims({7, 2}));
  std::vector<double> prev = values(init);
  for (int t = 0; t < 7; ++t) {
    std::vector<double> next(2);
    for (int j = 0; j < 2; ++j) {
      double s = 0;
      for (int i = 0; i < 3; ++i) s += x.item(t * 3 + i) * w.item(i * 2 + j);
      for (int i = 0; i < 2; ++i) s += prev[size_t(i)] * u.item(i * 2 + j);
      next[size_t(j)] = std::tanh(s);
      CHECK(got.item(t * 2 + j) == Approx(next[size_t(j)]).epsilon(1e-14));
    }
    prev = next;
  }
}

TEST_CASE("scan reads a sequence with taps -1 and 0", "[scan]") {
  auto x = T::dvector("x");
  auto [d, updates] = theano::scan([](const Var& x_tm1, const Var& x_t) { return x_t - x_tm1; }, {.sequences = {{x, {-1, 0}}}});
  auto f = theano::function({x}, d[0]);
  std::vector<double> v = {1, 4, 9, 16, 25, 36};
  std::vector<double> want;
  for (size_t t = 1; t < v.size(); ++t) want.push_back(v[t] - v[t - 1]);
  check_close(call1(f, {f64({6}, v)}), want);
  // Future taps: {0, 2} gives len - 2 steps of x[t+2] - x[t].
  auto [d2, u2] = theano::scan([](const Var& a, const Var& c) { return c - a; }, {.sequences = {{x, {0, 2}}}});
  auto f2 = theano::function({x}, d2[0]);
  check_close(call1(f2, {f64({6}, v)}), {8, 12, 16, 20});
}

TEST_CASE("scan feeds back an output with taps -2 and -1 as Fibonacci", "[scan]") {
  auto init = T::lvector("init");
  auto n = T::lscalar("n");
  auto [fib, updates] = theano::scan([](const Var& a, const Var& b) { return a + b; },
                                     {.outputs_info = {{init, {-2, -1}}}, .n_steps = n});
  auto f = theano::function({init, n}, fib[0]);
  NDArray got = call1(f, {i64({2}, {0, 1}), 10});
  std::vector<double> want;
  double a = 0, b = 1;
  for (int t = 0; t < 10; ++t) {
    double c = a + b;
    want.push_back(c);
    a = b;
    b = c;
  }
  CHECK(got.dtype() == DType::Int64);
  check_close(got, want);
  // The initial value may hold more states than the taps read: only the first |min tap| count.
  check_close(call1(f, {i64({3}, {2, 3, 100}), 3}), {5, 8, 13});
}

TEST_CASE("scan with go_backwards reads the sequence from its end", "[scan]") {
  auto x = T::dvector("x");
  auto s0 = T::dscalar("s0");
  auto [acc, updates] = theano::scan([](const Var& x_t, const Var& s) { return s * 10 + x_t; },
                                     {.sequences = {x}, .outputs_info = {s0}, .go_backwards = true});
  auto f = theano::function({x, s0}, acc[0]);
  check_close(call1(f, {f64({4}, {1, 2, 3, 4}), 0.0}), {4, 43, 432, 4321});
  // Taps with go_backwards: Theano reverses each tap's slice, so x[t-1] is read after x[t].
  auto [d, u2] = theano::scan([](const Var& a, const Var& b) { return b * 10 + a; }, {.sequences = {{x, {-1, 0}}}, .go_backwards = true});
  auto g = theano::function({x}, d[0]);
  check_close(call1(g, {f64({4}, {1, 2, 3, 4})}), {43, 32, 21});
}

TEST_CASE("scan runs a symbolic n_steps and refuses sequences too short", "[scan]") {
  auto x = T::dvector("x");
  auto n = T::iscalar("n");
  auto [y, updates] = theano::scan([](const Var& x_t) { return x_t * 2; }, {.sequences = {x}, .n_steps = n});
  auto f = theano::function({x, n}, y[0]);
  check_close(call1(f, {f64({5}, {1, 2, 3, 4, 5}), 3}), {2, 4, 6});
  CHECK(call1(f, {f64({5}, {1, 2, 3, 4, 5}), 0}).shape() == Dims({0}));
  int line = __LINE__ - 4;  // where the scan was built
  CHECK_THAT(error_of([&] { call1(f, {f64({5}, {1, 2, 3, 4, 5}), 6}); }),
             Catch::StartsWith("Sequence is shorter than the required number of steps: n_steps is 6 but sequence 0 (shape (5,), taps {0}) has "
                               "5 usable rows (in for{cpu,scan_fn} created at test_scan.cpp:" + std::to_string(line) + ";"));
  CHECK_THAT(error_of([&] { call1(f, {f64({5}, {1, 2, 3, 4, 5}), -1}); }),
             Catch::StartsWith("Scan was asked to run for negative number of step -1 (in for{cpu,scan_fn} created at test_scan.cpp:" +
                               std::to_string(line) + ";"));
  // Without n_steps: the shortest sequence decides.
  auto z = T::dvector("z");
  auto [w, u2] = theano::scan([](const Var& a, const Var& b) { return a * b; }, {.sequences = {x, z}});
  auto g = theano::function({x, z}, w[0]);
  check_close(call1(g, {f64({4}, {1, 2, 3, 4}), f64({2}, {10, 20})}), {10, 40});
}

TEST_CASE("scan stops at the step where until holds", "[scan]") {
  auto limit = T::dscalar("limit");
  auto s0 = T::dscalar("s0");
  auto [powers, updates] = theano::scan(
      [](const Var& prev, const Var& limit) {
        Var next = prev * 2;
        return ScanStep{.outputs = {next}, .until = scan_module::until(T::gt(next, limit))};
      },
      {.outputs_info = {s0}, .non_sequences = {limit}, .n_steps = 1024});
  auto f = theano::function({s0, limit}, powers[0]);
  CHECK(f.schedule().size() >= 1);
  std::vector<double> want;
  for (double v = 1; v <= 40;) {
    v *= 2;
    want.push_back(v);
  }
  check_close(call1(f, {1.0, 40.0}), want);  // 2 4 8 16 32 64: the step that passed the limit is kept
  check_close(call1(f, {1.0, 1e9}), [] {
    std::vector<double> all;
    double v = 1;
    for (int t = 0; t < 1024 && v <= 1e9; ++t) all.push_back(v *= 2);
    return all;
  }());
  // n_steps bounds the loop when the condition never holds.
  check_close(call1(f, {1.0, 40.0}), want);
}

TEST_CASE("map reduce foldl and foldr follow Theano", "[scan]") {
  auto x = T::dvector("x");
  auto a0 = T::dscalar("a0");
  auto [sq, u1] = theano::map([](const Var& v) { return v * v; }, {x});
  auto [total, u2] = theano::reduce([](const Var& v, const Var& acc) { return acc + v; }, {x}, {a0});
  auto [left, u3] = theano::foldl([](const Var& v, const Var& acc) { return acc * 10 + v; }, {x}, {a0});
  auto [right, u4] = theano::foldr([](const Var& v, const Var& acc) { return acc * 10 + v; }, {x}, {a0});
  CHECK(total[0].ndim() == 0);
  auto f = theano::function({x, a0}, {sq[0], total[0], left[0], right[0]});
  Result r = f(f64({4}, {1, 2, 3, 4}), 0.0);
  check_close(r.array(0), {1, 4, 9, 16});
  CHECK(r.scalar(1) == 10);
  CHECK(r.scalar(2) == 1234);
  CHECK(r.scalar(3) == 4321);
}

TEST_CASE("scan reads shared variables as implicit non-sequences and carries updates", "[scan]") {
  auto W = theano::shared(f64({2}, {2, 3}), "W");
  auto count = theano::shared(0.0, "count");
  auto x = T::dmatrix("x");
  Var w = W, c = count;
  auto [y, updates] = theano::scan(
      [&](const Var& x_t) {
        return ScanStep{.outputs = {x_t * w + c}, .updates = {{count, c + 1}}};
      },
      {.sequences = {x}});
  REQUIRE(updates.size() == 1);
  CHECK(updates[0].first == c);
  auto f = theano::function({x}, y[0], {.updates = updates});
  NDArray got = call1(f, {f64({3, 2}, {1, 1, 2, 2, 3, 3})});
  // Each step reads the count as the previous steps left it.
  check_close(got, {2, 3, 5, 7, 8, 11});
  CHECK(count.get_value().item(0) == 3);
  W.set_value(f64({2}, {1, 1}));
  check_close(call1(f, {f64({1, 2}, {5, 6})}), {8, 9});
  CHECK(count.get_value().item(0) == 4);
  // strict: every shared variable fn reads must be a non-sequence.
  CHECK_THAT(error_of([&] { theano::scan([&](const Var& x_t) { return x_t * w; }, {.sequences = {x}, .strict = true}); }),
             Catch::StartsWith("theano::scan: strict scan: the step reads the shared variable 'W', which is not in non_sequences."));
  auto [y2, u2] = theano::scan([](const Var& x_t, const Var& w) { return x_t * w; }, {.sequences = {x}, .non_sequences = {w}, .strict = true});
  check_close(run({x}, y2[0], {f64({1, 2}, {5, 6})}), {5, 6});
}

TEST_CASE("scan refuses outputs that change shape between steps", "[scan][errors]") {
  auto k = T::lvector("k");
  int built = __LINE__ + 1;
  auto [r, updates] = theano::scan([](const Var& k_t) { return T::arange(k_t); }, {.sequences = {k}});
  auto f = theano::function({k}, r[0]);
  check_close(call1(f, {i64({2}, {3, 3})}), {0, 1, 2, 0, 1, 2});
  CHECK_THAT(error_of([&] { call1(f, {i64({2}, {3, 4})}); }),
             Catch::StartsWith("output 0 of the step has shape (4,) at step 1 but shape (3,) at step 0: an output of scan must keep one shape "
                               "across steps (in for{cpu,scan_fn} created at test_scan.cpp:" + std::to_string(built) + ";"));
  // A fed-back state must keep its initial value's shape.
  auto v0 = T::dvector("v0");
  auto [g, u2] = theano::scan([](const Var& v) { return T::concatenate({v, v}); }, {.outputs_info = {v0}, .n_steps = 2});
  auto fg = theano::function({v0}, g[0]);
  CHECK_THROWS_WITH(call1(fg, {f64({2}, {1, 2})}), Catch::Contains("its initial value's is (2,)"));
}

TEST_CASE("scan refuses a step whose dtype differs from its initial value", "[scan][errors]") {
  auto x0 = T::dscalar("x0");
  std::string m = error_of([&] { theano::scan([](const Var& x) { return T::cast(x, "float32"); }, {.outputs_info = {x0}, .n_steps = 3}); });
  int line = __LINE__ - 1;
  CHECK(m ==
        "theano::scan: When compiling the inner function of scan the following error has been encountered: The initial state "
        "(`outputs_info` in scan nomenclature) of variable 'x0' (argument number 0) has dtype float64, while the result of the inner "
        "function (`fn`) has dtype float32. This can happen if the inner function of scan results in an upcast or downcast. " + at(line));
  CHECK_THAT(error_of([&] { theano::scan([](const Var& x) { return T::stack({x, x}); }, {.outputs_info = {x0}, .n_steps = 3}); }),
             Catch::StartsWith("theano::scan: output 0: the initial state (`outputs_info` in scan nomenclature) of variable 'x0' (argument "
                               "number 0) has 0 dimension(s), while the corresponding variable in the result of the inner function of scan "
                               "(`fn`) has 1 dimension(s)"));
  m = error_of([&] { theano::scan([](const Var& a, const Var& b) { return a + b; }, {.outputs_info = {x0}, .n_steps = 3}); });
  line = __LINE__ - 1;
  CHECK(m ==
        "theano::scan: fn takes 2 argument(s) but scan passes 1: 0 sequence tap(s), 1 output tap(s) and 0 non-sequence(s), in that order " + at(line));
  CHECK_THROWS_WITH(theano::scan([](const Var& a) { return a; }, {.outputs_info = {{T::dvector("i"), {-1, 0}}}, .n_steps = 3}),
                    Catch::Contains("All the tap values must be smaller than 0."));
  m = error_of([&] { theano::scan([]() { return T::constant(NDArray::scalar(1.0)); }, {}); });
  line = __LINE__ - 1;
  CHECK(m ==
        "theano::scan: No information about the number of steps provided. Either provide a value for n_steps argument of scan or provide "
        "an input sequence " + at(line));
  m = error_of([&] { theano::scan([](const Var& a) { return a; }, {.outputs_info = {x0}, .n_steps = T::dscalar("n")}); });
  line = __LINE__ - 1;
  CHECK(m == "theano::scan:  n_steps must be an int. dtype provided is float64 " + at(line));
}

TEST_CASE("grad through scan is refused by name", "[scan][errors]") {
  auto x = T::dvector("x");
  auto [y, updates] = theano::scan([](const Var& x_t) { return x_t * x_t; }, {.sequences = {x}});
  CHECK_THAT(error_of([&] { T::grad(y[0].sum(), x); }), Catch::StartsWith("grad of scan is not implemented yet (for{cpu,scan_fn}: "));
}

TEST_CASE("debugprint shows the scan node and its inner graph below", "[scan][printing]") {
  auto A = T::dvector("A");
  auto k = T::iscalar("k");
  auto [result, updates] = theano::scan([](const Var& prior_result, const Var& A) { return prior_result * A; },
                                        {.outputs_info = {T::ones_like(A)}, .non_sequences = {A}, .n_steps = k});
  // Theano's layout: the outer graph, then each scan's step below its line with the prefix " >",
  // an inner input pointing at the outer input it reads.
  CHECK(theano::printing::debugprint_str(result[0]) ==
        "for{cpu,scan_fn} [id A] ''   \n"
        " |k [id B]\n"
        " |Elemwise{second,no_inplace} [id C] ''   \n"
        " | |A [id D]\n"
        " | |DimShuffle{x} [id E] ''   \n"
        " |   |TensorConstant{1.0} [id F]\n"
        " |A [id D]\n"
        "\n"
        "Inner graphs of the scan ops:\n"
        "\n"
        "for{cpu,scan_fn} [id A] ''   \n"
        " >Elemwise{mul,no_inplace} [id G] ''   \n"
        " > |<TensorType(float64, vector)> [id H] -> [id C]\n"
        " > |A_copy [id I] -> [id D]\n");
  // A compiled function prints its scan with the schedule's index, and the step as compiled.
  auto f = theano::function({A, k}, result[0][-1], {.mode = "FAST_RUN"});
  std::string text = theano::printing::debugprint_str(f);
  CHECK_THAT(text, Catch::Contains(" |for{cpu,scan_fn} [id B] ''   1\n") && Catch::Contains("Inner graphs of the scan ops:\n\nfor{cpu,scan_fn} [id B] ''   1\n >Elemwise{mul,no_inplace}"));
  // Nested scans: the inner scan's step follows the outer one's.
  auto x = T::dmatrix("x");
  auto [sums, u2] = theano::scan(
      [](const Var& row) { return theano::scan([](const Var& e, const Var& acc) { return acc + e; }, {.sequences = {row}, .outputs_info = {T::constant(NDArray::scalar(0.0))}, .name = "inner"}).outputs[0][-1]; },
      {.sequences = {x}, .name = "outer"});
  std::string nested = theano::printing::debugprint_str(sums[0]);
  CHECK_THAT(nested, Catch::Contains("for{cpu,outer}") && Catch::Contains(" > |for{cpu,inner}") && Catch::Contains("\nfor{cpu,inner}"));
  check_close(run({x}, sums[0], {f64({2, 3}, {1, 2, 3, 4, 5, 6})}), {6, 15});
}

TEST_CASE("the shape of a scan output needs no loop", "[scan]") {
  auto x = T::dmatrix("x");
  auto h0 = T::dvector("h0");
  auto [out, updates] = theano::scan([](const Var& x_tm1, const Var& x_t, const Var& h) { return std::vector<Var>{h + x_t - x_tm1, x_t.sum()}; },
                                     {.sequences = {{x, {-1, 0}}}, .outputs_info = {h0, std::nullopt}});
  auto f = theano::function({x, h0}, {out[0].shape(), out[1].shape()}, {.mode = "FAST_RUN"});  // the shape rewrites
  for (Apply* a : f.schedule()) CHECK(a->op->name() != "Scan");
  Result r = f(f64({4, 3}, std::vector<double>(12, 1.0)), f64({3}, {0, 0, 0}));
  check_close(r.array(0), {3, 3});
  check_close(r.array(1), {3});
  // The same values as the loop's outputs.
  auto g = theano::function({x, h0}, {out[0], out[1]});
  Result full = g(f64({4, 3}, std::vector<double>(12, 1.0)), f64({3}, {0, 0, 0}));
  CHECK(full.array(0).shape() == Dims({3, 3}));
  CHECK(full.array(1).shape() == Dims({3}));
}

TEST_CASE("a shared variable updated by a view of itself keeps its steps apart", "[scan]") {
  // M := M.T + 1 at each step: the new value reads the state it replaces.
  auto M = theano::shared(f64({2, 2}, {1, 2, 3, 4}), "M");
  Var m = M;
  auto n = T::lscalar("n");
  auto [out, updates] = theano::scan([&]() { return ScanStep{.outputs = {m.sum()}, .updates = {{m, m.T() + 0.0}}}; }, {.n_steps = n});
  auto f = theano::function({n}, out[0], {.updates = updates});
  check_close(call1(f, {3}), {10, 10, 10});
  check_close(M.get_value(), {1, 3, 2, 4});  // transposed an odd number of times
  auto [out2, u2] = theano::scan([&]() { return ScanStep{.outputs = {m[0][1]}, .updates = {{m, m.T()}}}; }, {.n_steps = n});
  auto g = theano::function({n}, out2[0], {.updates = u2});
  check_close(call1(g, {4}), {3, 2, 3, 2});
  check_close(M.get_value(), {1, 3, 2, 4});
}

TEST_CASE("the step is compiled once with the rewrite pipeline", "[scan]") {
  auto X = T::dmatrix("X");
  auto W = T::dmatrix("W");
  auto b = T::dvector("b");
  auto [h, updates] = theano::scan([](const Var& x_t, const Var& W, const Var& b) { return T::tanh(T::dot(x_t, W) + b) * 2; },
                                   {.sequences = {X}, .non_sequences = {W, b}});
  const auto& op = dynamic_cast<const ScanOp&>(*h[0].owner()->op);
  Function step = op.inner_function();
  CHECK(step.fgraph().outputs().size() == 1);
  // Under FAST_RUN the step's elementwise ops are fused into one loop, as in any compiled function.
  if (config().mode != "FAST_COMPILE") {
    bool fused = false;
    for (Apply* a : step.schedule()) fused |= a->op->str().find("Composite") != std::string::npos;
    CHECK(fused);
  }
  // Compiling and calling outer functions reuses that same step.
  auto f = theano::function({X, W, b}, h[0]);
  auto g = theano::function({X, W, b}, h[0].sum());
  NDArray x = f64({3, 2}, {1, 2, 3, 4, 5, 6}), w = f64({2, 2}, {0.1, 0.2, 0.3, 0.4}), bb = f64({2}, {0.5, -0.5});
  NDArray got = call1(f, {x, w, bb});
  CHECK(double(g(x, w, bb)) == Approx(values(got)[0] + values(got)[1] + values(got)[2] + values(got)[3] + values(got)[4] + values(got)[5]));
  CHECK(&op.inner_function().impl() == &step.impl());
}

TEST_CASE("until over a sequence keeps the steps run and their count", "[scan]") {
  auto x = T::dvector("x");
  auto [y, updates] = theano::scan(
      [](const Var& x_t) { return ScanStep{.outputs = {x_t * 2}, .until = scan_module::until(T::gt(x_t, 3))}; }, {.sequences = {x}});
  auto f = theano::function({x}, {y[0], y[0].shape()[0]});
  Result r = f(f64({5}, {1, 2, 5, 1, 7}));
  check_close(r.array(0), {2, 4, 10});
  CHECK(r.array(1).item(0) == 3);
  r = f(f64({3}, {1, 1, 1}));  // never true: every step
  check_close(r.array(0), {2, 2, 2});
  CHECK(r.array(1).item(0) == 3);
  CHECK(theano::printing::debugprint_str(y[0]).rfind("while{cpu,scan_fn}", 0) == 0);
}
