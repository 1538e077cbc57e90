// Op table rows (tests/op_table.hpp): assembly. Join (T::concatenate, T::join, T::stack; the gradient
// splits the cotangent), Alloc (T::alloc, T::zeros, T::ones, and T::tile and T::repeat built on it),
// Eye (T::eye, T::identity_like), T::diagonal, T::fill, the shape pads and float T::arange, with
// numpy's definitions as references and the errors of mismatched shapes.
#include <cmath>

#include "op_naive.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
using V = const std::vector<Var>&;
using A = const Arrays&;

namespace {

// numpy.concatenate(xs, axis).
NDArray concat(const Arrays& xs, int axis) {
  Dims shape = xs[0].shape();
  shape[axis] = 0;
  for (const NDArray& x : xs) shape[axis] += x.shape(axis);
  std::vector<double> v(size_t(shape.product()));
  int64_t at = 0;
  for (const NDArray& x : xs) {
    for (int64_t k = 0; k < x.size(); ++k) {
      Dims i = naive::unravel(k, x.shape());
      i[axis] += at;
      v[size_t(naive::ravel(i, shape))] = x.item(k);
    }
    at += x.shape(axis);
  }
  return naive::expect(xs[0].dtype(), shape, v);
}

// numpy.tile(x, reps) for len(reps) >= x.ndim: element i of the result is x[i % x.shape].
NDArray tile(const NDArray& x, const std::vector<int64_t>& reps) {
  int nd = int(reps.size());
  Dims xs, shape;
  for (int d = 0; d < nd; ++d) {
    int k = d - (nd - x.ndim());
    xs.push_back(k < 0 ? 1 : x.shape(k));
    shape.push_back(xs[d] * reps[size_t(d)]);
  }
  NDArray xr = naive::reshape(x, xs);
  std::vector<double> v;
  for (int64_t k = 0; k < shape.product(); ++k) {
    Dims i = naive::unravel(k, shape);
    for (int d = 0; d < nd; ++d) i[d] %= xs[d];
    v.push_back(xr.item(naive::ravel(i, xs)));
  }
  return naive::expect(x.dtype(), shape, v);
}

// numpy.repeat(x, n, axis): element i along the axis is x's i // n.
NDArray repeat(const NDArray& x, int64_t n, int axis) {
  Dims shape = x.shape();
  shape[axis] *= n;
  std::vector<double> v;
  for (int64_t k = 0; k < shape.product(); ++k) {
    Dims i = naive::unravel(k, shape);
    i[axis] /= n;
    v.push_back(x.item(naive::ravel(i, x.shape())));
  }
  return naive::expect(x.dtype(), shape, v);
}

// numpy.diagonal(x, offset) over dims 0 and 1, the diagonal last.
NDArray diagonal(const NDArray& x, int64_t offset) {
  int64_t r0 = offset < 0 ? -offset : 0, c0 = offset > 0 ? offset : 0;
  int64_t len = std::max<int64_t>(0, std::min(x.shape(0) - r0, x.shape(1) - c0));
  Dims rest, shape;
  for (int d = 2; d < x.ndim(); ++d) rest.push_back(x.shape(d));
  shape = rest;
  shape.push_back(len);
  std::vector<double> v;
  for (int64_t k = 0; k < shape.product(); ++k) {
    Dims i = naive::unravel(k, shape), src{r0 + i[shape.size() - 1], c0 + i[shape.size() - 1]};
    for (int d = 0; d < rest.size(); ++d) src.push_back(i[d]);
    v.push_back(x.item(naive::ravel(src, x.shape())));
  }
  return naive::expect(x.dtype(), shape, v);
}

NDArray eye(int64_t n, int64_t m, int64_t k, DType dtype) {
  std::vector<double> v;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j) v.push_back(j - i == k ? 1 : 0);
  return naive::expect(dtype, Dims{n, m}, v);
}

// numpy.arange(start, stop, step, dtype): ceil((stop - start) / step) values; numpy fills them from
// the first two, start and start + step in the dtype, as first + i * (second - first).
NDArray float_arange(double start, double stop, double step, DType dtype) {
  int64_t n = std::max<int64_t>(0, int64_t(std::ceil((stop - start) / step)));
  std::vector<double> v;
  double first = naive::as_dtype(start, dtype), delta = naive::as_dtype(naive::as_dtype(start + step, dtype) - first, dtype);
  for (int64_t i = 0; i < n; ++i)
    v.push_back(i == 0 ? first : i == 1 ? naive::as_dtype(start + step, dtype) : naive::as_dtype(first + naive::as_dtype(naive::as_dtype(double(i), dtype) * delta, dtype), dtype));
  return naive::expect(dtype, Dims{n}, v);
}

Rows join_rows() {
  Rows s;
  s.push_back({.name = "concatenate along axis 0 and join along axis -1",
               .build = [](V x) { return std::vector<Var>{T::concatenate({x[0], x[1], x[2]}), T::join(-1, {x[0].T(), x[2].T()})}; },
               .inputs = {U(Dims{2, 5}), U(Dims{3, 5}), U(Dims{4, 5})},
               .dtypes = {DType::Float32, DType::Float64, DType::Int32},
               .naive = [](A x) { return Arrays{concat({x[0], x[1], x[2]}, 0), concat({naive::transpose(x[0]), naive::transpose(x[2])}, 1)}; },
               .errors = {{.args = {U(Dims{2, 5}), U(Dims{3, 4}), U(Dims{4, 5})}, .contains = {"Join", "same shape except along axis 0", "input 1 has (3, 4)"}},
                          {.run = [] { T::concatenate({T::constant(NDArray::zeros(DType::Float64, Dims{2, 3})), T::constant(NDArray::zeros(DType::Float64, Dims{2, 4}))}); },
                           .contains = {"Join", "same shape except along axis 0", "input 1 has (2, 4)"}},
                          {.run = [] { T::join(2, {T::matrix("a"), T::matrix("b")}); }, .contains = {"Join", "axis 2 is out of bounds for 2-d inputs"}},
                          {.run = [] { T::concatenate({T::matrix("a"), T::vector("b")}); }, .contains = {"Join", "input 1 is 1-d"}},
                          {.run = [] { T::concatenate({T::scalar("a"), T::scalar("b")}); }, .contains = {"cannot join 0-d tensors"}}}});
  s.push_back({.name = "join of 3-d tensors along the middle axis with an empty one and mixed dtypes",
               .build = [](V x) { return T::concatenate({x[0], x[1], T::cast(x[2], "int32")}, 1); },
               .inputs = {U(Dims{3, 2, 4}), U(Dims{3, 0, 4}), U(Dims{3, 5, 4})},
               .dtypes = {DType::Float64},
               .naive = [](A x) { return concat({x[0], x[1], naive::cast(x[2], DType::Int32)}, 1); },
               .no_grad = "the int32 input has no gradient; the float rows check the split"});
  s.push_back({.name = "stack of vectors along axis 0 and 1 and of scalars",
               .build = [](V x) { return std::vector<Var>{T::stack({x[0], x[1]}), T::stack({x[0], x[1], x[0]}, 1), T::stack({x[2], x[2] * 2.0})}; },
               .inputs = {U(Dims{5}), U(Dims{5}), U(Dims{})},
               .dtypes = kFloats,
               .naive = [](A x) {
                 NDArray a = naive::reshape(x[0], Dims{1, 5}), b = naive::reshape(x[1], Dims{1, 5});
                 NDArray s2 = naive::reshape(naive::map({x[2]}, x[2].dtype(), [](double v, double, double) { return v * 2; }), Dims{1});
                 return Arrays{concat({a, b}, 0), naive::transpose(concat({a, b, a}, 0)), concat({naive::reshape(x[2], Dims{1}), s2}, 0)};
               },
               .types = [](V, V out) { CHECK(out[1].type().shape_str() == "(?, 3)"); }});
  return s;
}
OP_TABLE_ROWS(join_rows);

Rows alloc_rows() {
  Rows s;
  s.push_back({.name = "alloc of a vector a column and a scalar with constant and symbolic sizes",
               .build = [](V x) {
                 return std::vector<Var>{T::alloc(x[0], {3, 5}), T::alloc(x[1].dimshuffle({0, 'x'}), {2, 4, 3}), T::alloc(x[2], {x[0].shape()[0], 2})};
               },
               .inputs = {U(Dims{5}), U(Dims{4}), U(Dims{})},
               .dtypes = {DType::Float32, DType::Float64, DType::Int16},
               .naive = [](A x) {
                 return Arrays{naive::broadcast_to(x[0], Dims{3, 5}), naive::broadcast_to(naive::reshape(x[1], Dims{4, 1}), Dims{2, 4, 3}),
                               naive::broadcast_to(x[2], Dims{5, 2})};
               },
               .types = [](V, V out) { CHECK(out[0].type().shape_str() == "(3, 5)"); },
               .errors = {{.args = {U(Dims{4}), U(Dims{4}), U(Dims{})}, .contains = {"Alloc", "the value of shape (4,) cannot be broadcast to the shape (3, 5)"}},
                          {.run = [] { T::alloc(T::constant(NDArray::zeros(DType::Float64, Dims{4})), {3, 5}); },
                           .contains = {"Alloc", "the value of shape (4,) cannot be broadcast to the shape (3, 5)"}},
                          {.run = [] { T::alloc(T::matrix("m"), {3}); }, .contains = {"Alloc", "the value has 2 dims but the shape has 1"}},
                          {.run = [] { T::alloc(1.0, {3, -2}); }, .contains = {"Alloc", "negative dimension -2"}}}});
  s.push_back({.name = "alloc with a symbolic negative size",
               .build = [](V x) { return T::alloc(x[0], {x[1], 3}); },
               .inputs = {U(Dims{3}), lscalar(2)},
               .naive = [](A x) { return naive::broadcast_to(x[0], Dims{2, 3}); },
               .errors = {{.args = {U(Dims{3}), lscalar(-1)}, .contains = {"Alloc", "negative dimension -1"}}}});
  s.push_back({.name = "zeros and ones of floatX and of a dtype",
               .build = [](V x) { return std::vector<Var>{T::zeros({2, x[0].shape()[0]}) + x[0], T::ones({3}, DType::Int8), T::zeros({}, DType::Float64)}; },
               .inputs = {U(Dims{5})},
               .dtypes = {DType::Float32},
               .naive = [](A x) {
                 return Arrays{naive::broadcast_to(x[0], Dims{2, 5}), naive::expect(DType::Int8, Dims{3}, {1, 1, 1}), naive::expect(DType::Float64, Dims{}, {0})};
               }});
  s.push_back({.name = "tile of a matrix by 2 x 3 and by 2 x 1 x 2 and of a vector",
               .build = [](V x) { return std::vector<Var>{T::tile(x[0], {2, 3}), T::tile(x[0], {2, 1, 2}), T::tile(x[1], {3})}; },
               .inputs = {U(Dims{2, 3}), U(Dims{4})},
               .dtypes = {DType::Float32, DType::Float64, DType::Int32},
               .naive = [](A x) { return Arrays{tile(x[0], {2, 3}), tile(x[0], {2, 1, 2}), tile(x[1], {3})}; }});
  s.push_back({.name = "repeat of a matrix along each axis and flattened",
               .build = [](V x) {
                 return std::vector<Var>{T::repeat(x[0], 3, 1), T::repeat(x[0], 2, 0), T::repeat(x[0], 2), T::extra_ops::repeat(x[0], x[1], -1)};
               },
               .inputs = {U(Dims{2, 3}), lscalar(4)},
               .dtypes = {DType::Float32, DType::Float64, DType::Int32},
               .naive = [](A x) {
                 return Arrays{repeat(x[0], 3, 1), repeat(x[0], 2, 0), repeat(naive::reshape(x[0], Dims{6}), 2, 0), repeat(x[0], 4, 1)};
               },
               .errors = {{.args = {U(Dims{2, 3}), lscalar(-1)}, .contains = {"Alloc", "negative dimension -1"}},
                          {.run = [] { T::repeat(T::matrix("m"), 2, 2); }, .contains = {"T::repeat", "axis 2 is out of bounds for a 2-d input"}}}});
  return s;
}
OP_TABLE_ROWS(alloc_rows);

Rows eye_diag_rows() {
  Rows s;
  s.push_back({.name = "eye of constant and symbolic sizes and diagonals",
               .build = [](V x) {
                 return std::vector<Var>{T::eye(3, std::nullopt, 0, DType::Float64), T::eye(3, 5, 1, DType::Int32), T::eye(4, 3, -2, DType::Float32),
                                         T::eye(x[0], x[1], x[2], DType::Float64), T::identity_like(x[3])};
               },
               .inputs = Inputs::each({{lscalar(2), lscalar(4), lscalar(-1), U(Dims{2, 3})}, {lscalar(3), lscalar(0), lscalar(7), U(Dims{4, 1})}}),
               .naive = [](A x) {
                 int64_t n = int64_t(x[0].item()), m = int64_t(x[1].item()), k = int64_t(x[2].item());
                 return Arrays{eye(3, 3, 0, DType::Float64), eye(3, 5, 1, DType::Int32), eye(4, 3, -2, DType::Float32), eye(n, m, k, DType::Float64),
                               eye(x[3].shape(0), x[3].shape(1), 0, DType::Float64)};
               },
               .no_grad = "eye is not differentiable and identity_like does not depend on x's values",
               .bcast = {{}, {}, {}, {false, false}},
               .types = [](V, V out) {
                 CHECK(out[1].type().shape_str() == "(3, 5)");
                 CHECK(out[1].dtype() == DType::Int32);
               },
               .errors = {{.args = {lscalar(-2), lscalar(4), lscalar(0), U(Dims{2, 3})}, .contains = {"Eye", "negative dimension"}},
                          {.run = [] { T::identity_like(T::vector("v")); }, .contains = {"T::identity_like", "x must be a matrix"}}}});
  s.push_back({.name = "diagonal of a matrix at offsets 0 2 -1 and -9 and of a 3-d tensor",
               .build = [](V x) {
                 return std::vector<Var>{T::diagonal(x[0]), x[0].diagonal(2), T::diagonal(x[0], -1), T::diagonal(x[0], -9), T::diagonal(x[1], 1)};
               },
               .inputs = {U(Dims{4, 6}), U(Dims{3, 5, 2})},
               .dtypes = {DType::Float32, DType::Float64, DType::Int64},
               .naive = [](A x) { return Arrays{diagonal(x[0], 0), diagonal(x[0], 2), diagonal(x[0], -1), diagonal(x[0], -9), diagonal(x[1], 1)}; },
               .errors = {{.run = [] { T::diagonal(T::vector("v")); }, .contains = {"diagonal requires an array of at least two dimensions"}}}});
  return s;
}
OP_TABLE_ROWS(eye_diag_rows);

Rows fill_pad_arange_rows() {
  Rows s;
  s.push_back({.name = "fill and the shape pads",
               .build = [](V x) {
                 return std::vector<Var>{T::fill(x[0], x[1]), T::shape_padleft(x[0], 2), T::shape_padright(x[0]), T::shape_padaxis(x[0], 1),
                                         T::shape_padaxis(x[0], -1)};
               },
               .inputs = {U(Dims{3, 5}), U(Dims{})},
               .dtypes = {DType::Float32, DType::Float64, DType::Int32},
               .naive = [](A x) {
                 return Arrays{naive::broadcast_to(x[1], Dims{3, 5}), naive::reshape(x[0], Dims{1, 1, 3, 5}), naive::reshape(x[0], Dims{3, 5, 1}),
                               naive::reshape(x[0], Dims{3, 1, 5}), naive::reshape(x[0], Dims{3, 5, 1})};
               },
               .types = [](V, V out) {
                 CHECK(out[1].type().broadcastable(0));
                 CHECK(out[3].type().broadcastable(1));
               },
               .errors = {{.run = [] { T::shape_padaxis(T::matrix("m"), 3); }, .contains = {"T::shape_padaxis", "axis 3 is out of bounds [-3, 2]"}}}});
  std::vector<std::vector<Input>> triples;
  for (auto [a, b, c] : {std::tuple{0.0, 1.0, 0.1}, {1.5, -2.25, -0.5}, {-1.0, 3.0, 0.7}, {2.0, 2.0, 1.0}, {0.0, 5.0, -1.0}, {0.25, 1e3, 9.75}})
    triples.push_back({vals(Dims{}, {a}), vals(Dims{}, {b}), vals(Dims{}, {c})});
  s.push_back({.name = "arange of float start stop and step",
               .build = [](V x) { return T::arange(x[0], x[1], x[2]); },
               .inputs = Inputs::each(triples),
               .dtypes = kFloats,
               .naive = [](A x) { return float_arange(x[0].item(), x[1].item(), x[2].item(), x[0].dtype()); },
               .unknown_dims = 1,
               .types = [](V in, V out) { CHECK(out[0].dtype() == in[0].dtype()); },
               .errors = {{.args = {vals(Dims{}, {0}), vals(Dims{}, {1}), vals(Dims{}, {0})}, .contains = {"ARange", "step cannot be zero"}}}});
  s.push_back({.name = "arange dtypes follow Theano's upcast",
               .build = [](V x) { return std::vector<Var>{T::arange(0, 5), T::arange(0.5, 3.0), T::arange(x[0], 2.0), T::arange(1, x[1], 2)}; },
               .inputs = {lscalar(1), lscalar(6)},
               .dtypes = {DType::Int64},
               .naive = [](A) {
                 return Arrays{naive::expect(DType::Int64, Dims{5}, {0, 1, 2, 3, 4}), float_arange(0.5, 3.0, 1, DType::Float32),
                               float_arange(1, 2.0, 1, DType::Float64), naive::expect(DType::Int64, Dims{3}, {1, 3, 5})};
               },
               .unknown_dims = 1,  // arange(x, 2.0): a symbolic float range
               .types = [](V, V out) {
                 CHECK(out[0].type().shape_str() == "(5,)");
                 CHECK(out[1].type().shape_str() == "(3,)");
               }});
  return s;
}
OP_TABLE_ROWS(fill_pad_arange_rows);

}  // namespace
