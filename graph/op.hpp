// The Op contract. Every operator declares, in one class: its type check and output types (with
// static shapes), its kernel, its gradient rule (built from other ops, so gradients are graphs) and
// its equality for merging. See ops/ for the families.
#pragma once
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "graph/var.hpp"

namespace theano {

// A user-facing error about an op: thrown by make_types/perform without location; make_apply and the
// executor prefix the op and the user's file:line.
class OpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Cotangents = std::vector<std::optional<Var>>;

class Op {
 public:
  virtual ~Op() = default;
  // Class name, as Theano's profiler groups ops ("Elemwise", "Dot", "Softmax").
  virtual std::string name() const = 0;
  // Full description as debugprint shows it ("Elemwise{add,no_inplace}").
  virtual std::string str() const { return name(); }
  // Checks the inputs and returns the output types; throws OpError with shapes and dtypes.
  virtual std::vector<TensorType> make_types(std::span<const Var> inputs) const = 0;
  // Computes outputs from inputs. Each output NDArray keeps its buffer between calls: kernels call
  // out.ensure(dtype, shape), which reuses it when it fits. View ops make out a view of an input.
  virtual void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const = 0;
  // One entry per input: the gradient of the cost with respect to that input given the cotangents of
  // the outputs (nullopt = no gradient flows back). The grad driver sums over broadcast dims.
  virtual Cotangents pullback(std::span<const Var> inputs, std::span<const Var> outputs,
                              std::span<const std::optional<Var>> cotangents) const;
  // The shape rule (Theano's infer_shape): given the inputs and, per input, one int64 scalar Var per
  // dimension (its size), returns per output one int64 scalar Var per dimension, built from those
  // scalars and the inputs, never from the outputs. nullopt: no rule; an undefined Var: that one
  // dimension is unknown. The shape rewrites (ops/shape_rewrites.cpp) use it so that y.shape[i]
  // needs no computation of y; tests/test_infer_shape.cpp checks every rule against its kernel.
  virtual std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                                   std::span<const std::vector<Var>> input_shapes) const {
    return std::nullopt;
  }
  // Output i is a view of input view_of(i) (no data of its own).
  virtual std::optional<int> view_of(int output) const { return std::nullopt; }
  // Whether the kernel may write output `output` over input `input` when both have the same shape
  // and dtype: it reads element j of the inputs only to write element j of the output, so an aliased
  // input is read before it is overwritten (Elemwise, Composite). The memory planner decides when it
  // is safe (runtime/memory_plan.hpp); this only says the kernel allows it.
  virtual bool may_overwrite_input(int output, int input) const { return false; }
  // At run time, once the planner's choice passed the buffer checks (the step's own, contiguous, of the
  // output's dtype): whether output `output` fits in input `input`'s buffer for these inputs. The
  // default is the elementwise rule: every input has that input's rank and, on each dimension, its size
  // or 1, so the broadcast output has exactly its shape.
  virtual bool fits_in_place(int output, int input, std::span<const NDArray* const> in) const;
  // Equality and hash for merging identical nodes (CSE).
  virtual bool equals(const Op& other) const { return str() == other.str(); }
  virtual size_t hash() const { return std::hash<std::string>{}(str()); }
  // Whether the gradient rule exists (used by the gradient-check coverage test).
  virtual bool differentiable() const { return true; }
};

}  // namespace theano
