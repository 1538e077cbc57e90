// BatchedDot (Theano's theano.tensor.blas.BatchedDot): out[i] = dot(x[i], y[i]) over a leading batch
// axis, for x and y of 2 or 3 dims: (B, M, K) x (B, K, N) -> (B, M, N); a 2-d side is a batch of
// vectors, (B, K) x (B, K, N) -> (B, N), (B, M, K) x (B, K) -> (B, M), (B, K) x (B, K) -> (B,).
// One op with one kernel: a gemm per batch item, the items spread over the kernel threads.
// Also the graph builders of numpy's tensordot and Theano's batched_tensordot, which reduce any
// contraction to one 2-d dot (or one BatchedDot) of reshaped operands.
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

class BatchedDot : public OpOf<BatchedDot> {
 public:
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
};

// Upcasts x and y to one dtype and applies BatchedDot (both 2-d or 3-d).
Var batched_dot(const Var& x, const Var& y);

// numpy's tensordot(a, b, (axes_a, axes_b)) with valid, non-negative, distinct axes of equal count
// (the caller checks them): a's other axes go first, the summed ones last; b's summed ones first;
// then one dot of the (rows, summed) and (summed, columns) reshapes, reshaped to a's other dims
// followed by b's. With `batched`, axis 0 of both is a batch axis kept in front (and excluded from
// the axes) and the product is one BatchedDot.
Var tensordot(const Var& a, const Var& b, const std::vector<int>& axes_a, const std::vector<int>& axes_b, bool batched = false);

}  // namespace theano::ops
