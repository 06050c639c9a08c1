#!/usr/bin/env bash
# The exact neighbour search (brute force as BLAS products) against the approximate one (NN-descent) on real data,
# the k nearest of every point of a set onto itself: seconds of each, the approximate one's recall against exact
# neighbours on a seeded sample of 2,000 points, and the peak heap of each. Data: Fashion-MNIST's 70,000 images
# projected to their leading 64 and 100 principal components (100 is how the reduce stage searches raw pixels), and
# above 70,000 points augmented copies (shifted by up to a pixel, with noise); or a captured layer's .npy
# (--activations, e.g. a run's capture/dense2-train.npy), with noisy copies above its rows. k = 15 is UMAP's, 90
# t-SNE's (3 x perplexity 30). See docs/performance.md, "Neighbour search".
#
#   bench/neighbors-bench.sh [--sizes 10000,20000,50000,100000,200000] [--large] [--widths 64,100] [--k 15,90]
#                            [--exact-up-to 200000] [--activations FILE.npy] [--threads 2] [--heap 16g]
#                            [--queries 10000] [--dry-run]
#
# --large adds 500,000 and 1,000,000 points (approximate only above --exact-up-to). --queries M times instead the exact
# search of M further points onto each size (as knn searches the test split onto the training split; a width of 784
# is the raw pixels, all their principal components). --dry-run plans and prints every
# run it would make, without loading data or searching.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/jdk25.sh

SIZES=10000,20000,50000,100000,200000
WIDTHS=64,100
KS=15,90
EXACT_UP_TO=200000
THREADS=2
HEAP=16g
ACTIVATIONS=""
QUERIES=""
DRY_RUN=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --large) SIZES="$SIZES,500000,1000000"; shift ;;
    --widths) WIDTHS=$2; shift 2 ;;
    --k) KS=$2; shift 2 ;;
    --exact-up-to) EXACT_UP_TO=$2; shift 2 ;;
    --activations) ACTIVATIONS="--activations $(realpath "$2")"; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --heap) HEAP=$2; shift 2 ;;
    --queries) QUERIES="--queries $2"; shift 2 ;;
    --dry-run) DRY_RUN="--dry-run"; shift ;;
    *) echo "unknown option $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
DATA=${LAYERSCOPE_DATA_DIR:-$PWD/../shared/data/fashion-mnist}
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load average$(uptime | sed 's/.*load average//')"

# `test-compile` in the same command: the bench is a main class of embedding-module's test tree, and exec:java
# alone would take the modules below it from the local repository, which may hold an old build
MAVEN_OPTS="-Xmx$HEAP ${MAVEN_OPTS:-}" ./mvnw -q -pl embedding-module -am test-compile exec:java@neighbor-bench \
  -Dexec.args="--data $DATA $ACTIVATIONS --sizes $SIZES --widths $WIDTHS --k $KS --threads $THREADS \
--exact-up-to $EXACT_UP_TO $QUERIES $DRY_RUN"
