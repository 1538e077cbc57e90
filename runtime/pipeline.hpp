// The FAST_RUN rewrite pipeline that compile_function runs on every FunctionGraph (unless
// mode=FAST_COMPILE): its phases in order and the rewrites of each, listed in runtime/pipeline.cpp.
#pragma once
#include <string>
#include <vector>

#include "graph/rewrite.hpp"

namespace theano {

const rewrite::Pipeline& fast_run_pipeline();
// Every pass and rewrite name, in pipeline order (what optimizer_excluding accepts).
std::vector<std::string> rewrite_names();

}  // namespace theano
