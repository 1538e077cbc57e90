// Scratch memory for kernels that need a workspace (im2col, gathers). One 64-byte aligned buffer per
// thread, grown when a larger one is asked for and then reused: no allocation in steady state.
// Nodes run one after another, so one buffer sized by the largest request is enough.
#pragma once
#include <cstddef>

namespace theano {

void* scratch_buffer(size_t bytes);

}  // namespace theano
