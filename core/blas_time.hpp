// Thread-seconds spent inside matrix-multiply kernels since the process started, summed over
// threads: BLAS gemm calls, and the packed convolution kernels (ops/conv_packed.cpp, timed whole per
// thread, their on-the-fly im2col packing included). The benchmarks divide it by the step time to
// report how much of a training step is sgemm-like work. Each call site holds a GemmClock for the
// duration of the call (two clock reads: negligible next to a gemm).
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

namespace theano {

namespace detail {
inline std::atomic<int64_t> gemm_nanoseconds{0};
}

class GemmClock {
 public:
  GemmClock() : start_(std::chrono::steady_clock::now()) {}
  ~GemmClock() {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count();
    detail::gemm_nanoseconds.fetch_add(ns, std::memory_order_relaxed);
  }
  GemmClock(const GemmClock&) = delete;
  GemmClock& operator=(const GemmClock&) = delete;

 private:
  std::chrono::steady_clock::time_point start_;
};

inline double gemm_seconds() { return double(detail::gemm_nanoseconds.load(std::memory_order_relaxed)) * 1e-9; }

}  // namespace theano
