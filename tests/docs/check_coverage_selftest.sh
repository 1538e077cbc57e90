#!/usr/bin/env bash
# CTest "docs_coverage_checker": check_coverage.sh accepts a correct page and rejects each kind of
# mistake it is meant to catch, naming the markdown line. Usage: check_coverage_selftest.sh SOURCE_DIR CXX
set -uo pipefail
src=$1 cxx=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/theano-coverage-selftest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
check="$src/tests/docs/check_coverage.sh"
failures=0

cat > "$tmp/good.md" <<'MD'
# good
## theano.tensor
| Theano | C++ | status |
|---|---|---|
| `exp(a)`, `log(a)` | `T::exp(x)`, `T::log(x)` (a note) | present |
| `x \| y` | — | not yet: no bitwise ops |
| `min(x, axis)` | <!-- T::min(x, 1) --> | not yet (in progress) |
## theano.tensor.nnet
| Theano | C++ | status |
|---|---|---|
| `exp(a)` | `T::exp(v)` | present |

Totals: 3 present, 2 not yet (1 of them in progress).
MD
if ! "$check" "$src" "$cxx" "$tmp/good.md" > "$tmp/good.out" 2>&1; then
  echo "FAIL: a correct page is rejected:"; cat "$tmp/good.out"; failures=$((failures + 1))
fi

cat > "$tmp/bad.md" <<'MD'
# bad
## theano.tensor
| Theano | C++ | status |
|---|---|---|
| `exp(a)` | `T::exp(x)` | present |
| `log(a)` | `T::log(x)` | presnt |
| `exp(x, y)` | `T::exp(x)` | present |
| `sqrt(a)` | `T::no_such_function(x)` | present |
| `sqr(a)` | plain text | present |
| `tanh(a)` | `T::tanh(x)` | present | extra |
| `min(x)` | — | not yet (in progress) |

Totals: 9 present, 0 not yet (0 of them in progress).
MD
"$check" "$src" "$cxx" "$tmp/bad.md" > "$tmp/bad.out" 2>&1
status=$?
if [ "$status" -eq 0 ]; then echo "FAIL: a wrong page is accepted"; failures=$((failures + 1)); fi
expect() {  # $1 a fixed string the checker's output must contain
  if ! grep -qF -- "$1" "$tmp/bad.out"; then echo "FAIL: the checker does not report: $1"; failures=$((failures + 1)); fi
}
expect "bad.md:6: status \"presnt\" is none of"
expect "bad.md:7: \`exp\` appears twice in section \"theano.tensor\" (first at line 5)"
expect "bad.md:8:"   # the compile error of T::no_such_function points at its markdown line
expect "no_such_function"
expect "bad.md:9: a present row needs its C++ spelling as a code span"
expect "bad.md:10: a row needs exactly three cells"
expect "bad.md:11: an in-progress row needs its intended C++ spelling in a comment"
expect "the counts are wrong; the table says: Totals: 4 present, 1 not yet (1 of them in progress)."

if [ "$failures" -ne 0 ]; then
  echo "--- checker output on the wrong page:"; cat "$tmp/bad.out"
  exit 1
fi
echo "docs_coverage_checker: a correct page passes; a wrong status, a repeated name, a snippet that does not compile, a row without code, a row with four cells, an in-progress row without its intended spelling and wrong totals are each reported at their line"
