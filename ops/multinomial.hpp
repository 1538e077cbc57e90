// Theano's sandbox.multinomial ops, which turn uniform samples into categorical ones (what
// MRG_RandomStreams.multinomial and .choice build). Inputs: pvals (a float matrix, one distribution
// per row), unis (a float vector of pvals.shape[0] * n uniforms: uniform c * rows + r serves row r's
// draw c) and n (an integer scalar). An outcome m is drawn when the running sum of the row's
// probabilities, in double as Theano's C code, first exceeds the uniform. No gradient (Theano's
// MRG wraps pvals in undefined_grad).
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

// Counts: out[r, m] = how many of row r's n draws gave outcome m (pvals' shape, dtype odtype).
class MultinomialFromUniform : public NonDifferentiable<MultinomialFromUniform> {
 public:
  explicit MultinomialFromUniform(DType odtype) : odtype_(odtype) {}
  auto props() const { return std::tie(odtype_); }
  std::string str() const override { return "MultinomialFromUniform{" + std::string(dtype_name(odtype_)) + "}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;

 private:
  DType odtype_;
};

// Indices: out[r, c] = the outcome of row r's draw c (shape rows x n). Without replacement, a drawn
// outcome's probability becomes 0 and the row is renormalised in pvals' dtype, as Theano's C code.
// A draw that no running sum exceeds (a row summing below its uniform) gives -1.
class ChoiceFromUniform : public NonDifferentiable<ChoiceFromUniform> {
 public:
  ChoiceFromUniform(DType odtype, bool replace) : odtype_(odtype), replace_(replace) {}
  auto props() const { return std::tie(odtype_, replace_); }
  std::string str() const override;
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;

 private:
  DType odtype_;
  bool replace_;
};

Var multinomial_from_uniform(const Var& pvals, const Var& unis, const Var& n, DType odtype);
Var choice_from_uniform(const Var& pvals, const Var& unis, const Var& n, DType odtype, bool replace);

}  // namespace theano::ops
