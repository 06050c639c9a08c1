#!/usr/bin/env bash
# How cost grows with the data: capture, reduce (each method alone) and knn of the default MLP's raw pixels and its
# 64-wide dense2, at n = 10,000 to 1,000,000 training points. Beyond the 60,000 real training images the data set is
# made of augmented copies of them (bench/make_scaled_idx.py: shifts of up to 2 pixels and noise), so the points keep
# their classes' structure; the test split is the real 10,000 images. Per size: one run of load, train (one epoch on
# that data set) and capture; one run per method adding reduce with that method alone (the capture reused), so that
# each method's time and peak memory are its own, mapping dense2 (and PCA the raw pixels too); one run adding knn of
# the dense2 maps and both captured layers (every map reused). Then it fits, per stage and
# method, the exponent b of seconds = a n^b, and writes scaling.csv, scaling.md and scaling.png (drawn by
# report-module's figure code) into the output folder.
#
#   bench/scaling-bench.sh [--sizes "10000 20000 50000 100000 200000 500000 1000000"] [--methods "pca tsne umap trimap"]
#                          [--heap 16g] [--out DIR] [--dry-run]
#
# The made data sets are kept in DIR/data and reused by the next call with the same sizes (1,000,000 images take
# about 1 GB and a few minutes to make); the runs folder is made anew.
# --dry-run checks that every run would start and runs nothing (bench/common.sh says what it checks).
# Needs: JDK 25, Maven, GNU time, and apt-get install python3-numpy
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

SIZES="10000 20000 50000 100000 200000 500000 1000000"
METHODS="pca tsne umap trimap"
HEAP=16g
OFF_HEAP=4g
OUT=/tmp/layerscope-bench/scaling
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --methods) METHODS=$2; shift 2 ;;
    --heap) HEAP=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --dry-run) start_dry_run; shift ;;
    *) echo "unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
require_data
REPOSITORY=$PWD
CONFS=$OUT/confs
if $DRY_RUN; then
  # the experiment files are written where the dry run leaves nothing behind
  CONFS=$DRY_RUN_TEMP/confs
else
  require_python "The data sets are made with NumPy: apt-get install python3-numpy" numpy
  [ -x /usr/bin/time ] || { echo "GNU time is needed for peak memory: apt-get install time" >&2; exit 1; }
  rm -rf "$OUT/runs" "$OUT/logs" "$CONFS"
  mkdir -p "$OUT/runs" "$OUT/logs" "$OUT/data"
fi
mkdir -p "$CONFS"

# The experiment of one size: the default one, on the made data set (a data set of one's own: no checksums), with
# only what this benchmark measures.
write_conf() { # size file
  cat > "$2" <<EOF
include file("$REPOSITORY/conf/fashion-mlp.conf")
name = scaled-$1
data {
  name = fashion-mnist-scaled-$1
  files {
    train-images { name = train-images-idx3-ubyte.gz, md5 = null }
    train-labels { name = train-labels-idx1-ubyte.gz, md5 = null }
    test-images { name = t10k-images-idx3-ubyte.gz, md5 = null }
    test-labels { name = t10k-labels-idx1-ubyte.gz, md5 = null }
  }
  class-names = [T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot]
  download.enabled = false
}
model.epochs = 1
capture {
  layers = [input, dense2]
  epochs.images = 0
  outputs = false
}
reduce.projector.enabled = false
runtime {
  heap = $HEAP
  off-heap = $OFF_HEAP
}
EOF
}

# The inputs a method maps: every method the 64-wide dense2 (the issue's million-point map is 1,000,000 x 64); PCA
# the 784 raw pixels too, which shows what a 784-wide million-point input costs in time and memory. A neighbour
# graph of the raw pixels at a million points (t-SNE asks 225 candidates a point) is out of this benchmark's reach.
inputs_of() { # method
  if [ "$1" = pca ]; then echo "[input, dense2]"; else echo "[dense2]"; fi
}

# One LayerScope run, timed, its peak resident memory kept beside its log.
run() { # label conf data-dir [-Dkey=value...]
  local label=$1 conf=$2 data=$3
  shift 3
  local args=(-Dexperiment="$conf" -Ddata.dir="$data" -Druns.dir="$OUT/runs" -Dname="$label" "$@")
  if $DRY_RUN; then
    layerscope_dry_run "${args[@]}"
    return
  fi
  echo "$(date +%H:%M:%S) $label"
  /usr/bin/time -f '%M' -o "$OUT/logs/$label.maxrss" ./mvnw -q compile exec:java "${args[@]}" \
    > "$OUT/logs/$label.log" 2>&1 \
    || { echo "the run $label failed; the end of $OUT/logs/$label.log:" >&2; tail -n 5 "$OUT/logs/$label.log" >&2; exit 1; }
}

for n in $SIZES; do
  data=$OUT/data/n$n
  # the load stage holds 1/6 of the training file out for validation
  file_images=$(( (n * 6 + 4) / 5 ))
  if $DRY_RUN; then
    "$PYTHON" bench/make_scaled_idx.py --source "$DATA" --out "$data" --train-images "$file_images" --dry-run
  elif [ ! -f "$data/t10k-labels-idx1-ubyte.gz" ]; then
    "$PYTHON" bench/make_scaled_idx.py --source "$DATA" --out "$data" --train-images "$file_images"
  fi
  conf=$CONFS/scaled-$n.conf
  write_conf "$n" "$conf"
  run "n$n-capture" "$conf" "$data" -Dpipeline="[load, train, capture]"
  for method in $METHODS; do
    run "n$n-$method" "$conf" "$data" -Dpipeline="[load, train, capture, reduce]" -Dreduce.methods="[$method]" \
      -Dreduce.inputs="$(inputs_of "$method")"
  done
  methods_list=$(echo "$METHODS" | tr ' ' ',')
  run "n$n-knn" "$conf" "$data" -Dpipeline="[load, train, capture, reduce, knn]" -Dreduce.methods="[$methods_list]" \
    -Dreduce.inputs="[dense2]"
done

# scaling.csv from the runs: per size, stage (capture, knn, or reduce with its method) and input, seconds and peak
# memory.
read -r -d '' COLLECT <<'PY' || true
import csv, json, os, sys
out, sizes, methods = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()

def run_folder(label):
    folder = os.path.join(out, "runs", label)
    return os.path.join(folder, max(os.listdir(folder)))

def stage(run, name):
    data = json.load(open(os.path.join(run, "run.json")))
    found = [s for s in data["stages"] if s["name"] == name]
    if not found or found[0]["status"] != "succeeded":
        sys.exit("%s: the %s stage did not succeed" % (run, name))
    return found[0]

def peak_mb(label):
    return int(open(os.path.join(out, "logs", label + ".maxrss")).read().split()[-1]) / 1024

rows = []
for n in sizes:
    label = "n%s-capture" % n
    rows.append({"n": n, "stage": "capture", "method": "", "input": "input+dense2",
                 "seconds": stage(run_folder(label), "capture")["seconds"], "peak_mb": peak_mb(label)})
    for method in methods:
        label = "n%s-%s" % (n, method)
        run = run_folder(label)
        stage(run, "reduce")
        with open(os.path.join(run, "reduce", "embeddings.csv")) as f:
            for row in csv.DictReader(f):
                seconds = sum(float(row[k]) for k in ("neighbors_seconds", "fit_seconds", "test_neighbors_seconds",
                                                       "place_test_seconds"))
                rows.append({"n": n, "stage": "reduce", "method": method, "input": row["input"],
                             "seconds": seconds, "peak_mb": peak_mb(label)})
    label = "n%s-knn" % n
    rows.append({"n": n, "stage": "knn", "method": "", "input": "all maps",
                 "seconds": stage(run_folder(label), "knn")["seconds"], "peak_mb": peak_mb(label)})
with open(os.path.join(out, "scaling.csv"), "w", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=["n", "stage", "method", "input", "seconds", "peak_mb"])
    writer.writeheader()
    writer.writerows(rows)
print("wrote %s: %d rows" % (os.path.join(out, "scaling.csv"), len(rows)))
PY

if $DRY_RUN; then
  python_syntax_dry_run "the collection of $0" <<< "$COLLECT"
  dry_note "every run of $0 would start; nothing ran"
  exit 0
fi
"$PYTHON" - "$OUT" "$SIZES" "$METHODS" <<< "$COLLECT"
# the exponents, the table and the plot, by report-module's figure code, on the classpath a run gets
./mvnw -q compile exec:java -Djavac-args="$OUT/layerscope.args" > /dev/null
java @"$OUT/layerscope.args" dev.layerscope.report.figures.ScalingFigure "$OUT/scaling.csv" "$OUT/scaling.png" \
  | tee "$OUT/scaling.md"
