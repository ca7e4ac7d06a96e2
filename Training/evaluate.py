"""Scores a model file on held-out data only.

  (a) TEST-clean: dataset2 TEST without the 61 files of leaked originals (2,426)
  (b) the 69 clean test originals, as the 640×480 fields the app shows
  (c) the held-out 15% of PBC (a second laboratory)
Usage: python evaluate.py MODEL.safetensors [--json OUT.json]
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import argparse
import json
import sys
import time
from collections import defaultdict

import numpy as np

import dataset as ds
from folded import FoldedNet
from model_view import ModelView
from preprocess import load_rgb


def metrics(probs: np.ndarray, labels: np.ndarray, n_classes: int) -> dict:
    pred = probs.argmax(1)
    confusion = np.zeros((n_classes, n_classes), int)
    for t, p in zip(labels, pred):
        confusion[t, p] += 1
    recall = confusion.diagonal() / np.maximum(confusion.sum(1), 1)
    precision = confusion.diagonal() / np.maximum(confusion.sum(0), 1)
    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0)
    present = confusion.sum(1) > 0
    conf = probs.max(1)
    ece = 0.0
    edges = np.linspace(0, 1, 16)
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (conf > lo) & (conf <= hi)
        if inside.any():
            ece += inside.mean() * abs((pred[inside] == labels[inside]).mean() - conf[inside].mean())
    return {"n": int(len(labels)), "accuracy": float((pred == labels).mean()),
            "macro_f1": float(f1[present].mean()), "ece": float(ece),
            "per_class_recall": {ds.CLASSES[i]: float(recall[i]) for i in range(n_classes) if present[i]},
            "confusion": confusion.tolist()}


def predict(net: FoldedNet, meta: dict, paths: list, batch: int = 32) -> np.ndarray:
    view = ModelView(meta)

    def one(path):
        return view.input(load_rgb(path))

    out = []
    for s in range(0, len(paths), batch):
        x = np.stack([one(p) for p in paths[s:s + batch]])
        out.append(net.probabilities(x))
        print(f"\r  {min(s + batch, len(paths))}/{len(paths)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return np.concatenate(out)


def evaluate(tensors: dict, meta: dict) -> dict:
    net = FoldedNet(tensors)
    n = len(meta["labels"].split(","))
    scores = {}
    sets = {
        "test_clean": ds.test_clean_files(),
        "test_originals_clean": ds.clean_test_originals(),
        "pbc_validation": [(p, c) for p, c in ds.pbc_files() if ds.pbc_is_validation(p)],
    }
    for name, items in sets.items():
        t0 = time.time()
        print(f"{name}: {len(items)} images", file=sys.stderr)
        probs = predict(net, meta, [p for p, _ in items])
        labels = np.array([c for _, c in items])
        scores[name] = metrics(probs, labels, n)
        if name == "test_clean":
            # One wrong original moves accuracy by several points: report per original too.
            source = {r["file"] + r["class"]: int(r["source_image_id"]) for r in ds.test_source_map()}
            by_original = defaultdict(list)
            for (p, c), pr in zip(items, probs):
                by_original[(source[p.name + ds.CLASSES[c]], c)].append(pr)
            votes = np.array([np.mean(v, 0) for v in by_original.values()])
            truth = np.array([c for _, c in by_original])
            per_original = metrics(votes, truth, n)
            scores[name]["per_original_mean_probability"] = {
                k: per_original[k] for k in ("n", "accuracy", "macro_f1")}
        print(f"  accuracy {scores[name]['accuracy']:.4f}  macro-F1 {scores[name]['macro_f1']:.4f}  "
              f"ECE {scores[name]['ece']:.4f}  ({time.time() - t0:.0f}s)", file=sys.stderr)
    return scores


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--json", help="write the scores here as well")
    args = ap.parse_args()
    from safetensors import safe_open
    with safe_open(args.model, "np") as f:
        meta = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    ds.use_classes_of(meta["labels"].split(","))
    scores = evaluate(tensors, meta)
    text = json.dumps(scores, indent=1)
    print(text)
    if args.json:
        open(args.json, "w").write(text + "\n")


if __name__ == "__main__":
    main()
