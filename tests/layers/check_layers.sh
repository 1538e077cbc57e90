#!/usr/bin/env bash
# CTest "layers": the library's layers (cmake/Layers.cmake, lowest first) depend on each other in one
# direction only. Checks, and fails naming the file and line or the symbol:
#   1. every #include "folder/..." in a layer's files names its own or a lower layer (never a higher
#      layer, never a program folder such as tests/ or examples/);
#   2. the folder-level include graph of the whole tree (layers and programs) has no cycle;
#   3. no layer's library needs a symbol that only a higher layer's library defines (an upward call
#      hidden from the include lines, e.g. a method declared below and defined above).
# Usage: check_layers.sh SOURCE_DIR LIB_core.a LIB_graph.a ... (the libraries in layer order)
set -euo pipefail
src=$1
shift
cd "$src"

layers=$(sed -n 's/^set(THEANO_CPP_LAYERS \(.*\))$/\1/p' cmake/Layers.cmake)
[ -n "$layers" ] || { echo "layers: no THEANO_CPP_LAYERS list in cmake/Layers.cmake" >&2; exit 1; }
read -r -a layer_list <<<"$layers"
programs=(tests examples bench fuzz)
fail=0

# 1 + 2: the include lines of every tracked C++ file under a layer or program folder.
edges=$(mktemp)
trap 'rm -f "$edges" "$edges".*' EXIT
for f in $(git ls-files -- "${layer_list[@]/%//}" "${programs[@]/%//}" | grep -E '\.(cpp|hpp|def|h)$'); do
  from=${f%%/*}
  # "../examples/x.hpp" (relative to a top-level folder) names examples/ as well.
  { grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(\.\./)?[^"/.]+/' "$f" || true; } |
    sed -E 's/^([0-9]+):[^"]*"(\.\.\/)?([^"/]+)\/[^"]*".*/\1 \3/' |
    while read -r line to; do echo "$f $line $from $to"; done
done > "$edges"

rank() {
  local i=0
  for l in "${layer_list[@]}"; do
    [ "$l" = "$1" ] && { echo $i; return; }
    i=$((i + 1))
  done
  echo -1
}
declare -A rank_of
for l in "${layer_list[@]}"; do rank_of[$l]=$(rank "$l"); done
while read -r file line from to; do
  [ "$from" = "$to" ] && continue
  fr=${rank_of[$from]:--1}
  tr=${rank_of[$to]:--1}
  [ "$fr" -lt 0 ] && continue  # a program may include any layer
  if [ "$tr" -lt 0 ]; then
    if [[ "$to" =~ ^[A-Za-z_]+$ && -d "$to" ]]; then
      echo "$file:$line: layer $from includes $to/, a program folder (the library never includes its users)"
      fail=1
    fi
  elif [ "$tr" -gt "$fr" ]; then
    echo "$file:$line: layer $from includes $to/, a higher layer (order: ${layer_list[*]})"
    fail=1
  fi
done < "$edges"

# The folder graph: print it, then look for a cycle (depth-first search over its edges).
awk '$3 != $4 { print $3, $4 }' "$edges" | sort | uniq -c |
  while read -r n a b; do if [[ "$b" =~ ^[A-Za-z_]+$ && -d "$b" ]]; then echo "$n $a $b"; fi; done > "$edges.folders"
echo "folder include graph (edges: number of #include lines):"
awk '{ printf "  %s -> %s (%d)\n", $2, $3, $1 }' "$edges.folders"
cycle=$(awk '
  { adj[$2] = adj[$2] " " $3; nodes[$2]; nodes[$3] }
  function visit(n,   k, m, parts, i) {
    state[n] = 1; path[++depth] = n
    k = split(adj[n], parts, " ")
    for (i = 1; i <= k; i++) {
      m = parts[i]
      if (state[m] == 1) { s = ""; for (j = 1; j <= depth; j++) if (path[j] == m || s != "") s = s path[j] " -> "; print s m; exit }
      if (state[m] == 0) visit(m)
    }
    state[n] = 2; depth--
  }
  END { for (n in nodes) if (state[n] == 0) visit(n) }' "$edges.folders")
if [ -n "$cycle" ]; then
  echo "the folder include graph has a cycle: $cycle"
  fail=1
fi

# 3: symbols. A layer's undefined symbols must be defined in its own or a lower layer's library,
# or outside the project (the C++ library, fmt, zlib, OpenBLAS): never only above it.
if [ $# -gt 0 ]; then
  [ $# -eq ${#layer_list[@]} ] || { echo "layers: $# libraries given for ${#layer_list[@]} layers" >&2; exit 1; }
  libs=("$@")
  for i in "${!libs[@]}"; do
    nm --defined-only -g "${libs[$i]}" 2>/dev/null | awk 'NF >= 3 { print $3 }' | sort -u > "$edges.def$i"
    nm -u "${libs[$i]}" 2>/dev/null | awk 'NF >= 2 { print $2 }' | sort -u > "$edges.undef$i"
  done
  for i in "${!libs[@]}"; do
    cat "$edges".def[0-"$i"] 2>/dev/null | sort -u > "$edges.below"
    for ((j = i + 1; j < ${#libs[@]}; j++)); do
      comm -12 <(comm -23 "$edges.undef$i" "$edges.below") "$edges.def$j" | while read -r sym; do
        echo "library of layer ${layer_list[$i]} needs $(c++filt "$sym"), defined only in layer ${layer_list[$j]}"
      done
    done
  done > "$edges.symbols"
  if [ -s "$edges.symbols" ]; then
    cat "$edges.symbols"
    fail=1
  fi
fi

[ "$fail" -eq 0 ] && echo "layers: ${layer_list[*]}: every include and every symbol points down"
exit "$fail"
