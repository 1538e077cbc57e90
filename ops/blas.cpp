#include "ops/blas.hpp"

#include <cblas.h>
#include <fmt/format.h>

#include "core/blas_time.hpp"
#include "core/int_math.hpp"
#include "core/thread_pool.hpp"
#include "ops/elemwise.hpp"
#include "ops/graph_math.hpp"
#include "ops/shape_math.hpp"

namespace theano::ops {

std::vector<TensorType> Dot::make_types(Vars in) const {
  const TensorType &x = in[0].type(), &y = in[1].type();
  if (x.ndim() < 1 || x.ndim() > 2 || y.ndim() < 1 || y.ndim() > 2)
    throw OpError(fmt::format("supports 1-d and 2-d inputs, got {}-d and {}-d", x.ndim(), y.ndim()));
  if (x.dtype != y.dtype) throw OpError(fmt::format("inputs must have one dtype, got {} and {}", dtype_name(x.dtype), dtype_name(y.dtype)));
  int64_t k1 = x.shape[x.ndim() - 1], k2 = y.shape[0];
  if (k1 >= 0 && k2 >= 0 && k1 != k2)
    throw OpError(fmt::format("shapes {} and {} not aligned: {} (dim {}) != {} (dim 0)", x.shape_str(), y.shape_str(), k1,
                              x.ndim() - 1, k2));
  TensorType out(x.dtype, 0);
  if (x.ndim() == 2) {
    out.shape.push_back(x.shape[0]);
    out.bcast[out.ndim() - 1] = x.bcast[0];
  }
  if (y.ndim() == 2) {
    out.shape.push_back(y.shape[1]);
    out.bcast[out.ndim() - 1] = y.bcast[1];
  }
  return {out};
}

OutShapes Dot::infer_shape(Vars in, InShapes shapes) const {
  std::vector<Variable> out;
  if (in[0].ndim() == 2) out.push_back(shapes[0][0]);
  if (in[1].ndim() == 2) out.push_back(shapes[1][1]);
  return std::vector<std::vector<Variable>>{out};
}

namespace {
// How BLAS sees a 2-d view: row-major with leading dimension ld, maybe transposed.
struct BlasView {
  bool ok, trans;
  int64_t ld;
};
BlasView blas_view(const NDArray& a) {
  int64_t r = a.shape(0), c = a.shape(1), s0 = a.stride(0), s1 = a.stride(1);
  if ((s1 == 1 || c == 1) && s0 >= std::max<int64_t>(c, 1)) return {true, false, s0};
  if ((s0 == 1 || r == 1) && s1 >= std::max<int64_t>(r, 1)) return {true, true, s1};
  return {false, false, 0};
}

template <class T>
void gemm_t(T alpha, const NDArray& a, const NDArray& b, T beta, NDArray& c) {
  int64_t m = a.shape(0), k = a.shape(1), n = b.shape(1);
  if (m == 0 || n == 0) return;
  NDArray ac = a, bc = b;
  BlasView va = blas_view(a), vb = blas_view(b);
  if (!va.ok) { ac = a.copy(); va = blas_view(ac); }
  if (!vb.ok) { bc = b.copy(); vb = blas_view(bc); }
  auto ta = va.trans ? CblasTrans : CblasNoTrans, tb = vb.trans ? CblasTrans : CblasNoTrans;
  int64_t lda = std::max<int64_t>(va.ld, 1), ldb = std::max<int64_t>(vb.ld, 1), ldc = std::max<int64_t>(c.stride(0), 1);
  if (k == 0) {  // BLAS may not scale C when k == 0; beta == 0 overwrites (C may hold NaN)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c.data<T>()[i * ldc + j] = beta == T(0) ? T(0) : c.data<T>()[i * ldc + j] * beta;
    return;
  }
  auto call = [&](int64_t mm, int64_t nn, const T* pa, const T* pb, T* pc) {
    GemmClock clock;
    if constexpr (std::is_same_v<T, float>) cblas_sgemm(CblasRowMajor, ta, tb, mm, nn, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    else cblas_dgemm(CblasRowMajor, ta, tb, mm, nn, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
  };
  const T *pa = ac.data<T>(), *pb = bc.data<T>();
  T* pc = c.data<T>();
  // BLAS runs single-threaded when the kernel pool has several threads (core/thread_pool.hpp):
  // large products are split here into blocks of C's rows (or columns), one per thread.
  const int64_t wide = std::max(m, n);
  const int64_t parts = double(m) * double(n) * double(k) >= 2e6 ? std::min<int64_t>(kernel_threads(), wide / 16) : 1;
  if (parts <= 1) {
    call(m, n, pa, pb, pc);
    return;
  }
  const int64_t per = (wide + parts - 1) / parts;
  parallel_for(parts, [&](int64_t t) {
    const int64_t lo = t * per, len = std::min(wide, lo + per) - lo;
    if (len <= 0) return;
    if (m >= n) call(len, n, pa + (va.trans ? lo : lo * lda), pb, pc + lo * ldc);
    else call(m, len, pa, pb + (vb.trans ? lo * ldb : lo), pc + lo);
  });
}

// Integer and bool dot products (rare: index arithmetic); a plain triple loop.
template <class T>
void dot_naive(const NDArray& a, const NDArray& b, NDArray& c) {
  int64_t m = a.shape(0), k = a.shape(1), n = b.shape(1);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      T s = 0;
      for (int64_t p = 0; p < k; ++p)  // modulo 2**bits, as numpy's (core/int_math.hpp)
        s = intmath::add(s, intmath::mul(a.data<T>()[i * a.stride(0) + p * a.stride(1)], b.data<T>()[p * b.stride(0) + j * b.stride(1)]));
      c.data<T>()[i * c.stride(0) + j] = s;
    }
}
}  // namespace

void gemm(double alpha, const NDArray& a, const NDArray& b, double beta, NDArray& c) {
  if (a.dtype() == DType::Float32) gemm_t<float>(float(alpha), a, b, float(beta), c);
  else gemm_t<double>(alpha, a, b, beta, c);
}

void Dot::perform(InArrays in, OutArrays out) const {
  const NDArray &x = *in[0], &y = *in[1];
  int64_t kx = x.shape(x.ndim() - 1), ky = y.shape(0);
  if (kx != ky)
    throw OpError(fmt::format("dot: shapes {} and {} not aligned: {} (dim {}) != {} (dim 0)", x.shape().str(), y.shape().str(), kx,
                              x.ndim() - 1, ky));
  // View vectors as 1-row / 1-column matrices.
  NDArray a = x.ndim() == 2 ? x : x.view(Dims{1, kx}, Dims{kx * x.stride(0), x.stride(0)}, x.offset());
  NDArray b = y.ndim() == 2 ? y : y.view(Dims{ky, 1}, Dims{y.stride(0), 1}, y.offset());
  Dims oshape;
  if (x.ndim() == 2) oshape.push_back(x.shape(0));
  if (y.ndim() == 2) oshape.push_back(y.shape(1));
  out[0]->ensure(x.dtype(), oshape);
  NDArray c = out[0]->view(Dims{a.shape(0), b.shape(1)}, Dims{b.shape(1), 1}, out[0]->offset());
  if (is_float(x.dtype())) {
    gemm(1.0, a, b, 0.0, c);
  } else {
    visit_dtype(x.dtype(), [&](auto t) { dot_naive<decltype(t)>(a, b, c); });
  }
}

Cotangents Dot::pullback(Vars in, Vars, OutCotangents cot) const {
  using namespace math;
  const Var &x = in[0], &y = in[1], &gz = *cot[0];
  if (x.ndim() == 2 && y.ndim() == 2) return {dot(gz, transpose(y)), dot(transpose(x), gz)};
  if (x.ndim() == 1 && y.ndim() == 2) return {dot(gz, transpose(y)), dot(dimshuffle(x, {0, -1}), dimshuffle(gz, {-1, 0}))};
  if (x.ndim() == 2 && y.ndim() == 1) return {dot(dimshuffle(gz, {0, -1}), dimshuffle(y, {-1, 0})), dot(transpose(x), gz)};
  return {gz * y, gz * x};
}

// ---- Gemm ----
std::vector<TensorType> Gemm::make_types(Vars in) const {
  if (in.size() != 5) throw OpError(fmt::format("expects (Z, alpha, X, Y, beta), got {} inputs", in.size()));
  const TensorType &z = in[0].type(), &x = in[2].type(), &y = in[3].type();
  for (int k : {0, 2, 3})
    if (in[k].ndim() != 2) throw OpError(fmt::format("Z, X and Y must be matrices, input {} is {}-d", k, in[k].ndim()));
  for (int k : {1, 4})
    if (in[k].ndim() != 0) throw OpError(fmt::format("alpha and beta must be 0-d, input {} is {}-d", k, in[k].ndim()));
  for (int k = 1; k < 5; ++k)
    if (in[k].dtype() != z.dtype) throw OpError(fmt::format("input {} has dtype {}, Z has {}", k, dtype_name(in[k].dtype()), dtype_name(z.dtype)));
  if (!is_float(z.dtype)) throw OpError(fmt::format("needs float inputs, got {}", dtype_name(z.dtype)));
  if (x.shape[1] >= 0 && y.shape[0] >= 0 && x.shape[1] != y.shape[0])
    throw OpError(fmt::format("shapes {} and {} not aligned", x.shape_str(), y.shape_str()));
  // dot(X, Y)'s type; Z may broadcast over it (a bias row or column), never the other way round.
  const Dims dot_shape{x.shape[0], y.shape[1]};
  const bool dot_bcast[2] = {x.bcast[0], y.bcast[1]};
  TensorType out(z.dtype, dot_shape, {z.bcast[0] && dot_bcast[0], z.bcast[1] && dot_bcast[1]});
  for (int d = 0; d < 2; ++d) {
    if (z.bcast[d]) continue;
    if (z.shape[d] >= 0 && dot_shape[d] >= 0 && z.shape[d] != dot_shape[d])
      throw OpError(fmt::format("Z has shape {} but dot(X, Y) has ({}, {})", z.shape_str(), x.shape[0], y.shape[1]));
    if (out.shape[d] < 0) out.shape[d] = z.shape[d];
  }
  return {out};
}

bool gemm_fits_in_place(const NDArray& z, const NDArray& x, const NDArray& y) {
  if (z.ndim() != 2 || x.ndim() != 2 || y.ndim() != 2 || !is_float(z.dtype()) || x.dtype() != z.dtype() || y.dtype() != z.dtype())
    return false;
  if (x.shape(1) != y.shape(0) || z.shape(0) != x.shape(0) || z.shape(1) != y.shape(1)) return false;
  if (!z.is_contiguous() || z.offset() != 0 || z.size() == 0 || x.size() == 0 || y.size() == 0) return false;
  return blas_view(x).ok && blas_view(y).ok && !x.shares_memory(z) && !y.shares_memory(z);
}

bool Gemm::fits_in_place(int output, int input, InArrays in) const {
  return output == 0 && input == 0 && gemm_fits_in_place(*in[0], *in[2], *in[3]);
}

OutShapes Gemm::infer_shape(Vars in, InShapes shapes) const {
  return std::vector<std::vector<Variable>>{{shapes[2][0], shapes[3][1]}};  // dot(X, Y)'s shape; Z broadcasts
}

void Gemm::perform(InArrays in, OutArrays out) const {
  const NDArray &z = *in[0], &x = *in[2], &y = *in[3];
  double alpha = in[1]->item(0), beta = in[4]->item(0);
  int64_t m = x.shape(0), n = y.shape(1);
  if (x.shape(1) != y.shape(0))
    throw OpError(fmt::format("{}: shapes {} and {} not aligned", str(), x.shape().str(), y.shape().str()));
  for (int d = 0; d < 2; ++d)
    if (z.shape(d) != (d ? n : m) && z.shape(d) != 1)
      throw OpError(fmt::format("{}: Z of shape {} does not fit dot(X, Y) of shape ({}, {})", str(), z.shape().str(), m, n));
  if (in[0] == out[0]) {
    // The caller made the output Z itself, after checking gemm_fits_in_place (which ensure() could
    // not keep: Z may have other holders, a shared variable's storage).
    if (!gemm_fits_in_place(z, x, y)) throw std::logic_error(str() + ": asked to write in place over a Z that does not fit");
    gemm(alpha, x, y, beta, *out[0]);
    return;
  }
  out[0]->ensure(z.dtype(), Dims{m, n});
  if (beta != 0) {
    Dims strides{z.shape(0) == 1 ? 0 : z.stride(0), z.shape(1) == 1 ? 0 : z.stride(1)};
    out[0]->copy_from(z.view(Dims{m, n}, strides, z.offset()));
  }
  gemm(alpha, x, y, beta, *out[0]);
}

Cotangents Gemm::pullback(Vars in, Vars, OutCotangents cot) const {
  using namespace math;
  const Var &z = in[0], &alpha = in[1], &x = in[2], &y = in[3], &beta = in[4], &gz = *cot[0];
  return {gz * beta, sum(gz * dot(x, y), {0, 1}), dot(gz, transpose(y)) * alpha, dot(transpose(x), gz) * alpha,
          sum(gz * z, {0, 1})};
}

Var gemm_no_inplace(const Var& z, const Var& alpha, const Var& x, const Var& y, const Var& beta) {
  return make_apply1(std::make_shared<Gemm>(), {z, alpha, x, y, beta});
}

Var dot(const Var& x, const Var& y) {
  DType d = upcast(x.dtype(), y.dtype());
  return make_apply1(std::make_shared<Dot>(), {cast(x, d), cast(y, d)});
}

}  // namespace theano::ops
