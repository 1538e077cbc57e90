// The symbolic IR: VarNode (a value in the graph), Apply (outputs = op(inputs)) and Variable, the cheap
// handle to a node. An Apply owns its output nodes; a Variable of an output keeps its Apply alive, and
// an Apply keeps its inputs alive, so a graph lives as long as someone holds one of its outputs.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <source_location>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/call_stack.hpp"
#include "graph/type.hpp"

namespace theano {

class Op;
struct Apply;
class SharedStorage;
class Variable;

enum class VarKind : uint8_t { Input, Constant, Shared, Result };

struct VarNode {
  TensorType type;
  VarKind kind = VarKind::Input;
  std::string name;
  Apply* owner = nullptr;  // set for results
  int index = 0;           // output position in owner
  uint64_t id = 0;         // creation order: deterministic ordering everywhere
  NDArray constant;        // the value of a constant
  std::shared_ptr<SharedStorage> shared;  // the container of a shared variable
  // A shared variable's default update (Theano's `default_update`), applied by functions that use the
  // variable (runtime/default_updates.hpp). Weak: the expression is a graph over this very node, so a
  // strong link would be a cycle; the graph that computes it (a random op's sample, the streams
  // object) keeps it alive.
  std::optional<std::weak_ptr<VarNode>> default_update;  // nullopt: none was set
  std::source_location site;              // where the user created it
};

// Where the user's code created nodes. Public entry points open a SiteScope with their caller's
// std::source_location; nested library calls keep the outermost (the user's) site.
// The outermost scope also keeps the user's call stack (core/call_stack.hpp), captured once, at
// the first node built inside it, and shared by every node built there; a rewrite passes the stack
// of the node it replaces, so new nodes keep the user's.
class SiteScope {
 public:
  explicit SiteScope(const std::source_location& loc, std::shared_ptr<const CallStack> stack = nullptr);
  ~SiteScope();
  SiteScope(const SiteScope&) = delete;
  SiteScope& operator=(const SiteScope&) = delete;
  static std::source_location current();
  static std::string current_str();  // "file.cpp:42"
  static std::shared_ptr<const CallStack> current_stack();
};
std::string site_str(const std::source_location& loc);

// A name scope (layer0, layer1, ...) recorded on every node built inside it.
class NameScope {
 public:
  explicit NameScope(std::string name);
  ~NameScope();
  NameScope(const NameScope&) = delete;
  NameScope& operator=(const NameScope&) = delete;
  static const std::string& current();  // "" outside any scope; nested scopes join with '/'
};

// The handle of a value in the graph: cheap to copy, shared ownership of its node. The graph layer
// speaks Variable; ops/tensor_var.hpp derives Var from it with Theano's tensor methods (x.shape(),
// x[i], x.dimshuffle(...)), which need the ops.
class Variable {
 public:
  Variable() = default;
  explicit Variable(std::shared_ptr<VarNode> p) : p_(std::move(p)) {}

  VarNode* node() const { return p_.get(); }  // nullptr when undefined
  const std::shared_ptr<VarNode>& ptr() const { return p_; }
  bool defined() const { return p_ != nullptr; }
  // The accessors below need a node. The public API checks its arguments and names them
  // (docs/errors.md, "Undefined values"); what slips through throws std::invalid_argument here
  // instead of dereferencing null.
  const TensorType& type() const { return node_ref().type; }
  DType dtype() const { return node_ref().type.dtype; }
  int ndim() const { return node_ref().type.ndim(); }
  const std::string& name() const { return node_ref().name; }
  Variable& set_name(std::string n) {
    node_ref().name = std::move(n);
    return *this;
  }
  Apply* owner() const { return node_ref().owner; }
  bool is_constant() const { return node_ref().kind == VarKind::Constant; }
  bool is_shared() const { return node_ref().kind == VarKind::Shared; }
  bool operator==(const Variable& o) const { return p_ == o.p_; }
  // A readable identity for messages: the name, else "<op output>" or the type.
  std::string describe() const;

 private:
  [[noreturn]] static void undefined_access();
  VarNode& node_ref() const {
    if (!p_) [[unlikely]]
      undefined_access();
    return *p_;
  }
  std::shared_ptr<VarNode> p_;
};

struct Apply {
  std::shared_ptr<const Op> op;
  std::vector<Variable> inputs;
  std::vector<std::unique_ptr<VarNode>> outputs;
  std::source_location site;
  std::string scope;
  std::shared_ptr<const CallStack> stack;  // the user's call stack when it was built
  uint64_t id = 0;
  ~Apply();  // tears long chains down iteratively (no recursion)
};

// The Variable of output i of an apply (shares ownership of the apply).
Variable output_of(const std::shared_ptr<Apply>& apply, int i);
std::shared_ptr<Apply> apply_ptr(Apply* a);  // a shared_ptr to an existing apply (from any of its output Vars)

// Builds an Apply: asks the op for output types (which checks the inputs) and records the user's
// site. Type errors come back as OpError naming the op, the inputs' shapes and dtypes, and the site.
std::vector<Variable> make_apply(std::shared_ptr<const Op> op, std::vector<Variable> inputs);
// The lines after an error's first one: the inputs with their names, the name scope, and the user's
// frames when the node was built ("backtrace when the node is created", as Theano prints it).
std::string creation_details(std::span<const Variable> inputs, const std::string& scope, const CallStack* stack);
Variable make_apply1(std::shared_ptr<const Op> op, std::vector<Variable> inputs);

// Leaves.
Variable make_input(const TensorType& type, std::string name);
Variable make_constant(NDArray value, std::string name = "");
uint64_t next_node_id();

}  // namespace theano
