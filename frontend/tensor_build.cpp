// Tensor constructors, running sums, shapes, indexing and grad of the tensor API, and Var's methods.
#include <fmt/format.h>

#include "frontend/theano/tensor.hpp"
#include "graph/op.hpp"
#include "ops/basic.hpp"
#include "ops/blas.hpp"
#include "ops/elemwise.hpp"
#include "ops/graph_math.hpp"
#include "ops/extra_ops.hpp"
#include "ops/reduce.hpp"
#include "ops/shape.hpp"
#include "ops/subtensor.hpp"

namespace theano {

namespace tensor {

// ---- constructors ----
Var tensor(DType dtype, std::vector<bool> broadcastable, const std::string& name, Loc loc) {
  SiteScope s(loc);
  TensorType t(dtype, int(broadcastable.size()));
  for (size_t i = 0; i < broadcastable.size(); ++i) {
    t.bcast[i] = broadcastable[i];
    if (broadcastable[i]) t.shape[int(i)] = 1;
  }
  return make_input(t, name);
}

#define THEANO_CPP_DEFINE_CTORS(prefix, dtype)                                                                      \
  Var prefix##scalar(const std::string& name, Loc loc) { return tensor(dtype, {}, name, loc); }                      \
  Var prefix##vector(const std::string& name, Loc loc) { return tensor(dtype, {false}, name, loc); }                 \
  Var prefix##matrix(const std::string& name, Loc loc) { return tensor(dtype, {false, false}, name, loc); }          \
  Var prefix##tensor3(const std::string& name, Loc loc) { return tensor(dtype, {false, false, false}, name, loc); }  \
  Var prefix##tensor4(const std::string& name, Loc loc) { return tensor(dtype, {false, false, false, false}, name, loc); }
THEANO_CPP_DEFINE_CTORS(, config().floatX)
THEANO_CPP_DEFINE_CTORS(b, DType::Int8)
THEANO_CPP_DEFINE_CTORS(i, DType::Int32)
THEANO_CPP_DEFINE_CTORS(l, DType::Int64)
THEANO_CPP_DEFINE_CTORS(f, DType::Float32)
THEANO_CPP_DEFINE_CTORS(d, DType::Float64)
#undef THEANO_CPP_DEFINE_CTORS

Var scalar(const std::string& name, DType dtype, Loc loc) { return tensor(dtype, {}, name, loc); }
Var vector(const std::string& name, DType dtype, Loc loc) { return tensor(dtype, {false}, name, loc); }
Var matrix(const std::string& name, DType dtype, Loc loc) { return tensor(dtype, {false, false}, name, loc); }

Var constant(const NDArray& value, const std::string& name, Loc loc) {
  SiteScope s(loc);
  require_defined(value, "T::constant", "value");
  return make_constant(value.copy(), name);
}

// ---- running sums and products ----
Var cumsum(const Var& x, std::optional<int> axis, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::cumsum", "x");
  return ops::cumulative(x, axis, ops::CumMode::Add);
}
Var cumprod(const Var& x, std::optional<int> axis, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::cumprod", "x");
  return ops::cumulative(x, axis, ops::CumMode::Mul);
}

std::vector<Var> nonzero(const Var& a, Loc loc) {
  SiteScope s(loc);
  require_defined(a, "T::nonzero", "a");
  Var m = ops::nonzero_matrix(a);
  std::vector<Var> rows;
  for (int d = 0; d < a.ndim(); ++d) rows.push_back(m[d]);
  return rows;
}

// ---- linear algebra, shapes ----


Var shape(const Var& x, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::shape", "x");
  return ops::shape_of(x);
}

Var reshape(const Var& x, const std::vector<Index>& shape, Loc loc) {
  {
    SiteScope s(loc);
    require_defined(x, "T::reshape", "x");
    for (size_t k = 0; k < shape.size(); ++k)
      if (auto* v = std::get_if<Var>(&shape[k].value)) require_defined(*v, "T::reshape", fmt::format("shape[{}]", k));
  }
  return x.reshape(shape, loc);
}

Var flatten(const Var& x, int ndim, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::flatten", "x");
  return ops::flatten(x, ndim);
}

Var transpose(const Var& x, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::transpose", "x");
  return ops::transpose(x);
}

// ---- gradients ----
std::vector<Var> grad(const Var& cost, const std::vector<Var>& wrt, const GradArgs& args, Loc loc) {
  SiteScope s(loc);
  if (args.known_grads.empty()) require_defined(cost, "T::grad", "cost");
  require_defined(wrt, "T::grad", "wrt");
  require_defined(args.consider_constant, "T::grad", "consider_constant");
  GradOptions o;
  o.consider_constant = as_variables(args.consider_constant);
  for (const auto& [v, g] : args.known_grads) o.known_grads.push_back({v, g});
  if (args.return_disconnected == "zero") o.return_disconnected = ReturnDisconnected::Zero;
  else if (args.return_disconnected == "None" || args.return_disconnected == "Disconnected") o.return_disconnected = ReturnDisconnected::None;
  else throw std::invalid_argument("grad: return_disconnected must be zero, None or Disconnected, got '" + args.return_disconnected + "'");
  if (args.disconnected_inputs == "raise") o.disconnected_inputs = Disconnected::Raise;
  else if (args.disconnected_inputs == "warn") o.disconnected_inputs = Disconnected::Warn;
  else if (args.disconnected_inputs == "ignore") o.disconnected_inputs = Disconnected::Ignore;
  else throw std::invalid_argument("grad: disconnected_inputs must be raise, warn or ignore, got '" + args.disconnected_inputs + "'");
  return as_vars(theano::grad(cost, as_variables(wrt), o));
}
Var grad(const Var& cost, const Var& wrt, const GradArgs& args, Loc loc) {
  {
    SiteScope s(loc);
    if (args.known_grads.empty()) require_defined(cost, "T::grad", "cost");
    require_defined(wrt, "T::grad", "wrt");
  }
  return grad(cost, std::vector<Var>{wrt}, args, loc)[0];
}

std::vector<Var> Lop(const std::vector<Var>& f, const std::vector<Var>& wrt, const std::vector<Var>& eval_points, const GradArgs& args,
                     Loc loc) {
  SiteScope s(loc);
  require_defined(f, "T::Lop", "f");
  require_defined(wrt, "T::Lop", "wrt");
  require_defined(eval_points, "T::Lop", "eval_points");
  if (f.size() != eval_points.size())
    throw std::invalid_argument(fmt::format("T::Lop: {} expression(s) f but {} eval_points: give one eval point per expression", f.size(),
                                            eval_points.size()));
  for (size_t k = 0; k < f.size(); ++k)
    if (f[k].ndim() != eval_points[k].ndim())
      throw std::invalid_argument(fmt::format("T::Lop: eval_points[{}] ({}) must have the rank of f[{}] ({})", k, eval_points[k].type().str(), k,
                                              f[k].type().str()));
  GradArgs a = args;
  for (size_t k = 0; k < f.size(); ++k) a.known_grads.push_back({f[k], eval_points[k]});
  return grad(Var(), wrt, a, loc);
}

Var Lop(const Var& f, const Var& wrt, const Var& eval_point, const GradArgs& args, Loc loc) {
  return Lop(std::vector<Var>{f}, std::vector<Var>{wrt}, std::vector<Var>{eval_point}, args, loc)[0];
}

}  // namespace tensor

}  // namespace theano
