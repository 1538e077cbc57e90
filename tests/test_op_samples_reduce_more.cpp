// Op table rows (tests/op_table.hpp) for the reductions beyond sum and max: prod (its gradient
// with no zero, one zero and several zeros in a reduced slice, and no_zeros_in_input), min, argmin,
// argmax over several axes (ties: the first), any, all, mean, var and std (ddof, corrected), max_and_argmax; keepdims
// and axis None for every reduction; and the errors (axes out of range or repeated, an empty axis
// for the reductions without an identity). References follow numpy's definitions: each result from
// its slice's elements in C order, in long double (integer products wrap as numpy's int64).
#include <cmath>

#include "op_naive.hpp"
#include "ops/reduce.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
using V = const std::vector<Var>&;
using A = const Arrays&;

namespace {

const char* const kThisFile = "test_op_samples_reduce_more.cpp";

std::vector<int> every_axis(int nd) {
  std::vector<int> all;
  for (int d = 0; d < nd; ++d) all.push_back(d);
  return all;
}

// ---- naive references ----
// Each result's slice: the elements reduced into it, in C order over the reduced axes.
struct Slices {
  Dims shape;
  std::vector<std::vector<long double>> values;
};
Slices slices_of(const NDArray& a, const std::vector<int>& axes) {
  auto reduced = [&](int d) { return std::find(axes.begin(), axes.end(), d) != axes.end(); };
  Slices s;
  for (int d = 0; d < a.ndim(); ++d)
    if (!reduced(d)) s.shape.push_back(a.shape(d));
  s.values.resize(size_t(s.shape.product()));
  for (int64_t f = 0; f < a.size(); ++f) {
    Dims i = naive::unravel(f, a.shape()), o;
    for (int d = 0; d < a.ndim(); ++d)
      if (!reduced(d)) o.push_back(i[d]);
    s.values[size_t(naive::ravel(o, s.shape))].push_back(a.item(f));
  }
  return s;
}
template <class F>
NDArray each_slice(const NDArray& a, const std::vector<int>& axes, DType out, F f) {
  Slices s = slices_of(a, axes);
  std::vector<double> r;
  for (const auto& v : s.values) r.push_back(double(f(v)));
  return naive::expect(out, s.shape, r);
}
DType mean_dtype(DType d) { return d == DType::Float32 ? d : DType::Float64; }

// numpy.prod: integers multiply modulo 2**64 (int64 wrap-around), so the result is built exactly.
NDArray prod_ref(const NDArray& a, const std::vector<int>& axes, bool skip_zeros = false) {
  Slices s = slices_of(a, axes);
  if (is_float(a.dtype()))
    return each_slice(a, axes, a.dtype(), [&](const std::vector<long double>& v) {
      long double p = 1;
      for (long double x : v)
        if (!skip_zeros || x != 0) p *= x;
      return p;
    });
  NDArray out = NDArray::empty(DType::Int64, s.shape);
  for (size_t o = 0; o < s.values.size(); ++o) {
    uint64_t p = 1;
    for (long double x : s.values[o])
      if (!skip_zeros || x != 0) p *= uint64_t(int64_t(x));
    out.data<int64_t>()[o] = int64_t(p);
  }
  return out;
}
// max/min with numpy's NaN rule (a NaN anywhere is the result).
NDArray extreme_ref(const NDArray& a, const std::vector<int>& axes, bool is_max) {
  return each_slice(a, axes, a.dtype(), [&](const std::vector<long double>& v) {
    long double best = v.at(0);
    for (long double x : v) {
      if (std::isnan(x)) return x;
      if (is_max ? x > best : x < best) best = x;
    }
    return best;
  });
}
// argmax/argmin: the first extremum's position in the slice, or the first NaN's.
NDArray arg_ref(const NDArray& a, const std::vector<int>& axes, bool is_max) {
  return each_slice(a, axes, DType::Int64, [&](const std::vector<long double>& v) {
    size_t at = 0;
    for (size_t k = 0; k < v.size(); ++k) {
      if (std::isnan(v[k])) return (long double)k;
      if (is_max ? v[k] > v[at] : v[k] < v[at]) at = k;
    }
    return (long double)at;
  });
}
NDArray any_all_ref(const NDArray& a, const std::vector<int>& axes, bool any) {
  return each_slice(a, axes, DType::Bool, [&](const std::vector<long double>& v) {
    for (long double x : v)
      if ((x != 0) == any) return any;
    return !any;
  });
}
NDArray mean_ref(const NDArray& a, const std::vector<int>& axes) {
  return each_slice(a, axes, mean_dtype(a.dtype()), [](const std::vector<long double>& v) {
    long double s = 0;
    for (long double x : v) s += x;
    return s / (long double)v.size();
  });
}
// numpy.var(ddof) (and its square root): the squared deviations' sum over N - ddof.
NDArray var_ref(const NDArray& a, const std::vector<int>& axes, int ddof, bool root) {
  return each_slice(a, axes, mean_dtype(a.dtype()), [&](const std::vector<long double>& v) {
    long double m = 0, s = 0;
    for (long double x : v) m += x;
    m /= (long double)v.size();
    for (long double x : v) s += (x - m) * (x - m);
    long double r = s / ((long double)v.size() - ddof);
    return root ? std::sqrt(r) : r;
  });
}
// A reduction's result with the reduced axes back as size-1 dims.
NDArray kept(const NDArray& r, const Dims& in_shape, const std::vector<int>& axes) {
  Dims shape = in_shape;
  for (int a : axes) shape[a] = 1;
  return naive::reshape(r, shape);
}

// ---- inputs ----
// Magnitudes in [0.8, 1.25) with random signs, so products of 105 elements stay near 1 (integers:
// -9..9, uint8 0..9, bool 0/1: products wrap).
Input near_one(const Dims& shape) {
  return [=](DType dt, Rng& rng, const Arrays&) {
    NDArray a = NDArray::empty(dt, shape);
    for (int64_t i = 0; i < a.size(); ++i) {
      if (dt == DType::Bool) a.set_item(i, double(rng.randint(2)));
      else if (!is_float(dt)) a.set_item(i, double(rng.randint(dt == DType::UInt8 ? 0 : -9, 10)));
      else a.set_item(i, (rng.randint(2) ? -1 : 1) * rng.uniform(0.8, 1.25));
    }
    return a;
  };
}
// near_one's values with zeros: none where the first index is 0, 90% where it is 1, 30% where it is
// 2, so reduced slices hold no zero, one zero and several.
Input with_zeros(const Dims& shape) {
  Input base = near_one(shape);
  return [=](DType dt, Rng& rng, const Arrays& before) {
    NDArray a = base(dt, rng, before);
    const double p[3] = {0, 0.9, 0.3};
    for (int64_t i = 0; i < a.size(); ++i)
      if (rng.uniform(0, 1) < p[naive::unravel(i, shape)[0] % 3]) a.set_item(i, 0);
    return a;
  };
}

const std::vector<DType> kAll = {DType::Float32, DType::Float64, DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8, DType::Bool};

Tol stat_tol(DType d) {
  if (d == DType::Float32) return {2e-5, 2e-6};
  return {1e-12, 1e-13};
}

// A bool ddof (keepdims written in ddof's place) does not compile; Theano raises on it.
template <class X> concept VarTakesDdof = requires(const X& x, bool keepdims) { T::var(x, 1, 1, keepdims); x.std(1, 1, keepdims); };
template <class X> concept VarTakesBoolDdof = requires(const X& x, bool keepdims) { T::var(x, 1, keepdims); };
template <class X> concept StdTakesBoolDdof = requires(const X& x, bool keepdims) { x.std(1, keepdims); };
static_assert(VarTakesDdof<Var> && !VarTakesBoolDdof<Var> && !StdTakesBoolDdof<Var>);

Rows reduce_more_rows() {
  Rows s;
  const Dims t3{3, 5, 7};
  // ---- every axis subset ({} reduces no axis, but every axis for the max family, as Theano), of a
  // contiguous input, of a transposed one and of one holding zeros ----
  for (int mask = 0; mask < 8; ++mask) {
    std::vector<int> axes = axes_of(mask);
    std::vector<int> max_axes = mask ? axes : every_axis(3);
    s.push_back({.name = "prod min argmin max argmax any all over axes " + axes_str(axes) + " of a 3-d and a transposed 3-d",
                 .build = [axes](V x) {
                   Var t = x[1].dimshuffle({1, 2, 0});
                   return std::vector<Var>{T::prod(x[0], axes, false, true), T::min(x[0], axes), T::argmin(x[0], axes),
                                           T::max(x[0], axes),               T::argmax(x[0], axes), T::prod(t, axes),
                                           t.min(axes),                      t.argmin(axes),       t.max(axes),
                                           t.argmax(axes),                   T::prod(x[2], axes),  T::any(x[2], axes),
                                           T::all(x[2], axes),               x[2].argmin(axes),    x[2].argmax(axes)};
                 },
                 .inputs = {near_one(t3), near_one(Dims{7, 3, 5}), with_zeros(t3)},
                 .dtypes = kAll,
                 .naive = [axes, max_axes](A x) {
                   NDArray t = naive::dimshuffle(x[1], {1, 2, 0});
                   return Arrays{prod_ref(x[0], axes),          extreme_ref(x[0], max_axes, false), arg_ref(x[0], max_axes, false),
                                 extreme_ref(x[0], max_axes, true), arg_ref(x[0], max_axes, true),  prod_ref(t, axes),
                                 extreme_ref(t, max_axes, false), arg_ref(t, max_axes, false),      extreme_ref(t, max_axes, true),
                                 arg_ref(t, max_axes, true),      prod_ref(x[2], axes),             any_all_ref(x[2], axes, true),
                                 any_all_ref(x[2], axes, false),  arg_ref(x[2], max_axes, false), arg_ref(x[2], max_axes, true)};
                 },
                 .tol = [](DType d) { return Tol{default_tol(d).rtol, 0}; }});
  }
  // ---- mean, var and std over every non-empty axis subset and None ----
  for (int mask = 1; mask < 9; ++mask) {
    std::vector<int> axes = mask == 8 ? every_axis(3) : axes_of(mask);
    Axes axis = mask == 8 ? Axes(std::nullopt) : Axes(axes);
    s.push_back({.name = "mean var std with ddof and corrected over axes " + (mask == 8 ? std::string("None") : axes_str(axes)),
                 .build = [axis](V x) {
                   return std::vector<Var>{T::mean(x[0], axis),          T::var(x[0], axis),    T::var(x[0], axis, 1),
                                           T::var(x[0], axis, 0, false, true), x[0].var(axis, 1, false, true), T::std(x[0], axis),
                                           x[0].std(axis, 2)};
                 },
                 .inputs = {U(t3, -2, 3, -9, 10)},
                 .dtypes = {DType::Float32, DType::Float64, DType::Int8, DType::Int32, DType::Bool},
                 .naive = [axes](A x) {
                   // corrected changes only rounding: its exact value is the variance.
                   return Arrays{mean_ref(x[0], axes),          var_ref(x[0], axes, 0, false), var_ref(x[0], axes, 1, false),
                                 var_ref(x[0], axes, 0, false), var_ref(x[0], axes, 1, false), var_ref(x[0], axes, 0, true),
                                 var_ref(x[0], axes, 2, true)};
                 },
                 .tol = stat_tol});
  }
  // ---- keepdims for every reduction, and axis None ----
  s.push_back({.name = "keepdims for every reduction",
               .build = [](V x) {
                 const Var& a = x[0];
                 return std::vector<Var>{a.sum(std::nullopt, true), T::mean(a, {0, 2}, true), a.max(1, true),    a.argmax({0, 1}, true),
                                         a.min(-1, true),           a.argmin(std::nullopt, true), a.prod({1}, true), a.any(0, true),
                                         a.all({1, 2}, true),       T::var(a, {0, 2}, 0, true),   a.std(1, 1, true), T::sum(a, {}, true)};
               },
               .inputs = {U(t3)},
               .naive = [](A x) {
                 const NDArray& a = x[0];
                 const Dims& sh = a.shape();
                 return Arrays{kept(naive::sum(a, {0, 1, 2}), sh, {0, 1, 2}), kept(mean_ref(a, {0, 2}), sh, {0, 2}),
                               kept(extreme_ref(a, {1}, true), sh, {1}),      kept(arg_ref(a, {0, 1}, true), sh, {0, 1}),
                               kept(extreme_ref(a, {2}, false), sh, {2}),     kept(arg_ref(a, {0, 1, 2}, false), sh, {0, 1, 2}),
                               kept(prod_ref(a, {1}), sh, {1}),               kept(any_all_ref(a, {0}, true), sh, {0}),
                               kept(any_all_ref(a, {1, 2}, false), sh, {1, 2}), kept(var_ref(a, {0, 2}, 0, false), sh, {0, 2}),
                               kept(var_ref(a, {1}, 1, true), sh, {1}),       a};
               },
               .tol = stat_tol,
               .types = [](const std::vector<Var>&, const std::vector<Var>& out) {
                 for (size_t i = 0; i + 1 < out.size(); ++i) CHECK(out[i].ndim() == 3);
                 CHECK(out[0].type().bcast[0]);
                 CHECK(out[2].type().bcast[1]);
                 CHECK_FALSE(out[2].type().bcast[0]);
                 CHECK(out[4].type().bcast[2]);
                 CHECK(out[8].type().bcast[1]);
                 CHECK(out[8].type().bcast[2]);
                 CHECK_FALSE(out[11].type().bcast[1]);
               }});
  s.push_back({.name = "axis None and negative axes",
               .build = [](V x) {
                 return std::vector<Var>{T::prod(x[0]), T::min(x[0]), T::argmin(x[0]), T::any(x[0]), T::all(x[0]), x[0].argmax(),
                                         T::prod(x[0], -1), T::argmin(x[0], {-1, 0}), T::mean(x[0], -2)};
               },
               .inputs = {near_one(Dims{3, 5})},
               .dtypes = {DType::Float64, DType::Int32},
               .naive = [](A x) {
                 const NDArray& a = x[0];
                 return Arrays{prod_ref(a, {0, 1}), extreme_ref(a, {0, 1}, false), arg_ref(a, {0, 1}, false), any_all_ref(a, {0, 1}, true),
                               any_all_ref(a, {0, 1}, false), arg_ref(a, {0, 1}, true), prod_ref(a, {1}), arg_ref(a, {0, 1}, false),
                               mean_ref(a, {0})};
               },
               .tol = stat_tol});
  // Large enough that the outputs are split over the thread pool (ranges of ~32k elements).
  s.push_back({.name = "reductions of a large matrix split over the thread pool",
               .build = [](V x) {
                 return std::vector<Var>{T::min(x[0], 1), T::argmax(x[0], 1), T::prod(x[0], 1), T::all(x[0], 1), T::argmin(x[0].T(), 0)};
               },
               .inputs = {near_one(Dims{513, 257})},
               .dtypes = {DType::Float32, DType::Int32},
               .naive = [](A x) {
                 return Arrays{extreme_ref(x[0], {1}, false), arg_ref(x[0], {1}, true), prod_ref(x[0], {1}), any_all_ref(x[0], {1}, false),
                               arg_ref(x[0], {1}, false)};
               },
               .no_grad = "size: the gradient rows above cover these ops"});
  // ---- prod's gradient with zeros: rows with no zero, one zero and two zeros; columns likewise ----
  // row 0 none, 1: col 2, 2: cols 4 and 5, 3: col 6, 4: col 2; so column 2 holds two zeros.
  std::vector<double> zv;
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 7; ++c) {
      bool zero = (r == 1 && c == 2) || (r == 2 && (c == 4 || c == 5)) || (r == 3 && c == 6) || (r == 4 && c == 2);
      zv.push_back(zero ? 0.0 : (((r + c) % 2) ? -1.0 : 1.0) * (0.85 + 0.05 * ((3 * r + c) % 7)));
    }
  s.push_back({.name = "prod with one and two zeros in a slice and its gradient",
               .build = [](V x) { return std::vector<Var>{T::prod(x[0], 1), T::prod(x[0], 0), T::prod(x[0]), x[0].prod({0, 1}, true)}; },
               .inputs = {vals(Dims{5, 7}, zv)},
               .dtypes = kFloats,
               .naive = [](A x) {
                 return Arrays{prod_ref(x[0], {1}), prod_ref(x[0], {0}), prod_ref(x[0], {0, 1}), kept(prod_ref(x[0], {0, 1}), x[0].shape(), {0, 1})};
               }});
  // The gradient's graph, checked against the product of the others (numpy's definition), and its
  // own gradient (the second derivative) by verify_grad: with no_zeros_in_input it exists.
  s.push_back({.name = "prod no_zeros_in_input has a second derivative",
               .build = [](V x) { return T::grad(T::sum(T::prod(x[0], 1, false, true) * x[1]), x[0]); },
               .inputs = {near_one(Dims{3, 5}), U(Dims{3})},
               .dtypes = kFloats,
               .naive = [](A x) {
                 NDArray g = NDArray::empty(x[0].dtype(), x[0].shape());
                 for (int64_t i = 0; i < 3; ++i)
                   for (int64_t j = 0; j < 5; ++j) {
                     long double p = x[1].item(i);
                     for (int64_t k = 0; k < 5; ++k)
                       if (k != j) p *= x[0].item(i * 5 + k);
                     g.set_item(i * 5 + j, naive::as_dtype(double(p), x[0].dtype()));
                   }
                 return g;
               },
               .tol = [](DType d) { return Tol{d == DType::Float32 ? 1e-5 : 1e-12, 0}; },
               .errors = {{.run = [] {
                             Var x = T::dmatrix("x");
                             Var g = T::grad(T::sum(T::prod(x, 1)), x);
                             T::grad(T::sum(g), x);
                           },
                           .contains = {"ProdWithoutZeros", "second derivative of prod(x)", "no_zeros_in_input"}}}});
  // ---- NaN, the most negative int, bool ----
  const double nan = NAN;
  s.push_back({.name = "NaN wins max and min and argmax and argmin take the first NaN",
               .build = [](V x) {
                 return std::vector<Var>{T::max(x[0], 1), T::min(x[0], 1), T::argmax(x[0], 1), T::argmin(x[0], 1),
                                         T::any(x[0], 1), T::all(x[0], 1), T::prod(x[0], 1)};
               },
               .inputs = {vals(Dims{3, 4}, {1, nan, 3, nan, 0, 2, -1, 0, -0.0, 0, 0, 0})},
               .dtypes = kFloats,
               .naive = [nan](A x) {
                 DType d = x[0].dtype();
                 return Arrays{naive::expect(d, Dims{3}, {nan, 2, 0}),     naive::expect(d, Dims{3}, {nan, -1, 0}),
                               naive::expect(DType::Int64, Dims{3}, {1, 1, 0}), naive::expect(DType::Int64, Dims{3}, {1, 2, 0}),
                               naive::expect(DType::Bool, Dims{3}, {1, 1, 0}),  naive::expect(DType::Bool, Dims{3}, {1, 0, 0}),
                               naive::expect(d, Dims{3}, {nan, 0, 0})};
               },
               .no_grad = "NaN inputs"});
  s.push_back({.name = "min and argmin of the most negative int8 and of bools",
               .build = [](V x) {
                 return std::vector<Var>{T::min(x[0]), T::argmin(x[0]), T::prod(x[0]), T::min(x[1]), T::argmin(x[1]), T::max(x[1]), T::sum(x[1])};
               },
               .inputs = {as(DType::Int8, vals(Dims{3}, {5, -128, -128})), as(DType::Bool, vals(Dims{5}, {1, 1, 0, 1, 0}))},
               .dtypes = {DType::Int8},
               .naive = [](A) {
                 return Arrays{naive::expect(DType::Int8, Dims{}, {-128}), naive::expect(DType::Int64, Dims{}, {1}),
                               naive::expect(DType::Int64, Dims{}, {81920}), naive::expect(DType::Bool, Dims{}, {0}),
                               naive::expect(DType::Int64, Dims{}, {2}), naive::expect(DType::Bool, Dims{}, {1}),
                               naive::expect(DType::Int64, Dims{}, {3})};
               }});
  s.push_back({.name = "max_and_argmax gives both",
               .build = [](V x) {
                 auto [m, i] = T::max_and_argmax(x[0], {0, 2});
                 auto both = T::max_and_argmax(x[0], 1, true);
                 return std::vector<Var>{m, i, both.max, both.argmax};
               },
               .inputs = {U(t3)},
               .dtypes = {DType::Float64, DType::Int32},
               .naive = [](A x) {
                 const Dims& sh = x[0].shape();
                 return Arrays{extreme_ref(x[0], {0, 2}, true), arg_ref(x[0], {0, 2}, true), kept(extreme_ref(x[0], {1}, true), sh, {1}),
                               kept(arg_ref(x[0], {1}, true), sh, {1})};
               }});
  // ---- empty inputs: the identities (numpy's), and the reductions without one refuse an empty axis ----
  auto empty_axis = [](const char* op, const char* name) {
    return ErrorCase{.args = {fixed(NDArray::empty(DType::Float64, Dims{3, 0, 7}))}, .contains = {op, name, "which has no identity", "(3, 0, 7)", kThisFile}};
  };
  s.push_back({.name = "reductions over an empty axis",
               .build = [](V x) {
                 return std::vector<Var>{T::sum(x[0], 1), T::prod(x[0], 1), T::any(x[0], 1), T::all(x[0], {1, 2}), T::mean(x[0], 1),
                                         T::max(x[0], 0), T::argmin(x[0], {0, 2})};
               },
               .inputs = Inputs::each({{U(Dims{3, 0, 7})}, {U(Dims{3, 5, 7})}}),
               .naive = [](A x) {
                 const NDArray& a = x[0];
                 return Arrays{naive::sum(a, {1}), prod_ref(a, {1}), any_all_ref(a, {1}, true), any_all_ref(a, {1, 2}, false),
                               each_slice(a, {1}, DType::Float64, [](const std::vector<long double>& v) { long double t = 0; for (auto e : v) t += e; return t / (long double)v.size(); }),
                               extreme_ref(a, {0}, true), arg_ref(a, {0, 2}, false)};
               },
               .no_grad = "empty inputs"});
  s.push_back({.name = "ProdWithoutZeros multiplies the non-zero elements",
               .build = [](V x) {
                 using ops::ReduceKind;
                 return std::vector<Var>{ops::reduce_axes(ReduceKind::ProdWithoutZeros, x[0], {1}),
                                         ops::reduce_axes(ReduceKind::ProdWithoutZeros, x[0], {0, 2}),
                                         ops::reduce_axes(ReduceKind::ProdWithoutZeros, x[0], {}),
                                         ops::reduce_axes(ReduceKind::ProdWithoutZeros, x[0].dimshuffle({2, 0, 1}), {0, 1, 2})};
               },
               .inputs = {with_zeros(t3)},
               .dtypes = {DType::Float32, DType::Float64, DType::Int8, DType::Int64},
               .naive = [](A x) {
                 return Arrays{prod_ref(x[0], {1}, true), prod_ref(x[0], {0, 2}, true), prod_ref(x[0], {}, true), prod_ref(x[0], {0, 1, 2}, true)};
               }});
  s.push_back({.name = "max min argmax argmin refuse an empty axis",
               .build = [](V x) { return std::vector<Var>{T::max(x[0], 1), T::min(x[0], {1, 2}), T::argmax(x[0], {0, 1}), T::argmin(x[0])}; },
               .inputs = {U(t3)},
               .naive = [](A x) {
                 return Arrays{extreme_ref(x[0], {1}, true), extreme_ref(x[0], {1, 2}, false), arg_ref(x[0], {0, 1}, true), arg_ref(x[0], {0, 1, 2}, false)};
               },
               .errors = {{.args = {fixed(NDArray::empty(DType::Float64, Dims{3, 0, 7}))},
                           .contains = {"zero-size array to reduction operation", "which has no identity", "(3, 0, 7)", kThisFile}}}});
  s.push_back({.name = "max refuses an empty axis",
               .build = [](V x) { return T::max(x[0], 1) * 2.0; },
               .inputs = {U(t3)},
               .naive = [](A x) { return naive::map({extreme_ref(x[0], {1}, true)}, DType::Float64, [](double a, double, double) { return 2 * a; }); },
               .errors = {empty_axis("Max{axis=[1]}", "maximum")}});
  s.push_back({.name = "min refuses an empty axis",
               .build = [](V x) { return x[0].min({1, 2}); },
               .inputs = {U(t3)},
               .naive = [](A x) { return extreme_ref(x[0], {1, 2}, false); },
               .errors = {empty_axis("Min{axis=[1, 2]}", "minimum")}});
  s.push_back({.name = "argmax and argmin refuse an empty axis",
               .build = [](V x) { return std::vector<Var>{T::argmax(x[0], 2), T::argmin(x[0], 1)}; },
               .inputs = {U(t3)},
               .naive = [](A x) { return Arrays{arg_ref(x[0], {2}, true), arg_ref(x[0], {1}, false)}; },
               .errors = {empty_axis("Argmin{axis=[1]}", "argmin")}});
  // ---- axes out of range or repeated: build-time errors naming the function, input and line ----
  auto bad = [](std::function<void()> run, std::vector<std::string> contains) {
    contains.push_back(kThisFile);
    return ErrorCase{.run = std::move(run), .contains = std::move(contains)};
  };
  const std::vector<std::string> range = {"axis 3 is out of range for a 3-d input", "float64 (?, ?, ?)"};
  auto with = [](std::vector<std::string> v, std::string s) { v.insert(v.begin(), std::move(s)); return v; };
  s.push_back({.name = "reductions refuse axes out of range and repeated",
               .build = [](V x) { return T::sum(x[0], {0, -1}); },
               .inputs = {U(t3)},
               .naive = [](A x) { return naive::sum(x[0], {0, 2}); },
               .errors = {bad([] { T::sum(T::dtensor3("x"), 3); }, with(range, "sum:")),
                          bad([] { T::prod(T::dtensor3("x"), {0, 3}); }, with(range, "prod:")),
                          bad([] { T::mean(T::dtensor3("x"), 3); }, with(range, "mean:")),
                          bad([] { T::max(T::dtensor3("x"), 3); }, with(range, "max:")),
                          bad([] { T::min(T::dtensor3("x"), 3); }, with(range, "min:")),
                          bad([] { T::argmax(T::dtensor3("x"), 3); }, with(range, "argmax:")),
                          bad([] { T::dtensor3("x").argmin(3); }, with(range, "argmin:")),
                          bad([] { T::any(T::dtensor3("x"), 3); }, with(range, "any:")),
                          bad([] { T::all(T::dtensor3("x"), 3); }, with(range, "all:")),
                          bad([] { T::var(T::dtensor3("x"), 3); }, with(range, "var:")),
                          bad([] { T::std(T::dtensor3("x"), 3); }, with(range, "std:")),
                          bad([] { T::max_and_argmax(T::dtensor3("x"), 3); }, with(range, "max:")),
                          bad([] { T::sum(T::dtensor3("x"), -4); }, {"sum:", "axis -4 is out of range for a 3-d input"}),
                          bad([] { T::sum(T::dtensor3("x"), {1, -2}); }, {"sum:", "axis -2 is repeated in axis=[1, -2]", "float64 (?, ?, ?)"}),
                          bad([] { T::dtensor3("x").max({0, 0}); }, {"max:", "axis 0 is repeated in axis=[0, 0]"}),
                          bad([] { T::var(T::dtensor3("x"), {2, 2}); }, {"var:", "axis 2 is repeated"})}});
  return s;
}
OP_TABLE_ROWS(reduce_more_rows);

}  // namespace
