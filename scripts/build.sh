#!/usr/bin/env bash
# Installs missing packages, configures once, then builds (ninja is a quick no-op when up to date).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install_deps.sh
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
# Drop ninja's no-op chatter (the glob re-check line is shown only if real work follows it).
cmake --build build | awk '
  /^\[0\/[0-9]+\] Re-checking globbed directories\.\.\.$/ { held = $0; next }
  /^ninja: no work to do\.$/ { next }
  { if (held != "") { print held; held = "" } print; fflush() }'

