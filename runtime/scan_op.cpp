// Scan's types and kernel (runtime/scan_op.hpp). The kernel binds views of the outer arrays' rows
// straight into the inner function's input slots and runs its steps, so a step allocates nothing
// once the inner buffers exist; the outputs of all steps are allocated once per call.
#include "runtime/scan_op.hpp"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>

#include "ops/elemwise.hpp"
#include "ops/shape_math.hpp"
#include "runtime/function_impl.hpp"

namespace theano {

namespace {
std::atomic<uint64_t> scan_counter{1};

std::string taps_str(const std::vector<int>& taps) {
  std::string s = "{";
  for (size_t i = 0; i < taps.size(); ++i) s += (i ? ", " : "") + std::to_string(taps[i]);
  return s + "}";
}

// Row i of a (the sub-array a[i]): a view, no allocation.
NDArray row(const NDArray& a, int64_t i) {
  Dims shape, strides;
  for (int d = 1; d < a.ndim(); ++d) {
    shape.push_back(a.shape(d));
    strides.push_back(a.stride(d));
  }
  return a.view(shape, strides, a.offset() + i * a.stride(0));
}

Dims without_first(const Dims& d) {
  Dims r;
  for (int i = 1; i < d.size(); ++i) r.push_back(d[i]);
  return r;
}
Dims with_first(int64_t n, const Dims& d) {
  Dims r{n};
  for (int64_t v : d) r.push_back(v);
  return r;
}

bool sit_sot(const std::vector<int>& taps) { return taps.size() == 1 && taps[0] == -1; }
int min_tap(const std::vector<int>& taps) { return *std::min_element(taps.begin(), taps.end()); }
int max_tap(const std::vector<int>& taps) { return *std::max_element(taps.begin(), taps.end()); }
}  // namespace

ScanOp::ScanOp(ScanInfo info, std::vector<Variable> inner_inputs, std::vector<Variable> inner_outputs,
               std::vector<std::pair<Var, Var>> replace)
    : info_(std::move(info)), id_(scan_counter.fetch_add(1)), inner_inputs_(std::move(inner_inputs)), inner_outputs_(std::move(inner_outputs)) {
  FunctionOptions o;
  o.name = info_.name;
  o.on_unused_input = "ignore";  // a step may ignore some of its arguments
  o.no_default_updates = true;   // the scan, not its step, decides what updates
  o.givens = std::move(replace);
  fn_ = compile_function(as_vars(inner_inputs_), as_vars(inner_outputs_), o);
  row_shapes_.resize(info_.out_taps.size() + size_t(info_.n_shared_outs));
  state_scratch_.resize(size_t(info_.n_shared_outs));
}

size_t ScanOp::outer_input_of(size_t inner) const {
  size_t outer = info_.has_n_steps ? 1 : 0;
  for (const auto& taps : info_.seq_taps) {
    if (inner < taps.size()) return outer;
    inner -= taps.size();
    ++outer;
  }
  for (const auto& taps : info_.out_taps) {
    if (taps.empty()) continue;
    if (inner < taps.size()) return outer;
    inner -= taps.size();
    ++outer;
  }
  return outer + inner;  // shared states and non-sequences: one inner input each
}

std::string ScanOp::str() const { return fmt::format("{}{{cpu,{}}}", info_.as_while ? "while" : "for", info_.name); }

std::vector<TensorType> ScanOp::make_types(Vars inputs) const {
  size_t n_fed = size_t(std::count_if(info_.out_taps.begin(), info_.out_taps.end(), [](const auto& t) { return !t.empty(); }));
  size_t want = size_t(info_.has_n_steps) + info_.seq_taps.size() + n_fed + size_t(info_.n_shared_outs) + size_t(info_.n_non_seqs);
  if (inputs.size() != want) throw OpError(fmt::format("expected {} inputs, got {}", want, inputs.size()));
  if (info_.has_n_steps && (inputs[0].ndim() != 0 || !is_integer(inputs[0].dtype())))
    throw OpError(fmt::format("n_steps must be an integer scalar, got {}", inputs[0].type().str()));
  std::vector<TensorType> types;
  for (size_t k = 0; k < info_.out_taps.size(); ++k) {
    const TensorType& step = inner_outputs_[k].type();
    TensorType t(step.dtype, step.ndim() + 1);
    for (int d = 0; d < step.ndim(); ++d) {
      t.shape[d + 1] = step.shape[d];
      t.bcast[size_t(d + 1)] = step.bcast[size_t(d)];
    }
    types.push_back(t);
  }
  size_t shared0 = size_t(info_.has_n_steps) + info_.seq_taps.size() + n_fed;
  for (int j = 0; j < info_.n_shared_outs; ++j) types.push_back(inputs[shared0 + size_t(j)].type());
  return types;
}

OutShapes ScanOp::infer_shape(Vars inputs, InShapes shapes) const {
  namespace dims = ops::dims;
  size_t pos = info_.has_n_steps ? 1 : 0;
  Var steps;  // undefined: unknown
  if (info_.has_n_steps) steps = inputs[0].dtype() == DType::Int64 ? Var(inputs[0]) : ops::cast(inputs[0], DType::Int64);
  for (const auto& taps : info_.seq_taps) {
    int64_t span = std::max(max_tap(taps), 0) - std::min(min_tap(taps), 0);
    Var usable = dims::maximum(dims::sub(Var(shapes[pos++][0]), dims::constant(span)), dims::constant(0));
    if (!info_.has_n_steps) steps = steps.defined() ? dims::minimum(steps, usable) : usable;
  }
  if (info_.as_while) steps = Var();
  std::vector<std::vector<Variable>> out;
  for (size_t k = 0; k < info_.out_taps.size(); ++k) {
    std::vector<Variable> d{steps};
    const auto& taps = info_.out_taps[k];
    if (taps.empty()) {
      for (int64_t n : inner_outputs_[k].type().shape) d.push_back(n >= 0 ? Variable(dims::constant(n)) : Variable());
    } else {
      const auto& init = shapes[pos++];
      d.insert(d.end(), init.begin() + (sit_sot(taps) ? 0 : 1), init.end());
    }
    out.push_back(std::move(d));
  }
  for (int j = 0; j < info_.n_shared_outs; ++j) out.push_back(shapes[pos++]);
  return out;
}

Cotangents ScanOp::pullback(Vars, Vars, OutCotangents) const {
  throw OpError(fmt::format("grad of scan is not implemented yet ({}: theano::scan's gradient, Theano's scan_module.scan_op.Scan.grad, "
                            "is planned; differentiate a graph without scan meanwhile)",
                            str()));
}

void ScanOp::perform(InArrays in, OutArrays out) const {
  Function::Impl& f = fn_.impl();
  std::lock_guard lock(f.call_mutex);
  const size_t n_seqs = info_.seq_taps.size(), n_outs = info_.out_taps.size(), n_shared = size_t(info_.n_shared_outs);
  size_t pos = info_.has_n_steps ? 1 : 0;
  const size_t seq0 = pos;
  pos += n_seqs;
  const size_t init0 = pos;
  for (const auto& taps : info_.out_taps) pos += taps.empty() ? 0 : 1;
  const size_t shared0 = pos;
  const size_t nonseq0 = shared0 + n_shared;

  // The number of steps: n_steps when given (each sequence must be long enough), else the shortest
  // sequence's usable length (its rows minus the span of its taps, tap 0 always counted).
  int64_t n = -1;
  if (info_.has_n_steps) {
    n = in[0]->item_int64();
    if (n < 0) throw OpError(fmt::format("Scan was asked to run for negative number of step {}", n));
  }
  for (size_t i = 0; i < n_seqs; ++i) {
    const auto& taps = info_.seq_taps[i];
    int64_t span = std::max(max_tap(taps), 0) - std::min(min_tap(taps), 0);
    int64_t usable = std::max<int64_t>(in[seq0 + i]->shape(0) - span, 0);
    if (info_.has_n_steps && usable < n)
      throw OpError(fmt::format("Sequence is shorter than the required number of steps: n_steps is {} but sequence {} (shape {}, taps {}) "
                                "has {} usable rows",
                                n, i, in[seq0 + i]->shape().str(), taps_str(taps), usable));
    if (!info_.has_n_steps) n = n < 0 ? usable : std::min(n, usable);
  }
  if (n < 0) throw OpError("no sequence and no n_steps: the number of steps is unknown");

  // Outputs fed back: their initial states fix the row shape; allocate every step's rows now.
  for (size_t k = 0, init = init0; k < n_outs; ++k) {
    const auto& taps = info_.out_taps[k];
    if (taps.empty()) continue;
    const NDArray& x = *in[init++];
    if (sit_sot(taps)) {
      row_shapes_[k] = x.shape();
    } else {
      int64_t need = -min_tap(taps);
      if (x.ndim() == 0 || x.shape(0) < need)
        throw OpError(fmt::format("the initial value of output {} (shape {}) must hold the {} states its taps {} read before the first step",
                                  k, x.shape().str(), need, taps_str(taps)));
      row_shapes_[k] = without_first(x.shape());
    }
    out[k]->ensure(inner_outputs_[k].dtype(), with_first(n, row_shapes_[k]));
  }
  for (size_t j = 0; j < n_shared; ++j) {
    const NDArray& x = *in[shared0 + j];
    row_shapes_[n_outs + j] = x.shape();
    out[n_outs + j]->ensure(x.dtype(), x.shape());
    out[n_outs + j]->copy_from(x);  // the value after 0 steps
  }

  int64_t steps_run = n;
  try {
    for (int64_t t = 0; t < n; ++t) {
      // Bind the arguments in fn's order: sequence taps, output taps, shared states, non-sequences.
      size_t arg = 0;
      auto bind = [&](NDArray v) { f.slots[f.inputs[arg++].slot] = std::move(v); };
      for (size_t i = 0; i < n_seqs; ++i) {
        const NDArray& seq = *in[seq0 + i];
        const auto& taps = info_.seq_taps[i];
        int64_t lo = std::min(min_tap(taps), 0), span = std::max(max_tap(taps), 0) - lo;
        int64_t usable = seq.shape(0) - span;
        for (int k : taps) bind(row(seq, info_.go_backwards ? k - lo + usable - 1 - t : k - lo + t));
      }
      for (size_t k = 0, init = init0; k < n_outs; ++k) {
        const auto& taps = info_.out_taps[k];
        if (taps.empty()) continue;
        const NDArray& x = *in[init++];
        int64_t m = -min_tap(taps);
        for (int tap : taps) {
          int64_t at = t + tap;
          if (at >= 0) bind(row(*out[k], at));
          else bind(sit_sot(taps) ? x : row(x, at + m));
        }
      }
      for (size_t j = 0; j < n_shared; ++j) bind(*out[n_outs + j]);
      for (size_t i = nonseq0; i < in.size(); ++i) bind(*in[i]);

      run_bound(f);

      // Each output's value of this step goes to row t (a shared state: replaces the state).
      for (size_t k = 0; k < n_outs + n_shared; ++k) {
        const NDArray& v = f.slots[f.output_slots[k]];
        if (k < n_outs && t == 0 && info_.out_taps[k].empty()) {
          row_shapes_[k] = v.shape();
          out[k]->ensure(v.dtype(), with_first(n, v.shape()));
        }
        if (!(v.shape() == row_shapes_[k]))
          throw OpError(fmt::format(
              "{} of the step has shape {} at step {} but {}: an output of scan must keep one shape across steps",
              k < n_outs ? fmt::format("output {}", k) : fmt::format("the update of shared variable {}", k - n_outs), v.shape().str(), t,
              k < n_outs && info_.out_taps[k].empty() ? fmt::format("shape {} at step 0", row_shapes_[k].str())
                                                      : fmt::format("its initial value's is {}", row_shapes_[k].str())));
        if (k < n_outs) {
          row(*out[k], t).copy_from(v);
        } else if (v.shares_memory(*out[k])) {
          NDArray& tmp = state_scratch_[k - n_outs];
          tmp.ensure(v.dtype(), v.shape());
          tmp.copy_from(v);
          out[k]->copy_from(tmp);
        } else {
          out[k]->copy_from(v);
        }
      }
      if (info_.as_while && f.slots[f.output_slots.back()].item(0) != 0) {
        steps_run = t + 1;
        break;
      }
    }
  } catch (...) {
    clear_transient_slots(f);
    throw;
  }
  clear_transient_slots(f);  // drops the views of the outer arrays

  for (size_t k = 0; k < n_outs; ++k) {
    if (n == 0 && info_.out_taps[k].empty()) {
      // No step ran: the rows' shape can only come from the step's static type.
      const TensorType& step = inner_outputs_[k].type();
      for (int d = 0; d < step.ndim(); ++d)
        if (!step.known(d))
          throw OpError(fmt::format("scan ran 0 steps, and the shape of output {} is unknown without a step (the step's type gives its "
                                    "rows the shape {}); Theano refuses 0 iterations too: give n_steps >= 1",
                                    k, step.shape_str()));
      out[k]->ensure(step.dtype, with_first(0, step.shape));
    }
    // until() stopped the loop early: the outputs hold only the steps run (a view, same buffer).
    if (steps_run < n) *out[k] = out[k]->view(with_first(steps_run, row_shapes_[k]), out[k]->strides(), 0);
  }
}

}  // namespace theano
