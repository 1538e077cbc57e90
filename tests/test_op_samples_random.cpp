// Op table rows (tests/op_table.hpp): Theano's mrg_uniform (ops/random_mrg.hpp) on state matrices
// given as inputs, against the independent MRG31k3p of tests/mrg_reference.hpp: the new state and the
// sample, in float32 and float64, with more elements than streams and fewer, several sizes through one
// compiled graph, and the inputs the kernel refuses.
#include "mrg_reference.hpp"
#include "op_naive.hpp"
#include "ops/multinomial.hpp"
#include "ops/random_mrg.hpp"

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
