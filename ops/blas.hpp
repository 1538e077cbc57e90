// Dot products through OpenBLAS: matrix-matrix (gemm), matrix-vector (gemv), vector-vector (dot), and
// Gemm, the fused beta * Z + alpha * dot(X, Y) the specialize rewrites put in place of SGD steps.
#pragma once
#include "graph/op.hpp"

namespace theano::ops {

class Dot : public Op {
 public:
  std::string name() const override { return "Dot"; }
  std::string str() const override { return "dot"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var> out, std::span<const std::optional<Var>> cot) const override;
};

Var dot(const Var& x, const Var& y);

// Gemm(Z, alpha, X, Y, beta) = beta * Z + alpha * dot(X, Y) for matrices of one float dtype and 0-d
// alpha, beta, written into a fresh output (never into Z: updates read the values from before the call).
class Gemm : public Op {
 public:
  std::string name() const override { return "Gemm"; }
  std::string str() const override { return "Gemm{no_inplace}"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var> out, std::span<const std::optional<Var>> cot) const override;
};

Var gemm_no_inplace(const Var& z, const Var& alpha, const Var& x, const Var& y, const Var& beta);

// C = alpha * op(A) * op(B) + beta * C on 2-d strided arrays of one float dtype; A or B may be
// transposed views (they are passed with the transpose flag, not copied).
void gemm(double alpha, const NDArray& a, const NDArray& b, double beta, NDArray& c);

}  // namespace theano::ops
