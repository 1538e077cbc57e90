// Op table rows (tests/op_table.hpp): conv2d and its two gradients in every border mode with
// strides, padding and dilation; pool_2d in every mode with windows that do not tile the input, its
// gradients and the max gradient's gradient; and the fused pool ops the rewrites put in
// (MaxPoolBiasActivation, MaxPoolGradRecompute) against pooling, bias and activation in plain loops.
#include <algorithm>
#include <cmath>

#include "op_naive.hpp"
#include "ops/conv.hpp"
#include "ops/pool.hpp"
#include "ops/pool_fused.hpp"
#include "ops/shape.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
namespace nn = T::nnet;
namespace pool = T::signal::pool;
using V = const std::vector<Var>&;
using A = const Arrays&;
using kernels::PoolMode;

namespace {

// ---- naive conv2d: visits every term out[b,k,i,j] += x[b,c,ih,iw] * w[k,c,u',v'] ----
struct ConvGeo {
  int64_t B, C, H, W, K, kh, kw, ph, pw, oh, ow;
  ops::ConvAttrs a;
};
ConvGeo conv_geo(const ops::ConvAttrs& a, const Dims& x, const Dims& w) {
  ConvGeo g{x[0], x[1], x[2], x[3], w[0], w[2], w[3], a.pad_h, a.pad_w, 0, 0, a};
  int64_t eh = (g.kh - 1) * a.dilation_h + 1, ew = (g.kw - 1) * a.dilation_w + 1;  // the dilated kernel's extent
  if (a.border_mode == "valid") g.ph = g.pw = 0;
  if (a.border_mode == "full") g.ph = eh - 1, g.pw = ew - 1;
  if (a.border_mode == "half") g.ph = eh / 2, g.pw = ew / 2;
  g.oh = (g.H + 2 * g.ph - eh) / a.stride_h + 1;
  g.ow = (g.W + 2 * g.pw - ew) / a.stride_w + 1;
  return g;
}
template <class F>
void conv_terms(const ConvGeo& g, F&& f) {
  for (int64_t b = 0; b < g.B; ++b)
    for (int64_t k = 0; k < g.K; ++k)
      for (int64_t i = 0; i < g.oh; ++i)
        for (int64_t j = 0; j < g.ow; ++j)
          for (int64_t c = 0; c < g.C; ++c)
            for (int64_t u = 0; u < g.kh; ++u)
              for (int64_t v = 0; v < g.kw; ++v) {
                int64_t ih = i * g.a.stride_h - g.ph + u * g.a.dilation_h, iw = j * g.a.stride_w - g.pw + v * g.a.dilation_w;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                int64_t fu = g.a.filter_flip ? g.kh - 1 - u : u, fv = g.a.filter_flip ? g.kw - 1 - v : v;
                f(((b * g.K + k) * g.oh + i) * g.ow + j, ((b * g.C + c) * g.H + ih) * g.W + iw, ((k * g.C + c) * g.kh + fu) * g.kw + fv);
              }
}
Dims conv_out_shape(const ops::ConvAttrs& a, const Dims& x, const Dims& w) {
  ConvGeo g = conv_geo(a, x, w);
  return {g.B, g.K, g.oh, g.ow};
}
NDArray conv_forward(const NDArray& x, const NDArray& w, const ops::ConvAttrs& a) {
  ConvGeo g = conv_geo(a, x.shape(), w.shape());
  std::vector<double> y(size_t(g.B * g.K * g.oh * g.ow), 0.0);
  conv_terms(g, [&](int64_t o, int64_t xi, int64_t wi) { y[size_t(o)] += x.item(xi) * w.item(wi); });
  return naive::expect(x.dtype(), {g.B, g.K, g.oh, g.ow}, y);
}
NDArray conv_grad_inputs(const NDArray& w, const NDArray& gy, const Dims& x, const ops::ConvAttrs& a) {
  ConvGeo g = conv_geo(a, x, w.shape());
  std::vector<double> gx(size_t(x.product()), 0.0);
  conv_terms(g, [&](int64_t o, int64_t xi, int64_t wi) { gx[size_t(xi)] += gy.item(o) * w.item(wi); });
  return naive::expect(w.dtype(), x, gx);
}
NDArray conv_grad_weights(const NDArray& x, const NDArray& gy, const Dims& w, const ops::ConvAttrs& a) {
  ConvGeo g = conv_geo(a, x.shape(), w);
  std::vector<double> gw(size_t(w.product()), 0.0);
  conv_terms(g, [&](int64_t o, int64_t xi, int64_t wi) { gw[size_t(wi)] += gy.item(o) * x.item(xi); });
  return naive::expect(x.dtype(), w, gw);
}
NDArray times(const NDArray& a, double c) { return naive::map({a}, a.dtype(), [c](double x, double, double) { return c * x; }); }
// Sums of a few tens of products: float32 keeps about 1e-6 of them.
Tol conv_tol(DType d) { return d == DType::Float32 ? Tol{1e-5, 1e-5} : Tol{1e-12, 1e-12}; }

Rows conv_rows() {
  Rows s;
  const Dims img{2, 3, 7, 6}, filt{5, 3, 2, 4};
  auto row = [&](std::string name, nn::Conv2dArgs args, ops::ConvAttrs at) {
    s.push_back({.name = std::move(name),
                 .build = [args](V x) { return nn::conv2d(x[0], x[1], args); },
                 .inputs = {U(img), U(filt)},
                 .dtypes = kFloats,
                 .naive = [at](A x) { return conv_forward(x[0], x[1], at); },
                 .tol = conv_tol});
  };
  row("conv2d valid", {}, {});
  row("conv2d full, subsample (2, 1)", {.border_mode = "full", .subsample = {2, 1}}, {.border_mode = "full", .stride_h = 2});
  row("conv2d half, correlation", {.border_mode = "half", .filter_flip = false}, {.border_mode = "half", .filter_flip = false});
  row("conv2d pad (1, 2), dilation (2, 1)", {.border_mode = std::pair{1, 2}, .filter_dilation = {2, 1}},
      {.border_mode = "explicit", .pad_h = 1, .pad_w = 2, .dilation_h = 2});
  // The gradients of conv2d differentiated: d/dx sum(conv^2) = gradInputs(w, 2 conv), and likewise.
  const ops::ConvAttrs full{.border_mode = "full"}, sub12{.stride_w = 2};
  s.push_back({.name = "grad of conv2d wrt its input (gradInputs differentiated)",
               .build = [](V x) { return T::grad(T::sum(T::sqr(nn::conv2d(x[0], x[1], {.border_mode = "full"}))), x[0]); },
               .inputs = {U(img), U(filt)},
               .naive = [full](A x) { return conv_grad_inputs(x[1], times(conv_forward(x[0], x[1], full), 2), x[0].shape(), full); },
               .tol = conv_tol});
  s.push_back({.name = "grad of conv2d wrt its filters (gradWeights differentiated)",
               .build = [](V x) { return T::grad(T::sum(T::sqr(nn::conv2d(x[0], x[1], {.subsample = {1, 2}}))), x[1]); },
               .inputs = {U(img), U(filt)},
               .naive = [sub12](A x) { return conv_grad_weights(x[0], times(conv_forward(x[0], x[1], sub12), 2), x[1].shape(), sub12); },
               .tol = conv_tol});
  // Every border mode with padding, stride and dilation: the forward op and both gradient ops.
  const Dims xs{2, 3, 11, 9}, ws{4, 3, 5, 2};
  for (const char* mode : {"valid", "full", "half", "explicit"})
    for (int64_t stride : {1, 2, 3})
      for (int64_t dil : {1, 2}) {
        ops::ConvAttrs at{.border_mode = mode, .pad_h = 2, .pad_w = 1, .stride_h = stride, .stride_w = 1, .dilation_h = dil, .dilation_w = 1};
        s.push_back({.name = "conv2d and its gradient ops with " + at.str(),
                     .build = [at](V x) {
                       return std::vector<Var>{ops::conv2d(x[0], x[1], at), ops::conv2d_grad_inputs(x[1], x[2], ops::shape_of(x[0]), at),
                                               ops::conv2d_grad_weights(x[0], x[2], ops::shape_of(x[1]), at)};
                     },
                     .inputs = {U(xs), U(ws), U(conv_out_shape(at, xs, ws))},
                     .dtypes = kFloats,
                     .naive = [at](A x) {
                       return Arrays{conv_forward(x[0], x[1], at), conv_grad_inputs(x[1], x[2], x[0].shape(), at),
                                     conv_grad_weights(x[0], x[2], x[1].shape(), at)};
                     },
                     .tol = conv_tol,
                     .no_grad = "geometry rows (kernels and shapes); the rows above check the gradients",
                     .repeats_sizes = true});
      }
  return s;
}
OP_TABLE_ROWS(conv_rows);

// ---- naive pooling over the last two dims, from Theano's Pool.perform ----
int64_t floordiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }  // Python's //
int64_t pool_size(int64_t size, int64_t ws, int64_t stride, int64_t pad, bool ignore_border) {
  int64_t v = size + 2 * pad;
  if (ignore_border) return ws == stride ? floordiv(v, stride) : std::max<int64_t>(0, floordiv(v - ws, stride) + 1);
  return stride >= ws ? floordiv(v - 1, stride) + 1 : std::max<int64_t>(0, floordiv(v - 1 - ws + stride, stride)) + 1;
}
Dims pooled(const ops::PoolAttrs& a, const Dims& x) {
  Dims p = x;
  int nd = x.size();
  p[nd - 2] = pool_size(x[nd - 2], a.ws_h, a.stride_h, a.pad_h, a.ignore_border);
  p[nd - 1] = pool_size(x[nd - 1], a.ws_w, a.stride_w, a.pad_w, a.ignore_border);
  return p;
}
// Window j along one dim: its real cells [lo, hi) and its length in the padded input.
struct Win {
  int64_t lo, hi, padded;
};
Win win(int64_t j, int64_t size, int64_t ws, int64_t stride, int64_t pad) {
  int64_t v = size + 2 * pad, start = j * stride, end = std::min(start + ws, v);
  return {std::max(start, pad) - pad, std::min(end, v - pad) - pad, end - start};
}
// Visits every window: f(output flat index, the input flat indices of its real cells, its divisor).
template <class F>
void windows(const ops::PoolAttrs& a, const Dims& x, F&& f) {
  Dims p = pooled(a, x);
  int nd = x.size();
  int64_t H = x[nd - 2], W = x[nd - 1], oh = p[nd - 2], ow = p[nd - 1], outer = x.product() / std::max<int64_t>(H * W, 1);
  if (H * W == 0) outer = 0;
  for (int64_t n = 0; n < outer; ++n)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        Win r = win(i, H, a.ws_h, a.stride_h, a.pad_h), c = win(j, W, a.ws_w, a.stride_w, a.pad_w);
        std::vector<int64_t> cells;
        for (int64_t u = r.lo; u < r.hi; ++u)
          for (int64_t v = c.lo; v < c.hi; ++v) cells.push_back((n * H + u) * W + v);
        double div = a.mode == PoolMode::AverageIncPad ? double(r.padded * c.padded)
                     : a.mode == PoolMode::AverageExcPad ? double(cells.size()) : 1.0;
        f((n * oh + i) * ow + j, cells, div);
      }
}
// The first maximum of a window (Theano keeps the first unless a later one is strictly greater).
double window_max(const NDArray& x, const std::vector<int64_t>& cells) {
  double m = x.item(cells.at(0));
  for (int64_t c : cells) m = x.item(c) > m ? x.item(c) : m;
  return m;
}
NDArray pool_forward(const NDArray& x, const ops::PoolAttrs& a) {
  Dims p = pooled(a, x.shape());
  std::vector<double> y(size_t(p.product()), 0.0);
  windows(a, x.shape(), [&](int64_t o, const std::vector<int64_t>& cells, double div) {
    if (a.mode == PoolMode::Max) {
      y[size_t(o)] = window_max(x, cells);
      return;
    }
    double acc = 0;
    for (int64_t c : cells) acc += x.item(c);
    y[size_t(o)] = acc / div;
  });
  return naive::expect(x.dtype(), p, y);
}
// The adjoint of pool_forward: every tied maximum receives its window's full gradient.
NDArray pool_grad(const NDArray& x, const NDArray& gz, const ops::PoolAttrs& a) {
  std::vector<double> gx(size_t(x.size()), 0.0);
  windows(a, x.shape(), [&](int64_t o, const std::vector<int64_t>& cells, double div) {
    double m = a.mode == PoolMode::Max ? window_max(x, cells) : 0;
    for (int64_t c : cells)
      if (a.mode != PoolMode::Max) gx[size_t(c)] += gz.item(o) / div;
      else if (x.item(c) == m) gx[size_t(c)] += gz.item(o);
  });
  return naive::expect(x.dtype(), x.shape(), gx);
}
// The gradient of MaxPoolGrad wrt its pooled gradient: per window, gg summed over its maxima.
NDArray pool_grad_grad(const NDArray& x, const NDArray& gg, const ops::PoolAttrs& a) {
  Dims p = pooled(a, x.shape());
  std::vector<double> y(size_t(p.product()), 0.0);
  windows(a, x.shape(), [&](int64_t o, const std::vector<int64_t>& cells, double) {
    double m = window_max(x, cells);
    for (int64_t c : cells)
      if (x.item(c) == m) y[size_t(o)] += gg.item(c);
  });
  return naive::expect(x.dtype(), p, y);
}
ops::PoolAttrs pool_attrs(int64_t wh, int64_t ww, int64_t sh, int64_t sw, int64_t ph, int64_t pw, bool ignore_border, PoolMode mode) {
  return {.ws_h = wh, .ws_w = ww, .stride_h = sh, .stride_w = sw, .pad_h = ph, .pad_w = pw, .ignore_border = ignore_border, .mode = mode};
}

Rows pool_rows() {
  Rows s;
  const Dims fm{2, 3, 7, 5};
  auto row = [&](std::string name, pool::Pool2dArgs args, ops::PoolAttrs at) {
    s.push_back({.name = std::move(name),
                 .build = [args](V x) { return pool::pool_2d(x[0], args); },
                 .inputs = {U(fm)},
                 .dtypes = kFloats,
                 .naive = [at](A x) { return pool_forward(x[0], at); }});
  };
  row("pool_2d max, partial windows", {.ws = std::pair{2, 2}, .ignore_border = false}, pool_attrs(2, 2, 2, 2, 0, 0, false, PoolMode::Max));
  row("pool_2d max, overlapping (3, 2) windows, stride (1, 1)", {.ws = std::pair{3, 2}, .ignore_border = true, .stride = std::pair{1, 1}},
      pool_attrs(3, 2, 1, 1, 0, 0, true, PoolMode::Max));
  row("pool_2d sum", {.ws = std::pair{2, 3}, .ignore_border = true, .mode = "sum"}, pool_attrs(2, 3, 2, 3, 0, 0, true, PoolMode::Sum));
  row("pool_2d average_inc_pad with pad (1, 1)", {.ws = std::pair{3, 3}, .ignore_border = true, .pad = {1, 1}, .mode = "average_inc_pad"},
      pool_attrs(3, 3, 3, 3, 1, 1, true, PoolMode::AverageIncPad));
  row("pool_2d average_exc_pad with pad (1, 1)", {.ws = std::pair{3, 3}, .ignore_border = true, .pad = {1, 1}, .mode = "average_exc_pad"},
      pool_attrs(3, 3, 3, 3, 1, 1, true, PoolMode::AverageExcPad));
  const ops::PoolAttrs max22 = pool_attrs(2, 2, 2, 2, 0, 0, true, PoolMode::Max), exc22 = pool_attrs(2, 2, 2, 2, 0, 0, true, PoolMode::AverageExcPad);
  s.push_back({.name = "grad of max pool_2d (MaxPoolGrad differentiated)",
               .build = [](V x) { return T::grad(T::sum(T::sqr(pool::pool_2d(x[0], {.ws = std::pair{2, 2}, .ignore_border = true}))), x[0]); },
               .inputs = {U(fm)},
               .naive = [max22](A x) { return pool_grad(x[0], times(pool_forward(x[0], max22), 2), max22); }});
  s.push_back({.name = "grad of average pool_2d (AveragePoolGrad differentiated)",
               .build = [](V x) {
                 Var p = pool::pool_2d(x[0], {.ws = std::pair{2, 2}, .ignore_border = true, .mode = "average_exc_pad"});
                 return T::grad(T::sum(T::sqr(p) * x[1]), x[0]);
               },
               .inputs = {U(Dims{2, 3, 11, 9}), U(Dims{2, 3, 5, 4})},
               .naive = [exc22](A x) {
                 NDArray g = naive::map({pool_forward(x[0], exc22), x[1]}, DType::Float64, [](double p, double w, double) { return 2 * p * w; });
                 return pool_grad(x[0], g, exc22);
               }});
  s.push_back({.name = "grad of a MaxPoolGrad (DownsampleFactorMaxGradGrad differentiated)",
               .build = [](V x) {
                 Var g = T::grad(T::sum(T::sqr(pool::pool_2d(x[0], {.ws = std::pair{2, 2}, .ignore_border = true}))), x[0]);
                 return T::grad(T::sum(T::sqr(g) * x[1]), x[1]) + T::grad(T::sum(T::exp(g)), x[0]);
               },
               .inputs = {U(fm), U(fm)}});
  // Windows larger and smaller than the stride, with and without ignore_border, on images down to
  // 1x2: the pool, its gradient and the max gradient's gradient.
  struct Geometry {
    int64_t ws, stride, pad;
    bool ignore_border;
  };
  for (Geometry geo : {Geometry{2, 2, 0, false}, Geometry{3, 2, 0, false}, Geometry{2, 3, 0, false}, Geometry{3, 1, 0, false},
                       Geometry{2, 2, 0, true}, Geometry{3, 2, 1, true}, Geometry{2, 3, 1, true}, Geometry{3, 3, 0, true}}) {
    ops::PoolAttrs at = pool_attrs(geo.ws, geo.ws, geo.stride, geo.stride, geo.pad, 0, geo.ignore_border, PoolMode::Max);
    std::vector<std::vector<Input>> sets;
    for (Dims shape : {Dims{2, 7, 5}, Dims{1, 1, 2}, Dims{3, 4, 9}}) sets.push_back({U(shape), U(pooled(at, shape)), U(shape)});
    s.push_back({.name = "pool_2d and its gradients with " + at.str(),
                 .build = [at](V x) {
                   Var p = ops::pool_2d(x[0], at);
                   return std::vector<Var>{p, make_apply1(std::make_shared<ops::Pool>(ops::PoolKind::Grad, at), {x[0], p, x[1]}),
                                           make_apply1(std::make_shared<ops::Pool>(ops::PoolKind::GradGrad, at), {x[0], p, x[2]})};
                 },
                 .inputs = Inputs::each(sets),
                 .dtypes = kFloats,
                 .naive = [at](A x) { return Arrays{pool_forward(x[0], at), pool_grad(x[0], x[1], at), pool_grad_grad(x[0], x[2], at)}; },
                 .no_grad = "geometry rows (kernels and shapes); the rows above check the gradients",
                 .repeats_sizes = true});
  }
  return s;
}
OP_TABLE_ROWS(pool_rows);

// ---- the fused pool ops, against max pooling, the bias and the activation in turn ----
Rows pool_fused_rows() {
  Rows s;
  using kernels::PoolActivation;
  auto act = [](PoolActivation a) {
    return [a](double p, double b, double) { return a == PoolActivation::Tanh ? std::tanh(p + b) : 1 / (1 + std::exp(-(p + b))); };
  };
  struct Case {
    const char* name;
    ops::PoolAttrs at;
    PoolActivation act;
    Dims x, bias;
  };
  for (const Case& c : {Case{"tanh with a per-channel bias", pool_attrs(2, 2, 2, 2, 0, 0, true, PoolMode::Max), PoolActivation::Tanh, {2, 3, 7, 5}, {1, 3, 1, 1}},
                        Case{"sigmoid with a per-image bias and partial windows", pool_attrs(2, 2, 2, 2, 0, 0, false, PoolMode::Max), PoolActivation::Sigmoid,
                             {2, 3, 7, 5}, {2, 1, 1, 1}},
                        Case{"tanh over overlapping (3, 2) windows", pool_attrs(3, 2, 2, 1, 0, 0, true, PoolMode::Max), PoolActivation::Tanh, {2, 3, 9, 8}, {1, 3, 1, 1}},
                        Case{"tanh of an even image (the 2x2 fast path)", pool_attrs(2, 2, 2, 2, 0, 0, true, PoolMode::Max), PoolActivation::Tanh, {2, 3, 8, 6}, {1, 3, 1, 1}}})
    s.push_back({.name = std::string("MaxPoolBiasActivation ") + c.name,
                 .build = [at = c.at, a = c.act](V x) { return ops::max_pool_bias_activation(x[0], x[1], at, a); },
                 .inputs = {U(c.x, -2, 2), U(c.bias)},
                 .dtypes = kFloats,
                 .naive = [at = c.at, f = act(c.act)](A x) { return naive::map({pool_forward(x[0], at), x[1]}, x[0].dtype(), f); }});
  for (const Case& c : {Case{"of an odd image (leftover rows and columns)", pool_attrs(2, 2, 2, 2, 0, 0, true, PoolMode::Max), PoolActivation::Tanh, {2, 5, 7, 9}, {}},
                        Case{"of an even image (the 2x2 fast path)", pool_attrs(2, 2, 2, 2, 0, 0, true, PoolMode::Max), PoolActivation::Tanh, {2, 5, 8, 6}, {}},
                        Case{"of overlapping (3, 2) windows", pool_attrs(3, 2, 2, 1, 0, 0, false, PoolMode::Max), PoolActivation::Tanh, {2, 3, 9, 8}, {}}})
    s.push_back({.name = std::string("MaxPoolGradRecompute ") + c.name,
                 .build = [at = c.at](V x) { return ops::max_pool_grad_recompute(x[0], x[1], at); },
                 .inputs = {U(c.x), U(pooled(c.at, c.x))},
                 .dtypes = kFloats,
                 .naive = [at = c.at](A x) { return pool_grad(x[0], x[1], at); }});
  return s;
}
OP_TABLE_ROWS(pool_fused_rows);

}  // namespace
