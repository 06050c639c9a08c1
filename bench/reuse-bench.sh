#!/usr/bin/env bash
# Incremental runs: the default experiment (conf/fashion-mlp.conf, full Fashion-MNIST) three times into one fresh
# runs folder — first everything computed, then the same again (every reusable stage reused), then with only a t-SNE
# setting changed (only the t-SNE maps and what reads them computed) — and, with --concurrent, two experiments
# started at the same time into a copy of that runs folder. Prints each run's wall time (Maven included) and per
# stage its status and seconds from run.json.
#
#   bench/reuse-bench.sh [--out DIR] [--concurrent] [--dry-run]
#
# --dry-run checks that every run would start and runs nothing (bench/common.sh says what it checks).
# Needs: JDK 25, Maven, python3 (to read run.json).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

OUT=/tmp/layerscope-bench/reuse
CONCURRENT=false
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=$2; shift 2 ;;
    --concurrent) CONCURRENT=true; shift ;;
    --dry-run) start_dry_run; shift ;;
    *) echo "unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
require_data
if ! $DRY_RUN; then
  rm -rf "$OUT"
  mkdir -p "$OUT"
fi

# The stage table of the newest run.json under a runs folder and name: each stage's status and seconds, and which
# maps were computed
read -r -d '' STAGES <<'EOF' || true
import json, pathlib, sys
run = max(pathlib.Path(sys.argv[1]).iterdir())
data = json.loads((run / "run.json").read_text())
print(f"  {run.name}: {data['status']}")
for stage in data["stages"]:
    parts = stage.get("parts", {})
    computed = [name for name, part in parts.items() if part["status"] == "computed"]
    note = f" (maps computed: {', '.join(computed) or 'none'}; reused: {len(parts) - len(computed)})" if parts else ""
    print(f"    {stage['name']:8} {stage['status']:9} {stage.get('seconds', 0):8.1f} s{note}")
EOF
stages() {
  if $DRY_RUN; then
    return
  fi
  python3 - "$1/$2" <<< "$STAGES"
}
if $DRY_RUN; then
  python_syntax_dry_run "the stage table of $0" <<< "$STAGES"
fi

run() { # label runs-dir experiment-file [overrides...]
  local label=$1 runs=$2 experiment=$3
  shift 3
  local start end
  if $DRY_RUN; then
    layerscope_dry_run -Dexperiment="$experiment" -Ddata.dir="$DATA" -Druns.dir="$runs" "$@"
    return
  fi
  start=$(date +%s.%N)
  # compile in the same invocation, so the run uses this tree's classes
  ./mvnw -q compile exec:java -Dexperiment="$experiment" -Ddata.dir="$DATA" -Druns.dir="$runs" "$@" \
    >"$OUT/$label.log" 2>&1
  end=$(date +%s.%N)
  printf '%s: %.1f s wall\n' "$label" "$(echo "$end - $start" | bc)"
}

RUNS=$OUT/runs
run first "$RUNS" conf/fashion-mlp.conf
stages "$RUNS" fashion-mlp
run again "$RUNS" conf/fashion-mlp.conf
stages "$RUNS" fashion-mlp
run tsne-changed "$RUNS" conf/fashion-mlp.conf -Dreduce.tsne.perplexity=40
stages "$RUNS" fashion-mlp

if $CONCURRENT && $DRY_RUN; then
  # the same command as above, twice at once, with one more setting
  run concurrent-a "$OUT/concurrent" conf/fashion-mlp.conf -Dreduce.umap.min-dist=0.2
elif $CONCURRENT; then
  # the same experiment twice at once into one runs folder, with a UMAP setting not computed above (the rest is
  # reused from a copy of the runs above): one computes the UMAP maps while the other waits, then reuses them
  BOTH=$OUT/concurrent
  cp -a "$RUNS" "$BOTH"
  start=$(date +%s.%N)
  run concurrent-a "$BOTH" conf/fashion-mlp.conf -Dreduce.umap.min-dist=0.2 &
  run concurrent-b "$BOTH" conf/fashion-mlp.conf -Dreduce.umap.min-dist=0.2 &
  wait
  end=$(date +%s.%N)
  printf 'both: %.1f s wall\n' "$(echo "$end - $start" | bc)"
  for run in "$BOTH"/fashion-mlp/*; do
    echo "  $(basename "$run"): $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$run/run.json")"
  done
  grep -h "another process is computing" "$OUT"/concurrent-*.log || echo "  (neither waited)"
  cmp "$(ls -d "$BOTH"/fashion-mlp/* | tail -2 | head -1)/knn/knn.csv" \
      "$(ls -d "$BOTH"/fashion-mlp/* | tail -1)/knn/knn.csv" && echo "  both runs' knn.csv are identical"
fi
if $DRY_RUN; then
  dry_note "every run of $0 would start; nothing ran"
fi
