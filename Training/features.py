"""Pooled 1280-d features of a model file, for the adaptation studies and the
shift statistics the exporter stores.

Usage: python features.py MODEL.safetensors OUT.npz SET...
  SET is a folder of class folders (DIR/EOSINOPHIL/*.jpg, ...) or one of the
  named sets: test-clean, originals, pbc-heldout, training (what the bundled
  model trained on: the training originals, PBC's 85% share, DeepBioNet's and LISC's training groups).
OUT.npz holds, per set, `NAME.features` [n, 1280] float32, `NAME.labels` [n]
and `NAME.logits` [n, classes].
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import argparse
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, safe_open

import dataset as ds
import split
from folded import FoldedNet
from model_view import ModelView
from preprocess import load_rgb


def named_set(name: str) -> list[tuple[str, int]]:
    if name == "test-clean":
        return [(str(p), c) for p, c in ds.test_clean_files()]
    if name == "originals":
        return [(str(p), c) for p, c in ds.clean_test_originals()]
    if name == "pbc-heldout":
        return [(str(p), c) for p, c in ds.pbc_files() if ds.pbc_is_validation(p)]
    if name == "training":
        import labs
        return [(str(ds.original_path(n)), c) for n, c in split.training_originals(include_validation=True)] + \
               [(str(p), c) for p, c in ds.pbc_files() if not ds.pbc_is_validation(p)] + \
               [(str(p), c) for lab in labs.EXTRA_LABS if ds.four_labs() for p, c, _, val in labs.lab_items(lab) if not val]
    folder = Path(name)
    return [(str(p), ci) for ci, c in enumerate(ds.CLASSES) for p in sorted((folder / c).glob("*")) if p.is_file()]


def pooled_features(net: FoldedNet, meta: dict, paths: list[str], batch: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """(features [n, 1280], logits [n, classes]) with the model's own preprocessing."""
    view = ModelView(meta)
    feats, logits = [], []
    for s in range(0, len(paths), batch):
        x = np.stack([view.input(load_rgb(p)) for p in paths[s:s + batch]])
        lg, fmap = net.logits_and_features(x)
        feats.append(fmap.mean(axis=(1, 2)))
        logits.append(lg)
        print(f"\r  {min(s + batch, len(paths))}/{len(paths)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return np.concatenate(feats).astype(np.float32), np.concatenate(logits).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("out")
    parser.add_argument("sets", nargs="+")
    args = parser.parse_args()
    with safe_open(args.model, "np") as f:
        meta = f.metadata()
    ds.use_classes_of(meta["labels"].split(","))
    net = FoldedNet(load_file(args.model))
    arrays = {}
    for name in args.sets:
        items = named_set(name)
        print(f"{name}: {len(items)} images", file=sys.stderr)
        feats, logits = pooled_features(net, meta, [p for p, _ in items])
        key = Path(name).name
        arrays[f"{key}.features"], arrays[f"{key}.logits"] = feats, logits
        arrays[f"{key}.labels"] = np.array([c for _, c in items], np.int64)
    np.savez(args.out, **arrays)


if __name__ == "__main__":
    main()
