"""Checkpoint → the model file the app bundles, plus everything that checks it.

 1. fit a temperature on the validation set (split.py) so confidences are calibrated;
 2. fold batch norm, divide the classifier by the temperature, lay weights out for XNNPACK;
 3. score the folded weights on held-out data (evaluate.py) and put the scores in the metadata;
 4. write Sources/HematoNet/Resources/hematovision-mobilenetv2.safetensors,
    Training/reference/sample_probabilities.json (the Swift golden test),
    Training/reference/scores.json, and the same weights as ONNX in
    Training/artifacts/hematovision-mobilenetv2.onnx (git-ignored; bench_peers.py
    builds its own from the bundled file with to_onnx.py).
Usage: python export.py CHECKPOINT [--temperature-from STAGE1_CHECKPOINT]

With --temperature-from, the temperature is fitted with the stage-1 model
(trained without the validation originals) and applied to CHECKPOINT (the
same recipe trained on everything): the validation set must be unseen by the
model whose confidences it calibrates.
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

import canonical_view
import dataset as ds
import evaluate
import split
from shift_stats import SHIFT_THRESHOLD, shift_statistics
from features import named_set, pooled_features
from folded import FoldedNet, expected_shapes, fold_state_dict
from model_file import save_model
from model_view import ModelView
from preprocess import IMAGENET_MEAN, IMAGENET_STD, INPUT_W, load_rgb

FORMAT_VERSION = "1"
MODEL_FILE = ds.ROOT / "Sources" / "HematoNet" / "Resources" / "hematovision-mobilenetv2.safetensors"
REFERENCE = ds.ROOT / "Training" / "reference"


def metadata(recipe: dict, temperature: float) -> dict[str, str]:
    side = recipe.get("input", INPUT_W)
    meta = {
        "format": "hematovision-mobilenetv2",
        "format_version": FORMAT_VERSION,
        "labels": ",".join(ds.CLASSES),
        "input_width": str(side),
        "input_height": str(side),
        "resize": "box-then-bilinear",
        "mean": ",".join(str(v) for v in IMAGENET_MEAN),
        "std": ",".join(str(v) for v in IMAGENET_STD),
        "layout": "NHWC; conv OHWI, depthwise 1HWC; batch norm folded",
        "temperature": f"{temperature:.4f}",
        "training_data": ("blood-cells dataset2 TRAIN (BCCD originals, MIT) minus grouped validation originals; "
                          "PBC (Acevedo et al. 2020, CC BY 4.0) 85% share; "
                          "ImageNet MobileNetV2 start (torchvision IMAGENET1K_V1)"),
        "recipe": json.dumps(recipe, sort_keys=True),
    }
    if "view" in recipe:
        if recipe["view"] != canonical_view.view_name():
            sys.exit(f"the checkpoint learned the view {recipe['view']!r}; this code implements "
                     f"{canonical_view.view_name()!r}")
        meta["view"] = recipe["view"]
    return meta


def fit_temperature(logits: np.ndarray, labels: np.ndarray, domains: np.ndarray) -> float:
    """The temperature that minimises the validation NLL, each domain weighted
    equally. Pooled, PBC's 632 crops outvote the 49 blood-cells fields 13 to 1,
    and the model is nearly always right on PBC, so the pooled fit sharpened
    the confidences on the fields the app actually shows (T 0.78 vs 0.95)."""
    z, y = torch.from_numpy(logits).double(), torch.from_numpy(labels)
    groups = [torch.from_numpy(domains == d) for d in sorted(set(domains.tolist()))]
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure():
        opt.zero_grad()
        loss = sum(torch.nn.functional.cross_entropy(z[g] / log_t.exp(), y[g]) for g in groups) / len(groups)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().exp().item())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--temperature-from", help="fit the temperature with this (stage-1) checkpoint instead")
    ap.add_argument("--out", default=str(MODEL_FILE))
    args = ap.parse_args()

    ck = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    ds.use_classes_of(ck["classes"])
    assert ck["classes"] == ds.CLASSES
    calibrator = torch.load(args.temperature_from, map_location="cpu", weights_only=False) if args.temperature_from else ck
    if not args.temperature_from and ck["recipe"].get("pack_recipe") in ("originals", "views") and not ck["recipe"].get("holdout"):
        sys.exit("this checkpoint trained on the validation originals: pass --temperature-from a stage-1 (--holdout) checkpoint")
    raw = fold_state_dict(calibrator["state_dict"])

    val = split.validation_set()
    print(f"validation: {len(val)} images", file=sys.stderr)
    net = FoldedNet(raw)
    view = ModelView(metadata(calibrator["recipe"], 1.0))
    logits = []
    for s in range(0, len(val), 32):
        x = np.stack([view.input(load_rgb(p)) for p, _, _ in val[s:s + 32]])
        logits.append(net.logits_and_features(x)[0])
    logits = np.concatenate(logits)
    labels = np.array([c for _, c, _ in val])
    domains = np.array([d for _, _, d in val])
    temperature = fit_temperature(logits, labels, domains)
    probs = torch.softmax(torch.from_numpy(logits).double() / temperature, 1).numpy()
    val_scores = evaluate.metrics(probs, labels, len(ds.CLASSES))
    per_domain = {d: evaluate.metrics(probs[domains == d], labels[domains == d], len(ds.CLASSES))
                  for d in sorted(set(domains.tolist()))}
    print(f"temperature {temperature:.4f}; validation accuracy {val_scores['accuracy']:.4f}, "
          f"ECE after scaling {val_scores['ece']:.4f} ("
          + ", ".join(f"{d} {m['ece']:.4f}" for d, m in per_domain.items()) + ")", file=sys.stderr)

    tensors = fold_state_dict(ck["state_dict"], temperature)
    assert {k: v.shape for k, v in tensors.items()} == expected_shapes(len(ds.CLASSES))
    meta = metadata(ck["recipe"], temperature)
    if ck["recipe"].get("pack_recipe") in ("originals", "views"):
        held = " (the validation originals held out, for the temperature)" if ck["recipe"].get("holdout") else ""
        meta["training_data"] = ("blood-cells training originals (BCCD, MIT; dataset2 TRAIN's sources, the 71 test "
                                 f"originals and their twins excluded){held} with on-the-fly augmentation; PBC "
                                 "(Acevedo et al. 2020, CC BY 4.0) 85% share")
        if ck["recipe"].get("draws"):
            meta["training_data"] += ("; DeepBioNet originals (Shams et al. 2024) and LISC (Rezatofighi and "
                                      "Soltanian-Zadeh 2011), 80% of their groups of copies")
        meta["training_data"] += "; ImageNet MobileNetV2 start (torchvision IMAGENET1K_V1)"
    scores = evaluate.evaluate(tensors, meta)
    scores["validation"] = {"n": len(val), "temperature": temperature, "accuracy": val_scores["accuracy"],
                            "ece_after_temperature": val_scores["ece"],
                            "ece_after_temperature_per_domain": {d: m["ece"] for d, m in per_domain.items()},
                            "temperature_rule": "NLL with each domain weighted equally",
                            "fitted_with": "stage-1 model (validation originals held out)" if args.temperature_from
                            else "this model"}
    meta["scores"] = json.dumps(scores, sort_keys=True)
    # The training images' feature statistics, for the app's shift warning (shift_stats.py says how).
    items = named_set("training")
    train_features, _ = pooled_features(FoldedNet(tensors), meta, [p for p, _ in items])
    source = np.array([ds.lab_of(p) for p, _ in items])
    centroids, scale, reference = shift_statistics(train_features, np.array([c for _, c in items]), source)
    tensors["shift.centroids"], tensors["shift.scale"] = centroids, scale
    meta["shift_reference"], meta["shift_threshold"] = f"{reference:.6f}", f"{SHIFT_THRESHOLD}"
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    save_model(args.out, tensors, meta)

    if Path(args.out).resolve() != MODEL_FILE.resolve():
        # A trial model: its scores go beside it; the references belong to the bundled model only.
        Path(args.out + ".scores.json").write_text(json.dumps(scores, indent=1, sort_keys=True) + "\n")
        print(f"wrote {args.out}", file=sys.stderr)
        return
    REFERENCE.mkdir(exist_ok=True)
    (REFERENCE / "scores.json").write_text(json.dumps(scores, indent=1, sort_keys=True) + "\n")
    golden = {}
    view = ModelView(meta)
    for p in sorted((ds.ROOT / "SampleImages").glob("*.jpg")):
        x = view.input(load_rgb(p))[None]
        golden[p.name] = [round(float(v), 7) for v in FoldedNet(tensors).probabilities(x)[0]]
    (REFERENCE / "sample_probabilities.json").write_text(
        json.dumps({"labels": ds.CLASSES, "probabilities": golden}, indent=1) + "\n")
    import onnx
    import to_onnx
    onnx_path = ds.ROOT / "Training" / "artifacts" / "hematovision-mobilenetv2.onnx"
    onnx.save(to_onnx.build(*to_onnx.read_safetensors(args.out)), str(onnx_path))
    print(f"wrote {args.out} and {onnx_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
