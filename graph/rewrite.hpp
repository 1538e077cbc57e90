// Graph rewrites on a FunctionGraph, the way Theano's optimizer database and XLA's pass pipeline work:
// - a LocalRewrite looks at one apply (chosen by its op's class) and returns replacement outputs;
// - a LocalPhase applies its rewrites until nothing changes (a fixpoint, capped at 25 sweeps);
// - a Pass is any whole-graph transformation (merge, fusion);
// - a Pipeline runs passes in order. runtime/pipeline.cpp lists every phase and rewrite explicitly.
// A rewrite only builds new nodes; the phase checks the replacement's types before touching the graph,
// so a rewrite that throws or returns a wrong type is skipped and the graph stays as it was.
// Every rewrite and pass has a name, and THEANO_FLAGS=optimizer_excluding=name1:name2 skips it.
#pragma once
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <typeinfo>
#include <vector>

#include "graph/fgraph.hpp"

namespace theano::rewrite {

// One replacement per output of the apply (an undefined Variable keeps that output); nullopt: no change.
using Replacement = std::optional<std::vector<Variable>>;
using LocalFn = Replacement (*)(Apply& node, const FunctionGraph& fg);

struct LocalRewrite {
  const char* name;              // e.g. "local_log1p"; its function's first comment line is its equation
  const std::type_info* op_type; // the op class of the applies it looks at (&typeid(Elemwise)); nullptr: every apply
  LocalFn fn;
};

// What one run of a pipeline carries: exclusions, checking, and what happened (for tests and logs).
struct Context {
  std::set<std::string> excluded;  // rewrite and pass names to skip
  bool verify = false;             // verify() after every pass
  std::ostream* log = nullptr;     // where the one line about a failed rewrite goes (nullptr: std::cerr)
  std::map<std::string, int> applied;  // how many times each rewrite changed the graph
  std::set<std::string> failed;        // rewrites that threw or returned bad types (disabled for the rest of the run)
  std::vector<std::pair<std::string, double>> pass_ms;  // each pass run and its time
  bool is_excluded(const std::string& name) const { return excluded.count(name) != 0; }
  // Records a failed rewrite or pass (node: where it failed, if known); only the first failure of a
  // run prints a line.
  void report_failure(const std::string& rewrite, const Apply* node, const std::string& what);
};

class Pass {
 public:
  explicit Pass(std::string name) : name_(std::move(name)) {}
  virtual ~Pass() = default;
  const std::string& name() const { return name_; }
  // Rewrites the graph; returns whether it changed anything.
  virtual bool run(FunctionGraph& fg, Context& ctx) const = 0;

 private:
  std::string name_;
};

// Applies local rewrites in toposort order, then again on the applies a change touched (the new
// applies and the readers of replaced variables), until nothing changes or max_sweeps is reached.
class LocalPhase : public Pass {
 public:
  explicit LocalPhase(std::string name, int max_sweeps = 25) : Pass(std::move(name)), max_sweeps_(max_sweeps) {}
  LocalPhase& add(const LocalRewrite& r);
  const std::vector<const LocalRewrite*>& rewrites() const { return rewrites_; }
  bool run(FunctionGraph& fg, Context& ctx) const override;

 private:
  int max_sweeps_;
  std::vector<const LocalRewrite*> rewrites_;
};

// Merges identical applies (equal ops reading the same variables) and equal constants (CSE).
class MergePass : public Pass {
 public:
  explicit MergePass(std::string name = "merge") : Pass(std::move(name)) {}
  bool run(FunctionGraph& fg, Context& ctx) const override;
};

class Pipeline {
 public:
  template <class P, class... A>
  P& add(A&&... args) {
    passes_.push_back(std::make_unique<P>(std::forward<A>(args)...));
    return static_cast<P&>(*passes_.back());
  }
  const std::vector<std::unique_ptr<Pass>>& passes() const { return passes_; }
  // Runs every pass not excluded; with ctx.verify, verify() after each ("verify failed after <pass>: ...").
  void run(FunctionGraph& fg, Context& ctx) const;

 private:
  std::vector<std::unique_ptr<Pass>> passes_;
};

// Checks the graph's invariants: no cycle, every reachable apply owned by the graph and no other,
// every apply's output types equal to what its op's make_types gives for its current inputs, and
// the clients map equal to the readers. Throws std::logic_error naming the first problem.
void verify(const FunctionGraph& fg);

// Applies `rep` to `node`'s outputs after checking it; returns false (graph untouched) when the
// replacement is malformed. Used by LocalPhase and by passes that replace outputs themselves.
// `touched` (if given) receives the applies brought in and the readers that moved to a replacement.
bool apply_replacement(FunctionGraph& fg, Apply& node, const std::vector<Variable>& rep, const std::string& rewrite, Context& ctx,
                       std::vector<Apply*>* touched = nullptr);

// ---- generic local rewrites (graph/rewrite.cpp) ----
// op(constants) -> constant: applies whose inputs are all constants (never shared variables) run once here.
extern const LocalRewrite constant_folding;

}  // namespace theano::rewrite
