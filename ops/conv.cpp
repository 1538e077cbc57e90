#include "ops/conv.hpp"

#include <fmt/format.h>

#include "ops/elemwise.hpp"
#include "ops/shape.hpp"
#include "ops/shape_math.hpp"
#include "core/checked_size.hpp"
#include "core/thread_pool.hpp"
#include "core/scratch.hpp"

namespace theano::ops {

std::string ConvAttrs::str() const {
  std::string bm = border_mode == "explicit" ? fmt::format("({}, {})", pad_h, pad_w) : "'" + border_mode + "'";
  return fmt::format("border_mode={}, subsample=({}, {}), filter_flip={}, filter_dilation=({}, {})", bm, stride_h, stride_w,
                     filter_flip ? "True" : "False", dilation_h, dilation_w);
}

std::pair<int64_t, int64_t> ConvAttrs::pads(int64_t kh, int64_t kw) const {
  if (border_mode == "valid") return {0, 0};
  // Sizes come from shapes and attributes a user controls: checked (core/checked_size.hpp).
  int64_t eh = checked::mul(checked::sub(kh, 1), dilation_h, "the dilated filter height");
  int64_t ew = checked::mul(checked::sub(kw, 1), dilation_w, "the dilated filter width");
  if (border_mode == "full") return {eh, ew};
  if (border_mode == "half") return {checked::add(eh, 1) / 2, checked::add(ew, 1) / 2};
  return {pad_h, pad_w};
}

std::string Conv2d::name() const {
  switch (kind_) {
    case ConvKind::Forward: return "AbstractConv2d";
    case ConvKind::GradInputs: return "AbstractConv2d_gradInputs";
    case ConvKind::GradWeights: return "AbstractConv2d_gradWeights";
  }
  return "Conv2d";
}

namespace {
int64_t out_size(int64_t size, int64_t pad, int64_t k, int64_t stride, int64_t dil) {
  if (size < 0 || k < 0) return -1;
  int64_t v = checked::sub(checked::add(size, checked::mul(2, pad, "the padding"), "the padded input"),
                           checked::add(checked::mul(k - 1, dil, "the dilated filter"), 1), "the output size");
  return v < 0 ? 0 : v / stride + 1;
}

// Theano refuses a kernel larger than the (padded) image ("impossible output shape"); so do we,
// naming both shapes. Unknown sizes (-1) pass.
void check_fits(const Op* op, const ConvAttrs& a, const Dims& x, const Dims& w) {
  auto [ph, pw] = a.pads(std::max<int64_t>(w[2], 1), std::max<int64_t>(w[3], 1));
  int64_t kh = checked::add(checked::mul(w[2] - 1, a.dilation_h, "the dilated filter height"), 1);
  int64_t kw = checked::add(checked::mul(w[3] - 1, a.dilation_w, "the dilated filter width"), 1);
  int64_t xh = checked::add(x[2], checked::mul(2, ph, "the padding"), "the padded input height");
  int64_t xw = checked::add(x[3], checked::mul(2, pw, "the padding"), "the padded input width");
  bool h_bad = x[2] >= 0 && w[2] >= 0 && xh < kh, w_bad = x[3] >= 0 && w[3] >= 0 && xw < kw;
  if (h_bad || w_bad)
    throw OpError(fmt::format("{}the filters {} ({}x{} after dilation) do not fit in the input {} (padded to {}x{}); the output would "
                              "have a negative size",
                              op ? op->str() + ": " : "", w.str(), kh, kw, x.str(), xh, xw));
}

std::optional<Dims> constant_shape(const Var& v) {
  if (!v.is_constant()) {
    // Shape(x) with a fully known static shape of x is as good as a constant.
    if (v.owner() && dynamic_cast<const Shape*>(v.owner()->op.get())) {
      const TensorType& t = v.owner()->inputs[0].type();
      for (int d = 0; d < t.ndim(); ++d)
        if (t.shape[d] < 0) return std::nullopt;
      return t.shape;
    }
    return std::nullopt;
  }
  Dims d;
  for (int64_t i = 0; i < v.node()->constant.size(); ++i) d.push_back(v.node()->constant.item_int64(i));
  return d;
}

kernels::Conv2dGeometry geometry(const ConvAttrs& a, const Dims& in, const Dims& w) {
  kernels::Conv2dGeometry g;
  g.batch = in[0], g.channels = in[1], g.height = in[2], g.width = in[3];
  g.filters = w[0], g.kernel_h = w[2], g.kernel_w = w[3];
  auto [ph, pw] = a.pads(w[2], w[3]);
  g.pad_h = ph, g.pad_w = pw;
  g.stride_h = a.stride_h, g.stride_w = a.stride_w;
  g.dilation_h = a.dilation_h, g.dilation_w = a.dilation_w;
  return g;
}

Dims dims_of(const NDArray& shape_vector) {
  Dims d;
  for (int64_t i = 0; i < shape_vector.size(); ++i) d.push_back(shape_vector.item_int64(i));
  return d;
}

// Kernels take C-contiguous data; views (e.g. a dimshuffled gradient) are copied once into a
// buffer kept by the caller.
const NDArray& contiguous(const NDArray& a, NDArray& keep) {
  if (a.is_contiguous()) return a;
  keep = a.copy();
  return keep;
}
}  // namespace

std::vector<TensorType> Conv2d::make_types(Vars in) const {
  for (size_t i = 0; i < 2; ++i)
    if (in[i].ndim() != 4) throw OpError(fmt::format("input {} must be 4-d, got {}-d", i, in[i].ndim()));
  if (in[0].dtype() != in[1].dtype() || !is_float(in[0].dtype()))
    throw OpError(fmt::format("inputs must share one float dtype, got {} and {}", dtype_name(in[0].dtype()), dtype_name(in[1].dtype())));
  DType dt = in[0].dtype();
  if (kind_ == ConvKind::Forward) {
    const Dims &x = in[0].type().shape, &w = in[1].type().shape;
    if (x[1] >= 0 && w[1] >= 0 && x[1] != w[1])
      throw OpError(fmt::format("the input has {} channels but the filters expect {} (input {}, filters {})", x[1], w[1], x.str(), w.str()));
    check_fits(nullptr, attrs_, x, w);
    auto [ph, pw] = attrs_.pads(std::max<int64_t>(w[2], 1), std::max<int64_t>(w[3], 1));
    if (attrs_.border_mode != "valid" && attrs_.border_mode != "explicit" && (w[2] < 0 || w[3] < 0))
      return {TensorType(dt, Dims{x[0], w[0], -1, -1}, {in[0].type().bcast[0], in[1].type().bcast[0], false, false})};
    return {TensorType(dt, Dims{x[0], w[0], out_size(x[2], ph, w[2], attrs_.stride_h, attrs_.dilation_h),
                                out_size(x[3], pw, w[3], attrs_.stride_w, attrs_.dilation_w)},
                       {in[0].type().bcast[0], in[1].type().bcast[0], false, false})};
  }
  if (in[2].ndim() != 1 || !is_integer(in[2].dtype())) throw OpError("the shape input must be an integer vector");
  Dims shape = constant_shape(in[2]).value_or(Dims::filled(4, -1));
  return {TensorType::with_shape(dt, shape)};
}

namespace {
// One spatial size of the output: (size + 2 pad - ((k - 1) dil + 1)) // stride + 1, with the pad of
// the border mode (full: (k - 1) dil, half: ((k - 1) dil + 1) // 2) for a kernel size k that may be symbolic.
Var conv_out_size(const ConvAttrs& a, const Var& size, const Var& k, int64_t explicit_pad, int64_t stride, int64_t dil) {
  using namespace dims;
  Var extent = dil == 1 ? k : add(mul(sub(k, constant(1)), constant(dil)), constant(1));
  Var pad = constant(a.border_mode == "explicit" ? explicit_pad : 0);
  if (a.border_mode == "full") pad = sub(extent, constant(1));
  if (a.border_mode == "half") pad = floor_div(extent, constant(2));
  return add(floor_div(sub(add(size, mul(constant(2), pad)), extent), constant(stride)), constant(1));
}
}  // namespace

OutShapes Conv2d::infer_shape(Vars in, InShapes shapes) const {
  if (kind_ != ConvKind::Forward) {  // the shape the third input asks for
    std::vector<Variable> out;
    for (int i = 0; i < 4; ++i) out.push_back(dims::entry(in[2], i));
    return std::vector<std::vector<Variable>>{out};
  }
  const std::vector<Variable>&x = shapes[0], &w = shapes[1];
  return std::vector<std::vector<Variable>>{{x[0], w[0], conv_out_size(attrs_, x[2], w[2], attrs_.pad_h, attrs_.stride_h, attrs_.dilation_h),
                                        conv_out_size(attrs_, x[3], w[3], attrs_.pad_w, attrs_.stride_w, attrs_.dilation_w)}};
}

void Conv2d::perform(InArrays in, OutArrays out) const {
  NDArray keep0, keep1;
  const NDArray& a = contiguous(*in[0], keep0);
  const NDArray& b = contiguous(*in[1], keep1);
  kernels::Conv2dGeometry g;
  Dims out_shape;
  // The geometry is checked (positive sizes, no size overflowing int64) before any size is derived.
  auto checked_geometry = [&](const Dims& x, const Dims& w) {
    try {
      g = geometry(attrs_, x, w);
      kernels::conv2d_check(g);
    } catch (const std::exception& e) {
      throw OpError(fmt::format("{}: {}", str(), e.what()));
    }
  };
  if (kind_ == ConvKind::Forward) {
    if (a.shape(1) != b.shape(1))
      throw OpError(fmt::format("{}: the input {} has {} channels but the filters {} expect {}", str(), a.shape().str(), a.shape(1),
                                b.shape().str(), b.shape(1)));
    check_fits(this, attrs_, a.shape(), b.shape());
    checked_geometry(a.shape(), b.shape());
    out_shape = Dims{g.batch, g.filters, g.out_h(), g.out_w()};
  } else if (kind_ == ConvKind::GradInputs) {
    Dims x = dims_of(*in[2]);
    checked_geometry(x, a.shape());
    out_shape = x;
    if (!(b.shape() == Dims{g.batch, g.filters, g.out_h(), g.out_w()}))
      throw OpError(fmt::format("{}: output gradient {} does not match input {} and filters {}", str(), b.shape().str(), x.str(),
                                a.shape().str()));
  } else {
    Dims w = dims_of(*in[2]);
    checked_geometry(a.shape(), w);
    out_shape = w;
    if (!(b.shape() == Dims{g.batch, g.filters, g.out_h(), g.out_w()}))
      throw OpError(fmt::format("{}: output gradient {} does not match input {} and filters {}", str(), b.shape().str(),
                                a.shape().str(), w.str()));
  }
  out[0]->ensure(a.dtype(), out_shape);
  // Each thread takes a share of the minibatch; a single image stays on one thread.
  const int threads = int(std::min<int64_t>(kernel_threads(), std::max<int64_t>(1, g.batch)));
  void* ws = scratch_buffer(kernels::conv2d_workspace_bytes(g, dtype_size(a.dtype()), threads));
  auto run = [&](auto t) {
    using T = decltype(t);
    T* o = out[0]->data<T>();
    if (kind_ == ConvKind::Forward) kernels::conv2d_forward<T>(g, a.data<T>(), b.data<T>(), o, attrs_.filter_flip, ws, threads);
    else if (kind_ == ConvKind::GradInputs) kernels::conv2d_grad_input<T>(g, b.data<T>(), a.data<T>(), o, attrs_.filter_flip, ws, threads);
    else kernels::conv2d_grad_weights<T>(g, a.data<T>(), b.data<T>(), o, attrs_.filter_flip, ws, threads);
  };
  if (a.dtype() == DType::Float32) run(float{});
  else run(double{});
}

// Every kind is bilinear in its two tensor inputs, and <conv(x, W), gy> = <x, gradInputs(W, gy)> =
// <W, gradWeights(x, gy)>: each gradient is one of the three ops.
Cotangents Conv2d::pullback(Vars in, Vars, OutCotangents cot) const {
  const Var& g = *cot[0];
  switch (kind_) {
    case ConvKind::Forward:  // in: x, W
      return {conv2d_grad_inputs(in[1], g, shape_of(in[0]), attrs_), conv2d_grad_weights(in[0], g, shape_of(in[1]), attrs_)};
    case ConvKind::GradInputs:  // in: W, gy, shape; out has x's shape
      return {conv2d_grad_weights(g, in[1], shape_of(in[0]), attrs_), conv2d(g, in[0], attrs_), std::nullopt};
    case ConvKind::GradWeights:  // in: x, gy, shape; out has W's shape
      return {conv2d_grad_inputs(g, in[1], shape_of(in[0]), attrs_), conv2d(in[0], g, attrs_), std::nullopt};
  }
  return {};
}

Var conv2d(const Var& input, const Var& filters, const ConvAttrs& attrs) {
  DType d = upcast(input.dtype(), filters.dtype());
  return make_apply1(std::make_shared<Conv2d>(ConvKind::Forward, attrs), {cast(input, d), cast(filters, d)});
}
Var conv2d_grad_inputs(const Var& filters, const Var& grad_output, const Var& input_shape, const ConvAttrs& attrs) {
  return make_apply1(std::make_shared<Conv2d>(ConvKind::GradInputs, attrs), {filters, grad_output, input_shape});
}
Var conv2d_grad_weights(const Var& input, const Var& grad_output, const Var& filter_shape, const ConvAttrs& attrs) {
  return make_apply1(std::make_shared<Conv2d>(ConvKind::GradWeights, attrs), {input, grad_output, filter_shape});
}

}  // namespace theano::ops
