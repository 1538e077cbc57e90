// Symbolic differentiation (T.grad): walks the graph from the cost back to `wrt`, calling each op's
// pullback, and returns gradient graphs (so gradients of gradients work).
#pragma once
#include <vector>

#include "graph/op.hpp"
#include "ops/tensor_var.hpp"

namespace theano {

enum class Disconnected { Raise, Warn, Ignore };

struct GradOptions {
  std::vector<Variable> consider_constant;  // no gradient flows through these
  Disconnected disconnected_inputs = Disconnected::Raise;
};

std::vector<Variable> grad(const Var& cost, const std::vector<Variable>& wrt, const GradOptions& options = {});

class DisconnectedInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace theano
