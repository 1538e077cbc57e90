// Scan: Theano's loop op. The step is an inner graph over inner input variables, compiled once (with
// the rewrite pipeline) into an inner function when the op is built; the kernel runs it n_steps
// times and writes each step's outputs into row t of preallocated outputs. The op lives in the
// runtime layer because it needs the compiler (docs/architecture.md, "Ops that hold a function").
//
// Outer inputs, in order: [n_steps (an integer scalar), when given], every sequence, the initial
// value of every fed-back output (user order), the initial value of every updated shared variable,
// every non-sequence (explicit, then implicit: free inputs and shared variables the step reads).
// Inner inputs, in fn's argument order: each sequence's taps, each fed-back output's taps, then
// one per updated shared variable, then one per non-sequence. Inner outputs: the step's outputs
// (user order), the new value of each updated shared variable, then the `until` condition.
// Outer outputs: per user output all steps (leading dimension: the steps run), then per updated
// shared variable its value after the last step.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "graph/op_base.hpp"
#include "runtime/function.hpp"

namespace theano {

struct ScanInfo {
  std::vector<std::vector<int>> seq_taps;  // per sequence, its taps (any sign)
  std::vector<std::vector<int>> out_taps;  // per user output, its (negative) taps; empty: not fed back
  int n_shared_outs = 0;                   // shared variables the step updates
  int n_non_seqs = 0;
  bool has_n_steps = false;
  bool go_backwards = false;
  bool as_while = false;  // the step returns an until() condition as its last inner output
  std::string name = "scan_fn";
  auto props() const { return std::tie(seq_taps, out_taps, n_shared_outs, n_non_seqs, has_n_steps, go_backwards, as_while, name); }
};

class ScanOp : public OpOf<ScanOp> {
 public:
  // Compiles the step: inner_outputs as a function of inner_inputs, with `replace` substituted
  // (the free variables the step reads, each by its inner input). Every other leaf of the inner
  // graph that is not a constant must be one of inner_inputs.
  ScanOp(ScanInfo info, std::vector<Variable> inner_inputs, std::vector<Variable> inner_outputs,
         std::vector<std::pair<Var, Var>> replace = {});

  // Each scan is its own op: two scans merge only when they are the same op on the same inputs.
  auto props() const { return std::tie(id_); }
  std::string name() const override { return "Scan"; }
  // Theano's spelling: for{cpu,scan_fn}, while{cpu,scan_fn} for a loop with until().
  std::string str() const override;
  std::vector<TensorType> make_types(Vars inputs) const override;
  void perform(InArrays in, OutArrays out) const override;
  // The steps (unknown with until()), then each row's sizes: a fed-back output's from its initial
  // value, a map output's from the step's static type (unknown where it does not say).
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  // The gradient of a scan is not written yet: grad says so instead of computing something wrong.
  Cotangents pullback(Vars inputs, Vars outputs, OutCotangents cotangents) const override;
  bool differentiable() const override { return false; }

  const ScanInfo& info() const { return info_; }
  const std::vector<Variable>& inner_inputs() const { return inner_inputs_; }
  const std::vector<Variable>& inner_outputs() const { return inner_outputs_; }
  const Function& inner_function() const { return fn_; }
  int n_user_outputs() const { return int(info_.out_taps.size()); }
  // The outer input (position in the apply's inputs) that inner input `inner` reads a slice of or
  // stands for (debugprint's "-> [id C]").
  size_t outer_input_of(size_t inner) const;

 private:
  ScanInfo info_;
  uint64_t id_;
  std::vector<Variable> inner_inputs_, inner_outputs_;
  Function fn_;
  // The kernel's reusable state (no allocation per call): each output's row shape. perform is const
  // and one op may run from several functions: the inner function's call lock serialises them.
  mutable std::vector<Dims> row_shapes_;
  // Per updated shared variable: where a new value that is a view of the current state (W.T) is
  // copied first, so that the state is not overwritten while it is read.
  mutable std::vector<NDArray> state_scratch_;
};

}  // namespace theano
