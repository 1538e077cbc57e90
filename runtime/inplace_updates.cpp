#include "runtime/inplace_updates.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include "runtime/function_impl.hpp"

namespace theano {

namespace {
// The most inputs an op that writes an update in place may have (Gemm has 5); the write needs no allocation.
constexpr size_t kMaxUpdateInputs = 8;
}  // namespace

std::string inplace_update_name(const Op& op) {
  std::string n = op.name();
  if (n == "IncSubtensor" || n == "SetSubtensor") return "local_inplace_setsubtensor";
  if (n == "AdvancedIncSubtensor") return "local_inplace_incsubtensor";
  return "local_inplace_" + std::string(n == "Gemm" ? "gemm" : n);
}

std::vector<bool> choose_inplace_updates(FunctionGraph& fg, size_t n_outputs, std::span<const std::pair<Var, Var>> updates,
                                         std::vector<Apply*>& order, const std::set<std::string>& excluded) {
  std::vector<bool> chosen(updates.size(), false);
  std::vector<Apply*> moved;
  for (size_t i = 0; i < updates.size(); ++i) {
    const Variable& value = fg.outputs()[n_outputs + i];
    Apply* a = value.owner();
    std::shared_ptr<const Op> in_place = a ? a->op->update_in_place() : nullptr;
    if (!in_place || excluded.count(inplace_update_name(*a->op))) continue;
    const VarNode* z = a->inputs[0].node();
    // Z is the updated variable itself (a givens replacement is another node), and the result goes
    // to this update only: one client, the function's output slot of update i.
    if (z->kind != VarKind::Shared || z->shared != updates[i].first.node()->shared) continue;
    if (fg.clients(value).size() != 1 || a->inputs.size() > kMaxUpdateInputs) continue;
    a->op = std::move(in_place);
    chosen[i] = true;
    moved.push_back(a);
  }
  std::stable_partition(order.begin(), order.end(), [&](Apply* a) { return std::find(moved.begin(), moved.end(), a) == moved.end(); });
  return chosen;
}

namespace {

// Whether step s may write its update u straight into the shared variable's storage this call.
bool may_write_in_place(const FunctionImpl& f, const Step& s, const UpdateBinding& u) {
  const NDArray& w = *s.in[0];
  const NDArray& stored = u.storage->locked_value();  // the caller holds the storage's lock
  if (!w.defined() || !w.shares_memory(stored) || w.offset() != stored.offset() || !(w.shape() == stored.shape())) return false;
  if (!s.op->fits_in_place(0, 0, s.in)) return false;
  // Every holder of the buffer is the shared variable or a slot of this call: no borrowed value, no
  // other shared variable, no argument the caller keeps, no reader on another thread (a handle is
  // taken only under the storage's lock, which the caller holds until the write is done).
  long holders = 0;
  for (const NDArray& a : f.slots) holders += a.shares_memory(w);
  if (!sole_holder(stored, holders)) return false;
  // No update takes this buffer for its value (an update W2 := W, or a view of W).
  for (const UpdateBinding& v : f.updates)
    if (f.slots[v.slot].shares_memory(w)) return false;
  return true;
}

}  // namespace

void check_inplace_updates(FunctionImpl& f) {
  auto tail = std::span(f.steps).subspan(f.first_update_step);
  for (const Step& s : tail) {
    UpdateBinding& u = f.updates[size_t(s.inplace_update)];
    u.in_place = may_write_in_place(f, s, u);
  }
  // The writes run one after another: no step may read a buffer that another one writes. Dropping a
  // step only removes writes, so one pass settles it.
  for (const Step& s : tail) {
    UpdateBinding& u = f.updates[size_t(s.inplace_update)];
    for (size_t k = 1; u.in_place && k < s.in.size(); ++k)
      for (const Step& t : tail)
        if (f.updates[size_t(t.inplace_update)].in_place && s.in[k]->shares_memory(*t.in[0])) u.in_place = false;
  }
}

void write_inplace_updates(FunctionImpl& f) {
  for (size_t i = f.first_update_step; i < f.steps.size(); ++i) {
    const Step& s = f.steps[i];
    UpdateBinding& u = f.updates[size_t(s.inplace_update)];
    if (!u.in_place) continue;
    // Input 0 and the output are the storage's value itself: the kernel then writes into it.
    NDArray* target = &u.storage->locked_value();  // the commit holds the storage's lock
    std::array<const NDArray*, kMaxUpdateInputs> in{};
    std::copy(s.in.begin(), s.in.end(), in.begin());
    in[0] = target;
    std::array<NDArray*, 1> out{target};
    InArrays ins(in.data(), s.in.size());
    if (f.profiler) {
      auto t0 = std::chrono::steady_clock::now();
      s.op->perform(ins, out);
      f.profiler->record(i, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      f.profiler->record_arrays(i, ins, out);
    } else {
      s.op->perform(ins, out);
    }
  }
}

}  // namespace theano
