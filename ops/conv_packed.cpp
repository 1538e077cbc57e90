// The packed AVX2/FMA convolution kernels (see conv_packed.hpp).
//
// Every kernel is a sweep of one micro-kernel: an MR x 16 tile of results held in 2*MR ymm registers
// (MR = 5 or 6, whichever pads the tiled dimension less), updated by MR broadcasts, two vector loads
// and 2*MR FMAs per step of the reduction. Tiles are exact for LeNet-like shapes: an output row of 8
// pixels is one register, so 16 pixels are two contiguous runs of the image and a tile's columns can
// be packed from, or added into, the image with plain vector loads and stores.
#include "ops/conv_packed.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>

#include "ops/conv_batch.hpp"
#include "core/blas_time.hpp"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define THEANO_PACKED_CONV 1
#else
#define THEANO_PACKED_CONV 0
#endif

namespace theano::kernels {

namespace {
std::atomic<bool> packed_enabled{true};
}
void set_packed_conv_enabled(bool on) { packed_enabled.store(on, std::memory_order_relaxed); }
bool packed_conv_enabled() { return packed_enabled.load(std::memory_order_relaxed); }

#if THEANO_PACKED_CONV
namespace {

constexpr int64_t NR = 16;  // tile columns: two registers of 8 floats

int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

// 6 rows per tile unless 5 pads `rows` less (LeNet: 50 filters, 20 filters, 500 and 25 taps).
int tile_rows(int64_t rows) { return round_up(rows, 5) < round_up(rows, 6) ? 5 : 6; }

// The filter gradient's chunk: enough images for ~256 reduction steps per visit of a tile.
int64_t grad_weights_chunk(const Conv2dGeometry& g) {
  return std::clamp<int64_t>(256 / (g.out_h() * g.out_w()), 1, std::max<int64_t>(1, g.batch));
}

int64_t padded_filters(const Conv2dGeometry& g) { return round_up(g.filters, 8); }

// Workspace: [patch offsets | packed filters] shared, then one slice per thread.
struct Workspace {
  size_t offsets, packed, per_thread, total;
};

Workspace workspace_layout(const Conv2dGeometry& g, int n_threads) {
  const int64_t P = g.patch_size(), K = g.filters, hw = g.out_h() * g.out_w(), Kp = padded_filters(g);
  Workspace w;
  w.offsets = align_up(size_t(2 * P) * sizeof(int32_t));  // offsets, then their im2col rows
  const int64_t forward_rows = round_up(K, tile_rows(K)), input_rows = round_up(P, tile_rows(P));
  w.packed = align_up(size_t(std::max(forward_rows * P, input_rows * K)) * sizeof(float));
  // The filter gradient's dW^T has whole tiles of rows: its last tile loads and stores past row P.
  const size_t forward = size_t(P * NR);
  const size_t weights = size_t(grad_weights_chunk(g) * hw * Kp + input_rows * Kp + P * (K % NR) * 8);
  w.per_thread = align_up(std::max(forward, weights) * sizeof(float));
  w.total = kWorkspaceAlign + w.offsets + w.packed + w.per_thread * size_t(std::max(1, n_threads));
  return w;
}

struct Buffers {
  int32_t* offsets;  // input offsets of the im2col rows for output pixel (0, 0), in visiting order
  int32_t* rows;     // the im2col row of each offset
  float* packed;     // filters packed into tiles
  std::byte* threads;
  size_t per_thread;
  float* thread(int t) const { return reinterpret_cast<float*>(threads + size_t(t) * per_thread); }
};

Buffers buffers(const Conv2dGeometry& g, void* workspace, int n_threads) {
  Workspace w = workspace_layout(g, n_threads);
  std::byte* p = aligned_workspace(workspace);
  auto* offsets = reinterpret_cast<int32_t*>(p);
  return {offsets, offsets + g.patch_size(), reinterpret_cast<float*>(p + w.offsets), p + w.offsets + w.packed,
          w.per_thread};
}

// Row p = (c, u, v) of the im2col matrix reads input[c, i + u', j + v'] for output pixel (i, j),
// where (u', v') is (u, v) or, with flip, its 180-degree rotation. Writes the rows' input offsets in
// the order the kernel visits them and, in `rows`, which im2col row each position is. The order is
// (c, u, v), or with channels_inner (u, v, c): then the taps of one tile lie in different channel
// planes, so the input gradient's tiles add into disjoint parts of the image (overlapping
// read-modify-writes in a row stall on store forwarding).
void patch_offsets(const Conv2dGeometry& g, bool flip, bool channels_inner, int32_t* offsets, int32_t* rows) {
  int64_t i = 0;
  auto visit = [&](int64_t c, int64_t u, int64_t v) {
    int64_t uu = flip ? g.kernel_h - 1 - u : u, vv = flip ? g.kernel_w - 1 - v : v;
    offsets[i] = int32_t((c * g.height + uu) * g.width + vv);
    rows[i++] = int32_t((c * g.kernel_h + u) * g.kernel_w + v);
  };
  for (int64_t a = 0; a < (channels_inner ? g.kernel_h * g.kernel_w : g.channels); ++a)
    for (int64_t b = 0; b < (channels_inner ? g.channels : g.kernel_h * g.kernel_w); ++b) {
      if (channels_inner) visit(b, a / g.kernel_w, a % g.kernel_w);
      else visit(a, b / g.kernel_w, b % g.kernel_w);
    }
}

// Offset in the image of output pixel q (row-major over the Ho x Wo map).
inline int64_t pixel_offset(const Conv2dGeometry& g, int64_t q) {
  const int64_t wo = g.out_w();
  return (q / wo) * g.width + q % wo;
}

// packed[tile][k][r] = m[row(tile * MR + r) * ld_row + k * ld_col], 0 past `rows`, where row(i) is
// order[i] or, without an order, i: the operand whose MR values are broadcast at each of the `depth`
// steps of the reduction.
void pack_rows(const float* m, int64_t rows, int64_t depth, int64_t ld_row, int64_t ld_col, int mr,
               const int32_t* order, float* packed) {
  for (int64_t t = 0; t * mr < rows; ++t)
    for (int64_t k = 0; k < depth; ++k)
      for (int r = 0; r < mr; ++r) {
        int64_t i = t * mr + r, row = order && i < rows ? order[i] : i;
        *packed++ = i < rows ? m[row * ld_row + k * ld_col] : 0.0f;
      }
}

// acc[r][v] = sum over k < depth of a[k * MR + r] * b[k * ldb + 8 v ...].
template <int MR, int NV>
struct Tile {
  __m256 acc[MR][NV];

  void zero() {
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_setzero_ps();
  }
  void load(const float* c, int64_t ldc) {
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_loadu_ps(c + r * ldc + 8 * v);
  }
  void store(float* c, int64_t ldc) const {
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) _mm256_storeu_ps(c + r * ldc + 8 * v, acc[r][v]);
  }
  void store_rows(float* c, int64_t ldc, int64_t rows) const {
    if (rows >= MR) return store(c, ldc);
    alignas(32) float t[MR][8 * NV];
    store(&t[0][0], 8 * NV);
    for (int64_t r = 0; r < rows; ++r) std::memcpy(c + r * ldc, t[r], sizeof(t[r]));
  }
  // One reduction step: a holds MR values, b one row of 8*NV.
  inline void step(const float* a, const float* b) { step_strided(a, 1, b); }
  // The same with the MR values a[0], a[stride], ..., a[(MR - 1) * stride].
  inline void step_strided(const float* a, int64_t stride, const float* b) {
    __m256 bv[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) bv[v] = _mm256_loadu_ps(b + 8 * v);
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r) {
      __m256 a_r = _mm256_broadcast_ss(a + r * stride);
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_fmadd_ps(a_r, bv[v], acc[r][v]);
    }
  }
  void run(int64_t depth, const float* __restrict a, const float* __restrict b, int64_t ldb) {
    for (int64_t k = 0; k < depth; ++k) step(a + k * MR, b + k * ldb);
  }
};

// ---- forward: output tile (MR filters x 16 pixels) = packed filters x packed im2col panel ----

template <int MR>
void forward_image(const Conv2dGeometry& g, const Buffers& buf, const float* img, float* out, float* panel) {
  const int64_t P = g.patch_size(), K = g.filters, hw = g.out_h() * g.out_w();
  for (int64_t j0 = 0; j0 < hw; j0 += NR) {
    const bool full = j0 + NR <= hw;  // hw is a multiple of 8: the last panel may hold 8 pixels
    const int64_t o0 = pixel_offset(g, j0), o1 = full ? pixel_offset(g, j0 + 8) : o0;
    for (int64_t p = 0; p < P; ++p) {
      const float* s = img + buf.offsets[p];
      _mm256_store_ps(panel + p * NR, _mm256_loadu_ps(s + o0));
      _mm256_store_ps(panel + p * NR + 8, _mm256_loadu_ps(s + o1));
    }
    for (int64_t m = 0; m < K; m += MR) {
      float* c = out + m * hw + j0;
      if (full) {
        Tile<MR, 2> t;
        t.zero();
        t.run(P, buf.packed + m * P, panel, NR);
        t.store_rows(c, hw, K - m);
      } else {
        Tile<MR, 1> t;
        t.zero();
        t.run(P, buf.packed + m * P, panel, NR);
        t.store_rows(c, hw, K - m);
      }
    }
  }
}

// ---- input gradient: tile (MR taps x 16 pixels) = packed filters^T x grad_output, added into the image ----

template <int MR, int NV>
void add_tile_to_image(const Tile<MR, NV>& t, const int32_t* offsets, int64_t taps, float* img, int64_t o0, int64_t o1) {
  const int64_t o[2] = {o0, o1};
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r) {
    if (r >= taps) break;
    float* d = img + offsets[r];
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) _mm256_storeu_ps(d + o[v], _mm256_add_ps(_mm256_loadu_ps(d + o[v]), t.acc[r][v]));
  }
}

template <int MR>
void grad_input_image(const Conv2dGeometry& g, const Buffers& buf, const float* dout, float* img) {
  const int64_t P = g.patch_size(), K = g.filters, hw = g.out_h() * g.out_w();
  std::fill(img, img + g.channels * g.height * g.width, 0.0f);
  for (int64_t j0 = 0; j0 < hw; j0 += NR) {
    const bool full = j0 + NR <= hw;
    const int64_t o0 = pixel_offset(g, j0), o1 = full ? pixel_offset(g, j0 + 8) : o0;
    for (int64_t p = 0; p < P; p += MR) {
      const float* a = buf.packed + p * K;
      if (full) {
        Tile<MR, 2> t;
        t.zero();
        t.run(K, a, dout + j0, hw);
        add_tile_to_image(t, buf.offsets + p, P - p, img, o0, o1);
      } else {
        Tile<MR, 1> t;
        t.zero();
        t.run(K, a, dout + j0, hw);
        add_tile_to_image(t, buf.offsets + p, P - p, img, o0, o1);
      }
    }
  }
}

// ---- filter gradient: dW^T tile (MR taps x 16 filters) += image rows x grad_output^T ----

// Transposes an 8x8 block: rows r of `in` (8 registers) become columns.
inline void transpose8(__m256 (&r)[8]) {
  __m256 t[8];
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  __m256 u[8];
  for (int i = 0; i < 8; i += 4)
    for (int j = 0; j < 2; ++j) {
      u[i + j] = _mm256_shuffle_ps(t[i + j], t[i + j + 2], _MM_SHUFFLE(1, 0, 1, 0));
      u[i + j + 2] = _mm256_shuffle_ps(t[i + j], t[i + j + 2], _MM_SHUFFLE(3, 2, 3, 2));
    }
  // u[0..3] hold columns {0,4}, {2,6}, {1,5}, {3,7} of rows 0-3 (low/high lanes), u[4..7] of rows 4-7.
  const int order[4] = {0, 2, 1, 3};
  for (int c = 0; c < 4; ++c) {
    r[c] = _mm256_permute2f128_ps(u[order[c]], u[order[c] + 4], 0x20);
    r[c + 4] = _mm256_permute2f128_ps(u[order[c]], u[order[c] + 4], 0x31);
  }
}

// dyt[q][k] = dout[k][q] for the n images of a chunk and the filters of the full 16-wide panels (rows
// of Kp floats; the leftover filters go to grad_weights_dots), in 8x8 register blocks (hw is a
// multiple of 8).
void transpose_grad_output(const Conv2dGeometry& g, const float* dout, int64_t n, float* dyt) {
  const int64_t K = g.filters, hw = g.out_h() * g.out_w(), Kp = padded_filters(g), full = K / NR * NR;
  for (int64_t i = 0; i < n; ++i, dout += K * hw, dyt += hw * Kp)
    for (int64_t k0 = 0; k0 < full; k0 += 8)
      for (int64_t q0 = 0; q0 < hw; q0 += 8) {
        __m256 r[8];
        for (int64_t k = 0; k < 8; ++k) r[k] = _mm256_loadu_ps(dout + (k0 + k) * hw + q0);
        transpose8(r);
        for (int64_t q = 0; q < 8; ++q) _mm256_storeu_ps(dyt + (q0 + q) * Kp + k0, r[q]);
      }
}

// The spacing of n taps in the image when it is even (a filter row's taps: 1, or -1 flipped), else 0.
int64_t even_spacing(const int32_t* offsets, int64_t n) {
  if (n < 2) return 0;
  const int64_t stride = offsets[1] - offsets[0];
  for (int64_t r = 2; r < n; ++r)
    if (offsets[r] - offsets[r - 1] != stride) return 0;
  return stride;
}

// The tile's taps read the image at offsets[r] + pixel offset: MR streams along the output rows.
// When the taps are evenly spaced in the image (a tile = one filter row, as with 5x5 filters and
// MR = 5) the values are broadcast straight from the image.
template <int MR, int NV>
void grad_weights_tile(const Conv2dGeometry& g, const float* images, int64_t n, const int32_t* offsets, int64_t taps,
                       const float* dyt, float* dwt) {
  const int64_t ho = g.out_h(), wo = g.out_w(), Kp = padded_filters(g), chw = g.channels * g.height * g.width;
  const int64_t stride = taps >= MR ? even_spacing(offsets, MR) : 0;
  Tile<MR, NV> t;
  t.load(dwt, Kp);
  for (int64_t i = 0; i < n; ++i) {
    const float* img = images + i * chw;
    for (int64_t y = 0; y < ho; ++y) {
      const float* b = dyt + (i * ho + y) * wo * Kp;
      const int64_t line = y * g.width;
      if (stride != 0) {
        const float* a = img + offsets[0] + line;
        for (int64_t x = 0; x < wo; ++x) t.step_strided(a + x, stride, b + x * Kp);
        continue;
      }
      for (int64_t x = 0; x < wo; ++x) {
        alignas(32) float a[MR];
        for (int r = 0; r < MR; ++r) a[r] = img[offsets[std::min<int64_t>(r, taps - 1)] + line + x];
        t.step(a, b + x * Kp);
      }
    }
  }
  if (taps >= MR) t.store(dwt, Kp);
  else t.store_rows(dwt, Kp, taps);
}

// Filters past the last full 16-wide panel: dW[k][p] as dot products along the output rows, 8 pixels
// per register (out_w % 8 == 0), for MK filters x MP taps at a time. (An 8-wide panel of the
// transposed form would be mostly padding: 2 of 8 filters in LeNet.) The partial sums stay 8 wide in
// `sums` ([tap][filter] registers) across chunks and are summed across the register at the end.
inline float horizontal_sum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

int64_t leftover_filters(const Conv2dGeometry& g) { return g.filters % NR; }

template <int MK, int MP>
void grad_weights_dots(const Conv2dGeometry& g, const float* images, const float* dout, int64_t n, const int32_t* offsets,
                       int64_t taps, int64_t k0, float* sums) {
  const int64_t ho = g.out_h(), wo = g.out_w(), hw = ho * wo, left = leftover_filters(g);
  const int64_t chw = g.channels * g.height * g.width, K = g.filters;
  float* at[MP];  // tap j's registers; a tap past the end reuses the last one's, never stored
  int64_t off[MP];
  for (int j = 0; j < MP; ++j) {
    const int64_t tap = std::min<int64_t>(j, taps - 1);
    off[j] = offsets[tap];
    at[j] = sums + (tap * left + (k0 - (K - left))) * 8;
  }
  __m256 acc[MK][MP];
#pragma GCC unroll 4
  for (int m = 0; m < MK; ++m)
#pragma GCC unroll 8
    for (int j = 0; j < MP; ++j) acc[m][j] = _mm256_load_ps(at[j] + m * 8);
  for (int64_t i = 0; i < n; ++i) {
    const float* img = images + i * chw;
    const float* dy = dout + i * K * hw + k0 * hw;
    for (int64_t y = 0; y < ho; ++y)
      for (int64_t x = 0; x < wo; x += 8) {
        __m256 dv[MK], iv[MP];
#pragma GCC unroll 4
        for (int m = 0; m < MK; ++m) dv[m] = _mm256_loadu_ps(dy + m * hw + y * wo + x);
#pragma GCC unroll 8
        for (int j = 0; j < MP; ++j) iv[j] = _mm256_loadu_ps(img + off[j] + y * g.width + x);
#pragma GCC unroll 4
        for (int m = 0; m < MK; ++m)
#pragma GCC unroll 8
          for (int j = 0; j < MP; ++j) acc[m][j] = _mm256_fmadd_ps(dv[m], iv[j], acc[m][j]);
      }
  }
  // Backwards, so that where taps past the end share the last tap's registers its true sum lands
  // last (a bound depending on `taps` here would keep acc out of registers).
#pragma GCC unroll 8
  for (int j = MP - 1; j >= 0; --j)
#pragma GCC unroll 4
    for (int m = 0; m < MK; ++m) _mm256_store_ps(at[j] + m * 8, acc[m][j]);
}

template <int MR>
void grad_weights_chunk_images(const Conv2dGeometry& g, const Buffers& buf, const float* images, const float* dout,
                               int64_t n, const float* dyt, float* dwt, float* sums) {
  const int64_t P = g.patch_size(), K = g.filters, Kp = padded_filters(g), full = K / NR * NR;
  for (int64_t k0 = 0; k0 < full; k0 += NR)
    for (int64_t p = 0; p < P; p += MR)
      grad_weights_tile<MR, 2>(g, images, n, buf.offsets + p, P - p, dyt + k0, dwt + p * Kp + k0);
  constexpr int MP = 5;
  for (int64_t p = 0; p < P; p += MP) {
    int64_t k = full;
    float* tap_sums = sums + p * leftover_filters(g) * 8;
    for (; k + 2 <= K; k += 2) grad_weights_dots<2, MP>(g, images, dout, n, buf.offsets + p, P - p, k, tap_sums);
    if (k < K) grad_weights_dots<1, MP>(g, images, dout, n, buf.offsets + p, P - p, k, tap_sums);
  }
}

template <int MR>
void grad_weights_range(const Conv2dGeometry& g, const Buffers& buf, const float* input, const float* dout,
                        int64_t b0, int64_t b1, float* slice) {
  const int64_t hw = g.out_h() * g.out_w(), Kp = padded_filters(g), G = grad_weights_chunk(g);
  const int64_t P = g.patch_size(), chw = g.channels * g.height * g.width, left = leftover_filters(g);
  float* dyt = slice;
  float* dwt = dyt + G * hw * Kp;
  float* sums = dwt + round_up(P, MR) * Kp;  // 32-byte aligned: the sizes before it are multiples of 8
  std::fill(dwt, dwt + round_up(P, MR) * Kp, 0.0f);
  std::fill(sums, sums + P * left * 8, 0.0f);
  for (int64_t b = b0; b < b1; b += G) {
    const int64_t n = std::min(G, b1 - b);
    transpose_grad_output(g, dout + b * g.filters * hw, n, dyt);
    grad_weights_chunk_images<MR>(g, buf, input + b * chw, dout + b * g.filters * hw, n, dyt, dwt, sums);
  }
  for (int64_t p = 0; p < P; ++p)
    for (int64_t m = 0; m < left; ++m)
      dwt[p * Kp + g.filters - left + m] = horizontal_sum(_mm256_load_ps(sums + (p * left + m) * 8));
}

}  // namespace

bool packed_conv_supported(const Conv2dGeometry& g) {
  return g.stride_h == 1 && g.stride_w == 1 && g.pad_h == 0 && g.pad_w == 0 && g.dilation_h == 1 &&
         g.dilation_w == 1 && g.out_h() > 0 && g.out_w() > 0 && g.out_w() % 8 == 0 &&
         g.channels * g.height * g.width < (int64_t(1) << 31);
}

size_t packed_conv_workspace_bytes(const Conv2dGeometry& g, int n_threads) {
  return workspace_layout(g, n_threads).total;
}

void packed_conv_forward(const Conv2dGeometry& g, const float* input, const float* filters, float* output, bool flip,
                         void* workspace, int n_threads) {
  const int64_t P = g.patch_size(), K = g.filters, hw = g.out_h() * g.out_w();
  const int64_t chw = g.channels * g.height * g.width;
  const Buffers buf = buffers(g, workspace, n_threads);
  const int mr = tile_rows(K);
  patch_offsets(g, flip, false, buf.offsets, buf.rows);
  pack_rows(filters, K, P, P, 1, mr, nullptr, buf.packed);
  over_batch(g, n_threads, [&](int t, int64_t b0, int64_t b1) {
    GemmClock clock;
    for (int64_t b = b0; b < b1; ++b) {
      if (mr == 5) forward_image<5>(g, buf, input + b * chw, output + b * K * hw, buf.thread(t));
      else forward_image<6>(g, buf, input + b * chw, output + b * K * hw, buf.thread(t));
    }
  });
}

void packed_conv_grad_input(const Conv2dGeometry& g, const float* grad_output, const float* filters, float* grad_input,
                            bool flip, void* workspace, int n_threads) {
  const int64_t P = g.patch_size(), K = g.filters, hw = g.out_h() * g.out_w();
  const int64_t chw = g.channels * g.height * g.width;
  const Buffers buf = buffers(g, workspace, n_threads);
  const int mr = tile_rows(P);
  patch_offsets(g, flip, g.channels >= mr, buf.offsets, buf.rows);
  pack_rows(filters, P, K, 1, P, mr, buf.rows, buf.packed);
  over_batch(g, n_threads, [&](int, int64_t b0, int64_t b1) {
    GemmClock clock;
    for (int64_t b = b0; b < b1; ++b) {
      if (mr == 5) grad_input_image<5>(g, buf, grad_output + b * K * hw, grad_input + b * chw);
      else grad_input_image<6>(g, buf, grad_output + b * K * hw, grad_input + b * chw);
    }
  });
}

void packed_conv_grad_weights(const Conv2dGeometry& g, const float* input, const float* grad_output, float* grad_filters,
                              bool flip, void* workspace, int n_threads) {
  const int64_t P = g.patch_size(), K = g.filters, Kp = padded_filters(g);
  const Buffers buf = buffers(g, workspace, n_threads);
  const int mr = tile_rows(P);
  patch_offsets(g, flip, false, buf.offsets, buf.rows);
  std::fill(grad_filters, grad_filters + K * P, 0.0f);
  if (g.batch == 0) return;
  over_batch(g, n_threads, [&](int t, int64_t b0, int64_t b1) {
    GemmClock clock;
    if (mr == 5) grad_weights_range<5>(g, buf, input, grad_output, b0, b1, buf.thread(t));
    else grad_weights_range<6>(g, buf, input, grad_output, b0, b1, buf.thread(t));
  });
  // Each thread summed its images into its own dW^T (P x Kp); add them up in thread order.
  const int64_t G = grad_weights_chunk(g), hw = g.out_h() * g.out_w();
  const int64_t per = images_per_thread(g, n_threads);
  for (int t = 0; t * per < g.batch; ++t) {
    const float* dwt = buf.thread(t) + G * hw * Kp;
    for (int64_t p = 0; p < P; ++p)
      for (int64_t k = 0; k < K; ++k) grad_filters[k * P + p] += dwt[p * Kp + k];
  }
}

#else  // no AVX2/FMA in this build: the im2col + BLAS kernels do everything

bool packed_conv_supported(const Conv2dGeometry&) { return false; }
size_t packed_conv_workspace_bytes(const Conv2dGeometry&, int) { return 0; }
void packed_conv_forward(const Conv2dGeometry&, const float*, const float*, float*, bool, void*, int) {}
void packed_conv_grad_input(const Conv2dGeometry&, const float*, const float*, float*, bool, void*, int) {}
void packed_conv_grad_weights(const Conv2dGeometry&, const float*, const float*, float*, bool, void*, int) {}

#endif

}  // namespace theano::kernels
