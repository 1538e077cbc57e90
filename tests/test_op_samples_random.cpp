// Op table rows (tests/op_table.hpp): Theano's mrg_uniform (ops/random_mrg.hpp) on state matrices
// given as inputs, against the independent MRG31k3p of tests/mrg_reference.hpp: the new state and the
// sample, in float32 and float64, with more elements than streams and fewer, several sizes through one
// compiled graph, and the inputs the kernel refuses.
#include "mrg_reference.hpp"
#include "op_naive.hpp"
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

}  // namespace
