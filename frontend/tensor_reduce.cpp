// theano.tensor's reductions (theano/tensor_reduce.hpp): each opens the caller's site, checks its
// handle and calls the builder in ops/reduce.hpp.
#include "frontend/theano/tensor_reduce.hpp"

#include "ops/reduce.hpp"

namespace theano::tensor {

using Loc = std::source_location;

#define THEANO_CPP_REDUCTION(name, kind)                                   \
  Var name(const Var& x, const Axes& axis, bool keepdims, Loc loc) {       \
    SiteScope s(loc);                                                      \
    require_defined(x, "T::" #name, "x");                                  \
    return ops::reduce(ops::ReduceKind::kind, x, axis, keepdims);          \
  }
THEANO_CPP_REDUCTION(sum, Sum)
THEANO_CPP_REDUCTION(max, Max)
THEANO_CPP_REDUCTION(min, Min)
THEANO_CPP_REDUCTION(argmax, Argmax)
THEANO_CPP_REDUCTION(argmin, Argmin)
THEANO_CPP_REDUCTION(any, Any)
THEANO_CPP_REDUCTION(all, All)
#undef THEANO_CPP_REDUCTION

Var prod(const Var& x, const Axes& axis, bool keepdims, bool no_zeros_in_input, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::prod", "x");
  return ops::reduce(ops::ReduceKind::Prod, x, axis, keepdims, no_zeros_in_input);
}

Var mean(const Var& x, const Axes& axis, bool keepdims, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::mean", "x");
  return ops::mean(x, axis, keepdims);
}

MaxAndArgmax max_and_argmax(const Var& x, const Axes& axis, bool keepdims, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::max_and_argmax", "x");
  return {ops::reduce(ops::ReduceKind::Max, x, axis, keepdims), ops::reduce(ops::ReduceKind::Argmax, x, axis, keepdims)};
}

Var var(const Var& x, const Axes& axis, int ddof, bool keepdims, bool corrected, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::var", "x");
  return ops::var(x, axis, ddof, keepdims, corrected);
}

Var std(const Var& x, const Axes& axis, int ddof, bool keepdims, bool corrected, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::std", "x");
  return ops::std_dev(x, axis, ddof, keepdims, corrected);
}

}  // namespace theano::tensor
