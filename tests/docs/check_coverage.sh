#!/usr/bin/env bash
# CTest "docs_coverage": docs/coverage.md, the table of every public Theano name and its C++
# spelling, stays true.
#   - Every row has three cells: | Theano | C++ | status |, and its status is one of
#     `present`, `not yet (in progress)` or `not yet: <reason>`.
#   - A row in progress has its intended C++ spelling in an HTML comment (<!-- ... -->).
#   - No Theano name (a code span of the first cell, up to its "(") appears twice in one section.
#   - Every code span of a present row's C++ cell compiles (g++ -fsyntax-only) as the statement
#     `{ SPAN; }` inside a member function of a struct deriving from coverage::samples
#     (tests/docs/coverage_context.hpp: x a matrix, v a vector, ...). All rows share one translation
#     unit; errors point at the markdown line (#line).
#   - The page's "Totals:" line states the counts the table really has.
# Usage: check_coverage.sh SOURCE_DIR CXX [PAGE]   (PAGE defaults to docs/coverage.md, relative to SOURCE_DIR)
set -euo pipefail
src=$1 cxx=$2 page=${3:-docs/coverage.md}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/theano-coverage.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$src"
[ -f "$page" ] || { echo "check_coverage: no $page"; exit 1; }

# 1. Read the tables: problems go to $tmp/problems, the present rows' snippets to $tmp/rows.inc.
awk -v md="$page" -v problems="$tmp/problems" -v rows="$tmp/rows.inc" '
  function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
  function problem(msg) { print md ":" NR ": " msg > problems; bad++ }
  # The code spans of a cell, without its HTML comments, into spans[1..k]; returns k.
  function code_spans(cell, spans,   k, rest) {
    gsub(/<!--([^-]|-[^-])*-->/, "", cell)
    k = 0; rest = cell
    while (match(rest, /`[^`]+`/)) {
      spans[++k] = substr(rest, RSTART + 1, RLENGTH - 2)
      rest = substr(rest, RSTART + RLENGTH)
    }
    return k
  }
  BEGIN { section = "(top)"; printf "" > rows }
  /^```/ { fence = !fence; next }
  fence { next }
  /^## / { section = substr($0, 4); next }
  /^Totals:/ { totals_line = NR; totals = $0; next }
  !/^\|/ { next }
  {
    row = $0; gsub(/\\\|/, "\001", row)   # a | inside a cell is written \|
    ncell = split(row, c, "|")
    for (j = 1; j <= ncell; j++) gsub(/\001/, "|", c[j])
    if (ncell != 5 || trim(c[1]) != "" || trim(c[5]) != "") {
      problem("a row needs exactly three cells | Theano | C++ | status | (write a | inside a cell as \\|)"); next
    }
    theano = trim(c[2]); cpp = trim(c[3]); status = trim(c[4])
    if (theano == "Theano") {
      if (cpp != "C++" || status != "status") problem("the header must be | Theano | C++ | status |")
      next
    }
    if (theano ~ /^-+$/) next
    if (status == "present") kind = "present"
    else if (status == "not yet (in progress)") kind = "progress"
    else if (status ~ /^not yet: [^ ].*/) kind = "notyet"
    else { problem("status \"" status "\" is none of: present, not yet (in progress), not yet: <reason>"); next }
    nn = code_spans(theano, names)
    if (nn == 0) problem("the Theano cell names nothing (its names are code spans)")
    for (j = 1; j <= nn; j++) {
      name = names[j]; sub(/\(.*/, "", name); name = trim(name)
      key = section SUBSEP name
      if (key in seen) problem("`" name "` appears twice in section \"" section "\" (first at line " seen[key] ")")
      else seen[key] = NR
      count[kind]++
    }
    if (kind == "progress" && cpp !~ /<!--.*[^ ].*-->/) problem("an in-progress row needs its intended C++ spelling in a comment: <!-- T::name(x) -->")
    if (kind != "present") next
    ns = code_spans(cpp, snippets)
    if (ns == 0) { problem("a present row needs its C++ spelling as a code span"); next }
    for (j = 1; j <= ns; j++) printf "#line %d \"%s\"\n{ %s; }\n", NR, md, snippets[j] > rows
    nsnip += ns
  }
  END {
    if (totals_line == 0) {
      print md ": no \"Totals:\" line; it must read: Totals: " count["present"] + 0 " present, " \
        count["notyet"] + count["progress"] " not yet (" count["progress"] + 0 " of them in progress)." > problems
      bad++
    } else {
      want = "Totals: " count["present"] + 0 " present, " count["notyet"] + count["progress"] " not yet (" \
        count["progress"] + 0 " of them in progress)."
      if (totals != want) { print md ":" totals_line ": the counts are wrong; the table says: " want > problems; bad++ }
    }
    print count["present"] + 0, count["notyet"] + 0, count["progress"] + 0, nsnip + 0 > (rows ".counts")
  }
' "$page"

# 2. Compile the present rows' snippets in one translation unit.
{ echo '#include "coverage_context.hpp"'
  echo 'struct coverage_rows : coverage::samples { void rows(); };'
  echo 'void coverage_rows::rows() {'
  cat "$tmp/rows.inc"
  echo '}'; } > "$tmp/coverage.cpp"
compiled=1
"$cxx" -std=c++20 -fsyntax-only -I"$src" -I"$src/frontend" -I"$src/tests/docs" "$tmp/coverage.cpp" 2> "$tmp/compile.err" || compiled=0

read -r present notyet progress snippets < "$tmp/rows.inc.counts"
status=0
if [ -s "$tmp/problems" ]; then cat "$tmp/problems"; status=1; fi
if [ "$compiled" -eq 0 ]; then
  echo "$page: some present rows do not compile:"; grep -E "error|note: candidate" "$tmp/compile.err" | head -60 || cat "$tmp/compile.err"
  status=1
fi
echo "docs_coverage: $present present, $notyet not yet, $progress in progress; $snippets C++ spellings compiled ($([ "$compiled" -eq 1 ] && echo ok || echo FAILED))"
exit "$status"
