#include "ops/pool_fused.hpp"

#include <fmt/format.h>

#include "core/thread_pool.hpp"

namespace theano::ops {

namespace {
void check_max_pool(const PoolAttrs& a, const TensorType& x) {
  if (a.mode != kernels::PoolMode::Max) throw OpError("only max pooling");
  if (x.ndim() < 2) throw OpError(fmt::format("pools over the last 2 dims; the input is {}-d", x.ndim()));
  if (!is_float(x.dtype)) throw OpError(fmt::format("expects a float input, got {}", dtype_name(x.dtype)));
  try {
    kernels::pool2d_check(pool_geometry(a, Dims::filled(x.ndim(), 1)));
  } catch (const std::exception& e) {
    throw OpError(e.what());
  }
}

const NDArray& contiguous(const NDArray& a, NDArray& keep) {
  if (a.is_contiguous()) return a;
  keep = a.copy();
  return keep;
}

// Threads pay off from about 64K inputs, as for Pool.
int threads_for(const NDArray& x) { return x.size() >= (int64_t(1) << 16) ? kernel_threads() : 1; }

// How the kernel finds slice s's bias value: bias[(s / repeat) % period]. The bias's dims that vary
// must be adjacent (dims of size 1 in x may sit between them).
struct BiasWalk {
  int64_t period = 1, repeat = 1;
};
// (No string is built unless it throws: perform runs every step and must not allocate.)
BiasWalk bias_walk(const Dims& x, const Dims& b, const Op& op) {
  const int lead = x.size() - 2;
  int first = -1, last = -1;
  for (int d = 0; d < lead; ++d) {
    if (b[d] != 1 && b[d] != x[d]) throw OpError(fmt::format("{}: bias of shape {} does not broadcast to {}", op.str(), b.str(), x.str()));
    if (x[d] > 1 && b[d] == x[d]) {
      if (first < 0) first = d;
      last = d;
    }
  }
  if (b[lead] != 1 || b[lead + 1] != 1) throw OpError(fmt::format("{}: bias of shape {} varies within an image", op.str(), b.str()));
  BiasWalk w;
  for (int d = first; first >= 0 && d <= last; ++d) {
    if (x[d] > 1 && b[d] != x[d]) throw OpError(fmt::format("{}: bias of shape {} varies along non-adjacent dims", op.str(), b.str()));
    w.period *= x[d];
  }
  for (int d = last + 1; first >= 0 && d < lead; ++d) w.repeat *= x[d];
  return w;
}
}  // namespace

// ---- MaxPoolBiasActivation ----
MaxPoolBiasActivation::MaxPoolBiasActivation(PoolAttrs attrs, kernels::PoolActivation act) : attrs_(attrs), act_(act) {
  if (attrs_.mode != kernels::PoolMode::Max) throw OpError("MaxPoolBiasActivation: only max pooling");
}

std::string MaxPoolBiasActivation::str() const {
  std::string attrs = attrs_.str();
  attrs = attrs.substr(0, attrs.rfind(", mode="));  // always max
  return fmt::format("{}{{{}, {}}}", name(), act_ == kernels::PoolActivation::Tanh ? "tanh" : "sigmoid", attrs);
}

std::vector<TensorType> MaxPoolBiasActivation::make_types(Vars in) const {
  if (in.size() != 2) throw OpError(fmt::format("expects (x, bias), got {} inputs", in.size()));
  const TensorType &x = in[0].type(), &b = in[1].type();
  check_max_pool(attrs_, x);
  const int nd = x.ndim();
  if (b.dtype != x.dtype || b.ndim() != nd) throw OpError(fmt::format("the bias must be a {}-d {} tensor, got {}", nd, dtype_name(x.dtype), b.str()));
  if (!b.bcast[nd - 2] || !b.bcast[nd - 1]) throw OpError("the bias must be broadcastable over the pooled dims");
  int first = -1, last = -1;
  for (int d = 0; d < nd - 2; ++d)
    if (!b.bcast[d]) {
      if (first < 0) first = d;
      last = d;
    }
  for (int d = first; first >= 0 && d <= last; ++d)
    if (b.bcast[d]) throw OpError("the bias's non-broadcastable dims must be adjacent");
  TensorType out = x;
  out.shape = pooled_shape(attrs_, x.shape);
  out.bcast[nd - 2] = out.bcast[nd - 1] = false;
  for (int d = 0; d < nd - 2; ++d) {
    out.bcast[d] = x.bcast[d] && b.bcast[d];
    if (out.shape[d] < 0 && !b.bcast[d]) out.shape[d] = b.shape[d];
  }
  return {out};
}

void MaxPoolBiasActivation::perform(InArrays in, OutArrays out) const {
  NDArray k0, k1;
  const NDArray& x = contiguous(*in[0], k0);
  const NDArray& b = contiguous(*in[1], k1);
  const BiasWalk w = bias_walk(x.shape(), b.shape(), *this);
  const kernels::Pool2dGeometry g = pool_geometry(attrs_, x.shape());
  out[0]->ensure(x.dtype(), pooled_shape(attrs_, x.shape()));
  auto run = [&](auto t) {
    using T = decltype(t);
    kernels::max_pool2d_bias_act<T>(g, x.data<T>(), b.data<T>(), w.period, w.repeat, act_, out[0]->data<T>(), threads_for(x));
  };
  if (x.dtype() == DType::Float32) run(float{});
  else run(double{});
}

// ---- MaxPoolGradRecompute ----
MaxPoolGradRecompute::MaxPoolGradRecompute(PoolAttrs attrs) : attrs_(attrs) {
  if (attrs_.mode != kernels::PoolMode::Max) throw OpError("MaxPoolGradRecompute: only max pooling");
}

std::vector<TensorType> MaxPoolGradRecompute::make_types(Vars in) const {
  if (in.size() != 2) throw OpError(fmt::format("expects (x, gz), got {} inputs", in.size()));
  const TensorType& x = in[0].type();
  check_max_pool(attrs_, x);
  if (in[1].dtype() != x.dtype || in[1].ndim() != x.ndim()) throw OpError("gz must share the dtype and ndim of x");
  return {x};
}

void MaxPoolGradRecompute::perform(InArrays in, OutArrays out) const {
  NDArray k0, k1;
  const NDArray& x = contiguous(*in[0], k0);
  const NDArray& gz = contiguous(*in[1], k1);
  const Dims pooled = pooled_shape(attrs_, x.shape());
  if (!(gz.shape() == pooled))
    throw OpError(fmt::format("{}: the pooled gradient has shape {}, expected {} for input {}", str(), gz.shape().str(), pooled.str(), x.shape().str()));
  const kernels::Pool2dGeometry g = pool_geometry(attrs_, x.shape());
  out[0]->ensure(x.dtype(), x.shape());
  auto run = [&](auto t) {
    using T = decltype(t);
    kernels::max_pool2d_grad_recompute<T>(g, x.data<T>(), gz.data<T>(), out[0]->data<T>(), threads_for(x));
  };
  if (x.dtype() == DType::Float32) run(float{});
  else run(double{});
}

Var max_pool_bias_activation(const Var& x, const Var& bias, const PoolAttrs& attrs, kernels::PoolActivation act) {
  return make_apply1(std::make_shared<MaxPoolBiasActivation>(attrs, act), {x, bias});
}

Var max_pool_grad_recompute(const Var& x, const Var& gz, const PoolAttrs& attrs) {
  return make_apply1(std::make_shared<MaxPoolGradRecompute>(attrs), {x, gz});
}

}  // namespace theano::ops
