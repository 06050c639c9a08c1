#!/usr/bin/env python3
"""The reduce stage against its Python counterparts, on the same inputs, with the same quality measures.

Reads LayerScope run folders whose capture and reduce stages ran (bench/reduce-bench.sh makes one per method), fits
scikit-learn's PCA and TSNE (Barnes-Hut) and umap-learn's UMAP on the same captured arrays with 2 threads, and
scores every embedding of both sides with the same code:
  - kNN accuracy, k = 10, train -> test (a classifier fitted on the training map predicts the test points);
  - kNN accuracy, k = 10, leave-one-out within the training map (scikit-learn's TSNE cannot place test points, so
    this is the measure on which t-SNE is compared);
  - trustworthiness, k = 10, on a seeded 5,000-point sample of the training split (sklearn.manifold.trustworthiness).
Seconds are LayerScope's own (reduce/embeddings.csv: the training split's neighbour search + fit, and the test
split's neighbour search + placement; the one search per input serves all methods and is counted in each) and the
Python calls' wall time. Prints a Markdown table and writes results.json beside it.
"""
import argparse
import csv
import json
import os
import time

import numpy as np

SEED = 42


def knn_train_to_test(train, train_y, test, test_y, k=10):
    from sklearn.neighbors import KNeighborsClassifier
    model = KNeighborsClassifier(n_neighbors=k, n_jobs=2).fit(train, train_y)
    return float((model.predict(test) == test_y).mean())


def knn_leave_one_out(points, labels, k=10):
    from sklearn.neighbors import NearestNeighbors
    index = NearestNeighbors(n_neighbors=k + 1, n_jobs=2).fit(points)
    _, neighbours = index.kneighbors(points)
    votes = labels[neighbours[:, 1:]]
    predicted = np.array([np.bincount(row).argmax() for row in votes])
    return float((predicted == labels).mean())


def trustworthiness(high, low, sample):
    from sklearn.manifold import trustworthiness as tw
    return float(tw(high[sample], low[sample], n_neighbors=10))


def python_fit(method, train, test):
    """Fits the Python counterpart; returns (train map, test map or None, fit seconds, place seconds)."""
    start = time.perf_counter()
    if method == "pca":
        from sklearn.decomposition import PCA
        model = PCA(n_components=2, random_state=SEED).fit(train)
        fitted = model.transform(train)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        placed = model.transform(test)
        return fitted, placed, fit_seconds, time.perf_counter() - start
    if method == "umap":
        import umap
        model = umap.UMAP(random_state=SEED)
        fitted = model.fit_transform(train)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        placed = model.transform(test)
        return fitted, placed, fit_seconds, time.perf_counter() - start
    if method == "tsne":
        from sklearn.manifold import TSNE
        fitted = TSNE(n_components=2, random_state=SEED, n_jobs=2).fit_transform(train)
        return fitted, None, time.perf_counter() - start, None
    raise ValueError(method)


def umap_warm_up():
    """numba compiles umap-learn's code on first use; compile it outside the timed fits, as the reference does."""
    import umap
    rng = np.random.RandomState(0)
    x = rng.rand(5000, 16).astype(np.float32)
    umap.UMAP(random_state=SEED).fit(x[:4500]).transform(x[4500:])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", nargs="+", required=True,
                        help="LayerScope run folders with capture/ and reduce/ (of the same trained model)")
    parser.add_argument("--inputs", nargs="+", default=["input", "dense2"])
    parser.add_argument("--methods", nargs="+", default=["pca", "tsne", "umap", "trimap"])
    parser.add_argument("--python-methods", nargs="+", default=["pca", "tsne", "umap"],
                        help="the methods to fit in Python too (TriMAP has no Debian package)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    capture = os.path.join(args.runs[0], "capture")
    train_y = np.load(os.path.join(capture, "train-labels.npy"))
    test_y = np.load(os.path.join(capture, "test-labels.npy"))
    sample = np.random.RandomState(SEED).choice(len(train_y), size=min(5000, len(train_y)), replace=False)
    seconds = {}
    reduce_dirs = {}
    for run in args.runs:
        with open(os.path.join(run, "reduce", "embeddings.csv")) as f:
            for row in csv.DictReader(f):
                seconds[(row["input"], row["method"])] = row
                reduce_dirs[(row["input"], row["method"])] = os.path.join(run, "reduce")
    if "umap" in args.python_methods:
        umap_warm_up()

    rows = []
    for inp in args.inputs:
        train = np.load(os.path.join(capture, "%s-train.npy" % inp))
        test = np.load(os.path.join(capture, "%s-test.npy" % inp))
        for method in args.methods:
            row = {"input": inp, "method": method, "n_train": len(train), "dims": train.shape[1]}
            timing = seconds.get((inp, method))
            if timing is not None:
                reduce_dir = reduce_dirs[(inp, method)]
                ours_train = np.load(os.path.join(reduce_dir, "%s-%s-train.npy" % (inp, method)))
                ours_test = np.load(os.path.join(reduce_dir, "%s-%s-test.npy" % (inp, method)))
                row["ours_fit_s"] = float(timing["neighbors_seconds"]) + float(timing["fit_seconds"])
                row["ours_place_s"] = float(timing["test_neighbors_seconds"]) + float(timing["place_test_seconds"])
                row["ours_placement"] = timing["placement"]
                row["ours_knn_test"] = knn_train_to_test(ours_train, train_y, ours_test, test_y)
                row["ours_knn_loo"] = knn_leave_one_out(ours_train, train_y)
                row["ours_trust"] = trustworthiness(train, ours_train, sample)
            if method in args.python_methods:
                fitted, placed, fit_s, place_s = python_fit(method, train, test)
                row["py_fit_s"] = fit_s
                row["py_place_s"] = place_s
                row["py_knn_test"] = None if placed is None else knn_train_to_test(fitted, train_y, placed, test_y)
                row["py_knn_loo"] = knn_leave_one_out(fitted, train_y)
                row["py_trust"] = trustworthiness(train, fitted, sample)
            rows.append(row)
            print(json.dumps(row), flush=True)

    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(rows, f, indent=1)

    def cell(row, key, fmt):
        value = row.get(key)
        return "-" if value is None else fmt % value

    lines = ["| input | method | LayerScope fit s | Python fit s | LayerScope test s | Python test s "
             "| kNN10 train->test LS / Py | kNN10 LOO LS / Py | trust10 LS / Py |",
             "|---|---|---:|---:|---:|---:|---|---|---|"]
    for row in rows:
        lines.append("| %s (%d-d) | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s / %s |" % (
            row["input"], row["dims"], row["method"], cell(row, "ours_fit_s", "%.1f"), cell(row, "py_fit_s", "%.1f"),
            cell(row, "ours_place_s", "%.1f"), cell(row, "py_place_s", "%.1f"),
            cell(row, "ours_knn_test", "%.4f"), cell(row, "py_knn_test", "%.4f"),
            cell(row, "ours_knn_loo", "%.4f"), cell(row, "py_knn_loo", "%.4f"),
            cell(row, "ours_trust", "%.4f"), cell(row, "py_trust", "%.4f")))
    table = "\n".join(lines)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
