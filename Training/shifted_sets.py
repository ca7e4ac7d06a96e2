"""Builds stand-ins for a laboratory the model never saw, to develop the
adaptation on (issue: "the model learns the reviewer's lab").

A third lab's single-cell crops differ from ours in two ways that matter: the
cell fills the frame (another magnification and crop) and the stain has
another colour. Both are imitated here on PBC crops, in two deliberately
different versions:

  dev     PBC crops the model trained on (its 85% share), 200 per class,
          cropped so the cell fills the frame, yellowish stain, 120 or 300 px.
          Methods and their settings are chosen on this set only.
  report  the held-out 15% of PBC (never trained on), a tighter crop, a
          pale, blue-shifted stain and a softer focus, 200 px. Scored once a
          method is chosen; never tuned on.
  dev2    other PBC crops the model trained on (another quarter), 200 per
          class, a tight crop, a strong pink stain and a blur: a harsher
          shift than dev, which the canonical-view model shrugs off (0.94
          before any decision), so that how fast adaptation learns can be
          chosen on a development set. Methods may be tuned on it.

Each is written as class folders (DIR/EOSINOPHIL/*.jpg, ...), which
`hematovision evaluate DIR` reads as ground truth.

Usage: python shifted_sets.py OUT_DIR
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import argparse
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

import dataset as ds


def centre_square(img: Image.Image, fraction: float) -> Image.Image:
    w, h = img.size
    side = int(min(w, h) * fraction)
    left, top = (w - side) // 2, (h - side) // 2
    return img.crop((left, top, left + side, top + side))


def restain(img: Image.Image, gamma: tuple[float, float, float], gain: tuple[float, float, float],
            saturation: float) -> Image.Image:
    x = np.asarray(img, dtype=np.float32) / 255.0
    grey = x.mean(axis=2, keepdims=True)
    x = grey + (x - grey) * saturation
    x = np.clip(x, 0, 1) ** np.array(gamma, np.float32) * np.array(gain, np.float32)
    return Image.fromarray((np.clip(x, 0, 1) * 255 + 0.5).astype(np.uint8))


def dev_view(img: Image.Image, name: str) -> Image.Image:
    side = 120 if zlib.crc32(name.encode()) % 2 == 0 else 300
    img = centre_square(img, 0.42).resize((side, side), Image.BILINEAR)
    return restain(img, gamma=(0.8, 0.85, 1.35), gain=(1.0, 0.97, 0.8), saturation=0.85)


def report_view(img: Image.Image, name: str) -> Image.Image:
    img = centre_square(img, 0.38).resize((200, 200), Image.BILINEAR).filter(ImageFilter.GaussianBlur(0.8))
    return restain(img, gamma=(1.25, 1.1, 0.9), gain=(0.92, 0.97, 1.0), saturation=0.7)


def dev2_view(img: Image.Image, name: str) -> Image.Image:
    img = centre_square(img, 0.34).resize((160, 160), Image.BILINEAR).filter(ImageFilter.GaussianBlur(1.2))
    return restain(img, gamma=(0.7, 1.35, 1.1), gain=(1.0, 0.85, 0.95), saturation=1.3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    per_class: dict[tuple[str, int], int] = {}
    written = {"dev": 0, "report": 0, "dev2": 0}
    for path, c in ds.pbc_files():
        held_out = ds.pbc_is_validation(path)
        quarter = zlib.crc32(path.name.encode()) % 4
        if held_out:
            kind, view = "report", report_view
        elif quarter in (0, 1):
            kind, view = ("dev", dev_view) if quarter == 0 else ("dev2", dev2_view)
            if per_class.get((kind, c), 0) >= 200:
                continue
            per_class[(kind, c)] = per_class.get((kind, c), 0) + 1
        else:
            continue
        folder = args.out / kind / ds.CLASSES[c]
        folder.mkdir(parents=True, exist_ok=True)
        view(Image.open(path).convert("RGB"), path.name).save(folder / path.name, quality=88)
        written[kind] += 1
    print(written)


if __name__ == "__main__":
    main()
