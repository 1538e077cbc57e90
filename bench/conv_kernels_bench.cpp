// Times the conv/pool kernels on the LeNet5 tutorial shapes (batch 500, float32 by default).
// Usage: conv_kernels_bench [n_threads=1] [--double] [--im2col] [--cpu-time]
//   --im2col runs the im2col + BLAS kernels where the packed ones would run (ops/conv_packed.hpp);
//   --cpu-time times the calling thread's CPU time instead of wall time (with n_threads 1 it is
//   the whole kernel's time, and much less disturbed by other processes on a busy machine).
//   BLAS threads come from OPENBLAS_NUM_THREADS (left untouched); n_threads is the kernels' own
//   batch split. Each timing is the median of 7 runs after one warm-up run. The fused pool kernels
//   (pool+bias+tanh, pool grad recomp) are listed after the kernels they replace.
#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include <ctime>

#include "ops/conv_kernels.hpp"
#include "ops/conv_packed.hpp"
#include "ops/pool_kernels.hpp"

using namespace theano::kernels;

namespace {

bool cpu_time = false;

double now_ms() {
  if (!cpu_time)
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
}

template <typename F>
double median_ms(F&& f) {
  f();  // warm-up: page faults, BLAS thread start-up
  std::vector<double> ms;
  for (int r = 0; r < 7; ++r) {
    double t0 = now_ms();
    f();
    ms.push_back(now_ms() - t0);
  }
  std::sort(ms.begin(), ms.end());
  return ms[3];
}

template <typename T>
std::vector<T> random_vec(size_t n) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<T> v(n);
  for (auto& x : v) x = T(u(rng));
  return v;
}

void report(const char* what, double ms, double flops) {
  if (flops > 0) std::printf("  %-14s %9.3f ms  %7.1f GFLOP/s\n", what, ms, flops / ms * 1e-6);
  else std::printf("  %-14s %9.3f ms\n", what, ms);
}

// One conv layer followed by 2x2 max pooling; returns the total ms of the five kernels.
template <typename T>
double bench_layer(const char* name, const Conv2dGeometry& g, int n_threads) {
  const size_t nx = size_t(g.batch * g.channels * g.height * g.width);
  const size_t nw = size_t(g.filters * g.patch_size());
  const size_t ny = size_t(g.batch * g.filters * g.out_h() * g.out_w());
  auto x = random_vec<T>(nx), w = random_vec<T>(nw), gy = random_vec<T>(ny);
  std::vector<T> y(ny), gx(nx), gw(nw);
  std::vector<std::byte> ws(conv2d_workspace_bytes(g, sizeof(T), n_threads));

  Pool2dGeometry p{.outer = g.batch * g.filters, .height = g.out_h(), .width = g.out_w(), .ws_h = 2, .ws_w = 2,
                   .stride_h = 2, .stride_w = 2, .ignore_border = true};
  const size_t np = size_t(p.outer * p.out_h() * p.out_w());
  std::vector<T> pooled(np), gpooled = random_vec<T>(np), gpool_in(ny);

  std::printf("%s: input (%lld,%lld,%lld,%lld) filters (%lld,%lld,%lld,%lld) -> (%lld,%lld,%lld,%lld), "
              "workspace %.2f MB\n",
              name, (long long)g.batch, (long long)g.channels, (long long)g.height, (long long)g.width,
              (long long)g.filters, (long long)g.channels, (long long)g.kernel_h, (long long)g.kernel_w,
              (long long)g.batch, (long long)g.filters, (long long)g.out_h(), (long long)g.out_w(),
              double(ws.size()) / 1e6);
  const double f = g.flops();
  double total = 0, t;
  t = median_ms([&] { conv2d_forward<T>(g, x.data(), w.data(), y.data(), true, ws.data(), n_threads); });
  report("forward", t, f), total += t;
  t = median_ms([&] { conv2d_grad_input<T>(g, gy.data(), w.data(), gx.data(), true, ws.data(), n_threads); });
  report("grad_input", t, f), total += t;
  t = median_ms([&] { conv2d_grad_weights<T>(g, x.data(), gy.data(), gw.data(), true, ws.data(), n_threads); });
  report("grad_weights", t, f), total += t;
  t = median_ms([&] { pool2d_forward<T>(PoolMode::Max, p, y.data(), pooled.data(), n_threads); });
  report("pool fwd 2x2", t, 0), total += t;
  t = median_ms([&] {
    pool2d_grad<T>(PoolMode::Max, p, y.data(), pooled.data(), gpooled.data(), gpool_in.data(), n_threads);
  });
  report("pool grad 2x2", t, 0), total += t;
  // The fused forms the pool rewrites use instead (not in the total): the pool's forward with the
  // bias and tanh that follow it, and the gradient without the pooled array.
  std::vector<T> bias = random_vec<T>(size_t(g.filters));
  t = median_ms([&] {
    max_pool2d_bias_act<T>(p, y.data(), bias.data(), g.filters, 1, PoolActivation::Tanh, pooled.data(), n_threads);
  });
  report("pool+bias+tanh", t, 0);
  t = median_ms([&] { max_pool2d_grad_recompute<T>(p, y.data(), gpooled.data(), gpool_in.data(), n_threads); });
  report("pool grad recomp", t, 0);
  return total;
}

template <typename T>
void run(int n_threads) {
  Conv2dGeometry l1{.batch = 500, .channels = 1, .height = 28, .width = 28, .filters = 20, .kernel_h = 5,
                    .kernel_w = 5};
  Conv2dGeometry l2{.batch = 500, .channels = 20, .height = 12, .width = 12, .filters = 50, .kernel_h = 5,
                    .kernel_w = 5};
  double total = bench_layer<T>("layer0", l1, n_threads);
  total += bench_layer<T>("layer1", l2, n_threads);
  std::printf("total (both layers, 5 kernels each): %.3f ms\n", total);
}

}  // namespace

int main(int argc, char** argv) {
  int n_threads = 1;
  bool use_double = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--double") == 0) use_double = true;
    else if (std::strcmp(argv[i], "--im2col") == 0) set_packed_conv_enabled(false);
    else if (std::strcmp(argv[i], "--cpu-time") == 0) cpu_time = true;
    else n_threads = std::max(1, std::atoi(argv[i]));
  }
  std::printf("%s kernels, %s time\n", packed_conv_enabled() ? "packed" : "im2col", cpu_time ? "thread CPU" : "wall");
  std::printf("dtype %s, kernel n_threads %d, OpenBLAS threads %d (OPENBLAS_NUM_THREADS=%s)\n",
              use_double ? "float64" : "float32", n_threads, openblas_get_num_threads(),
              std::getenv("OPENBLAS_NUM_THREADS") ? std::getenv("OPENBLAS_NUM_THREADS") : "unset");
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {  // timings are only meaningful on an idle machine
    double load = 0;
    if (std::fscanf(f, "%lf", &load) == 1) std::printf("load average (1 min) at start: %.2f\n", load);
    std::fclose(f);
  }
  if (use_double) run<double>(n_threads);
  else run<float>(n_threads);
  return 0;
}
