// Pooling kernels (see pool_kernels.hpp for the semantics). The general path walks windows with
// bounds computed on the fly (no allocation); max 2x2 stride 2 without padding (LeNet) has its own
// loops (AVX2 for float). The fused max + bias + activation kernel pools a block of slices, then
// finishes it while it is in L1.
#include "ops/pool_kernels.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "ops/elemwise_kernels.hpp"  // tanh_of, sigmoid_of: the activations Elemwise computes
#include "core/thread_pool.hpp"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace theano::kernels {
namespace {

// One window along one dim: real (unpadded) cells [lo, hi) and the divisor for average_inc_pad.
struct Window {
  int64_t lo, hi, padded_len;
};

Window window(int64_t j, int64_t size, int64_t ws, int64_t stride, int64_t pad) {
  const int64_t v = size + 2 * pad;
  const int64_t start = j * stride, end = std::min(start + ws, v);
  return {std::max(start, pad) - pad, std::min(end, v - pad) - pad, end - start};
}

bool is_max_2x2(PoolMode mode, const Pool2dGeometry& g) {
  return mode == PoolMode::Max && g.ws_h == 2 && g.ws_w == 2 && g.stride_h == 2 && g.stride_w == 2 &&
         g.pad_h == 0 && g.pad_w == 0 && (g.ignore_border || (g.height % 2 == 0 && g.width % 2 == 0));
}

// Theano's max update: keeps the first element unless a later one is strictly greater (NaN-stable).
template <typename T>
inline T max_step(T acc, T a) { return a > acc ? a : acc; }
template <typename T>
inline T max_2x2_of(const T* a, const T* b, int64_t c) {
  return max_step(max_step(max_step(a[2 * c], a[2 * c + 1]), b[2 * c]), b[2 * c + 1]);
}

// Runs f(first_slice, end_slice) over contiguous ranges of the outer dim on the kernel thread pool.
template <typename F>
void over_outer(int64_t outer, int n_threads, F&& f) {
  const int64_t t = std::clamp<int64_t>(n_threads, 1, std::max<int64_t>(1, outer));
  if (t <= 1) {
    f(int64_t(0), outer);
    return;
  }
  const int64_t per = (outer + t - 1) / t;
  parallel_for((outer + per - 1) / per, [&](int64_t i) { f(i * per, std::min(outer, (i + 1) * per)); });
}

// Row kernels for max 2x2/2 returning how many outputs they handled; the generic versions leave
// every output to the scalar loop. The AVX2 float versions do 4 outputs (8 inputs per row) at a time
// with the same comparison order as the scalar code, so NaN handling is identical.
template <typename T>
int64_t max_2x2_row(const T*, const T*, T*, int64_t) { return 0; }
template <typename T>
int64_t max_2x2_grad_row(const T*, const T*, const T*, const T*, T*, T*, int64_t) { return 0; }
template <typename T>
int64_t max_2x2_grad_recompute_row(const T*, const T*, const T*, T*, T*, int64_t) { return 0; }

#if defined(__AVX2__)
int64_t max_2x2_row(const float* a, const float* b, float* o, int64_t ow) {
  const __m256i split = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);  // evens low, odds high
  int64_t c = 0;
  for (; c + 4 <= ow; c += 4) {
    __m256 ra = _mm256_permutevar8x32_ps(_mm256_loadu_ps(a + 2 * c), split);
    __m256 rb = _mm256_permutevar8x32_ps(_mm256_loadu_ps(b + 2 * c), split);
    // max_step(acc, x) = x > acc ? x : acc = _mm_max_ps(x, acc)
    __m128 acc = _mm_max_ps(_mm256_extractf128_ps(ra, 1), _mm256_castps256_ps128(ra));
    acc = _mm_max_ps(_mm256_castps256_ps128(rb), acc);
    acc = _mm_max_ps(_mm256_extractf128_ps(rb, 1), acc);
    _mm_storeu_ps(o + c, acc);
  }
  return c;
}

int64_t max_2x2_grad_row(const float* a, const float* b, const float* m, const float* gz, float* ga, float* gb,
                         int64_t ow) {
  const __m256i dup = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);  // each output over its 2 columns
  int64_t c = 0;
  for (; c + 4 <= ow; c += 4) {
    __m256 m8 = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(m + c)), dup);
    __m256 g8 = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(gz + c)), dup);
    __m256 ea = _mm256_cmp_ps(_mm256_loadu_ps(a + 2 * c), m8, _CMP_EQ_OQ);
    __m256 eb = _mm256_cmp_ps(_mm256_loadu_ps(b + 2 * c), m8, _CMP_EQ_OQ);
    _mm256_storeu_ps(ga + 2 * c, _mm256_and_ps(ea, g8));
    _mm256_storeu_ps(gb + 2 * c, _mm256_and_ps(eb, g8));
  }
  return c;
}

// max_2x2_row's maxima, then max_2x2_grad_row's masks, without the pooled array.
int64_t max_2x2_grad_recompute_row(const float* a, const float* b, const float* gz, float* ga, float* gb, int64_t ow) {
  const __m256i split = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  const __m256i dup = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
  int64_t c = 0;
  for (; c + 4 <= ow; c += 4) {
    __m256 a8 = _mm256_loadu_ps(a + 2 * c), b8 = _mm256_loadu_ps(b + 2 * c);
    __m256 ra = _mm256_permutevar8x32_ps(a8, split), rb = _mm256_permutevar8x32_ps(b8, split);
    __m128 m = _mm_max_ps(_mm256_extractf128_ps(ra, 1), _mm256_castps256_ps128(ra));
    m = _mm_max_ps(_mm256_castps256_ps128(rb), m);
    m = _mm_max_ps(_mm256_extractf128_ps(rb, 1), m);
    __m256 m8 = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(m), dup);
    __m256 g8 = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(gz + c)), dup);
    _mm256_storeu_ps(ga + 2 * c, _mm256_and_ps(_mm256_cmp_ps(a8, m8, _CMP_EQ_OQ), g8));
    _mm256_storeu_ps(gb + 2 * c, _mm256_and_ps(_mm256_cmp_ps(b8, m8, _CMP_EQ_OQ), g8));
  }
  return c;
}
#endif

template <typename T>
void max_2x2_forward(const Pool2dGeometry& g, const T* in, T* out, int64_t s0, int64_t s1) {
  const int64_t H = g.height, W = g.width, oh = g.out_h(), ow = g.out_w();
  for (int64_t s = s0; s < s1; ++s)
    for (int64_t r = 0; r < oh; ++r) {
      const T* a = in + (s * H + 2 * r) * W;
      const T* b = a + W;
      T* o = out + (s * oh + r) * ow;
      for (int64_t c = max_2x2_row(a, b, o, ow); c < ow; ++c) o[c] = max_2x2_of(a, b, c);
    }
}

// Windows do not overlap, so every covered cell is written once; odd leftovers are zeroed. Without
// `out` (nullptr) each window's maximum is recomputed from the input.
template <typename T>
void max_2x2_grad(const Pool2dGeometry& g, const T* in, const T* out, const T* gout, T* gin, int64_t s0, int64_t s1) {
  const int64_t H = g.height, W = g.width, oh = g.out_h(), ow = g.out_w();
  for (int64_t s = s0; s < s1; ++s) {
    for (int64_t r = 0; r < oh; ++r) {
      const T* a = in + (s * H + 2 * r) * W;
      const T* b = a + W;
      T* ga = gin + (s * H + 2 * r) * W;
      T* gb = ga + W;
      const T* m = out ? out + (s * oh + r) * ow : nullptr;
      const T* gz = gout + (s * oh + r) * ow;
      int64_t c = m ? max_2x2_grad_row(a, b, m, gz, ga, gb, ow) : max_2x2_grad_recompute_row(a, b, gz, ga, gb, ow);
      for (; c < ow; ++c) {
        const T mc = m ? m[c] : max_2x2_of(a, b, c);
        ga[2 * c] = a[2 * c] == mc ? gz[c] : T(0);
        ga[2 * c + 1] = a[2 * c + 1] == mc ? gz[c] : T(0);
        gb[2 * c] = b[2 * c] == mc ? gz[c] : T(0);
        gb[2 * c + 1] = b[2 * c + 1] == mc ? gz[c] : T(0);
      }
      if (W > 2 * ow) {
        std::fill(ga + 2 * ow, ga + W, T(0));
        std::fill(gb + 2 * ow, gb + W, T(0));
      }
    }
    if (H > 2 * oh) std::fill(gin + (s * H + 2 * oh) * W, gin + (s + 1) * H * W, T(0));
  }
}

// The first cell, then strictly greater ones (max_step), in row-major order.
template <typename T>
T window_max(const T* img, int64_t W, const Window& wr, const Window& wc) {
  T acc = img[wr.lo * W + wc.lo];
  for (int64_t i = wr.lo; i < wr.hi; ++i)
    for (int64_t j = wc.lo; j < wc.hi; ++j) acc = max_step(acc, img[i * W + j]);
  return acc;
}

// Output row r of one slice `img` (H, W) into o (out_w values).
template <typename T>
void general_row(PoolMode mode, const Pool2dGeometry& g, const T* img, int64_t r, T* o) {
  const int64_t H = g.height, W = g.width, ow = g.out_w();
  const Window wr = window(r, H, g.ws_h, g.stride_h, g.pad_h);
  for (int64_t c = 0; c < ow; ++c) {
    const Window wc = window(c, W, g.ws_w, g.stride_w, g.pad_w);
    if (mode == PoolMode::Max) {
      o[c] = window_max(img, W, wr, wc);
      continue;
    }
    T acc = T(0);
    for (int64_t i = wr.lo; i < wr.hi; ++i)
      for (int64_t j = wc.lo; j < wc.hi; ++j) acc += img[i * W + j];
    if (mode == PoolMode::AverageIncPad) acc /= T(wr.padded_len * wc.padded_len);
    if (mode == PoolMode::AverageExcPad) acc /= T((wr.hi - wr.lo) * (wc.hi - wc.lo));
    o[c] = acc;
  }
}

template <typename T>
void general_forward(PoolMode mode, const Pool2dGeometry& g, const T* in, T* out, int64_t s0, int64_t s1) {
  const int64_t H = g.height, W = g.width, oh = g.out_h(), ow = g.out_w();
  for (int64_t s = s0; s < s1; ++s)
    for (int64_t r = 0; r < oh; ++r) general_row(mode, g, in + s * H * W, r, out + (s * oh + r) * ow);
}

// Outputs pooled before the bias and activation run over them: long loops that vectorize (LeNet's
// layer1 has rows of 4 outputs) over a block that is still in L1.
constexpr int64_t kFinishBlock = 1024;

template <PoolActivation A, typename T>
void activate(T* o, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (A == PoolActivation::Tanh) o[i] = ops::tanh_of(o[i]);
    else o[i] = ops::sigmoid_of(o[i]);
  }
}

// Pools blocks of slices, adds each slice's bias (T(a + b), as Composite), then activates the block.
template <PoolActivation A, typename T>
void max_bias_act(const Pool2dGeometry& g, const T* in, const T* bias, int64_t period, int64_t repeat, T* out,
                  int64_t s0, int64_t s1) {
  const int64_t H = g.height, W = g.width, oh = g.out_h(), ow = g.out_w(), per_slice = oh * ow;
  const bool fast = is_max_2x2(PoolMode::Max, g);
  const int64_t block = std::max<int64_t>(1, kFinishBlock / per_slice);
  for (int64_t first = s0; first < s1; first += block) {
    const int64_t last = std::min(s1, first + block);
    for (int64_t s = first; s < last; ++s) {
      for (int64_t r = 0; r < oh; ++r) {
        T* o = out + (s * oh + r) * ow;
        if (fast) {
          const T* a = in + (s * H + 2 * r) * W;
          for (int64_t c = max_2x2_row(a, a + W, o, ow); c < ow; ++c) o[c] = max_2x2_of(a, a + W, c);
        } else {
          general_row(PoolMode::Max, g, in + s * H * W, r, o);
        }
      }
      T* o = out + s * per_slice;
      const T b = bias[(s / repeat) % period];
      for (int64_t i = 0; i < per_slice; ++i) o[i] = T(o[i] + b);
    }
    activate<A>(out + first * per_slice, (last - first) * per_slice);
  }
}

template <typename T>
void general_grad(PoolMode mode, const Pool2dGeometry& g, const T* in, const T* out, const T* gout, T* gin,
                  int64_t s0, int64_t s1) {
  const int64_t H = g.height, W = g.width, oh = g.out_h(), ow = g.out_w();
  std::fill(gin + s0 * H * W, gin + s1 * H * W, T(0));
  for (int64_t s = s0; s < s1; ++s) {
    const T* img = in ? in + s * H * W : nullptr;
    T* gimg = gin + s * H * W;
    for (int64_t r = 0; r < oh; ++r) {
      const Window wr = window(r, H, g.ws_h, g.stride_h, g.pad_h);
      for (int64_t c = 0; c < ow; ++c) {
        const Window wc = window(c, W, g.ws_w, g.stride_w, g.pad_w);
        const int64_t o = (s * oh + r) * ow + c;
        if (mode == PoolMode::Max) {
          const T m = out ? out[o] : window_max(img, W, wr, wc), gz = gout[o];
          for (int64_t i = wr.lo; i < wr.hi; ++i)
            for (int64_t j = wc.lo; j < wc.hi; ++j)
              if (img[i * W + j] == m) gimg[i * W + j] += gz;
          continue;
        }
        T val = gout[o];
        if (mode == PoolMode::AverageIncPad) val /= T(wr.padded_len * wc.padded_len);
        if (mode == PoolMode::AverageExcPad) val /= T((wr.hi - wr.lo) * (wc.hi - wc.lo));
        for (int64_t i = wr.lo; i < wr.hi; ++i)
          for (int64_t j = wc.lo; j < wc.hi; ++j) gimg[i * W + j] += val;
      }
    }
  }
}

}  // namespace

int64_t pool2d_output_size(int64_t size, int64_t ws, int64_t stride, int64_t pad, bool ignore_border) {
  const int64_t v = size + 2 * pad;
  if (ignore_border) {
    if (ws == stride) return v / stride;
    return v - ws < 0 ? 0 : (v - ws) / stride + 1;
  }
  if (stride >= ws) return (v - 1) / stride + 1;
  const int64_t n = v - 1 - ws + stride;  // Python floor division; n < 0 clamps to 0 anyway
  return (n < 0 ? 0 : n / stride) + 1;
}

int64_t Pool2dGeometry::out_h() const { return pool2d_output_size(height, ws_h, stride_h, pad_h, ignore_border); }
int64_t Pool2dGeometry::out_w() const { return pool2d_output_size(width, ws_w, stride_w, pad_w, ignore_border); }

void pool2d_check(const Pool2dGeometry& g) {
  if (g.outer < 0 || g.height <= 0 || g.width <= 0) throw std::invalid_argument("pool_2d: empty image");
  if (g.ws_h < 1 || g.ws_w < 1 || g.stride_h < 1 || g.stride_w < 1)
    throw std::invalid_argument("pool_2d: ws and stride must be >= 1");
  if (g.pad_h < 0 || g.pad_w < 0) throw std::invalid_argument("pool_2d: negative padding");
  if ((g.pad_h || g.pad_w) && !g.ignore_border)
    throw std::invalid_argument("pool_2d: padding works only with ignore_border=True");
  if (g.pad_h >= g.ws_h || g.pad_w >= g.ws_w)
    throw std::invalid_argument("pool_2d: padding must be smaller than the window");
}

template <typename T>
void pool2d_forward(PoolMode mode, const Pool2dGeometry& g, const T* input, T* output, int n_threads) {
  pool2d_check(g);
  if (g.out_h() == 0 || g.out_w() == 0) return;
  const bool fast = is_max_2x2(mode, g);
  over_outer(g.outer, n_threads, [&](int64_t s0, int64_t s1) {
    if (fast) max_2x2_forward(g, input, output, s0, s1);
    else general_forward(mode, g, input, output, s0, s1);
  });
}

template <typename T>
void pool2d_grad(PoolMode mode, const Pool2dGeometry& g, const T* input, const T* output, const T* grad_output,
                 T* grad_input, int n_threads) {
  pool2d_check(g);
  if (mode == PoolMode::Max && (!input || !output)) throw std::invalid_argument("pool_2d grad: max needs x and out");
  const bool fast = is_max_2x2(mode, g);
  over_outer(g.outer, n_threads, [&](int64_t s0, int64_t s1) {
    if (fast) max_2x2_grad(g, input, output, grad_output, grad_input, s0, s1);
    else general_grad(mode, g, input, output, grad_output, grad_input, s0, s1);
  });
}

template <typename T>
void max_pool2d_bias_act(const Pool2dGeometry& g, const T* input, const T* bias, int64_t bias_period,
                         int64_t bias_repeat, PoolActivation act, T* output, int n_threads) {
  pool2d_check(g);
  if (bias_period < 1 || bias_repeat < 1) throw std::invalid_argument("max_pool2d_bias_act: bias period and repeat must be >= 1");
  if (g.out_h() == 0 || g.out_w() == 0) return;
  over_outer(g.outer, n_threads, [&](int64_t s0, int64_t s1) {
    if (act == PoolActivation::Tanh) max_bias_act<PoolActivation::Tanh>(g, input, bias, bias_period, bias_repeat, output, s0, s1);
    else max_bias_act<PoolActivation::Sigmoid>(g, input, bias, bias_period, bias_repeat, output, s0, s1);
  });
}

template <typename T>
void max_pool2d_grad_recompute(const Pool2dGeometry& g, const T* input, const T* grad_output, T* grad_input, int n_threads) {
  pool2d_check(g);
  const bool fast = is_max_2x2(PoolMode::Max, g);
  over_outer(g.outer, n_threads, [&](int64_t s0, int64_t s1) {
    if (fast) max_2x2_grad<T>(g, input, nullptr, grad_output, grad_input, s0, s1);
    else general_grad<T>(PoolMode::Max, g, input, nullptr, grad_output, grad_input, s0, s1);
  });
}

#define THEANO_POOL_INSTANTIATE(T)                                                                   \
  template void pool2d_forward<T>(PoolMode, const Pool2dGeometry&, const T*, T*, int);               \
  template void pool2d_grad<T>(PoolMode, const Pool2dGeometry&, const T*, const T*, const T*, T*, int); \
  template void max_pool2d_bias_act<T>(const Pool2dGeometry&, const T*, const T*, int64_t, int64_t, PoolActivation, T*, int); \
  template void max_pool2d_grad_recompute<T>(const Pool2dGeometry&, const T*, const T*, T*, int);
THEANO_POOL_INSTANTIATE(float)
THEANO_POOL_INSTANTIATE(double)
#undef THEANO_POOL_INSTANTIATE

}  // namespace theano::kernels
