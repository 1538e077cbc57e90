#include "frontend/theano/function.hpp"

namespace theano {

Function function(const std::vector<Var>& inputs, const Var& output, const FunctionOptions& options) {
  return compile_function(inputs, {output}, options);
}

Function function(const std::vector<Var>& inputs, const std::vector<Var>& outputs, const FunctionOptions& options) {
  return compile_function(inputs, outputs, options);
}

}  // namespace theano
