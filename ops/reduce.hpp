// Reductions over a set of axes (Theano's CAReduce family, MaxAndArgmax and Argmax): the Reduce op
// (class, types, shapes and gradients in reduce.cpp, kernels in reduce_kernels.cpp) and the builders
// of the public reductions with their axis rules, keepdims, mean, var and std (reduce_build.cpp).
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

// Dtypes as Theano's: Sum and Prod give int64 for bool and every integer (Theano's uint64 for
// unsigned ones does not exist here) and keep floats, accumulating float32 in float64; Max and Min
// keep the dtype; Argmax and Argmin give int64 (the first position on ties, or of the first NaN, as
// numpy, in C order over the reduced axes); Any and All give bool (an element is true when != 0).
// ProdWithoutZeros, used by Prod's gradient, multiplies the non-zero elements (1 when there are none).
enum class ReduceKind : uint8_t { Sum, Max, Argmax, Prod, Min, Argmin, Any, All, ProdWithoutZeros };

class Reduce : public OpOf<Reduce> {
 public:
  // `axes` sorted and distinct; no_zeros_in_input (Prod only) promises the gradient no zeros.
  Reduce(ReduceKind kind, std::vector<int> axes, bool no_zeros_in_input = false)
      : kind_(kind), axes_(std::move(axes)), no_zeros_(no_zeros_in_input) {}
  ReduceKind kind() const { return kind_; }
  const std::vector<int>& axes() const { return axes_; }
  bool no_zeros_in_input() const { return no_zeros_; }
  auto props() const { return std::tie(kind_, axes_, no_zeros_); }
  std::string name() const override;
  std::string str() const override;
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
  bool differentiable() const override;

 private:
  ReduceKind kind_;
  std::vector<int> axes_;  // sorted, distinct
  bool no_zeros_;
};

// The output dtype of a reduction of `in`.
DType reduce_dtype(ReduceKind kind, DType in);

// The builders behind T::sum, x.sum() and the others. `axis` as Python's (see Axes); an axis out
// of range or repeated throws OpError naming `api`, the input and the caller's site. keepdims puts
// the reduced axes back as broadcastable dims of size 1 (Theano's makeKeepDims).
Var reduce(ReduceKind kind, const Var& x, const Axes& axis, bool keepdims = false, bool no_zeros_in_input = false);
// For graph code inside ops/: axes already valid (negative ones count from the end; repeats merge).
Var reduce_axes(ReduceKind kind, const Var& x, std::vector<int> axes);
// The sorted, distinct axes `axis` names on x (None: every axis); `api` names the caller in errors.
std::vector<int> resolve_axes(std::string_view api, const Var& x, const Axes& axis);
// `reduced` (x reduced over `axes`) with those axes back as broadcastable dims.
Var keep_dims(const Var& reduced, int ndim, const std::vector<int>& axes);
// Theano's mean: the sum divided by each reduced dim's size in turn, cast to float32 for float32
// sums and to float64 otherwise (so the mean of ints or bools is float64).
Var mean(const Var& x, const Axes& axis, bool keepdims = false);
// Theano's var (two-pass: the mean of the squared deviations from the mean) and std = sqrt(var). A
// ddof divides the sum of squares by N - ddof, N the number of elements reduced into each result
// (numpy's rule); corrected subtracts the rounding error of the mean (Theano's corrected_two_pass).
Var var(const Var& x, const Axes& axis, int ddof, bool keepdims, bool corrected);
Var std_dev(const Var& x, const Axes& axis, int ddof, bool keepdims, bool corrected);

}  // namespace theano::ops
