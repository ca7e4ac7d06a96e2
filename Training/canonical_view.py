"""The canonical cell view: find the white cells by their nuclei, cut a square around each.

Written so that Swift (Sources/HematoImage/NucleusFinder.swift, CanonicalView.swift) can follow it exactly:
finding uses integers only (and one float64 Otsu score whose formula both sides share), so the boxes agree
bit for bit; the crop is whole pixels, and the crop then goes through the existing "box-then-bilinear" rule.

Rule "nucleus-square-v2" (named in the model file's metadata key `view`, with its parameters):
 1. Small copy. s = max(1, ceil(max(width, height) / SMALL_SIDE)); sum each s×s block per channel
    (integers; the right/bottom remainder is dropped). A 640×480 field becomes 160×120.
 2. Background colour (bg): the small pixels whose brightness (ΣR+ΣG+ΣB)//s² is in the brightest quarter
    (from a histogram: the highest level b with at least n/4 pixels at or above it; pixels ≥ b), per-channel
    mean rounded half up, (2Σ + c·s²) // (2·c·s²).
 3. Nucleus score per small pixel: blue minus green after white balance on the background,
    max(0, 255·(ΣB·bgG − ΣG·bgB)) // (s²·bgG·bgB), at most 255 (bg channels at least 1). Wright/Giemsa
    nuclei are blue-purple (blue well above green); red cells, background and the black corners of rotated
    pictures are not. The white balance is what v2 adds: under a yellowish stain (background ≈ (250, 222,
    152)) the darkest nucleus pixels have a raw B − G of about 30, below any usable threshold; balanced,
    their mean is about 72 and their blue cores reach well above MIN_SCORE.
 4. Threshold t = max(MIN_SCORE, Otsu(score histogram)); the mask is score ≥ t.
 5. 8-connected components of the mask, labelled in raster order. Pieces smaller than MIN_PIECE small pixels
    are noise and dropped.
 6. Cells: take the largest unassigned piece (ties: the first in raster order) as a new cell; add every
    unassigned piece whose box lies within a gap of MERGE × sqrt(cell area) of the cell's box (Chebyshev gap
    between boxes, in small pixels, compared squared: gap² × MERGE_DEN² ≤ MERGE_NUM² × area), repeating
    until none joins (a neutrophil's lobes are one cell). Then the next largest unassigned piece, and so on.
 7. A cell is kept when its nucleus area (small pixels) is at least MIN_CELL of the small picture's pixels
    and at least 1/RELATIVE of the largest cell's area (platelet clumps are far smaller than a nucleus).
    Kept cells are ordered by nucleus area, largest first (ties: the earlier seed piece in raster order).
 8. Each cell's box in the original picture: small box × s (x0·s … x1·s, exclusive end), clipped to the
    picture. Nucleus size L = the box's longer side; crop side S = (L × K10 + 5) // 10 (K = K10/10), at least
    MIN_CROP; crop origin ((x0 + x1 − S) >> 1, (y0 + y1 − S) >> 1) (floor).
 9. Pixels of the crop outside the picture get the background colour.
10. The crop goes through "box-then-bilinear" to the network input and is normalised (preprocess.py).
 If no cell is kept, or the picture is thinner than s pixels (no small copy), the whole picture goes through
 "box-then-bilinear", marked as a fallback.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from preprocess import model_input

NAME = "nucleus-square-v2"
SMALL_SIDE = 160
MIN_SCORE = 75
MIN_PIECE = 4
MERGE_NUM, MERGE_DEN = 1, 3
MIN_CELL_PER_MILLE = 4          # ‰ of the small picture's pixels
RELATIVE = 4
K10 = 22
MIN_CROP = 16


def view_name() -> str:
    """The metadata string, parsed by Swift's CanonicalViewRule(metadata:)."""
    return (f"{NAME} small={SMALL_SIDE} min_score={MIN_SCORE} min_piece={MIN_PIECE} "
            f"merge={MERGE_NUM}/{MERGE_DEN} min_cell={MIN_CELL_PER_MILLE}/1000 relative=1/{RELATIVE} "
            f"k={K10 // 10}.{K10 % 10} min_crop={MIN_CROP}")


@dataclass
class Cell:
    x: int          # box in the original picture, x0 inclusive
    y: int
    width: int
    height: int
    area: int       # nucleus pixels in the small copy
    crop: tuple     # (x, y, side) of the square in original pixels; may reach outside the picture


@dataclass
class Found:
    cells: list
    background: tuple
    scale: int
    threshold: int
    nucleus: tuple | None = None   # mean colour of the nucleus mask in the small copy (the stain check)

    @property
    def fallback(self) -> bool:
        return not self.cells


def small_sums(rgb: np.ndarray):
    h, w, _ = rgb.shape
    s = max(1, -(-max(w, h) // SMALL_SIDE))
    sh, sw = h // s, w // s
    a = rgb[: sh * s, : sw * s].astype(np.int64)
    return s, a.reshape(sh, s, sw, s, 3).sum(axis=(1, 3))


def otsu(hist: np.ndarray) -> int:
    """Threshold t (mask is value ≥ t) maximising between-class variance; float64, first maximum wins."""
    n = int(hist.sum())
    total = float(sum(i * int(c) for i, c in enumerate(hist)))
    best, best_t = -1.0, 0
    w0, sum0 = 0, 0
    for t in range(1, len(hist)):
        w0 += int(hist[t - 1])
        sum0 += (t - 1) * int(hist[t - 1])
        w1 = n - w0
        if w0 == 0 or w1 == 0:
            continue
        m0 = float(sum0) / float(w0)
        m1 = (total - float(sum0)) / float(w1)
        v = float(w0) * float(w1) * (m0 - m1) * (m0 - m1)
        if v > best:
            best, best_t = v, t
    return best_t


def components(mask: np.ndarray):
    """8-connected pieces in raster order of their first pixel: (area, x0, y0, x1, y1) boxes exclusive."""
    h, w = mask.shape
    label = np.full((h, w), -1, np.int64)
    pieces = []
    for y in range(h):
        for x in range(w):
            if not mask[y, x] or label[y, x] >= 0:
                continue
            idx = len(pieces)
            label[y, x] = idx
            stack = [(y, x)]
            area, x0, y0, x1, y1 = 0, x, y, x + 1, y + 1
            while stack:
                cy, cx = stack.pop()
                area += 1
                x0, x1, y0, y1 = min(x0, cx), max(x1, cx + 1), min(y0, cy), max(y1, cy + 1)
                for dy in (-1, 0, 1):
                    ny = cy + dy
                    if ny < 0 or ny >= h:
                        continue
                    for dx in (-1, 0, 1):
                        nx = cx + dx
                        if 0 <= nx < w and mask[ny, nx] and label[ny, nx] < 0:
                            label[ny, nx] = idx
                            stack.append((ny, nx))
            pieces.append([area, x0, y0, x1, y1])
    return pieces


def gap(a, b) -> int:
    """Chebyshev gap between two boxes (x0, y0, x1, y1), 0 when they touch or overlap."""
    gx = max(0, max(a[0], b[0]) - min(a[2], b[2]))
    gy = max(0, max(a[1], b[1]) - min(a[3], b[3]))
    return max(gx, gy)


def group(pieces):
    """Step 6: pieces → cells [area, x0, y0, x1, y1, seed index]."""
    order = sorted(range(len(pieces)), key=lambda i: (-pieces[i][0], i))
    taken = [False] * len(pieces)
    cells = []
    for seed in order:
        if taken[seed]:
            continue
        taken[seed] = True
        area, *box = pieces[seed]
        joined = True
        while joined:
            joined = False
            for i in order:
                if taken[i]:
                    continue
                g = gap(box, pieces[i][1:])
                if g * g * MERGE_DEN * MERGE_DEN <= MERGE_NUM * MERGE_NUM * area:
                    taken[i] = True
                    joined = True
                    area += pieces[i][0]
                    box = [min(box[0], pieces[i][1]), min(box[1], pieces[i][2]),
                           max(box[2], pieces[i][3]), max(box[3], pieces[i][4])]
        cells.append([area, *box, seed])
    return cells


def background(sums: np.ndarray, s: int):
    ss = s * s
    bright = sums.sum(axis=2) // ss
    n = bright.size
    hist = np.bincount(bright.ravel(), minlength=766)
    above, level = 0, 765
    while level > 0:
        above += int(hist[level])
        if 4 * above >= n:
            break
        level -= 1
    sel = sums[bright >= level]
    c = len(sel)
    return tuple(int((2 * int(sel[:, i].sum()) + c * ss) // (2 * c * ss)) for i in range(3))


def nucleus_score(sums: np.ndarray, ss: int, bg) -> np.ndarray:
    """Step 3: blue minus green after white balance on the background colour, 0…255."""
    bg_g, bg_b = max(1, bg[1]), max(1, bg[2])
    num = 255 * (sums[:, :, 2] * bg_g - sums[:, :, 1] * bg_b)
    return np.minimum(np.maximum(num, 0) // (ss * bg_g * bg_b), 255)


def find(rgb: np.ndarray) -> Found:
    h, w, _ = rgb.shape
    s, sums = small_sums(rgb)
    if sums.shape[0] == 0 or sums.shape[1] == 0:
        # Thinner than one s×s block (say 1×1000): no small copy to look in, so the whole picture.
        return Found([], (255, 255, 255), s, 0)
    ss = s * s
    bg = background(sums, s)
    score = nucleus_score(sums, ss, bg)
    hist = np.bincount(score.ravel(), minlength=256)
    t = max(MIN_SCORE, otsu(hist))
    nucleus = mask_colour(sums, ss, score >= t)
    pieces = [p for p in components(score >= t) if p[0] >= MIN_PIECE]
    cells = group(pieces)
    cells.sort(key=lambda c: (-c[0], c[5]))
    n = score.size
    out = []
    if cells:
        largest = cells[0][0]
        for area, x0, y0, x1, y1, _ in cells:
            if area * 1000 < MIN_CELL_PER_MILLE * n or area * RELATIVE < largest:
                continue
            bx0, by0, bx1, by1 = x0 * s, y0 * s, min(w, x1 * s), min(h, y1 * s)
            side = max(MIN_CROP, (max(bx1 - bx0, by1 - by0) * K10 + 5) // 10)
            crop = ((bx0 + bx1 - side) >> 1, (by0 + by1 - side) >> 1, side)
            out.append(Cell(bx0, by0, bx1 - bx0, by1 - by0, area, crop))
    return Found(out, bg, s, t, nucleus)


def mask_colour(sums: np.ndarray, ss: int, mask: np.ndarray):
    """Mean colour of the small copy's pixels under `mask`, rounded as the background is; None if empty."""
    sel = sums[mask]
    c = len(sel)
    if c == 0:
        return None
    return tuple(int((2 * int(sel[:, i].sum()) + c * ss) // (2 * c * ss)) for i in range(3))


def cut(rgb: np.ndarray, crop, fill) -> np.ndarray:
    """The square crop (x, y, side) of rgb; pixels outside the picture are `fill`."""
    h, w, _ = rgb.shape
    x, y, side = crop
    out = np.empty((side, side, 3), np.uint8)
    out[:, :] = np.asarray(fill, np.uint8)
    sx0, sy0, sx1, sy1 = max(0, x), max(0, y), min(w, x + side), min(h, y + side)
    if sx1 > sx0 and sy1 > sy0:
        out[sy0 - y: sy1 - y, sx0 - x: sx1 - x] = rgb[sy0:sy1, sx0:sx1]
    return out


def views(rgb: np.ndarray, w: int, h: int, mean, std):
    """The network inputs for a picture: [(cell or None, tensor)], None marking the whole-picture fallback."""
    found = find(rgb)
    if found.fallback:
        return [(None, model_input(rgb, w, h, mean, std))]
    return [(c, model_input(cut(rgb, c.crop, found.background), w, h, mean, std)) for c in found.cells]


# The golden reference for Tests/HematoImageTests/CanonicalViewTests.swift: `python canonical_view.py`.
SAMPLED = 97                     # tensor values kept per view, evenly spaced


def _pixel_check(rgb: np.ndarray) -> int:
    """A checksum of the decoded pixels (Σ (i mod 251 + 1) · byte), so a decoder difference shows as such."""
    flat = rgb.astype(np.int64).ravel()
    return int(((np.arange(flat.size, dtype=np.int64) % 251 + 1) * flat).sum())


def _entry(name, region, rgb, beside=None):
    from preprocess import IMAGENET_MEAN, IMAGENET_STD, INPUT_H, INPUT_W
    found = find(rgb)
    tensors = views(rgb, INPUT_W, INPUT_H, IMAGENET_MEAN, IMAGENET_STD)
    n = INPUT_W * INPUT_H * 3
    step = n // SAMPLED
    return {
        "image": name, "region": region, "beside": beside, "pixel_check": _pixel_check(rgb),
        "scale": found.scale, "threshold": found.threshold, "background": list(found.background),
        "nucleus": list(found.nucleus) if found.nucleus else None,
        "fallback": found.fallback,
        "cells": [{"box": [c.x, c.y, c.width, c.height], "area": c.area, "crop": list(c.crop)} for c in found.cells],
        "tensors": [{"sum": float(t.astype(np.float64).sum()),
                     "values": [float(v) for v in t.ravel()[::step][:SAMPLED]]} for _, t in tensors],
    }


def main():
    import json
    from pathlib import Path
    from preprocess import load_rgb
    here = Path(__file__).resolve().parent
    samples = sorted((here.parent / "SampleImages").glob("*.jpg"))
    entries = []
    for path in samples:
        rgb = load_rgb(path)
        entries.append(_entry(path.name, None, rgb))
        # A tight crop: the first cell's nucleus box grown by a quarter on each side, clipped.
        first = find(rgb).cells[0]
        gx, gy = first.width // 4, first.height // 4
        x0, y0 = max(0, first.x - gx), max(0, first.y - gy)
        x1 = min(rgb.shape[1], first.x + first.width + gx)
        y1 = min(rgb.shape[0], first.y + first.height + gy)
        entries.append(_entry(path.name, [x0, y0, x1 - x0, y1 - y0], np.ascontiguousarray(rgb[y0:y1, x0:x1])))
    # Two fields side by side (1280×480): several cells in one picture.
    for a, b in ((samples[0], samples[2]), (samples[5], samples[9])):
        entries.append(_entry(a.name, None, np.concatenate([load_rgb(a), load_rgb(b)], axis=1), beside=b.name))
    # Corners of the fields with no white cell in them: the fallback.
    for path in samples[:4]:
        rgb = load_rgb(path)
        for x, y in ((0, 0), (400, 0), (0, 240), (400, 240)):
            corner = np.ascontiguousarray(rgb[y: y + 240, x: x + 240])
            if find(corner).fallback:
                entries.append(_entry(path.name, [x, y, 240, 240], corner))
                break
    out = {"view": view_name(), "sampled": SAMPLED, "entries": entries}
    (here / "reference" / "canonical_view.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"{len(entries)} views of {len(samples)} sample images → reference/canonical_view.json; "
          f"fallbacks: {sum(e['fallback'] for e in entries)}")


if __name__ == "__main__":
    main()
