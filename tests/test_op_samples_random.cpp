// Op table rows (tests/op_table.hpp): Theano's mrg_uniform (ops/random_mrg.hpp) on state matrices
// given as inputs, against the independent MRG31k3p of tests/mrg_reference.hpp: the new state and the
// sample, in float32 and float64, with more elements than streams and fewer, several sizes through one
// compiled graph, and the inputs the kernel refuses. Then RandomFunction (ops/random_numpy.hpp)
// against numpy's RandomState methods, MultinomialFromUniform, ChoiceFromUniform and undefined_grad.
#include <algorithm>
#include <cmath>

#include "mrg_reference.hpp"
#include "op_naive.hpp"
#include "ops/multinomial.hpp"
#include "ops/random_mrg.hpp"
#include "ops/random_numpy.hpp"
#include "core/numpy_random.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
namespace ref = mrg_reference;
using V = const std::vector<Var>&;
using A = const Arrays&;

namespace {

// n_streams rows: the streams of a seed, as MRG_RandomStreams makes them.
NDArray state_matrix(int64_t seed, int64_t n_streams) {
  NDArray a = NDArray::empty(DType::Int32, Dims{n_streams, 6});
  std::vector<ref::State> rows = ref::streams(ref::seeded(seed), n_streams);
  for (int64_t i = 0; i < n_streams; ++i)
    for (int k = 0; k < 6; ++k) a.data<int32_t>()[i * 6 + k] = int32_t(rows[size_t(i)][size_t(k)]);
  return a;
}

// (new state, sample) for a state matrix and a size vector.
Arrays reference(const NDArray& state, const NDArray& size, DType dtype) {
  std::vector<ref::State> rows;
  for (int64_t i = 0; i < state.shape(0); ++i) {
    ref::State s;
    for (int k = 0; k < 6; ++k) s[size_t(k)] = state.item_int64(i * 6 + k);
    rows.push_back(s);
  }
  Dims shape;
  for (int64_t i = 0; i < size.size(); ++i) shape.push_back(size.item_int64(i));
  std::vector<int64_t> z = ref::draws(rows, shape.product());
  NDArray sample = NDArray::empty(dtype, shape);
  for (int64_t i = 0; i < sample.size(); ++i) {
    if (dtype == DType::Float32) sample.data<float>()[i] = ref::f32(z[size_t(i)]);
    else sample.data<double>()[i] = ref::f64(z[size_t(i)]);
  }
  NDArray next = NDArray::empty(DType::Int32, state.shape());
  for (size_t i = 0; i < rows.size(); ++i)
    for (int k = 0; k < 6; ++k) next.data<int32_t>()[i * 6 + size_t(k)] = int32_t(rows[i][size_t(k)]);
  return {next, sample};
}

Input size_of(std::vector<double> dims) { return i64s(std::move(dims)); }

Rows mrg_rows() {
  Rows s;
  for (DType dt : {DType::Float32, DType::Float64}) {
    std::string name = std::string("mrg_uniform in ") + std::string(dtype_name(dt));
    auto build = [dt](V x) {
      auto [state, sample] = ops::mrg_uniform(x[0], x[1], 2, dt);
      return std::vector<Var>{state, sample};
    };
    auto naive = [dt](A x) { return reference(x[0], x[1], dt); };
    s.push_back({.name = name + " of a 3 x 7 sample from 5 streams",
                 .build = build,
                 .inputs = {fixed(state_matrix(843828734, 5)), size_of({3, 7})},
                 .naive = naive,
                 .tol = [](DType) { return Tol{}; },
                 .errors = {{.args = {fixed(state_matrix(7, 5)), size_of({3, -7})}, .contains = {"mrg_uniform", "negative value"}},
                            {.args = {fixed(NDArray::zeros(DType::Int32, Dims{5, 4})), size_of({3, 7})}, .contains = {"6 columns"}},
                            {.args = {fixed(state_matrix(7, 5)), size_of({3})}, .contains = {"size must have length 2 (not 1)"}},
                            {.run = [] { ops::mrg_uniform(T::imatrix("r"), T::lvector("s"), 1, DType::Int32); },
                             .contains = {"mrg_uniform", "float32 or float64, got int32"}},
                            {.run = [] { ops::mrg_uniform(T::lmatrix("r"), T::lvector("s"), 1, DType::Float64); },
                             .contains = {"rstate must be an int32 matrix"}}}});
    s.push_back({.name = name + " of fewer elements than streams, more, and none through one graph",
                 .build = build,
                 .inputs = Inputs::each({{fixed(state_matrix(12345, 9)), size_of({2, 3})},
                                         {fixed(state_matrix(99, 4)), size_of({5, 11})},
                                         {fixed(state_matrix(3, 9)), size_of({0, 3})}}),
                 .naive = naive,
                 .tol = [](DType) { return Tol{}; },
                 .repeats_sizes = true});
  }
  return s;
}
OP_TABLE_ROWS(mrg_rows);

// Theano's definitions (sandbox/multinomial.py, its C code): row r's draw c reads uniform c * rows + r
// and takes the first outcome whose running sum (in double) exceeds it.
NDArray multinomial_counts(const NDArray& p, const NDArray& u, int64_t n, DType odtype) {
  int64_t rows = p.shape(0), k = p.shape(1);
  std::vector<double> z(size_t(rows * k), 0.0);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t r = 0; r < rows; ++r) {
      double run = 0;
      for (int64_t m = 0; m < k; ++m) {
        run += p.item(r * k + m);
        if (run > u.item(c * rows + r)) {
          z[size_t(r * k + m)] += 1;
          break;
        }
      }
    }
  return naive::expect(odtype, p.shape(), z);
}
// Without replacement: the drawn outcome's probability becomes 0 and the row is divided by its new
// sum (the entries before it, then the rest), in pvals' dtype.
template <class F>
NDArray choices(const NDArray& p, const NDArray& u, int64_t n, DType odtype) {
  int64_t rows = p.shape(0), k = p.shape(1);
  std::vector<double> z(size_t(rows * n), -1.0);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<F> q;
    for (int64_t m = 0; m < k; ++m) q.push_back(F(p.item(r * k + m)));
    for (int64_t c = 0; c < n; ++c) {
      double run = 0;
      for (int64_t m = 0; m < k; ++m) {
        run += q[size_t(m)];
        if (run <= u.item(c * rows + r)) continue;
        z[size_t(r * n + c)] = double(m);
        F sum = F(run - q[size_t(m)]);
        q[size_t(m)] = 0;
        for (int64_t j = m; j < k; ++j) sum = sum + q[size_t(j)];
        for (auto& v : q) v = v / sum;
        break;
      }
    }
  }
  return naive::expect(odtype, Dims{rows, n}, z);
}

Input probabilities(const Dims& shape) {
  return [shape](DType dt, Rng& rng, const Arrays&) {
    NDArray a = NDArray::empty(dt, shape);
    for (int64_t r = 0; r < shape[0]; ++r) {
      std::vector<double> w;
      double total = 0;
      for (int64_t m = 0; m < shape[1]; ++m) total += w.emplace_back(rng.uniform(0.1, 1.0));
      for (int64_t m = 0; m < shape[1]; ++m) a.set_item(r * shape[1] + m, w[size_t(m)] / total);
    }
    return a;
  };
}

Rows multinomial_rows() {
  Rows s;
  s.push_back({.name = "MultinomialFromUniform counts 4 draws per row of 3 distributions over 5 outcomes",
               .build = [](V x) { return ops::multinomial_from_uniform(x[0], x[1], x[2], DType::Int64); },
               .inputs = {probabilities(Dims{3, 5}), U(Dims{12}, 0, 1), lscalar(4)},
               .dtypes = kFloats,
               .naive = [](A x) { return multinomial_counts(x[0], x[1], 4, DType::Int64); },
               .errors = {{.args = {probabilities(Dims{3, 5}), U(Dims{11}, 0, 1), lscalar(4)}, .contains = {"MultinomialFromUniform", "unis.shape[0] != pvals.shape[0] * n"}},
                          {.run = [] { ops::multinomial_from_uniform(T::dvector("p"), T::dvector("u"), T::lscalar("n"), DType::Int64); },
                           .contains = {"pvals must be a float matrix"}}}});
  s.push_back({.name = "MultinomialFromUniform in float32 counts with one draw and a row summing below its uniform",
               .build = [](V x) { return ops::multinomial_from_uniform(x[0], x[1], x[2], DType::Float32); },
               .inputs = {vals(Dims{2, 3}, {0.2, 0.3, 0.5, 0.1, 0.1, 0.1}), vals(Dims{2}, {0.45, 0.9}), lscalar(1)},
               .dtypes = kFloats,
               .naive = [](A x) { return multinomial_counts(x[0], x[1], 1, DType::Float32); }});
  for (DType dt : kFloats) {
    s.push_back({.name = std::string("ChoiceFromUniform draws 3 of 7 outcomes without replacement in ") + std::string(dtype_name(dt)),
                 .build = [](V x) { return ops::choice_from_uniform(x[0], x[1], x[2], DType::Int64, false); },
                 .inputs = {probabilities(Dims{5, 7}), U(Dims{15}, 0, 1), lscalar(3)},
                 .dtypes = {dt},
                 .naive = [dt](A x) {
                   return dt == DType::Float32 ? choices<float>(x[0], x[1], 3, DType::Int64) : choices<double>(x[0], x[1], 3, DType::Int64);
                 },
                 .errors = {{.args = {probabilities(Dims{5, 7}), U(Dims{40}, 0, 1), lscalar(8)},
                             .contains = {"ChoiceFromUniform", "bigger than the size of the distribution"}}}});
  }
  return s;
}
OP_TABLE_ROWS(multinomial_rows);

// Theano's RandomFunction (ops/random_numpy.hpp) against numpy's RandomState methods drawing the
// whole sample at once: the state after the draws and the sample cast to the op's dtype.
NDArray generator_state(int64_t seed, int warmup_draws, bool cached_gauss) {
  numpy::RandomState r(seed);
  for (int i = 0; i < warmup_draws; ++i) r.next_uint32();  // a pos inside the key, not at its end
  if (cached_gauss) r.randn();
  return r.get_state();
}

Dims dims_of(const NDArray& size) {
  Dims d;
  for (int64_t i = 0; i < size.size(); ++i) d.push_back(size.item_int64(i));
  return d;
}

// numpy's binomial for n * min(p, 1 - p) <= 30 from its definition: the smallest k whose cumulative
// probability reaches one uniform, a new uniform past min(n, np + 10 sqrt(np q + 1)); with p > 0.5,
// n minus the count drawn with 1 - p.
int64_t binomial_of(numpy::RandomState& rng, int64_t n, double p) {
  if (n == 0 || p == 0.0) return 0;
  bool flip = p > 0.5;
  double pp = flip ? 1.0 - p : p, q = 1.0 - pp, np = double(n) * pp;
  int64_t bound = std::min<int64_t>(n, int64_t(np + 10.0 * std::sqrt(np * q + 1)));
  for (;;) {
    double u = rng.random_sample(), prob = std::exp(double(n) * std::log(q));
    int64_t k = 0;
    for (; u > prob && k < bound; ++k) {
      u -= prob;
      prob = double(n - k) * pp * prob / (double(k + 1) * q);
    }
    if (u <= prob) return flip ? n - k : k;
  }
}

// numpy's poisson from the methods it names: below 10, one less than the number of uniforms whose
// running product first falls to exp(-lam) (Knuth); from 10, Hoermann's PTRS as his paper states it,
// with the C library's log-gamma.
int64_t poisson_of(numpy::RandomState& rng, double lam) {
  if (lam == 0) return 0;
  if (lam < 10) {
    int64_t k = 0;
    double prod = rng.random_sample();
    while (prod > std::exp(-lam)) ++k, prod *= rng.random_sample();
    return k;
  }
  const double b = 0.931 + 2.53 * std::sqrt(lam), a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), v_r = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    double u = rng.random_sample() - 0.5, v = rng.random_sample(), us = 0.5 - std::abs(u);
    auto k = int64_t(std::floor((2 * a / us + b) * u + lam + 0.43));
    if (us >= 0.07 && v <= v_r) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v * inv_alpha / (a / (us * us) + b)) <= -lam + double(k) * std::log(lam) - std::lgamma(double(k) + 1)) return k;
  }
}

Arrays numpy_reference(ops::NumpyDraw draw, DType dtype, A x) {
  numpy::RandomState r(0);
  r.set_state(x[0]);
  Dims shape = dims_of(x[1]);
  NDArray drawn;
  switch (draw) {
    case ops::NumpyDraw::Uniform: drawn = r.uniform(x[2].item(0), x[3].item(0), shape); break;
    case ops::NumpyDraw::Normal: drawn = r.normal(x[2].item(0), x[3].item(0), shape); break;
    case ops::NumpyDraw::RandomIntegers: drawn = r.randint(x[2].item_int64(0), x[3].item_int64(0) + 1, shape); break;
    case ops::NumpyDraw::Binomial: {
      drawn = NDArray::empty(DType::Int64, shape);
      for (int64_t k = 0; k < drawn.size(); ++k) drawn.data<int64_t>()[k] = binomial_of(r, x[2].item_int64(0), x[3].item(0));
      break;
    }
    case ops::NumpyDraw::Poisson: {
      drawn = NDArray::empty(DType::Int64, shape);
      for (int64_t k = 0; k < drawn.size(); ++k) drawn.data<int64_t>()[k] = poisson_of(r, x[2].item(0));
      break;
    }
    case ops::NumpyDraw::Permutation: {
      int64_t n = x[2].item_int64(0);
      Dims full = shape;
      full.push_back(n);
      drawn = NDArray::empty(DType::Int64, full);
      for (int64_t row = 0; row < shape.product(); ++row) {
        NDArray perm = r.permutation(n);
        for (int64_t k = 0; k < n; ++k) drawn.data<int64_t>()[row * n + k] = perm.item_int64(k);
      }
      break;
    }
  }
  return {r.get_state(), numpy::asarray(drawn, dtype)};
}

Input dscalar_of(double v) { return fixed(NDArray::scalar<double>(v)); }

Rows numpy_random_rows() {
  using ops::NumpyDraw;
  Rows s;
  auto build = [](NumpyDraw draw, DType dt, int nparams) {
    return [=](V x) {
      std::vector<Var> params(x.begin() + 2, x.begin() + 2 + nparams);
      auto [state, sample] = ops::random_function(draw, x[0], x[1], params, 2, dt);
      return std::vector<Var>{state, sample};
    };
  };
  auto naive = [](NumpyDraw draw, DType dt) { return [=](A x) { return numpy_reference(draw, dt, x); }; };
  auto exact = [](DType) { return Tol{}; };
  for (DType dt : kFloats) {
    std::string in = std::string(" in ") + std::string(dtype_name(dt));
    s.push_back({.name = "RandomFunction{uniform} of a 3 x 7 sample in [-2, 3)" + in,
                 .build = build(NumpyDraw::Uniform, dt, 2),
                 .inputs = {fixed(generator_state(17, 5, false)), size_of({3, 7}), dscalar_of(-2), dscalar_of(3)},
                 .naive = naive(NumpyDraw::Uniform, dt),
                 .tol = exact,
                 .errors = {{.args = {fixed(generator_state(17, 0, false)), size_of({3, -7}), dscalar_of(0), dscalar_of(1)},
                             .contains = {"RandomFunction{uniform}", "negative value"}},
                            {.args = {fixed(NDArray::zeros(DType::Int64, Dims{626})), size_of({3, 7}), dscalar_of(0), dscalar_of(1)},
                             .contains = {"must have 627 entries"}},
                            {.args = {fixed(generator_state(17, 0, false)), size_of({3, 7}), dscalar_of(0), dscalar_of(numpy::inf)},
                             .contains = {"range exceeds valid bounds"}},
                            {.run = [] { ops::random_function(NumpyDraw::Uniform, T::lvector("r"), T::lvector("s"), {T::dscalar("a"), T::dscalar("b")}, 1, DType::Int32); },
                             .contains = {"RandomFunction{uniform}", "float32 or float64, got int32"}},
                            {.run = [] { ops::random_function(NumpyDraw::Uniform, T::lvector("r"), T::lvector("s"), {T::dvector("a"), T::dscalar("b")}, 1, DType::Float64); },
                             .contains = {"parameter 0 must be a scalar"}},
                            {.run = [] { ops::random_function(NumpyDraw::Normal, T::imatrix("r"), T::lvector("s"), {T::dscalar("a"), T::dscalar("b")}, 1, DType::Float64); },
                             .contains = {"the state must be an int64 vector"}}}});
    s.push_back({.name = "RandomFunction{normal} of 5 x 3 from a state holding a cached gaussian" + in,
                 .build = build(NumpyDraw::Normal, dt, 2),
                 .inputs = Inputs::each({{fixed(generator_state(99, 3, true)), size_of({5, 3}), dscalar_of(0.5), dscalar_of(2)},
                                         {fixed(generator_state(4, 700, false)), size_of({2, 9}), dscalar_of(-1), dscalar_of(0.1)}}),
                 .naive = naive(NumpyDraw::Normal, dt),
                 .tol = exact,
                 .repeats_sizes = true,
                 .errors = {{.args = {fixed(generator_state(17, 0, false)), size_of({3, 7}), dscalar_of(0), dscalar_of(-1)},
                             .contains = {"RandomFunction{normal}", "std < 0"}}}});
  }
  for (DType dt : {DType::Int64, DType::Float32}) {
    std::string in = std::string(" in ") + std::string(dtype_name(dt));
    s.push_back({.name = "RandomFunction{binomial} of 6 x 5 with n 13 and p 0.35 or 0.9 and of n 0" + in,
                 .build = build(NumpyDraw::Binomial, dt, 2),
                 .inputs = Inputs::each({{fixed(generator_state(21, 4, false)), size_of({6, 5}), lscalar(13), dscalar_of(0.35)},
                                         {fixed(generator_state(22, 0, true)), size_of({6, 5}), lscalar(13), dscalar_of(0.9)},
                                         {fixed(generator_state(23, 0, false)), size_of({2, 3}), lscalar(0), dscalar_of(0.5)}}),
                 .naive = naive(NumpyDraw::Binomial, dt),
                 .tol = exact,
                 .repeats_sizes = true,
                 .errors = {{.args = {fixed(generator_state(5, 0, false)), size_of({2, 3}), lscalar(100), dscalar_of(0.5)},
                             .contains = {"RandomFunction{binomial}", "BTPE"}},
                            {.args = {fixed(generator_state(5, 0, false)), size_of({2, 3}), lscalar(3), dscalar_of(1.5)},
                             .contains = {"p < 0, p > 1 or p is NaN"}},
                            {.args = {fixed(generator_state(5, 0, false)), size_of({2, 3}), lscalar(-3), dscalar_of(0.5)},
                             .contains = {"n < 0"}}}});
  }
  for (DType dt : {DType::Int64, DType::Float64}) {
    std::string in = std::string(" in ") + std::string(dtype_name(dt));
    s.push_back({.name = "RandomFunction{poisson} of 5 x 7 with lam 3.5 and 27 and of lam 0" + in,
                 .build = build(NumpyDraw::Poisson, dt, 1),
                 .inputs = Inputs::each({{fixed(generator_state(31, 2, false)), size_of({5, 7}), dscalar_of(3.5)},
                                         {fixed(generator_state(32, 0, true)), size_of({5, 7}), dscalar_of(27)},
                                         {fixed(generator_state(33, 0, false)), size_of({2, 3}), dscalar_of(0)}}),
                 .naive = naive(NumpyDraw::Poisson, dt),
                 .tol = exact,
                 .repeats_sizes = true,
                 .errors = {{.args = {fixed(generator_state(5, 0, false)), size_of({2, 3}), dscalar_of(-0.5)},
                             .contains = {"RandomFunction{poisson}", "lam < 0 or lam is NaN"}},
                            {.args = {fixed(generator_state(5, 0, false)), size_of({2, 3}), dscalar_of(std::nan(""))},
                             .contains = {"lam < 0 or lam is NaN"}}}});
  }
  for (DType dt : {DType::Int64, DType::Int32, DType::Int8}) {
    std::string in = std::string(" in ") + std::string(dtype_name(dt));
    s.push_back({.name = "RandomFunction{random_integers_helper} of 4 x 5 in [-3, 9]" + in,
                 .build = build(NumpyDraw::RandomIntegers, dt, 2),
                 .inputs = {fixed(generator_state(5, 11, false)), size_of({4, 5}), lscalar(-3), lscalar(9)},
                 .naive = naive(NumpyDraw::RandomIntegers, dt),
                 .errors = {{.args = {fixed(generator_state(5, 0, false)), size_of({4, 5}), lscalar(3), lscalar(2)},
                             .contains = {"random_integers_helper", "low > high"}}}});
    s.push_back({.name = "RandomFunction{permutation_helper} of 3 x 2 permutations of 7 and of none" + in,
                 .build = build(NumpyDraw::Permutation, dt, 1),
                 .inputs = Inputs::each({{fixed(generator_state(8, 2, false)), size_of({3, 2}), lscalar(7)},
                                         {fixed(generator_state(8, 0, false)), size_of({0, 2}), lscalar(7)}}),
                 .naive = naive(NumpyDraw::Permutation, dt),
                 .repeats_sizes = true,
                 .errors = {{.args = {fixed(generator_state(8, 0, false)), size_of({3, 2}), lscalar(-1)}, .contains = {"permutation", "n must not be negative"}}}});
  }
  return s;
}
OP_TABLE_ROWS(numpy_random_rows);

Rows undefined_grad_rows() {
  Rows s;
  s.push_back({.name = "undefined_grad is its input of any dtype and of a transposed input",
               .build = [](V x) { return std::vector<Var>{ops::undefined_grad(x[0]), ops::undefined_grad(x[1].T())}; },
               .inputs = {U(Dims{3, 5}), U(Dims{7, 2})},
               .dtypes = kNumeric,
               .naive = [](A x) { return Arrays{x[0], naive::dimshuffle(x[1], {1, 0})}; },
               .errors = {{.run =
                               [] {
                                 auto w = T::dscalar("w");
                                 T::grad(ops::undefined_grad(w) * 2.0, w);
                               },
                           .contains = {"gradient with respect to 'w' is undefined", "undefined_grad"}}}});
  return s;
}
OP_TABLE_ROWS(undefined_grad_rows);

}  // namespace
