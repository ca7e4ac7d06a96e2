"""The one preprocessing rule, written so that Swift can follow it exactly.

Rule "box-then-bilinear" (named in the model file's metadata):
 1. k = max(1, floor(min(width / W, height / H))); average each k×k block
    (a box filter; the right/bottom remainder is dropped). This keeps a
    640×480 field from aliasing on its way to 224×224.
 2. Stretch to W×H with bilinear interpolation, half-pixel centres,
    edge pixels clamped, no further antialiasing.
 3. Scale to 0–1, subtract mean and divide by std per RGB channel.
All arithmetic in float32 so the Swift side can reproduce it bit for bit
(up to summation order).
"""
from __future__ import annotations

import numpy as np


def box_downscale(rgb: np.ndarray, w: int, h: int) -> np.ndarray:
    ih, iw, _ = rgb.shape
    k = max(1, min(iw // w, ih // h))
    if k == 1:
        return rgb.astype(np.float32)
    oh, ow = ih // k, iw // k
    a = rgb[: oh * k, : ow * k].astype(np.float32)
    a = a.reshape(oh, k, ow, k, 3).sum(axis=(1, 3), dtype=np.float32)
    return a * np.float32(1.0 / (k * k))


def bilinear(src: np.ndarray, w: int, h: int) -> np.ndarray:
    ih, iw, _ = src.shape

    def axis(n_out: int, n_in: int):
        scale = np.float32(n_in) / np.float32(n_out)
        pos = (np.arange(n_out, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
        pos = np.clip(pos, np.float32(0), np.float32(n_in - 1))
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, n_in - 1)
        frac = (pos - lo.astype(np.float32)).astype(np.float32)
        return lo, hi, frac

    y0, y1, fy = axis(h, ih)
    x0, x1, fx = axis(w, iw)
    fx = fx[None, :, None]
    top = src[y0][:, x0] * (np.float32(1) - fx) + src[y0][:, x1] * fx
    bot = src[y1][:, x0] * (np.float32(1) - fx) + src[y1][:, x1] * fx
    fy = fy[:, None, None]
    return (top * (np.float32(1) - fy) + bot * fy).astype(np.float32)


def model_input(rgb: np.ndarray, w: int, h: int, mean, std) -> np.ndarray:
    """uint8 H×W×3 → float32 H×W×3 normalised (NHWC without N)."""
    a = bilinear(box_downscale(rgb, w, h), w, h)
    a = a * np.float32(1 / 255)
    return ((a - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)).astype(np.float32)


def load_rgb(path) -> np.ndarray:
    from PIL import Image
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
INPUT_W = INPUT_H = 224
