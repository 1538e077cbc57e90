#!/usr/bin/env bash
# ./run.sh [NAME] [--flag value ...]: build, fetch MNIST, then run build/examples/NAME with the flags.
set -euo pipefail
cd "$(dirname "$0")"

# The example run when no NAME is given.
DEFAULT_EXAMPLE=convolutional_mlp

name="$DEFAULT_EXAMPLE"
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then
  name="$1"
  shift
fi

scripts/build.sh
scripts/fetch_mnist.sh

if [[ "$name" == */* ]] || [ ! -x "build/examples/$name" ]; then
  echo "run.sh: no example named '$name'. Available:" >&2
  found=0
  for f in build/examples/*; do
    [ -f "$f" ] && [ -x "$f" ] && { echo "  $(basename "$f")" >&2; found=1; }
  done
  [ "$found" -eq 1 ] || echo "  (none built yet)" >&2
  exit 2
fi
exec "build/examples/$name" "$@"
