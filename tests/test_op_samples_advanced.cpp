// Op table rows (tests/op_table.hpp): numpy's advanced indexing. Integer tensors of any rank as
// indices (emb[int matrix]), mixed with slices and integers (the index dims in place when adjacent,
// first otherwise), newaxis, T::set_subtensor and T::inc_subtensor of basic and advanced indices
// (lower-rank values broadcast, repeated indices accumulate) and the errors bad indices and values give.
#include <variant>

#include "op_naive.hpp"
#include "ops/subtensor.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
using naive::Idx;
using V = const std::vector<Var>&;
using A = const Arrays&;

namespace {

// One entry of a numpy index: a slice or an integer array (a 0-d one for an integer).
using NIdx = std::variant<Idx, NDArray>;

Dims broadcast(const std::vector<Dims>& shapes) {
  int nd = 0;
  for (const Dims& s : shapes) nd = std::max(nd, s.size());
  Dims out = Dims::filled(nd, 1);
  for (const Dims& s : shapes)
    for (int d = 0; d < s.size(); ++d) {
      int64_t& o = out[nd - s.size() + d];
      if (s[d] == 1) continue;
      if (o != 1 && o != s[d]) throw std::invalid_argument("naive: index arrays do not broadcast");
      o = s[d];
    }
  return out;
}

// numpy's x[idx] (docs.scipy.org, "Combining advanced and basic indexing"): the selected positions.
naive::Selection numpy_select(const Dims& shape, const std::vector<NIdx>& idx) {
  int nd = shape.size();
  std::vector<int> arrays;
  std::vector<Dims> shapes;
  std::vector<std::vector<int64_t>> pos(static_cast<size_t>(nd));
  for (int d = 0; d < nd; ++d) {
    if (d < int(idx.size()) && std::holds_alternative<NDArray>(idx[size_t(d)])) {
      arrays.push_back(d);
      shapes.push_back(std::get<NDArray>(idx[size_t(d)]).shape());
      continue;
    }
    Idx s = d < int(idx.size()) ? std::get<Idx>(idx[size_t(d)]) : Idx::slice();
    pos[size_t(d)] = naive::py_slice(shape[d], s.start, s.stop, s.step);
  }
  Dims b = broadcast(shapes);
  bool adjacent = arrays.empty() || arrays.back() - arrays.front() + 1 == int(arrays.size());
  std::vector<int> order;  // -1: the broadcast index dims
  if (!adjacent) order.push_back(-1);
  for (int d = 0; d < nd; ++d) {
    if (adjacent && !arrays.empty() && d == arrays.front()) order.push_back(-1);
    if (std::find(arrays.begin(), arrays.end(), d) == arrays.end()) order.push_back(d);
  }
  naive::Selection sel;
  for (int o : order)
    if (o < 0) for (int64_t v : b) sel.shape.push_back(v);
    else sel.shape.push_back(int64_t(pos[size_t(o)].size()));
  for (int64_t k = 0; k < sel.shape.product(); ++k) {
    Dims i = naive::unravel(k, sel.shape), src = Dims::filled(nd, 0), bi;
    int c = 0;
    for (int o : order) {
      if (o < 0) {
        for (int j = 0; j < b.size(); ++j) bi.push_back(i[c++]);
      } else {
        src[o] = pos[size_t(o)][size_t(i[c++])];
      }
    }
    for (int d : arrays) {
      const NDArray& a = std::get<NDArray>(idx[size_t(d)]);
      Dims ai;
      for (int m = 0; m < a.ndim(); ++m) ai.push_back(a.shape(m) == 1 ? 0 : bi[m + b.size() - a.ndim()]);
      int64_t v = int64_t(a.item(naive::ravel(ai, a.shape())));
      if (v < -shape[d] || v >= shape[d]) throw std::out_of_range("naive: index out of range");
      src[d] = v < 0 ? v + shape[d] : v;
    }
    sel.flat.push_back(naive::ravel(src, shape));
  }
  return sel;
}

NDArray take(const NDArray& x, const std::vector<NIdx>& idx) { return naive::gather(x, numpy_select(x.shape(), idx)); }
NDArray put(const NDArray& x, const NDArray& y, const std::vector<NIdx>& idx, bool set) {
  return naive::scatter(x, y, numpy_select(x.shape(), idx), set);
}
NDArray ints(const Dims& shape, std::vector<double> v) { return test_util::i64(shape, v); }
Var c(const NDArray& a) { return T::constant(a); }

// Built on first use (the rows are made after Catch starts).
const NDArray& rows_index() {  // into a dim of 5: repeats and negatives
  static const NDArray a = ints(Dims{2, 3}, {4, -1, 0, 2, 4, -5});
  return a;
}
const NDArray& cols_index() {  // into a dim of 7
  static const NDArray a = ints(Dims{2, 1}, {6, -2});
  return a;
}
const NDArray& cube_index() {  // into a dim of 3
  static const NDArray a = ints(Dims{2, 1, 3}, {0, 2, -1, 1, 1, -3});
  return a;
}

Rows advanced_any_rank_rows() {
  Rows s;
  s.push_back({.name = "advanced emb[int matrix] gives idx.shape + emb.shape[1:]",
               .build = [](V x) { return x[0][c(rows_index())]; },
               .inputs = {U(Dims{5, 4})},
               .dtypes = {DType::Float32, DType::Float64, DType::Int32},
               .naive = [](A x) { return take(x[0], {rows_index()}); },
               .types = [](V, V out) { CHECK(out[0].type().shape_str() == "(2, 3, ?)"); }});
  s.push_back({.name = "advanced x[int 3-d tensor] of a vector and of a symbolic index",
               .build = [](V x) { return std::vector<Var>{x[0][c(cube_index())], x[0][x[1]]}; },
               .inputs = {U(Dims{3}), fixed(cube_index())},
               .naive = [](A x) { return Arrays{take(x[0], {cube_index()}), take(x[0], {cube_index()})}; }});
  s.push_back({.name = "advanced x[:, rows] keeps the index dims in place",
               .build = [](V x) { return x[0][{T::slice(), c(rows_index())}]; },
               .inputs = {U(Dims{3, 5, 4})},
               .naive = [](A x) { return take(x[0], {Idx::slice(), rows_index()}); },
               .types = [](V, V out) { CHECK(out[0].type().shape_str() == "(?, 2, 3, ?)"); }});
  s.push_back({.name = "advanced x[rows, 1:6:2, cols] puts the broadcast index dims first",
               .build = [](V x) { return x[0][{c(rows_index()), T::slice(1, 6, 2), c(cols_index())}]; },
               .inputs = {U(Dims{5, 6, 7})},
               .naive = [](A x) { return take(x[0], {rows_index(), Idx::slice(1, 6, 2), cols_index()}); },
               .types = [](V, V out) { CHECK(out[0].type().shape_str() == "(2, 3, ?)"); }});
  s.push_back({.name = "advanced x[1, :, cols] counts the integer as an index array",
               .build = [](V x) { return x[0][{1, T::slice(), c(cols_index())}]; },
               .inputs = {U(Dims{3, 4, 7})},
               .naive = [](A x) { return take(x[0], {ints(Dims{}, {1}), Idx::slice(), cols_index()}); }});
  s.push_back({.name = "advanced x[::-1, rows, cols] of adjacent arrays broadcast together",
               .build = [](V x) { return x[0][{T::slice(std::nullopt, std::nullopt, -1), c(rows_index()), c(cols_index())}]; },
               .inputs = {U(Dims{3, 5, 7})},
               .naive = [](A x) { return take(x[0], {Idx::slice({}, {}, -1), rows_index(), cols_index()}); }});
  s.push_back({.name = "advanced x[i, rows] with a symbolic integer scalar",
               .build = [](V x) { return x[0][{x[1], c(rows_index())}]; },
               .inputs = Inputs::each({{U(Dims{3, 5}), lscalar(-1)}, {U(Dims{3, 5}), lscalar(2)}}),
               .naive = [](A x) { return take(x[0], {ints(Dims{}, {x[1].item()}), rows_index()}); }});
  // Out of range, at call time: the op, the index, the axis and the size.
  s.push_back({.name = "advanced x[idx] of a symbolic int matrix",
               .build = [](V x) { return x[0][x[1]]; },
               .inputs = {U(Dims{5, 3}), fixed(rows_index())},
               .naive = [](A x) { return take(x[0], {rows_index()}); },
               .errors = {{.args = {U(Dims{5, 3}), fixed(ints(Dims{2, 2}, {0, 1, 5, 2}))}, .contains = {"AdvancedSubtensor", "index 5", "axis 0", "size 5"}},
                          {.args = {U(Dims{5, 3}), fixed(ints(Dims{1, 2}, {-6, 0}))}, .contains = {"AdvancedSubtensor", "index -6", "axis 0", "size 5"}},
                          {.run = [] { T::matrix("m")[T::fvector("f")]; }, .contains = {"AdvancedSubtensor", "integer tensor", "float32"}},
                          {.run = [] { T::matrix("m")[{T::lvector("i"), T::lvector("j"), T::lvector("k")}]; }, .contains = {"too many indices (3) for a 2-d tensor"}}}});
  s.push_back({.name = "advanced x[rows, cols] of arrays that do not broadcast",
               .build = [](V x) { return x[0][{x[1], x[2]}]; },
               .inputs = {U(Dims{5, 7}), fixed(rows_index()), fixed(cols_index())},
               .naive = [](A x) { return take(x[0], {rows_index(), cols_index()}); },
               .errors = {{.args = {U(Dims{5, 7}), fixed(rows_index()), fixed(ints(Dims{3, 1}, {0, 1, 2}))}, .contains = {"AdvancedSubtensor", "shape mismatch", "(2, 3) (3, 1)"}},
                          {.run = [] { T::matrix("m")[{c(ints(Dims{3}, {0, 1, 2})), c(ints(Dims{2}, {0, 1}))}]; }, .contains = {"shape mismatch", "(3,) (2,)"}}}});
  return s;
}
OP_TABLE_ROWS(advanced_any_rank_rows);

Rows newaxis_rows() {
  Rows s;
  s.push_back({.name = "newaxis x[:, None] x[None] x[None, 1, None] and x[rows, None]",
               .build = [](V x) {
                 const Var& m = x[0];
                 return std::vector<Var>{m[{T::slice(), T::newaxis}], m[T::newaxis], m[{T::newaxis, 1, T::newaxis}], m[{c(rows_index()), T::newaxis}]};
               },
               .inputs = {U(Dims{5, 3})},
               .naive = [](A x) {
                 NDArray m = x[0];
                 return Arrays{naive::dimshuffle(m, {0, -1, 1}), naive::dimshuffle(m, {-1, 0, 1}), naive::dimshuffle(take(m, {ints(Dims{}, {1})}), {-1, -1, 0}),
                               naive::dimshuffle(take(m, {rows_index()}), {0, 1, -1, 2})};
               },
               .types = [](V, V out) {
                 CHECK(out[0].type().shape_str() == "(?, 1, ?)");
                 CHECK(out[0].type().broadcastable(1));
                 CHECK(out[2].type().shape_str() == "(1, 1, ?)");
               },
               .errors = {{.run = [] { T::matrix("m")[{0, T::newaxis, 1, 2}]; }, .contains = {"too many indices for a 2-d tensor"}}}});
  return s;
}
OP_TABLE_ROWS(newaxis_rows);

Rows set_inc_subtensor_rows() {
  Rows s;
  s.push_back({.name = "T::set_subtensor and T::inc_subtensor of basic indices with broadcast values",
               .build = [](V x) {
                 const Var &m = x[0], &row = x[1];
                 return std::vector<Var>{T::set_subtensor(m[T::slice(1, 3)], row), T::inc_subtensor(m[{T::slice(), 2}], x[2]),
                                         T::set_subtensor(m[{0, 1}], 5), T::inc_subtensor(m[T::slice(std::nullopt, std::nullopt, -2)], row)};
               },
               .inputs = {U(Dims{5, 7}), U(Dims{7}), U(Dims{5})},
               .dtypes = {DType::Float32, DType::Float64, DType::Int32},
               .naive = [](A x) {
                 NDArray five = naive::expect(x[0].dtype(), Dims{}, {5});
                 return Arrays{put(x[0], x[1], {Idx::slice(1, 3)}, true), put(x[0], x[2], {Idx::slice(), ints(Dims{}, {2})}, false),
                               put(x[0], five, {ints(Dims{}, {0}), ints(Dims{}, {1})}, true), put(x[0], x[1], {Idx::slice({}, {}, -2)}, false)};
               }});
  s.push_back({.name = "T::inc_subtensor of emb[int matrix] accumulates repeated rows",
               .build = [](V x) { return T::inc_subtensor(x[0][c(rows_index())], x[1]); },
               .inputs = {U(Dims{5, 4}), U(Dims{2, 3, 4})},
               .dtypes = {DType::Float32, DType::Float64, DType::Int64},
               .naive = [](A x) { return put(x[0], x[1], {rows_index()}, false); }});
  s.push_back({.name = "T::set_subtensor and T::inc_subtensor of mixed advanced indices",
               .build = [](V x) {
                 const Var& m = x[0];
                 return std::vector<Var>{T::set_subtensor(m[{T::slice(1, 3), T::slice(), c(cols_index())}], x[1]), T::inc_subtensor(m[{c(rows_index()), T::slice(), c(cols_index())}], x[2]),
                                         T::inc_subtensor(m[{T::slice(), T::slice(), c(cols_index())}], 1.5)};
               },
               .inputs = {U(Dims{5, 3, 7}), U(Dims{3, 1, 1}), U(Dims{3})},
               .naive = [](A x) {
                 NDArray one5 = naive::expect(DType::Float64, Dims{}, {1.5});
                 return Arrays{put(x[0], x[1], {Idx::slice(1, 3), Idx::slice(), cols_index()}, true), put(x[0], x[2], {rows_index(), Idx::slice(), cols_index()}, false),
                               put(x[0], one5, {Idx::slice(), Idx::slice(), cols_index()}, false)};
               }});
  s.push_back({.name = "T::set_subtensor of advanced indices without repeats",
               .build = [](V x) { return T::set_subtensor(x[0][{x[1], T::slice(1, 5)}], x[2]) * x[0]; },
               .inputs = {U(Dims{5, 6}), i64s({3, -1, 0}), U(Dims{3, 4})},
               .naive = [](A x) {
                 NDArray set = put(x[0], x[2], {x[1], Idx::slice(1, 5)}, true);
                 return naive::map({set, x[0]}, DType::Float64, [](double a, double b, double) { return a * b; });
               }});
  // A value of the wrong shape: when the graph is built if the shapes are static, else at call time.
  s.push_back({.name = "T::set_subtensor of a value that does not fit",
               .build = [](V x) { return std::vector<Var>{T::set_subtensor(x[0][T::slice(1, 3)], x[1]), T::inc_subtensor(x[0][x[2]], x[1])}; },
               .inputs = {U(Dims{5, 7}), U(Dims{2, 7}), i64s({0, 4})},
               .naive = [](A x) { return Arrays{put(x[0], x[1], {Idx::slice(1, 3)}, true), put(x[0], x[1], {x[2]}, false)}; },
               .errors = {{.args = {U(Dims{5, 7}), U(Dims{3, 7}), i64s({0, 4})}, .contains = {"SetSubtensor", "cannot set x[idx] of shape (2, 7) with y of shape (3, 7)"}},
                          {.args = {U(Dims{5, 7}), U(Dims{2, 7}), i64s({0, 4, 1})}, .contains = {"AdvancedIncSubtensor", "cannot increment x[idx] of shape (3, 7) with y of shape (2, 7)"}},
                          {.run = [] { T::set_subtensor(c(NDArray::zeros(DType::Float64, Dims{5, 4}))[T::slice(1, 3)], c(NDArray::zeros(DType::Float64, Dims{3}))); },
                           .contains = {"SetSubtensor", "cannot set x[idx] of shape (2, 4) with y of shape (1, 3)"}},
                          {.run = [] { T::set_subtensor(T::matrix("m"), 1.0); }, .contains = {"T::set_subtensor", "x must be the result of indexing"}},
                          {.run = [] { T::inc_subtensor(T::vector("v")[0], T::vector("w")); }, .contains = {"T::inc_subtensor", "cannot increment a 0-d subtensor with a 1-d value"}}}});
  return s;
}
OP_TABLE_ROWS(set_inc_subtensor_rows);

}  // namespace
