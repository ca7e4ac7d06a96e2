"""Leave-one-lab-out validation: how a recipe does on a laboratory it never saw.

  python train.py --mode cached --holdout --lolo artifacts/lolo --out artifacts/checkpoint-views.pt
  python lolo.py artifacts/lolo-*.pt --json artifacts/lolo.json

train.py --lolo trains, from one cache of augmented views of all four laboratories, one head without
each laboratory in turn (PREFIX-LAB.pt, the recipe naming the lab it left out). This scores each on
the laboratory it never saw, through the app's canonical view:
 - blood-cells: the 274 training originals and their validation originals (640×480 fields);
 - pbc: every fourth crop of PBC's training share (its validation share is kept for the temperature
   and the held-out score);
 - deepbionet: its 361 originals (640×480 fields);
 - lisc: its 1,287 crops (about five copies of each of ~290 cells).
None of these is a test set, so a recipe may be chosen on them. The temperature is 1 (no calibration
was fitted), so the NLL and ECE read how over- or under-confident the raw recipe is. Prints the table,
the mean and the worst accuracy.
An older one-laboratory checkpoint (train.py --sources pbc) is scored on blood-cells, and the other way.

  python lolo.py --zero-shot MODEL.safetensors deepbionet lisc

scores a model file on whole laboratories it never saw, on the rows of the classes it has (the shipped
four-class model on DeepBioNet and on LISC without its basophils), for scale.

  python lolo.py --test-time grey|average artifacts/lolo-*.pt

scores the same heads on the view in grey (each pixel the mean of its channels, as training's greyscale
draws make it), or on the average of the colour and grey probabilities (test-time averaging): whether
taking colour away at test time helps on a lab the head never saw.
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import torch

import dataset as ds
import evaluate
import export
import labs
import split
from folded import FoldedNet, fold_state_dict
from model_view import ModelView
from preprocess import load_rgb


def lab_images(lab: str) -> list[tuple[str, int]]:
    if lab == "blood-cells":
        return [(str(ds.original_path(n)), c) for n, c in split.training_originals(include_validation=True)]
    if lab == "pbc":
        share = [(str(p), c) for p, c in ds.pbc_files() if not ds.pbc_is_validation(p)]
        return share[::4]
    return [(str(p), c) for p, c, _, _ in labs.lab_items(lab)]


def lab_inputs(lab: str, meta: dict) -> tuple[np.ndarray, np.ndarray]:
    """The network inputs of a lab's images, kept in .pack/ (finding the cells is the slow part)."""
    items = lab_images(lab)
    key = hashlib.sha256(json.dumps([meta["view"], meta["input_width"], [p for p, _ in items]]).encode()).hexdigest()[:16]
    cache = Path(__file__).parent / ".pack" / f"lolo-inputs-{lab}-{key}.npy"
    labels = np.array([c for _, c in items])
    if cache.exists():
        return np.load(cache), labels
    view = ModelView(meta)
    x = np.stack([view.input(load_rgb(p)) for p, _ in items])
    cache.parent.mkdir(exist_ok=True)
    np.save(cache, x)
    return x, labels


def in_grey(x: np.ndarray, meta: dict) -> np.ndarray:
    """NHWC network inputs with each pixel made the mean of its three channels, then normalised again."""
    mean = np.array([float(v) for v in meta["mean"].split(",")], np.float32)
    std = np.array([float(v) for v in meta["std"].split(",")], np.float32)
    grey = (x * std + mean).mean(axis=3, keepdims=True)
    return ((grey - mean) / std).astype(np.float32)


def test_time_probabilities(net, x: np.ndarray, meta: dict, how: str) -> np.ndarray:
    def run(inputs):
        return np.concatenate([net.probabilities(inputs[s:s + 64]) for s in range(0, len(inputs), 64)])
    if how == "colour":
        return run(x)
    grey = np.concatenate([run(in_grey(x[s:s + 256], meta)) for s in range(0, len(x), 256)])
    return grey if how == "grey" else (run(x) + grey) / 2


def left_out(recipe: dict) -> str:
    if "left_out" in recipe:
        return recipe["left_out"]
    trained = recipe.get("sources", "all")
    if trained in ("pbc", "blood-cells"):
        return "blood-cells" if trained == "pbc" else "pbc"
    raise SystemExit("this checkpoint trained on every laboratory: nothing is left out")


def zero_shot(model: str, lab_names: list[str]):
    from safetensors import safe_open
    with safe_open(model, "np") as f:
        meta = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    n = len(meta["labels"].split(","))
    ds.use_four_labs(True)       # the labs' folders hold five classes; rows the model lacks are left out
    net = FoldedNet(tensors)
    for lab in lab_names:
        x, labels = lab_inputs(lab, meta)
        keep = labels < n
        probs = np.concatenate([net.probabilities(x[keep][s:s + 64]) for s in range(0, int(keep.sum()), 64)])
        m = evaluate.metrics(probs, labels[keep], n)
        print(f"{lab}: accuracy {m['accuracy']:.4f}  macro-F1 {m['macro_f1']:.4f}  ECE {m['ece']:.4f}  n {m['n']}  "
              f"(left out: {int((~keep).sum())} of classes the model lacks)")
        print("  recall " + json.dumps(m["per_class_recall"]), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoints", nargs="+")
    ap.add_argument("--json", help="write the scores here as well")
    ap.add_argument("--zero-shot", metavar="MODEL", help="score this model file on the laboratories named instead")
    ap.add_argument("--test-time", choices=["colour", "grey", "average"], default="colour",
                    help="the view as it is, in grey, or both averaged (default: colour)")
    args = ap.parse_args()
    if args.zero_shot:
        zero_shot(args.zero_shot, args.checkpoints)
        return
    cks = [(p, torch.load(p, map_location="cpu", weights_only=False)) for p in args.checkpoints]
    inputs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    rows = {}
    for path, ck in cks:
        ds.use_classes_of(ck["classes"])
        recipe = ck["recipe"]
        lab = left_out(recipe)
        meta = export.metadata(recipe, 1.0)
        if lab not in inputs:
            inputs[lab] = lab_inputs(lab, meta)
        x, labels = inputs[lab]
        net = FoldedNet(fold_state_dict(ck["state_dict"]))
        probs = test_time_probabilities(net, x, meta, args.test_time)
        scores = evaluate.metrics(probs, labels, len(ds.CLASSES))
        scores["nll"] = float(-np.log(np.clip(probs[np.arange(len(labels)), labels], 1e-12, 1)).mean())
        scores["left_out"] = lab
        scores["trained_on"] = recipe.get("sources")
        scores["augmentation"] = recipe.get("augmentation", "stain")
        rows[Path(path).name] = scores
        print(f"{Path(path).name}: {recipe.get('sources')} → {lab}: accuracy {scores['accuracy']:.4f}  "
              f"macro-F1 {scores['macro_f1']:.4f}  NLL {scores['nll']:.3f}  ECE (T = 1) {scores['ece']:.4f}  "
              f"n {scores['n']}", flush=True)
        print("  recall " + json.dumps(scores["per_class_recall"]), flush=True)
    acc = [r["accuracy"] for r in rows.values()]
    f1 = [r["macro_f1"] for r in rows.values()]
    summary = {"mean_accuracy": float(np.mean(acc)), "worst_accuracy": float(np.min(acc)),
               "mean_macro_f1": float(np.mean(f1)), "worst_macro_f1": float(np.min(f1))}
    print(f"mean accuracy {summary['mean_accuracy']:.4f}  worst {summary['worst_accuracy']:.4f}  "
          f"mean macro-F1 {summary['mean_macro_f1']:.4f}  worst {summary['worst_macro_f1']:.4f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": rows, "summary": summary}, indent=1) + "\n")


if __name__ == "__main__":
    main()
