// Op table rows (tests/op_table.hpp): Theano's dot of N-d tensors, tensordot, batched_dot (the
// BatchedDot op in every rank combination) and batched_tensordot, against a reference written from
// numpy's definition of tensordot (a sum over the paired axes, loop by loop), with their errors.
#include "op_naive.hpp"
#include "ops/batched_dot.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
using V = const std::vector<Var>&;
using A = const Arrays&;

namespace {

// numpy.tensordot(a, b, (axes_a, axes_b)): out[a's other indices, b's other indices] = the sum over
// the paired indices of a[...] * b[...]; with `batched`, index 0 of both is one index of out, first.
NDArray tensordot_ref(const NDArray& a, const NDArray& b, const std::vector<int>& axes_a, const std::vector<int>& axes_b, bool batched = false) {
  const int first = batched ? 1 : 0;
  auto others = [&](const NDArray& v, const std::vector<int>& summed) {
    std::vector<int> r;
    for (int d = first; d < v.ndim(); ++d)
      if (std::find(summed.begin(), summed.end(), d) == summed.end()) r.push_back(d);
    return r;
  };
  const std::vector<int> oa = others(a, axes_a), ob = others(b, axes_b);
  Dims out_shape, sum_shape;
  if (batched) out_shape.push_back(a.shape(0));
  for (int d : oa) out_shape.push_back(a.shape(d));
  for (int d : ob) out_shape.push_back(b.shape(d));
  for (int d : axes_a) sum_shape.push_back(a.shape(d));
  const int64_t n_out = out_shape.product(), n_sum = sum_shape.product();
  std::vector<double> values;
  for (int64_t o = 0; o < n_out; ++o) {
    const Dims oi = naive::unravel(o, out_shape);
    Dims ia = Dims::filled(a.ndim(), 0), ib = Dims::filled(b.ndim(), 0);
    int k = 0;
    if (batched) ia[0] = ib[0] = oi[k++];
    for (int d : oa) ia[d] = oi[k++];
    for (int d : ob) ib[d] = oi[k++];
    long double acc = 0;
    for (int64_t s = 0; s < n_sum; ++s) {
      const Dims si = naive::unravel(s, sum_shape);
      for (size_t j = 0; j < axes_a.size(); ++j) ia[axes_a[j]] = ib[axes_b[j]] = si[int(j)];
      acc += (long double)a.item(naive::ravel(ia, a.shape())) * b.item(naive::ravel(ib, b.shape()));
    }
    values.push_back(double(acc));
  }
  return naive::expect(a.dtype(), out_shape, values);
}
// numpy's dot for any ranks: a's last axis with b's second-to-last (its only one for a vector).
NDArray dot_ref(const NDArray& a, const NDArray& b) { return tensordot_ref(a, b, {a.ndim() - 1}, {std::max(0, b.ndim() - 2)}); }

const std::string kFile = "test_op_samples_dot_nd.cpp";

Rows dot_nd_rows() {
  Rows s;
  const std::vector<DType> dts = {DType::Float32, DType::Float64, DType::Int64, DType::Int32};
  auto R = [](const Dims& shape) { return U(shape, -9, 10, -9, 10); };
  auto row = [&](std::string name, Build build, std::vector<Input> in, Naive naive) {
    s.push_back({.name = std::move(name), .build = build, .inputs = Inputs::each({in}), .dtypes = dts, .naive = naive, .tol = dot_tol});
  };
  auto dot = [](V x) { return T::dot(x[0], x[1]); };
  auto dot_naive = [](A x) { return dot_ref(x[0], x[1]); };
  // ---- T::dot of N-d tensors (numpy's dot) ----
  row("dot tensor3.matrix as in the LSTM", dot, {R({3, 5, 4}), R({4, 7})}, dot_naive);
  row("dot matrix.tensor3", dot, {R({3, 5}), R({4, 5, 7})}, dot_naive);
  row("dot tensor3.tensor3", dot, {R({2, 3, 5}), R({4, 5, 7})}, dot_naive);
  row("dot vector.tensor3", dot, {R({5}), R({3, 5, 4})}, dot_naive);
  row("dot tensor3.vector", dot, {R({3, 4, 5}), R({5})}, dot_naive);
  row("dot tensor4 with a broadcastable dim.matrix", dot, {R({2, 3, 1, 5}), R({5, 4})}, dot_naive);
  row("dot scalar.tensor3 multiplies", dot, {R({}), R({3, 5, 4})},
      [](A x) { return naive::map({x[0], x[1]}, x[1].dtype(), [](double a, double b, double) { return a * b; }); });
  row("dot of a transposed tensor3 and a transposed matrix", [](V x) { return T::dot(x[0].dimshuffle({1, 0, 2}), x[1].T()); },
      {R({5, 3, 4}), R({7, 4})}, [](A x) { return dot_ref(naive::dimshuffle(x[0], {1, 0, 2}), naive::transpose(x[1])); });
  s.push_back({.name = "dot tensor3.matrix with an empty batch and an empty inner dim",
               .build = dot,
               .inputs = Inputs::each({{U(Dims{0, 5, 4}), U(Dims{4, 7})}, {U(Dims{3, 5, 0}), U(Dims{0, 7})}, {U(Dims{3, 5, 4}), U(Dims{4, 7})}}),
               .naive = dot_naive,
               .tol = dot_tol,
               .no_grad = "empty inputs; the gradient is checked by the rows above",
               .errors = {{.args = {U(Dims{3, 5, 4}), U(Dims{6, 7})}, .contains = {"not aligned", "4 (dim 1) != 6", kFile}},
                          {.run = [] { T::dot(T::constant(NDArray::zeros(DType::Float64, Dims{2, 3, 4})), T::tensor(DType::Float64, {true, false})); },
                           .contains = {"T::dot", "not aligned", "(2, 3, 4)", "(1, ?)", kFile}}}});
  // ---- T::tensordot ----
  row("tensordot with axes 2", [](V x) { return T::tensordot(x[0], x[1]); }, {R({2, 3, 5}), R({3, 5, 4})},
      [](A x) { return tensordot_ref(x[0], x[1], {1, 2}, {0, 1}); });
  row("tensordot over axes 1 2 of a and 3 2 of b (Theano's example)", [](V x) { return T::tensordot(x[0], x[1], {{1, 2}, {3, 2}}); },
      {R({2, 3, 4}), R({5, 6, 4, 3})}, [](A x) { return tensordot_ref(x[0], x[1], {1, 2}, {3, 2}); });
  row("tensordot with negative axes", [](V x) { return T::tensordot(x[0], x[1], {-3, -1}); }, {R({4, 3, 5}), R({2, 4})},
      [](A x) { return tensordot_ref(x[0], x[1], {0}, {1}); });
  row("tensordot with axes 0 is the outer product", [](V x) { return T::tensordot(x[0], x[1], 0); }, {R({3, 2}), R({4})},
      [](A x) { return tensordot_ref(x[0], x[1], {}, {}); });
  row("tensordot over every axis gives a scalar", [](V x) { return T::tensordot(x[0], x[1], {{0, 1}, {1, 0}}); }, {R({3, 5}), R({5, 3})},
      [](A x) { return tensordot_ref(x[0], x[1], {0, 1}, {1, 0}); });
  s.back().errors = {
      {.run = [] { T::tensordot(T::tensor3("a"), T::matrix("b"), 3); }, .contains = {"T::tensordot", "axes=3", "b.ndim=2", kFile}},
      {.run = [] { T::tensordot(T::tensor3("a"), T::matrix("b"), {{0, 3}, {0, 1}}); }, .contains = {"T::tensordot", "axis 3 is out of bounds for a", "(inputs: float32 (?, ?, ?), float32 (?, ?))", kFile}},
      {.run = [] { T::tensordot(T::tensor3("a"), T::matrix("b"), {{0, 0}, {0, 1}}); }, .contains = {"T::tensordot", "repeated", kFile}},
      {.run = [] { T::tensordot(T::tensor3("a"), T::matrix("b"), {{0, 1}, {0}}); }, .contains = {"T::tensordot", "same length", kFile}},
      {.run = [] { T::tensordot(T::tensor3("a"), T::matrix("b"), -1); }, .contains = {"T::tensordot", ">= 0", kFile}},
      {.run = [] { T::tensordot(T::constant(NDArray::zeros(DType::Float64, Dims{2, 3})), T::constant(NDArray::zeros(DType::Float64, Dims{4, 5})), 1); },
       .contains = {"T::tensordot", "not aligned", "(2, 3)", "(4, 5)", kFile}},
      {.args = {U(Dims{3, 5}), U(Dims{4, 3})}, .contains = {"not aligned"}}};
  // ---- T::batched_dot: the BatchedDot op in each rank pairing, and the other ranks ----
  auto bdot = [](V x) { return T::batched_dot(x[0], x[1]); };
  auto bnaive = [](A x) { return tensordot_ref(x[0], x[1], {x[0].ndim() - 1}, {1}, true); };
  row("batched_dot tensor3.tensor3", bdot, {R({4, 3, 5}), R({4, 5, 2})}, bnaive);
  row("batched_dot matrix.tensor3", bdot, {R({4, 5}), R({4, 5, 2})}, bnaive);
  row("batched_dot tensor3.matrix", bdot, {R({4, 3, 5}), R({4, 5})}, bnaive);
  row("batched_dot matrix.matrix", bdot, {R({4, 5}), R({4, 5})}, bnaive);
  row("batched_dot of transposed and strided batches", [](V x) { return T::batched_dot(x[0].dimshuffle({2, 1, 0}), x[1][T::slice(std::nullopt, std::nullopt, 2)]); },
      {R({5, 3, 4}), R({7, 5, 2})}, [](A x) {
        const NDArray y = naive::gather(x[1], naive::select(x[1].shape(), {naive::Idx::slice({}, {}, 2)}));
        return tensordot_ref(naive::dimshuffle(x[0], {2, 1, 0}), y, {2}, {1}, true);
      });
  row("batched_dot vector.tensor3 scales each item", bdot, {R({4}), R({4, 3, 5})},
      [](A x) { return naive::map({naive::dimshuffle(x[0], {0, -1, -1}), x[1]}, x[1].dtype(), [](double a, double b, double) { return a * b; }); });
  row("batched_dot tensor4.tensor3 (batched_tensordot)", bdot, {R({4, 2, 3, 5}), R({4, 5, 6})},
      [](A x) { return tensordot_ref(x[0], x[1], {3}, {1}, true); });
  row("batched_tensordot over axes 1 and 2", [](V x) { return T::batched_tensordot(x[0], x[1], {{1, 3}, {2, 1}}); },
      {R({3, 5, 2, 4}), R({3, 4, 5, 6})}, [](A x) { return tensordot_ref(x[0], x[1], {1, 3}, {2, 1}, true); });
  s.push_back({.name = "batched_dot tensor3.tensor3 with an empty batch and an empty inner dim",
               .build = bdot,
               .inputs = Inputs::each({{U(Dims{0, 3, 5}), U(Dims{0, 5, 2})}, {U(Dims{4, 3, 0}), U(Dims{4, 0, 2})}, {U(Dims{4, 3, 5}), U(Dims{4, 5, 2})}}),
               .naive = bnaive,
               .tol = dot_tol,
               .no_grad = "empty inputs; the gradient is checked by the rows above",
               .errors = {
                   {.args = {U(Dims{4, 3, 5}), U(Dims{3, 5, 2})}, .contains = {"BatchedDot", "axis 0", "(4, 3, 5)", "(3, 5, 2)"}},
                   {.args = {U(Dims{4, 3, 5}), U(Dims{4, 6, 2})}, .contains = {"BatchedDot", "not aligned", "(4, 3, 5)", "(4, 6, 2)"}},
                   {.run = [] { T::batched_dot(T::scalar("a"), T::tensor3("b")); }, .contains = {"T::batched_dot", "at least one (batch) axis", kFile}},
                   {.run = [] { T::batched_dot(T::tensor(DType::Float64, {false, false, true}), T::constant(NDArray::zeros(DType::Float64, Dims{2, 3, 4}))); },
                    .contains = {"T::batched_dot", "not aligned", "(?, ?, 1)", "(2, 3, 4)", kFile}},
                   {.run = [] { T::batched_tensordot(T::tensor3("a"), T::tensor3("b"), {0, 1}); },
                    .contains = {"T::batched_tensordot", "batch axis", kFile}},
                   {.run = [] { ops::batched_dot(T::tensor4("a"), T::tensor3("b")); }, .contains = {"BatchedDot", "2-d or 3-d", "4-d"}}}});
  return s;
}
OP_TABLE_ROWS(dot_nd_rows);

}  // namespace
