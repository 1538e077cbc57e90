// Theano's theano.tensor.extra_ops: CumOp (cumsum and cumprod along one axis, or over the flattened
// input when the axis is None, as numpy's); and theano.tensor.basic's Nonzero (numpy's nonzero).
#pragma once
#include <optional>

#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

enum class CumMode : uint8_t { Add, Mul };

// The running sum or product, in the input's dtype as Theano's C code computes it (float32 adds in
// float32, in order, as numpy's cumsum; integers wrap as numpy's). axis nullopt: over the input in C
// order, giving a vector; otherwise the input's shape. The axis is kept as the user wrote it
// (negative counts from the end), so the op prints as Theano's: CumOp{None, add}, CumOp{-1, mul}.
class CumOp : public OpOf<CumOp> {
 public:
  CumOp(std::optional<int> axis, CumMode mode) : axis_(axis), mode_(mode) {}
  const std::optional<int>& axis() const { return axis_; }
  CumMode mode() const { return mode_; }
  auto props() const { return std::tie(axis_, mode_); }
  std::string str() const override;
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;

 private:
  std::optional<int> axis_;
  CumMode mode_;
};

Var cumulative(const Var& x, std::optional<int> axis, CumMode mode);

// Theano's Nonzero: the indices of a's non-zero elements in C order, as an int64 matrix of
// a.ndim rows (row d: the index along dim d; numpy.vstack(numpy.nonzero(a))). The number of columns
// is known only when the op runs. A scalar is refused, as Theano's.
class Nonzero : public NonDifferentiable<Nonzero> {
 public:
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
};

Var nonzero_matrix(const Var& a);

}  // namespace theano::ops
