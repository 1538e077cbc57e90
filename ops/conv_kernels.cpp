// im2col + gemm convolution kernels (see conv_kernels.hpp for the contract).
//
// Images are processed in chunks of G consecutive images whose im2col matrices sit side by side in
// one (C*kh*kw, G*Ho*Wo) buffer, so that one gemm has enough columns even for tiny output maps.
// When G > 1 the (K, G*Ho*Wo) product is not in (B, K, Ho, Wo) order and goes through a scratch
// buffer (scatter/gather copies are O(K*Ho*Wo) per image against O(K*C*kh*kw*Ho*Wo) for the gemm).
#include "ops/conv_kernels.hpp"

#include "ops/conv_batch.hpp"
#include "ops/conv_packed.hpp"

#include <cblas.h>

#include "core/blas_time.hpp"
#include "core/checked_size.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace theano::kernels {
namespace {

// Columns per gemm. Measured on LeNet (Zen 2, OpenBLAS 0.3.21): per-image gemms with 64-576
// columns already run near BLAS peak, and bigger chunks only push the im2col buffer out of L1/L2
// (2048 columns was ~15% slower). Chunking matters for tiny outputs, e.g. 4x4 maps late in a net.
constexpr int64_t kTargetColumns = 128;


int64_t out_dim(int64_t size, int64_t pad, int64_t k, int64_t stride, int64_t dil) {
  int64_t span = (k - 1) * dil + 1;
  int64_t v = size + 2 * pad - span;
  return v < 0 ? 0 : v / stride + 1;
}

// Independent of n_threads so that a workspace sized for n threads also serves fewer threads.
int64_t chunk_images(const Conv2dGeometry& g) {
  int64_t hw = g.out_h() * g.out_w();
  int64_t want = hw > 0 ? std::max<int64_t>(1, kTargetColumns / hw) : 1;
  return std::clamp<int64_t>(g.batch, 1, want);
}

// Per-thread workspace: im2col buffer, gather/scatter scratch, private dW accumulator.
struct Slices {
  size_t col, scratch, dw, total;
};

Slices slice_sizes(const Conv2dGeometry& g, size_t elem) {
  // conv2d_check bounded the products; the byte counts are checked here (core/checked_size.hpp).
  using checked::mul;
  const char* what = "conv2d: the workspace";
  int64_t cols = mul(chunk_images(g), mul(g.out_h(), g.out_w(), what), what), e = int64_t(elem);
  auto bytes = [&](int64_t rows, int64_t columns) {
    int64_t n = mul(mul(rows, columns, what), e, what);
    checked::add(n, int64_t(kWorkspaceAlign), what);  // align_up's rounding fits too
    return size_t(n);
  };
  Slices s;
  s.col = align_up(bytes(g.patch_size(), cols));
  s.scratch = align_up(bytes(g.filters, cols));
  s.dw = align_up(bytes(g.filters, g.patch_size()));
  s.total = size_t(checked::add(checked::add(int64_t(s.col), int64_t(s.scratch), what), int64_t(s.dw), what));
  return s;
}

template <typename T>
struct ThreadBuffers {
  T* col;
  T* scratch;
  T* dw;
};

template <typename T>
ThreadBuffers<T> thread_buffers(const Conv2dGeometry& g, void* workspace, int t) {
  Slices s = slice_sizes(g, sizeof(T));
  std::byte* p = aligned_workspace(workspace) + size_t(t) * s.total;
  return {reinterpret_cast<T*>(p), reinterpret_cast<T*>(p + s.col), reinterpret_cast<T*>(p + s.col + s.scratch)};
}

void blas_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int64_t m, int64_t n, int64_t k, const float* a,
               int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc) {
  GemmClock clock;
  cblas_sgemm(CblasRowMajor, ta, tb, int(m), int(n), int(k), 1.0f, a, int(lda), b, int(ldb), 1.0f, c, int(ldc));
}
void blas_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int64_t m, int64_t n, int64_t k, const double* a,
               int64_t lda, const double* b, int64_t ldb, double* c, int64_t ldc) {
  GemmClock clock;
  cblas_dgemm(CblasRowMajor, ta, tb, int(m), int(n), int(k), 1.0, a, int(lda), b, int(ldb), 1.0, c, int(ldc));
}

// Row-major C = op(A) op(B), or C += op(A) op(B) when accumulate. OpenBLAS implements beta = 0 as a
// separate slow pass over C (5-8% of the LeNet profile); zeroing C here and passing beta = 1 is faster.
template <typename T>
void gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda,
          const T* b, int64_t ldb, bool accumulate, T* c, int64_t ldc) {
  if (!accumulate)
    for (int64_t r = 0; r < m; ++r) std::fill(c + r * ldc, c + r * ldc + n, T(0));
  blas_gemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc);
}

// Output columns j whose input column j*s + off lies inside [0, size): [lo, hi).
void valid_range(int64_t off, int64_t s, int64_t size, int64_t n_out, int64_t& lo, int64_t& hi) {
  lo = off >= 0 ? 0 : (-off + s - 1) / s;
  hi = size - 1 - off < 0 ? 0 : (size - 1 - off) / s + 1;
  lo = std::min(lo, n_out);
  hi = std::clamp(hi, lo, n_out);
}

// Visits every im2col row (c, u, v) with its input plane offset, the input offsets of output (0, 0)
// and the output rows [i0, i1) / columns [j0, j1) that read inside the image (the rest is padding).
// flip reads the filter rotated by 180 degrees.
struct PatchRow {
  int64_t row, plane, off_h, off_w, i0, i1, j0, j1;
};

template <typename F>
void for_each_patch_row(const Conv2dGeometry& g, bool flip, F&& f) {
  const int64_t ho = g.out_h(), wo = g.out_w();
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t u = 0; u < g.kernel_h; ++u)
      for (int64_t v = 0; v < g.kernel_w; ++v) {
        PatchRow p;
        p.row = (c * g.kernel_h + u) * g.kernel_w + v;
        p.plane = c * g.height * g.width;
        p.off_h = (flip ? g.kernel_h - 1 - u : u) * g.dilation_h - g.pad_h;
        p.off_w = (flip ? g.kernel_w - 1 - v : v) * g.dilation_w - g.pad_w;
        valid_range(p.off_h, g.stride_h, g.height, ho, p.i0, p.i1);
        valid_range(p.off_w, g.stride_w, g.width, wo, p.j0, p.j1);
        f(p);
      }
}

// Rows are short (8 floats in LeNet's second layer), so library memcpy/memset calls cost more than
// the copy. GCC turns plain copy loops into such calls; this keeps them as inline vector moves.
#if defined(__GNUC__) && !defined(__clang__)
#define THEANO_INLINE_COPIES __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define THEANO_INLINE_COPIES
#endif

// d[r*dld + j] = s[r*sld + j] (add=false) or += (add=true) for r < rows, j < n. When n is a multiple
// of one AVX register the inner loop is a fixed-width block: a single load/store per register.
template <bool add, typename T>
THEANO_INLINE_COPIES inline void copy_rows(T* __restrict d, int64_t dld, const T* __restrict s, int64_t sld,
                                           int64_t rows, int64_t n) {
  constexpr int64_t V = 32 / sizeof(T);
  if (n % V == 0) {
    for (int64_t r = 0; r < rows; ++r, d += dld, s += sld)
      for (int64_t j = 0; j < n; j += V)
        for (int64_t k = 0; k < V; ++k) d[j + k] = add ? d[j + k] + s[j + k] : s[j + k];
  } else {
    for (int64_t r = 0; r < rows; ++r, d += dld, s += sld)
      for (int64_t j = 0; j < n; ++j) d[j] = add ? d[j] + s[j] : s[j];
  }
}

// col[row * ldcol + i*Wo + j] = img[c, ih, iw] (0 in the padding).
template <typename T>
THEANO_INLINE_COPIES void im2col(const Conv2dGeometry& g, const T* __restrict img, T* __restrict col, int64_t ldcol,
                                 bool flip) {
  const int64_t ho = g.out_h(), wo = g.out_w(), sh = g.stride_h, sw = g.stride_w, W = g.width;
  for_each_patch_row(g, flip, [&](const PatchRow& p) {
    T* __restrict dst = col + p.row * ldcol;
    std::fill(dst, dst + p.i0 * wo, T(0));
    std::fill(dst + p.i1 * wo, dst + ho * wo, T(0));
    const T* src = img + p.plane + (p.i0 * sh + p.off_h) * W + p.off_w;
    if (sw == 1 && p.j0 == 0 && p.j1 == wo) {  // no horizontal padding: a block copy
      copy_rows<false>(dst + p.i0 * wo, wo, src, sh * W, p.i1 - p.i0, wo);
      return;
    }
    for (int64_t i = p.i0; i < p.i1; ++i, src += sh * W) {
      T* __restrict d = dst + i * wo;
      for (int64_t j = 0; j < p.j0; ++j) d[j] = T(0);
      for (int64_t j = p.j0; j < p.j1; ++j) d[j] = src[j * sw];
      for (int64_t j = p.j1; j < wo; ++j) d[j] = T(0);
    }
  });
}

// The adjoint of im2col: img[c, ih, iw] += col[row, i*Wo + j]; img must be zeroed by the caller.
template <typename T>
THEANO_INLINE_COPIES void col2im_add(const Conv2dGeometry& g, const T* __restrict col, int64_t ldcol,
                                     T* __restrict img, bool flip) {
  const int64_t wo = g.out_w(), sh = g.stride_h, sw = g.stride_w, W = g.width;
  for_each_patch_row(g, flip, [&](const PatchRow& p) {
    const T* src = col + p.row * ldcol + p.i0 * wo;
    T* dst = img + p.plane + (p.i0 * sh + p.off_h) * W + p.off_w;
    if (sw == 1) {
      copy_rows<true>(dst + p.j0, sh * W, src + p.j0, wo, p.i1 - p.i0, p.j1 - p.j0);
      return;
    }
    for (int64_t i = p.i0; i < p.i1; ++i, src += wo, dst += sh * W)
      for (int64_t j = p.j0; j < p.j1; ++j) dst[j * sw] += src[j];
  });
}

// Moves n blocks of (K, hw) between image-major (n, K, hw) and chunk-major (K, n*hw) layouts.
template <typename T>
void gather_chunk(const T* images, T* chunk, int64_t n, int64_t K, int64_t hw) {
  for (int64_t i = 0; i < n; ++i) copy_rows<false>(chunk + i * hw, n * hw, images + i * K * hw, hw, K, hw);
}
template <typename T>
void scatter_chunk(const T* chunk, T* images, int64_t n, int64_t K, int64_t hw) {
  for (int64_t i = 0; i < n; ++i) copy_rows<false>(images + i * K * hw, hw, chunk + i * hw, n * hw, K, hw);
}

}  // namespace

int64_t Conv2dGeometry::out_h() const { return out_dim(height, pad_h, kernel_h, stride_h, dilation_h); }
int64_t Conv2dGeometry::out_w() const { return out_dim(width, pad_w, kernel_w, stride_w, dilation_w); }
double Conv2dGeometry::flops() const {
  return 2.0 * double(batch) * double(filters) * double(patch_size()) * double(out_h() * out_w());
}

void conv2d_check(const Conv2dGeometry& g) {
  if (g.batch < 0 || g.channels <= 0 || g.height <= 0 || g.width <= 0 || g.filters <= 0 || g.kernel_h <= 0 ||
      g.kernel_w <= 0)
    throw std::invalid_argument("conv2d: sizes must be positive (batch may be 0)");
  if (g.stride_h <= 0 || g.stride_w <= 0 || g.dilation_h <= 0 || g.dilation_w <= 0)
    throw std::invalid_argument("conv2d: strides and dilations must be positive");
  if (g.pad_h < 0 || g.pad_w < 0) throw std::invalid_argument("conv2d: negative padding");
  // Every size the kernels derive (output, im2col matrix, workspace) must fit in int64: checked once
  // here, so the kernels' own arithmetic cannot overflow (core/checked_size.hpp).
  for (auto [size, pad, k, dil] : {std::array{g.height, g.pad_h, g.kernel_h, g.dilation_h}, std::array{g.width, g.pad_w, g.kernel_w, g.dilation_w}})
    checked::sub(checked::add(size, checked::mul(2, pad, "conv2d: the padding"), "conv2d: the padded input"),
                 checked::add(checked::mul(k - 1, dil, "conv2d: the dilated filter"), 1), "conv2d: the output size");
  checked::numel(std::array{g.batch, g.filters, g.out_h(), g.out_w()});
  checked::numel(std::array{g.channels, g.kernel_h, g.kernel_w});  // the patch size
}

size_t conv2d_workspace_bytes(const Conv2dGeometry& g, size_t elem_size, int n_threads) {
  int64_t per_thread = int64_t(slice_sizes(g, elem_size).total);
  size_t im2col = size_t(checked::add(int64_t(kWorkspaceAlign), checked::mul(per_thread, std::max(1, n_threads), "conv2d: the workspace")));
  if (elem_size == sizeof(float) && packed_conv_supported(g))
    return std::max(im2col, packed_conv_workspace_bytes(g, n_threads));
  return im2col;
}

template <typename T>
void conv2d_forward(const Conv2dGeometry& g, const T* input, const T* filters, T* output, bool flip,
                    void* workspace, int n_threads) {
  conv2d_check(g);
  if constexpr (std::is_same_v<T, float>)
    if (packed_conv_enabled() && packed_conv_supported(g)) return packed_conv_forward(g, input, filters, output, flip, workspace, n_threads);
  const int64_t hw = g.out_h() * g.out_w(), K = g.filters, P = g.patch_size();
  const int64_t chw = g.channels * g.height * g.width, G = chunk_images(g);
  if (hw == 0) return;
  over_batch(g, n_threads, [&](int t, int64_t b0, int64_t b1) {
    ThreadBuffers<T> buf = thread_buffers<T>(g, workspace, t);
    for (int64_t b = b0; b < b1; b += G) {
      const int64_t n = std::min(G, b1 - b), cols = n * hw;
      for (int64_t i = 0; i < n; ++i) im2col(g, input + (b + i) * chw, buf.col + i * hw, cols, flip);
      if (n == 1) {
        gemm(CblasNoTrans, CblasNoTrans, K, hw, P, filters, P, buf.col, cols, false, output + b * K * hw, hw);
        continue;
      }
      gemm(CblasNoTrans, CblasNoTrans, K, cols, P, filters, P, buf.col, cols, false, buf.scratch, cols);
      scatter_chunk(buf.scratch, output + b * K * hw, n, K, hw);
    }
  });
}

template <typename T>
void conv2d_grad_input(const Conv2dGeometry& g, const T* grad_output, const T* filters, T* grad_input, bool flip,
                       void* workspace, int n_threads) {
  conv2d_check(g);
  if constexpr (std::is_same_v<T, float>)
    if (packed_conv_enabled() && packed_conv_supported(g)) return packed_conv_grad_input(g, grad_output, filters, grad_input, flip, workspace, n_threads);
  const int64_t hw = g.out_h() * g.out_w(), K = g.filters, P = g.patch_size();
  const int64_t chw = g.channels * g.height * g.width, G = chunk_images(g);
  if (hw == 0) {
    std::fill(grad_input, grad_input + g.batch * chw, T(0));
    return;
  }
  over_batch(g, n_threads, [&](int t, int64_t b0, int64_t b1) {
    ThreadBuffers<T> buf = thread_buffers<T>(g, workspace, t);
    for (int64_t b = b0; b < b1; b += G) {
      const int64_t n = std::min(G, b1 - b), cols = n * hw;
      const T* dout = grad_output + b * K * hw;
      if (n > 1) {
        gather_chunk(dout, buf.scratch, n, K, hw);
        dout = buf.scratch;
      }
      gemm(CblasTrans, CblasNoTrans, P, cols, K, filters, P, dout, cols, false, buf.col, cols);
      for (int64_t i = 0; i < n; ++i) {
        T* img = grad_input + (b + i) * chw;
        std::fill(img, img + chw, T(0));
        col2im_add(g, buf.col + i * hw, cols, img, flip);
      }
    }
  });
}

template <typename T>
void conv2d_grad_weights(const Conv2dGeometry& g, const T* input, const T* grad_output, T* grad_filters, bool flip,
                         void* workspace, int n_threads) {
  conv2d_check(g);
  if constexpr (std::is_same_v<T, float>)
    if (packed_conv_enabled() && packed_conv_supported(g)) return packed_conv_grad_weights(g, input, grad_output, grad_filters, flip, workspace, n_threads);
  const int64_t hw = g.out_h() * g.out_w(), K = g.filters, P = g.patch_size();
  const int64_t chw = g.channels * g.height * g.width, G = chunk_images(g);
  std::fill(grad_filters, grad_filters + K * P, T(0));
  if (hw == 0 || g.batch == 0) return;
  over_batch(g, n_threads, [&](int t, int64_t b0, int64_t b1) {
    ThreadBuffers<T> buf = thread_buffers<T>(g, workspace, t);
    T* dw = t == 0 ? grad_filters : buf.dw;  // thread 0 accumulates in place
    bool accumulate = false;
    for (int64_t b = b0; b < b1; b += G) {
      const int64_t n = std::min(G, b1 - b), cols = n * hw;
      for (int64_t i = 0; i < n; ++i) im2col(g, input + (b + i) * chw, buf.col + i * hw, cols, flip);
      const T* dout = grad_output + b * K * hw;
      if (n > 1) {
        gather_chunk(dout, buf.scratch, n, K, hw);
        dout = buf.scratch;
      }
      gemm(CblasNoTrans, CblasTrans, K, P, cols, dout, cols, buf.col, cols, accumulate, dw, P);
      accumulate = true;
    }
  });
  // Threads 1.. accumulated into their private dW slices (over_batch gives thread t images from t*per).
  const int64_t per = images_per_thread(g, n_threads);
  for (int t = 1; t * per < g.batch; ++t) {
    const T* part = thread_buffers<T>(g, workspace, t).dw;
    for (int64_t e = 0; e < K * P; ++e) grad_filters[e] += part[e];
  }
}

#define THEANO_CONV_INSTANTIATE(T)                                                                           \
  template void conv2d_forward<T>(const Conv2dGeometry&, const T*, const T*, T*, bool, void*, int);          \
  template void conv2d_grad_input<T>(const Conv2dGeometry&, const T*, const T*, T*, bool, void*, int);       \
  template void conv2d_grad_weights<T>(const Conv2dGeometry&, const T*, const T*, T*, bool, void*, int);
THEANO_CONV_INSTANTIATE(float)
THEANO_CONV_INSTANTIATE(double)
#undef THEANO_CONV_INSTANTIATE

}  // namespace theano::kernels
