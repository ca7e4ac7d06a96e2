"""Pack the training images small enough to travel to a GPU machine (64 MiB).

Recipe "originals" (the default): the blood-cells training originals, each
preprocessed exactly as the app does (640×480 → box → bilinear 224×224) and
stored as a quality-92 JPEG, with its original number and whether it is a
validation original; plus PBC's training share at 224×224, quality 72.
Recipe "views": the same images as "originals" (with --four-labs: five classes, plus DeepBioNet and LISC,
labs.py, their validation groups marked holdout like the blood-cells validation originals), each stored as its
own file's bytes with where the canonical cell view (canonical_view.py) finds its largest
cell (crop square and background colour); train.py --view cuts the training
views from them, at every zoom from a tight crop to a whole field.
Recipe "dataset2": dataset2 TRAIN files as 224×168 JPEGs instead of originals
(the first recipe; its validation could not be grouped exactly, see MODEL_CARD).
Written to Training/.pack/ (git-ignored) with the ImageNet .pth.
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import argparse
import io
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

import canonical_view
import dataset as ds
import labs
import mobilenet_v2
import split
from preprocess import bilinear, box_downscale, load_rgb


def jpeg(im: Image.Image, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=quality)
    return np.frombuffer(buf.getvalue(), np.uint8)


def as_model_input(path) -> Image.Image:
    with Image.open(path) as im:
        a = np.asarray(im.convert("RGB"))
    a = bilinear(box_downscale(a, 224, 224), 224, 224)
    return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8))


def cell_square(path) -> tuple[list[int], list[int], bool]:
    """The largest cell's crop square (x, y, side) and the background colour; for a picture where no
    nucleus is found, the square around the whole picture (the app's fallback sees all of it)."""
    rgb = load_rgb(path)
    found = canonical_view.find(rgb)
    if found.fallback:
        h, w, _ = rgb.shape
        side = max(w, h)
        return [(w - side) // 2, (h - side) // 2, side], list(found.background), True
    return list(found.cells[0].crop), list(found.background), False


def pack_views(out: Path, val: set[int]):
    # Domains follow ds.LAB_NAMES. The validation originals and groups travel marked `holdout`
    # (train.py --holdout leaves them out); PBC's validation share is not packed at all.
    items = [(ds.original_path(n), c, 0, n, n in val) for n, c in split.training_originals(include_validation=True)]
    items += [(p, c, 1, -1, False) for p, c in ds.pbc_files() if not ds.pbc_is_validation(p)]
    if ds.four_labs():
        for d, lab in enumerate(labs.EXTRA_LABS, start=2):
            items += [(p, c, d, -1, v) for p, c, _, v in labs.lab_items(lab)]
    blobs, squares, backgrounds, fallbacks = [], [], [], []
    for i, (p, *_rest) in enumerate(items):
        blobs.append(np.frombuffer(Path(p).read_bytes(), np.uint8))
        square, background, fallback = cell_square(p)
        squares.append(square); backgrounds.append(background); fallbacks.append(fallback)
        if i % 500 == 0:
            print(f"views {i}/{len(items)}", flush=True)
    offsets = np.cumsum([0] + [len(b) for b in blobs])
    np.savez(out / "train.npz", data=np.concatenate(blobs), offsets=offsets,
             labels=np.array([c for _, c, *_ in items], np.int64),
             domains=np.array([d for _, _, d, *_ in items], np.int8),
             originals=np.array([n for *_, n, _ in items], np.int64),
             holdout=np.array([h for *_, h in items], bool),
             squares=np.array(squares, np.int64), backgrounds=np.array(backgrounds, np.uint8),
             fallbacks=np.array(fallbacks, bool), view=np.array(canonical_view.view_name()),
             recipe=np.array("views"), classes=np.array(ds.CLASSES))
    shutil.copy(mobilenet_v2.imagenet_weights_path(), out / "imagenet.pth")
    print(f"views: {len(items)} images (" + ", ".join(
        f"{lab} {sum(d == i for _, _, d, *_ in items)}" for i, lab in enumerate(ds.LAB_NAMES)) + "), "
          f"{sum(fallbacks)} without a nucleus found, {offsets[-1] / 2**20:.1f} MiB → {out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recipe", choices=["originals", "views", "dataset2"], default="originals")
    ap.add_argument("--out", default=str(Path(__file__).parent / ".pack"))
    ap.add_argument("--four-labs", action="store_true",
                    help="views recipe: add DeepBioNet and LISC (../labs, fetch_labs.py) and BASOPHIL (issue 20's trial)")
    args = ap.parse_args()
    if args.four_labs and args.recipe != "views":
        raise SystemExit("--four-labs needs --recipe views")
    ds.use_four_labs(args.four_labs)
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    blobs, labels, domains, originals, holdout = [], [], [], [], []
    val = set(split.validation_originals())
    if args.recipe == "views":
        pack_views(out, val)
        return
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
