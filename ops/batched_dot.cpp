#include "ops/batched_dot.hpp"

#include <fmt/format.h>

#include "core/int_math.hpp"
#include "core/thread_pool.hpp"
#include "ops/basic.hpp"
#include "ops/blas.hpp"
#include "ops/elemwise.hpp"
#include "ops/graph_math.hpp"
#include "ops/shape.hpp"
#include "ops/shape_math.hpp"

namespace theano::ops {

std::vector<TensorType> BatchedDot::make_types(Vars in) const {
  const TensorType &x = in[0].type(), &y = in[1].type();
  if (x.ndim() < 2 || x.ndim() > 3 || y.ndim() < 2 || y.ndim() > 3)
    throw OpError(fmt::format("inputs must be 2-d or 3-d (a batch of vectors or matrices), got {}-d and {}-d", x.ndim(), y.ndim()));
  if (x.dtype != y.dtype) throw OpError(fmt::format("inputs must have one dtype, got {} and {}", dtype_name(x.dtype), dtype_name(y.dtype)));
  if (x.shape[0] >= 0 && y.shape[0] >= 0 && x.shape[0] != y.shape[0])
    throw OpError(fmt::format("batch sizes differ: shapes {} and {}", x.shape_str(), y.shape_str()));
  const int64_t kx = x.shape[x.ndim() - 1], ky = y.shape[1];
  if (kx >= 0 && ky >= 0 && kx != ky)
    throw OpError(fmt::format("shapes {} and {} not aligned: {} (dim {}) != {} (dim 1)", x.shape_str(), y.shape_str(), kx, x.ndim() - 1, ky));
  // (batch,) + x's rows + y's columns; the batch dim broadcasts when either side's does (Theano's rule).
  TensorType out(x.dtype, 1);
  out.shape[0] = x.shape[0] >= 0 ? x.shape[0] : y.shape[0];
  out.bcast[0] = x.bcast[0] || y.bcast[0];
  if (out.bcast[0]) out.shape[0] = 1;
  if (x.ndim() == 3) {
    out.shape.push_back(x.shape[1]);
    out.bcast[out.ndim() - 1] = x.bcast[1];
  }
  if (y.ndim() == 3) {
    out.shape.push_back(y.shape[2]);
    out.bcast[out.ndim() - 1] = y.bcast[2];
  }
  return {out};
}

OutShapes BatchedDot::infer_shape(Vars in, InShapes shapes) const {
  // Both batch sizes are equal when the kernel runs; a broadcastable one is the constant 1.
  std::vector<Variable> out{in[0].type().bcast[0] || !in[1].type().bcast[0] ? shapes[0][0] : shapes[1][0]};
  if (in[0].ndim() == 3) out.push_back(shapes[0][1]);
  if (in[1].ndim() == 3) out.push_back(shapes[1][2]);
  return std::vector<std::vector<Variable>>{out};
}

namespace {
// Item b of a batch as a matrix: a 3-d side's b-th matrix; a 2-d side's b-th row as a 1-row matrix
// (x) or a 1-column matrix (y).
NDArray item_x(const NDArray& x, int64_t b) {
  const int64_t off = x.offset() + b * x.stride(0);
  if (x.ndim() == 3) return x.view(Dims{x.shape(1), x.shape(2)}, Dims{x.stride(1), x.stride(2)}, off);
  return x.view(Dims{1, x.shape(1)}, Dims{std::max<int64_t>(x.shape(1), 1) * std::max<int64_t>(x.stride(1), 1), x.stride(1)}, off);
}
NDArray item_y(const NDArray& y, int64_t b) {
  const int64_t off = y.offset() + b * y.stride(0);
  if (y.ndim() == 3) return y.view(Dims{y.shape(1), y.shape(2)}, Dims{y.stride(1), y.stride(2)}, off);
  return y.view(Dims{y.shape(1), 1}, Dims{y.stride(1), 1}, off);
}

// Integer and bool products (index arithmetic): numpy's wrap-around (core/int_math.hpp).
template <class T>
void matmul_naive(const NDArray& a, const NDArray& b, NDArray& c) {
  const int64_t m = a.shape(0), k = a.shape(1), n = b.shape(1);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      T s = 0;
      for (int64_t p = 0; p < k; ++p)
        s = intmath::add(s, intmath::mul(a.data<T>()[i * a.stride(0) + p * a.stride(1)], b.data<T>()[p * b.stride(0) + j * b.stride(1)]));
      c.data<T>()[i * c.stride(0) + j * c.stride(1)] = s;
    }
}
}  // namespace

void BatchedDot::perform(InArrays in, OutArrays out) const {
  const NDArray &x = *in[0], &y = *in[1];
  const int64_t batch = x.shape(0), kx = x.shape(x.ndim() - 1), ky = y.shape(1);
  if (y.shape(0) != batch)
    throw OpError(fmt::format("BatchedDot: inputs must have the same size in axis 0, got shapes {} and {}", x.shape().str(), y.shape().str()));
  if (kx != ky)
    throw OpError(fmt::format("BatchedDot: shapes {} and {} not aligned: {} (dim {}) != {} (dim 1)", x.shape().str(), y.shape().str(), kx,
                              x.ndim() - 1, ky));
  const int64_t m = x.ndim() == 3 ? x.shape(1) : 1, n = y.ndim() == 3 ? y.shape(2) : 1;
  Dims oshape{batch};
  if (x.ndim() == 3) oshape.push_back(m);
  if (y.ndim() == 3) oshape.push_back(n);
  out[0]->ensure(x.dtype(), oshape);
  NDArray& z = *out[0];
  auto run = [&](int64_t b) {
    NDArray c = z.view(Dims{m, n}, Dims{n, 1}, z.offset() + b * m * n);
    const NDArray a = item_x(x, b), bb = item_y(y, b);
    if (is_float(x.dtype())) gemm(1.0, a, bb, 0.0, c);
    else visit_dtype(x.dtype(), [&](auto t) { matmul_naive<decltype(t)>(a, bb, c); });
  };
  // Large items: one after the other, each gemm split over the threads; small ones: the batch split.
  if (double(m) * double(n) * double(kx) >= 2e6) {
    for (int64_t b = 0; b < batch; ++b) run(b);
  } else {
    parallel_ranges(batch, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t b = lo; b < hi; ++b) run(b);
    });
  }
}

Cotangents BatchedDot::pullback(Vars in, Vars, OutCotangents cot) const {
  using namespace math;
  const Var &x = in[0], &y = in[1], &gz = *cot[0];
  const int xd = x.ndim(), yd = y.ndim();
  if (xd == 2 && yd == 2) return {dimshuffle(gz, {0, -1}) * y, dimshuffle(gz, {0, -1}) * x};
  if (xd == 2) return {batched_dot(gz, dimshuffle(y, {0, 2, 1})), dimshuffle(x, {0, 1, -1}) * dimshuffle(gz, {0, -1, 1})};
  if (yd == 2) return {dimshuffle(gz, {0, 1, -1}) * dimshuffle(y, {0, -1, 1}), batched_dot(dimshuffle(x, {0, 2, 1}), gz)};
  return {batched_dot(gz, dimshuffle(y, {0, 2, 1})), batched_dot(dimshuffle(x, {0, 2, 1}), gz)};
}

Var batched_dot(const Var& x, const Var& y) {
  const DType d = upcast(x.dtype(), y.dtype());
  return make_apply1(std::make_shared<BatchedDot>(), {cast(x, d), cast(y, d)});
}

namespace {
std::vector<Variable> pick(const std::vector<Variable>& sizes, const std::vector<int>& axes) {
  std::vector<Variable> r;
  for (int a : axes) r.push_back(sizes[size_t(a)]);
  return r;
}
Var dimshuffle_unless_identity(const Var& v, const std::vector<int>& order) {
  for (size_t i = 0; i < order.size(); ++i)
    if (order[i] != int(i)) return dimshuffle(v, order);
  return v;
}
// v, whose sizes are `now`, reshaped to `sizes` (no op when they are the same expressions).
Var reshape_unless_same(const Var& v, const std::vector<Variable>& now, const std::vector<Variable>& sizes) {
  if (now.size() == sizes.size()) {
    bool same = true;
    for (size_t i = 0; i < sizes.size(); ++i) same &= dims::same(now[i], sizes[i]);
    if (same) return v;
  }
  return reshape(v, make_vector(sizes));
}
}  // namespace

Var tensordot(const Var& a, const Var& b, const std::vector<int>& axes_a, const std::vector<int>& axes_b, bool batched) {
  const int first = batched ? 1 : 0;
  auto others = [&](const Var& v, const std::vector<int>& summed) {
    std::vector<int> r;
    for (int d = first; d < v.ndim(); ++d)
      if (std::find(summed.begin(), summed.end(), d) == summed.end()) r.push_back(d);
    return r;
  };
  const std::vector<int> other_a = others(a, axes_a), other_b = others(b, axes_b);
  const std::vector<Variable> sa = dims::of(a), sb = dims::of(b);
  std::vector<int> order_a, order_b;
  if (batched) order_a.push_back(0), order_b.push_back(0);
  order_a.insert(order_a.end(), other_a.begin(), other_a.end());
  order_a.insert(order_a.end(), axes_a.begin(), axes_a.end());
  order_b.insert(order_b.end(), axes_b.begin(), axes_b.end());
  order_b.insert(order_b.end(), other_b.begin(), other_b.end());
  // a as (batch?, rows?, summed) and b as (batch?, summed, columns?): a side with no other axis is a
  // vector (per batch item), so the product is one gemm (or gemv) however many dims there were.
  std::vector<Variable> a2, b2, out_sizes;
  if (batched) a2.push_back(sa[0]), b2.push_back(sb[0]), out_sizes.push_back(sa[0]);
  if (!other_a.empty()) a2.push_back(dims::product(pick(sa, other_a)));
  a2.push_back(dims::product(pick(sa, axes_a)));
  b2.push_back(dims::product(pick(sb, axes_b)));
  if (!other_b.empty()) b2.push_back(dims::product(pick(sb, other_b)));
  for (const Variable& s : pick(sa, other_a)) out_sizes.push_back(s);
  for (const Variable& s : pick(sb, other_b)) out_sizes.push_back(s);
  const Var a_mat = reshape_unless_same(dimshuffle_unless_identity(a, order_a), pick(sa, order_a), a2);
  const Var b_mat = reshape_unless_same(dimshuffle_unless_identity(b, order_b), pick(sb, order_b), b2);
  const Var product = batched ? batched_dot(a_mat, b_mat) : dot(a_mat, b_mat);
  // The product's sizes: the batch, a's rows (if any), b's columns (if any).
  std::vector<Variable> product_sizes;
  if (batched) product_sizes.push_back(a2.front());
  if (!other_a.empty()) product_sizes.push_back(a2[batched ? 1 : 0]);
  if (!other_b.empty()) product_sizes.push_back(b2.back());
  return reshape_unless_same(product, product_sizes, out_sizes);
}

}  // namespace theano::ops
