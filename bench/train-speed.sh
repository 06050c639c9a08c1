#!/usr/bin/env bash
# Training speed, side by side in one run: LayerScope (DL4J) against the same networks in PyTorch
# (../shared/peer/pipeline.py, Debian's python3-torch, 2 threads), on the full Fashion-MNIST, 50,000 training images,
# batch 128. Seconds per epoch are the training steps alone (evaluation excluded) on both sides, median over the
# epochs run. Peak memory is the largest resident set of any process of each run (GNU time).
#
#   bench/train-speed.sh [--mlp-epochs N] [--cnn-epochs N] [--out DIR] [--dry-run]
#
# --dry-run checks that every run would start and runs nothing (bench/common.sh says what it checks).
# Needs: JDK 25, Maven, GNU time, and for the reference: apt-get install python3-torch python3-numpy
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

MLP_EPOCHS=5
CNN_EPOCHS=2
OUT=/tmp/layerscope-bench/train-speed
while [ $# -gt 0 ]; do
  case "$1" in
    --mlp-epochs) MLP_EPOCHS=$2; shift 2 ;;
    --cnn-epochs) CNN_EPOCHS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --dry-run) start_dry_run; shift ;;
    *) echo "unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
require_data
if ! $DRY_RUN; then
  require_python "The PyTorch reference needs Debian's python3-torch and python3-numpy: apt-get install python3-torch python3-numpy" torch numpy
  [ -x /usr/bin/time ] || { echo "GNU time is needed for peak memory: apt-get install time" >&2; exit 1; }
  rm -rf "$OUT"
  mkdir -p "$OUT"
  ./mvnw -q -B compile -DskipTests
fi

# Runs one network in LayerScope: a fresh training (runs.force) of the shipped experiment for the given epochs, the
# load and train stages alone, into a runs folder of its own, runs-<label>: in a shared one, the next forced training
# of the same network (the thread count is not part of its fingerprint) would replace the stored folder an earlier
# run links to. Further arguments are more -D overrides.
layerscope() { # network epochs label [-Dkey=value ...]
  local net=$1 epochs=$2 label=$3
  shift 3
  local args=(-Dexperiment="conf/fashion-$net.conf" -Dname="$label" -Ddata.dir="$DATA" -Druns.dir="$OUT/runs-$label"
    -Dmodel.epochs="$epochs" -Dpipeline="[load, train]" -Druns.force="[train]" "$@")
  if $DRY_RUN; then
    layerscope_dry_run "${args[@]}"
    return
  fi
  /usr/bin/time -f '%M' -o "$OUT/$label.maxrss" ./mvnw -q compile exec:java "${args[@]}" > "$OUT/$label.log" 2>&1 \
    || { echo "the LayerScope run $label failed; the end of $OUT/$label.log:" >&2; tail -n 5 "$OUT/$label.log" >&2; exit 1; }
}
# Runs the same network in the PyTorch reference.
pytorch() { # name epochs
  local args=(--data "$DATA" --out "$OUT/peer-$1" --stages load "train_$1" "--$1-epochs" "$2"
    --cnn-max-epoch-seconds 100000)
  if $DRY_RUN; then
    python_options_dry_run "$PEER" "${args[@]}"
    return
  fi
  /usr/bin/time -f '%M' -o "$OUT/torch-$1.maxrss" "$PYTHON" "$PEER" "${args[@]}" > "$OUT/torch-$1.log" 2>&1
}

echo "MLP: LayerScope, $MLP_EPOCHS epochs";  layerscope mlp "$MLP_EPOCHS" mlp
echo "MLP: PyTorch, $MLP_EPOCHS epochs";     pytorch mlp "$MLP_EPOCHS"
echo "CNN: LayerScope, $CNN_EPOCHS epochs";  layerscope cnn "$CNN_EPOCHS" cnn
echo "CNN: PyTorch, $CNN_EPOCHS epochs";     pytorch cnn "$CNN_EPOCHS"
# The thread counts the shipped experiments do not use, to show why they use theirs.
echo "MLP and CNN: LayerScope with the other thread count"
layerscope mlp "$MLP_EPOCHS" mlp-2-threads -Druntime.threads=2
layerscope cnn "$CNN_EPOCHS" cnn-1-thread -Druntime.threads=1

# The table, from both sides' files.
read -r -d '' SUMMARY <<'PY' || true
import csv, glob, json, os, statistics, sys
out = sys.argv[1]
targets = {"mlp": 0.7, "cnn": 1.0}  # issue 19

def seconds(label):
    """Training seconds of each epoch of LayerScope's run called label."""
    history = glob.glob(os.path.join(out, "runs-" + label, label, "*", "train", "history.csv"))
    if not history:
        sys.exit("no LayerScope history for %s: see %s/%s.log" % (label, out, label))
    with open(history[0]) as f:
        return [float(row["seconds"]) for row in csv.DictReader(f)]

print("\n| network | epochs | LayerScope s/epoch | PyTorch s/epoch | ratio | target | peak RSS LayerScope / PyTorch |")
print("|---|---:|---:|---:|---:|---:|---|")
for net in ("mlp", "cnn"):
    ours = seconds(net)
    with open(os.path.join(out, "peer-" + net, "results.json")) as f:
        theirs = [h["train_seconds"] for h in json.load(f)["steps"]["train_" + net]["history"]]
    a, b = statistics.median(ours), statistics.median(theirs)
    rss = lambda name: int(open(os.path.join(out, name + ".maxrss")).read().split()[-1]) / 1024 / 1024
    verdict = "met" if a <= targets[net] * b else "NOT met"
    print("| %s | %d | %.2f | %.2f | %.2fx | <= %.1fx (%s) | %.2f / %.2f GB |" % (
        net.upper(), len(ours), a, b, a / b, targets[net], verdict, rss(net), rss("torch-" + net)))
print("\nLayerScope with the other thread count: MLP with 2 threads %.2f s/epoch, CNN with 1 thread %.2f s/epoch"
      % (statistics.median(seconds("mlp-2-threads")), statistics.median(seconds("cnn-1-thread"))))
PY
if $DRY_RUN; then
  python_syntax_dry_run "the summary of $0" <<< "$SUMMARY"
  dry_note "every run of $0 would start; nothing ran"
else
  "$PYTHON" - "$OUT" <<< "$SUMMARY"
fi
