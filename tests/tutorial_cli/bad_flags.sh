# Sourced by run.sh (which sets bin, tmp and fail, and has trained best.ckpt in $tmp): the tutorials'
# bad command lines. Every row: status 2, exactly the expected first line on stderr, nothing on stdout
# (the check came before "... loading data"), and the working directory unchanged: no file created,
# removed or modified, an existing checkpoint byte-identical.
work=$tmp/work
mkdir -p "$work/adir" && cd "$work"
mkfifo fifo
cp "$tmp/best.ckpt" model.ckpt
echo 'GIF89a....' > bad.ckpt
# A checkpoint of the right form holding a NaN: entry 'W' float32 (2,) = [nan, 0] (python3 only).
have_nan=0
if command -v python3 > /dev/null; then
  python3 - <<'PY' && have_nan=1
import struct, zlib
def entry(name, code, shape, data):
    meta = struct.pack('<I', len(name)) + name + struct.pack('<BB', code, len(shape)) + b''.join(struct.pack('<q', d) for d in shape)
    z = zlib.compress(data)
    meta += struct.pack('<Q', len(z))
    return meta + z + struct.pack('<I', zlib.crc32(z, zlib.crc32(meta)))
head = b'THCKPT' + struct.pack('<HI', 1, 2)
body = entry(b'W', 6, [2], struct.pack('<ff', float('nan'), 0.0)) + entry(b'b', 6, [1], struct.pack('<f', 0.0))
open('nan.ckpt', 'wb').write(head + struct.pack('<I', zlib.crc32(head)) + body)
PY
fi
# Every entry with its kind, and size and time for all but directories (whose time a probe file,
# created and removed at once, does change).
state() { find . \( -type d -printf '%p d\n' \) -o -printf '%p %y %s %T@\n' | sort; md5sum model.ckpt; }

rows=0
# expect PROGRAM FIRST_LINE ARGS...: the row described above.
expect() {
  local prog=$1 want=$2; shift 2
  local before status line
  before=$(state)
  set +e; "$bin/$prog" "$@" > "$tmp/o.txt" 2> "$tmp/e.txt" < /dev/null; status=$?; set -e
  line=$(head -n 1 "$tmp/e.txt")
  [ $status -eq 2 ] || fail "$prog $*: status $status, stderr '$line'"
  [ "$line" = "error: $want" ] || fail "$prog $*: stderr '$line', expected 'error: $want'"
  [ ! -s "$tmp/o.txt" ] || fail "$prog $*: printed '$(head -n 1 "$tmp/o.txt")' before failing"
  [ "$(state)" = "$before" ] || { diff <(echo "$before") <(state) >&2 || true; fail "$prog $*: the directory changed"; }
  rows=$((rows + 1))
}

int_max=2147483647
for prog in logistic_sgd mlp convolutional_mlp; do
  for v in 0 -1 4294967297 99999999999999999999 2147483648; do
    expect $prog "flag '--batch_size' must be an integer from 1 to $int_max, got '$v'" --batch_size $v
  done
  for v in 1.5 1e3 ' 5' '+5' '' 5x 0x10 - '5 '; do
    expect $prog "flag '--batch_size' expects an integer, got '$v'" --batch_size "$v"
  done
  for v in 0 -3 1000001 4294967297; do
    expect $prog "flag '--n_epochs' must be an integer from 1 to 1000000, got '$v'" --n_epochs=$v
  done
  for v in nan inf -inf 0 -0.1 1e999 -0; do
    expect $prog "flag '--learning_rate' must be a finite number > 0, got '$v'" --learning_rate=$v
  done
  for v in 0.1x ' 0.1' '' 1,5; do
    expect $prog "flag '--learning_rate' expects a number, got '$v'" --learning_rate "$v"
  done
  for v in yes 2 on TRUE ''; do
    expect $prog "flag '--no-progress' is a switch: give it alone or as --no-progress=true, =false, =1 or =0, got '--no-progress=$v'" "--no-progress=$v"
  done
  expect $prog "$prog: flag '--batch_size' needs a value" --batch_size
  # outputs: checked up front, nothing left behind
  expect $prog "--save /nonexistent-dir/m.ckpt: cannot create a temporary file in '/nonexistent-dir': No such file or directory" --save /nonexistent-dir/m.ckpt
  expect $prog "--save adir: is a directory, not a regular file: refusing to replace it" --save adir
  expect $prog "--save /dev/null: is a character device, not a regular file: refusing to replace it" --save /dev/null
  expect $prog "--save fifo: is a fifo, not a regular file: refusing to replace it" --save fifo
  expect $prog "--save adir/: the path ends with '/': it names a directory, not a file" --save adir/
  expect $prog "--log /nonexistent-dir/r.csv: cannot open for writing: No such file or directory" --save "" --log /nonexistent-dir/r.csv
  expect $prog "--log adir: cannot open for writing: Is a directory" --save "" --log adir
  expect $prog "--plot /nonexistent-dir/r.svg: cannot open for writing: No such file or directory" --save "" --plot /nonexistent-dir/r.svg
  expect $prog "--dot /nonexistent-dir/g_train.dot: cannot open for writing: No such file or directory" --save "" --dot /nonexistent-dir/g
  expect $prog "--log same.txt and --plot same.txt name the same file" --save "" --log same.txt --plot same.txt
  expect $prog "--save model.ckpt and --log ./model.ckpt name the same file" --save model.ckpt --log ./model.ckpt
  expect $prog "--plot g_train.dot and --dot g_train.dot name the same file" --save "" --plot g_train.dot --dot g
  # --resume: a readable checkpoint with finite values, checked before the data is loaded
  expect $prog "--resume missing.ckpt: no such file" --save "" --resume missing.ckpt
  expect $prog "--resume adir: not a regular file" --save "" --resume adir
  expect $prog "--resume bad.ckpt: not a theano-cpp checkpoint (bad magic, expected \"THCKPT\")" --save "" --resume bad.ckpt
  if [ $have_nan = 1 ]; then
    expect $prog "--resume nan.ckpt: entry 0 of 2 ('W') is not finite: NaN at index (0,) (1 NaN, 0 Inf)" --resume nan.ckpt
  fi
done
expect logistic_sgd "flag '--predict' is a switch: give it alone or as --predict=true, =false, =1 or =0, got '--predict=yes'" --predict=yes
expect logistic_sgd "logistic_sgd: unexpected argument 'false' (known flags: --learning_rate --n_epochs --dataset --batch_size --save --resume --predict --dot --no-progress --log --plot --help)" --predict false
expect logistic_sgd "--save missing.ckpt: no such file" --predict --save missing.ckpt
expect logistic_sgd "--resume bad.ckpt: not a theano-cpp checkpoint (bad magic, expected \"THCKPT\")" --predict --resume bad.ckpt
if [ $have_nan = 1 ]; then
  expect logistic_sgd "--save nan.ckpt: entry 0 of 2 ('W') is not finite: NaN at index (0,) (1 NaN, 0 Inf)" --predict=1 --save nan.ckpt
fi
for v in -5 0 100001; do
  expect mlp "flag '--n_hidden' must be an integer from 1 to 100000, got '$v'" --n_hidden $v
done
for flag in L1_reg L2_reg; do
  for v in -1 nan inf -1e-300; do
    expect mlp "flag '--$flag' must be a finite number >= 0, got '$v'" --$flag=$v
  done
done
for v in 0,0 0,50 -1,50 10001,5 4294967317,5; do
  expect convolutional_mlp "flag '--nkerns' entry 1 of 2 must be an integer from 1 to 10000, got '${v%%,*}'" --nkerns $v
done
expect convolutional_mlp "flag '--nkerns' entry 2 of 2 must be an integer from 1 to 10000, got '0'" --nkerns 20,0
expect convolutional_mlp "flag '--nkerns' entry 2 of 2 expects an integer, got 'x'" --nkerns 20,x
expect convolutional_mlp "flag '--nkerns' entry 2 of 2 expects an integer, got ''" --nkerns 20,
for v in 20 20,50,3 ,, ''; do
  n=$(awk -F, '{print NF}' <<<"$v"); [ -n "$v" ] || n=1
  expect convolutional_mlp "flag '--nkerns' needs 2 comma-separated values, e.g. 20,50, got $n in '$v'" --nkerns "$v"
done
expect convolutional_mlp "--filters adir: cannot open for writing: Is a directory" --save "" --filters adir
expect convolutional_mlp "--save model.ckpt and --filters model.ckpt name the same file" --filters model.ckpt --save model.ckpt
# The autoencoders (dA.py, SdA.py, cA.py): their own flags, and the pictures' folder checked first.
for prog in dA cA; do
  expect $prog "flag '--training_epochs' must be an integer from 1 to 1000000, got '0'" --training_epochs 0
  expect $prog "flag '--learning_rate' must be a finite number > 0, got 'nan'" --learning_rate nan
  expect $prog "--output_folder: empty; it must name a folder" --output_folder ''
  expect $prog "--output_folder fifo/plots: fifo is not a directory" --output_folder fifo/plots
done
expect cA "flag '--contraction_level' must be a finite number >= 0, got '-1'" --contraction_level -1
expect SdA "flag '--hidden_layers_sizes' needs 3 comma-separated values, e.g. 1000,1000,1000, got 2 in '1000,1000'" --hidden_layers_sizes 1000,1000
expect SdA "flag '--pretraining_epochs' must be an integer from 0 to 1000000, got '-1'" --pretraining_epochs -1
expect SdA "flag '--pretrain_lr' must be a finite number > 0, got '0'" --pretrain_lr 0

# After loading the data (stdout: "... loading data" only): a minibatch larger than a split.
for prog in logistic_sgd mlp convolutional_mlp; do
  set +e; "$bin/$prog" --batch_size 10001 --save "" > "$tmp/o.txt" 2> "$tmp/e.txt"; status=$?; set -e
  [ $status -eq 2 ] && [ "$(cat "$tmp/e.txt")" = "error: --batch_size 10001 is larger than the validation set (10000 examples): it would have no minibatch" ] \
    && [ "$(cat "$tmp/o.txt")" = "... loading data" ] || fail "$prog --batch_size 10001: status $status, '$(cat "$tmp/e.txt")'"
  rows=$((rows + 1))
done

# Write errors while training: status 2 and the path named (a full device for --log and --plot).
if [ -w /dev/full ]; then
  set +e; "$bin/logistic_sgd" --n_epochs 1 --save "" --log /dev/full > "$tmp/o.txt" 2> "$tmp/e.txt"; status=$?; set -e
  [ $status -eq 2 ] && [ "$(head -n 1 "$tmp/e.txt")" = "error: --log /dev/full: write error: No space left on device" ] \
    || fail "--log /dev/full: status $status, '$(cat "$tmp/e.txt")'"
  set +e; "$bin/logistic_sgd" --n_epochs 1 --save "" --plot /dev/full > "$tmp/o.txt" 2> "$tmp/e.txt"; status=$?; set -e
  [ $status -eq 2 ] && [ "$(head -n 1 "$tmp/e.txt")" = "error: write_svg: /dev/full: write failed: No space left on device" ] \
    || fail "--plot /dev/full: status $status, '$(cat "$tmp/e.txt")'"
  rows=$((rows + 2))
fi

# A diverging run: the non-finite model is not saved, the previous checkpoint stays byte-identical.
sum=$(md5sum < model.ckpt)
set +e; "$bin/logistic_sgd" --n_epochs 1 --learning_rate 1e300 --save model.ckpt > "$tmp/o.txt" 2> "$tmp/e.txt"; status=$?; set -e
[ $status -eq 2 ] && grep -q "^error: training diverged: parameter 'W' is not finite: .*; the model was not saved to model.ckpt (try a smaller --learning_rate)$" "$tmp/e.txt" \
  || fail "diverging run: status $status, '$(cat "$tmp/e.txt")'"
[ "$(md5sum < model.ckpt)" = "$sum" ] || fail "the diverging run changed model.ckpt"
rows=$((rows + 1))

# Switches with a value: --predict=true predicts from the trained model; =0 trains (run.sh's run).
"$bin/logistic_sgd" --predict=true --save model.ckpt > "$tmp/o.txt" || fail "--predict=true"
grep -q '^Predicted values for the first 10 examples in test set:$' "$tmp/o.txt" || fail "--predict=true did not predict"
cd "$tmp"
echo "tutorial_cli: $rows bad command lines refused as documented"
