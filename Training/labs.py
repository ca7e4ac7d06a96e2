"""DeepBioNet and LISC: which pictures are copies of one cell, and which groups validate.

LISC holds about five augmented copies of each cell (shifted, rescaled, sometimes padded with black),
numbered one after another; DeepBioNet's originals may hold the same field twice. A split by file would
put copies of one cell on both sides, so every split here is by group: pictures whose canonical views
(canonical_view.py: a square around the nucleus, 2.2× its size, which undoes shift and scale) look alike
are joined (union-find over pairs closer than THRESHOLD in a 24×24 grey-and-colour thumbnail, each
thumbnail normalised). Both labs are grouped across classes too: a copy filed under two classes would be
one group.

  python labs.py          # rewrite artifacts/lab_groups.csv (committed; pack.py and the split read it)

Validation (the temperature's held-out pictures) = VALIDATION_PERCENT of the groups, by a hash of the
group's first file name.
"""
from __future__ import annotations

import csv
import zlib
from pathlib import Path

import numpy as np

import canonical_view
import dataset as ds
from preprocess import load_rgb

GROUPS_CSV = Path(__file__).parent / "artifacts" / "lab_groups.csv"
EXTRA_LABS = ["deepbionet", "lisc"]
VALIDATION_PERCENT = 20
THRESHOLD = 0.10


def thumbnail(path) -> np.ndarray:
    rgb = load_rgb(path)
    found = canonical_view.find(rgb)
    if found.fallback:
        crop = rgb
    else:
        crop = canonical_view.cut(rgb, found.cells[0].crop, found.background)
    small = canonical_view.model_input(crop, 24, 24, (0, 0, 0), (1, 1, 1)).astype(np.float32)
    small = small - small.mean((0, 1))
    v = small.ravel()
    return v / (np.linalg.norm(v) + 1e-6)


def group_files(files: list[Path]) -> list[int]:
    """A group number per file: the smallest index of the files it is joined to."""
    t = np.stack([thumbnail(p) for p in files])
    parent = list(range(len(files)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(files)):
        d = 1 - t[i + 1:] @ t[i]       # cosine distance to every later file
        for j in np.nonzero(d < THRESHOLD)[0]:
            a, b = root(i), root(i + 1 + int(j))
            parent[max(a, b)] = min(a, b)
    return [root(i) for i in range(len(files))]


def write_groups():
    ds.use_four_labs()
    rows = []
    for lab in EXTRA_LABS:
        items = ds.lab_files(lab)
        groups = group_files([p for p, _ in items])
        names = [f"{ds.CLASSES[c]}/{p.name}" for p, c in items]
        for (p, c), g in zip(items, groups):
            rows.append({"lab": lab, "file": f"{ds.CLASSES[c]}/{p.name}", "group": names[g]})
        n = len(set(groups))
        mixed = sum(len({items[i][1] for i in range(len(items)) if groups[i] == g}) > 1 for g in set(groups))
        print(f"{lab}: {len(items)} pictures in {n} groups ({mixed} groups span two classes)")
    GROUPS_CSV.parent.mkdir(exist_ok=True)
    with open(GROUPS_CSV, "w", newline="") as f:
        w = csv.DictWriter(f, ["lab", "file", "group"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {GROUPS_CSV}")


def read_groups() -> dict[tuple[str, str], str]:
    with open(GROUPS_CSV, newline="") as f:
        return {(r["lab"], r["file"]): r["group"] for r in csv.DictReader(f)}


def is_validation_group(group: str) -> bool:
    return zlib.crc32(group.encode()) % 100 < VALIDATION_PERCENT


def lab_items(lab: str) -> list[tuple[Path, int, str, bool]]:
    """(path, class, group, validation?) of every picture of an extra laboratory."""
    groups = read_groups()
    out = []
    for p, c in ds.lab_files(lab):
        key = (lab, f"{ds.CLASSES[c]}/{p.name}")
        if key not in groups:
            raise SystemExit(f"{lab}: {key[1]} is not in {GROUPS_CSV.name}: rerun labs.py")
        g = groups[key]
        out.append((p, c, g, is_validation_group(g)))
    return out


if __name__ == "__main__":
    write_groups()
