#!/usr/bin/env bash
# The reduce stage against scikit-learn's PCA and TSNE and umap-learn's UMAP, side by side in one run, on the full
# Fashion-MNIST: 50,000 x 784 raw pixels and 50,000 x 64 activations of the MLP's second hidden layer (dense2), test
# split 10,000. LayerScope runs the default experiment's capture and reduce stages once per method (training the MLP
# in the first run, reusing it after); bench/reduce_bench.py then fits the Python methods on the very arrays the
# capture stage wrote and scores both sides' embeddings with the same code (kNN accuracy k = 10, trustworthiness
# k = 10 on a seeded 5,000-point sample). Both sides get 2 threads.
#
#   bench/reduce-bench.sh [--methods "pca tsne umap trimap"] [--python-methods "pca tsne umap"] [--out DIR] [--dry-run]
#
# --dry-run checks that every run would start and runs nothing (bench/common.sh says what it checks).
# Needs: JDK 25, Maven, and apt-get install python3-sklearn umap-learn python3-numpy
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

METHODS="pca tsne umap trimap"
PYTHON_METHODS="pca tsne umap"
OUT=/tmp/layerscope-bench/reduce
while [ $# -gt 0 ]; do
  case "$1" in
    --methods) METHODS=$2; shift 2 ;;
    --python-methods) PYTHON_METHODS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --dry-run) start_dry_run; shift ;;
    *) echo "unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
require_data
if ! $DRY_RUN; then
  require_python "The Python reference needs Debian's packages: apt-get install python3-sklearn umap-learn python3-numpy" sklearn umap numpy
  rm -rf "$OUT"
  mkdir -p "$OUT"
fi

# One LayerScope run per method, so that each is timed alone, with the neighbour search it needs itself (run together,
# the methods share one search sized for the largest). The first run trains the MLP; the others reuse it. `compile` goes
# in the same command: `exec:java` alone takes the other modules from the local repository, which may hold an old build.
# t-SNE runs scikit-learn's 1,000 steps, not LayerScope's default 750, so that both sides do the same work.
for method in $METHODS; do
  args=(-Dexperiment=conf/fashion-mlp.conf -Dname="bench-$method" -Ddata.dir="$DATA" -Druns.dir="$OUT/runs"
    -Dpipeline="[load, train, capture, reduce]" -Dcapture.layers="[input, dense2]" -Dreduce.methods="[$method]"
    -Dreduce.threads=2 -Dreduce.projector.enabled=false -Dreduce.tsne.iterations=1000)
  if $DRY_RUN; then
    layerscope_dry_run "${args[@]}"
    continue
  fi
  /usr/bin/time -f '%M' -o "$OUT/layerscope-$method.maxrss" ./mvnw -q compile exec:java "${args[@]}" \
    > "$OUT/layerscope-$method.log" 2>&1
  echo "LayerScope $method: $(ls -d "$OUT"/runs/bench-$method/*/ | tail -1)" \
    "(peak resident $(( $(cat "$OUT/layerscope-$method.maxrss") / 1024 )) MB)"
done

python_args=(--runs "$OUT"/runs/bench-*/*/ --inputs input dense2 --methods $METHODS --python-methods $PYTHON_METHODS
  --out "$OUT")
if $DRY_RUN; then
  python_options_dry_run bench/reduce_bench.py "${python_args[@]}"
  dry_note "every run of $0 would start; nothing ran"
  exit 0
fi
OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 NUMBA_NUM_THREADS=2 "$PYTHON" bench/reduce_bench.py "${python_args[@]}"
