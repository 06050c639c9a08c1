#!/usr/bin/env bash
# The reduce stage against scikit-learn's PCA and TSNE and umap-learn's UMAP, side by side in one run, on the full
# Fashion-MNIST: 50,000 x 784 raw pixels and 50,000 x 64 activations of the MLP's second hidden layer (dense2), test
# split 10,000. LayerScope runs the default experiment's capture and reduce stages once per method (training the MLP
# in the first run, reusing it after); bench/reduce_bench.py then fits the Python methods on the very arrays the
# capture stage wrote and scores both sides' embeddings with the same code (kNN accuracy k = 10, trustworthiness
# k = 10 on a seeded 5,000-point sample). Both sides get 2 threads.
#
#   bench/reduce-bench.sh [--methods "pca tsne umap trimap"] [--python-methods "pca tsne umap"] [--out DIR]
#
# Needs: JDK 25, Maven, and apt-get install python3-sklearn umap-learn python3-numpy
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/jdk25.sh

METHODS="pca tsne umap trimap"
PYTHON_METHODS="pca tsne umap"
OUT=/tmp/layerscope-bench/reduce
while [ $# -gt 0 ]; do
  case "$1" in
    --methods) METHODS=$2; shift 2 ;;
    --python-methods) PYTHON_METHODS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
DATA=${LAYERSCOPE_DATA_DIR:-$PWD/../shared/data/fashion-mnist}
PYTHON=/usr/bin/python3
if ! "$PYTHON" -c 'import sklearn, umap, numpy' 2>/dev/null; then
  echo "The Python reference needs Debian's packages: apt-get install python3-sklearn umap-learn python3-numpy" >&2
  exit 1
fi
rm -rf "$OUT"
mkdir -p "$OUT"

# One LayerScope run per method, so that each is timed alone, with the neighbour search it needs itself (run together,
# the methods share one search sized for the largest). The first run trains the MLP; the others reuse it. `compile` goes
# in the same command: `exec:java` alone takes the other modules from the local repository, which may hold an old build.
for method in $METHODS; do
  /usr/bin/time -f '%M' -o "$OUT/layerscope-$method.maxrss" ./mvnw -q compile exec:java -Dexperiment=conf/fashion-mlp.conf \
    -Dname="bench-$method" -Ddata.dir="$DATA" -Druns.dir="$OUT/runs" -Dpipeline="[load, train, capture, reduce]" \
    -Dcapture.layers="[input, dense2]" -Dreduce.methods="[$method]" -Dreduce.threads=2 \
    -Dreduce.projector.enabled=false > "$OUT/layerscope-$method.log" 2>&1
  echo "LayerScope $method: $(ls -d "$OUT"/runs/bench-$method/*/ | tail -1)" \
    "(peak resident $(( $(cat "$OUT/layerscope-$method.maxrss") / 1024 )) MB)"
done

OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 NUMBA_NUM_THREADS=2 \
  "$PYTHON" bench/reduce_bench.py --runs "$OUT"/runs/bench-*/*/ --inputs input dense2 --methods $METHODS \
  --python-methods $PYTHON_METHODS --out "$OUT"
