#include "ops/pool.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "ops/graph_math.hpp"
#include "ops/shape_math.hpp"
#include "core/thread_pool.hpp"

namespace theano::ops {

std::string PoolAttrs::mode_name() const {
  switch (mode) {
    case kernels::PoolMode::Max: return "max";
    case kernels::PoolMode::Sum: return "sum";
    case kernels::PoolMode::AverageIncPad: return "average_inc_pad";
    case kernels::PoolMode::AverageExcPad: return "average_exc_pad";
  }
  return "?";
}

std::string PoolAttrs::str() const {
  return fmt::format("ws=({}, {}), ignore_border={}, stride=({}, {}), pad=({}, {}), mode='{}'", ws_h, ws_w, ignore_border ? "True" : "False",
                     stride_h, stride_w, pad_h, pad_w, mode_name());
}

std::string Pool::name() const {
  bool max = attrs_.mode == kernels::PoolMode::Max;
  switch (kind_) {
    case PoolKind::Forward: return "Pool";
    case PoolKind::Grad: return max ? "MaxPoolGrad" : "AveragePoolGrad";
    case PoolKind::GradGrad: return "DownsampleFactorMaxGradGrad";
  }
  return "Pool";
}

kernels::Pool2dGeometry pool_geometry(const PoolAttrs& a, const Dims& shape) {
  kernels::Pool2dGeometry g;
  int nd = shape.size();
  g.outer = 1;
  for (int d = 0; d < nd - 2; ++d) g.outer *= shape[d];
  g.height = shape[nd - 2], g.width = shape[nd - 1];
  g.ws_h = a.ws_h, g.ws_w = a.ws_w, g.stride_h = a.stride_h, g.stride_w = a.stride_w;
  g.pad_h = a.pad_h, g.pad_w = a.pad_w, g.ignore_border = a.ignore_border;
  return g;
}

Dims pooled_shape(const PoolAttrs& a, const Dims& x) {
  Dims s = x;
  int nd = x.size();
  s[nd - 2] = x[nd - 2] < 0 ? -1 : kernels::pool2d_output_size(x[nd - 2], a.ws_h, a.stride_h, a.pad_h, a.ignore_border);
  s[nd - 1] = x[nd - 1] < 0 ? -1 : kernels::pool2d_output_size(x[nd - 1], a.ws_w, a.stride_w, a.pad_w, a.ignore_border);
  return s;
}

namespace {
// For max pooling: out[j] = sum of gg over the positions of window j that hold its maximum.
template <class T>
void max_pool_grad_grad(const kernels::Pool2dGeometry& g, const T* x, const T* pooled, const T* gg, T* out) {
  int64_t oh = g.out_h(), ow = g.out_w(), vh = g.height + 2 * g.pad_h, vw = g.width + 2 * g.pad_w;
  for (int64_t n = 0; n < g.outer; ++n) {
    const T* xn = x + n * g.height * g.width;
    const T* gn = gg + n * g.height * g.width;
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        int64_t r0 = std::max(i * g.stride_h, g.pad_h), r1 = std::min<int64_t>({i * g.stride_h + g.ws_h, vh, g.height + g.pad_h});
        int64_t c0 = std::max(j * g.stride_w, g.pad_w), c1 = std::min<int64_t>({j * g.stride_w + g.ws_w, vw, g.width + g.pad_w});
        T m = pooled[(n * oh + i) * ow + j], acc = 0;
        for (int64_t r = r0; r < r1; ++r)
          for (int64_t c = c0; c < c1; ++c) {
            int64_t p = (r - g.pad_h) * g.width + (c - g.pad_w);
            if (xn[p] == m) acc += gn[p];
          }
        out[(n * oh + i) * ow + j] = acc;
      }
  }
}

const NDArray& contiguous(const NDArray& a, NDArray& keep) {
  if (a.is_contiguous()) return a;
  keep = a.copy();
  return keep;
}
}  // namespace

std::vector<TensorType> Pool::make_types(Vars in) const {
  const TensorType& x = in[0].type();
  if (x.ndim() < 2) throw OpError(fmt::format("pools over the last 2 dims; the input is {}-d", x.ndim()));
  if (!is_float(x.dtype)) throw OpError(fmt::format("expects a float input, got {}", dtype_name(x.dtype)));
  try {
    kernels::pool2d_check(pool_geometry(attrs_, Dims::filled(x.ndim(), 1)));
  } catch (const std::exception& e) {
    throw OpError(e.what());
  }
  for (size_t i = 1; i < in.size(); ++i)
    if (in[i].dtype() != x.dtype || in[i].ndim() != x.ndim()) throw OpError("all inputs must share the dtype and ndim of x");
  TensorType out = x;
  if (kind_ != PoolKind::Grad) {
    out.shape = pooled_shape(attrs_, x.shape);
    out.bcast[x.ndim() - 2] = out.bcast[x.ndim() - 1] = false;
  }
  return {out};
}

namespace {
// kernels::pool2d_output_size as an expression of a size that may be symbolic (ws, stride and pad
// are the op's constants).
Var pool_out_size(const Var& size, int64_t ws, int64_t stride, int64_t pad, bool ignore_border) {
  using namespace dims;
  Var v = add(size, constant(2 * pad));
  if (ignore_border) {
    if (ws == stride) return floor_div(v, constant(stride));
    return maximum(constant(0), add(floor_div(sub(v, constant(ws)), constant(stride)), constant(1)));
  }
  if (stride >= ws) return add(floor_div(sub(v, constant(1)), constant(stride)), constant(1));
  return add(maximum(constant(0), floor_div(sub(v, constant(1 + ws - stride)), constant(stride))), constant(1));
}
}  // namespace

OutShapes Pool::infer_shape(Vars in, InShapes shapes) const {
  std::vector<Variable> out = shapes[0];
  if (kind_ == PoolKind::Grad) return std::vector<std::vector<Variable>>{out};  // x's shape
  size_t nd = out.size();
  out[nd - 2] = pool_out_size(out[nd - 2], attrs_.ws_h, attrs_.stride_h, attrs_.pad_h, attrs_.ignore_border);
  out[nd - 1] = pool_out_size(out[nd - 1], attrs_.ws_w, attrs_.stride_w, attrs_.pad_w, attrs_.ignore_border);
  return std::vector<std::vector<Variable>>{out};
}

void Pool::perform(InArrays in, OutArrays out) const {
  NDArray k0, k1, k2;
  const NDArray& x = contiguous(*in[0], k0);
  kernels::Pool2dGeometry g = pool_geometry(attrs_, x.shape());
  Dims pooled = pooled_shape(attrs_, x.shape());
  // Threads pay off from about 64K inputs (a few tens of microseconds of work).
  const int threads = x.size() >= (int64_t(1) << 16) ? kernel_threads() : 1;
  auto run = [&](auto t) {
    using T = decltype(t);
    if (kind_ == PoolKind::Forward) {
      out[0]->ensure(x.dtype(), pooled);
      kernels::pool2d_forward<T>(attrs_.mode, g, x.data<T>(), out[0]->data<T>(), threads);
      return;
    }
    const NDArray& y = contiguous(*in[1], k1);
    const NDArray& gz = contiguous(*in[2], k2);
    if (kind_ == PoolKind::Grad) {
      if (!(gz.shape() == pooled) || !(y.shape() == pooled))
        throw OpError(fmt::format("{}: the pooled gradient has shape {}, expected {} for input {}", str(), gz.shape().str(), pooled.str(),
                                  x.shape().str()));
      out[0]->ensure(x.dtype(), x.shape());
      kernels::pool2d_grad<T>(attrs_.mode, g, x.data<T>(), y.data<T>(), gz.data<T>(), out[0]->data<T>(), threads);
    } else {
      if (!(gz.shape() == x.shape())) throw OpError(fmt::format("{}: gradient shape {} differs from input {}", str(), gz.shape().str(), x.shape().str()));
      out[0]->ensure(x.dtype(), pooled);
      max_pool_grad_grad<T>(g, x.data<T>(), y.data<T>(), gz.data<T>(), out[0]->data<T>());
    }
  };
  if (x.dtype() == DType::Float32) run(float{});
  else run(double{});
}

Cotangents Pool::pullback(Vars in, Vars outs, OutCotangents cot) const {
  const Var& g = *cot[0];
  auto make = [&](PoolKind k, std::vector<Variable> ins) { return make_apply1(std::make_shared<Pool>(k, attrs_), std::move(ins)); };
  bool max = attrs_.mode == kernels::PoolMode::Max;
  switch (kind_) {
    case PoolKind::Forward:
      return {make(PoolKind::Grad, {in[0], outs[0], g})};
    case PoolKind::Grad:  // linear in the pooled gradient; piecewise constant in x
      if (max) return {zeros_like(in[0]), std::nullopt, make(PoolKind::GradGrad, {in[0], in[1], g})};
      return {zeros_like(in[0]), std::nullopt, make(PoolKind::Forward, {g})};
    case PoolKind::GradGrad:
      return {zeros_like(in[0]), std::nullopt, make(PoolKind::Grad, {in[0], in[1], g})};
  }
  return {};
}

Var pool_2d(const Var& x, const PoolAttrs& attrs) { return make_apply1(std::make_shared<Pool>(PoolKind::Forward, attrs), {x}); }

}  // namespace theano::ops
