// The call stack at a point, as raw return addresses: captured cheaply (about 2 us) when the user's
// code builds nodes, and turned into "file:line in function" only when an error is reported. This is
// Theano's "Backtrace when the node is created", cut down to the user's own frames: a shape error
// raised inside a helper class of the user's then also names the line that called the helper.
// File and line need the user's code compiled with line tables (-g1; the examples are); without
// them the frames still name the functions.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace theano {

struct CallStack {
  std::array<uintptr_t, 48> pcs{};
  int size = 0;
};

// The current thread's stack (innermost first).
std::shared_ptr<const CallStack> capture_call_stack();

// The frames outside the library, innermost first, at most `max`: frames of functions in namespace
// theano, of the C++ runtime and of the C library are left out. "logistic_sgd.hpp:38 in
// LogisticRegression::LogisticRegression(theano::Var const&, int, int)".
std::vector<std::string> user_frames(const CallStack& stack, size_t max = 4);

}  // namespace theano
