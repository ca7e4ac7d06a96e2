"""Which images train and which validate. Nothing from TEST, TEST_SIMPLE or the
71 test originals (and their near-duplicate twins) is ever used here.

Blood-cells validation = whole originals (grouped with their near-duplicate
twins), shown at their real 640×480 size, the way the app sees them. A TRAIN
augmentation is dropped from training when any of its three likeliest sources
(group_train_originals.py) is a validation original.
PBC validation = a fixed 15% of its files (each file is a different cell).
DeepBioNet and LISC validation = a fixed 20% of their groups of copies (labs.py).
"""
from __future__ import annotations

import csv
import zlib

import dataset as ds

VALIDATION_PERCENT = 20


def validation_originals() -> list[int]:
    labels = ds.read_original_labels()
    forbidden = ds.forbidden_originals()
    rep = ds.near_duplicate_group()
    out = []
    for n, cats in sorted(labels.items()):
        if n in forbidden or len(set(cats)) != 1 or cats[0] not in ds.CLASSES:
            continue
        if not ds.original_path(n).exists():
            continue
        if zlib.crc32(str(rep.get(n, n)).encode()) % 100 < VALIDATION_PERCENT:
            out.append(n)
    return out


def validation_set() -> list[tuple[str, int, str]]:
    """(path, class index, domain) for every validation image."""
    labels = ds.read_original_labels()
    out = [(str(ds.original_path(n)), ds.CLASSES.index(labels[n][0]), "blood-cells")
           for n in validation_originals()]
    out += [(str(p), c, "pbc") for p, c in ds.pbc_files() if ds.pbc_is_validation(p)]
    if ds.four_labs():
        import labs
        for lab in labs.EXTRA_LABS:
            out += [(str(p), c, lab) for p, c, _, val in labs.lab_items(lab) if val]
    return out


def training_originals(include_validation: bool) -> list[tuple[int, int]]:
    """(original number, class) of every single-class original outside the test
    split and its twins: the photographs dataset2 TRAIN was augmented from."""
    labels = ds.read_original_labels()
    forbidden = ds.forbidden_originals()
    val = set(validation_originals())
    out = []
    for n, cats in sorted(labels.items()):
        if n in forbidden or len(set(cats)) != 1 or cats[0] not in ds.CLASSES or not ds.original_path(n).exists():
            continue
        if include_validation or n not in val:
            out.append((n, ds.CLASSES.index(cats[0])))
    return out


def training_set() -> list[tuple[str, int, str]]:
    val = set(validation_originals())
    groups = ds.ROOT / "Training" / "artifacts" / "train_groups.csv"
    near = {}
    with open(groups, newline="") as f:
        for r in csv.DictReader(f):
            near[(r["class"], r["file"])] = {int(x) for x in (r["top1"], r["top2"], r["top3"]) if x}
    out = []
    for p, c in ds.dataset2_files("TRAIN"):
        if not near[(ds.CLASSES[c], p.name)] & val:
            out.append((str(p), c, "blood-cells"))
    out += [(str(p), c, "pbc") for p, c in ds.pbc_files() if not ds.pbc_is_validation(p)]
    return out
