#!/usr/bin/env bash
# bench/run.sh [--json FILE]: builds the benchmarks and runs each training step and epoch (logistic_sgd,
# mlp, convolutional_mlp) against its PyTorch peer (Debian's python3-torch) in the same run, on the
# same number of threads (BENCH_THREADS, default: all cores). Each figure is a median (steps: 15 to
# 200 runs; epochs: 5 runs). Prints name=value lines and, for each model, the speedup = PyTorch time /
# our time (above 1: ours faster). --json FILE also writes every figure as one flat JSON object.
#
# Our default setting is the kernel thread pool with single-threaded OpenBLAS (core/thread_pool.hpp);
# LeNet's step is also measured the other way round (THEANO_FLAGS=threads=1, OpenBLAS threads = all
# cores) and reported as lenet_step_ms_blas_threads.
set -euo pipefail
cd "$(dirname "$0")/.."

json=""
while [ $# -gt 0 ]; do
  case "$1" in
    --json) [ $# -ge 2 ] || { echo "bench/run.sh: --json needs a file name" >&2; exit 2; }; json=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$1' (known: --json FILE)" >&2; exit 2 ;;
  esac
done

scripts/build.sh
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench/run.sh: python3-torch is missing; installing it (Debian package)" >&2
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-torch >/dev/null
fi
threads=${BENCH_THREADS:-$(nproc)}
export BENCH_THREADS=$threads
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), threads=$threads, load $(cut -d' ' -f1-3 /proc/loadavg)"

results=$(mktemp)
trap 'rm -f "$results"' EXIT
run() { "$@" | tee -a "$results"; }
ours() { THEANO_FLAGS=threads=$threads OPENBLAS_NUM_THREADS=1 run "$@"; }
peer() { OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads run /usr/bin/python3 "$@"; }
ours build/bench/logistic_step
peer bench/logistic_torch.py
ours build/bench/mlp_step
peer bench/mlp_torch.py
ours build/bench/lenet_step
peer bench/lenet_torch.py
THEANO_FLAGS=threads=1 OPENBLAS_NUM_THREADS=$threads build/bench/lenet_step --steps-only |
  sed -n 's/^lenet_step_ms=/lenet_step_ms_blas_threads=/p' | tee -a "$results"

get() { sed -n "s/^$1=//p" "$results" | tail -1; }
ratio() { awk -v p="$(get "$2")" -v o="$(get "$3")" -v n="$1" 'BEGIN { printf "%s=%.3f\n", n, p / o }' | tee -a "$results"; }
echo "--- speedups (PyTorch time / ours; above 1: ours faster)"
ratio logistic_speedup_vs_pytorch torch_logistic_step_ms logistic_step_ms
ratio logistic_epoch_speedup_vs_pytorch torch_logistic_epoch_ms logistic_epoch_ms
ratio mlp_speedup_vs_pytorch torch_mlp_step_ms mlp_step_ms
ratio mlp_epoch_speedup_vs_pytorch torch_mlp_epoch_s mlp_epoch_s
ratio lenet_speedup_vs_pytorch torch_lenet_step_ms lenet_step_ms
ratio lenet_epoch_speedup_vs_pytorch torch_lenet_epoch_s lenet_epoch_s
echo "bench_threads=$threads" >> "$results"

if [ -n "$json" ]; then
  awk -F= 'BEGIN { printf "{" } NF == 2 && $2 ~ /^-?[0-9.eE+-]+$/ { printf "%s\"%s\": %s", sep, $1, $2; sep = ", " }
           END { print "}" }' "$results" > "$json"
  echo "wrote $json"
fi
