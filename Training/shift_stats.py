"""Stores what the training images look like to the network in the model file,
so the app can warn when a folder does not (the shift check).

The training set is two laboratories (blood-cells fields and PBC crops), so
one mean would describe neither. We keep one centroid of the pooled 1280-d
feature per (source, class), 8 in all, and one per-dimension scale (the
within-centroid standard deviation). An image's distance is its RMS
standardised distance to the nearest centroid; `shift_reference` is the
median of that distance over the training images. The app reports a folder's
median distance divided by the reference: about 1 for images like the
training ones, and it warns above `shift_threshold`.

The threshold is set from the training data and the dev shift set only
(shifted_sets.py): random 16-image folders of training images stay below
2.1, the dev set's are above 3.1; 3.0 sits between them.

Writes tensors `shift.centroids` [8, 1280] and `shift.scale` [1280], and the
metadata keys `shift_reference`, `shift_threshold`. The other tensors and
metadata are kept as they were.

Usage: python shift_stats.py MODEL.safetensors [--out OUT.safetensors]
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import argparse
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, safe_open

from features import named_set, pooled_features
from folded import FoldedNet
from model_file import save_model

SHIFT_THRESHOLD = 3.0


def shift_statistics(features: np.ndarray, labels: np.ndarray, source: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(centroids [groups, d], scale [d], reference distance)."""
    centroids, residuals = [], []
    for s in np.unique(source):
        for c in np.unique(labels):
            inside = (source == s) & (labels == c)
            if inside.any():
                centre = features[inside].mean(0)
                centroids.append(centre)
                residuals.append(features[inside] - centre)
    centroids = np.array(centroids, np.float64)
    scale = np.concatenate(residuals).std(0) + 1e-2   # the floor keeps dead channels from dividing by ~0
    reference = float(np.median(distances(features, centroids, scale)))
    return centroids.astype(np.float32), scale.astype(np.float32), reference


def distances(features: np.ndarray, centroids: np.ndarray, scale: np.ndarray) -> np.ndarray:
    z = (features[:, None, :].astype(np.float64) - centroids[None]) / scale
    return np.sqrt((z ** 2).mean(2)).min(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--out", help="write here instead of replacing MODEL")
    args = parser.parse_args()
    with safe_open(args.model, "np") as f:
        meta = dict(f.metadata())
    tensors = load_file(args.model)
    import dataset
    dataset.use_classes_of(meta["labels"].split(","))
    items = named_set("training")
    feats, _ = pooled_features(FoldedNet(tensors), meta, [p for p, _ in items])
    labels = np.array([c for _, c in items])
    source = np.array([dataset.lab_of(p) for p, _ in items])
    centroids, scale, reference = shift_statistics(feats, labels, source)
    tensors["shift.centroids"], tensors["shift.scale"] = centroids, scale
    meta["shift_reference"] = f"{reference:.6f}"
    meta["shift_threshold"] = f"{SHIFT_THRESHOLD}"
    out = Path(args.out or args.model)
    save_model(out, tensors, meta)
    print(f"{out}: {len(centroids)} centroids, reference distance {reference:.4f}, threshold {SHIFT_THRESHOLD}")


if __name__ == "__main__":
    main()
