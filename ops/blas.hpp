// Dot products through OpenBLAS: matrix-matrix (gemm), matrix-vector (gemv), vector-vector (dot), and
// Gemm, the fused beta * Z + alpha * dot(X, Y) the specialize rewrites put in place of SGD steps.
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

class Dot : public OpOf<Dot> {
 public:
  std::string str() const override { return "dot"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
};

Var dot(const Var& x, const Var& y);

// Gemm(Z, alpha, X, Y, beta) = beta * Z + alpha * dot(X, Y) for matrices of one float dtype and 0-d
// alpha, beta. It writes a fresh output, or, when the caller makes the output Z itself (the memory
// plan over a dying Z; a shared variable's update, runtime/inplace_updates.hpp), scales and adds in
// place: BLAS with Z as C, no copy. Gemm{inplace} is the same kernel, marked for the second case.
class Gemm : public OpOf<Gemm> {
 public:
  explicit Gemm(bool inplace = false) : inplace_(inplace) {}
  bool inplace() const { return inplace_; }
  auto props() const { return std::tie(inplace_); }
  std::string str() const override { return inplace_ ? "Gemm{inplace}" : "Gemm{no_inplace}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
  // BLAS reads Z (as C) before writing each element of it, and the output has Z's shape.
  bool may_overwrite_input(int output, int input) const override { return output == 0 && input == 0; }
  bool fits_in_place(int output, int input, InArrays in) const override;
  std::shared_ptr<const Op> update_in_place() const override { return std::make_shared<Gemm>(/*inplace=*/true); }

 private:
  bool inplace_;
};

// Whether Gemm can write dot(X, Y) into Z itself without failing or allocating: Z is a contiguous
// matrix of dot(X, Y)'s shape and of X's and Y's float dtype, BLAS reads X and Y as they are (no
// copy), and neither shares Z's buffer (BLAS must not read what it writes).
bool gemm_fits_in_place(const NDArray& z, const NDArray& x, const NDArray& y);

Var gemm_no_inplace(const Var& z, const Var& alpha, const Var& x, const Var& y, const Var& beta);

// C = alpha * op(A) * op(B) + beta * C on 2-d strided arrays of one float dtype; A or B may be
// transposed views (they are passed with the transpose flag, not copied).
void gemm(double alpha, const NDArray& a, const NDArray& b, double beta, NDArray& c);

}  // namespace theano::ops
