"""Pack the training images small enough to travel to a GPU machine (64 MiB).

Recipe "originals" (the default): the blood-cells training originals, each
preprocessed exactly as the app does (640×480 → box → bilinear 224×224) and
stored as a quality-92 JPEG, with its original number and whether it is a
validation original; plus PBC's training share at 224×224, quality 72.
Recipe "dataset2": dataset2 TRAIN files as 224×168 JPEGs instead of originals
(the first recipe; its validation could not be grouped exactly, see MODEL_CARD).
Written to Training/.pack/ (git-ignored) with the ImageNet .pth.
"""
from __future__ import annotations

import argparse
import io
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

import dataset as ds
import mobilenet_v2
import split
from preprocess import bilinear, box_downscale


def jpeg(im: Image.Image, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    return np.frombuffer(buf.getvalue(), np.uint8)


def as_model_input(path) -> Image.Image:
    with Image.open(path) as im:
        a = np.asarray(im.convert("RGB"))
    a = bilinear(box_downscale(a, 224, 224), 224, 224)
    return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recipe", choices=["originals", "dataset2"], default="originals")
    ap.add_argument("--out", default=str(Path(__file__).parent / ".pack"))
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    blobs, labels, domains, originals, holdout = [], [], [], [], []
    val = set(split.validation_originals())
    if args.recipe == "originals":
        for n, c in split.training_originals(include_validation=True):
            blobs.append(jpeg(as_model_input(ds.original_path(n)), 92))
            labels.append(c); domains.append(0); originals.append(n); holdout.append(n in val)
        pbc = [(p, c) for p, c in ds.pbc_files() if not ds.pbc_is_validation(p)]
    else:
        items = split.training_set()
        for path, c, domain in items:
            if domain != "blood-cells":
                continue
            with Image.open(path) as im:
                blobs.append(jpeg(im.convert("RGB").resize((224, 168), Image.BILINEAR), 72))
            labels.append(c); domains.append(0); originals.append(-1); holdout.append(False)
        pbc = [(Path(p), c) for p, c, d in items if d == "pbc"]
    for i, (p, c) in enumerate(pbc):
        with Image.open(p) as im:
            blobs.append(jpeg(im.convert("RGB").resize((224, 224), Image.BILINEAR), 72))
        labels.append(c); domains.append(1); originals.append(-1); holdout.append(False)
        if i % 1000 == 0:
            print(f"pbc {i}/{len(pbc)}", flush=True)
    offsets = np.cumsum([0] + [len(b) for b in blobs])
    np.savez(out / "train.npz", data=np.concatenate(blobs), offsets=offsets, labels=np.array(labels, np.int64),
             domains=np.array(domains, np.int8), originals=np.array(originals, np.int64),
             holdout=np.array(holdout, bool), recipe=np.array(args.recipe))
    shutil.copy(mobilenet_v2.imagenet_weights_path(), out / "imagenet.pth")
    print(f"{args.recipe}: {len(blobs)} images ({sum(d == 0 for d in domains)} blood-cells), "
          f"{offsets[-1] / 2**20:.1f} MiB of JPEG → {out}")


if __name__ == "__main__":
    main()
