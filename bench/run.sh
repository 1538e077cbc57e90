#!/usr/bin/env bash
# bench/run.sh: builds the benchmarks and runs each against its PyTorch peer (Debian's
# python3-torch) in the same run, printing medians and the ratio PyTorch/ours (above 1 = ours faster).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
threads=${BENCH_THREADS:-2}
export OPENBLAS_NUM_THREADS=$threads BENCH_THREADS=$threads
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench/run.sh: python3-torch is missing; installing it (Debian package)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), threads=$threads"
ours=$(build/bench/logistic_step)
peer=$(/usr/bin/python3 bench/logistic_torch.py)
echo "$ours"
echo "$peer"
o=$(sed -n 's/^logistic_step_ms=//p' <<<"$ours")
p=$(sed -n 's/^torch_logistic_step_ms=//p' <<<"$peer")
awk -v o="$o" -v p="$p" 'BEGIN { printf "logistic_speedup_vs_pytorch=%.3f\n", p / o }'
