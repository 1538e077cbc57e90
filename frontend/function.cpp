#include "frontend/theano/function.hpp"

namespace theano {

Function function(const FunctionInputs& inputs, const Var& output, const FunctionOptions& options) {
  return compile_function(inputs, FunctionOutputs{Out(output)}, options);
}

Function function(const FunctionInputs& inputs, const FunctionOutputs& outputs, const FunctionOptions& options) {
  return compile_function(inputs, outputs, options);
}

}  // namespace theano
