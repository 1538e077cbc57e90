// What the two families of convolution kernels (conv_kernels.cpp, conv_packed.cpp) share: how a
// workspace is aligned, and how a minibatch is split over the kernel thread pool (contiguous image
// ranges, one per thread, fixed by the thread count alone, so results never depend on scheduling).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "ops/conv_kernels.hpp"
#include "core/thread_pool.hpp"

namespace theano::kernels {

// Workspace slices start on cache lines; the caller's workspace may have any alignment, so the
// kernels ask for kWorkspaceAlign extra bytes and start at aligned_workspace().
constexpr size_t kWorkspaceAlign = 64;

inline size_t align_up(size_t n) { return (n + kWorkspaceAlign - 1) / kWorkspaceAlign * kWorkspaceAlign; }

inline std::byte* aligned_workspace(void* workspace) {
  auto base = reinterpret_cast<uintptr_t>(workspace);
  return reinterpret_cast<std::byte*>((base + kWorkspaceAlign - 1) / kWorkspaceAlign * kWorkspaceAlign);
}

inline int64_t images_per_thread(const Conv2dGeometry& g, int n_threads) {
  int64_t t = std::max<int64_t>(1, n_threads);
  return std::max<int64_t>(1, (g.batch + t - 1) / t);
}

// Runs f(task, first_image, end_image) over the ranges, task t on workspace slice t.
template <typename F>
void over_batch(const Conv2dGeometry& g, int n_threads, F&& f) {
  const int64_t per = images_per_thread(g, n_threads);
  const int64_t used = (g.batch + per - 1) / per;
  if (used <= 1) {
    f(0, int64_t(0), g.batch);
    return;
  }
  parallel_for(used, [&](int64_t t) { f(int(t), t * per, std::min(g.batch, (t + 1) * per)); });
}

}  // namespace theano::kernels
