// Op table rows (tests/op_table.hpp): indexing. Subtensor (Python's slicing rules with constant and
// symbolic bounds of either sign), IncSubtensor and SetSubtensor, AdvancedSubtensor and its
// increment (repeated indices accumulate), and the errors out-of-range indices give.
#include <optional>

#include "op_naive.hpp"
#include "ops/graph_math.hpp"
#include "ops/shape_math.hpp"
#include "ops/subtensor.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
using naive::Idx;
using V = const std::vector<Var>&;
using A = const Arrays&;
using Bound = std::optional<int64_t>;

namespace {

Var c64(double v) { return ops::scalar_constant(v, DType::Int64); }
NDArray take(const NDArray& x, const std::vector<Idx>& idx) { return naive::gather(x, naive::select(x.shape(), idx)); }
std::optional<IntOrVar> bound(Bound b) { return b ? std::optional<IntOrVar>(int(*b)) : std::nullopt; }

const NDArray& m35() {
  static const NDArray m = test_util::f64(Dims{3, 5}, {0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24});
  return m;
}

Rows subtensor_rows() {
  Rows s;
  const Dims m57{5, 7}, t3{3, 5, 7};
  s.push_back({.name = "subtensor 1:4",
               .build = [](V x) { return x[0][T::slice(1, 4)]; },
               .inputs = {U(m57)},
               .naive = [](A x) { return take(x[0], {Idx::slice(1, 4)}); }});
  s.push_back({.name = "subtensor ::-1, 1:6:2",
               .build = [](V x) { return x[0][{T::slice(std::nullopt, std::nullopt, -1), T::slice(1, 6, 2)}]; },
               .inputs = {U(m57)},
               .naive = [](A x) { return take(x[0], {Idx::slice({}, {}, -1), Idx::slice(1, 6, 2)}); }});
  s.push_back({.name = "subtensor 6:0:-2",
               .build = [](V x) { return x[0][{T::slice(), T::slice(6, 0, -2)}]; },
               .inputs = {U(m57)},
               .naive = [](A x) { return take(x[0], {Idx::slice(), Idx::slice(6, 0, -2)}); }});
  s.push_back({.name = "subtensor int and negative start",
               .build = [](V x) { return x[0][{2, T::slice(-3, std::nullopt)}]; },
               .inputs = {U(m57)},
               .naive = [](A x) { return take(x[0], {Idx::at(2), Idx::slice(-3)}); }});
  s.push_back({.name = "subtensor -1 of a 3-d",
               .build = [](V x) { return x[0][-1]; },
               .inputs = {U(t3)},
               .dtypes = {DType::Float64, DType::Int32, DType::Bool},
               .naive = [](A x) { return take(x[0], {Idx::at(-1)}); }});
  // Constant slices of either sign on matrices that are long, short, empty and 1x1.
  struct Case {
    const char* name;
    std::vector<Index> index;
    std::vector<Idx> ref;
  };
  const std::vector<Case> cases = {
      {"1:-1", {T::slice(1, -1)}, {Idx::slice(1, -1)}},
      {"::-2", {T::slice(std::nullopt, std::nullopt, -2)}, {Idx::slice({}, {}, -2)}},
      {"-7:100:3", {T::slice(-7, 100, 3)}, {Idx::slice(-7, 100, 3)}},
      {"5:1:-1", {T::slice(5, 1, -1)}, {Idx::slice(5, 1, -1)}},
      {"-2:, :1", {T::slice(-2, std::nullopt), T::slice(1)}, {Idx::slice(-2), Idx::slice({}, 1)}},
  };
  for (const Case& c : cases)
    s.push_back({.name = std::string("subtensor ") + c.name + " of matrices long short empty and 1x1",
                 .build = [index = c.index](V x) { return x[0][index]; },
                 .inputs = Inputs::each({{U(Dims{9, 4})}, {U(Dims{2, 3})}, {U(Dims{0, 5})}, {U(Dims{1, 1})}}),
                 .naive = [ref = c.ref](A x) { return take(x[0], ref); }});
  s.push_back({.name = "subtensor 1 of a matrix",
               .build = [](V x) { return x[0][1]; },
               .inputs = {U(Dims{3, 5})},
               .naive = [](A x) { return take(x[0], {Idx::at(1)}); }});
  // A symbolic bound leaves its dim unknown; the others are still known.
  s.push_back({.name = "subtensor i:i+2 with a symbolic i",
               .build = [](V x) { return x[0][T::slice(x[1], x[1] + 2)]; },
               .inputs = {U(Dims{7, 5}), lscalar(2)},
               .naive = [](A x) { return take(x[0], {Idx::slice(2, 4)}); },
               .unknown_dims = 1});
  // ---- Python's rules with symbolic bounds: one row per pattern of present parts ----
  const std::vector<Bound> bounds = {std::nullopt, -9, -7, -3, -1, 0, 2, 6, 7, 9};
  const std::vector<Bound> steps = {std::nullopt, 1, 2, 3, -1, -2, -3};
  for (int pattern = 0; pattern < 8; ++pattern) {
    bool hs = pattern & 1, he = pattern & 2, hp = pattern & 4;
    std::vector<std::vector<Input>> sets;
    for (Bound s0 : bounds)
      for (Bound s1 : bounds)
        for (Bound s2 : steps) {
          if (s0.has_value() != hs || s1.has_value() != he || s2.has_value() != hp) continue;
          std::vector<Input> set{iota(Dims{7})};
          for (Bound b : {s0, s1, s2})
            if (b) set.push_back(lscalar(*b));
          sets.push_back(set);
        }
    s.push_back({.name = std::string("subtensor of arange(7) with symbolic ") + (hs ? "start " : "") + (he ? "stop " : "") +
                         (hp ? "step" : "") + (pattern ? "" : "nothing"),
                 .build = [hs, he, hp](V x) {
                   size_t k = 1;
                   std::optional<IntOrVar> a, b, c;
                   if (hs) a = x[k++];
                   if (he) b = x[k++];
                   if (hp) c = x[k++];
                   return x[0][T::slice(a, b, c)];
                 },
                 .inputs = Inputs::each(sets),
                 .dtypes = {DType::Int64},
                 .naive = [hs, he, hp](A x) {
                   size_t k = 1;
                   Bound a, b, c;
                   if (hs) a = int64_t(x[k++].item());
                   if (he) b = int64_t(x[k++].item());
                   if (hp) c = int64_t(x[k++].item());
                   return take(x[0], {Idx::slice(a, b, c)});
                 },
                 .unknown_dims = pattern ? 1 : 0});
  }
  // Constant bounds: the static shape stays unknown (x's length is), the run-time one is Python's.
  s.push_back({.name = "subtensor of a vector with constant bounds and steps",
               .build = [bounds, steps](V x) {
                 std::vector<Var> out;
                 for (Bound s0 : bounds)
                   for (Bound s2 : steps) out.push_back(x[0][T::slice(bound(s0), -2, bound(s2))]);
                 return out;
               },
               .inputs = {iota(Dims{7})},
               .dtypes = {DType::Int64},
               .naive = [bounds, steps](A x) {
                 Arrays r;
                 for (Bound s0 : bounds)
                   for (Bound s2 : steps) r.push_back(take(x[0], {Idx::slice(s0, -2, s2)}));
                 return r;
               },
               .types = [](V, V out) {
                 for (const Var& y : out) CHECK(y.type().shape[0] == -1);
               }});
  NDArray seven = NDArray::empty(DType::Int64, Dims{7});
  for (int64_t i = 0; i < 7; ++i) seven.set_item(i, double(i));
  s.push_back({.name = "subtensor -100:100:3 of a constant has a static shape",
               .build = [seven](V) { return T::constant(seven)[T::slice(-100, 100, 3)]; },
               .inputs = {},
               .dtypes = {DType::Int64},
               .naive = [](A) { return naive::expect(DType::Int64, Dims{3}, {0, 3, 6}); },
               .types = [](V, V out) { CHECK(out[0].type().shape[0] == 3); }});
  s.push_back({.name = "subtensor ints empty slices and negative steps together",
               .build = [](V x) {
                 const Var& m = x[0];
                 return std::vector<Var>{m[{-1, T::slice(std::nullopt, std::nullopt, -2)}], m[{T::slice(2, 1), T::slice()}],
                                         m[{T::slice(std::nullopt, std::nullopt, -1), 1}]};
               },
               .inputs = {fixed(m35())},
               .naive = [](A) {
                 return Arrays{naive::expect(DType::Float64, Dims{3}, {24, 22, 20}), naive::expect(DType::Float64, Dims{0, 5}, {}),
                               naive::expect(DType::Float64, Dims{3}, {21, 11, 1})};
               }});
  // Out-of-range integer indices: errors naming the op, the index, the axis and the size.
  s.push_back({.name = "subtensor m[i] with a symbolic index",
               .build = [](V x) { return x[0][x[1]]; },
               .inputs = {U(Dims{3, 5}), lscalar(-3)},
               .naive = [](A x) { return take(x[0], {Idx::at(-3)}); },
               .errors = {{.args = {U(Dims{3, 5}), lscalar(3)}, .contains = {"Subtensor", "index 3", "axis 0", "size 3"}},
                          {.args = {U(Dims{3, 5}), lscalar(-4)}, .contains = {"Subtensor", "index -4", "axis 0", "size 3"}}}});
  s.push_back({.name = "subtensor m[0, i] with a symbolic index",
               .build = [](V x) { return x[0][{0, x[1]}]; },
               .inputs = {U(Dims{3, 5}), lscalar(4)},
               .naive = [](A x) { return take(x[0], {Idx::at(0), Idx::at(4)}); },
               .errors = {{.args = {U(Dims{3, 5}), lscalar(5)}, .contains = {"Subtensor", "index 5", "axis 1", "size 5"}},
                          {.args = {U(Dims{3, 5}), lscalar(-6)}, .contains = {"Subtensor", "index -6", "axis 1", "size 5"}},
                          // A constant index is checked when the graph is built.
                          {.run = [] { T::constant(NDArray::zeros(DType::Float64, Dims{3, 5}))[{1, 7}]; },
                           .contains = {"index 7 is out of bounds for axis 1 with size 5"}}}});
  // x's length is unknown when the graph is built: no build-time error for index 7.
  s.push_back({.name = "subtensor m[7] of a matrix of unknown length",
               .build = [](V x) { return x[0][7]; },
               .inputs = {U(Dims{9, 5})},
               .naive = [](A x) { return take(x[0], {Idx::at(7)}); }});
  return s;
}
OP_TABLE_ROWS(subtensor_rows);

Rows inc_subtensor_rows() {
  Rows s;
  const Dims m57{5, 7};
  ops::IndexEntry all{true}, rev{true, false, false, true}, one{};
  s.push_back({.name = "inc_subtensor x[1:3] += y",
               .build = [](V x) { return ops::inc_subtensor(x[0], x[1], {ops::IndexEntry{true, true, true, false}}, {c64(1), c64(3)}); },
               .inputs = {U(m57), U(Dims{2, 7})},
               .naive = [](A x) { return naive::scatter(x[0], x[1], naive::select(x[0].shape(), {Idx::slice(1, 3)}), false); }});
  s.push_back({.name = "inc_subtensor x[:, ::-2] += broadcast row",
               .build = [all, rev](V x) { return ops::inc_subtensor(x[0], x[1].dimshuffle({'x', 0}), {all, rev}, {c64(-2)}); },
               .inputs = {U(m57), U(Dims{4})},
               .naive = [](A x) {
                 return naive::scatter(x[0], naive::dimshuffle(x[1], {-1, 0}), naive::select(x[0].shape(), {Idx::slice(), Idx::slice({}, {}, -2)}), false);
               }});
  s.push_back({.name = "set_subtensor x[2] = y",
               .build = [one](V x) { return ops::inc_subtensor(x[0], x[1], {one}, {c64(2)}, true) * x[0]; },
               .inputs = {U(m57), U(Dims{7})},
               .naive = [](A x) {
                 NDArray set = naive::scatter(x[0], x[1], naive::select(x[0].shape(), {Idx::at(2)}), true);
                 return naive::map({set, x[0]}, DType::Float64, [](double a, double b, double) { return a * b; });
               }});
  s.push_back({.name = "inc_subtensor x[1] += y of a matrix",
               .build = [one](V x) { return ops::inc_subtensor(x[0], x[1], {one}, {ops::dims::constant(1)}); },
               .inputs = {U(Dims{3, 5}), U(Dims{5})},
               .dtypes = {DType::Float64, DType::Float32, DType::Int32},
               .naive = [](A x) { return naive::scatter(x[0], x[1], naive::select(x[0].shape(), {Idx::at(1)}), false); }});
  // Hand-worked values: a strided increment and a set of the last row.
  s.push_back({.name = "inc_subtensor of a broadcast row through a strided view",
               .build = [all, rev](V x) { return ops::inc_subtensor(x[0], x[1].dimshuffle({'x', 0}), {all, rev}, {c64(-2)}); },
               .inputs = {fixed(m35()), vals(Dims{3}, {100, 200, 300})},
               .naive = [](A) { return naive::expect(DType::Float64, Dims{3, 5}, {300, 1, 202, 3, 104, 310, 11, 212, 13, 114, 320, 21, 222, 23, 124}); }});
  s.push_back({.name = "set_subtensor of the last row",
               .build = [one](V x) { return ops::inc_subtensor(x[0], x[1], {one}, {c64(-1)}, true); },
               .inputs = {fixed(m35()), vals(Dims{5}, {9, 8, 7, 6, 5})},
               .naive = [](A) { return naive::expect(DType::Float64, Dims{3, 5}, {0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 9, 8, 7, 6, 5}); }});
  // The result has x's type, broadcastable pattern included (Theano: IncSubtensor's output is x.type).
  s.push_back({.name = "inc_subtensor and advanced_inc_subtensor of a broadcastable row keep its type",
               .build = [one](V x) {
                 return std::vector<Var>{ops::inc_subtensor(x[0], x[1], {one}, {c64(0)}),
                                         ops::advanced_inc_subtensor(x[0], x[1].dimshuffle({'x', 0}), {T::zeros_like(x[2])})};
               },
               .inputs = {U(Dims{1, 5}), U(Dims{5}), i64s({0})},
               .naive = [](A x) {
                 NDArray r = naive::map({x[0], x[1]}, DType::Float64, [](double a, double b, double) { return a + b; });
                 return Arrays{r, r};
               },
               .types = [](V in, V out) {
                 CHECK(out[0].type().same_as(in[0].type()));
                 CHECK(out[1].type().same_as(in[0].type()));
               }});
  return s;
}
OP_TABLE_ROWS(inc_subtensor_rows);

Rows advanced_rows() {
  Rows s;
  auto adv = [](A x, size_t n) {
    Arrays idx(x.begin() + 1, x.begin() + 1 + std::ptrdiff_t(n));
    return naive::gather(x[0], naive::select_advanced(x[0].shape(), idx));
  };
  s.push_back({.name = "advanced subtensor x[arange(3), idx]",
               .build = [](V x) { return x[0][{T::arange(3), T::constant(test_util::i64(Dims{3}, {6, -1, 2}))}]; },
               .inputs = {U(Dims{3, 7})},
               .naive = [](A x) {
                 return naive::gather(x[0], naive::select_advanced(x[0].shape(), {test_util::i64(Dims{3}, {0, 1, 2}), test_util::i64(Dims{3}, {6, -1, 2})}));
               }});
  s.push_back({.name = "advanced subtensor rows with repeats",
               .build = [](V x) { return x[0][T::constant(test_util::i64(Dims{4}, {4, 0, 4, -2}))]; },
               .inputs = {U(Dims{5, 7})},
               .dtypes = {DType::Float64, DType::Int64},
               .naive = [](A x) { return naive::gather(x[0], naive::select_advanced(x[0].shape(), {test_util::i64(Dims{4}, {4, 0, 4, -2})})); }});
  s.push_back({.name = "advanced subtensor m[r, c] with negative indices",
               .build = [](V x) { return x[0][{x[1], x[2]}]; },
               .inputs = Inputs::each({{fixed(m35()), i64s({0, -1, 2, -3}), i64s({4, -5, 0, 1})}, {U(Dims{3, 5}), i64s({0, 1, 2, 0}), i64s({1, 1, 4, 0})}}),
               .naive = [adv](A x) { return adv(x, 2); },
               .errors = {{.args = {fixed(m35()), i64s({0, 3}), i64s({0, 0})}, .contains = {"AdvancedSubtensor", "index 3 is out of bounds for axis 0"}},
                          {.args = {fixed(m35()), i64s({0, 0}), i64s({0, 5})}, .contains = {"AdvancedSubtensor", "index 5 is out of bounds for axis 1"}},
                          {.args = {fixed(m35()), i64s({0, -4}), i64s({0, 0})}, .contains = {"AdvancedSubtensor", "index -4 is out of bounds for axis 0"}}}});
  s.push_back({.name = "advanced subtensor m[r] of whole rows",
               .build = [](V x) { return ops::advanced_subtensor(x[0], {x[1]}); },
               .inputs = Inputs::each({{fixed(m35()), i64s({-1, 0, -1})}, {U(Dims{3, 5}), i64s({0, 1, 2, 0})}}),
               .naive = [adv](A x) { return adv(x, 1); }});
  s.push_back({.name = "advanced_inc_subtensor with repeats",
               .build = [](V x) { return ops::advanced_inc_subtensor(x[0], x[1], {T::constant(test_util::i64(Dims{4}, {1, 3, 1, -1}))}); },
               .inputs = {U(Dims{5, 7}), U(Dims{4, 7})},
               .naive = [](A x) { return naive::scatter(x[0], x[1], naive::select_advanced(x[0].shape(), {test_util::i64(Dims{4}, {1, 3, 1, -1})}), false); }});
  s.push_back({.name = "advanced_inc_subtensor x[rows, cols] += y",
               .build = [](V x) {
                 return ops::advanced_inc_subtensor(x[0], x[1], {T::constant(test_util::i64(Dims{3}, {0, 2, 2})), T::constant(test_util::i64(Dims{3}, {1, 6, 6}))});
               },
               .inputs = {U(Dims{3, 7}), U(Dims{3})},
               .naive = [](A x) {
                 return naive::scatter(x[0], x[1], naive::select_advanced(x[0].shape(), {test_util::i64(Dims{3}, {0, 2, 2}), test_util::i64(Dims{3}, {1, 6, 6})}), false);
               }});
  s.push_back({.name = "advanced_inc_subtensor of symbolic rows",
               .build = [](V x) { return ops::advanced_inc_subtensor(x[0], x[1], {x[2]}); },
               .inputs = {U(Dims{3, 5}), U(Dims{2, 5}), i64s({0, 2})},
               .dtypes = {DType::Float64, DType::Float32, DType::Int64},
               .naive = [](A x) { return naive::scatter(x[0], x[1], naive::select_advanced(x[0].shape(), {x[2]}), false); }});
  s.push_back({.name = "advanced_inc_subtensor of ones at rows with repeats",
               .build = [](V x) { return ops::advanced_inc_subtensor(x[0], T::ones_like(x[0][x[1]]), {x[1]}); },
               .inputs = {fixed(m35()), i64s({1, -2, 2})},
               .naive = [](A) { return naive::expect(DType::Float64, Dims{3, 5}, {0, 1, 2, 3, 4, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25}); }});
  return s;
}
OP_TABLE_ROWS(advanced_rows);

}  // namespace
