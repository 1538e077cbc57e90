// theano::scan (frontend/theano/scan.hpp): Theano's scan() argument handling. Builds the step once
// over fresh inner inputs, finds the free variables it reads (implicit non-sequences), checks the
// outputs against outputs_info with Theano's messages, and applies the Scan op (runtime/scan_op.hpp).
#include "frontend/theano/scan.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <stdexcept>
#include <unordered_set>

#include "graph/fgraph.hpp"
#include "runtime/scan_op.hpp"

namespace theano {

namespace scan_module {
Until until(const Var& condition, std::source_location loc) {
  SiteScope site(loc);
  require_defined(condition, "theano::scan_module::until", "condition");
  if (condition.ndim() != 0)
    throw std::invalid_argument(fmt::format("theano::scan_module::until: the condition must be a scalar, got {} (at {})",
                                            condition.type().str(), SiteScope::current_str()));
  return {condition};
}
}  // namespace scan_module

namespace scan_detail {
namespace {

std::string taps_str(const std::vector<int>& taps) {
  std::string s = "[";
  for (size_t i = 0; i < taps.size(); ++i) s += (i ? ", " : "") + std::to_string(taps[i]);
  return s + "]";
}

// The type of one row (x[t]) of x.
TensorType row_type(const TensorType& t) {
  TensorType r(t.dtype, t.ndim() - 1);
  for (int d = 1; d < t.ndim(); ++d) {
    r.shape[d - 1] = t.shape[d];
    r.bcast[size_t(d - 1)] = t.bcast[size_t(d)];
  }
  return r;
}

// Theano's names of inner slices: x[t], x[t+1], x[t-1].
std::string tap_name(const Var& v, int k) {
  if (v.name().empty()) return "";
  if (k == 0) return v.name() + "[t]";
  return v.name() + (k > 0 ? fmt::format("[t+{}]", k) : fmt::format("[t{}]", k));
}

[[noreturn]] void fail(const char* api, const std::string& what) {
  throw std::invalid_argument(fmt::format("{}: {} (at {})", api, what, SiteScope::current_str()));
}

void check_taps(const char* api, size_t i, const ScanOutputInfo& o) {
  if (o.taps.empty()) fail(api, fmt::format("outputs_info[{}] has an initial value but no taps", i));
  if (std::set<int>(o.taps.begin(), o.taps.end()).size() != o.taps.size())
    fail(api, fmt::format("All the taps must be different in `outputs_info` (outputs_info[{}] has taps {})", i, taps_str(o.taps)));
  for (int t : o.taps)
    if (t >= 0) fail(api, fmt::format("All the tap values must be smaller than 0. (outputs_info[{}] has taps {})", i, taps_str(o.taps)));
}

// Theano's checks of a fed-back output against its initial value (scan_op.Scan.validate_inner_graph).
void check_fed_back(const char* api, size_t i, size_t argument, const ScanOutputInfo& o, const Var& step) {
  const Var& init = *o.initial;
  bool sit = o.taps == std::vector<int>{-1};
  int want_ndim = sit ? init.ndim() : init.ndim() - 1;
  if (step.dtype() != init.dtype())
    fail(api, fmt::format("When compiling the inner function of scan the following error has been encountered: The initial state "
                          "(`outputs_info` in scan nomenclature) of variable {} (argument number {}) has dtype {}, while the result "
                          "of the inner function (`fn`) has dtype {}. This can happen if the inner function of scan results in an "
                          "upcast or downcast.",
                          init.describe(), argument, dtype_name(init.dtype()), dtype_name(step.dtype())));
  if (step.ndim() != want_ndim)
    fail(api, fmt::format("output {}: the initial state (`outputs_info` in scan nomenclature) of variable {} (argument number {}) has {} "
                          "dimension(s), while the corresponding variable in the result of the inner function of scan (`fn`) has {} "
                          "dimension(s) (it should be {} than the initial state{})",
                          i, init.describe(), argument, init.ndim(), step.ndim(), sit ? "the same" : "one less",
                          sit ? "" : ", whose leading dimension holds the states the taps read"));
  const TensorType& st = step.type();
  TensorType in = sit ? init.type() : row_type(init.type());
  for (int d = 0; d < st.ndim(); ++d)
    if (st.broadcastable(d) != in.broadcastable(d))
      fail(api, fmt::format("The broadcast pattern of the output of scan ({}) is inconsistent with the one provided in `output_info` "
                            "({}). The output on axis {} is `{}`, but it is `{}` on axis {} in `output_info`. This can happen if one "
                            "of the dimension is fixed to 1 in the input, while it is still variable in the output, or vice-verca. "
                            "You have to make them consistent, e.g. using T::patternbroadcast, T::unbroadcast or T::addbroadcast.",
                            st.str(), in.str(), d, st.broadcastable(d) ? "True" : "False", in.broadcastable(d) ? "True" : "False", d));
}

}  // namespace

ScanResult scan(const StepFn& fn, int arity, const ScanOptions& o, const char* api, std::source_location loc) {
  SiteScope site(loc);
  for (size_t i = 0; i < o.sequences.size(); ++i) {
    require_defined(o.sequences[i].input, api, fmt::format("sequences[{}]", i));
    if (o.sequences[i].input.ndim() == 0) fail(api, fmt::format("sequences[{}] is a scalar: a sequence needs a leading dimension to iterate over", i));
    if (o.sequences[i].taps.empty()) fail(api, fmt::format("sequences[{}] has no taps", i));
  }
  for (size_t i = 0; i < o.outputs_info.size(); ++i)
    if (o.outputs_info[i].initial) {
      require_defined(*o.outputs_info[i].initial, api, fmt::format("outputs_info[{}]", i));
      check_taps(api, i, o.outputs_info[i]);
    }
  require_defined(std::span<const Var>(o.non_sequences), api, "non_sequences");
  if (o.truncate_gradient != -1) fail(api, fmt::format("truncate_gradient={} needs scan's gradient, which is not implemented yet", o.truncate_gradient));
  if (o.n_steps.symbolic) {
    const Var& n = *o.n_steps.symbolic;
    require_defined(n, api, "n_steps");
    if (!is_integer(n.dtype())) fail(api, fmt::format(" n_steps must be an int. dtype provided is {}", dtype_name(n.dtype())));
    if (n.ndim() != 0) fail(api, fmt::format("n_steps must be a scalar, got {}", n.type().str()));
  }
  bool has_n_steps = o.n_steps.fixed || o.n_steps.symbolic;
  if (o.sequences.empty() && !has_n_steps)
    fail(api, "No information about the number of steps provided. Either provide a value for n_steps argument of scan or provide an input sequence");

  // fn's arguments: sequence taps, fed-back output taps, non-sequences (shared and constant ones as
  // themselves, as Theano passes them; others as fresh inner copies).
  std::vector<Var> args, inner_inputs;
  for (const ScanSequence& s : o.sequences)
    for (int k : s.taps) args.push_back(Var(make_input(row_type(s.input.type()), tap_name(s.input, k))));
  for (const ScanOutputInfo& out : o.outputs_info) {
    if (!out.initial) continue;
    const Var& init = *out.initial;
    bool sit = out.taps == std::vector<int>{-1};
    if (!sit && init.ndim() == 0)
      fail(api, fmt::format("the initial value {} of an output with taps {} is a scalar: it must hold the states the taps read along "
                            "its leading dimension",
                            init.describe(), taps_str(out.taps)));
    for (int k : out.taps) args.push_back(Var(make_input(sit ? init.type() : row_type(init.type()), tap_name(init, k))));
  }
  inner_inputs = args;
  std::vector<Var> outer_non_seqs, inner_non_seqs;
  std::unordered_set<VarNode*> explicit_shared;
  for (const Var& v : o.non_sequences) {
    if (v.is_constant() || v.is_shared()) {
      args.push_back(v);
      if (v.is_shared()) explicit_shared.insert(v.node());
      continue;
    }
    Var inner(make_input(v.type(), v.name().empty() ? "" : v.name() + "_copy"));  // Theano's safe_new name
    args.push_back(inner);
    outer_non_seqs.push_back(v);
    inner_non_seqs.push_back(inner);
  }
  if (arity >= 0 && size_t(arity) != args.size()) {
    size_t out_taps = 0;
    for (const ScanOutputInfo& x : o.outputs_info) out_taps += x.initial ? x.taps.size() : 0;
    fail(api, fmt::format("fn takes {} argument(s) but scan passes {}: {} sequence tap(s), {} output tap(s) and {} non-sequence(s), in that order",
                          arity, args.size(), args.size() - out_taps - o.non_sequences.size(), out_taps, o.non_sequences.size()));
  }

  ScanStep step = fn(args);
  require_defined(std::span<const Var>(step.outputs), api, "the outputs of fn");
  std::vector<ScanOutputInfo> infos = o.outputs_info;
  if (infos.empty()) infos.assign(step.outputs.size(), ScanOutputInfo(std::nullopt));
  if (infos.size() != step.outputs.size())
    fail(api, fmt::format("Please provide None as outputs_info for any output that does not feed back into scan (i.e. it behaves like a "
                          "map) (fn returned {} output(s), outputs_info has {} entries; use std::nullopt for None)",
                          step.outputs.size(), infos.size()));
  size_t argument = o.sequences.size();  // Theano numbers the scan node's inputs after n_steps, sequences first
  for (size_t i = 0; i < infos.size(); ++i)
    if (infos[i].initial) check_fed_back(api, i, argument++, infos[i], step.outputs[i]);

  // Updated shared variables: each becomes a state of the loop.
  std::vector<std::pair<Var, Var>> replace;
  std::vector<Var> shared_outer, update_values;
  std::unordered_set<VarNode*> updated;
  for (size_t j = 0; j < step.updates.size(); ++j) {
    const Var& target = step.updates[j].first;
    const Var& value = step.updates[j].second;
    require_defined(target, api, fmt::format("updates[{}].first", j));
    require_defined(value, api, fmt::format("updates[{}].second", j));
    if (!target.is_shared()) fail(api, fmt::format("update target must be a SharedVariable, got {}", target.describe()));
    if (!updated.insert(target.node()).second) fail(api, fmt::format("this shared variable already has an update expression: {}", target.describe()));
    if (!target.type().same_as(value.type()))
      fail(api, fmt::format("An update must have the same type as the original shared variable (shared_var={}, shared_var.type={}, "
                            "update_val={}, update_val.type={})",
                            target.describe(), target.type().str(), value.describe(), value.type().str()));
    Var inner(make_input(target.type(), target.name()));
    replace.push_back({target, inner});
    inner_inputs.push_back(inner);
    shared_outer.push_back(target);
    update_values.push_back(value);
  }
  inner_inputs.insert(inner_inputs.end(), inner_non_seqs.begin(), inner_non_seqs.end());

  // Everything the step computes from; free variables become implicit non-sequences.
  std::vector<Variable> inner_outputs(step.outputs.begin(), step.outputs.end());
  inner_outputs.insert(inner_outputs.end(), update_values.begin(), update_values.end());
  if (step.until) inner_outputs.push_back(step.until->condition);
  std::unordered_set<VarNode*> own(inner_inputs.size());
  for (const Var& v : inner_inputs) own.insert(v.node());
  for (const Variable& leaf : graph_leaves(inner_outputs)) {
    if (leaf.is_constant() || own.count(leaf.node()) || updated.count(leaf.node())) continue;
    if (leaf.is_shared()) {
      if (o.strict && !explicit_shared.count(leaf.node()))
        fail(api, fmt::format("strict scan: the step reads the shared variable {}, which is not in non_sequences. Please pass this "
                              "variable to the scan's inner function. Do not forget to also pass it to the `non_sequences` attribute of scan.",
                              leaf.describe()));
      if (leaf.node()->default_update)
        fail(api, fmt::format("the step reads {}, which has a default update (a random stream's state): random numbers inside scan are "
                              "not supported yet",
                              leaf.describe()));
    }
    Var inner(make_input(leaf.type(), leaf.name().empty() ? "" : leaf.name() + "_copy"));
    replace.push_back({Var(leaf), inner});
    inner_inputs.push_back(inner);
    outer_non_seqs.push_back(Var(leaf));
  }

  ScanInfo info;
  for (const ScanSequence& s : o.sequences) info.seq_taps.push_back(s.taps);
  for (const ScanOutputInfo& x : infos) info.out_taps.push_back(x.initial ? x.taps : std::vector<int>{});
  info.n_shared_outs = int(shared_outer.size());
  info.n_non_seqs = int(outer_non_seqs.size());
  info.has_n_steps = has_n_steps;
  info.go_backwards = o.go_backwards;
  info.as_while = step.until.has_value();
  info.name = o.name.empty() ? "scan_fn" : o.name;

  std::vector<Variable> outer;
  if (o.n_steps.symbolic) outer.push_back(*o.n_steps.symbolic);
  else if (o.n_steps.fixed) outer.push_back(make_constant(NDArray::scalar<int64_t>(*o.n_steps.fixed)));
  for (const ScanSequence& s : o.sequences) outer.push_back(s.input);
  for (const ScanOutputInfo& x : infos)
    if (x.initial) outer.push_back(*x.initial);
  outer.insert(outer.end(), shared_outer.begin(), shared_outer.end());
  outer.insert(outer.end(), outer_non_seqs.begin(), outer_non_seqs.end());

  auto op = std::make_shared<ScanOp>(std::move(info), as_variables(inner_inputs), inner_outputs, std::move(replace));
  std::vector<Variable> results = make_apply(op, std::move(outer));
  ScanResult r;
  for (size_t i = 0; i < infos.size(); ++i) r.outputs.push_back(results[i]);
  for (size_t j = 0; j < shared_outer.size(); ++j) r.updates.push_back({shared_outer[j], Var(results[infos.size() + j])});
  return r;
}

ScanResult last_steps(ScanResult r, std::source_location loc) {
  SiteScope site(loc);
  for (Var& v : r.outputs) v = v[-1];
  return r;
}

}  // namespace scan_detail
}  // namespace theano
