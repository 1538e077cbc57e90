#!/usr/bin/env bash
# CTest "packaging": installs the built library into a temporary prefix, then builds and runs
# tests/consumer/ (an outside project) against it through find_package(TheanoCpp) and through
# pkg-config; where dpkg-deb exists, builds the .deb with cpack, checks its metadata and file list,
# unpacks it (dpkg -x, nothing is installed system-wide) and builds the consumer against that.
# Usage: run.sh SOURCE_DIR BUILD_DIR CXX
set -euo pipefail
src=$1 build=$2 cxx=$3
consumer="$src/tests/consumer"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/theano-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

step() { echo "== $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# Builds and runs the consumer against PREFIX with CMake, then with pkg-config.
check_prefix() {
  local prefix=$1 tag=$2
  step "$tag: find_package(TheanoCpp) build"
  cmake -S "$consumer" -B "$tmp/$tag-cmake" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON > "$tmp/$tag-cmake.log" \
    || { cat "$tmp/$tag-cmake.log"; fail "$tag: configuring the consumer with CMAKE_PREFIX_PATH=$prefix"; }
  grep -qF "TheanoCpp_DIR: $prefix/" "$tmp/$tag-cmake.log" || { cat "$tmp/$tag-cmake.log"; fail "$tag: find_package found TheanoCpp outside $prefix"; }
  cmake --build "$tmp/$tag-cmake" || fail "$tag: building the consumer with CMake"
  "$tmp/$tag-cmake/consumer" || fail "$tag: the CMake-built consumer computed wrong numbers"

  step "$tag: pkg-config build"
  local pcdir
  pcdir=$(dirname "$(find "$prefix" -name theano-cpp.pc -print -quit)")
  [ -f "$pcdir/theano-cpp.pc" ] || fail "$tag: no theano-cpp.pc under $prefix"
  local flags
  flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs theano-cpp) || fail "$tag: pkg-config --cflags --libs theano-cpp"
  echo "pkg-config: $flags"
  # shellcheck disable=SC2086  # the flags are words
  "$cxx" -O1 "$consumer/main.cpp" -o "$tmp/$tag-pc-consumer" $flags || fail "$tag: g++ \$(pkg-config --cflags --libs theano-cpp)"
  "$tmp/$tag-pc-consumer" || fail "$tag: the pkg-config-built consumer computed wrong numbers"
}

step "cmake --install into $tmp/prefix"
cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
[ -f "$tmp/prefix/include/theano/frontend/theano/theano.hpp" ] || fail "theano.hpp not installed under include/theano/frontend/theano/"
check_prefix "$tmp/prefix" installed

if ! command -v dpkg-deb > /dev/null; then
  echo "dpkg-deb not found: the .deb check is skipped"
  exit 0
fi
step "cpack -G DEB"
(cd "$build" && cpack -G DEB -B "$tmp/deb" > "$tmp/cpack.log") || { cat "$tmp/cpack.log"; fail "cpack -G DEB"; }
deb=$(find "$tmp/deb" -maxdepth 1 -name '*.deb' -print -quit)
[ -n "$deb" ] || fail "cpack made no .deb in $tmp/deb"
info=$(dpkg-deb -I "$deb")
grep -q '^ Package: libtheano-cpp-dev$' <<<"$info" || { echo "$info"; fail "$deb: Package is not libtheano-cpp-dev"; }
grep -q '^ Depends: .*libopenblas-dev' <<<"$info" || { echo "$info"; fail "$deb: Depends lacks libopenblas-dev"; }
contents=$(dpkg-deb -c "$deb")
# Paths as regular expressions: the library folder is lib/ or lib/<multiarch>/ (GNUInstallDirs).
for f in '\./usr/include/theano/frontend/theano/theano\.hpp' '\./usr/include/theano/graph/var\.hpp' \
         '\./usr/lib/(.*/)?libtheano_core\.a' '\./usr/lib/(.*/)?libtheano_frontend\.a' '\./usr/lib/(.*/)?cmake/TheanoCpp/TheanoCppConfig\.cmake' \
         '\./usr/lib/(.*/)?cmake/TheanoCpp/TheanoCppTargets\.cmake' '\./usr/lib/(.*/)?pkgconfig/theano-cpp\.pc'; do
  grep -qxE "$f" < <(awk '{ print $6 }' <<<"$contents") || { echo "$contents"; fail "$deb holds no file matching $f"; }
done
# Only our own files: a package must not ship anything outside its include/ and lib/ folders.
stray=$(echo "$contents" | awk '{ print $6 }' | grep -v -e '^\./$' -e '^\./usr/$' -e '^\./usr/include/' -e '^\./usr/lib/' || true)
[ -z "$stray" ] || fail "$deb holds files outside /usr/include and /usr/lib: $stray"
dpkg-deb -x "$deb" "$tmp/unpacked"
check_prefix "$tmp/unpacked/usr" deb
echo "packaging: all checks passed"
