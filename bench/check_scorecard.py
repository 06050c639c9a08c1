#!/usr/bin/env python3
"""Checks a run's cka/cka.csv and intrinsic/intrinsic_dimension.csv against NumPy, from the files the run exported.

    /usr/bin/python3 bench/check_scorecard.py runs/fashion-mlp/<timestamp>

CKA: for every comparison in cka/subsets.csv it takes the test images the subset file names (test-file indices,
mapped to rows through each run's capture/test-index.npy), loads each layer's capture/<layer>-test.npy, and computes
linear CKA in float64 with both estimators as Kornblith et al.'s feature_space_linear_cka does (columns centred;
the unbiased HSIC of Song et al. 2012). The line's own estimator must agree with cka.csv within 1e-4. A run named
in run_b is looked for beside this one (<runs dir>/<experiment>/<run>), or under --runs-dir. A line of an epoch
before the last (a layer after that epoch against itself after the last) is computed from the per-epoch record,
capture/epochs/<layer>.npy, on all of its images.

TwoNN: for every layer of intrinsic_dimension.csv it takes the images of intrinsic/subset.npy, finds each one's two
nearest neighbours by exact float64 distances and fits the line of Facco et al.'s reference code (ratios r2/r1
sorted, F = i/N from 0, the first int(N (1 - discard)) through the origin; a zero first distance is an infinite
ratio). It must agree within 1%. The per-epoch lines, after the trained network's, are estimated likewise from the
per-epoch record's images at their epoch.

Exits 1 when anything disagrees. Needs Debian's python3-numpy.
"""
import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np


def feature_space_linear_cka(x, y, debiased=False):
    """Kornblith et al.'s linear CKA from features (google-research/representation_similarity)."""
    x = x - x.mean(axis=0, keepdims=True)
    y = y - y.mean(axis=0, keepdims=True)
    dot = np.linalg.norm(x.T @ y) ** 2
    norm_x = np.linalg.norm(x.T @ x)
    norm_y = np.linalg.norm(y.T @ y)
    if debiased:
        n = x.shape[0]
        rows_x = np.einsum("ij,ij->i", x, x)
        rows_y = np.einsum("ij,ij->i", y, y)
        sq_x = rows_x.sum()
        sq_y = rows_y.sum()

        def helper(xty, rx, ry, nx, ny):
            return xty - n / (n - 2.0) * rx.dot(ry) + nx * ny / ((n - 1) * (n - 2))

        dot = helper(dot, rows_x, rows_y, sq_x, sq_y)
        norm_x = np.sqrt(helper(norm_x ** 2, rows_x, rows_x, sq_x, sq_x))
        norm_y = np.sqrt(helper(norm_y ** 2, rows_y, rows_y, sq_y, sq_y))
    return dot / (norm_x * norm_y)


def two_nn(points, discard):
    """Facco et al.'s TwoNN estimate with exact float64 distances."""
    points = points.astype(np.float64)
    n = len(points)
    norms = np.einsum("ij,ij->i", points, points)
    first = np.empty(n)
    second = np.empty(n)
    for start in range(0, n, 512):
        block = points[start:start + 512]
        squared = norms[start:start + 512, None] + norms[None, :] - 2 * block @ points.T
        squared[np.arange(len(block)), start + np.arange(len(block))] = np.inf
        candidates = np.argpartition(squared, 3, axis=1)[:, :4]
        # the expanded form rounds; rank the candidates by their exact distance
        exact = np.sqrt(((block[:, None, :] - points[candidates]) ** 2).sum(axis=2))
        exact.sort(axis=1)
        first[start:start + len(block)] = exact[:, 0]
        second[start:start + len(block)] = exact[:, 1]
    with np.errstate(divide="ignore"):
        ratios = np.where(first == 0, np.inf, second / np.where(first == 0, 1, first))
    ratios.sort()
    fitted = int(n * (1.0 - discard))
    x = np.log(ratios[:fitted])
    y = -np.log(1.0 - np.arange(fitted) / n)
    if not np.isfinite(x).all():
        return float("nan"), int((first == 0).sum())
    return float((x * y).sum() / (x * x).sum()), int((first == 0).sum())


class Run:
    """A run folder's captured test split."""

    def __init__(self, folder):
        self.folder = folder
        self.row_of = {int(index): row for row, index in enumerate(np.load(folder / "capture" / "test-index.npy"))}
        self.layers = {}

    def rows(self, indices):
        return np.array([self.row_of[int(i)] for i in indices])

    def layer(self, name):
        if name not in self.layers:
            self.layers[name] = np.load(self.folder / "capture" / f"{name}-test.npy").astype(np.float64)
        return self.layers[name]


class Record:
    """A run's per-epoch record: capture/epochs/<layer>.npy, epochs x images x width."""

    def __init__(self, folder):
        self.folder = folder / "capture" / "epochs"
        self.epochs = json.loads((self.folder / "epochs.json").read_text())["epochs"]
        self.last = self.epochs[-1]
        self.layers = {}

    def layer(self, name, epoch):
        if name not in self.layers:
            self.layers[name] = np.load(self.folder / f"{name}.npy", mmap_mode="r")
        return np.asarray(self.layers[name][self.epochs.index(epoch)], dtype=np.float64)


def check_cka(run_dir, runs_dir):
    table = list(csv.DictReader(open(run_dir / "cka" / "cka.csv", newline="")))
    last_epoch = max(int(line["epoch"]) for line in table)
    subsets = list(csv.DictReader(open(run_dir / "cka" / "subsets.csv", newline="")))
    this = Run(run_dir)
    runs = {}
    worst = 0.0
    failed = 0
    print(f"{'run_b':40s} {'layer_a':>10s} {'layer_b':>10s} {'n':>6s} {'LayerScope':>11s} {'NumPy':>11s} "
          f"{'other est.':>11s} {'diff':>9s}")
    for subset in subsets:
        indices = np.load(run_dir / "cka" / subset["file"])
        assert len(indices) == int(subset["n"]), subset
        if subset["run_b"] == subset["run_a"]:
            other = this
        else:
            if subset["run_b"] not in runs:
                runs[subset["run_b"]] = Run((runs_dir or run_dir.parent.parent) / subset["run_b"])
            other = runs[subset["run_b"]]
        ours = this.rows(indices)
        theirs = other.rows(indices)
        for line in table:
            if line["run_b"] != subset["run_b"] or int(line["epoch"]) < last_epoch:
                continue
            x = this.layer(line["layer_a"])[ours]
            y = other.layer(line["layer_b"])[theirs]
            debiased = line["estimator"] == "unbiased"
            expected = feature_space_linear_cka(x, y, debiased)
            alternative = feature_space_linear_cka(x, y, not debiased)
            reported = float(line["cka"])
            diff = abs(reported - expected) if np.isfinite(expected) else (0.0 if np.isnan(reported) else np.inf)
            worst = max(worst, diff)
            bad = diff > 1e-4 or int(line["n"]) != len(indices)
            failed += bad
            print(f"{line['run_b']:40s} {line['layer_a']:>10s} {line['layer_b']:>10s} {len(indices):6d} "
                  f"{reported:11.6f} {expected:11.6f} {alternative:11.6f} {diff:9.2e}{'  <-- differs' if bad else ''}")
    # the per-epoch rows: a layer after epoch e against itself after the last recorded epoch, on the record's images
    record = Record(run_dir)
    for line in table:
        if int(line["epoch"]) >= last_epoch:
            continue
        x = record.layer(line["layer_a"], int(line["epoch"]))
        y = record.layer(line["layer_a"], record.last)
        expected = feature_space_linear_cka(x, y, line["estimator"] == "unbiased")
        reported = float(line["cka"])
        diff = abs(reported - expected) if np.isfinite(expected) else (0.0 if np.isnan(reported) else np.inf)
        worst = max(worst, diff)
        bad = diff > 1e-4 or int(line["n"]) != x.shape[0]
        failed += bad
        print(f"{'epoch ' + line['epoch'] + ' against ' + str(record.last):40s} {line['layer_a']:>10s} "
              f"{line['layer_b']:>10s} {x.shape[0]:6d} {reported:11.6f} {expected:11.6f} {'':>11s} "
              f"{diff:9.2e}{'  <-- differs' if bad else ''}")
    print(f"CKA: {len(table)} lines, largest difference {worst:.2e} (allowed 1e-4)")
    return failed


def check_intrinsic(run_dir, discard):
    table = list(csv.DictReader(open(run_dir / "intrinsic" / "intrinsic_dimension.csv", newline="")))
    this = Run(run_dir)
    rows = this.rows(np.load(run_dir / "intrinsic" / "subset.npy"))
    # the trained network's lines come first, one per layer; the per-epoch record's follow
    final = 0
    while final < len(table) and table[final]["epoch"] == table[0]["epoch"] and table[final]["layer"] not in [
            line["layer"] for line in table[:final]]:
        final += 1
    record = Record(run_dir) if final < len(table) else None
    failed = 0
    print(f"{'layer':>10s} {'epoch':>5s} {'n':>6s} {'LayerScope':>11s} {'NumPy':>11s} {'duplicates':>10s} "
          f"{'rel. diff':>9s}")
    for number, line in enumerate(table):
        points = this.layer(line["layer"])[rows] if number < final else record.layer(line["layer"],
                                                                                      int(line["epoch"]))
        expected, duplicates = two_nn(points, discard)
        reported = float(line["id"])
        diff = abs(reported - expected) / abs(expected) if np.isfinite(expected) else (
            0.0 if np.isnan(reported) else np.inf)
        bad = diff > 0.01 or int(line["n"]) != len(points)
        failed += bad
        print(f"{line['layer']:>10s} {line['epoch']:>5s} {len(points):6d} {reported:11.4f} {expected:11.4f} "
              f"{duplicates:10d} {diff:9.2e}{'  <-- differs' if bad else ''}")
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", type=Path, help="the run folder, runs/<experiment>/<timestamp>")
    parser.add_argument("--runs-dir", type=Path, help="where the runs of cka.compare-with are (default: beside it)")
    args = parser.parse_args()
    run_dir = args.run
    failed = 0
    if (run_dir / "cka" / "cka.csv").exists():
        failed += check_cka(run_dir, args.runs_dir)
    if (run_dir / "intrinsic" / "intrinsic_dimension.csv").exists():
        settings = json.loads((run_dir / "run.json").read_text())
        stage = next(s for s in settings["stages"] if s["name"] == "intrinsic")
        failed += check_intrinsic(run_dir, stage["settings"]["intrinsic"]["two-nn"]["discard"])
    print("OK" if failed == 0 else f"{failed} line(s) differ")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
