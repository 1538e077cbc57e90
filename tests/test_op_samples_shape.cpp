// Op table rows (tests/op_table.hpp): shape ops (DimShuffle, Reshape, Flatten, Shape, Shape_i) and
// the int64 builders (MakeVector, ARange): views of contiguous and transposed inputs, -1 and symbolic
// target shapes, in several dtypes.
#include "op_naive.hpp"
#include "ops/basic.hpp"
#include "ops/shape.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
using V = const std::vector<Var>&;
using A = const Arrays&;

namespace {

// Views run in any dtype.
const std::vector<DType> kAny = {DType::Float64, DType::Float32, DType::Int8, DType::Int64, DType::UInt8, DType::Bool};

NDArray sqr(const NDArray& a) { return naive::map({a}, a.dtype(), [](double x, double, double) { return x * x; }); }
NDArray scaled(const NDArray& a, double c) { return naive::map({a}, a.dtype(), [c](double x, double, double) { return x * c; }); }

Rows shape_rows() {
  Rows s;
  const Dims m{3, 5}, t3{3, 5, 7}, t4{2, 3, 5, 7};
  // ---- DimShuffle ----
  s.push_back({.name = "dimshuffle {1,x,0}",
               .build = [](V x) { return x[0].dimshuffle({1, 'x', 0}); },
               .inputs = {U(m)},
               .dtypes = kAny,
               .naive = [](A x) { return naive::dimshuffle(x[0], {1, -1, 0}); }});
  s.push_back({.name = "dimshuffle {2,0,1}",
               .build = [](V x) { return x[0].dimshuffle({2, 0, 1}) * x[0].dimshuffle({2, 0, 1}); },
               .inputs = {U(t3)},
               .naive = [](A x) { return sqr(naive::dimshuffle(x[0], {2, 0, 1})); }});
  s.push_back({.name = "dimshuffle drops a broadcastable dim",
               .build = [](V x) { return x[0].dimshuffle({1}); },
               .inputs = {U(Dims{1, 9})},
               .dtypes = kAny,
               .naive = [](A x) { return naive::dimshuffle(x[0], {1}); }});
  // ---- Reshape ----
  s.push_back({.name = "reshape (5,3)",
               .build = [](V x) { return T::sqr(x[0].reshape({5, 3})); },
               .inputs = {U(m)},
               .naive = [](A x) { return sqr(naive::reshape(x[0], {5, 3})); }});
  s.push_back({.name = "reshape (7,-1) of a 3-d",
               .build = [](V x) { return x[0].reshape({7, -1}) * 2.0; },
               .inputs = {U(t3)},
               .naive = [](A x) { return scaled(naive::reshape(x[0], {7, -1}), 2); }});
  s.push_back({.name = "reshape of a transposed view",
               .build = [](V x) { return x[0].T().reshape({15}); },
               .inputs = {U(m)},
               .dtypes = kAny,
               .naive = [](A x) { return naive::reshape(naive::transpose(x[0]), {15}); }});
  s.push_back({.name = "reshape to a symbolic shape",
               .build = [](V x) { return x[0].reshape({x[0].shape()[1], x[0].shape()[0]}); },
               .inputs = {U(m)},
               .naive = [](A x) { return naive::reshape(x[0], {5, 3}); }});
  s.push_back({.name = "reshape of a 4-d to (-1, 7) and (30, 7)",
               .build = [](V x) { return std::vector<Var>{x[0].reshape({-1, 7}), x[0].reshape({30, 7})}; },
               .inputs = {U(t4)},
               .dtypes = kAny,
               .naive = [](A x) { return Arrays{naive::reshape(x[0], {30, 7}), naive::reshape(x[0], {30, 7})}; }});
  // A symbolic entry may be -1 at run time.
  s.push_back({.name = "reshape to symbolic sizes that may be -1",
               .build = [](V x) { return x[0].reshape({x[1], x[2]}); },
               .inputs = Inputs::each({{U(t4), lscalar(-1), lscalar(35)}, {U(t4), lscalar(6), lscalar(-1)}, {U(t4), lscalar(10), lscalar(21)}}),
               .naive = [](A x) { return naive::reshape(x[0], {int64_t(x[1].item()), int64_t(x[2].item())}); }});
  s.push_back({.name = "reshape to the shape of another input",
               .build = [](V x) { return ops::reshape(x[0], ops::shape_of(x[1])); },
               .inputs = {U(Dims{1, 3, 5, 1}), U(Dims{5, 3})},
               .naive = [](A x) { return naive::reshape(x[0], {5, 3}); }});
  NDArray counting = NDArray::empty(DType::Float64, t3);
  for (int64_t i = 0; i < 105; ++i) counting.set_item(i, double(i));
  s.push_back({.name = "reshape with -1 leading and trailing",
               .build = [](V x) { return std::vector<Var>{x[0].reshape({-1, 7}), x[0].reshape({7, -1})}; },
               .inputs = {iota(t3)},
               .dtypes = {DType::Float64, DType::Int32},
               .naive = [](A x) { return Arrays{naive::reshape(x[0], {15, 7}), naive::reshape(x[0], {7, 15})}; },
               .errors = {{.run = [counting] {
                             Var x = T::dtensor3("x");
                             test_util::run({x}, x.reshape({-1, 4}), {counting});
                           },
                           .contains = {"cannot reshape"}},
                          {.run = [] { T::dtensor3("x").reshape({-1, -1}); }, .contains = {"only one dimension can be -1"}}}});
  // ---- Flatten ----
  s.push_back({.name = "flatten(2)",
               .build = [](V x) { return x[0].flatten(2); },
               .inputs = {U(t3)},
               .dtypes = kAny,
               .naive = [](A x) { return naive::reshape(x[0], {3, 35}); }});
  s.push_back({.name = "flatten to 1 2 and 3 dims of a 4-d",
               .build = [](V x) { return std::vector<Var>{x[0].flatten(1), x[0].flatten(2), x[0].flatten(3)}; },
               .inputs = {U(t4)},
               .naive = [](A x) { return Arrays{naive::reshape(x[0], {210}), naive::reshape(x[0], {2, 105}), naive::reshape(x[0], {2, 3, 35})}; }});
  s.push_back({.name = "flatten of a non-contiguous view",
               .build = [](V x) { return T::exp(x[0].dimshuffle({2, 0, 1}).flatten()); },
               .inputs = {U(t3)},
               .naive = [](A x) {
                 NDArray f = naive::reshape(naive::dimshuffle(x[0], {2, 0, 1}), {105});
                 return naive::map({f}, DType::Float64, [](double a, double, double) { return std::exp(a); });
               }});
  // The transpose (7, 5, 3) flattened or reshaped reads in its own C order.
  s.push_back({.name = "flatten and reshape of a transposed 3-d",
               .build = [](V x) {
                 Var t = x[0].dimshuffle({2, 1, 0});
                 return std::vector<Var>{t.flatten(), t.reshape({-1, 3}), t.flatten(2)};
               },
               .inputs = {iota(t3)},
               .dtypes = kAny,
               .naive = [](A x) {
                 NDArray t = naive::dimshuffle(x[0], {2, 1, 0});
                 return Arrays{naive::reshape(t, {105}), naive::reshape(t, {35, 3}), naive::reshape(t, {7, 15})};
               }});
  s.push_back({.name = "flatten of every other row",
               .build = [](V x) { return x[0][T::slice(std::nullopt, std::nullopt, 2)].flatten(); },
               .inputs = {iota(Dims{5, 3})},
               .dtypes = kAny,
               .naive = [](A x) { return naive::expect(x[0].dtype(), Dims{9}, {0, 1, 2, 6, 7, 8, 12, 13, 14}); }});
  // ---- Shape, Shape_i, MakeVector ----
  s.push_back({.name = "shape of a matrix",
               .build = [](V x) { return T::shape(x[0]); },
               .inputs = {U(m)},
               .dtypes = kAny,
               .naive = [](A) { return naive::expect(DType::Int64, Dims{2}, {3, 5}); }});
  s.push_back({.name = "shape_i 1 of a matrix",
               .build = [](V x) { return ops::shape_i(x[0], 1); },
               .inputs = {U(m)},
               .dtypes = kAny,
               .naive = [](A) { return naive::expect(DType::Int64, Dims{}, {5}); }});
  s.push_back({.name = "make_vector of int64 scalars",
               .build = [](V x) { return ops::make_vector({x[0], x[1], x[0]}); },
               .inputs = {lscalar(2), lscalar(3)},
               .dtypes = {DType::Int64},
               .naive = [](A) { return naive::expect(DType::Int64, Dims{3}, {2, 3, 2}); }});
  return s;
}
OP_TABLE_ROWS(shape_rows);

// ---- ARange ----
NDArray naive_arange(int64_t start, int64_t stop, int64_t step) {
  std::vector<double> v;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) v.push_back(double(i));
  return naive::expect(DType::Int64, Dims{int64_t(v.size())}, v);
}

Rows arange_rows() {
  Rows s;
  std::vector<std::vector<Input>> triples, pairs;
  for (auto [start, stop, step] : {std::tuple{0, 7, 1}, {7, 0, -1}, {-3, 8, 3}, {5, 5, 1}, {5, 2, 1}, {2, 5, -1}, {10, -11, -4}})
    triples.push_back({lscalar(start), lscalar(stop), lscalar(step)});
  s.push_back({.name = "arange of symbolic start stop and step",
               .build = [](V x) { return T::arange(x[0], x[1], x[2]); },
               .inputs = Inputs::each(triples),
               .dtypes = {DType::Int64},
               .naive = [](A x) { return naive_arange(int64_t(x[0].item()), int64_t(x[1].item()), int64_t(x[2].item())); },
               .unknown_dims = 1,  // the length of a symbolic step's range is known only at run time
               .errors = {{.args = {lscalar(0), lscalar(5), lscalar(0)}, .contains = {"step cannot be zero"}}}});
  for (auto [start, stop] : {std::pair{0, 7}, std::pair{7, 0}, std::pair{-3, 4}, std::pair{2, 2}}) pairs.push_back({lscalar(start), lscalar(stop)});
  s.push_back({.name = "arange of symbolic bounds with the steps 3 -2 and 1",
               .build = [](V x) { return std::vector<Var>{T::arange(x[0], x[1], 3), T::arange(x[0], x[1], -2), T::arange(x[0], x[1])}; },
               .inputs = Inputs::each(pairs),
               .dtypes = {DType::Int64},
               .naive = [](A x) {
                 int64_t a = int64_t(x[0].item()), b = int64_t(x[1].item());
                 return Arrays{naive_arange(a, b, 3), naive_arange(a, b, -2), naive_arange(a, b, 1)};
               }});
  return s;
}
OP_TABLE_ROWS(arange_rows);

}  // namespace
