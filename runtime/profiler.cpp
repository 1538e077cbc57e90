#include "runtime/profiler.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <unordered_set>

#include "graph/op.hpp"
#include "core/config.hpp"
#include "runtime/function_impl.hpp"

namespace theano {

// ---- recording ----
namespace {
void keep(ProfiledArray& p, const NDArray* a) {
  p.defined = a && a->defined();
  if (!p.defined) return;
  p.dtype = a->dtype();
  p.shape = a->shape();
  p.strides = a->strides();
  p.c_contiguous = a->is_contiguous();
}
}  // namespace

void Profiler::record_arrays(size_t step, InArrays in, OutArrays out) {
  auto& pi = inputs_[step];
  auto& po = outputs_[step];
  if (pi.size() != in.size()) pi.resize(in.size());
  if (po.size() != out.size()) po.resize(out.size());
  for (size_t k = 0; k < in.size(); ++k) keep(pi[k], in[k]);
  for (size_t k = 0; k < out.size(); ++k) keep(po[k], out[k]);
}

double Profiler::nodes_seconds() const { return std::accumulate(step_seconds_.begin(), step_seconds_.end(), 0.0); }

void Profiler::reset() {
  std::fill(step_seconds_.begin(), step_seconds_.end(), 0.0);
  std::fill(step_calls_.begin(), step_calls_.end(), 0);
  call_seconds_ = 0;
  calls_ = 0;
}

// ---- memory ----
namespace {
// The VmHWM and VmRSS lines of /proc/self/status in bytes (0 when unavailable), from one read: the
// kernel reports HWM >= RSS within one read, two reads could see RSS grow in between.
void read_peak_and_resident(size_t& hwm, size_t& rss) {
  std::ifstream in("/proc/self/status");
  std::string line;
  auto bytes_after = [&](const char* key, size_t& out) {
    size_t n = std::strlen(key);
    if (line.compare(0, n, key) == 0) out = size_t(std::strtoull(line.c_str() + n, nullptr, 10)) * 1024;
  };
  while (std::getline(in, line)) {
    bytes_after("VmHWM:", hwm);
    bytes_after("VmRSS:", rss);
  }
}

MemoryStats memory_stats_of(const FunctionImpl& f) {
  MemoryStats m;
  std::unordered_set<const Buffer*> seen;
  for (size_t s = 0; s < f.slots.size(); ++s) {
    const NDArray& a = f.slots[s];
    if (!a.defined() || !seen.insert(a.buffer().get()).second) continue;
    bool transient = s < f.slot_is_transient.size() && f.slot_is_transient[s];
    if (transient) {
      m.constant_bytes += a.buffer()->bytes;  // transient slots are empty between calls: what is left is a constant
    } else {
      m.arena_bytes += a.buffer()->bytes;
      ++m.arena_buffers;
    }
  }
  const MemoryPlan& plan = f.memory_plan;
  m.planned_buffers = plan.groups.size();
  m.planned_results = plan.values.size();
  m.inplace_nodes = plan.n_inplace();
  m.inplace_updates = size_t(std::count_if(f.updates.begin(), f.updates.end(), [](const UpdateBinding& u) { return u.in_place; }));
  if (f.profiler)
    for (const PlannedValue& v : plan.values) {
      const Apply* a = f.steps[size_t(v.def)].apply;
      for (size_t k = 0; k < a->outputs.size(); ++k) {
        if (a->outputs[k].get() != v.var || k >= f.profiler->outputs(size_t(v.def)).size()) continue;
        const ProfiledArray& p = f.profiler->outputs(size_t(v.def))[k];
        if (p.defined) m.unshared_bytes += size_t(checked::bytes_for(p.dtype, p.shape.span()));
      }
    }
  read_peak_and_resident(m.vm_hwm_bytes, m.vm_rss_bytes);
  return m;
}

std::string human_bytes(size_t b) {
  if (b < 1024) return fmt::format("{}B", b);
  if (b < size_t(1) << 20) return fmt::format("{:.1f}KB", double(b) / 1024);
  if (b < size_t(1) << 30) return fmt::format("{:.1f}MB", double(b) / (1 << 20));
  return fmt::format("{:.2f}GB", double(b) / (1 << 30));
}

// ---- the summary ----
struct Row {
  std::string name;
  double seconds = 0;
  size_t calls = 0, applies = 0;
};

using TextOut = fmt::memory_buffer;

void print_rows(TextOut& out, const char* title, const char* what, std::vector<Row> rows, double total, size_t limit) {
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.seconds > b.seconds; });
  auto o = std::back_inserter(out);
  fmt::format_to(o, "{}\n---\n<% time> <sum %> <apply time> <time per call> <#call> <#apply> <{} name>\n", title, what);
  double cum = 0;
  size_t k = 0;
  for (; k < rows.size() && k < limit; ++k) {
    const Row& r = rows[k];
    cum += r.seconds;
    fmt::format_to(o, "  {:5.1f}%   {:5.1f}%   {:9.3f}s   {:10.2e}s   {:6}   {:4}   {}\n", 100 * r.seconds / total, 100 * cum / total,
                   r.seconds, r.calls ? r.seconds / r.calls : 0.0, r.calls, r.applies, r.name);
  }
  double rest = std::max(0.0, total - cum);  // rounding may leave -0
  fmt::format_to(o, "   ... (remaining {} {} account for {:5.2f}%({:.2f}s) of the runtime)\n\n", rows.size() - k,
                 title == std::string("Class") ? "Classes" : "Ops", 100 * rest / total, rest);
}

// numpy's strides in bytes, or "c" for a C-contiguous array, as Theano prints them.
std::string strides_str(const ProfiledArray& a) {
  if (a.c_contiguous) return "c";
  std::string s = "(";
  for (int i = 0; i < a.strides.size(); ++i)
    s += fmt::format("{}{}", i ? ", " : "", a.strides[i] * int64_t(dtype_size(a.dtype)));
  return s + (a.strides.size() == 1 ? ",)" : ")");
}

std::string apply_name(const Step& s) {
  std::string r = s.apply->op->str();
  r += " (created at " + site_str(s.apply->site);
  if (!s.apply->scope.empty()) r += " in scope " + s.apply->scope;
  return r + ")";
}

// Bytes of a step's outputs on its last call (views hold none of their own). Read from the recorded
// shapes: between calls a planned output's buffer may sit in another result's slot.
size_t output_bytes(const FunctionImpl& f, size_t step) {
  if (f.steps[step].is_view || !f.profiler) return 0;
  size_t bytes = 0;
  for (const ProfiledArray& a : f.profiler->outputs(step))
    if (a.defined) bytes += size_t(checked::bytes_for(a.dtype, a.shape.span()));
  return bytes;
}
}  // namespace

namespace detail {

std::string profile_str(const FunctionImpl& f, const ProfileOptions& opts) {
  TextOut buf;
  auto o = std::back_inserter(buf);
  const std::string name = f.name.empty() ? "<unnamed>" : f.name;
  if (!f.profiler) {
    fmt::format_to(o, "Function '{}' was compiled without profiling: pass {{.profile = true}} or THEANO_FLAGS=profile=True\n", name);
    return fmt::to_string(buf);
  }
  const Profiler& p = *f.profiler;
  const double nodes_total = p.nodes_seconds();
  fmt::format_to(o, "Function profiling\n==================\n  Message: {}\n", name);
  fmt::format_to(o, "  Time in {} calls to Function.__call__: {:.6e}s\n", p.calls(), p.call_seconds());
  if (p.calls() > 0) fmt::format_to(o, "  Time per call: {:.6e}s\n", p.call_seconds() / double(p.calls()));
  fmt::format_to(o, "  Time in thunks: {:.6e}s ({:.1f}%)\n", nodes_total, p.call_seconds() > 0 ? 100 * nodes_total / p.call_seconds() : 0.0);
  fmt::format_to(o, "  Time outside thunks (binding arguments, outputs, updates): {:.6e}s\n", std::max(0.0, p.call_seconds() - nodes_total));
  fmt::format_to(o, "  Total compile time: {:.6e}s\n", f.compile_ms / 1e3);
  fmt::format_to(o, "    Number of Apply nodes: {}\n", f.steps.size());
  fmt::format_to(o, "    Number of outputs: {}, updates: {}\n\n", f.output_slots.size(), f.updates.size());

  if (nodes_total > 0) {
    // Per class, per op.
    std::map<std::string, Row> by_class, by_op;
    for (size_t i = 0; i < f.steps.size(); ++i) {
      const Op& op = *f.steps[i].op;
      std::string cls = op.name(), str = op.str();
      for (auto [m, key] : {std::pair{&by_class, &cls}, std::pair{&by_op, &str}}) {
        Row& r = (*m)[*key];
        r.name = *key;
        r.seconds += p.step_seconds(i);
        r.calls += p.step_calls(i);
        ++r.applies;
      }
    }
    std::vector<Row> classes, ops;
    for (auto& [k, r] : by_class) classes.push_back(r);
    for (auto& [k, r] : by_op) ops.push_back(r);
    print_rows(buf, "Class", "Class", classes, nodes_total, opts.n_ops);
    print_rows(buf, "Ops", "Op", ops, nodes_total, opts.n_ops);

    // Per apply, with the dtypes, shapes and strides of its last call.
    std::vector<size_t> order(f.steps.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p.step_seconds(a) > p.step_seconds(b); });
    fmt::format_to(o, "Apply\n------\n<% time> <sum %> <apply time> <time per call> <#call> <id> <Apply name>\n");
    double cum = 0;
    size_t k = 0;
    for (; k < order.size() && k < opts.n_apply; ++k) {
      size_t i = order[k];
      double t = p.step_seconds(i);
      cum += t;
      fmt::format_to(o, "  {:5.1f}%   {:5.1f}%   {:9.3f}s   {:10.2e}s   {:6}   {:4}   {}\n", 100 * t / nodes_total, 100 * cum / nodes_total, t,
                     p.step_calls(i) ? t / double(p.step_calls(i)) : 0.0, p.step_calls(i), i, apply_name(f.steps[i]));
      for (auto [label, arrays] : {std::pair{"input", &p.inputs(i)}, std::pair{"output", &p.outputs(i)}})
        for (size_t j = 0; j < arrays->size(); ++j) {
          const ProfiledArray& a = (*arrays)[j];
          if (a.defined)
            fmt::format_to(o, "    {} {}: dtype={}, shape={}, strides={}\n", label, j, dtype_name(a.dtype), a.shape.str(), strides_str(a));
        }
    }
    double rest = std::max(0.0, nodes_total - cum);
    fmt::format_to(o, "   ... (remaining {} Apply instances account for {:.2f}%({:.2f}s) of the runtime)\n\n", order.size() - k,
                   100 * rest / nodes_total, rest);
  } else {
    fmt::format_to(o, "  No execution time accumulated (the function was not called)\n\n");
  }

  // Memory.
  MemoryStats m = memory_stats_of(f);
  fmt::format_to(o, "Memory Profile\n---\n");
  fmt::format_to(o, "    Bytes held by intermediate buffers (arena): {} ({}) in {} buffers\n", m.arena_bytes, human_bytes(m.arena_bytes),
                 m.arena_buffers);
  if (m.unshared_bytes)
    fmt::format_to(o, "    Without sharing (the sum of the {} intermediate results): {} ({}); the plan has {} buffers, {} nodes in place\n",
                   m.planned_results, m.unshared_bytes, human_bytes(m.unshared_bytes), m.planned_buffers, m.inplace_nodes);
  if (m.inplace_updates) fmt::format_to(o, "    Updates written into their shared variable (Gemm{{inplace}}): {}\n", m.inplace_updates);
  fmt::format_to(o, "    Bytes held by constants: {} ({})\n", m.constant_bytes, human_bytes(m.constant_bytes));
  if (m.vm_hwm_bytes)
    fmt::format_to(o, "    Peak resident memory of the process (VmHWM): {} ({}); now (VmRSS): {}\n", m.vm_hwm_bytes, human_bytes(m.vm_hwm_bytes),
                   human_bytes(m.vm_rss_bytes));
  std::vector<std::pair<size_t, size_t>> largest;  // (bytes, step)
  for (size_t i = 0; i < f.steps.size(); ++i)
    if (size_t b = output_bytes(f, i)) largest.push_back({b, i});
  std::stable_sort(largest.begin(), largest.end(), [](auto& a, auto& b) { return a.first > b.first; });
  if (!largest.empty()) {
    fmt::format_to(o, "\n    <Sum apply outputs (bytes)> <Apply outputs shape> <id> <Apply name>\n");
    size_t k = 0, shown = 0, total = 0;
    for (auto& [b, i] : largest) total += b;
    for (; k < largest.size() && k < opts.n_memory; ++k) {
      auto [b, i] = largest[k];
      shown += b;
      std::string shapes;
      for (const ProfiledArray& a : f.profiler->outputs(i)) shapes += (shapes.empty() ? "" : ", ") + a.shape.str();
      const Step& st = f.steps[i];
      bool inplace = std::any_of(st.handoffs.begin(), st.handoffs.end(), [](const Handoff& h) { return !h.inplace_inputs.empty(); }) ||
                     (st.inplace_update >= 0 && f.updates[size_t(st.inplace_update)].in_place);
      fmt::format_to(o, "     {:>12}B  [{}]  {:4}  {}{}\n", b, shapes, i, f.steps[i].op->str(), inplace ? " (in place)" : "");
    }
    fmt::format_to(o, "   ... (remaining {} Apply account for {}B/{}B ({:.2f}%) of the Apply with dense outputs sizes)\n", largest.size() - k,
                   total - shown, total, total ? 100.0 * double(total - shown) / double(total) : 0.0);
  }
  fmt::format_to(o, "\n");
  return fmt::to_string(buf);
}

// ---- printing at exit (THEANO_FLAGS=profile=True) ----
namespace {
struct Registry {
  std::mutex m;
  std::vector<std::weak_ptr<FunctionImpl>> fns;
  bool atexit_installed = false;
};
Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: functions may outlive every static
  return *r;
}

void emit(FunctionImpl& f) {
  std::string s = profile_str(f, {});
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fflush(stderr);
}

void print_all_at_exit() {
  std::vector<std::shared_ptr<FunctionImpl>> alive;
  {
    Registry& r = registry();
    std::lock_guard lock(r.m);
    for (auto& w : r.fns)
      if (auto p = w.lock()) alive.push_back(std::move(p));
    r.fns.clear();
  }
  for (auto& p : alive)
    if (p->profiler && !p->profiler->printed) {
      p->profiler->printed = true;
      emit(*p);
    }
}
}  // namespace

void register_profiled(const std::shared_ptr<FunctionImpl>& impl) {
  if (!impl || !impl->profiler || impl->profiler->print_at_exit || !config().profile) return;
  impl->profiler->print_at_exit = true;
  Registry& r = registry();
  std::lock_guard lock(r.m);
  std::erase_if(r.fns, [](const std::weak_ptr<FunctionImpl>& w) { return w.expired(); });
  r.fns.push_back(impl);
  if (!r.atexit_installed) {
    r.atexit_installed = true;
    std::atexit(print_all_at_exit);
  }
}

void print_on_destroy(FunctionImpl& impl) {
  if (!impl.profiler || !impl.profiler->print_at_exit || impl.profiler->printed) return;
  impl.profiler->printed = true;
  emit(impl);
}

}  // namespace detail

FunctionImpl::~FunctionImpl() {
  try {
    detail::print_on_destroy(*this);
  } catch (...) {
  }
}

std::string profile_str(const Function& f, const ProfileOptions& opts) {
  require_defined(f, "profile_str");
  return detail::profile_str(f.impl(), opts);
}

void print_profile(const Function& f, std::FILE* out, const ProfileOptions& opts) {
  require_defined(f, "print_profile");
  std::string s = detail::profile_str(f.impl(), opts);
  std::fwrite(s.data(), 1, s.size(), out);
  std::fflush(out);
}

MemoryStats memory_stats(const Function& f) {
  require_defined(f, "memory_stats");
  return memory_stats_of(f.impl());
}

}  // namespace theano
