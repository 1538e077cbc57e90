// verify_grad, as theano/gradient.py:verify_grad and numeric_grad (Theano 1.0).
#include "frontend/theano/verify_grad.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "frontend/theano/function.hpp"
#include "frontend/theano/shared.hpp"
#include "frontend/theano/tensor.hpp"

namespace theano::gradient {

namespace {
double type_eps(DType d) { return d == DType::Float32 ? 3e-4 : 1e-7; }
double type_tol(DType d) { return d == DType::Float32 ? 1e-2 : 1e-4; }

// "(1, 3)" for flat position 8 of a (2, 5) array.
std::string multi_index(int64_t flat, const Dims& shape) {
  Dims idx = Dims::filled(shape.size(), 0);
  for (int d = shape.size() - 1; d >= 0; --d) {
    idx[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  return idx.str();
}

std::vector<Arg> as_args(const std::vector<NDArray>& arrays) { return {arrays.begin(), arrays.end()}; }

// One-sided differences of cost_fn at pt for every element of every input (numeric_grad).
std::vector<NDArray> numeric_grad(Function& cost_fn, const std::vector<NDArray>& pt, double eps) {
  std::vector<NDArray> x;
  for (const NDArray& p : pt) x.push_back(p.copy());
  std::vector<Arg> args = as_args(x);
  double f_x = cost_fn.call(args);
  std::vector<NDArray> g;
  for (NDArray& xi : x) {
    NDArray gi = NDArray::empty(DType::Float64, xi.shape());
    for (int64_t k = 0, n = xi.size(); k < n; ++k) {
      double cur = xi.item(k);
      xi.set_item(k, cur + eps);  // in xi's dtype, as Theano's working buffer
      double f_eps = cost_fn.call(args);
      gi.set_item(k, (f_eps - f_x) / eps);
      xi.set_item(k, cur);
    }
    g.push_back(gi);
  }
  return g;
}
}  // namespace

VerifyGradError::VerifyGradError(int arg, int64_t err_pos, Dims shape, double analytic, double numeric, double abs_err, double abs_tol,
                                 double rel_err, double rel_tol)
    : std::runtime_error(fmt::format(
          "GradientError: numeric gradient and analytic gradient exceed tolerance:\n"
          "        At position {} {} of argument {} with shape {},\n"
          "            analytic = {:.9g}, numeric = {:.9g}\n"
          "            abs. error = {:.6g}, abs. tolerance = {:.6g}\n"
          "            rel. error = {:.6g}, rel. tolerance = {:.6g}",
          err_pos, multi_index(err_pos, shape), arg, shape.str(), analytic, numeric, abs_err, abs_tol, rel_err, rel_tol)),
      arg(arg),
      err_pos(err_pos),
      shape(shape),
      analytic(analytic),
      numeric(numeric),
      abs_err(abs_err),
      abs_tol(abs_tol),
      rel_err(rel_err),
      rel_tol(rel_tol) {}

void verify_grad(std::function<Var(const std::vector<Var>&)> fun, const std::vector<NDArray>& pt_in, numpy::RandomState& rng,
                 VerifyGradOptions opts) {
  namespace T = theano::tensor;
  if (pt_in.empty()) throw std::invalid_argument("verify_grad: pt must hold at least one array");
  std::vector<NDArray> pt;
  double eps = 0, abs_tol = 0, rel_tol = 0;
  for (size_t i = 0; i < pt_in.size(); ++i) {
    const NDArray& p = pt_in[i];
    require_defined(p, "verify_grad", fmt::format("pt[{}]", i));
    if (!is_float(p.dtype()))
      throw std::invalid_argument(
          fmt::format("verify_grad can work only with floating point inputs, but input {} has dtype {}", i, dtype_name(p.dtype())));
    pt.push_back(p.copy());
    eps = std::max(eps, type_eps(p.dtype()));
    abs_tol = std::max(abs_tol, type_tol(p.dtype()));
    rel_tol = std::max(rel_tol, type_tol(p.dtype()));
  }
  eps = opts.eps.value_or(eps);
  abs_tol = opts.abs_tol.value_or(abs_tol);
  rel_tol = opts.rel_tol.value_or(rel_tol);

  // Symbolic inputs with pt's dtypes and broadcastable patterns (as_tensor_variable(p).broadcastable).
  std::vector<Var> inputs;
  for (size_t i = 0; i < pt.size(); ++i) {
    std::vector<bool> bcast;
    for (int d = 0; d < pt[i].ndim(); ++d) bcast.push_back(pt[i].shape(d) == 1);
    inputs.push_back(T::tensor(pt[i].dtype(), bcast, fmt::format("input {}", i)));
  }
  Var out = fun(inputs);
  require_defined(out, "verify_grad", "the value fun returned");
  FunctionOptions quiet;
  quiet.on_unused_input = "ignore";
  Function o_fn = function(inputs, out, quiet);
  std::vector<Arg> args = as_args(pt);
  NDArray o_val = o_fn.call(args).array(0);

  auto projection = [&] {
    NDArray r = rng.rand(o_val.shape());
    for (int64_t k = 0, n = r.size(); k < n; ++k) r.set_item(k, r.item(k) + 0.5);
    return r;
  };
  SharedVariable t_r = shared(projection(), "random_projection", true);
  Var cost = T::sum(t_r * out);
  Function cost_fn = function(inputs, cost, quiet);
  std::vector<NDArray> num = numeric_grad(cost_fn, pt, eps);
  std::vector<Var> sym = T::grad(cost, inputs, {.disconnected_inputs = "ignore"});
  Function grad_fn = function(inputs, sym, quiet);

  for (int test = 0; test < opts.n_tests; ++test) {
    Result r = grad_fn.call(args);
    // numeric_grad.max_err: the worst element of each input, then the worst input.
    int max_arg = -1;
    double max_scaled = -1, max_abs = 0, max_rel = 0, val_a = 0, val_n = 0;
    int64_t max_pos = 0;
    for (size_t i = 0; i < pt.size(); ++i) {
      NDArray a = r.array(i);
      const NDArray& b = num[i];
      if (!(a.shape() == b.shape()))
        throw std::logic_error(fmt::format("verify_grad: the analytic gradient of input {} has shape {} but the input has shape {}", i,
                                           a.shape().str(), b.shape().str()));
      double best = -1;
      int64_t best_pos = 0;
      for (int64_t k = 0, n = a.size(); k < n; ++k) {
        double av = a.item(k), bv = b.item(k);
        double abs_err = std::abs(av - bv);
        double rel_err = abs_err / std::max(std::abs(av) + std::abs(bv), 1e-8);
        if (!std::isfinite(abs_err) || !std::isfinite(rel_err))
          throw std::domain_error(fmt::format("verify_grad: error not finite at position {} {} of argument {} (analytic {}, numeric {})", k,
                                              multi_index(k, b.shape()), i, av, bv));
        double scaled = std::min(abs_err / abs_tol, rel_err / rel_tol);
        if (scaled > best) {
          best = scaled;
          best_pos = k;
        }
      }
      if (a.size() > 0 && best > max_scaled) {
        max_scaled = best;
        max_arg = int(i);
        max_pos = best_pos;
        val_a = a.item(best_pos);
        val_n = b.item(best_pos);
        max_abs = std::abs(val_a - val_n);
        max_rel = max_abs / std::max(std::abs(val_a) + std::abs(val_n), 1e-8);
      }
    }
    if (max_arg >= 0 && max_abs > abs_tol && max_rel > rel_tol)
      throw VerifyGradError(max_arg, max_pos, pt[max_arg].shape(), val_a, val_n, max_abs, abs_tol, max_rel, rel_tol);
    if (test < opts.n_tests - 1) {
      t_r.set_value(projection(), true);
      num = numeric_grad(cost_fn, pt, eps);
    }
  }
}

}  // namespace theano::gradient
