// Elementwise ops: one Elemwise op class over the table in elemwise_ops.def, plus Cast.
// Inputs are left-padded to the same ndim with DimShuffle and upcast to one dtype when the node is
// built, so kernels see one compute type; broadcasting follows the broadcastable pattern.
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

enum class ScalarKind : uint8_t {
#define ELEMWISE1(K, N, C, E, G) K,
#define ELEMWISE2(K, N, C, E, G1, G2) K,
#define ELEMWISE3(K, N, C, E, G1, G2, G3) K,
#include "ops/elemwise_ops.def"
#undef ELEMWISE1
#undef ELEMWISE2
#undef ELEMWISE3
  Cast,
  Count
};

// The category column of elemwise_ops.def: how the result's dtype follows from the inputs' (upcast)
// dtype. SAME: that dtype; FLOAT: that dtype made float (upgrade_to_float); FLOAT_ONLY: that dtype,
// which must be float (integer inputs are a type error); BOOL: bool. Cast is SAME in the table (its
// dtype is its cast_to).
enum class ScalarCategory : uint8_t { SAME, FLOAT, FLOAT_ONLY, BOOL };

std::string_view scalar_kind_name(ScalarKind k);
int scalar_kind_arity(ScalarKind k);
bool scalar_kind_differentiable(ScalarKind k);
ScalarCategory scalar_kind_category(ScalarKind k);

class Elemwise : public OpOf<Elemwise> {
 public:
  // cast_to is Cast's target dtype; other kinds ignore it (and keep the default, so props compare).
  explicit Elemwise(ScalarKind kind, DType cast_to = DType::Float64)
      : kind_(kind), cast_to_(kind == ScalarKind::Cast ? cast_to : DType::Float64) {}
  ScalarKind kind() const { return kind_; }
  DType cast_to() const { return cast_to_; }
  auto props() const { return std::tie(kind_, cast_to_); }
  std::string str() const override;
  bool broadcasts_by_type() const override { return true; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars inputs, Vars outputs, OutCotangents cot) const override;
  bool differentiable() const override { return scalar_kind_differentiable(kind_); }
  // Element j of the output reads element j of each input (elemwise_loop). Cast copies with
  // copy_from, which is not written for overlapping arrays.
  bool may_overwrite_input(int, int) const override { return kind_ != ScalarKind::Cast; }

 private:
  ScalarKind kind_;
  DType cast_to_;
};

// Builds an elementwise node: pads ndims, upcasts inputs (ints to float for FLOAT ops).
Var elemwise(ScalarKind kind, std::vector<Variable> inputs);
Var cast(const Var& x, DType dtype);
// Output dtype of an elementwise op on these input dtypes.
DType elemwise_out_dtype(ScalarKind kind, std::span<const DType> inputs);
// int8/int16/uint8/bool -> float32, larger ints -> float64, floats unchanged (Theano's upgrade_to_float).
DType upgrade_to_float(DType d);

}  // namespace theano::ops
