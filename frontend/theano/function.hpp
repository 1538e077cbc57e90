// theano.function: compile inputs -> outputs with updates and givens; theano.In and theano.Out
// (runtime/function.hpp) name inputs, give them defaults and borrow outputs.
#pragma once
#include <vector>

#include "frontend/theano/numpy.hpp"
#include "runtime/function.hpp"

namespace theano {

// inputs: Vars or theano::In (named, with defaults); outputs: one Var, or Vars and theano::Out.
Function function(const FunctionInputs& inputs, const Var& output, const FunctionOptions& options = {});
Function function(const FunctionInputs& inputs, const FunctionOutputs& outputs = {}, const FunctionOptions& options = {});

// Variable.eval: z.eval({x: 16.3, y: 12.1}) is theano::eval(z, {{x, 16.3}, {y, 12.1}}): compiles
// a function of the given inputs (each call compiles anew: it takes milliseconds) and runs it once.
// Python list literals as call arguments (runtime/function.hpp, List): f(theano::list({1, 2})).
inline List list(std::initializer_list<double> values) { return {numpy::array(values)}; }
inline List list(std::initializer_list<std::initializer_list<double>> rows) { return {numpy::array(rows)}; }
template <class T>
  requires std::is_integral_v<T>
List list(std::initializer_list<T> values) {
  return {numpy::array(values)};
}
template <class T>
  requires std::is_integral_v<T>
List list(std::initializer_list<std::initializer_list<T>> rows) {
  return {numpy::array(rows)};
}

NDArray eval(const Var& output, const std::vector<std::pair<Var, Arg>>& inputs = {});

}  // namespace theano
