// Composite: a chain of elementwise ops fused into one (Theano's Elemwise{Composite{...}}), made by
// the elemwise fusion pass after gradients are built. It holds a small program over its inputs; the
// kernel walks the output in chunks and runs every instruction over the chunk in a tight loop, so the
// chain makes one pass over memory and no intermediate array is written.
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"
#include "ops/elemwise.hpp"

namespace theano::ops {

// One instruction: dst = kind(args...). An argument below n_inputs names an input, otherwise the
// result of instruction (arg - n_inputs). The last instruction's result is the output.
struct CompositeInstr {
  ScalarKind kind;
  std::vector<int> args;
  bool operator==(const CompositeInstr&) const = default;
  auto props() const { return std::tie(kind, args); }
};

class Composite : public OpOf<Composite> {
 public:
  Composite(int n_inputs, std::vector<CompositeInstr> program);
  int n_inputs() const { return n_inputs_; }
  const std::vector<CompositeInstr>& program() const { return program_; }
  auto props() const { return std::tie(n_inputs_, program_); }
  // The class Theano's profiler groups it under (its Composite is the scalar op of an Elemwise).
  std::string name() const override { return "Elemwise"; }
  std::string str() const override { return str_; }  // Elemwise{Composite{(i0 - (i1 * i2))}}
  bool broadcasts_by_type() const override { return true; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  // An input of the output's shape is read directly, chunk by chunk, and only the last instruction
  // writes the output's chunk: each element is read before it is overwritten.
  bool may_overwrite_input(int, int) const override { return true; }

  // Whether the fusion pass may put an elementwise kind into a Composite (float in, same float out).
  static bool fusable(ScalarKind kind);

 private:
  int n_inputs_;
  std::vector<CompositeInstr> program_;
  std::vector<int> buffer_of_;  // the scratch chunk each instruction writes (liveness-based reuse)
  int n_buffers_ = 0;
  std::string str_;
};

}  // namespace theano::ops
