#include "graph/var.hpp"

#include <atomic>
#include <stdexcept>
#include <fmt/format.h>

#include "graph/op.hpp"

namespace theano {

namespace {
thread_local int site_depth = 0;
thread_local std::source_location site_loc;
thread_local std::shared_ptr<const CallStack> site_stack;  // the outermost scope's, once captured
thread_local std::string scope_path;
std::atomic<uint64_t> node_counter{1};
}  // namespace

uint64_t next_node_id() { return node_counter.fetch_add(1); }

SiteScope::SiteScope(const std::source_location& loc, std::shared_ptr<const CallStack> stack) {
  if (site_depth++ == 0) {
    site_loc = loc;
    site_stack = std::move(stack);
  }
}
SiteScope::~SiteScope() {
  if (--site_depth == 0) site_stack.reset();
}
std::source_location SiteScope::current() { return site_depth ? site_loc : std::source_location(); }
std::shared_ptr<const CallStack> SiteScope::current_stack() {
  if (site_depth == 0) return capture_call_stack();
  if (!site_stack) site_stack = capture_call_stack();
  return site_stack;
}

std::string site_str(const std::source_location& loc) {
  std::string f = loc.file_name();
  if (f.empty()) return "<unknown>";
  auto slash = f.find_last_of('/');
  if (slash != std::string::npos) f = f.substr(slash + 1);
  return f + ":" + std::to_string(loc.line());
}
std::string SiteScope::current_str() { return site_str(current()); }

NameScope::NameScope(std::string name) {
  if (!scope_path.empty()) scope_path += "/";
  scope_path += name;
}
NameScope::~NameScope() {
  auto slash = scope_path.find_last_of('/');
  scope_path = slash == std::string::npos ? "" : scope_path.substr(0, slash);
}
const std::string& NameScope::current() { return scope_path; }

void Variable::undefined_access() {
  throw std::invalid_argument("an undefined Var (default-constructed: it holds no graph node) was used where a graph variable is needed");
}

std::string Variable::describe() const {
  if (!p_) return "<undefined Var>";
  if (!p_->name.empty()) return "'" + p_->name + "'";
  if (p_->owner) return p_->owner->op->str() + " output";
  if (p_->kind == VarKind::Constant) return "constant " + p_->constant.str();
  return "<" + p_->type.str() + ">";
}

Apply::~Apply() {
  // Destroying a long chain recursively would overflow the stack: the outermost destructor drains a
  // work list, nested ones only hand their inputs to it.
  thread_local std::vector<Variable>* pending = nullptr;
  if (pending) {
    for (auto& v : inputs) pending->push_back(std::move(v));
    return;
  }
  std::vector<Variable> work;
  pending = &work;
  for (auto& v : inputs) work.push_back(std::move(v));
  while (!work.empty()) {
    Variable v = std::move(work.back());
    work.pop_back();
  }
  pending = nullptr;
}

namespace {
struct ApplyHolder : Apply, std::enable_shared_from_this<ApplyHolder> {};
}  // namespace

std::shared_ptr<Apply> apply_ptr(Apply* a) {
  return std::static_pointer_cast<Apply>(static_cast<ApplyHolder*>(a)->shared_from_this());
}

Variable output_of(const std::shared_ptr<Apply>& apply, int i) {
  return Variable(std::shared_ptr<VarNode>(apply, apply->outputs.at(i).get()));
}

static std::string describe_inputs(std::span<const Variable> inputs) {
  std::string s;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TensorType& t = inputs[i].type();
    s += fmt::format("{}{} {}", i ? ", " : "", dtype_name(t.dtype), t.shape_str());
  }
  return s;
}

std::string creation_details(std::span<const Variable> inputs, const std::string& scope, const CallStack* stack) {
  std::string s;
  if (!inputs.empty()) {
    s += "\n  input variables:";
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Variable& v = inputs[i];
      if (!v.defined()) continue;
      s += fmt::format("{} #{} {} {} {}", i ? "," : "", i, v.describe(), dtype_name(v.dtype()), v.type().shape_str());
      if (v.owner() && !v.owner()->scope.empty()) s += " (in scope " + v.owner()->scope + ")";
    }
  }
  if (!scope.empty()) s += "\n  name scope: " + scope;
  std::vector<std::string> frames = stack ? user_frames(*stack) : std::vector<std::string>{};
  if (!frames.empty()) {
    s += "\n  backtrace when the node is created (your code, innermost first):";
    for (const std::string& f : frames) s += "\n    " + f;
  }
  return s;
}

std::vector<Variable> make_apply(std::shared_ptr<const Op> op, std::vector<Variable> inputs) {
  for (auto& v : inputs)
    if (!v.defined()) throw OpError(fmt::format("{}: an input is an undefined Var (at {})", op->str(), SiteScope::current_str()));
  std::vector<TensorType> types;
  try {
    types = op->make_types(inputs);
  } catch (const OpError& e) {
    std::shared_ptr<const CallStack> stack = SiteScope::current_stack();
    throw OpError(fmt::format("{}: {} (inputs: {}) at {}{}", op->str(), e.what(), describe_inputs(inputs), SiteScope::current_str(),
                              creation_details(inputs, NameScope::current(), stack.get())));
  } catch (const SizeError& e) {  // a static shape whose size overflows (core/checked_size.hpp)
    std::shared_ptr<const CallStack> stack = SiteScope::current_stack();
    throw OpError(fmt::format("{}: {} (inputs: {}) at {}{}", op->str(), e.what(), describe_inputs(inputs), SiteScope::current_str(),
                              creation_details(inputs, NameScope::current(), stack.get())));
  }
  auto holder = std::make_shared<ApplyHolder>();
  std::shared_ptr<Apply> apply(holder, static_cast<Apply*>(holder.get()));
  apply->op = std::move(op);
  apply->inputs = std::move(inputs);
  apply->site = SiteScope::current();
  apply->scope = NameScope::current();
  apply->stack = SiteScope::current_stack();
  apply->id = next_node_id();
  std::vector<Variable> outs;
  for (size_t i = 0; i < types.size(); ++i) {
    auto node = std::make_unique<VarNode>();
    node->type = types[i];
    node->kind = VarKind::Result;
    node->owner = apply.get();
    node->index = int(i);
    node->id = next_node_id();
    node->site = apply->site;
    apply->outputs.push_back(std::move(node));
  }
  for (size_t i = 0; i < types.size(); ++i) outs.push_back(output_of(apply, int(i)));
  return outs;
}

Variable make_apply1(std::shared_ptr<const Op> op, std::vector<Variable> inputs) { return make_apply(std::move(op), std::move(inputs))[0]; }

Variable make_input(const TensorType& type, std::string name) {
  auto n = std::make_shared<VarNode>();
  n->type = type;
  n->kind = VarKind::Input;
  n->name = std::move(name);
  n->id = next_node_id();
  n->site = SiteScope::current();
  return Variable(n);
}

Variable make_constant(NDArray value, std::string name) {
  auto n = std::make_shared<VarNode>();
  n->type = TensorType::with_shape(value.dtype(), value.shape());
  for (int i = 0; i < value.ndim(); ++i) n->type.bcast[i] = value.shape(i) == 1;  // as Theano's constants
  n->kind = VarKind::Constant;
  n->name = std::move(name);
  n->constant = std::move(value);
  n->id = next_node_id();
  n->site = SiteScope::current();
  return Variable(n);
}

}  // namespace theano
