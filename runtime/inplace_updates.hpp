// Updates written in place into their shared variable (Theano's Gemm{inplace}): the SGD step
// W := Gemm(W, -lr, X, Y, 1), whose value nothing but the update reads, runs with Z = W's own storage
// (BLAS scales and adds into it) instead of copying W into a fresh buffer that the commit swaps in. The same for
// W := set_subtensor(W[idx], v) and inc_subtensor(W[idx], g), basic or advanced: only x[idx] is written.
//
// A call stays atomic (a call that throws changes no shared variable): such steps are scheduled last,
// every other step runs and the outputs are copied first, then each step's checks (shapes, dtypes,
// aliasing) are made for all of them before the first write, which then cannot fail. A step that
// fails its checks computes into its own buffer as before, so its error, if any, is thrown before any
// write. Compile-time conditions: FAST_RUN, no NaN guard (it must see a step's inputs after it ran),
// neither `inplace` nor `local_inplace_gemm` excluded, the Gemm's Z is the very shared variable it
// updates (not a givens replacement) and its result is read by nothing else (no output, no other
// update). Run-time conditions (checked every call): W's buffer is held by nothing outside the call
// (a value borrowed with get_value(borrow=true), another shared variable, an argument), is W whole
// (no view), fits dot(X, Y), and no operand of any in-place step nor any other update's value shares
// a buffer being written. The price of running last: X and Y stay live to the end of the call.
// Threads: the checks and the writes run under the locks of the call's commit (core/shared_storage.hpp),
// so a reader on another thread either took its handle before (then it counts as a holder and the
// update is computed out of place) or waits for the commit to end and sees the whole new value.
#pragma once
#include <cstddef>
#include <set>
#include <string>
#include <span>
#include <utility>
#include <vector>

#include "graph/fgraph.hpp"
#include "ops/tensor_var.hpp"

namespace theano {

struct FunctionImpl;

// Marks the Gemm of each update that may be written in place as Gemm{inplace} and moves those applies
// to the end of `order` (nothing reads their results, so the order stays topological). `updates` are
// the function's (shared variable, value) pairs, their values fg's outputs from n_outputs on. Returns,
// for each update, whether it was chosen.
// `excluded`: the optimizer_excluding names; each in-place kernel has Theano's rewrite name
// (inplace_update_name).
std::vector<bool> choose_inplace_updates(FunctionGraph& fg, size_t n_outputs, std::span<const std::pair<Var, Var>> updates,
                                         std::vector<Apply*>& order, const std::set<std::string>& excluded);
// The name that excludes writing this op's update in place: local_inplace_gemm (Gemm),
// local_inplace_setsubtensor (IncSubtensor, SetSubtensor), local_inplace_incsubtensor (AdvancedIncSubtensor).
std::string inplace_update_name(const Op& op);

// The run-time checks above, after every other step ran: sets UpdateBinding::in_place for each
// update step of the schedule's tail. Reads only; cannot throw.
void check_inplace_updates(FunctionImpl& f);

// The writes, during the commit (after the other updates' new values are made): runs each update
// step that passed its checks straight on its shared variable's storage.
void write_inplace_updates(FunctionImpl& f);

}  // namespace theano
