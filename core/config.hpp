// THEANO_FLAGS, parsed once into an immutable Config (e.g. THEANO_FLAGS=floatX=float64,profile=True).
// Ops and passes never read it; constructors use floatX and compile() takes a snapshot.
#pragma once
#include <string>
#include <vector>

#include "core/dtype.hpp"

namespace theano {

struct Config {
  DType floatX = DType::Float32;
  bool profile = false;
  std::string mode = "FAST_RUN";               // FAST_RUN, FAST_COMPILE or NanGuardMode
  std::vector<std::string> optimizer_excluding;  // rewrite names to skip
  std::string device = "cpu";
  int threads = 0;  // kernel threads (core/thread_pool.hpp); 0: one per usable core
  bool verify = false;  // every compile checks the graph after every rewrite pass (graph/rewrite.hpp verify)
};

// Parses a THEANO_FLAGS string; throws std::invalid_argument naming the bad entry.
Config parse_flags(const std::string& flags);
// The process-wide configuration from the THEANO_FLAGS environment variable, parsed on first use.
const Config& config();

}  // namespace theano
