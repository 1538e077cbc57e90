// Op table rows (tests/op_table.hpp): Theano's extra_ops and Nonzero. CumOp (cumsum, cumprod) over the flattened
// input and along every axis (negative ones too), of contiguous, transposed and empty inputs, in
// the integer dtypes and bool as well; the running values are stored in the input's dtype at each
// step, so float32 matches the kernel's in-order float32 sums bit for bit and integers wrap as numpy's.
#include <optional>

#include "op_naive.hpp"
#include "ops/extra_ops.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
using V = const std::vector<Var>&;
using A = const Arrays&;
using ops::CumMode;

namespace {

// numpy.cumsum / numpy.cumprod in the input's dtype: axis nullopt walks the input in C order.
NDArray cumulate(const NDArray& x, std::optional<int> axis, CumMode mode) {
  const Dims& shape = x.shape();
  DType dt = x.dtype();
  auto step = [&](double acc, double v) { return naive::as_dtype(mode == CumMode::Add ? acc + v : acc * v, dt); };
  int64_t n = x.size();
  std::vector<double> out(static_cast<size_t>(n));
  if (!axis) {
    for (int64_t i = 0; i < n; ++i) out[size_t(i)] = i == 0 ? x.item(0) : step(out[size_t(i - 1)], x.item(i));
    return naive::expect(dt, Dims{n}, out);
  }
  int k = *axis < 0 ? *axis + x.ndim() : *axis;
  for (int64_t i = 0; i < n; ++i) {
    Dims idx = naive::unravel(i, shape);
    if (idx[k] == 0) {
      out[size_t(i)] = x.item(i);
      continue;
    }
    Dims prev = idx;
    prev[k] -= 1;
    out[size_t(i)] = step(out[size_t(naive::ravel(prev, shape))], x.item(i));
  }
  return naive::expect(dt, shape, out);
}

Var cum(const Var& x, std::optional<int> axis, CumMode mode) { return mode == CumMode::Add ? T::cumsum(x, axis) : T::cumprod(x, axis); }
std::string axis_str(std::optional<int> axis) { return axis ? "axis " + std::to_string(*axis) : "the flattened input"; }

Rows cumulative_rows() {
  Rows s;
  const Dims t3{3, 5, 7};
  // Products stay exact in a double for these dtypes (|running value| < 2**16 times at most 9).
  const std::vector<DType> prod_dtypes = {DType::Float32, DType::Float64, DType::Int8, DType::Int16, DType::UInt8, DType::Bool};
  const std::vector<DType> sum_dtypes = {DType::Float32, DType::Float64, DType::Int8, DType::Int32, DType::Int64, DType::UInt8, DType::Bool};
  for (CumMode mode : {CumMode::Add, CumMode::Mul}) {
    const char* name = mode == CumMode::Add ? "cumsum" : "cumprod";
    // Factors away from 0 (the gradient of cumprod divides by x) and below 1.5 in magnitude.
    Input values = mode == CumMode::Add ? U(t3, -2, 2, -9, 10) : nonzero(t3);
    for (std::optional<int> axis : {std::optional<int>{}, std::optional<int>{0}, std::optional<int>{1}, std::optional<int>{2},
                                    std::optional<int>{-1}}) {
      s.push_back({.name = std::string(name) + " over " + axis_str(axis) + " of a 3-d and of a transposed 3-d",
                   .build = [axis, mode](V x) { return std::vector<Var>{cum(x[0], axis, mode), cum(x[1].dimshuffle({2, 0, 1}), axis, mode)}; },
                   .inputs = {values, mode == CumMode::Add ? U(Dims{5, 7, 3}, -2, 2, -9, 10) : nonzero(Dims{5, 7, 3})},
                   .dtypes = mode == CumMode::Add ? sum_dtypes : prod_dtypes,
                   .naive = [axis, mode](A x) { return Arrays{cumulate(x[0], axis, mode), cumulate(naive::dimshuffle(x[1], {2, 0, 1}), axis, mode)}; }});
    }
    s.push_back({.name = std::string(name) + " of empty inputs and a buffer reused with other sizes",
                 .build = [mode](V x) { return std::vector<Var>{cum(x[0], std::nullopt, mode), cum(x[0], 1, mode)}; },
                 .inputs = Inputs::each({{U(Dims{3, 0, 2})}, {nonzero(Dims{2, 4, 3})}, {U(Dims{0, 4, 2})}}),
                 .naive = [mode](A x) { return Arrays{cumulate(x[0], std::nullopt, mode), cumulate(x[0], 1, mode)}; },
                 .no_grad = "empty inputs; the rows above check the gradient",
                 .repeats_sizes = true});
    s.push_back({.name = std::string(name) + " of a vector and of a matrix's rows",
                 .build = [mode](V x) { return std::vector<Var>{cum(x[0], std::nullopt, mode), cum(x[1], -1, mode) * 2.0}; },
                 .inputs = {nonzero(Dims{7}), nonzero(Dims{3, 5})},
                 .dtypes = kFloats,
                 .naive = [mode](A x) {
                   NDArray rows = cumulate(x[1], -1, mode);
                   return Arrays{cumulate(x[0], std::nullopt, mode),
                                 naive::map({rows}, rows.dtype(), [](double v, double, double) { return v * 2; })};
                 },
                 .types = [](const std::vector<Var>& in, const std::vector<Var>& out) {
                   CHECK(out[0].ndim() == 1);
                   CHECK(out[1].type().shape == in[1].type().shape);
                 },
                 .errors = {{.run = [mode] { cum(T::dtensor3("x"), 3, mode); },
                             .contains = {mode == CumMode::Add ? "CumOp{3, add}" : "CumOp{3, mul}", "axis 3 is out of bounds for a 3-d input"}},
                            {.run = [mode] { cum(T::dmatrix("x"), -3, mode); }, .contains = {"axis -3 is out of bounds for a 2-d input"}}}});
  }
  // int8 sums and products wrap as numpy's: 100 + 100 = -56, 100 * 3 = 44.
  s.push_back({.name = "int8 cumsum and cumprod wrap around",
               .build = [](V x) { return std::vector<Var>{T::cumsum(x[0]), T::cumprod(x[0])}; },
               .inputs = {vals(Dims{4}, {100, 100, 3, -7})},
               .dtypes = {DType::Int8},
               .naive = [](A) {
                 return Arrays{naive::expect(DType::Int8, Dims{4}, {100, -56, -53, -60}), naive::expect(DType::Int8, Dims{4}, {100, 16, 48, -80})};
               }});
  return s;
}
OP_TABLE_ROWS(cumulative_rows);

// ---- Nonzero ----
// numpy.nonzero stacked: for each element in C order that is not 0, its index along every dim.
NDArray nonzero_indices(const NDArray& x) {
  std::vector<std::vector<double>> rows(size_t(x.ndim()));
  for (int64_t i = 0; i < x.size(); ++i) {
    if (x.item(i) == 0) continue;
    Dims idx = naive::unravel(i, x.shape());
    for (int d = 0; d < x.ndim(); ++d) rows[size_t(d)].push_back(double(idx[d]));
  }
  const int64_t count = rows.empty() ? 0 : int64_t(rows[0].size());
  std::vector<double> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  return naive::expect(DType::Int64, Dims{x.ndim(), count}, flat);
}

NDArray row_of(const NDArray& m, int64_t r) {
  std::vector<double> v;
  for (int64_t j = 0; j < m.shape(1); ++j) v.push_back(m.item(r * m.shape(1) + j));
  return naive::expect(DType::Int64, Dims{m.shape(1)}, v);
}

// About a third zeros: integers in [-1, 1].
Input sparse(const Dims& shape) { return U(shape, -1, 1, -1, 2); }

Rows nonzero_rows() {
  Rows s;
  Inputs inputs = {[](DType dt, Rng& rng, const Arrays& before) {
                     NDArray a = sparse(Dims{3, 5, 7})(dt, rng, before);
                     for (int64_t i = 0; i < a.size(); i += 3) a.set_item(i, 0.0);  // floats get zeros too
                     return a;
                   },
                   sparse(Dims{5, 7, 3})};
  std::vector<DType> dtypes = kNumeric;
  dtypes.push_back(DType::Bool);
  s.push_back({.name = "nonzero of a 3-d and of a transposed 3-d",
               .build = [](V x) {
                 std::vector<Var> rows = T::nonzero(x[1].dimshuffle({2, 0, 1}));
                 return std::vector<Var>{ops::nonzero_matrix(x[0]), rows[0], rows[1], rows[2]};
               },
               .inputs = inputs,
               .dtypes = dtypes,
               .naive = [](A x) {
                 NDArray t = nonzero_indices(naive::dimshuffle(x[1], {2, 0, 1}));
                 return Arrays{nonzero_indices(x[0]), row_of(t, 0), row_of(t, 1), row_of(t, 2)};
               },
               .unknown_dims = 2,  // each Nonzero's count of non-zero elements is known only when it runs
               .types = [](const std::vector<Var>& in, const std::vector<Var>& out) {
                 CHECK(out[0].type().shape[0] == 3);
                 CHECK(out[1].ndim() == 1);
               },
               .errors = {{.run = [] { T::nonzero(T::dscalar("s")); }, .contains = {"Nonzero", "Nonzero only supports non-scalar arrays."}}}});
  s.push_back({.name = "nonzero of empty and all-zero inputs and a buffer reused with other sizes",
               .build = [](V x) { return std::vector<Var>{ops::nonzero_matrix(x[0]), T::nonzero(x[0])[1]}; },
               .inputs = Inputs::each({{vals(Dims{2, 3}, {0, 0, 0, 0, 0, 0})}, {U(Dims{0, 4})}, {vals(Dims{3, 2}, {0, 1, 2, 0, 0, 3})},
                                      {sparse(Dims{7, 5})}}),
               .dtypes = {DType::Float64, DType::Int32},
               .naive = [](A x) {
                 NDArray m = nonzero_indices(x[0]);
                 return Arrays{m, row_of(m, 1)};
               },
               .repeats_sizes = true,
               .unknown_dims = 2});
  // A constant's count is known when the graph is built: the shape rule then knows every dim.
  s.push_back({.name = "nonzero of a constant beside a scaled input",
               .build = [](V x) {
                 NDArray c = test_util::arr(DType::Float64, Dims{3, 4}, {0, 1.5, 0, -2, 0, 0, 7, 0, 0.5, 0, 0, 3});
                 return std::vector<Var>{ops::nonzero_matrix(T::constant(c)), x[0] * 2.0};
               },
               .inputs = {U(Dims{5})},
               .naive = [](A x) {
                 return Arrays{naive::expect(DType::Int64, Dims{2, 5}, {0, 0, 1, 2, 2, 1, 3, 2, 0, 3}),
                               naive::map({x[0]}, x[0].dtype(), [](double v, double, double) { return v * 2; })};
               },
               .types = [](const std::vector<Var>&, const std::vector<Var>& out) { CHECK(out[0].type().shape[0] == 2); }});
  return s;
}
OP_TABLE_ROWS(nonzero_rows);

}  // namespace
