// The Op contract. Every operator declares, in one class: its attributes (props), its type check and
// output types (with static shapes), its shape rule, its kernel and its gradient rule (built from
// other ops, so gradients are graphs). An op class derives from OpOf<itself> (graph/op_base.hpp),
// which gives equality, hashing and the printed name from the props, registers the class (for the
// per-op test table's coverage) and says whether a gradient rule exists. See ops/ for the families
// and docs/architecture.md for how to add one.
#pragma once
#include <memory>
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

// The argument types of the contract, named once.
using Vars = std::span<const Variable>;                       // an apply's inputs or outputs
using InShapes = std::span<const std::vector<Variable>>;      // per input, one int64 scalar per dim
using OutShapes = std::optional<std::vector<std::vector<Variable>>>;  // per output, the same; nullopt: no rule
using InArrays = std::span<const NDArray* const>;             // a kernel's inputs
using OutArrays = std::span<NDArray* const>;                  // a kernel's outputs
using OutCotangents = std::span<const std::optional<Variable>>;  // per output, its cotangent (nullopt: none)
using Cotangents = std::vector<std::optional<Variable>>;      // per input, its gradient (nullopt: none flows)

class Op {
 public:
  virtual ~Op() = default;
  // Class name, as Theano's profiler groups ops ("Elemwise", "Dot", "Softmax").
  virtual std::string name() const = 0;
  // Full description as debugprint shows it ("Elemwise{add,no_inplace}"). Display only: equality
  // never looks at it.
  virtual std::string str() const { return name(); }
  // Checks the inputs and returns the output types; throws OpError with shapes and dtypes.
  virtual std::vector<TensorType> make_types(Vars inputs) const = 0;
  // Computes outputs from inputs. Each output NDArray keeps its buffer between calls: kernels call
  // out.ensure(dtype, shape), which reuses it when it fits. View ops make out a view of an input.
  virtual void perform(InArrays in, OutArrays out) const = 0;
  // One entry per input: the gradient of the cost with respect to that input given the cotangents of
  // the outputs (nullopt = no gradient flows back). The grad driver sums over broadcast dims. The
  // default throws "<op> has no gradient rule"; NonDifferentiable ops return nullopt for every input.
  virtual Cotangents pullback(Vars inputs, Vars outputs, OutCotangents cotangents) const;
  // The shape rule (Theano's infer_shape): given the inputs and, per input, one int64 scalar per
  // dimension (its size), returns per output one int64 scalar per dimension, built from those scalars
  // and the inputs, never from the outputs. nullopt: no rule; an undefined Variable: that one
  // dimension is unknown. The shape rewrites (ops/shape_rewrites.cpp) use it so that y.shape[i]
  // needs no computation of y; the per-op test table checks every rule against its kernel.
  virtual OutShapes infer_shape(Vars inputs, InShapes input_shapes) const { return std::nullopt; }
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
  virtual bool fits_in_place(int output, int input, InArrays in) const;
  // Updates written in place into their shared variable (runtime/inplace_updates.hpp): the op to run
  // instead when output 0 is written straight into the storage of input 0, the updated variable
  // itself (Gemm -> Gemm{inplace}); nullptr when the kernel cannot. fits_in_place(0, 0, in) then
  // says, per call, whether it may.
  virtual std::shared_ptr<const Op> update_in_place() const { return nullptr; }
  // Equality and hash for merging identical nodes (CSE): same class and equal props (OpOf).
  virtual bool equals(const Op& other) const = 0;
  virtual size_t hash() const = 0;
  // Whether a gradient rule exists: OpOf says whether the class defines pullback; ops whose rule
  // depends on an attribute (Elemwise's kind) refine it.
  virtual bool differentiable() const = 0;
  // Elementwise ops: their inputs' dims broadcast against each other only where the input types say
  // so (broadcastable dims, of size 1); on the other dims the executor requires equal sizes before
  // the kernel runs, raising Theano's "Input dimension mis-match" (a (1, 3) matrix whose first dim is
  // not broadcastable does not stretch to (2, 3)).
  virtual bool broadcasts_by_type() const { return false; }
};

}  // namespace theano
