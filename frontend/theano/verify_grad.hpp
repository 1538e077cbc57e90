// theano.gradient.verify_grad: checks a graph's analytic gradient against finite differences.
//
//   namespace G = theano::gradient;
//   numpy::RandomState rng(42);
//   G::verify_grad([](const std::vector<Var>& x) { return T::tanh(x[0]) * x[1]; },
//                  {a, b}, rng);   // throws G::VerifyGradError on a wrong gradient
//
// Theano's recipe (gradient.py verify_grad): symbolic inputs with the dtypes and broadcastable
// patterns of `pt` (a dim of size 1 is broadcastable), a random projection t_r = rng.rand(out
// shape) + 0.5 held in a float64 shared variable, cost = sum(t_r * fun(inputs)), the analytic
// gradient T::grad(cost, inputs) with disconnected inputs ignored, and one-sided differences
// (f(x + eps e_i) - f(x)) / eps. A test fails only when both the absolute and the relative error
// exceed their tolerances at the worst point (the argmax of min(abs/abs_tol, rel/rel_tol)).
// This repeats n_tests times, each with a fresh projection.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ops/tensor_var.hpp"
#include "frontend/theano/numpy.hpp"

namespace theano::gradient {

struct VerifyGradOptions {
  int n_tests = 2;
  // Defaults are the max over the inputs' dtypes: eps float64 1e-7, float32 3e-4; abs_tol and
  // rel_tol float64 1e-4, float32 1e-2.
  std::optional<double> eps, abs_tol, rel_tol;
};

// Raised when the analytic and numeric gradients disagree (Theano's verify_grad.E_grad).
class VerifyGradError : public std::runtime_error {
 public:
  VerifyGradError(int arg, int64_t err_pos, Dims shape, double analytic, double numeric, double abs_err, double abs_tol,
                  double rel_err, double rel_tol);
  int arg;          // which input
  int64_t err_pos;  // flat (C-order) position of the worst element in that input
  Dims shape;       // that input's shape
  double analytic, numeric;
  double abs_err, abs_tol, rel_err, rel_tol;
};

// Throws std::invalid_argument if an input is not float32/float64 or `fun` fails to build, and
// std::domain_error if an error is not finite (NaN or Inf in either gradient).
void verify_grad(std::function<Var(const std::vector<Var>&)> fun, const std::vector<NDArray>& pt, numpy::RandomState& rng,
                 VerifyGradOptions opts = {});

}  // namespace theano::gradient
