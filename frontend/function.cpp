#include "frontend/theano/function.hpp"

namespace theano {

Function function(const FunctionInputs& inputs, const Var& output, const FunctionOptions& options) {
  return compile_function(inputs, FunctionOutputs{Out(output)}, options);
}

Function function(const FunctionInputs& inputs, const FunctionOutputs& outputs, const FunctionOptions& options) {
  return compile_function(inputs, outputs, options);
}

NDArray eval(const Var& output, const std::vector<std::pair<Var, Arg>>& inputs) {
  std::vector<Var> vars;
  std::vector<Arg> args;
  for (const auto& [v, a] : inputs) {
    vars.push_back(v);
    args.push_back(a);
  }
  Function f = compile_function(FunctionInputs(vars), FunctionOutputs{Out(output)}, {});
  return f.call(std::span<const Arg>(args.data(), args.size())).array(0);
}

}  // namespace theano
