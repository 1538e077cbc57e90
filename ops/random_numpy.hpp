// Theano's RandomFunction (theano/tensor/raw_random.py): a sample drawn as numpy's legacy
// RandomState draws it (core/numpy_random.hpp), for theano::tensor::shared_randomstreams.
// Inputs: the generator's state (an int64 vector of RandomState::kStateSize entries: a shared
// variable whose default update is output 0), the sample's size (an int64 vector, symbolic or
// constant) and the distribution's parameters as scalars. Outputs: the state after the draws and
// the sample, drawn in C order in float64 (or int64) as numpy does and then cast to the op's dtype
// (Theano's _asarray). No gradient: a sample is a leaf of the cost.
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

enum class NumpyDraw : uint8_t {
  Uniform,         // rng.uniform(low, high, size)
  Normal,          // rng.normal(avg, std, size)
  RandomIntegers,  // rng.randint(low, high + 1) per element (Theano's random_integers_helper)
  Permutation,     // rng.permutation(n) per element of size: the sample is size + (n,)
  Binomial,        // rng.binomial(n, p, size); numpy's inversion method only (n * min(p, 1 - p) <= 30)
  Poisson,         // rng.poisson(lam, size): numpy's multiplication method below 10, PTRS from 10
};

class RandomFunction : public NonDifferentiable<RandomFunction> {
 public:
  RandomFunction(NumpyDraw draw, DType dtype, int ndim) : draw_(draw), dtype_(dtype), ndim_(ndim) {}
  auto props() const { return std::tie(draw_, dtype_, ndim_); }
  std::string name() const override { return "RandomFunction"; }
  // Theano's printed form: RandomFunction{uniform}.
  std::string str() const override;
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  NumpyDraw draw() const { return draw_; }
  DType dtype() const { return dtype_; }
  int ndim() const { return ndim_; }  // the size's length

 private:
  NumpyDraw draw_;
  DType dtype_;
  int ndim_;
};

// How many scalar parameters a draw takes (uniform and normal 2, random_integers 2, permutation 1,
// binomial 2: n and p, poisson 1: lam).
int parameter_count(NumpyDraw draw);
const char* draw_name(NumpyDraw draw);

// (new state, sample). size: an integer vector whose length is known when the graph is built, or
// given as ndim; params: scalars, cast to float64 (uniform, normal, binomial's p, poisson's lam) or
// int64 (the others).
std::pair<Var, Var> random_function(NumpyDraw draw, const Var& state, const Var& size, const std::vector<Var>& params,
                                    std::optional<int> ndim, DType dtype);

}  // namespace theano::ops
