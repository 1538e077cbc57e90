// Symbolic differentiation (T.grad): walks the graph from the cost back to `wrt`, calling each op's
// pullback, and returns gradient graphs (so gradients of gradients work).
#pragma once
#include <vector>

#include "graph/op.hpp"
#include "ops/tensor_var.hpp"

namespace theano {

enum class Disconnected { Raise, Warn, Ignore };

// What a disconnected wrt gets (Theano's return_disconnected): zeros of its type, or an undefined
// Variable (Theano's None and DisconnectedType both become that).
enum class ReturnDisconnected { Zero, None };

struct GradOptions {
  std::vector<Variable> consider_constant;  // no gradient flows through these
  Disconnected disconnected_inputs = Disconnected::Raise;
  // Theano's known_grads: (variable, its gradient) pairs the walk starts from, in addition to the
  // cost's (the cost may then be undefined, as Theano's cost=None).
  std::vector<std::pair<Variable, Variable>> known_grads;
  ReturnDisconnected return_disconnected = ReturnDisconnected::Zero;
};

std::vector<Variable> grad(const Var& cost, const std::vector<Variable>& wrt, const GradOptions& options = {});

class DisconnectedInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace theano
