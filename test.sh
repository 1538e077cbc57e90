#!/usr/bin/env bash
# Builds, fetches MNIST (the [mnist] tests need it), then runs the whole test suite.
# Extra arguments go to ctest, e.g. ./test.sh -R io
set -euo pipefail
cd "$(dirname "$0")"

scripts/build.sh
scripts/fetch_mnist.sh
exec ctest --test-dir build --output-on-failure -j2 "$@"
