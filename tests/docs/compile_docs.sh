#!/usr/bin/env bash
# CTest "docs_compile": every ```cpp block of README.md and docs/*.md, and the worked examples that
# open frontend/theano/theano.hpp and plots.hpp, compile against the source tree (g++
# -fsyntax-only), so the docs cannot drift from the API. A block is a whole translation unit
# unless the line before its fence says otherwise:
#   <!-- fragment NAME -->      statements: a member function's body in a struct deriving from doc_context::NAME
#   <!-- declarations NAME -->  functions/objects at namespace scope, doc_context::NAME's names visible
# (NAME defaults to `none`; the contexts are in tests/docs/doc_contexts.hpp). A fragment's #include
# lines move to file scope. The fragments and declarations share one translation unit (step 2), which
# keeps the run to a few seconds. Errors point at the markdown file and line (#line).
# Usage: compile_docs.sh SOURCE_DIR CXX
set -euo pipefail
src=$1 cxx=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/theano-docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$src"

# 1. Split the blocks out: $tmp/N.body and a manifest line "N file line kind context".
for md in README.md docs/*.md; do
  awk -v dir="$tmp" -v md="$md" -v base="$(ls "$tmp" | grep -c '\.body$' || true)" '
    BEGIN { n = base; inblock = 0; kind = "unit"; ctx = "none" }
    inblock && /^```[ \t]*$/ { inblock = 0; close(out); next }
    inblock { print > out; next }
    /^```cpp[ \t]*$/ {
      n++; inblock = 1; out = dir "/" n ".body"; printf "" > out
      print n, md, NR + 1, kind, ctx >> (dir "/manifest"); kind = "unit"; ctx = "none"; next
    }
    /^<!-- (fragment|declarations)( [a-z_]+)? -->[ \t]*$/ {
      kind = $2; ctx = ($3 == "-->") ? "none" : $3; next
    }
    NF { kind = "unit"; ctx = "none" }   # a marker applies only to the block right after it
  ' "$md"
done
# The worked examples in the public headers' opening comments: their lines indented by "//   ".
for hdr in frontend/theano/theano.hpp frontend/theano/plots.hpp; do
  n=$(( $(wc -l < "$tmp/manifest") + 1 ))
  awk '/^\/\/   / { sub(/^\/\/   /, ""); print; next } /^\/\/ *$/ || /^\/\/ / { print ""; next } { exit }' "$hdr" > "$tmp/$n.body"
  echo "$n $hdr 1 fragment none" >> "$tmp/manifest"
done

# 2. Wrap the blocks: each unit block is a translation unit of its own ($tmp/N.cpp); the fragments
# and declarations, which all sit on doc_contexts.hpp, go into one translation unit ($tmp/together.cpp),
# each inside a namespace doc_block_N of its own (a fragment is the member fragment() of a struct
# deriving from its context), so that the headers are parsed once rather than once per block. Every
# fragment and declarations block also gets a translation unit of its own, compiled only when the
# shared one fails, to name each broken block.
hoist() {  # $1 body, $2 file, $3 line: the block's #include lines, each at its markdown line
  grep -nE '^[[:space:]]*#include' "$1" | while IFS=: read -r n inc; do
    echo "#line $(( $3 + n - 1 )) \"$2\""; echo "$inc"
  done || true
}
echo '#include "doc_contexts.hpp"' > "$tmp/together.cpp"
: > "$tmp/units"
: > "$tmp/shared"
while read -r id file line kind ctx; do
  body="$tmp/$id.body" tu="$tmp/$id.cpp"
  case "$kind" in
    unit)
      { echo "#line $line \"$file\""; cat "$body"; } > "$tu"
      echo "$id" >> "$tmp/units"
      continue ;;
    fragment)
      { echo '#include "doc_contexts.hpp"'
        hoist "$body" "$file" "$line"
        echo "namespace doc_block_$id {"
        echo "struct block : doc_context::$ctx {"
        echo "  void fragment();"
        echo "};"
        echo "void block::fragment() {"
        echo "#line $line \"$file\""
        sed -E 's/^[[:space:]]*#include.*$//' "$body"
        echo "}"
        echo "}"; } > "$tu" ;;
    declarations)
      { echo '#include "doc_contexts.hpp"'
        hoist "$body" "$file" "$line"
        echo "namespace doc_block_$id {"
        echo "using namespace doc_context::$ctx;"
        echo "#line $line \"$file\""
        sed -E 's/^[[:space:]]*#include.*$//' "$body"
        echo "}"; } > "$tu" ;;
  esac
  echo "$id" >> "$tmp/shared"
  tail -n +2 "$tu" >> "$tmp/together.cpp"
done < "$tmp/manifest"

# 3. Compile the shared translation unit and the unit blocks, two at a time; when the shared one fails,
# its blocks one by one. Every failure is reported, not only the first.
export cxx src tmp
compile() {  # ids on stdin; the failed ones are appended to $tmp/failed
  xargs -P 2 -I{} sh -c '"$cxx" -std=c++20 -fsyntax-only -I"$src" -I"$src/frontend" -I"$src/examples" -I"$src/tests/docs" \
      "$tmp/{}.cpp" 2> "$tmp/{}.err" || echo {} >> "$tmp/failed"'
}
: > "$tmp/failed"
{ echo together; cat "$tmp/units"; } | compile
together_failed=0
if grep -qx together "$tmp/failed"; then
  together_failed=1
  compile < "$tmp/shared"
fi
failed=0
while read -r id file line kind ctx; do
  if grep -qx "$id" "$tmp/failed"; then
    echo "FAIL $file:$line ($kind $ctx)"; cat "$tmp/$id.err"; failed=$((failed + 1))
  else
    echo "ok   $file:$line ($kind $ctx)"
  fi
done < "$tmp/manifest"
total=$(wc -l < "$tmp/manifest")
if [ "$together_failed" -eq 1 ] && [ "$failed" -eq 0 ]; then
  echo "FAIL: every block compiles alone, but not together with the others ($tmp/together.cpp):"
  cat "$tmp/together.err"
  failed=1
fi
echo "docs_compile: $((total - failed)) of $total blocks compile"
[ "$failed" -eq 0 ]
