#include <fmt/format.h>

#include "frontend/theano/shared.hpp"
#include "core/shared_storage.hpp"

namespace theano {

SharedVariable::SharedVariable(const Var& v) : Var(v) {
  require_defined(v, "SharedVariable", "v");
  if (!v.is_shared()) throw std::invalid_argument(fmt::format("{} is not a shared variable", v.describe()));
}

namespace {
void require_shared(const SharedVariable& v, const char* api) {
  if (!v.defined())
    throw std::invalid_argument(
        fmt::format("{}: the SharedVariable is undefined (default-constructed: it holds no variable; create it with theano::shared)", api));
}
}  // namespace

NDArray SharedVariable::get_value(bool borrow) const {
  require_shared(*this, "SharedVariable::get_value");
  SharedStorage& s = *node()->shared;
  NDArray v = s.load();
  if (borrow) return v;
  // The handle is dropped under the lock (core/shared_storage.hpp): a commit that later writes into
  // this buffer then comes after the copy's reads.
  struct Release {
    SharedStorage& s;
    NDArray& v;
    ~Release() { s.release(v); }
  } release{s, v};
  return v.copy();
}

void SharedVariable::set_value(const NDArray& value, bool borrow) {
  require_shared(*this, "SharedVariable::set_value");
  if (!value.defined())
    throw std::invalid_argument(
        fmt::format("set_value of {}: value is an undefined NDArray (default-constructed: it holds no data)", describe()));
  TensorType& t = node()->type;
  if (value.ndim() != t.ndim())
    throw std::invalid_argument(fmt::format("set_value of {}: expected a {}-d array, got shape {}", describe(), t.ndim(), value.shape().str()));
  if (value.dtype() != t.dtype && !can_cast_safely(value.dtype(), t.dtype))
    throw std::invalid_argument(fmt::format("set_value of {}: {} cannot store a value of dtype {} without risking loss of precision",
                                            describe(), t.str(), dtype_name(value.dtype())));
  NDArray v = value.dtype() != t.dtype ? value.astype(t.dtype) : borrow ? value : value.copy();
  // The update lock orders the replacement between the calls that update this variable: none
  // commits over it a result computed from the previous value (core/shared_storage.hpp).
  std::unique_lock update_lock(node()->shared->update_mutex());
  // Static shapes are hints: a dimension whose size changed becomes unknown for graphs built later.
  for (int d = 0; d < t.ndim(); ++d)
    if (t.shape[d] != v.shape(d)) t.shape[d] = -1;
  node()->shared->store(std::move(v));
}

void SharedVariable::set_default_update(const Var& expr, std::source_location loc) {
  SiteScope site(loc);
  require_shared(*this, "SharedVariable::set_default_update");
  require_defined(expr, "SharedVariable::set_default_update", "expr");
  if (!type().same_as(expr.type()))
    throw std::invalid_argument(fmt::format("set_default_update of {}: an update must have the same type as the original shared variable: {} "
                                            "has type {}, the variable {} (at {})",
                                            describe(), expr.describe(), expr.type().str(), type().str(), site_str(loc)));
  node()->default_update = std::weak_ptr<VarNode>(expr.ptr());
}

Var SharedVariable::default_update() const {
  require_shared(*this, "SharedVariable::default_update");
  if (!node()->default_update) return Var();
  return Var(Variable(node()->default_update->lock()));
}

void SharedVariable::clear_default_update() {
  require_shared(*this, "SharedVariable::clear_default_update");
  node()->default_update.reset();
}

SharedVariable shared(const NDArray& value, const std::string& name, bool borrow, std::source_location loc) {
  SiteScope s(loc);
  require_defined(value, "shared", "value");
  auto n = std::make_shared<VarNode>();
  n->type = TensorType::with_shape(value.dtype(), value.shape());  // never broadcastable
  n->kind = VarKind::Shared;
  n->name = name;
  n->id = next_node_id();
  n->site = loc;
  n->shared = std::make_shared<SharedStorage>(borrow ? value : value.copy());
  return SharedVariable(Var(n));
}

SharedVariable shared(double value, const std::string& name, std::source_location loc) {
  return shared(NDArray::scalar<double>(value), name, false, loc);
}
SharedVariable shared(int value, const std::string& name, std::source_location loc) {
  return shared(NDArray::scalar<int64_t>(value), name, false, loc);
}

}  // namespace theano
