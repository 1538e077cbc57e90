#!/usr/bin/env bash
# Builds the test suite with AddressSanitizer + UndefinedBehaviorSanitizer (RelWithDebInfo at -O1
# with line tables only, which halves the compile time of -O2 -g; without the tutorials and
# benchmarks) in ${THEANO_CPP_ASAN_BUILD:-build-asan}/ and runs it with ctest:
# any ASan/UBSan report or leak fails its test. Extra arguments go to ctest. .ci/run calls this
# after ./test.sh (which fetched MNIST, so the [mnist] tests run here too).
set -euo pipefail
cd "$(dirname "$0")/.."

B=${THEANO_CPP_ASAN_BUILD:-build-asan}
scripts/install_deps.sh
# Configured every time (cheap when nothing changed), so a directory configured otherwise before
# still builds the sanitized test suite.
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DTHEANO_CPP_SANITIZE=ON -DTHEANO_CPP_TESTS=ON -DTHEANO_CPP_EXAMPLES=OFF -DTHEANO_CPP_FUZZ=OFF >/dev/null
cmake --build "$B" | awk '
  /^\[0\/[0-9]+\] Re-checking globbed directories\.\.\.$/ { held = $0; next }
  /^ninja: no work to do\.$/ { next }
  { if (held != "") { print held; held = "" } print; fflush() }'

# abort_on_error: a report kills the test (non-zero exit) even where a test harness might catch it;
# halt_on_error: the first UB report fails the test instead of printing and going on.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
exec ctest --test-dir "$B" --output-on-failure -j2 "$@"
