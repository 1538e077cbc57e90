#!/usr/bin/env bash
# Builds, fetches MNIST (the [mnist] tests need it), runs the whole test suite, then fuzzes the data
# readers for ${THEANO_CPP_FUZZ_SECONDS:-30} s per target (scripts/fuzz.sh; 0 skips it).
# Extra arguments go to ctest, e.g. ./test.sh -R io; such a filtered run skips the fuzzing.
set -euo pipefail
cd "$(dirname "$0")"

scripts/build.sh
scripts/fetch_mnist.sh
ctest --test-dir build --output-on-failure -j2 "$@"
fuzz_seconds=${THEANO_CPP_FUZZ_SECONDS:-30}
if [ $# -eq 0 ] && [ "$fuzz_seconds" -gt 0 ]; then
  scripts/fuzz.sh "$fuzz_seconds"
fi
