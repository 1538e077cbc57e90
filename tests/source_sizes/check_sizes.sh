#!/usr/bin/env bash
# CTest "source_sizes": no source file grows past a line budget, so that each file keeps one job
# and can be read whole. Fails naming every file over the budget; prints each folder's line total.
# Counted: *.cpp *.hpp *.h *.def *.sh *.cmake and CMakeLists.txt under the folders below, as git
# sees them (tracked files plus untracked ones that .gitignore does not hide, so a new file is
# checked before it is added), or every such file on disk outside a git checkout.
# Usage: check_sizes.sh SOURCE_DIR [MAX_LINES]
set -euo pipefail
src=$1
max=${2:-700}
cd "$src"

folders=(core graph ops runtime frontend examples tests bench fuzz scripts cmake)
is_source='(\.(cpp|hpp|h|def|sh|cmake)|(^|/)CMakeLists\.txt)$'

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files --cached --others --exclude-standard -- "${folders[@]/%//}" | grep -E "$is_source" | sort -u || true)
else
  files=$(find "${folders[@]}" -type f 2>/dev/null | grep -E "$is_source" | sort || true)
fi
[ -n "$files" ] || { echo "source_sizes: no source files found under ${folders[*]}" >&2; exit 1; }

# "lines file" for each file on disk (a deleted file may still be in the index); awk also counts
# a last line that has no newline, which wc -l would not.
counts=$(while IFS= read -r f; do [ -f "$f" ] && printf '%s\0' "$f"; done <<<"$files" |
  xargs -0 awk 'FNR == 1 { n[FILENAME] = 0 } { n[FILENAME]++ } END { for (f in n) print n[f], f }' | sort -k2)

echo "lines per folder (files, total, largest file):"
awk '{ split($2, p, "/"); d = p[1]; t[d] += $1; c[d]++; if ($1 > m[d]) { m[d] = $1; big[d] = $2 } }
     END { for (d in t) printf "  %-9s %4d files %6d lines  (largest %s, %d)\n", d, c[d], t[d], big[d], m[d] }' <<<"$counts" | sort

over=$(awk -v max="$max" '$1 > max { printf "%s: %d lines, over the budget of %d: split it by concern\n", $2, $1, max }' <<<"$counts")
if [ -n "$over" ]; then
  echo "$over"
  exit 1
fi
echo "source_sizes: every source file has at most $max lines"
