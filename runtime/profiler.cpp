#include "runtime/profiler.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "graph/op.hpp"
#include "runtime/function_impl.hpp"

namespace theano {

void Profiler::reset() {
  std::fill(step_seconds_.begin(), step_seconds_.end(), 0.0);
  std::fill(step_calls_.begin(), step_calls_.end(), 0);
  call_seconds_ = 0;
  calls_ = 0;
}

namespace {
struct Row {
  std::string name;
  double seconds = 0;
  size_t calls = 0, applies = 0;
};

void print_rows(std::FILE* out, const char* title, std::vector<Row> rows, double total) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.seconds > b.seconds; });
  fmt::print(out, "{}\n---\n<% time> <sum %> <apply time> <time per call> <#call> <#apply> <{} name>\n", title, title);
  double cum = 0;
  for (const Row& r : rows) {
    cum += r.seconds;
    fmt::print(out, "  {:5.1f}%   {:5.1f}%   {:9.3f}s   {:10.2e}s   {:6}   {:4}   {}\n", 100 * r.seconds / total, 100 * cum / total, r.seconds,
               r.calls ? r.seconds / r.calls : 0.0, r.calls, r.applies, r.name);
  }
  fmt::print(out, "\n");
}
}  // namespace

void print_profile(const Function& fn, std::FILE* out) {
  const FunctionImpl& f = fn.impl();
  if (!f.profiler) {
    fmt::print(out, "Function '{}' was compiled without profiling: pass {{.profile = true}} or THEANO_FLAGS=profile=True\n", f.name);
    return;
  }
  const Profiler& p = *f.profiler;
  double nodes_total = 0;
  for (size_t i = 0; i < f.steps.size(); ++i) nodes_total += p.step_seconds(i);
  size_t arena = 0;
  for (const NDArray& a : f.slots)
    if (a.defined() && a.buffer()) arena += a.buffer()->bytes;
  fmt::print(out, "Function profiling\n==================\n  Message: {}\n", f.name.empty() ? "<unnamed>" : f.name);
  fmt::print(out, "  Time in {} calls to Function.__call__: {:.6e}s\n", p.calls(), p.call_seconds());
  fmt::print(out, "  Time in thunks: {:.6e}s ({:.1f}%)\n", nodes_total, p.call_seconds() > 0 ? 100 * nodes_total / p.call_seconds() : 0.0);
  fmt::print(out, "  Total compile time: {:.6e}s\n  Number of Apply nodes: {}\n  Bytes held by intermediate buffers: {}\n\n",
             f.compile_ms / 1e3, f.steps.size(), arena);
  if (nodes_total <= 0) return;
  std::map<std::string, Row> by_class, by_op;
  for (size_t i = 0; i < f.steps.size(); ++i) {
    const Op& op = *f.steps[i].op;
    for (auto* m : {&by_class, &by_op}) {
      Row& r = (*m)[m == &by_class ? op.name() : op.str()];
      r.name = m == &by_class ? op.name() : op.str();
      r.seconds += p.step_seconds(i);
      r.calls += p.step_calls(i);
      ++r.applies;
    }
  }
  std::vector<Row> classes, ops;
  for (auto& [k, r] : by_class) classes.push_back(r);
  for (auto& [k, r] : by_op) ops.push_back(r);
  print_rows(out, "Class", classes, nodes_total);
  print_rows(out, "Ops", ops, nodes_total);
  std::vector<size_t> order(f.steps.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p.step_seconds(a) > p.step_seconds(b); });
  fmt::print(out, "Apply\n------\n<% time> <sum %> <apply time> <time per call> <#call> <id> <Apply name>\n");
  double cum = 0;
  for (size_t k = 0; k < order.size() && k < 20; ++k) {
    size_t i = order[k];
    cum += p.step_seconds(i);
    const Step& s = f.steps[i];
    fmt::print(out, "  {:5.1f}%   {:5.1f}%   {:9.3f}s   {:10.2e}s   {:6}   {:4}   {} (created at {})\n", 100 * p.step_seconds(i) / nodes_total,
               100 * cum / nodes_total, p.step_seconds(i), p.step_calls(i) ? p.step_seconds(i) / p.step_calls(i) : 0.0, p.step_calls(i), i,
               s.apply->op->str(), site_str(s.apply->site));
    const auto& shapes = p.input_shapes(i);
    for (size_t j = 0; j < shapes.size() && j < s.in.size(); ++j)
      fmt::print(out, "    input {}: dtype={}, shape={}\n", j, dtype_name(s.in[j] ? s.apply->inputs[j].dtype() : DType::Float64), shapes[j].str());
  }
  fmt::print(out, "   ... (remaining {} Apply instances account for {:.2f}% of the runtime)\n\n",
             order.size() > 20 ? order.size() - 20 : 0, 100 * (nodes_total - cum) / nodes_total);
}

}  // namespace theano
