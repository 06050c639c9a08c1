#!/usr/bin/env python3
"""Checks a run's collapse/collapse.json (NC1 to NC4) with NumPy, from the files the run exported.

    /usr/bin/python3 bench/check_collapse.py runs/fashion-mlp/<timestamp>

For each line of the collapse stage's results it reads the features it measured (collapse/features-<split>.npy
where the stage wrote them, else capture/<layer>-<split>.npy), the captured labels and the output layer's weights
(collapse/last_layer_W.npy, classes x width) and bias, and recomputes every measure in float64 the textbook way,
as Papyan, Han and Donoho's reference code does: width x width Sigma_W (averaged over the samples) and Sigma_B,
Sigma_B's pseudo-inverse from its own eigendecomposition (numpy.linalg.eigh) with the stage's relative cut-off,
NC1 = Tr(Sigma_W Sigma_B^+) / C. (The stage goes through the C x C Gram matrix of the centred means instead.) It
prints LayerScope's value beside NumPy's and exits 1 when any differs by more than 1% (or 1e-6 where the value is
near 0, as the spread of the cosines of a near-simplex).

Needs Debian's python3-numpy.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

TOLERANCE = 0.01
NEAR_ZERO = 1e-6


def stage_settings(run):
    """The collapse stage's settings as run.json records them."""
    record = json.loads((run / "run.json").read_text())
    for stage in record["stages"]:
        if stage["name"] == "collapse":
            return stage.get("settings", {}).get("collapse", {})
    raise SystemExit(f"{run}/run.json has no collapse stage")


def features(run, layer, split):
    measured = run / "collapse" / f"features-{split}.npy"
    source = measured if measured.exists() else run / "capture" / f"{layer}-{split}.npy"
    return np.load(source).astype(np.float64), source


def measures(train, labels, test, weights, bias, classes, tolerance):
    """NC1 to NC4 by their definitions, in float64."""
    n, width = train.shape
    means = np.stack([train[labels == c].mean(axis=0) for c in range(classes)])
    global_mean = means.mean(axis=0)  # of the class means, as the published code (muG = mean(M))
    centred = means - global_mean
    deviations = train - means[labels]
    within = deviations.T @ deviations / n
    between = centred.T @ centred / classes
    values, vectors = np.linalg.eigh(between)
    kept = values > tolerance * values.max()
    pseudo_inverse = (vectors[:, kept] / values[kept]) @ vectors[:, kept].T
    nc1 = np.trace(within @ pseudo_inverse) / classes

    norms = np.linalg.norm(centred, axis=1)
    nc2_norm_cv = norms.std(ddof=1) / norms.mean()
    cosines = (centred @ centred.T) / np.outer(norms, norms)
    pairs = cosines[np.triu_indices(classes, k=1)]

    nc3 = np.linalg.norm(weights / np.linalg.norm(weights) - centred / np.linalg.norm(centred))

    logits = test @ weights.T + bias
    network = np.argmax(logits, axis=1)
    distances = ((test[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
    nearest = np.argmin(distances, axis=1)
    nc4 = float(np.mean(network == nearest))
    return {"nc1": nc1, "nc2-norm-cv": nc2_norm_cv, "nc2-cos-mean": pairs.mean(), "nc2-cos-std": pairs.std(),
            "nc3": nc3, "nc4": nc4, "between-rank": int(kept.sum())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a run folder with collapse/ and capture/")
    run = parser.parse_args().run
    results = json.loads((run / "collapse" / "collapse.json").read_text())
    tolerance = float(stage_settings(run).get("rank-tolerance", 1e-9))
    classes = results["classes"]
    weights = np.load(run / "collapse" / "last_layer_W.npy").astype(np.float64)
    bias = np.load(run / "collapse" / "last_layer_b.npy").astype(np.float64)
    train_labels = np.load(run / "capture" / "train-labels.npy")
    failures = 0
    for line in results["lines"]:
        train, source = features(run, line["layer"], "train")
        test, _ = features(run, line["layer"], "test")
        print(f"{line['layer']} after epoch {line['epoch']}: {train.shape[0]} training and {test.shape[0]} test "
              f"features of width {train.shape[1]} ({source.parent.name}/), {classes} classes")
        expected = measures(train, train_labels, test, weights, bias, classes, tolerance)
        print(f"  {'measure':<14}{'LayerScope':>16}{'NumPy':>16}{'difference':>14}")
        for key, numpy_value in expected.items():
            value = line[key]
            value = float("nan") if value is None else float(value)
            difference = abs(value - numpy_value)
            bad = not (difference <= max(TOLERANCE * abs(numpy_value), NEAR_ZERO)
                       or (np.isnan(value) and np.isnan(numpy_value)))
            failures += bad
            print(f"  {key:<14}{value:>16.8g}{numpy_value:>16.8g}{difference:>14.2e}{'  <- off' if bad else ''}")
    if failures:
        print(f"{failures} measure(s) more than {TOLERANCE:.0%} off")
        return 1
    print(f"every measure within {TOLERANCE:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
