#include "runtime/inplace_updates.hpp"

#include <algorithm>
#include <array>
#include <chrono>

#include "ops/blas.hpp"
#include "runtime/function_impl.hpp"

namespace theano {

std::vector<bool> choose_inplace_updates(FunctionGraph& fg, size_t n_outputs, std::span<const std::pair<Var, Var>> updates,
                                         std::vector<Apply*>& order) {
  std::vector<bool> chosen(updates.size(), false);
  std::vector<Apply*> moved;
  for (size_t i = 0; i < updates.size(); ++i) {
    const Var& value = fg.outputs()[n_outputs + i];
    Apply* a = value.owner();
    auto* gemm = a ? dynamic_cast<const ops::Gemm*>(a->op.get()) : nullptr;
    if (!gemm) continue;
    const VarNode* z = a->inputs[0].node();
    // Z is the updated variable itself (a givens replacement is another node), and the result goes
    // to this update only: one client, the function's output slot of update i.
    if (z->kind != VarKind::Shared || z->shared != updates[i].first.node()->shared) continue;
    if (fg.clients(value).size() != 1) continue;
    a->op = std::make_shared<ops::Gemm>(/*inplace=*/true);
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
  const NDArray& stored = u.storage->value;
  if (!w.defined() || !w.shares_memory(stored) || w.offset() != stored.offset() || !(w.shape() == stored.shape())) return false;
  if (!ops::gemm_fits_in_place(w, *s.in[2], *s.in[3])) return false;
  // Every holder of the buffer is the shared variable or a slot of this call: no borrowed value, no
  // other shared variable, no argument the caller keeps.
  long holders = 1;
  for (const NDArray& a : f.slots) holders += a.shares_memory(w);
  if (w.buffer().use_count() != holders) return false;
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
    // Z and the output are the storage's value itself: Gemm::perform then writes into it.
    NDArray* target = &u.storage->value;
    std::array<const NDArray*, 5> in{target, s.in[1], s.in[2], s.in[3], s.in[4]};
    std::array<NDArray*, 1> out{target};
    if (f.profiler) {
      auto t0 = std::chrono::steady_clock::now();
      s.op->perform(in, out);
      f.profiler->record(i, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      f.profiler->record_arrays(i, in, out);
    } else {
      s.op->perform(in, out);
    }
  }
}

}  // namespace theano
