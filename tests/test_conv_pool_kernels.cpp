// Conv and pool kernels against naive direct loops written from Theano's definitions (notes §h).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "ops/conv_kernels.hpp"
#include "ops/conv_packed.hpp"
#include "ops/elemwise_kernels.hpp"
#include "ops/pool_kernels.hpp"

using namespace theano::kernels;

namespace {

// The packed kernels exist only in builds with AVX2 and FMA (the default -march=native here).
#if defined(__AVX2__) && defined(__FMA__)
constexpr bool kPackedKernelsBuilt = true;
#else
constexpr bool kPackedKernelsBuilt = false;
#endif

template <typename T>
double tolerance() { return sizeof(T) == 4 ? 1e-4 : 1e-10; }

template <typename T>
std::vector<T> random_vec(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<T> v(n);
  for (auto& x : v) x = T(u(rng));
  return v;
}

// |got - want| <= tol * max(1, |want|), element by element.
template <typename T>
void require_close(const std::vector<T>& got, const std::vector<double>& want, double tol) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i << ": got " << double(got[i]) << ", want " << want[i]);
    REQUIRE(std::abs(double(got[i]) - want[i]) <= tol * std::max(1.0, std::abs(want[i])));
  }
}

// Visits out[b,k,i,j] += in[b,c,ih,iw] * W[k,c,fu,fv] terms of the (flipped) correlation, in double.
template <typename F>
void naive_conv_terms(const Conv2dGeometry& g, bool flip, F&& f) {
  const int64_t ho = g.out_h(), wo = g.out_w();
  for (int64_t b = 0; b < g.batch; ++b)
    for (int64_t k = 0; k < g.filters; ++k)
      for (int64_t i = 0; i < ho; ++i)
        for (int64_t j = 0; j < wo; ++j)
          for (int64_t c = 0; c < g.channels; ++c)
            for (int64_t u = 0; u < g.kernel_h; ++u)
              for (int64_t v = 0; v < g.kernel_w; ++v) {
                int64_t ih = i * g.stride_h - g.pad_h + u * g.dilation_h;
                int64_t iw = j * g.stride_w - g.pad_w + v * g.dilation_w;
                if (ih < 0 || ih >= g.height || iw < 0 || iw >= g.width) continue;
                int64_t fu = flip ? g.kernel_h - 1 - u : u, fv = flip ? g.kernel_w - 1 - v : v;
                int64_t o = ((b * g.filters + k) * ho + i) * wo + j;
                int64_t x = ((b * g.channels + c) * g.height + ih) * g.width + iw;
                int64_t w = ((k * g.channels + c) * g.kernel_h + fu) * g.kernel_w + fv;
                f(o, x, w);
              }
}

template <typename T>
void check_conv(const Conv2dGeometry& g, bool flip, int n_threads) {
  const size_t nx = size_t(g.batch * g.channels * g.height * g.width);
  const size_t nw = size_t(g.filters * g.patch_size());
  const size_t ny = size_t(g.batch * g.filters * g.out_h() * g.out_w());
  auto x = random_vec<T>(nx, 1), w = random_vec<T>(nw, 2), gy = random_vec<T>(ny, 3);
  std::vector<std::byte> ws(conv2d_workspace_bytes(g, sizeof(T), n_threads));

  std::vector<double> y_ref(ny, 0.0), gx_ref(nx, 0.0), gw_ref(nw, 0.0);
  naive_conv_terms(g, flip, [&](int64_t o, int64_t xi, int64_t wi) {
    y_ref[o] += double(x[xi]) * double(w[wi]);
    gx_ref[xi] += double(gy[o]) * double(w[wi]);
    gw_ref[wi] += double(gy[o]) * double(x[xi]);
  });

  // Outputs start as garbage to prove the kernels overwrite.
  std::vector<T> y(ny, T(7)), gx(nx, T(7)), gw(nw, T(7));
  conv2d_forward<T>(g, x.data(), w.data(), y.data(), flip, ws.data(), n_threads);
  conv2d_grad_input<T>(g, gy.data(), w.data(), gx.data(), flip, ws.data(), n_threads);
  conv2d_grad_weights<T>(g, x.data(), gy.data(), gw.data(), flip, ws.data(), n_threads);
  const double tol = tolerance<T>();
  require_close(y, y_ref, tol);
  require_close(gx, gx_ref, tol);
  require_close(gw, gw_ref, tol);

  // Adjoint identity <gy, conv(x)> == <grad_input(gy), x>, a check independent of the naive loops.
  double lhs = 0, rhs = 0, scale = 0;
  for (size_t i = 0; i < ny; ++i) lhs += double(gy[i]) * double(y[i]), scale += std::abs(double(gy[i]) * y[i]);
  for (size_t i = 0; i < nx; ++i) rhs += double(gx[i]) * double(x[i]);
  REQUIRE(std::abs(lhs - rhs) <= tol * std::max(1.0, scale));
}

}  // namespace

TEMPLATE_TEST_CASE("conv2d kernels match naive loops", "[kernels]", float, double) {
  // batch 3, non-square image and kernel, stride (2,1), padding (1,2): chunks of several images.
  Conv2dGeometry g{.batch = 3, .channels = 2, .height = 7, .width = 9, .filters = 4, .kernel_h = 3, .kernel_w = 2,
                   .pad_h = 1, .pad_w = 2, .stride_h = 2, .stride_w = 1};
  for (bool flip : {false, true})
    for (int threads : {1, 2, 3}) {
      INFO("flip " << flip << ", threads " << threads);
      check_conv<TestType>(g, flip, threads);
    }
  SECTION("three channels, stride (1,2), valid") {
    Conv2dGeometry v{.batch = 3, .channels = 3, .height = 9, .width = 7, .filters = 5, .kernel_h = 2, .kernel_w = 3,
                     .stride_h = 1, .stride_w = 2};
    check_conv<TestType>(v, true, 1);
    check_conv<TestType>(v, false, 2);
  }
  SECTION("dilation and 'full'-like padding") {
    Conv2dGeometry d{.batch = 3, .channels = 2, .height = 7, .width = 9, .filters = 3, .kernel_h = 3, .kernel_w = 2,
                     .pad_h = 2, .pad_w = 1, .dilation_h = 2, .dilation_w = 3};
    check_conv<TestType>(d, true, 1);
    check_conv<TestType>(d, false, 2);
  }
  SECTION("large images: one image per gemm, and a partial last chunk") {
    for (int64_t side : {50, 30}) {  // Ho*Wo = 2304 (G = 1) and 784 (G = 2, batch 3 -> 2 + 1)
      Conv2dGeometry l{.batch = 3, .channels = 2, .height = side, .width = side, .filters = 3, .kernel_h = 3,
                       .kernel_w = 3};
      check_conv<TestType>(l, true, 1);
      check_conv<TestType>(l, false, 2);
    }
  }
  SECTION("kernel larger than the image gives an empty output") {
    Conv2dGeometry e{.batch = 2, .channels = 1, .height = 2, .width = 5, .filters = 2, .kernel_h = 3, .kernel_w = 2};
    REQUIRE(e.out_h() == 0);
    check_conv<TestType>(e, true, 1);
  }
}

TEST_CASE("packed conv2d kernels match naive loops on every tile shape they handle", "[kernels]") {
  // Each geometry is one the packed AVX2 kernels take (stride 1, no padding, out_w % 8 == 0); together
  // they cover 5- and 6-row tiles with partial last tiles, 8-pixel last panels, filter counts needing
  // an 8-wide last filter panel, evenly and unevenly spaced taps, and partial filter-gradient chunks.
  struct Case {
    const char* what;
    Conv2dGeometry g;
  };
  const Case cases[] = {
      {"P 18 (6-row tiles), K 7 (5-row tiles, 3 padded), 8 filters wide",
       {.batch = 3, .channels = 3, .height = 5, .width = 10, .filters = 7, .kernel_h = 2, .kernel_w = 3}},
      {"P 40 (5-wide filter rows: evenly spaced taps), K 17 (16 + 8-wide panel), gradient chunks of 4 + 1",
       {.batch = 5, .channels = 2, .height = 7, .width = 20, .filters = 17, .kernel_h = 4, .kernel_w = 5}},
      {"one 8-pixel panel per image",
       {.batch = 2, .channels = 1, .height = 3, .width = 10, .filters = 6, .kernel_h = 3, .kernel_w = 3}},
      {"16 + 8 pixels per image, K 11",
       {.batch = 3, .channels = 2, .height = 5, .width = 10, .filters = 11, .kernel_h = 3, .kernel_w = 3}},
      {"7 channels: the input gradient's channel-inner tap order with 6-row tiles across filter taps",
       {.batch = 2, .channels = 7, .height = 4, .width = 10, .filters = 5, .kernel_h = 2, .kernel_w = 3}},
      {"LeNet's second layer on 3 images",
       {.batch = 3, .channels = 20, .height = 12, .width = 12, .filters = 50, .kernel_h = 5, .kernel_w = 5}},
  };
  for (const Case& c : cases) {
    REQUIRE(packed_conv_supported(c.g) == kPackedKernelsBuilt);
    for (bool flip : {false, true})
      for (int threads : {1, 2, 3}) {
        INFO(c.what << ", flip " << flip << ", threads " << threads);
        check_conv<float>(c.g, flip, threads);
      }
  }
  SECTION("the im2col + BLAS kernels give the same results on the same shapes") {
    set_packed_conv_enabled(false);
    for (const Case& c : cases) {
      INFO(c.what);
      check_conv<float>(c.g, true, 2);
    }
    set_packed_conv_enabled(true);
  }
}

TEST_CASE("conv2d output shape and argument checks", "[kernels]") {
  Conv2dGeometry lenet1{.batch = 500, .channels = 1, .height = 28, .width = 28, .filters = 20, .kernel_h = 5,
                        .kernel_w = 5};
  REQUIRE(lenet1.out_h() == 24);
  Conv2dGeometry s{.height = 7, .width = 9, .kernel_h = 3, .kernel_w = 2, .pad_h = 1, .pad_w = 2, .stride_h = 2};
  REQUIRE(s.out_h() == 4);   // (7 + 2 - 3) / 2 + 1
  REQUIRE(s.out_w() == 12);  // 9 + 4 - 2 + 1
  Conv2dGeometry bad = s;
  bad.pad_w = -1;
  REQUIRE_THROWS_AS(conv2d_check(bad), std::invalid_argument);
}

namespace {

// Theano's Pool.perform: zero-padded image, window [j*s, min(j*s+ws, v)), clipped to the real
// region except for average_inc_pad, then max / sum / mean of the slice.
std::vector<double> naive_pool(PoolMode mode, const Pool2dGeometry& g, const std::vector<double>& x) {
  const int64_t H = g.height, W = g.width, vh = H + 2 * g.pad_h, vw = W + 2 * g.pad_w;
  const int64_t oh = g.out_h(), ow = g.out_w();
  const bool inc = mode == PoolMode::AverageIncPad;
  std::vector<double> y(size_t(g.outer * oh * ow));
  for (int64_t s = 0; s < g.outer; ++s)
    for (int64_t r = 0; r < oh; ++r)
      for (int64_t c = 0; c < ow; ++c) {
        int64_t r0 = r * g.stride_h, r1 = std::min(r0 + g.ws_h, vh);
        int64_t c0 = c * g.stride_w, c1 = std::min(c0 + g.ws_w, vw);
        if (!inc) r0 = std::max(r0, g.pad_h), r1 = std::min(r1, H + g.pad_h);
        if (!inc) c0 = std::max(c0, g.pad_w), c1 = std::min(c1, W + g.pad_w);
        double acc = mode == PoolMode::Max ? -INFINITY : 0.0;
        for (int64_t i = r0; i < r1; ++i)
          for (int64_t j = c0; j < c1; ++j) {
            bool real = i >= g.pad_h && i < H + g.pad_h && j >= g.pad_w && j < W + g.pad_w;
            double val = real ? x[size_t((s * H + i - g.pad_h) * W + j - g.pad_w)] : 0.0;
            acc = mode == PoolMode::Max ? std::max(acc, val) : acc + val;
          }
        if (mode == PoolMode::AverageIncPad || mode == PoolMode::AverageExcPad) acc /= double((r1 - r0) * (c1 - c0));
        y[size_t((s * oh + r) * ow + c)] = acc;
      }
  return y;
}

// MaxPoolGrad's C code: every real cell equal to the window max gets the full gz.
std::vector<double> naive_max_grad(const Pool2dGeometry& g, const std::vector<double>& x, const std::vector<double>& y,
                                   const std::vector<double>& gy) {
  const int64_t H = g.height, W = g.width, oh = g.out_h(), ow = g.out_w();
  std::vector<double> gx(x.size(), 0.0);
  for (int64_t s = 0; s < g.outer; ++s)
    for (int64_t r = 0; r < oh; ++r)
      for (int64_t c = 0; c < ow; ++c) {
        int64_t r0 = std::max(r * g.stride_h, g.pad_h) - g.pad_h, r1 = std::min(r * g.stride_h + g.ws_h, H + g.pad_h) - g.pad_h;
        int64_t c0 = std::max(c * g.stride_w, g.pad_w) - g.pad_w, c1 = std::min(c * g.stride_w + g.ws_w, W + g.pad_w) - g.pad_w;
        size_t o = size_t((s * oh + r) * ow + c);
        for (int64_t i = r0; i < r1; ++i)
          for (int64_t j = c0; j < c1; ++j)
            if (x[size_t((s * H + i) * W + j)] == y[o]) gx[size_t((s * H + i) * W + j)] += gy[o];
      }
  return gx;
}

template <typename T>
void check_pool(PoolMode mode, const Pool2dGeometry& g, bool ties, int n_threads) {
  const size_t nx = size_t(g.outer * g.height * g.width), ny = size_t(g.outer * g.out_h() * g.out_w());
  std::vector<T> x = random_vec<T>(nx, 11), gy = random_vec<T>(ny, 12);
  if (ties)  // few distinct values, all negative, so ties are common and padding zeros would win
    for (auto& v : x) v = T(-1 - std::floor((double(v) + 1.0) * 1.5));
  std::vector<double> xd(x.begin(), x.end()), gyd(gy.begin(), gy.end());
  std::vector<T> y(ny, T(7)), gx(nx, T(7));
  pool2d_forward<T>(mode, g, x.data(), y.data(), n_threads);
  const double tol = tolerance<T>();
  require_close(y, naive_pool(mode, g, xd), tol);
  pool2d_grad<T>(mode, g, x.data(), y.data(), gy.data(), gx.data(), n_threads);
  if (mode == PoolMode::Max) {
    require_close(gx, naive_max_grad(g, xd, std::vector<double>(y.begin(), y.end()), gyd), tol);
    // Recomputing the window maxima gives the same gradient, bit for bit.
    std::vector<T> gx_recomputed(nx, T(7));
    max_pool2d_grad_recompute<T>(g, x.data(), gy.data(), gx_recomputed.data(), n_threads);
    REQUIRE(std::memcmp(gx_recomputed.data(), gx.data(), nx * sizeof(T)) == 0);
    return;
  }
  // Linear modes: the gradient is the adjoint, <gy, pool(e_i)> for every input cell.
  std::vector<double> want(nx), e(nx, 0.0);
  for (size_t i = 0; i < nx; ++i) {
    e[i] = 1.0;
    auto col = naive_pool(mode, g, e);
    double dot = 0;
    for (size_t o = 0; o < ny; ++o) dot += col[o] * gyd[o];
    want[i] = dot;
    e[i] = 0.0;
  }
  require_close(gx, want, tol);
}

}  // namespace

TEMPLATE_TEST_CASE("pool2d kernels match Theano's Pool", "[kernels]", float, double) {
  const PoolMode modes[] = {PoolMode::Max, PoolMode::Sum, PoolMode::AverageIncPad, PoolMode::AverageExcPad};
  struct Case { int64_t wh, ww, sh, sw, ph, pw; bool ib; };
  const Case cases[] = {
      {2, 2, 2, 2, 0, 0, true},   // LeNet fast path, odd leftovers dropped
      {2, 2, 2, 2, 0, 0, false},  // partial windows kept
      {3, 2, 1, 1, 0, 0, true},   // overlap (stride < ws)
      {3, 2, 2, 1, 0, 0, false},  // overlap with partial windows
      {2, 2, 3, 4, 0, 0, true},   // stride > ws: gaps
      {2, 3, 3, 4, 0, 0, false},
      {3, 3, 2, 2, 1, 2, true},   // padding
      {2, 3, 1, 2, 1, 1, true},
  };
  for (const Case& c : cases)
    for (PoolMode mode : modes)
      for (bool ties : {false, true}) {
        Pool2dGeometry g{.outer = 6, .height = 7, .width = 9, .ws_h = c.wh, .ws_w = c.ww, .stride_h = c.sh,
                         .stride_w = c.sw, .pad_h = c.ph, .pad_w = c.pw, .ignore_border = c.ib};
        INFO("mode " << int(mode) << " ws " << c.wh << "x" << c.ww << " stride " << c.sh << "," << c.sw << " pad "
                     << c.ph << "," << c.pw << " ignore_border " << c.ib << " ties " << ties);
        check_pool<TestType>(mode, g, ties, ties ? 2 : 1);
      }
  SECTION("even image takes the 2x2 fast path with ignore_border=False too") {
    Pool2dGeometry g{.outer = 5, .height = 8, .width = 6, .ws_h = 2, .ws_w = 2, .stride_h = 2, .stride_w = 2,
                     .ignore_border = false};
    check_pool<TestType>(PoolMode::Max, g, true, 3);
  }
}

TEMPLATE_TEST_CASE("max_pool2d_bias_act matches max pooling then the bias then the activation", "[kernels]", float, double) {
  using T = TestType;
  struct Case { int64_t wh, ww, sh, sw, ph, pw; bool ib; };
  const Case cases[] = {
      {2, 2, 2, 2, 0, 0, true},   // LeNet fast path (vector loop and scalar tail), odd leftovers dropped
      {2, 2, 2, 2, 0, 0, false},  // partial windows: the general path on odd images
      {3, 2, 1, 1, 0, 0, true},   // overlap
      {3, 3, 2, 2, 1, 2, true},   // padding
  };
  const int64_t channels = 5;
  for (int64_t batch : {1, 3})
    for (auto [height, width] : {std::pair<int64_t, int64_t>{7, 9}, {6, 13}, {24, 24}})
      for (const Case& c : cases)
        for (PoolActivation act : {PoolActivation::Tanh, PoolActivation::Sigmoid})
          for (bool per_image : {false, true})  // a (1, C, 1, 1) bias, or an (N, C, 1, 1) one
            for (int threads : {1, 2, 3}) {
              Pool2dGeometry g{.outer = batch * channels, .height = height, .width = width, .ws_h = c.wh, .ws_w = c.ww,
                               .stride_h = c.sh, .stride_w = c.sw, .pad_h = c.ph, .pad_w = c.pw, .ignore_border = c.ib};
              INFO("batch " << batch << ", " << height << "x" << width << ", ws " << c.wh << "x" << c.ww << " stride " << c.sh
                            << "," << c.sw << " pad " << c.ph << "," << c.pw << " ignore_border " << c.ib << ", activation "
                            << int(act) << ", bias per image " << per_image << ", threads " << threads);
              const int64_t period = per_image ? batch * channels : channels;
              const size_t nx = size_t(g.outer * height * width), ny = size_t(g.outer * g.out_h() * g.out_w());
              const size_t per_slice = size_t(g.out_h() * g.out_w());
              std::vector<T> x = random_vec<T>(nx, 21), bias = random_vec<T>(size_t(period), 22), got(ny, T(7));
              max_pool2d_bias_act<T>(g, x.data(), bias.data(), period, 1, act, got.data(), threads);
              // Against double loops with the textbook functions.
              std::vector<double> want = naive_pool(PoolMode::Max, g, std::vector<double>(x.begin(), x.end()));
              for (size_t o = 0; o < ny; ++o) {
                const double z = want[o] + double(bias[(o / per_slice) % size_t(period)]);
                want[o] = act == PoolActivation::Tanh ? std::tanh(z) : 1 / (1 + std::exp(-z));
              }
              require_close(got, want, tolerance<T>());
              // Against the unfused kernels (Pool, then Elemwise's add and activation): bit for bit.
              std::vector<T> unfused(ny);
              pool2d_forward<T>(PoolMode::Max, g, x.data(), unfused.data(), 1);
              for (size_t o = 0; o < ny; ++o) {
                const T z = T(unfused[o] + bias[(o / per_slice) % size_t(period)]);
                unfused[o] = act == PoolActivation::Tanh ? theano::ops::tanh_of(z) : theano::ops::sigmoid_of(z);
              }
              REQUIRE(std::memcmp(got.data(), unfused.data(), ny * sizeof(T)) == 0);
            }
}

TEST_CASE("max_pool2d_bias_act finds each slice's bias by period and repeat", "[kernels]") {
  // (2, 3, 2, 2) images of 2x2 windows: every pooled value is the window's max; the bias of an
  // (N, 1, 1, 1) tensor repeats over the 3 channels.
  Pool2dGeometry g{.outer = 6, .height = 2, .width = 2, .ws_h = 2, .ws_w = 2, .stride_h = 2, .stride_w = 2};
  std::vector<double> x(24);
  for (size_t i = 0; i < x.size(); ++i) x[i] = double(i % 4 == 2) * 0.5;  // each window's max is 0.5
  const std::vector<double> bias{-0.5, 1.0};
  std::vector<double> out(6);
  max_pool2d_bias_act<double>(g, x.data(), bias.data(), 2, 3, PoolActivation::Tanh, out.data());
  const double t0 = std::tanh(0.0), t1 = std::tanh(1.5);
  REQUIRE(out == std::vector<double>{t0, t0, t0, t1, t1, t1});
  REQUIRE_THROWS_AS(max_pool2d_bias_act<double>(g, x.data(), bias.data(), 0, 1, PoolActivation::Tanh, out.data()),
                    std::invalid_argument);
}

TEST_CASE("pool2d output sizes follow Pool.out_shape", "[kernels]") {
  REQUIRE(pool2d_output_size(5, 2, 2, 0, true) == 2);  // doc/lenet.txt
  REQUIRE(pool2d_output_size(5, 2, 2, 0, false) == 3);
  REQUIRE(pool2d_output_size(24, 2, 2, 0, true) == 12);
  REQUIRE(pool2d_output_size(7, 3, 1, 0, true) == 5);
  REQUIRE(pool2d_output_size(7, 3, 2, 0, false) == 3);  // max(0, (7-1-3+2)//2) + 1
  REQUIRE(pool2d_output_size(2, 3, 1, 0, true) == 0);
  REQUIRE(pool2d_output_size(2, 3, 3, 0, true) == 0);
  REQUIRE(pool2d_output_size(2, 5, 1, 0, false) == 1);
  REQUIRE(pool2d_output_size(7, 3, 2, 1, true) == 4);   // v = 9: (9-3)//2 + 1
  Pool2dGeometry g{.height = 4, .width = 4, .ws_h = 2, .ws_w = 2, .stride_h = 2, .stride_w = 2, .pad_h = 1,
                   .ignore_border = false};
  REQUIRE_THROWS_AS(pool2d_check(g), std::invalid_argument);  // padding needs ignore_border
  g.ignore_border = true;
  g.pad_h = 2;
  REQUIRE_THROWS_AS(pool2d_check(g), std::invalid_argument);  // pad >= ws
}
