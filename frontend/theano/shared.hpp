// theano.shared: variables whose value lives across function calls (parameters, datasets).
// Shared tensors are never broadcastable, as in Theano; get_value/set_value copy unless borrow.
#pragma once
#include <source_location>
#include <string>

#include "ops/tensor_var.hpp"

namespace theano {

class SharedVariable : public Var {
 public:
  SharedVariable() = default;
  explicit SharedVariable(const Var& v);  // v must be a shared variable
  // A deep copy of the value, or with borrow=true the internal array itself (updates may later
  // replace it rather than write into it, as Theano warns).
  NDArray get_value(bool borrow = false) const;
  // Replaces the value (copied unless borrow). The dtype must convert losslessly; the shape may change.
  void set_value(const NDArray& value, bool borrow = false);
  // Theano's `v.default_update = expr`: every function that uses v then also updates it with expr
  // (unless given another update for v, or FunctionOptions::no_default_updates). expr must have v's
  // type. v does not own expr (expr refers to v): keep expr, or a graph that computes it, alive;
  // compiling a function after expr was destroyed is an error naming v.
  void set_default_update(const Var& expr, std::source_location loc = std::source_location::current());
  Var default_update() const;   // undefined when none is set or it was destroyed
  void clear_default_update();  // del v.default_update
};

SharedVariable shared(const NDArray& value, const std::string& name = "", bool borrow = false,
                      std::source_location loc = std::source_location::current());
// Python scalars: a float gives a float64 0-d variable, an int an int64 one.
SharedVariable shared(double value, const std::string& name = "", std::source_location loc = std::source_location::current());
SharedVariable shared(int value, const std::string& name = "", std::source_location loc = std::source_location::current());

}  // namespace theano
