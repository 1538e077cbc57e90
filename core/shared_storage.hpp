// The container behind a shared variable: a handle to its current value, replaced as a whole when a
// function commits its updates, by set_value or by load.
//
// Threads (docs/errors.md "Threads"), two locks per storage, always taken in this order:
//  - the update lock (a shared_mutex), held for a whole call, by set_value and by load: exclusive by
//    whoever will replace the value, shared by a call that only reads it. A call's read-compute-commit
//    is then one step for every variable it updates: two functions updating W, or a set_value during
//    a call updating W, cannot both start from the same value and lose one of the writes.
//  - the value mutex, held only to copy, swap or drop a handle (and, during a function's commit, for
//    the writes of that commit). get_value and save take only this one, so they never wait for a
//    whole call, and get the value from before or after a commit, never an empty or half-written
//    one; a reader keeps the buffer alive as long as it holds the handle.
//
// A buffer is written in place (an update Gemm{inplace}, a commit recycling the previous value as
// its scratch) only when, under the mutex, its use count shows no holder outside the writing call.
// So that the reads of any earlier holder happen before that write, the library's own holders (other
// calls, get_value, save) drop their handles under the mutex too (SharedStorage::release); a handle
// the user borrowed (get_value(borrow=true)) is dropped anywhere, which sole_holder's acquire fence
// orders.
#pragma once
#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <utility>
#include <vector>

#include "core/ndarray.hpp"

namespace theano {

class SharedStorage {
 public:
  SharedStorage() = default;
  explicit SharedStorage(NDArray value) : value_(std::move(value)) {}
  SharedStorage(const SharedStorage&) = delete;
  SharedStorage& operator=(const SharedStorage&) = delete;

  // A handle to the current value.
  NDArray load() const {
    std::lock_guard lock(mutex_);
    return value_;
  }
  // Replaces the value; the previous handle is dropped after the mutex is released (this thread
  // never read through it).
  void store(NDArray value) {
    {
      std::lock_guard lock(mutex_);
      std::swap(value_, value);
    }
  }
  // Drops a handle that load() gave and through which this thread read the buffer.
  void release(NDArray& handle) const {
    std::lock_guard lock(mutex_);
    handle = NDArray();
  }

  // For code that holds the mutex (StorageLocks): the value itself.
  NDArray& locked_value() { return value_; }
  std::mutex& mutex() const { return mutex_; }
  // Held around a whole read-compute-replace of the value (UpdateLocks).
  std::shared_mutex& update_mutex() { return update_mutex_; }

 private:
  mutable std::mutex mutex_;
  std::shared_mutex update_mutex_;
  NDArray value_;
};

// Whether `a` is the only holder of its buffer besides `others` known holders, with the acquire
// that orders the reads of every holder that dropped its handle before the writes that follow.
inline bool sole_holder(const NDArray& a, long others = 0) {
  if (!a.defined() || a.buffer().use_count() != 1 + others) return false;
  std::atomic_thread_fence(std::memory_order_acquire);
  return true;
}

// Sorts storages by address and drops duplicates: the one order in which every multi-storage lock
// is taken, so that two threads locking overlapping sets cannot deadlock.
inline void sort_for_locking(std::vector<SharedStorage*>& s) {
  std::sort(s.begin(), s.end(), std::less<SharedStorage*>());
  s.erase(std::unique(s.begin(), s.end()), s.end());
}

// Holds the mutexes of storages sorted by sort_for_locking, released in reverse order.
class StorageLocks {
 public:
  explicit StorageLocks(std::span<SharedStorage* const> sorted) : s_(sorted) {
    size_t i = 0;
    try {
      for (; i < s_.size(); ++i) s_[i]->mutex().lock();
    } catch (...) {
      while (i > 0) s_[--i]->mutex().unlock();
      throw;
    }
  }
  ~StorageLocks() {
    for (size_t i = s_.size(); i > 0; --i) s_[i - 1]->mutex().unlock();
  }
  StorageLocks(const StorageLocks&) = delete;
  StorageLocks& operator=(const StorageLocks&) = delete;

 private:
  std::span<SharedStorage* const> s_;
};

// Holds the update locks of storages sorted by sort_for_locking, released in reverse order: all
// exclusive, or exclusive where exclusive[i] is set and shared elsewhere (one entry per storage).
// Taken before any value mutex, never while one is held.
class UpdateLocks {
 public:
  explicit UpdateLocks(std::span<SharedStorage* const> sorted) : UpdateLocks(sorted, {}, true) {}
  UpdateLocks(std::span<SharedStorage* const> sorted, std::span<const char> exclusive) : UpdateLocks(sorted, exclusive, false) {}
  ~UpdateLocks() {
    for (size_t i = s_.size(); i > 0; --i) unlock(i - 1);
  }
  UpdateLocks(const UpdateLocks&) = delete;
  UpdateLocks& operator=(const UpdateLocks&) = delete;

 private:
  UpdateLocks(std::span<SharedStorage* const> sorted, std::span<const char> exclusive, bool all)
      : s_(sorted), x_(exclusive), all_(all) {
    size_t i = 0;
    try {
      for (; i < s_.size(); ++i) exclusive_at(i) ? s_[i]->update_mutex().lock() : s_[i]->update_mutex().lock_shared();
    } catch (...) {
      while (i > 0) unlock(--i);
      throw;
    }
  }
  bool exclusive_at(size_t i) const { return all_ || x_[i]; }
  void unlock(size_t i) { exclusive_at(i) ? s_[i]->update_mutex().unlock() : s_[i]->update_mutex().unlock_shared(); }
  std::span<SharedStorage* const> s_;
  std::span<const char> x_;
  bool all_;
};

}  // namespace theano
