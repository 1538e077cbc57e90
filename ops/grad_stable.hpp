// The grad driver's stable rules (ops/grad_stable.cpp): for an apply that spells a log-sigmoid, a
// softplus or a sigmoid, the cotangent of the variable it is a function of, computed from the stable
// form, instead of the chain rule through the spelled-out ops (which divides by values that
// saturate to 0). nullopt: use the op's own pullback.
#pragma once
#include <functional>
#include <optional>
#include <vector>

#include "graph/op.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

struct StableCotangent {
  Variable target;  // an ancestor of the apply's output in the graph
  Var cotangent;
};

// out: a's output, gz its cotangent; is_constant: the driver's consider_constant (no rule skips
// over a variable held constant).
std::optional<std::vector<StableCotangent>> stable_pullback(const Apply& a, const Var& out, const Var& gz,
                                                            const std::function<bool(const Variable&)>& is_constant);

}  // namespace theano::ops
