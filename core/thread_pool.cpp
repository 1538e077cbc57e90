#include "core/thread_pool.hpp"

#include <atomic>
#include <cblas.h>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <sched.h>
#include <thread>
#include <utility>
#include <vector>

#include "core/config.hpp"

namespace theano {

namespace {

thread_local bool inside_task = false;

// The cores this process may run on (its affinity mask, e.g. under taskset or a container's cpuset).
int usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

class Pool {
 public:
  explicit Pool(int participants) {
    for (int i = 1; i < participants; ++i) workers_.emplace_back([this] { worker_loop(); });
  }
  ~Pool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

  void run(int64_t n_tasks, void* context, void (*task)(void*, int64_t)) {
    if (inside_task || workers_.empty() || busy_.exchange(true)) {
      for (int64_t i = 0; i < n_tasks; ++i) task(context, i);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      context_ = context;
      task_ = task;
      n_tasks_ = n_tasks;
      next_.store(0);
      error_ = nullptr;
      ++generation_;
    }
    wake_.notify_all();
    work();
    // Only workers that joined while tasks were left are waited for: one the scheduler has not run
    // yet (another process holds its core) finds the job done and goes back to sleep, so a busy
    // machine costs a serial run, never a wait for a time slice.
    std::exception_ptr error;
    {
      std::unique_lock lock(mutex_);
      finished_.wait(lock, [this] { return joined_ == 0; });
      error = std::exchange(error_, nullptr);
    }
    busy_.store(false);
    if (error) std::rethrow_exception(error);
  }

 private:
  void worker_loop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (next_.load() >= n_tasks_) continue;  // every task is taken: nothing to join
        ++joined_;
      }
      work();
      std::lock_guard lock(mutex_);
      if (--joined_ == 0) finished_.notify_one();
    }
  }

  // Takes tasks until none are left; the first exception is kept for the caller.
  void work() {
    inside_task = true;
    for (int64_t i; (i = next_.fetch_add(1)) < n_tasks_;) {
      try {
        task_(context_, i);
      } catch (...) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
    }
    inside_task = false;
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  bool stop_ = false;
  uint64_t generation_ = 0;
  int joined_ = 0;  // workers taking tasks of the current job
  std::atomic<bool> busy_{false};
  void* context_ = nullptr;
  void (*task_)(void*, int64_t) = nullptr;
  int64_t n_tasks_ = 0;
  std::atomic<int64_t> next_{0};
  std::exception_ptr error_;
};

}  // namespace

int kernel_threads() {
  static const int n = [] {
    int wanted = config().threads > 0 ? config().threads : usable_cores();
    // Our tasks call BLAS; a multi-threaded BLAS inside them would oversubscribe the cores.
    if (wanted > 1) openblas_set_num_threads(1);
    return wanted;
  }();
  return n;
}

namespace detail {
void parallel_for_erased(int64_t n_tasks, void* context, void (*task)(void*, int64_t)) {
  static Pool pool(kernel_threads());
  pool.run(n_tasks, context, task);
}
}  // namespace detail

}  // namespace theano
