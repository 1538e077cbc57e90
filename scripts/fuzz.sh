#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) in build-fuzz/ and runs each for
# SECONDS (default 30) from generated seeds, printing its executions. Fails if any target finds a
# crash, a sanitizer report, a hang (> 10 s), an allocation beyond 2 GB or a leak: the input
# (minimized when big) is then added to tests/fuzz_regressions/<target>/, where the [fuzz] tests
# of the suite require it to become a clean std::exception, with the message listed for it in
# tests/test_fuzz_regressions.cpp, once the reader is fixed.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (targets default to every fuzz/fuzz_*.cpp)
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-30}
shift || true
[[ "$duration" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2; }
B=build-fuzz

scripts/install_deps.sh
# -O1 with line tables only, as OSS-Fuzz builds: quick to compile, stack traces keep file:line.
# The compiler is only set on the first configure (CMake refuses to change it later).
compiler=()
[ -f "$B/CMakeCache.txt" ] || compiler=(-DCMAKE_CXX_COMPILER=clang++)
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${compiler[@]}" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" -DTHEANO_CPP_FUZZ=ON >/dev/null
cmake --build "$B" | awk '
  /^\[0\/[0-9]+\] Re-checking globbed directories\.\.\.$/ { held = $0; next }
  /^ninja: no work to do\.$/ { next }
  { if (held != "") { print held; held = "" } print; fflush() }'

rm -rf "$B/seeds"
"$B/fuzz/make_seeds" "$B/seeds"

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for src in fuzz/fuzz_*.cpp; do targets+=("$(basename "$src" .cpp)"); done
fi

# The targets write each input to a file there (in memory when /dev/shm exists); a crash leaves its
# file behind, so the directory goes at exit.
fuzz_tmp=$(mktemp -d -p /dev/shm theano_fuzz.XXXXXX 2>/dev/null || mktemp -d -t theano_fuzz.XXXXXX)
trap 'rm -rf "$fuzz_tmp"' EXIT
export THEANO_CPP_FUZZ_TMP=$fuzz_tmp
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
for t in "${targets[@]}"; do
  [ -x "$B/fuzz/$t" ] || { echo "fuzz: no target $t in $B/fuzz/" >&2; exit 2; }
  corpus="$B/corpus/$t" artifacts="$B/artifacts/$t" log="$B/logs/$t.log"
  mkdir -p "$corpus" "$B/logs" "$B/seeds/$t"
  rm -rf "$artifacts" && mkdir -p "$artifacts"
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=("-dict=fuzz/$t.dict")
  # New inputs go to the first directory (kept between local runs); seeds and past crashes are read only.
  dirs=("$corpus" "$B/seeds/$t")
  [ -d "tests/fuzz_regressions/$t" ] && dirs+=("tests/fuzz_regressions/$t")
  rc=0
  t0=$(date +%s)
  timeout $((duration + 120)) "$B/fuzz/$t" "${dirs[@]}" "${dict[@]}" -max_total_time="$duration" -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || rc=$?
  execs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$log" | tail -1)
  rate=$(awk '/^stat::average_exec_per_sec:/ { print $2 }' "$log" | tail -1)
  units=$(find "$corpus" -type f | wc -l)
  echo "fuzz: $t: ${execs:-?} executions in $(( $(date +%s) - t0 )) s (${rate:-?}/s), corpus $units inputs"

  found=("$artifacts"/*)
  [ -e "${found[0]}" ] || found=()
  if [ "$rc" -ne 0 ] || [ ${#found[@]} -gt 0 ]; then
    failed+=("$t")
    echo "fuzz: $t FAILED (exit $rc); the report, from $log:" >&2
    grep -E -m 12 'ERROR|SUMMARY|runtime error|Test unit written|^    #[0-9] ' "$log" | sed 's/^/  /' >&2 || tail -20 "$log" >&2
    mkdir -p "tests/fuzz_regressions/$t"
    for a in "${found[@]}"; do
      keep="tests/fuzz_regressions/$t/$(basename "$a")"
      for old in "tests/fuzz_regressions/$t"/*; do  # a known input that still fails: keep it once
        [ -f "$old" ] && cmp -s "$old" "$a" && keep=$old
      done
      if [ "$(stat -c %s "$a")" -gt 1024 ]; then
        "$B/fuzz/$t" -minimize_crash=1 -max_total_time=60 -runs=100000 -exact_artifact_path="$keep" "$a" \
          >"$B/logs/$t.minimize.log" 2>&1 || true
      fi
      [ -s "$keep" ] || cp "$a" "$keep"
      echo "fuzz: $t: input saved as $keep ($(stat -c %s "$keep") bytes); reproduce with: $B/fuzz/$t $keep" >&2
    done
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${failed[*]} found bugs: fix the reader, then commit the inputs in tests/fuzz_regressions/ with their messages in tests/test_fuzz_regressions.cpp (the [fuzz] tests)" >&2
  exit 1
fi
