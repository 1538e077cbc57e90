#!/usr/bin/env bash
# CTest "tutorial_cli" (needs MNIST, as the [mnist] tests): the tutorials' command lines.
#  - --help lists every keyword argument of the tutorial's Python function with its default, and
#    the run-report flags;
#  - piped, logistic_sgd prints exactly the tutorial's lines, and --log/--plot write the CSV and SVG;
#  - on a terminal (a pty from script(1)) a progress line is drawn and erased; --no-progress drops it;
#  - convolutional_mlp --filters writes a PNG of the expected size;
#  - an unwritable --log/--plot/--filters path fails before training, naming the flag;
#  - a table of bad flag values x the three tutorials (bad_flags below): status 2, the message's first
#    line, nothing printed (no data was loaded) and nothing written or changed in the directory;
#  - the errors that need the data (a minibatch larger than a split), write errors of --log and
#    --plot, a diverging run whose model is not saved, and switches given =true/=false.
# Usage: run.sh BUILD_DIR
set -euo pipefail
bin=$1/examples
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/theano-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "FAIL: $*" >&2; exit 1; }

# --help: "  --NAME ... (default: VALUE)" for each flag.
check_help() {
  local prog=$1; shift
  local help
  help=$("$bin/$prog" --help)
  for pair in "$@"; do
    local name=${pair%%=*} value=${pair#*=}
    grep -qE -- "^  --$name +.*\(default: $value\)$" <<<"$help" || { echo "$help"; fail "$prog --help: no '--$name ... (default: $value)'"; }
  done
}
report_flags=(no-progress=off 'log=""' 'plot=""')
check_help logistic_sgd learning_rate=0.13 n_epochs=1000 dataset=mnist.pkl.gz batch_size=600 "${report_flags[@]}"
check_help mlp learning_rate=0.01 L1_reg=0 L2_reg=0.0001 n_epochs=1000 dataset=mnist.pkl.gz batch_size=20 n_hidden=500 "${report_flags[@]}"
check_help convolutional_mlp learning_rate=0.1 n_epochs=200 dataset=mnist.pkl.gz nkerns=20,50 batch_size=500 "${report_flags[@]}" 'filters=""'

# Piped: the tutorial's lines and nothing else (the epochs/sec figure varies).
"$bin/logistic_sgd" --n_epochs 2 --save best.ckpt --predict=false --no-progress=0 --log run.csv --plot run.svg > out.txt 2> err.txt || { cat err.txt; fail "logistic_sgd run"; }
cat > expected.txt <<'OUT'
... loading data
... building the model
... training the model
epoch 1, minibatch 83/83, validation error 12.458333 %
     epoch 1, minibatch 83/83, test error of best model 12.375000 %
epoch 2, minibatch 83/83, validation error 11.010417 %
     epoch 2, minibatch 83/83, test error of best model 10.958333 %
Optimization complete with best validation score of 11.010417 %,with test performance 10.958333 %
The code run for 2 epochs, with EPS epochs/sec
OUT
sed -E 's/with [0-9.]+ epochs\/sec/with EPS epochs\/sec/' out.txt | diff expected.txt - || fail "logistic_sgd's piped output is not the tutorial's"
sed -E 's/,[0-9]+\.[0-9]{3}$/,S/' run.csv | diff - <(printf '%s\n' epoch,iteration,validation_error,test_error,seconds \
  1,83,12.458333,12.375000,S 2,166,11.010417,10.958333,S) || fail "--log run.csv"
grep -q '<polyline' run.svg && grep -q '>validation error</text>' run.svg || fail "--plot run.svg lacks the curve or the legend"
if command -v rsvg-convert > /dev/null; then
  rsvg-convert -o run.png run.svg || fail "rsvg-convert cannot render --plot's SVG"
elif command -v xmllint > /dev/null; then
  xmllint --noout run.svg || fail "--plot's SVG is not well-formed XML"
fi

# On a terminal: the progress line, erased before each tutorial line; none with --no-progress.
# convolutional_mlp with 4 and 5 kernels takes a few seconds, time for several redraws.
script -qec "stty cols 200 2>/dev/null; '$bin/convolutional_mlp' --n_epochs 1 --nkerns 4,5 --save '' --filters f.png" /dev/null > tty.txt || fail "convolutional_mlp on a pty"
grep -qaE $'\repoch 1/1, minibatch [0-9]+/100, [0-9]+ images/s, elapsed [0-9:]+, remaining [0-9:]+\033\\[K' tty.txt \
  || { cat -A tty.txt | head -20; fail "no progress line on a terminal"; }
grep -qa $'\r\033\\[Kepoch 1, minibatch 100/100, validation error' tty.txt || { cat -A tty.txt | head -20; fail "the progress line is not erased before the tutorial's line"; }
script -qec "'$bin/convolutional_mlp' --n_epochs 1 --nkerns 4,5 --save '' --no-progress" /dev/null > tty2.txt || fail "--no-progress run"
if grep -qa 'images/s' tty2.txt; then fail "--no-progress still draws the progress line"; fi
# --filters: 4 filters of 5x5 on a 2x2 grid, 1 pixel apart, each pixel 8x8: 88x88, 8-bit gray.
[ "$(head -c 8 f.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "--filters f.png is not a PNG"
[ "$(od -An -tx1 -j16 -N10 f.png | tr -d ' \n')" = 00000058000000580800 ] || { od -An -tx1 -j16 -N10 f.png; fail "--filters f.png is not 88x88 8-bit gray"; }
grep -qa "the first layer's 4 filters written to f.png" tty.txt || fail "--filters does not say where the PNG went"

# Unwritable paths: status 2 and the flag named, before any training.
for args in "--log /nonexistent-dir/r.csv" "--plot /nonexistent-dir/r.svg"; do
  set +e; msg=$("$bin/logistic_sgd" --n_epochs 1 --save "" $args 2>&1 >/dev/null); status=$?; set -e
  [ $status -eq 2 ] && grep -qF "error: ${args% *} ${args#* }: cannot open for writing" <<<"$msg" || fail "$args: status $status, '$msg'"
done
set +e; msg=$("$bin/convolutional_mlp" --n_epochs 1 --filters /nonexistent-dir/f.png 2>&1 >/dev/null); status=$?; set -e
[ $status -eq 2 ] && grep -qF "error: --filters /nonexistent-dir/f.png: cannot open for writing" <<<"$msg" || fail "--filters: status $status, '$msg'"
. "$here/bad_flags.sh"
echo "tutorial_cli: all checks passed"
