#!/usr/bin/env bash
# Installs the Debian packages the build, tests and data fetch need. Quiet when all are present.
set -euo pipefail

PACKAGES=(libopenblas-dev libfmt-dev catch2 zlib1g-dev cmake ninja-build g++ graphviz npm
  clang libclang-rt-14-dev  # clang + its sanitizer and libFuzzer runtimes: scripts/fuzz.sh
  librsvg2-bin  # rsvg-convert: tests/test_plots.cpp renders the training-curve SVG
  pkg-config)   # the packaging test builds a consumer through theano-cpp.pc

# A package counts as present if it is installed, or if an installed package Provides it
# (e.g. NodeSource's nodejs provides and conflicts with Debian's npm: installing npm would break it).
provided=$(dpkg-query -W -f='${db:Status-Abbrev} ${Provides}\n' 2>/dev/null | awk '$1 == "ii" { $1 = ""; print }' | tr ',' '\n' | awk '{ print $1 }' | sort -u)
is_present() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed' && return 0
  grep -qxF "$1" <<<"$provided"
}

missing=()
for p in "${PACKAGES[@]}"; do
  is_present "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install_deps: installing ${missing[*]}"
SUDO=()
[ "$(id -u)" -ne 0 ] && SUDO=(sudo)
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
