// The container behind a shared variable: its current value, replaced as a whole when a function
// commits its updates.
#pragma once
#include "core/ndarray.hpp"

namespace theano {

struct SharedStorage {
  NDArray value;
};

}  // namespace theano
