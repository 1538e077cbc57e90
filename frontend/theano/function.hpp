// theano.function: compile inputs -> outputs with updates and givens; theano.In and theano.Out
// (runtime/function.hpp) name inputs, give them defaults and borrow outputs.
#pragma once
#include <vector>

#include "runtime/function.hpp"

namespace theano {

// inputs: Vars or theano::In (named, with defaults); outputs: one Var, or Vars and theano::Out.
Function function(const FunctionInputs& inputs, const Var& output, const FunctionOptions& options = {});
Function function(const FunctionInputs& inputs, const FunctionOutputs& outputs = {}, const FunctionOptions& options = {});

}  // namespace theano
