#!/usr/bin/env python3
"""Checks a run's knn/knn.csv against scikit-learn, from the files the run exported.

    /usr/bin/python3 bench/check_knn.py runs/fashion-mlp/<timestamp>

For every line of knn.csv it finds the k nearest training points of each test point with scikit-learn's
NearestNeighbors, in the 2-D map (reduce/<input>-<method>.csv) or, for `high-dimensional`, in the captured layer
itself (capture/<input>-<split>.npy), and votes the way LayerScope documents: the majority class, a tie between
classes to the one whose neighbours are nearer in sum, then to the class of the nearest neighbour; equal distances
in training-row order. It prints LayerScope's accuracy, this recomputation and scikit-learn's own
KNeighborsClassifier (whose vote tie goes to the lowest class number) side by side, and exits 1 when LayerScope and
the recomputation differ by more than one test point.

Needs Debian's python3-sklearn and python3-numpy.
"""
import argparse
import csv
import sys
from pathlib import Path

import numpy as np
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors


def map_points(run, input_name, method):
    """Train and test points and labels of one 2-D map, in the row order the knn stage used."""
    rows = {"train": [], "test": []}
    with open(run / "reduce" / f"{input_name}-{method}.csv", newline="") as f:
        for row in csv.DictReader(f):
            rows[row["split"]].append((float(row["x"]), float(row["y"]), int(row["label"])))
    split = {name: np.array(values) for name, values in rows.items()}
    return (split["train"][:, :2], split["train"][:, 2].astype(int),
            split["test"][:, :2], split["test"][:, 2].astype(int))


def layer_points(run, input_name):
    """Train and test activations and labels of one captured layer."""
    capture = run / "capture"
    return (np.load(capture / f"{input_name}-train.npy"), np.load(capture / "train-labels.npy"),
            np.load(capture / f"{input_name}-test.npy"), np.load(capture / "test-labels.npy"))


def neighbours(train, test, k):
    """The k nearest training rows of each test row, by (distance, training row)."""
    # a few more than k, so that a tie at the k-th distance is settled by row number as LayerScope does
    search = NearestNeighbors(n_neighbors=min(len(train), k + 5), algorithm="brute" if train.shape[1] > 2 else "kd_tree")
    distances, indices = search.fit(train.astype(np.float64)).kneighbors(test.astype(np.float64))
    order = np.lexsort((indices, distances), axis=1)
    return (np.take_along_axis(distances, order, axis=1)[:, :k], np.take_along_axis(indices, order, axis=1)[:, :k])


def vote(distances, indices, train_labels, k, classes):
    """LayerScope's vote for each test point among its first k neighbours."""
    labels = train_labels[indices[:, :k]]
    n = len(labels)
    rows = np.repeat(np.arange(n), k)
    votes = np.zeros((n, classes))
    sums = np.zeros((n, classes))
    first = np.full((n, classes), k)
    np.add.at(votes, (rows, labels.ravel()), 1)
    np.add.at(sums, (rows, labels.ravel()), distances[:, :k].ravel())
    np.minimum.at(first, (rows, labels.ravel()), np.tile(np.arange(k), n))
    tied = votes == votes.max(axis=1, keepdims=True)
    nearer = np.where(tied, sums, np.inf)
    tied &= nearer == nearer.min(axis=1, keepdims=True)
    return np.where(tied, first, k + 1).argmin(axis=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path, help="a run folder with knn/knn.csv")
    args = parser.parse_args()
    with open(args.run / "knn" / "knn.csv", newline="") as f:
        lines = list(csv.DictReader(f))
    groups = {}
    for line in lines:
        groups.setdefault((line["input"], line["method"]), []).append(line)
    worst = 0
    print(f"{'input':<8} {'method':<17} {'k':>3} {'LayerScope':>10} {'recomputed':>10} {'sklearn':>8}")
    for (input_name, method), group in groups.items():
        if method == "high-dimensional":
            train, train_labels, test, test_labels = layer_points(args.run, input_name)
        else:
            train, train_labels, test, test_labels = map_points(args.run, input_name, method)
        classes = int(max(train_labels.max(), test_labels.max())) + 1
        ks = [int(line["k"]) for line in group]
        distances, indices = neighbours(train, test, max(ks))
        for line, k in zip(group, ks):
            recomputed = float(np.mean(vote(distances, indices, train_labels, k, classes) == test_labels))
            own = KNeighborsClassifier(n_neighbors=k).fit(train, train_labels).score(test, test_labels)
            ours = float(line["accuracy"])
            worst = max(worst, abs(ours - recomputed) * len(test_labels))
            print(f"{input_name:<8} {method:<17} {k:>3} {ours:>10.4f} {recomputed:>10.4f} {own:>8.4f}")
    print(f"largest difference from the recomputation: {worst:.0f} test point(s)")
    return 1 if worst > 1 else 0


if __name__ == "__main__":
    sys.exit(main())
