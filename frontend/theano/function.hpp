// theano.function: compile inputs -> outputs with updates and givens.
#pragma once
#include <vector>

#include "runtime/function.hpp"

namespace theano {

Function function(const std::vector<Var>& inputs, const Var& output, const FunctionOptions& options = {});
Function function(const std::vector<Var>& inputs, const std::vector<Var>& outputs = {}, const FunctionOptions& options = {});

}  // namespace theano
