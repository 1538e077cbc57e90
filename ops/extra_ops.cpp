#include "ops/extra_ops.hpp"

#include <fmt/format.h>

#include "core/int_math.hpp"
#include "ops/graph_math.hpp"
#include "ops/shape.hpp"
#include "ops/shape_math.hpp"

namespace theano::ops {

namespace {
// The axis as a dim of an ndim-d input; make_types has checked the range.
int dim_of(int axis, int ndim) { return axis < 0 ? axis + ndim : axis; }

template <class T> T combine(CumMode mode, T a, T b) {
  if constexpr (std::is_same_v<T, bool>) return mode == CumMode::Add ? (a || b) : (a && b);  // numpy's bool add and multiply
  else return mode == CumMode::Add ? intmath::add(a, b) : intmath::mul(a, b);
}

// The running combination of `n` elements of x, `step` apart from `from`, into out (contiguous,
// `out_step` apart).
template <class T> void run_line(CumMode mode, const T* from, int64_t step, int64_t n, T* to, int64_t out_step) {
  if (n == 0) return;
  T acc = from[0];
  to[0] = acc;
  for (int64_t i = 1; i < n; ++i) to[i * out_step] = acc = combine(mode, acc, from[i * step]);
}

// Over x in C order (axis None): one line through every element, walked with an odometer.
template <class T> void cumulate_flat(CumMode mode, const NDArray& x, T* to) {
  int nd = x.ndim();
  int64_t n = x.size();
  if (n == 0) return;
  const T* base = x.data<T>();
  int64_t idx[kMaxDims] = {}, offset = 0;
  T acc{};
  for (int64_t i = 0; i < n; ++i) {
    acc = i == 0 ? base[offset] : combine(mode, acc, base[offset]);
    to[i] = acc;
    for (int d = nd - 1; d >= 0; --d) {  // the next index in C order
      offset += x.stride(d);
      if (++idx[d] < x.shape(d)) break;
      offset -= idx[d] * x.stride(d);
      idx[d] = 0;
    }
  }
}

// Along dim k: one line per position of the other dims.
template <class T> void cumulate_axis(CumMode mode, const NDArray& x, int k, T* to) {
  int nd = x.ndim();
  if (x.size() == 0) return;
  const Dims out_strides = contiguous_strides(x.shape());
  int64_t idx[kMaxDims] = {}, in_off = 0, out_off = 0;
  for (;;) {
    run_line(mode, x.data<T>() + in_off, x.stride(k), x.shape(k), to + out_off, out_strides[k]);
    int d = nd - 1;
    for (; d >= 0; --d) {  // the next position of the dims other than k
      if (d == k) continue;
      in_off += x.stride(d), out_off += out_strides[d];
      if (++idx[d] < x.shape(d)) break;
      in_off -= idx[d] * x.stride(d), out_off -= idx[d] * out_strides[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
}  // namespace

std::string CumOp::str() const {
  return fmt::format("CumOp{{{}, {}}}", axis_ ? std::to_string(*axis_) : "None", mode_ == CumMode::Add ? "add" : "mul");
}

std::vector<TensorType> CumOp::make_types(Vars in) const {
  const TensorType& t = in[0].type();
  if (!axis_) return {TensorType(t.dtype, 1)};
  if (*axis_ >= t.ndim() || *axis_ < -t.ndim())
    throw OpError(fmt::format("axis {} is out of bounds for a {}-d input", *axis_, t.ndim()));
  return {t};
}

OutShapes CumOp::infer_shape(Vars, InShapes shapes) const {
  if (!axis_) return std::vector<std::vector<Variable>>{{dims::product(shapes[0])}};
  return std::vector<std::vector<Variable>>{shapes[0]};
}

void CumOp::perform(InArrays in, OutArrays out) const {
  const NDArray& x = *in[0];
  out[0]->ensure(x.dtype(), axis_ ? x.shape() : Dims{x.size()});
  visit_dtype(x.dtype(), [&](auto t) {
    using T = decltype(t);
    if (axis_) cumulate_axis<T>(mode_, x, dim_of(*axis_, x.ndim()), out[0]->data<T>());
    else cumulate_flat<T>(mode_, x, out[0]->data<T>());
  });
}

// Theano's rule: the gradient of a running sum is the running sum of the cotangent taken from the
// end (reverse, cumsum, reverse); of a running product, that of out * gz, divided by x.
Cotangents CumOp::pullback(Vars in, Vars outs, OutCotangents cot) const {
  using namespace math;
  const Var &x = in[0], &gz = *cot[0];
  Var g = mode_ == CumMode::Add ? gz : Var(outs[0]) * gz;
  Var r;
  if (!axis_) {
    const Index reverse = Slice{std::nullopt, std::nullopt, -1};
    r = reshape(cumulative(g[reverse], std::nullopt, CumMode::Add)[reverse], shape_of(x));
  } else {
    std::vector<Index> reverse(size_t(dim_of(*axis_, x.ndim()) + 1), Index(Slice{}));
    reverse.back() = Slice{std::nullopt, std::nullopt, -1};
    r = cumulative(g[reverse], axis_, CumMode::Add)[reverse];
  }
  return {mode_ == CumMode::Add ? r : r / x};
}

Var cumulative(const Var& x, std::optional<int> axis, CumMode mode) { return make_apply1(std::make_shared<CumOp>(axis, mode), {x}); }

std::vector<TensorType> Nonzero::make_types(Vars in) const {
  if (in[0].ndim() == 0) throw OpError("Nonzero only supports non-scalar arrays.");
  TensorType out(DType::Int64, 2);
  out.shape[0] = in[0].ndim();
  return {out};
}

OutShapes Nonzero::infer_shape(Vars in, InShapes) const {
  if (!in[0].is_constant()) return std::vector<std::vector<Variable>>{{dims::constant(in[0].ndim()), Var()}};
  const NDArray& a = in[0].node()->constant;  // a constant's count is known when the graph is built
  int64_t count = 0;
  for (int64_t i = 0; i < a.size(); ++i) count += a.item(i) != 0;
  return std::vector<std::vector<Variable>>{{dims::constant(in[0].ndim()), dims::constant(count)}};
}

void Nonzero::perform(InArrays in, OutArrays out) const {
  const NDArray& a = *in[0];
  const int nd = a.ndim();
  visit_dtype(a.dtype(), [&](auto t) {
    using T = decltype(t);
    // Two walks over a in C order (through its strides): count, then write the indices.
    auto walk = [&](auto&& visit) {
      Dims idx = Dims::filled(nd, 0);
      for (int64_t i = 0, n = a.size(); i < n; ++i) {
        int64_t off = 0;
        for (int d = 0; d < nd; ++d) off += idx[d] * a.stride(d);
        if (a.data<T>()[off] != T(0)) visit(idx);
        for (int d = nd - 1; d >= 0 && ++idx[d] == a.shape(d); --d) idx[d] = 0;
      }
    };
    int64_t count = 0;
    walk([&](const Dims&) { ++count; });
    out[0]->ensure(DType::Int64, Dims{nd, count});
    int64_t* p = out[0]->data<int64_t>();
    int64_t col = 0;
    walk([&](const Dims& idx) {
      for (int d = 0; d < nd; ++d) p[d * count + col] = idx[d];
      ++col;
    });
  });
}

Var nonzero_matrix(const Var& a) { return make_apply1(std::make_shared<Nonzero>(), {a}); }

}  // namespace theano::ops
