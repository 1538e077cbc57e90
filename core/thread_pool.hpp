// The process-wide pool of kernel threads. Kernels split their work into tasks and call
// parallel_for(n, f): the calling thread and the pool's workers run f(0) ... f(n-1) and the call
// returns when all are done. Workers are started once and sleep between calls, so a call allocates
// nothing. The pool has config().threads participants (THEANO_FLAGS=threads=N; default: one per
// core). With more than one, OpenBLAS is set to one thread: every BLAS call then runs inside one of
// our tasks, and two thread teams never fight over the same cores.
// A parallel_for issued from inside a task, or while another thread is using the pool, runs its
// tasks serially on the calling thread.
#pragma once
#include <algorithm>
#include <cstdint>
#include <type_traits>

namespace theano {

// How many threads parallel_for uses (>= 1).
int kernel_threads();

namespace detail {
void parallel_for_erased(int64_t n_tasks, void* context, void (*task)(void*, int64_t));
}

template <typename F>
void parallel_for(int64_t n_tasks, F&& f) {
  if (n_tasks <= 0) return;
  if (n_tasks == 1 || kernel_threads() == 1) {
    for (int64_t i = 0; i < n_tasks; ++i) f(i);
    return;
  }
  using Fn = std::remove_reference_t<F>;
  detail::parallel_for_erased(n_tasks, const_cast<void*>(static_cast<const void*>(&f)),
                              [](void* c, int64_t i) { (*static_cast<Fn*>(c))(i); });
}

// Splits [0, n) into at most kernel_threads() contiguous ranges of at least `grain` items and runs
// f(begin, end) on each in parallel.
template <typename F>
void parallel_ranges(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  int64_t parts = std::min<int64_t>(kernel_threads(), std::max<int64_t>(1, n / std::max<int64_t>(1, grain)));
  if (parts <= 1) {
    f(int64_t(0), n);
    return;
  }
  const int64_t per = (n + parts - 1) / parts;
  parallel_for(parts, [&](int64_t t) {
    int64_t b = t * per, e = std::min(n, b + per);
    if (b < e) f(b, e);
  });
}

}  // namespace theano
