"""Extract the two extra laboratories from local git clones into one folder per class.

  python fetch_labs.py --deepbionet PATH/TO/DeepBioNet_dataset_BCCD_WBC_Classifition \\
                       --lisc PATH/TO/approach-to-segmentation-and-classification-from-leukocyte-images-to-count-blood-cells

Each PATH is a clone (or a bare mirror) of the public repository; nothing is downloaded here.
Writes OUT/deepbionet/CLASS/*.jpg and OUT/lisc/CLASS/*.png (OUT defaults to ../../labs, beside the
repository, where dataset.py looks; HEMATO_LABS overrides both) and OUT/READY, which lists what is there.

 - DeepBioNet (Shams et al. 2024), commit 0b67463, `WBC Classification Dataset/CLASS/`: only the
   originals (`N.jpg`) are kept (not `Copy of N.jpg`). The other ~5,000 files are augmented copies named
   `CLASS_original_N.jpg_<uuid>.jpg`; they add nothing our own augmentation does not, and would have
   to be grouped by original anyway.
 - LISC, in the history of BTrDung/approach-…, commit 672b21a, `data2/{Baoso,eosi,lymp,mono,neut}`
   (`mixt` is dropped: mixed cells). About five augmented copies of each cell: labs.py groups
   near-identical copies before any split.
Blobs are read with `git cat-file`, so the clone needs no work tree. File names from the trees are
checked before they become paths here.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
from pathlib import Path

DEEPBIONET_COMMIT = "0b67463f7285b8630fde066203f1b7dc89a71544"
DEEPBIONET_FOLDER = "WBC Classification Dataset"
DEEPBIONET_CLASSES = {c: c for c in ("EOSINOPHIL", "LYMPHOCYTE", "MONOCYTE", "NEUTROPHIL")}
LISC_COMMIT = "672b21a4ab0ed14f33c021ed19ad0002f0053385"
LISC_CLASSES = {"Baoso": "BASOPHIL", "eosi": "EOSINOPHIL", "lymp": "LYMPHOCYTE", "mono": "MONOCYTE",
                "neut": "NEUTROPHIL"}
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._() -]{0,120}\.(jpg|jpeg|png)$", re.IGNORECASE)
DEFAULT_OUT = Path(os.environ.get("HEMATO_LABS", Path(__file__).resolve().parent.parent.parent / "labs"))


def git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], input=data, check=True, capture_output=True).stdout


def tree(repo: Path, commit: str, folder: str) -> list[tuple[str, str]]:
    """(blob id, path) of every file under folder at commit."""
    out = []
    for entry in git(repo, "ls-tree", "-r", "-z", commit, "--", folder).split(b"\0"):
        if not entry:
            continue
        info, path = entry.split(b"\t", 1)
        mode, kind, blob = info.split()
        if kind == b"blob":
            out.append((blob.decode(), path.decode("utf-8", "replace")))
    return out


def blobs(repo: Path, ids: list[str]) -> list[bytes]:
    raw = git(repo, "cat-file", "--batch", data="".join(i + "\n" for i in ids).encode())
    out, pos = [], 0
    for _ in ids:
        end = raw.index(b"\n", pos)
        _, _, size = raw[pos:end].split()
        n = int(size)
        out.append(raw[end + 1:end + 1 + n])
        pos = end + 1 + n + 1
    return out


def extract(repo: Path, commit: str, folder: str, classes: dict[str, str], out: Path, keep) -> dict[str, int]:
    wanted = []
    for blob, path in tree(repo, commit, folder):
        parts = path[len(folder) + 1:].split("/")
        if len(parts) != 2 or parts[0] not in classes or not keep(parts[1]):
            continue
        if not SAFE_NAME.match(parts[1]):
            raise SystemExit(f"refusing an unexpected file name in {folder}: {parts[1]!r}")
        wanted.append((blob, classes[parts[0]], parts[1]))
    counts: dict[str, int] = {}
    for s in range(0, len(wanted), 200):
        chunk = wanted[s:s + 200]
        for (blob, cls, name), data in zip(chunk, blobs(repo, [b for b, _, _ in chunk])):
            if hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() != blob:
                raise SystemExit(f"{name}: the blob read back does not match its id")
            d = out / cls
            d.mkdir(parents=True, exist_ok=True)
            (d / name).write_bytes(data)
            counts[cls] = counts.get(cls, 0) + 1
    return dict(sorted(counts.items()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--deepbionet", required=True, type=Path, help="clone of usmanalishams/DeepBioNet_dataset_BCCD_WBC_Classifition")
    ap.add_argument("--lisc", required=True, type=Path,
                    help="clone of BTrDung/approach-to-segmentation-and-classification-from-leukocyte-images-to-count-blood-cells")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    (args.out / "READY").unlink(missing_ok=True)
    report = []
    for name, repo, commit, folder, classes, keep in (
            ("deepbionet", args.deepbionet, DEEPBIONET_COMMIT, DEEPBIONET_FOLDER, DEEPBIONET_CLASSES,
             lambda f: "_original_" not in f and not f.startswith("Copy of ")),
            ("lisc", args.lisc, LISC_COMMIT, "data2", LISC_CLASSES, lambda f: True)):
        counts = extract(repo, commit, folder, classes, args.out / name, keep)
        report.append(f"{name}\tcommit {commit}\t{folder}\t" + " ".join(f"{c}={n}" for c, n in counts.items())
                      + f"\ttotal={sum(counts.values())}")
        print(report[-1], flush=True)
    (args.out / "READY").write_text(
        "Extracted by Training/fetch_labs.py (one folder per class; DeepBioNet: originals only;\n"
        "LISC: every copy, group near-identical copies before splitting, see Training/labs.py)\n"
        + "\n".join(report) + "\n")


if __name__ == "__main__":
    main()
