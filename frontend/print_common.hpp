// Shared by debugprint and pydotprint (frontend/print_debug.cpp, frontend/print_dot.cpp): what is being
// printed, and the numpy/Theano spellings of values and leaves. Not part of the public API.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "ops/tensor_var.hpp"

namespace theano {
class Function;
class Profiler;
}  // namespace theano

namespace theano::printing::detail {

// A graph to print: its outputs and, for a compiled function, its schedule, updates and profile.
struct PrintGraph {
  std::vector<Variable> outputs;             // for a function: outputs, then update expressions
  std::vector<std::pair<Var, Var>> updates;  // (shared variable, update expression)
  std::vector<Apply*> order;                 // the schedule (a function only; else empty)
  const Profiler* profile = nullptr;
};
// api names the printing function in the error for an undefined Var or Function.
PrintGraph graph_of(const std::vector<Var>& outputs, const char* api);
PrintGraph graph_of(const Function& f, const char* api);

// numpy's str of a scalar: 1.0, 0.13, 1e-05, 7, True.
std::string scalar_str(double v, DType dtype);
// numpy's str of an array: "[1.  2.5]", "[[1 2]\n [3 4]]", "0.5" for 0-d.
std::string array_str(const NDArray& a);
// Theano's str of a TensorConstant: TensorConstant{1.0}, TensorConstant{(2, 3) of 0.5}, cut at 20 chars.
std::string constant_str(const NDArray& a);
// "<" + s + ">".
std::string angle(const std::string& s);
// Theano's str of a leaf: its name, its constant string, else <TensorType(float64, matrix)>.
std::string leaf_str(const Variable& v);

}  // namespace theano::printing::detail
