#!/usr/bin/env bash
# CTest "docs_compile": every ```cpp block of README.md and docs/*.md, and the worked examples that
# open frontend/theano/theano.hpp and plots.hpp, compile against the source tree (g++
# -fsyntax-only), so the docs cannot drift from the API. A block is a whole translation unit
# unless the line before its fence says otherwise:
#   <!-- fragment NAME -->      statements: the body of doc_context::NAME::fragment()
#   <!-- declarations NAME -->  functions/objects at namespace scope, doc_context::NAME's names visible
# (NAME defaults to `none`; the contexts are in tests/docs/doc_contexts.hpp). A fragment's #include
# lines move to file scope. Errors point at the markdown file and line (#line).
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

# 2. Wrap each block into a translation unit.
while read -r id file line kind ctx; do
  body="$tmp/$id.body" tu="$tmp/$id.cpp"
  case "$kind" in
    unit)
      { echo "#line $line \"$file\""; cat "$body"; } > "$tu" ;;
    fragment)
      { echo '#include "doc_contexts.hpp"'
        grep -E '^[[:space:]]*#include' "$body" || true
        echo "void doc_context::$ctx::fragment() {"
        echo "#line $line \"$file\""
        sed -E 's/^[[:space:]]*#include.*$//' "$body"
        echo "}"; } > "$tu" ;;
    declarations)
      { echo '#include "doc_contexts.hpp"'
        grep -E '^[[:space:]]*#include' "$body" || true
        echo "namespace doc_block_$id {"
        echo "using namespace doc_context::$ctx;"
        echo "#line $line \"$file\""
        sed -E 's/^[[:space:]]*#include.*$//' "$body"
        echo "}"; } > "$tu" ;;
  esac
done < "$tmp/manifest"

# 3. Compile them all, two at a time; report every failure, not only the first.
export cxx src tmp
failed=0
xargs -P 2 -I{} sh -c '"$cxx" -std=c++20 -fsyntax-only -I"$src" -I"$src/frontend" -I"$src/examples" -I"$src/tests/docs" \
    "$tmp/{}.cpp" 2> "$tmp/{}.err" || echo {} >> "$tmp/failed"' < <(awk '{ print $1 }' "$tmp/manifest")
while read -r id file line kind ctx; do
  if grep -qx "$id" "$tmp/failed" 2>/dev/null; then
    echo "FAIL $file:$line ($kind $ctx)"; cat "$tmp/$id.err"; failed=$((failed + 1))
  else
    echo "ok   $file:$line ($kind $ctx)"
  fi
done < "$tmp/manifest"
total=$(wc -l < "$tmp/manifest")
echo "docs_compile: $((total - failed)) of $total blocks compile"
[ "$failed" -eq 0 ]
