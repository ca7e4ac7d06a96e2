"""Facts about the data in ../shared/data, in one place.

Every other script asks this module where images are and which of them may be
used for what, so the rules against leakage live here and nowhere else.
"""
from __future__ import annotations

import csv
import json
import os
from pathlib import Path

# The previous model's four classes. The four-laboratory recipe (the shipped model) adds BASOPHIL last, so the first
# four keep their indices; use_four_labs() switches this list in place (scripts do so from the pack, the
# checkpoint or the model file they are given), and with it the laboratories in ACTIVE_LABS.
FOUR_CLASSES = ["EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL"]
CLASSES = list(FOUR_CLASSES)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("HEMATO_DATA", ROOT.parent / "shared" / "data"))
BLOOD = DATA / "blood-cells"
ORIGINALS = BLOOD / "dataset-master" / "JPEGImages"
LABELS_CSV = BLOOD / "dataset-master" / "labels.csv"
DATASET2 = BLOOD / "dataset2-master" / "images"
PBC = DATA / "pbc"
# DeepBioNet and LISC, extracted by fetch_labs.py from clones of their public repositories.
LABS = Path(os.environ.get("HEMATO_LABS", ROOT.parent / "labs"))
# The four laboratories, in the order of the pack's domain numbers.
LAB_NAMES = ["blood-cells", "pbc", "deepbionet", "lisc"]
ACTIVE_LABS = LAB_NAMES[:2]


def use_four_labs(on: bool = True) -> None:
    """Five classes and four laboratories (on, the shipped model), or the previous model's four classes and two labs."""
    CLASSES[:] = FOUR_CLASSES + ["BASOPHIL"] if on else FOUR_CLASSES
    ACTIVE_LABS[:] = LAB_NAMES if on else LAB_NAMES[:2]


def use_classes_of(labels: list[str]) -> bool:
    """use_four_labs() for a model or checkpoint with these class labels: a five-class one is the four-lab
    recipe's. Returns whether the four laboratories are now active."""
    on = len(labels) == 5
    use_four_labs(on)
    return on


def four_labs() -> bool:
    return len(ACTIVE_LABS) == 4


def original_path(n: int) -> Path:
    return ORIGINALS / f"BloodImage_{n:05d}.jpg"


def read_original_labels() -> dict[int, list[str]]:
    """labels.csv as {image number: [categories]}; blank rows give []."""
    out: dict[int, list[str]] = {}
    with open(LABELS_CSV, newline="") as f:
        for row in csv.DictReader(f):
            cats = [c.strip() for c in row["Category"].split(",") if c.strip()]
            out[int(row["Image"])] = cats
    return out


def test_facts() -> tuple[set[int], list[list[int]]]:
    """The 71 test originals and the groups of near-duplicate photographs."""
    facts = json.loads((BLOOD / "dataset2_test_originals.json").read_text())
    return set(facts["test_originals"]), facts["near_dup_pairs"]


def near_duplicate_group() -> dict[int, int]:
    """Maps an original to a representative of its near-duplicate group."""
    _, groups = test_facts()
    rep: dict[int, int] = {}
    for g in groups:
        for n in g:
            rep[n] = min(g)
    return rep


def forbidden_originals() -> set[int]:
    """Originals never to train or validate on: the test ones and their twins."""
    tests, groups = test_facts()
    out = set(tests)
    for g in groups:
        if any(n in tests for n in g):
            out.update(g)
    return out


# The data README: test originals 204 and 257 have near-duplicate twins (277, 230)
# whose augmentations are in TRAIN. Their TEST files are leaked.
LEAKED_TEST_ORIGINALS = {204, 257}


def test_clean_files() -> list[tuple[Path, int]]:
    """TEST without the augmentations of the leaked originals (2,426 files)."""
    return [(DATASET2 / "TEST" / r["class"] / r["file"], CLASSES.index(r["class"]))
            for r in test_source_map()
            if r["split"] == "TEST" and int(r["source_image_id"]) not in LEAKED_TEST_ORIGINALS]


def clean_test_originals() -> list[tuple[Path, int]]:
    """The 69 clean test originals as 640×480 fields, with their class."""
    tests, _ = test_facts()
    classes = {int(r["source_image_id"]): r["class"] for r in test_source_map()}
    return [(original_path(n), CLASSES.index(classes[n])) for n in sorted(tests - LEAKED_TEST_ORIGINALS)]


def test_source_map() -> list[dict]:
    with open(BLOOD / "dataset2_test_source_map.csv", newline="") as f:
        return list(csv.DictReader(f))


def dataset2_files(split: str) -> list[tuple[Path, int]]:
    out = []
    for ci, c in enumerate(CLASSES):
        for p in sorted((DATASET2 / split / c).glob("*.jpeg")):
            out.append((p, ci))
    return out


def pbc_files() -> list[tuple[Path, int]]:
    out = []
    for ci, c in enumerate(CLASSES):
        for p in sorted((PBC / c).glob("*.jpg")):
            out.append((p, ci))
    return out


def pbc_is_validation(path: Path) -> bool:
    """A fixed 15% of PBC, chosen by a hash of the file name, held out."""
    import zlib
    return zlib.crc32(path.name.encode()) % 100 < 15


def lab_files(lab: str) -> list[tuple[Path, int]]:
    """Every image of an extracted laboratory (deepbionet, lisc), with its class."""
    if not (LABS / "READY").exists():
        raise SystemExit(f"{LABS} has no READY: run fetch_labs.py first (Training/README.md)")
    out = []
    for ci, c in enumerate(CLASSES):
        for p in sorted((LABS / lab / c).glob("*")):
            if p.suffix.lower() in (".jpg", ".jpeg", ".png"):
                out.append((p, ci))
    return out


def lab_of(path) -> int:
    """The laboratory (index in LAB_NAMES) a training picture's path comes from."""
    p = Path(path).resolve()
    for i, root in ((0, BLOOD), (1, PBC), (2, LABS / "deepbionet"), (3, LABS / "lisc")):
        if p.is_relative_to(root.resolve()):
            return i
    raise ValueError(f"{path} is in none of the four laboratories")
