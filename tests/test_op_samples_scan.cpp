// Op table rows (tests/op_table.hpp): Scan (runtime/scan_op.hpp), forward. A recurrence over a
// sequence with taps -1 and 0, a fed-back state and a non-sequence; a map read backwards for a
// symbolic number of steps. References are plain loops rounding each operation to the dtype as the
// kernels do. tests/test_scan.cpp has the semantics (until, taps of outputs, updates, errors).
#include "op_naive.hpp"
#include "runtime/scan_op.hpp"

using namespace theano;
using namespace op_table;
using V = const std::vector<Var>&;
using A = const Arrays&;

namespace {

Rows scan_rows() {
  Rows s;
  // h[t] = h[t-1] * w + x[t] - x[t-1], over the rows of x: 6 steps of a (7, 3) sequence.
  s.push_back({.name = "scan of a recurrence over a matrix sequence with taps -1 and 0 and a non-sequence",
               .build =
                   [](V x) {
                     return theano::scan([](const Var& x_tm1, const Var& x_t, const Var& h, const Var& w) { return h * w + x_t - x_tm1; },
                                         {.sequences = {{x[0], {-1, 0}}}, .outputs_info = {x[1]}, .non_sequences = {x[2]}})
                         .outputs[0];
                   },
               .inputs = {U({7, 3}), U({3}), U({3})},
               .dtypes = kFloats,
               .naive =
                   [](A in) {
                     DType dt = in[0].dtype();
                     std::vector<double> h = {in[1].item(0), in[1].item(1), in[1].item(2)}, out;
                     for (int t = 1; t < 7; ++t)
                       for (int j = 0; j < 3; ++j) {
                         double prod = naive::as_dtype(h[size_t(j)] * in[2].item(j), dt);
                         double sum = naive::as_dtype(prod + in[0].item(t * 3 + j), dt);
                         h[size_t(j)] = naive::as_dtype(sum - in[0].item((t - 1) * 3 + j), dt);
                         out.push_back(h[size_t(j)]);
                       }
                     return naive::expect(dt, {6, 3}, out);
                   },
               .no_grad = "the gradient of scan is not written yet (it is refused by name, tests/test_scan.cpp)"});
  // y[t] = x[4 - t] + x[4 - t] for t < n: go_backwards with a symbolic n_steps.
  s.push_back({.name = "scan of a map read backwards for a symbolic number of steps",
               .build =
                   [](V x) {
                     return theano::scan([](const Var& x_t) { return x_t + x_t; }, {.sequences = {x[0]}, .n_steps = x[1], .go_backwards = true})
                         .outputs[0];
                   },
               .inputs = Inputs::each({{U({5, 3}), lscalar(4)}, {U({5, 3}), lscalar(1)}}),
               .dtypes = kNumeric,
               .naive =
                   [](A in) {
                     int64_t n = in[1].item_int64();
                     std::vector<double> out;
                     for (int64_t t = 0; t < n; ++t)
                       for (int j = 0; j < 3; ++j) out.push_back(naive::as_dtype(in[0].item((4 - t) * 3 + j) + in[0].item((4 - t) * 3 + j), in[0].dtype()));
                     return naive::expect(in[0].dtype(), {n, 3}, out);
                   },
               .no_grad = "the gradient of scan is not written yet",
               .unknown_dims = 1,  // a map output's row: its size is not in the step's type
               .errors = {{.args = {U({5, 3}), lscalar(-2)}, .contains = {"for{cpu,scan_fn}", "negative number of step -2"}},
                          {.args = {U({5, 3}), lscalar(6)}, .contains = {"Sequence is shorter than the required number of steps"}},
                          {.args = {U({5, 3}), lscalar(0)}, .contains = {"scan ran 0 steps", "Theano refuses 0 iterations too"}}}});
  return s;
}

}  // namespace

OP_TABLE_ROWS(scan_rows);
