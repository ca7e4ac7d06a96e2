"""HematoVision beside its peers, on the same images, in one run.

 1. inference alone: ONNX Runtime on the same weights (to_onnx.py), batch 1,
    at 1 and 2 threads, against `hematovision bench --json`;
 2. a whole folder, decode → labels: a Python pipeline (Pillow + numpy
    preprocessing + ONNX Runtime) against `hematovision classify`. For a model
    that names the canonical cell view, the Python side finds the cell with
    canonical_view.py (numpy), as it must to give the same answers.
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
    ours = json.loads(subprocess.run([args.binary, "bench", args.images, "--json", "--passes", str(args.passes)],
                                     check=True, capture_output=True, text=True).stdout)
    for threads in (1, 2):
        s = session(onnx_path, threads)
        peer = median_ms_per_image(lambda: [s.run(None, {"input": x}) for x in inputs], len(inputs), args.passes)
        mine = ours[f"inference_ms_{threads}_thread" + ("s" if threads > 1 else "")]
        print(f"  {threads} thread{'s' if threads > 1 else ' '}: hematovision {mine:6.2f}   onnxruntime {ort.__version__} {peer:6.2f}"
              f"   ratio {peer / mine:4.2f}× faster")

    folder = Path(args.folder)
    files = images_under(folder)
    print(f"\nwhole folder, decode → labels, {len(files)} files in {folder}")
    labels = meta["labels"].split(",")
    for threads in (1, 2):
        s = session(onnx_path, threads)
        t = time.perf_counter()
        rows = []
        for p in files:
            probs = s.run(None, {"input": view.input(load_rgb(p))[None]})[0][0]
            rows.append((p.relative_to(folder), labels[int(probs.argmax())]))
        python_s = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            subprocess.run([args.binary, "classify", str(folder), "--threads", str(threads), "-o", f"{tmp}/labels.csv"],
                           check=True, capture_output=True)
            swift_s = time.perf_counter() - t
        print(f"  {threads} thread{'s' if threads > 1 else ' '}: hematovision classify {swift_s:6.2f} s   "
              f"Python (Pillow + numpy + onnxruntime) {python_s:6.2f} s   ratio {python_s / swift_s:4.2f}× faster")


if __name__ == "__main__":
    sys.exit(main())
