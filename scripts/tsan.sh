#!/usr/bin/env bash
# Builds the [threads] tests (tests/test_threads.cpp, tests/test_thread_pool.cpp: the target
# theano_threads_tests, not the whole suite) with ThreadSanitizer in ${THEANO_CPP_TSAN_BUILD:-build-tsan}/
# (RelWithDebInfo at -O1 with line tables, without the tutorials and benchmarks) and runs them:
# the first data race, lock-order inversion or misuse of a mutex fails the run. .ci/run calls this
# after scripts/sanitize.sh. Extra arguments go to the test binary (e.g. a test name).
set -euo pipefail
cd "$(dirname "$0")/.."

B=${THEANO_CPP_TSAN_BUILD:-build-tsan}
scripts/install_deps.sh
# Configured every time (cheap when nothing changed), so a directory configured otherwise before
# still builds with ThreadSanitizer.
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DTHEANO_CPP_TSAN=ON -DTHEANO_CPP_SANITIZE=OFF -DTHEANO_CPP_TESTS=ON -DTHEANO_CPP_EXAMPLES=OFF -DTHEANO_CPP_FUZZ=OFF >/dev/null
cmake --build "$B" --target theano_threads_tests | awk '
  /^\[0\/[0-9]+\] Re-checking globbed directories\.\.\.$/ { held = $0; next }
  /^ninja: no work to do\.$/ { next }
  { if (held != "") { print held; held = "" } print; fflush() }'

# halt_on_error: the first report ends the run with TSan's exit code (66), so a race cannot scroll
# by in a passing run. OpenBLAS is not instrumented: one thread keeps its own workers out of the
# picture (as the suite's ctest environment does); our kernel pool (core/thread_pool) is checked.
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
export OPENBLAS_NUM_THREADS=1
export THEANO_FLAGS=${THEANO_FLAGS:-verify=True}
start=$(date +%s)
if [ $# -eq 0 ]; then set -- "[threads]"; fi
"$B/tests/theano_threads_tests" -w NoAssertions "$@"
echo "tsan: the [threads] tests passed under ThreadSanitizer in $(( $(date +%s) - start )) s"
