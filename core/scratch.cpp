#include "core/scratch.hpp"

#include <cstdlib>
#include <memory>
#include <new>

#include "core/checked_size.hpp"

namespace theano {

void* scratch_buffer(size_t bytes) {
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  thread_local std::unique_ptr<void, Free> buffer;
  thread_local size_t capacity = 0;
  if (bytes > capacity) {
    if (bytes > size_t(kMaxSize)) checked::throw_workspace_failed(bytes);
    size_t rounded = (bytes + 63) / 64 * 64;
    buffer.reset(std::aligned_alloc(64, rounded));
    if (!buffer) {
      capacity = 0;
      checked::throw_workspace_failed(bytes);
    }
    capacity = rounded;
  }
  return buffer.get();
}

}  // namespace theano
