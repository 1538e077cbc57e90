// The per-op sample table (Theano's tests have one per op; PyTorch calls it OpInfo): one list of
// samples, each a small graph over symbolic inputs with the arrays to feed it, drives every per-op
// check in tests/test_op_table.cpp:
//   kernels  the graph's outputs against a naive reference computed here with plain loops (or the
//            unfused graph, for fused ops), per dtype, compiled without and with the rewrites;
//   grad     theano::gradient::verify_grad in float64 when the graph is differentiable;
//   shapes   every apply's shape rule (Op::infer_shape), compiled, against its kernel's output;
//   types    every apply's output type (make_types: dtype, static shape, broadcastable dims)
//            against the array its kernel makes, and for Elemwise the dtype its .def category gives;
//   errors   inputs the kernels must refuse, with the message they must give.
// A coverage test demands rows for every op class the program registers (theano::op_classes()),
// every elementwise kind, every differentiable op and every shape rule.
//
// Rows live in tests/test_op_samples_<family>.cpp, one function per family registered with
// OP_TABLE_ROWS; adding an op means adding rows there. Sizes are odd, non-square and distinct within
// each array (a rule mixing up two dims cannot pass by accident); gradient points stay away from
// kinks. Naive references are in tests/op_naive.hpp.
#pragma once
#include <concepts>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace op_table {

using theano::Dims;
using theano::DType;
using theano::NDArray;
using theano::Var;
using theano::Variable;
using Arrays = std::vector<NDArray>;
using Rng = theano::numpy::RandomState;

// ---- inputs ----
// One input of a sample: its array for the dtype of the variant being run, given the inputs made
// before it (so an input can be a shifted copy of another).
using Input = std::function<NDArray(DType dtype, Rng& rng, const Arrays& before)>;

// A sample's argument sets: usually one; several run one compiled graph on each in turn (shapes a
// rule must handle, bounds of a slice, a buffer reused with other sizes).
struct Inputs {
  Inputs() : sets(1) {}
  Inputs(std::initializer_list<Input> one) : sets{std::vector<Input>(one)} {}
  static Inputs each(std::vector<std::vector<Input>> sets) {
    Inputs i;
    i.sets = std::move(sets);
    return i;
  }
  std::vector<std::vector<Input>> sets;
};

// Uniform in [lo, hi) for floats; integers in [ilo, ihi) (uint8 from max(ilo, 0)); bools 0 or 1.
Input U(const Dims& shape, double lo = -1, double hi = 1, int64_t ilo = -9, int64_t ihi = 10);
// Magnitudes in [0.2, 1.5) with random signs (integers: [1, 9] with random signs): away from 0.
Input nonzero(const Dims& shape);
// Input k shifted by +-[0.2, 0.7) per element: maximum and minimum never tie.
Input apart_from(int k);
// `base`, then every third element set to input k's: ties for comparisons, maximum and minimum.
Input ties_with(int k, Input base);
// Zeros and ones in the variant's dtype (conditions).
Input zero_one(const Dims& shape);
// These values in the variant's dtype; 0, 1, 2, ... in the variant's dtype.
Input vals(const Dims& shape, std::vector<double> values);
Input iota(const Dims& shape);
// An input whose dtype does not follow the variant: this array, int64 values, a 0-d int64.
Input fixed(NDArray value);
Input i64s(std::vector<double> values);
Input lscalar(int64_t value);
// `in` made in `dtype` whatever the variant.
Input as(DType dtype, Input in);

// ---- graphs and references ----
std::vector<Var> to_vars(const Var& v);
std::vector<Var> to_vars(std::vector<Var> v);
std::vector<Var> to_vars(const std::vector<Variable>& v);
inline Arrays to_arrays(NDArray a) { return {std::move(a)}; }
inline Arrays to_arrays(Arrays a) { return a; }

// Symbolic inputs -> the outputs; written returning one Var or several.
struct Build {
  std::function<std::vector<Var>(const std::vector<Var>&)> f;
  Build() = default;
  template <class F>
    requires std::invocable<const F&, const std::vector<Var>&>
  Build(F fn) : f([fn](const std::vector<Var>& x) { return to_vars(fn(x)); }) {}
  std::vector<Var> operator()(const std::vector<Var>& x) const { return f(x); }
};

// One argument set -> the expected outputs, dtype included (naive::expect stores values as a dtype
// does); written returning one array or several.
struct Naive {
  std::function<Arrays(const Arrays&)> f;
  Naive() = default;
  template <class F>
    requires std::invocable<const F&, const Arrays&>
  Naive(F fn) : f([fn](const Arrays& in) { return to_arrays(fn(in)); }) {}
  explicit operator bool() const { return bool(f); }
  Arrays operator()(const Arrays& in) const { return f(in); }
};

// |got - want| <= atol + rtol * |want|.
struct Tol {
  double rtol = 0, atol = 0;
};
// float32 2e-6, float64 1e-13 (both relative and absolute), exact for integers and bool.
Tol default_tol(DType d);
// Products summed by BLAS in another order than the naive loop: float32 1e-5 / 1e-4, float64
// 1e-13 / 1e-12, exact for integers.
inline Tol dot_tol(DType d) {
  if (d == DType::Float32) return {1e-5, 1e-4};
  if (d == DType::Float64) return {1e-13, 1e-12};
  return {};
}

// An input the graph must refuse: run the sample's graph (its first dtype) on `args`, or run `run`
// when the error comes from building a graph; the message must hold every string of `contains`.
struct ErrorCase {
  std::vector<Input> args;
  std::function<void()> run;
  std::vector<std::string> contains;
};

struct Sample {
  std::string name;
  Build build;
  Inputs inputs;
  // The variants: In specs make their arrays in each of these dtypes (an `as`/`fixed` input keeps its own).
  std::vector<DType> dtypes = {DType::Float64};
  Naive naive;
  std::function<Tol(DType)> tol;  // for naive; default_tol of the output's dtype when unset
  theano::gradient::VerifyGradOptions grad = {};
  // Why the numeric gradient is not checked although the graph is differentiable (NaN or infinite
  // points, kinks on purpose, or rows that only vary geometry and would repeat the gradient rows).
  std::string no_grad;
  // The inputs' broadcastable patterns; by default a dim is broadcastable when every argument set
  // has size 1 there (as verify_grad builds its inputs).
  std::vector<std::vector<bool>> bcast;
  // The inputs' shapes follow from others (a pooled or convolved gradient) and may repeat a size;
  // otherwise every input's sizes are distinct (or 1).
  bool repeats_sizes = false;
  // How many output dims the shape rules of the graph's applies leave unknown (undefined).
  int unknown_dims = 0;
  // Further assertions on the built graph's types (static shapes the rule must know or must not).
  std::function<void(const std::vector<Var>& in, const std::vector<Var>& out)> types;
  std::vector<ErrorCase> errors;
  std::string file;  // set at registration
};

using Rows = std::vector<Sample>;
// Registers a family's rows (built on first use of samples(), not during static initialisation).
bool add_rows(const char* file, Rows (*rows)());
const std::vector<Sample>& samples();

// The dtype sets rows run in.
inline const std::vector<DType> kFloats = {DType::Float32, DType::Float64};
inline const std::vector<DType> kNumeric = {DType::Float32, DType::Float64, DType::Int8, DType::Int16,
                                            DType::Int32,   DType::Int64,   DType::UInt8};

// The axes whose bits are set in mask (bit d: axis d of a 3-d input), and their label "{0 2}".
inline std::vector<int> axes_of(int mask) {
  std::vector<int> axes;
  for (int d = 0; d < 3; ++d)
    if (mask & (1 << d)) axes.push_back(d);
  return axes;
}
inline std::string axes_str(const std::vector<int>& axes) {
  std::string s = "{";
  for (int a : axes) {
    if (s.size() > 1) s += ' ';
    s += std::to_string(a);
  }
  return s + "}";
}

}  // namespace op_table

#define OP_TABLE_CONCAT2(a, b) a##b
#define OP_TABLE_CONCAT(a, b) OP_TABLE_CONCAT2(a, b)
// OP_TABLE_ROWS(fn): registers Rows fn() as this file's family.
#define OP_TABLE_ROWS(fn) \
  [[maybe_unused]] static const bool OP_TABLE_CONCAT(op_table_registered_, __LINE__) = ::op_table::add_rows(__FILE__, &fn)
