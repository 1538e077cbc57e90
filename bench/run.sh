#!/usr/bin/env bash
# bench/run.sh: builds the benchmarks and runs each against its PyTorch peer (Debian's
# python3-torch) in the same run, with the same number of threads, printing medians and the ratio
# PyTorch time / our time (above 1 = ours faster).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
threads=${BENCH_THREADS:-2}
export OPENBLAS_NUM_THREADS=$threads BENCH_THREADS=$threads
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench/run.sh: python3-torch is missing; installing it (Debian package)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), threads=$threads, load $(cut -d' ' -f1-3 /proc/loadavg)"

results=$(mktemp)
trap 'rm -f "$results"' EXIT
run() { "$@" | tee -a "$results"; }
run build/bench/logistic_step
run /usr/bin/python3 bench/logistic_torch.py
run build/bench/lenet_step
run /usr/bin/python3 bench/lenet_torch.py

get() { sed -n "s/^$1=//p" "$results" | tail -1; }
ratio() { awk -v p="$(get "$2")" -v o="$(get "$3")" -v n="$1" 'BEGIN { printf "%s=%.3f\n", n, p / o }'; }
ratio logistic_speedup_vs_pytorch torch_logistic_step_ms logistic_step_ms
ratio lenet_speedup_vs_pytorch torch_lenet_step_ms lenet_step_ms
ratio lenet_epoch_speedup_vs_pytorch torch_lenet_epoch_s lenet_epoch_s
