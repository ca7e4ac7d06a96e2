"""HematoVision beside its peers, on the same images, in one run.

 1. inference alone: ONNX Runtime on the same weights (to_onnx.py), batch 1,
    at 1 and 2 threads, against `hematovision bench --json` (fp32, and int8
    from the same bench run where the binary has --precision int8);
 2. a whole folder, decode → labels, against `hematovision classify` (fp32 and
    int8), two Python pipelines:
    - "numpy": Pillow decode, the app's own box-then-bilinear rule in numpy
      (preprocess.py), ONNX Runtime: the same inputs as the app;
    - "Pillow": what a user would write: Pillow decode, Pillow's C bilinear
      resize, numpy normalisation, ONNX Runtime.
    For a model that names the canonical cell view, both Python sides find the
    cells with canonical_view.py (numpy) and cut them, as they must to give the
    same answers; the Pillow pipeline then classifies every cell found, as the
    app does (the numpy one only the first).
Every number is printed from one run.
Usage: python bench_peers.py [--folder DIR] [--images DIR-for-inference] [--binary PATH]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

import canonical_view
import to_onnx
from model_view import ModelView
from preprocess import load_rgb

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "Sources" / "HematoNet" / "Resources" / "hematovision-mobilenetv2.safetensors"


def session(path: str, threads: int) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def median_ms_per_image(fn, count: int, passes: int) -> float:
    fn()
    samples = []
    for _ in range(passes):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000 / count)
    return sorted(samples)[len(samples) // 2]


def pillow_inputs(path: Path, view: ModelView) -> list[np.ndarray]:
    """The network inputs as a user would make them: Pillow decodes; with the canonical view, the
    cells are found and cut (canonical_view.py, as the app does); Pillow's bilinear resize (C, with
    its own antialiasing) to the input size; numpy scales and normalises."""
    with Image.open(path) as im:
        picture = im.convert("RGB")
    pieces = [picture]
    if view.view is not None:
        rgb = np.asarray(picture)
        found = canonical_view.find(rgb)
        if not found.fallback:
            pieces = [Image.fromarray(canonical_view.cut(rgb, c.crop, found.background)) for c in found.cells]
    mean, std = np.asarray(view.mean, np.float32), np.asarray(view.std, np.float32)
    out = []
    for piece in pieces:
        a = np.asarray(piece.resize((view.width, view.height), Image.BILINEAR), np.float32) * np.float32(1 / 255)
        out.append(((a - mean) / std)[None].astype(np.float32))
    return out


def images_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".ppm"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--images", default=str(ROOT / "SampleImages"), help="images for the inference timing")
    ap.add_argument("--folder", default=str(ROOT.parent / "shared/data/blood-cells/dataset2-master/images/TEST"),
                    help="folder for the whole-pipeline timing")
    ap.add_argument("--binary", default=str(ROOT / ".build/release/hematovision"))
    ap.add_argument("--passes", type=int, default=5)
    args = ap.parse_args()

    tensors, meta = to_onnx.read_safetensors(str(MODEL))
    view = ModelView(meta)
    onnx_path = os.path.join(tempfile.mkdtemp(), "model.onnx")
    import onnx
    onnx.save(to_onnx.build(tensors, meta), onnx_path)

    paths = images_under(Path(args.images))
    inputs = [view.input(load_rgb(p))[None] for p in paths]
    print(f"inference, {len(paths)} images from {args.images}, median of {args.passes} passes, ms/image")
    bench = [args.binary, "bench", args.images, "--json", "--passes", str(args.passes)]
    # int8 beside fp32 from one bench run (its fp32_* keys), where this build has --precision int8.
    with_int8 = subprocess.run(bench + ["--precision", "int8"], capture_output=True, text=True)
    ours = json.loads(with_int8.stdout if with_int8.returncode == 0 else
                      subprocess.run(bench, check=True, capture_output=True, text=True).stdout)
    has_int8 = ours.get("precision") == "int8"
    for threads in (1, 2):
        s = session(onnx_path, threads)
        peer = median_ms_per_image(lambda: [s.run(None, {"input": x}) for x in inputs], len(inputs), args.passes)
        key = f"inference_ms_{threads}_thread" + ("s" if threads > 1 else "")
        fp32 = ours["fp32_" + key] if has_int8 else ours[key]
        line = (f"  {threads} thread{'s' if threads > 1 else ' '}: hematovision fp32 {fp32:6.2f}   onnxruntime {ort.__version__} {peer:6.2f}"
                f"   ratio {peer / fp32:4.2f}× faster")
        if has_int8:
            line += f"   |   hematovision int8 {ours[key]:6.2f} ({fp32 / ours[key]:4.2f}× fp32's speed)"
        print(line)

    folder = Path(args.folder)
    files = images_under(folder)
    print(f"\nwhole folder, decode → labels, {len(files)} files in {folder}, seconds")
    labels = meta["labels"].split(",")
    for threads in (1, 2):
        s = session(onnx_path, threads)
        t = time.perf_counter()
        numpy_labels = []
        for p in files:
            probs = s.run(None, {"input": view.input(load_rgb(p))[None]})[0][0]
            numpy_labels.append(labels[int(probs.argmax())])
        numpy_s = time.perf_counter() - t
        t = time.perf_counter()
        pillow_labels = []
        for p in files:
            cells = [s.run(None, {"input": x})[0][0] for x in pillow_inputs(p, view)]
            pillow_labels.append(labels[int(cells[0].argmax())])
        pillow_s = time.perf_counter() - t
        ours_s = {}
        for precision in ("fp32", "int8") if has_int8 else ("fp32",):
            with tempfile.TemporaryDirectory() as tmp:
                t = time.perf_counter()
                subprocess.run([args.binary, "classify", str(folder), "--threads", str(threads), "-o", f"{tmp}/labels.csv"]
                               + (["--precision", precision] if has_int8 else []), check=True, capture_output=True)
                ours_s[precision] = time.perf_counter() - t
        same = sum(a == b for a, b in zip(numpy_labels, pillow_labels))
        print(f"  {threads} thread{'s' if threads > 1 else ' '}: " + "   ".join(f"hematovision classify {k} {v:6.2f}" for k, v in ours_s.items()))
        print(f"             Python (Pillow + numpy rule + onnxruntime) {numpy_s:6.2f}   ratio {numpy_s / ours_s['fp32']:4.2f}× faster")
        print(f"             Python (Pillow decode + Pillow resize + onnxruntime) {pillow_s:6.2f}   ratio {pillow_s / ours_s['fp32']:4.2f}× faster"
              f"   (its labels agree with the numpy rule's on {same} of {len(files)})")

if __name__ == "__main__":
    sys.exit(main())
