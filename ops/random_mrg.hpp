// Theano's mrg_uniform: draws uniform samples from the MRG31k3p streams of a state matrix
// (core/mrg31k3p.hpp). Inputs: the streams' state (int32, n_streams x 6: a shared variable whose
// default update is output 0) and the sample's size (an int64 vector, symbolic or constant).
// Outputs: the state after the draws and the sample, of the op's dtype (float32 or float64).
// Element i uses stream i % n_streams; the kernel splits the streams over the thread pool, which
// cannot change a number since no two streams share state. No gradient: a sample is a leaf of the
// cost as far as T::grad is concerned (Theano's grad_undefined on integer inputs, which no float
// gradient reaches).
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

class MRGUniform : public NonDifferentiable<MRGUniform> {
 public:
  MRGUniform(DType dtype, int ndim) : dtype_(dtype), ndim_(ndim) {}
  auto props() const { return std::tie(dtype_, ndim_); }
  std::string name() const override { return "mrg_uniform"; }
  // Theano's printed form: mrg_uniform{TensorType(float32, matrix),no_inplace}.
  std::string str() const override;
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  DType dtype() const { return dtype_; }
  int ndim() const { return ndim_; }

 private:
  DType dtype_;
  int ndim_;
};

// Theano's gradient.undefined_grad(x): x itself (a view), through which a gradient is an error.
// MRG_RandomStreams wraps low, high, p, avg and std in it, so T::grad with respect to them raises
// as Theano's NullTypeGradError does, even when another path would give a gradient.
class UndefinedGrad : public OpOf<UndefinedGrad> {
 public:
  std::vector<TensorType> make_types(Vars inputs) const override { return {inputs[0].type()}; }
  OutShapes infer_shape(Vars, InShapes input_shapes) const override { return std::vector<std::vector<Variable>>{input_shapes[0]}; }
  void perform(InArrays in, OutArrays out) const override { *out[0] = *in[0]; }
  std::optional<int> view_of(int) const override { return 0; }
  // Throws: reached only when a gradient would flow through.
  Cotangents pullback(Vars inputs, Vars outputs, OutCotangents cotangents) const override;
  bool differentiable() const override { return false; }
};
Var undefined_grad(const Var& x);

// (new state, sample). size: an integer vector (cast to int64 here) whose length must be known
// when the graph is built, or given as ndim.
std::pair<Var, Var> mrg_uniform(const Var& rstate, const Var& size, std::optional<int> ndim, DType dtype);

}  // namespace theano::ops
