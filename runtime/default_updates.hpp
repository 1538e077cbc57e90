// Theano's default updates (compile/pfunc.py, rebuild_collect_shared): a shared variable with a
// default update that a function uses gets that update, unless the function gives it an explicit one
// or its no_default_updates option excludes it.
#pragma once
#include <utility>
#include <vector>

#include "runtime/function.hpp"

namespace theano {

// The explicit updates followed by the default ones: of the shared variables met walking the givens'
// replacements, the outputs and the explicit updates' expressions (a replaced variable's graph is not
// walked), then the default updates' own expressions, in that order. A default update whose
// expression no longer exists, or whose type is not its variable's, is an error naming the variable.
std::vector<std::pair<Var, Var>> with_default_updates(const std::vector<Var>& outputs, const FunctionOptions& options);

}  // namespace theano
