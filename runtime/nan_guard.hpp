// NanGuardMode (THEANO_FLAGS=mode=NanGuardMode, or FunctionOptions{.nan_guard = true}): after each
// step of a call, its outputs are checked and the call raises at the first NaN, Inf or |x| > 1e10
// (Theano's nan_is_error, inf_is_error and big_is_error). The message names the node, the user's
// file:line, the problem, the output's shape and each input's min/max. The guard only reads, so
// results are bit-identical with and without it; a call it stops commits no update.
#pragma once
#include <cstddef>

#include "graph/op.hpp"

namespace theano {

struct FunctionImpl;

// Theano's NanGuardMode big_is_error threshold.
inline constexpr double kNanGuardBigValue = 1e10;

// The error the guard raises (an OpError, so callers catching OpError see it too).
class NanGuardError : public OpError {
 public:
  using OpError::OpError;
};

// Checks the outputs of f.steps[step] (just run); throws NanGuardError on the first bad value.
void nan_guard_check(const FunctionImpl& f, size_t step);
// After the steps ran: checks the values no step computes (arguments, shared variables, constants),
// as Theano checks every node's inputs: a NaN argument returned as an output, or an update W := W
// of a NaN W, is reported too, naming the value and what reads it.
void nan_guard_check_leaves(const FunctionImpl& f);

}  // namespace theano
