// The arguments both random streams take (frontend/rng_mrg.cpp, frontend/shared_randomstreams.cpp):
// a sample's size and its dtype, checked and converted where the user's call arrives.
#pragma once
#include "frontend/theano/rng_mrg.hpp"

namespace theano::sandbox::rng_mrg::detail {

// Which literal size entries are refused: MRG refuses <= 0 as Theano's MRG_RandomStreams,
// numpy's RandomStreams only < 0 (numpy draws empty samples).
enum class EmptySize { Refused, Allowed };

// The size as an int64 vector Var; std::invalid_argument naming api and the user's line for a
// refused literal entry, a Var that is not an integer vector, or (when EmptySize::Refused) no entry.
Var size_vector(const Size& size, const char* api, EmptySize empty);

// The dtype asked for, or fallback when unset; std::invalid_argument for an unknown name.
DType resolve_dtype(const DTypeArg& d, DType fallback, const char* api);

}  // namespace theano::sandbox::rng_mrg::detail
