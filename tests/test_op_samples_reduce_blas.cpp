// Op table rows (tests/op_table.hpp): reductions (Sum, Max, Argmax over every axis subset, of
// contiguous and transposed inputs, in the integer dtypes and bool too), Dot in every rank with
// transposed and strided operands, and Gemm.
#include <cmath>

#include "op_naive.hpp"
#include "ops/blas.hpp"
#include "ops/graph_math.hpp"
#include "ops/reduce.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
using V = const std::vector<Var>&;
using A = const Arrays&;

namespace {

NDArray sqr(const NDArray& a) { return naive::map({a}, a.dtype(), [](double x, double, double) { return x * x; }); }
NDArray scaled(const NDArray& a, double c) { return naive::map({a}, a.dtype(), [c](double x, double, double) { return x * c; }); }

Rows reduce_rows() {
  Rows s;
  const Dims t3{3, 5, 7}, m{3, 5};
  // ---- Sum over every axis subset, contiguous and transposed (a (7, 3, 5) input seen as (3, 5, 7)) ----
  for (int mask = 0; mask < 8; ++mask) {
    std::vector<int> axes = axes_of(mask);
    s.push_back({.name = "sum over axes " + axes_str(axes) + " of a 3-d and of a transposed 3-d",
                 .build = [axes](V x) { return std::vector<Var>{ops::sum(x[0], axes), ops::sum(x[1].dimshuffle({1, 2, 0}), axes)}; },
                 .inputs = {U(t3, -100, 100, -100, 100), U(Dims{7, 3, 5}, -100, 100, -100, 100)},
                 .dtypes = {DType::Float32, DType::Float64, DType::Int8, DType::Int32, DType::UInt8, DType::Bool},
                 .naive = [axes](A x) { return Arrays{naive::sum(x[0], axes), naive::sum(naive::dimshuffle(x[1], {1, 2, 0}), axes)}; },
                 .tol = [](DType d) { return Tol{default_tol(d).rtol, 0}; }});
  }
  s.push_back({.name = "sum all",
               .build = [](V x) { return T::sum(x[0] * x[0]); },
               .inputs = {U(t3)},
               .naive = [](A x) { return naive::sum(sqr(x[0]), {0, 1, 2}); }});
  for (int axis = 0; axis < 3; ++axis)
    s.push_back({.name = "sum axis " + std::to_string(axis),
                 .build = [axis](V x) { return T::sum(x[0], axis); },
                 .inputs = {U(t3)},
                 .naive = [axis](A x) { return naive::sum(x[0], {axis}); }});
  s.push_back({.name = "sum axes {0,2}",
               .build = [](V x) { return ops::sum(x[0], {0, 2}); },
               .inputs = {U(t3)},
               .naive = [](A x) { return naive::sum(x[0], {0, 2}); }});
  s.push_back({.name = "sum axis -1",
               .build = [](V x) { return T::sum(x[0], -1); },
               .inputs = {U(m)},
               .naive = [](A x) { return naive::sum(x[0], {1}); }});
  s.push_back({.name = "mean axis 1",
               .build = [](V x) { return T::mean(x[0], 1); },
               .inputs = {U(t3)},
               .naive = [](A x) { return scaled(naive::sum(x[0], {1}), 1.0 / 5); }});
  // 2**24 followed by 1000 ones: a float32 accumulator would stay at 2**24 (each +1 rounds back).
  std::vector<double> big(1001, 1.0);
  big[0] = 16777216.0;
  s.push_back({.name = "float32 sum accumulates in float64",
               .build = [](V x) { return T::sum(x[0]); },
               .inputs = {vals(Dims{1001}, big)},
               .dtypes = {DType::Float32},
               .naive = [](A) { return naive::expect(DType::Float32, Dims{}, {16778216.0}); },
               .no_grad = "float32 steps cannot move 2**24"});
  // ---- Max over every non-empty axis subset; Argmax along single axes ----
  for (int mask = 1; mask < 8; ++mask) {
    std::vector<int> axes = axes_of(mask);
    bool single = axes.size() == 1;
    s.push_back({.name = std::string("max") + (single ? " and argmax" : "") + " over axes " + axes_str(axes) + " of a 3-d",
                 .build = [axes, single](V x) {
                   std::vector<Var> out{ops::reduce_axes(ops::ReduceKind::Max, x[0], axes)};
                   if (single) out.push_back(T::argmax(x[0], axes[0]));
                   return out;
                 },
                 .inputs = {U(t3, -50, 50, -50, 50)},
                 .dtypes = {DType::Float32, DType::Float64, DType::Int8, DType::Int64, DType::UInt8},
                 .naive = [axes, single](A x) {
                   Arrays r{naive::max(x[0], axes)};
                   if (single) r.push_back(naive::argmax(x[0], axes[0]));
                   return r;
                 }});
  }
  s.push_back({.name = "max all",
               .build = [](V x) { return T::max(x[0]); },
               .inputs = {U(t3)},
               .naive = [](A x) { return naive::max(x[0], {0, 1, 2}); }});
  s.push_back({.name = "max axis 1",
               .build = [](V x) { return T::max(x[0], 1); },
               .inputs = {U(t3)},
               .naive = [](A x) { return naive::max(x[0], {1}); }});
  s.push_back({.name = "max axis 0 of a matrix",
               .build = [](V x) { return T::max(x[0], 0) * 3.0; },
               .inputs = {U(m)},
               .naive = [](A x) { return scaled(naive::max(x[0], {0}), 3); }});
  s.push_back({.name = "max of a vector",
               .build = [](V x) { return T::max(x[0]); },
               .inputs = {U(Dims{7})},
               .dtypes = {DType::Float64, DType::Int16},
               .naive = [](A x) { return naive::max(x[0], {0}); },
               .errors = {{.args = {fixed(NDArray::empty(DType::Float64, Dims{0}))}, .contains = {"Max", "(0,)"}}}});
  const double inf = INFINITY;
  s.push_back({.name = "max of -inf rows",
               .build = [](V x) { return T::max(x[0], 1); },
               .inputs = {vals(Dims{2, 3}, {-inf, -inf, -inf, -inf, 1, -inf})},
               .naive = [inf](A) { return naive::expect(DType::Float64, Dims{2}, {-inf, 1}); },
               .no_grad = "infinite inputs"});
  s.push_back({.name = "max and argmax of the most negative int8",
               .build = [](V x) { return std::vector<Var>{T::max(x[0]), T::argmax(x[0])}; },
               .inputs = {vals(Dims{3}, {-128, -128, -128})},
               .dtypes = {DType::Int8},
               .naive = [](A) { return Arrays{naive::expect(DType::Int8, Dims{}, {-128}), naive::expect(DType::Int64, Dims{}, {0})}; }});
  s.push_back({.name = "argmax ties go to the first index on every axis and overall",
               .build = [](V x) { return std::vector<Var>{T::argmax(x[0], 1), T::argmax(x[0], 0), T::argmax(x[0]), T::argmax(x[0].T(), 1)}; },
               .inputs = {vals(m, {1, 5, 5, 2, 5, 7, 0, 7, 7, -1, 7, 5, 3, 7, 5})},
               .naive = [](A) {
                 return Arrays{naive::expect(DType::Int64, Dims{3}, {1, 0, 0}), naive::expect(DType::Int64, Dims{5}, {1, 0, 1, 1, 0}),
                               naive::expect(DType::Int64, Dims{}, {5}), naive::expect(DType::Int64, Dims{5}, {1, 0, 1, 1, 0})};
               }});
  return s;
}
OP_TABLE_ROWS(reduce_rows);

// float32 sums of up to ~400 carry ~1e-4 of rounding; float64 ~1e-12.

Rows blas_rows() {
  Rows s;
  const std::vector<DType> dts = {DType::Float32, DType::Float64, DType::Int64, DType::Int32};
  auto R = [](const Dims& shape) { return U(shape, -9, 10, -9, 10); };
  auto dot_row = [&](std::string name, Build build, std::vector<Input> in, Naive naive) {
    s.push_back({.name = std::move(name), .build = build, .inputs = Inputs::each({in}), .dtypes = dts, .naive = naive, .tol = dot_tol});
  };
  auto plain = [](A x) { return naive::dot(x[0], x[1]); };
  auto dot = [](V x) { return T::dot(x[0], x[1]); };
  dot_row("dot matrix.matrix", dot, {R({3, 5}), R({5, 7})}, plain);
  dot_row("dot matrix.vector", dot, {R({3, 5}), R({5})}, plain);
  dot_row("dot vector.matrix", dot, {R({3}), R({3, 5})}, plain);
  dot_row("dot vector.vector", dot, {R({5}), R({5})}, plain);
  dot_row("dot of two transposed operands", [](V x) { return T::dot(x[0].T(), x[1].T()); }, {R({5, 3}), R({7, 5})},
          [](A x) { return naive::dot(naive::transpose(x[0]), naive::transpose(x[1])); });
  dot_row("dot of every other row of a matrix", [](V x) { return T::dot(x[0][T::slice(std::nullopt, std::nullopt, 2)], x[1]); },
          {R({6, 5}), R({5, 7})}, [](A x) { return naive::dot(naive::gather(x[0], naive::select(x[0].shape(), {naive::Idx::slice({}, {}, 2)})), x[1]); });
  dot_row("dot of a matrix and a reversed vector", [](V x) { return T::dot(x[0], x[1][T::slice(std::nullopt, std::nullopt, -1)]); },
          {R({3, 5}), R({5})}, [](A x) { return naive::dot(x[0], naive::gather(x[1], naive::select(x[1].shape(), {naive::Idx::slice({}, {}, -1)}))); });
  // A column slice: a view with a leading dimension larger than its width.
  dot_row("dot of a column slice", [](V x) { return T::dot(x[0], x[1][{T::slice(), T::slice(1, 6)}]); }, {R({3, 5}), R({5, 7})},
          [](A x) { return naive::dot(x[0], naive::gather(x[1], naive::select(x[1].shape(), {naive::Idx::slice(), naive::Idx::slice(1, 6)}))); });
  s.push_back({.name = "dot vector.matrix of another size",
               .build = dot,
               .inputs = {U(Dims{3}), U(Dims{3, 7})},
               .naive = plain});
  s.push_back({.name = "dot with a transposed operand",
               .build = [](V x) { return T::dot(x[0].T(), x[1]); },
               .inputs = {U(Dims{5, 3}), U(Dims{5, 7})},
               .naive = [](A x) { return naive::dot(naive::transpose(x[0]), x[1]); }});
  // An inner dimension of 0 gives zeros, even in a buffer that held NaN on the call before.
  const double nan = NAN;
  s.push_back({.name = "dot with an inner dimension of 0 after a NaN call",
               .build = [](V x) { return T::dot(x[0], x[1]) * 1.0; },
               .inputs = Inputs::each({{vals(Dims{3, 1}, {nan, nan, nan}), vals(Dims{1, 4}, {1, 1, 1, 1})},
                                       {fixed(NDArray::empty(DType::Float64, Dims{3, 0})), fixed(NDArray::empty(DType::Float64, Dims{0, 4}))},
                                       {fixed(NDArray::empty(DType::Float64, Dims{0, 2})), vals(Dims{2, 4}, std::vector<double>(8, 1.0))}}),
               .naive = plain,
               .no_grad = "NaN and empty inputs"});
  // ---- Gemm ----
  auto gemm_ref = [](const NDArray& z, double alpha, const NDArray& x, const NDArray& y, double beta) {
    return naive::map({z, naive::dot(x, y)}, x.dtype(), [=](double a, double b, double) { return beta * a + alpha * b; });
  };
  s.push_back({.name = "Gemm: beta * Z + alpha * dot(X, Y)",
               .build = [](V x) { return ops::gemm_no_inplace(x[0], x[1], x[2], x[3], x[4]); },
               .inputs = {U(Dims{3, 7}), U(Dims{}), U(Dims{3, 5}), U(Dims{5, 7}), U(Dims{})},
               .dtypes = kFloats,
               .naive = [gemm_ref](A x) { return gemm_ref(x[0], x[1].item(), x[2], x[3], x[4].item()); },
               .tol = dot_tol});
  s.push_back({.name = "Gemm with a bias row as Z (dot + bias)",
               .build = [](V x) { return ops::gemm_no_inplace(x[0].dimshuffle({'x', 0}), x[1], x[2], x[3], x[4]); },
               .inputs = {U(Dims{7}), U(Dims{}), U(Dims{3, 5}), U(Dims{5, 7}), U(Dims{})},
               .dtypes = kFloats,
               .naive = [gemm_ref](A x) { return gemm_ref(naive::dimshuffle(x[0], {-1, 0}), x[1].item(), x[2], x[3], x[4].item()); },
               .tol = dot_tol});
  s.push_back({.name = "Gemm of constant alpha and beta with Z of the full shape or one row",
               .build = [](V x) {
                 return ops::gemm_no_inplace(x[0], ops::scalar_constant(0.5, DType::Float64), x[1], x[2], ops::scalar_constant(1, DType::Float64));
               },
               .inputs = Inputs::each({{U(Dims{3, 5}), U(Dims{3, 4}), U(Dims{4, 5})}, {U(Dims{1, 5}), U(Dims{3, 4}), U(Dims{4, 5})}}),
               .naive = [gemm_ref](A x) { return gemm_ref(x[0], 0.5, x[1], x[2], 1); },
               .tol = dot_tol});
  return s;
}
OP_TABLE_ROWS(blas_rows);

}  // namespace
