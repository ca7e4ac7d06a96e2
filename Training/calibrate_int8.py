"""The int8 calibration sidecar for a model file: the range of every activation the app's int8
graph quantizes, measured by running the fp32 network (ONNX Runtime on the same weights,
to_onnx.py) over calibration pictures through the model's own view (model_view.py).

Calibration pictures are training data only, never a held-out set: the blood-cells training
originals (split.training_originals, without the validation originals, the test originals and
their twins) and PBC training crops (not the held-out 15 %, and not the crops the shifted `dev`
set was made from). SampleImages is not used: some of its pictures are test originals.

Each range starts from the extremes over all views (--quantile 1) and is then narrowed to the one
whose int8 rounding and clipping give the least squared error on a sample of the activation's
values (--method mse). A few layers stay fp32 (--fp32-layers; the sidecar's `fp32_layers`).

Usage: python calibrate_int8.py [MODEL.safetensors] [--out MODEL.int8.json] [--pbc-per-class N]
Writes NAME.int8.json beside NAME.safetensors by default (how the app finds it). Needs only
requirements-peers.txt (numpy, onnx, onnxruntime, Pillow).
"""
from __future__ import annotations

import argparse
import json
import zlib
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper

import canonical_view
import dataset as ds
import split
import to_onnx
from mobilenet_v2_layout import blocks
from model_file import model_identity
from model_view import ModelView
from preprocess import load_rgb

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "Sources" / "HematoNet" / "Resources" / "hematovision-mobilenetv2.safetensors"


def activation_names() -> dict[str, str]:
    """The app's activation name (Int8Calibration.activationNames) → the tensor of to_onnx.build."""
    out = {"input": "input", "stem": "stem.relu6"}
    for n, (cin, cout, stride, expand) in enumerate(blocks(), start=1):
        if expand != 1:
            out[f"blocks.{n}.expand"] = f"blocks.{n}.expand.relu6"
        out[f"blocks.{n}.depthwise"] = f"blocks.{n}.depthwise.relu6"
        out[f"blocks.{n}.project"] = f"blocks.{n}.project.out"
        if stride == 1 and cin == cout:
            out[f"blocks.{n}.sum"] = f"blocks.{n}.sum"
    out["head"] = "head.relu6"
    return out


def int8_error(values: np.ndarray, lo: float, hi: float) -> float:
    """Mean squared error of the app's int8 mapping of [lo, hi] (Quantization(covering:) in XNNPACK.swift)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255
    zero = np.clip(np.round(-128 - lo / scale), -128, 127)
    q = np.clip(np.round(values / scale) + zero, -128, 127)
    return float(np.mean(((q - zero) * scale - values) ** 2))


def least_squared_error_range(values: np.ndarray, lo: float, hi: float) -> list[float]:
    """[lo, hi] shrunk by the factor (from 1 down to 0.3) that gives the least int8 error on `values`."""
    best = min(np.linspace(1, 0.3, 71), key=lambda f: int8_error(values, lo * f, hi * f))
    return [lo * float(best), hi * float(best)]


def calibration_pictures(pbc_per_class: int, lab_per_class: int = 25) -> dict[str, list[Path]]:
    """Training pictures only, by source (so the sidecar can say what it measured). With a five-class
    model, PBC's basophils are among its classes and the first `lab_per_class` training pictures of each
    class of DeepBioNet and LISC join (never their validation groups), so the ranges cover every
    laboratory the model learned."""
    originals = [ds.original_path(n) for n, _ in split.training_originals(include_validation=False)]
    pbc: dict[int, list[Path]] = {}
    for path, c in ds.pbc_files():
        # Held out (pbc_is_validation), or a source of shifted_sets.py's dev set (crc32 % 4 == 0): not used.
        if ds.pbc_is_validation(path) or zlib.crc32(path.name.encode()) % 4 == 0:
            continue
        pbc.setdefault(c, []).append(path)
    sources = {"blood-cells": originals, "pbc": [p for c in sorted(pbc) for p in pbc[c][:pbc_per_class]]}
    if ds.four_labs():
        import labs
        sources["labs"] = []
        for lab in ("deepbionet", "lisc"):
            by_class: dict[int, list[Path]] = {}
            for path, c, _, validation in labs.lab_items(lab):
                if not validation:
                    by_class.setdefault(c, []).append(path)
            sources["labs"] += [p for c in sorted(by_class) for p in by_class[c][:lab_per_class]]
    return sources


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", nargs="?", default=str(MODEL))
    ap.add_argument("--out")
    ap.add_argument("--pbc-per-class", type=int, default=100)
    ap.add_argument("--quantile", type=float, default=1.0,
                    help="quantile over pictures of each picture's extreme (1 = the absolute extreme)")
    ap.add_argument("--method", choices=["quantile", "mse"], default="mse",
                    help="quantile: the ranges above; mse: within them, the range whose int8 rounding and clipping "
                         "give the least squared error on a sample of each activation's values")
    ap.add_argument("--seed", type=int, default=0)
    # Measured one layer at a time (only that layer in int8) on pictures that are neither calibration
    # nor held out (the 49 validation originals and 400 other PBC training crops), as the mean
    # |Δprobability| against fp32: the stem (with the quantized input) and block 1's depthwise layer
    # cost 4-5× any other layer, as is known of MobileNetV2 (few channels with wide ranges); kept fp32.
    ap.add_argument("--fp32-layers", default="stem,blocks.1.depthwise",
                    help="comma-separated layers (by output name) the app keeps in fp32")
    args = ap.parse_args()
    model_path = Path(args.model)
    out_path = Path(args.out) if args.out else Path(str(model_path).removesuffix(".safetensors") + ".int8.json")

    tensors, meta = to_onnx.read_safetensors(str(model_path))
    ds.use_classes_of(meta["labels"].split(","))
    view = ModelView(meta)
    graph = to_onnx.build(tensors, meta)
    names = activation_names()
    graph.graph.output.extend(helper.make_empty_tensor_value_info(t) for t in names.values() if t != "input")
    session = ort.InferenceSession(graph.SerializeToString(), providers=["CPUExecutionProvider"])
    fetch = [t for t in names.values() if t != "input"]

    sources = calibration_pictures(args.pbc_per_class)
    pictures = [p for paths in sources.values() for p in paths]
    lows: dict[str, list[float]] = {k: [] for k in names}
    highs: dict[str, list[float]] = {k: [] for k in names}
    samples: dict[str, list[np.ndarray]] = {k: [] for k in names}
    rng = np.random.default_rng(args.seed)
    views = 0
    for path in pictures:
        rgb = load_rgb(path)
        # Every cell the view finds, as the app classifies each of them.
        inputs = ([t for _, t in canonical_view.views(rgb, view.width, view.height, view.mean, view.std)]
                  if view.view else [view.input(rgb)])
        for x in inputs:
            x = x[None].astype(np.float32)
            values = dict(zip(fetch, session.run(fetch, {"input": x})))
            values["input"] = x
            for key, tensor_name in names.items():
                v = values[tensor_name]
                lows[key].append(float(v.min()))
                highs[key].append(float(v.max()))
                if args.method == "mse":
                    samples[key].append(rng.choice(v.ravel(), 512))
            views += 1

    q = args.quantile
    ranges = {k: [float(np.quantile(lows[k], 1 - q)), float(np.quantile(highs[k], q))] for k in names}
    if args.method == "mse":
        ranges = {k: least_squared_error_range(np.concatenate(samples[k]), *ranges[k]) for k in names}
    sidecar = {
        "format": "hematovision-int8-calibration",
        "format_version": "1",
        "model_identity": model_identity(model_path),
        "calibration_data": (f"{len(pictures)} training pictures ({len(sources['blood-cells'])} blood-cells training "
                             f"originals, {args.pbc_per_class} PBC training crops per class"
                             + (f", {len(sources['labs'])} DeepBioNet and LISC training pictures" if "labs" in sources else "")
                             + f"), {views} views; "
                             f"range = quantile {q} of per-view extremes"
                             + (", narrowed to the least squared int8 error on sampled values" if args.method == "mse" else "")),
        "fp32_layers": [k for k in args.fp32_layers.split(",") if k],
        "ranges": {k: [round(lo, 6), round(hi, 6)] for k, (lo, hi) in ranges.items()},
    }
    out_path.write_text(json.dumps(sidecar, indent=1, sort_keys=True) + "\n")
    print(f"wrote {out_path}: {sidecar['calibration_data']}")


if __name__ == "__main__":
    main()
