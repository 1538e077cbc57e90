// Op table rows (tests/op_table.hpp): Softmax and the fused ops the stabilize rewrites put in place of
// softmax + log + indexing (LogSoftmax, the crossentropy with one-hot labels with and without a bias,
// and its gradient), against row-wise references in long double.
#include <algorithm>
#include <cmath>

#include "op_naive.hpp"
#include "ops/nnet_fused.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
using V = const std::vector<Var>&;
using A = const Arrays&;

namespace {

// (nll, sm, am) of the crossentropy of softmax(x + b) with labels y (b may be undefined).
Arrays naive_crossentropy(const NDArray& x, const NDArray* b, const NDArray& y) {
  NDArray z = b ? naive::map({x, *b}, x.dtype(), [](double p, double q, double) { return p + q; }) : x;
  NDArray ls = naive::log_softmax(z);
  int64_t rows = x.shape(0), cols = x.shape(1);
  std::vector<double> nll;
  for (int64_t i = 0; i < rows; ++i) nll.push_back(-ls.item(i * cols + int64_t(y.item(i))));
  return {naive::expect(x.dtype(), Dims{rows}, nll), naive::softmax(z), naive::cast(naive::argmax(z, 1), y.dtype())};
}

// dnll[:, None] * (sm - onehot(y)); a dnll of length 1 serves every row.
NDArray naive_crossentropy_dx(const NDArray& dy, const NDArray& sm, const NDArray& y) {
  int64_t rows = sm.shape(0), cols = sm.shape(1);
  std::vector<double> dx;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      double d = dy.item(dy.size() == 1 ? 0 : i);
      dx.push_back(d * (sm.item(i * cols + j) - (j == int64_t(y.item(i)) ? 1 : 0)));
    }
  return naive::expect(sm.dtype(), sm.shape(), dx);
}

Rows nnet_rows() {
  Rows s;
  const Dims m{3, 5};
  s.push_back({.name = "softmax",
               .build = [](V x) { return T::nnet::softmax(x[0]); },
               .inputs = {U(m, -2, 2)},
               .dtypes = kFloats,
               .naive = [](A x) { return naive::softmax(x[0]); }});
  s.push_back({.name = "softmax of a vector (a one-row matrix)",
               .build = [](V x) { return T::nnet::softmax(x[0]); },
               .inputs = {U(Dims{7}, -2, 2)},
               .naive = [](A x) { return naive::softmax(naive::reshape(x[0], {1, 7})); }});
  s.push_back({.name = "softmax of row + matrix",
               .build = [](V x) { return T::nnet::softmax(x[0] + x[1].dimshuffle({'x', 0})); },
               .inputs = {U(m, -2, 2), U(Dims{5})},
               .naive = [](A x) { return naive::softmax(naive::map(x, DType::Float64, [](double a, double b, double) { return a + b; })); }});
  s.push_back({.name = "negative log likelihood",
               .build = [](V x) {
                 Var p = T::nnet::softmax(x[0]);
                 return -T::mean(T::log(p[{T::arange(3), T::constant(test_util::i64(Dims{3}, {4, 0, 2}))}]));
               },
               .inputs = {U(m, -2, 2)},
               .naive = [](A x) {
                 NDArray ls = naive::log_softmax(x[0]);
                 return naive::expect(DType::Float64, Dims{}, {-(ls.item(4) + ls.item(5) + ls.item(12)) / 3});
               }});
  // Large values do not overflow; the rows sum to 1. The transpose is fed as a (5, 3) array.
  const std::vector<double> big = {1000, 1001, 999, 1000.5, 998, -1000, -1001, -999, -1000, -1002, 0.1, -0.2, 0.3, 2, -3};
  std::vector<double> big_t(15);
  for (int64_t i = 0; i < 15; ++i) big_t[size_t((i % 5) * 3 + i / 5)] = big[size_t(i)];
  s.push_back({.name = "softmax of large values and of a transposed input sums to 1 per row",
               .build = [](V x) {
                 Var sm = T::nnet::softmax(x[0]);
                 return std::vector<Var>{sm, T::nnet::softmax(x[1].T()), T::sum(sm, 1)};
               },
               .inputs = {vals(m, big), vals(Dims{5, 3}, big_t)},
               .dtypes = kFloats,
               .naive = [](A x) {
                 NDArray sm = naive::softmax(x[0]);
                 return Arrays{sm, sm, naive::expect(x[0].dtype(), Dims{3}, {1, 1, 1})};
               },
               .tol = [](DType d) { return d == DType::Float32 ? Tol{1e-6, 1e-7} : Tol{1e-14, 1e-14}; }});
  // ---- the fused ops (ops/nnet_fused.hpp) ----
  s.push_back({.name = "LogSoftmax",
               .build = [](V x) { return ops::log_softmax(x[0]); },
               .inputs = {U(m, -2, 2)},
               .dtypes = kFloats,
               .naive = [](A x) { return naive::log_softmax(x[0]); }});
  s.push_back({.name = "CrossentropySoftmaxArgmax1HotWithBias: nll softmax and argmax",
               .build = [](V x) { return ops::crossentropy_softmax_argmax_1hot(x[0], x[1], x[2]); },
               .inputs = {U(m, -2, 2), U(Dims{5}), i64s({4, 0, 2})},
               .dtypes = kFloats,
               .naive = [](A x) { return naive_crossentropy(x[0], &x[1], x[2]); },
               .errors = {{.args = {U(m, -2, 2), U(Dims{5}), i64s({4, 5, 2})}, .contains = {"label 5 of row 1 is out of bounds for 5 classes"}}}});
  s.push_back({.name = "CrossentropySoftmaxArgmax1HotWithBias: nll and softmax",
               .build = [](V x) {
                 auto o = as_vars(ops::crossentropy_softmax_argmax_1hot(x[0], x[1], T::constant(test_util::i64(Dims{3}, {1, 3, 3}))));
                 return o[1] * o[0].dimshuffle({0, 'x'});
               },
               .inputs = {U(m, -2, 2), U(Dims{5})},
               .naive = [](A x) {
                 Arrays o = naive_crossentropy(x[0], &x[1], test_util::i64(Dims{3}, {1, 3, 3}));
                 return naive::map({o[1], naive::dimshuffle(o[0], {0, -1})}, DType::Float64, [](double a, double b, double) { return a * b; });
               }});
  s.push_back({.name = "CrossentropySoftmaxArgmax1Hot (no bias)",
               .build = [](V x) { return ops::crossentropy_softmax_argmax_1hot(x[0], Var(), x[1]); },
               .inputs = {U(m, -2, 2), i64s({2, 2, 0})},
               .dtypes = kFloats,
               .naive = [](A x) { return naive_crossentropy(x[0], nullptr, x[1]); }});
  s.push_back({.name = "CrossentropySoftmax1HotWithBiasDx",
               .build = [](V x) { return ops::crossentropy_softmax_1hot_dx(x[0], x[1], x[2]); },
               .inputs = {U(Dims{3}), U(m, 0.1, 0.9), i64s({4, 0, 2})},
               .dtypes = kFloats,
               .naive = [](A x) { return naive_crossentropy_dx(x[0], x[1], x[2]); }});
  s.push_back({.name = "CrossentropySoftmax1HotWithBiasDx of a softmax",
               .build = [](V x) { return ops::crossentropy_softmax_1hot_dx(x[0], T::nnet::softmax(x[1]), x[2]); },
               .inputs = {U(Dims{3}), U(m), i64s({0, 4, 2})},
               .naive = [](A x) { return naive_crossentropy_dx(x[0], naive::softmax(x[1]), x[2]); }});
  s.push_back({.name = "CrossentropySoftmax1HotWithBiasDx with one dnll for every row",
               .build = [](V x) { return ops::crossentropy_softmax_1hot_dx(x[0], x[1], x[2]); },
               .inputs = {U(Dims{1}), U(m, 0.1, 0.9), i64s({1, 3, 3})},
               .naive = [](A x) { return naive_crossentropy_dx(x[0], x[1], x[2]); }});
  // ---- activations and cross-entropies built from elementwise graphs, as Theano builds them ----
  s.push_back({.name = "relu (away from its kink at 0)",
               .build = [](V x) { return T::nnet::relu(x[0]); },
               .inputs = {nonzero(m)},
               .dtypes = kFloats,
               .naive = [](A x) { return naive::map(x, x[0].dtype(), [](double a, double, double) { return a > 0 ? a : 0; }); }});
  s.push_back({.name = "leaky relu with alpha 0.25",
               .build = [](V x) { return T::nnet::relu(x[0], 0.25); },
               .inputs = {nonzero(m)},
               .dtypes = kFloats,
               .naive = [](A x) { return naive::map(x, x[0].dtype(), [](double a, double, double) { return a > 0 ? a : 0.25 * a; }); }});
  s.push_back({.name = "relu with a learnable slope per column (gradient wrt alpha)",
               .build = [](V x) { return T::nnet::relu(x[0], x[1]); },
               .inputs = {nonzero(m), U(Dims{5}, 0, 0.5)},
               .naive = [](A x) {
                 return naive::map({x[0], x[1]}, DType::Float64, [](double a, double al, double) { return a > 0 ? a : al * a; });
               }});
  s.push_back({.name = "hard_sigmoid: clip(0.2 x + 0.5, 0, 1); integers upgrade to float",
               .build = [](V x) { return T::nnet::hard_sigmoid(x[0]); },
               .inputs = {U(Dims{3, 7}, -4, 4, -5, 6)},
               .dtypes = {DType::Float32, DType::Float64, DType::Int8, DType::Int32},
               .naive = [](A x) {
                 DType d = naive::elemwise_dtype(ops::ScalarKind::Sqrt, {x[0].dtype()});  // a FLOAT kind: upgrade_to_float
                 return naive::map(x, d, [](double a, double, double) { return std::clamp(0.2 * a + 0.5, 0.0, 1.0); });
               }});
  s.push_back({.name = "binary_crossentropy",
               .build = [](V x) { return T::nnet::binary_crossentropy(x[0], x[1]); },
               .inputs = {U(m, 0.1, 0.9), U(m, 0, 1)},
               .dtypes = kFloats,
               .naive = [](A x) {
                 return naive::map(x, x[0].dtype(), [](double o, double t, double) { return -(t * std::log(o) + (1 - t) * std::log(1 - o)); });
               }});
  auto row_xent = [](const NDArray& c, const NDArray& t) {  // -sum(t * log(c)) over the last axis
    return naive::sum(naive::map({t, c}, c.dtype(), [](double p, double q, double) { return -p * std::log(q); }), {c.ndim() - 1});
  };
  s.push_back({.name = "categorical_crossentropy with a distribution matrix",
               .build = [](V x) { return T::nnet::categorical_crossentropy(x[0], x[1]); },
               .inputs = {U(m, 0.1, 0.9), U(m, 0, 1)},
               .dtypes = kFloats,
               .naive = [row_xent](A x) { return row_xent(x[0], x[1]); }});
  s.push_back({.name = "categorical_crossentropy of 3-d distributions sums the last axis",
               .build = [](V x) { return T::nnet::categorical_crossentropy(x[0], x[1]); },
               .inputs = {U(Dims{2, 3, 5}, 0.1, 0.9), U(Dims{2, 3, 5}, 0, 1)},
               .naive = [row_xent](A x) { return row_xent(x[0], x[1]); }});
  auto picked_nll = [](const NDArray& logp, const NDArray& y) {  // -logp[i, y[i]]
    std::vector<double> v;
    for (int64_t i = 0; i < y.size(); ++i) v.push_back(-logp.item(i * logp.shape(1) + int64_t(y.item(i))));
    return naive::expect(logp.dtype(), Dims{y.size()}, v);
  };
  s.push_back({.name = "categorical_crossentropy with integer labels",
               .build = [](V x) { return T::nnet::categorical_crossentropy(x[0], x[1]); },
               .inputs = {U(m, 0.1, 0.9), i64s({4, 0, 2})},
               .dtypes = kFloats,
               .naive = [picked_nll](A x) { return picked_nll(naive::map({x[0]}, x[0].dtype(), [](double a, double, double) { return std::log(a); }), x[1]); },
               .errors = {{.run = [] { T::nnet::categorical_crossentropy(T::dmatrix("c"), T::dtensor3("t")); },
                           .contains = {"rank mismatch between coding and true distributions", "2-d", "3-d"}},
                          {.run = [] { T::nnet::categorical_crossentropy(T::dmatrix("c"), T::dvector("t")); },
                           .contains = {"integer vector true_dist", "float64"}},
                          {.run = [] { T::nnet::categorical_crossentropy(T::dtensor3("c"), T::lmatrix("t")); },
                           .contains = {"labels need a matrix coding_dist", "3-d"}}}});
  s.push_back({.name = "categorical_crossentropy of a softmax with integer labels (fused by the rewrites)",
               .build = [](V x) { return T::mean(T::nnet::categorical_crossentropy(T::nnet::softmax(x[0]), x[1])); },
               .inputs = {U(m, -2, 2), i64s({4, 0, 2})},
               .dtypes = kFloats,
               .naive = [picked_nll](A x) {
                 NDArray nll = picked_nll(naive::log_softmax(x[0]), x[1]);
                 return naive::expect(x[0].dtype(), Dims{}, {(nll.item(0) + nll.item(1) + nll.item(2)) / 3});
               }});
  return s;
}
OP_TABLE_ROWS(nnet_rows);

}  // namespace
