"""The stain check: does a folder's nucleus stain look like one the model was trained on?

The feature shift check (shift_stats.py) reads what the network sees, and the network does not see a new
lab's stain as strange: it reads a pinkish-orange cytoplasm as "eosinophil" at 90 % instead. This reads the
stain directly, from the canonical view's own nucleus finder (canonical_view.py, NucleusFinder.swift):

  - the finder's nucleus mask in its small copy (score >= its threshold) and its background colour;
  - the mask's mean colour, white-balanced on the background: (R/bgR, G/bgG, B/bgB), each 0…1.

That is the nucleus colour relative to the background. Brightness and camera white balance cancel; what is
left is the dye: how much red, green and blue the stained chromatin takes out of the light.

A lab's stain is one centroid of those three numbers; the scale is the within-lab standard deviation per
channel. An image's distance is its RMS standardised distance to the nearest training lab's centroid; a
folder's score is the median over its images divided by the training images' own median (about 1 for a
folder of a training lab), as for the feature shift score.

The threshold is chosen on the four development labs, each scored as if unseen (--choose): the centroids of
three labs, random folders of each of those three (in domain) against random folders of the fourth (a new
lab). It sits between the highest in-domain folder and the lowest new-lab folder where they separate. No held-out
source is read.

  python stain_stats.py --choose                 # the leave-one-lab-out table and the threshold
  python stain_stats.py --sidecar MODEL.safetensors  # writes MODEL.stain.json for the app (bound to the model)
"""
from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

import canonical_view as cv
import dataset as ds
import labs
import split
from model_file import model_identity
from preprocess import load_rgb

# Chosen by --choose on the four development labs: the lowest threshold (in steps of 0.05) at which no
# leave-one-lab-out reference warns on more than 1 % of random in-domain folders (MODEL_CARD.md).
STAIN_THRESHOLD = 1.65
FALSE_ALARMS = 0.01
FOLDER = 24            # images per random folder in --choose (the calibration's default size)
DRAWS = 300            # random folders per lab and side


def stain(rgb: np.ndarray) -> tuple[int, int, int, int, int, int] | None:
    """(nucleus mean R, G, B, background R, G, B), integers as the app's finder computes them; None when the
    finder has no nucleus mask (a picture thinner than one block, or one with no stained pixel)."""
    found = cv.find(rgb)
    return None if found.nucleus is None else tuple(found.nucleus) + tuple(found.background)


def relative(raw: np.ndarray) -> np.ndarray:
    """[n, 6] integers → [n, 3] nucleus colour over background colour (a background channel of 0 counts as 1)."""
    return raw[:, :3].astype(np.float64) / np.maximum(1, raw[:, 3:]).astype(np.float64)


def lab_images(lab: str) -> list[str]:
    """The development images of a lab, as lolo.py scores them (no test or held-out source). Blood-cells adds
    every eighth of its published TRAIN copies (dataset2): smaller, re-encoded pictures of its training
    originals, which are how most of that lab reaches a user (TEST-clean is made the same way)."""
    if lab == "blood-cells":
        return ([str(ds.original_path(n)) for n, _ in split.training_originals(include_validation=True)]
                + [str(p) for p, _ in ds.dataset2_files("TRAIN")][::8])
    if lab == "pbc":
        return [str(p) for p, _ in ds.pbc_files() if not ds.pbc_is_validation(p)][::4]
    return [str(p) for p, _, _, _ in labs.lab_items(lab)]


def measure(paths: list[str], tag: str) -> np.ndarray:
    """[n, 6] raw stain numbers of the pictures where the finder has a mask, cached in .pack/."""
    key = hashlib.sha256(json.dumps([cv.view_name(), paths]).encode()).hexdigest()[:16]
    cache = Path(__file__).parent / ".pack" / f"stain-{tag}-{key}.npy"
    if cache.exists():
        return np.load(cache)
    rows = [r for r in (stain(load_rgb(p)) for p in paths) if r is not None]
    out = np.array(rows, np.int64)
    cache.parent.mkdir(exist_ok=True)
    np.save(cache, out)
    return out


class Reference:
    def __init__(self, by_lab: dict[str, np.ndarray]):
        self.labs = list(by_lab)
        self.centroids = np.array([v.mean(0) for v in by_lab.values()])
        self.scale = np.concatenate([v - v.mean(0) for v in by_lab.values()]).std(0) + 1e-3
        # Each lab weighs the same, however many pictures it has.
        self.reference = float(np.mean([np.median(self.distances(v)) for v in by_lab.values()]))

    def distances(self, v: np.ndarray) -> np.ndarray:
        z = (v[:, None, :] - self.centroids[None]) / self.scale
        return np.sqrt((z ** 2).mean(2)).min(1)

    def folder_scores(self, v: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        d = self.distances(v)
        return np.array([np.median(rng.choice(d, min(FOLDER, len(d)), replace=False)) for _ in range(DRAWS)]) / self.reference


def choose() -> None:
    ds.use_four_labs(True)
    by_lab = {lab: relative(measure(lab_images(lab), lab)) for lab in ds.LAB_NAMES}
    for lab, v in by_lab.items():
        print(f"{lab:12s} n {len(v):5d}  nucleus/background R {v[:, 0].mean():.3f} G {v[:, 1].mean():.3f} "
              f"B {v[:, 2].mean():.3f}  (sd {v.std(0).round(3).tolist()})")
    rng = np.random.default_rng(0)
    runs = {}
    print(f"\nfolder scores ({FOLDER} images, {DRAWS} draws each): min / median / max")
    for out in ds.LAB_NAMES:
        ref = Reference({k: v for k, v in by_lab.items() if k != out})
        inside = np.concatenate([ref.folder_scores(by_lab[k], rng) for k in ref.labs])
        new = ref.folder_scores(by_lab[out], rng)
        runs[out] = (inside, new)
        print(f"  without {out:12s} in domain {inside.min():.2f} / {np.median(inside):.2f} / {inside.max():.2f}"
              f"   {out} (new) {new.min():.2f} / {np.median(new):.2f} / {new.max():.2f}")
    grid = np.round(np.arange(1.0, 4.0, 0.05), 2)
    chosen = next(t for t in grid if all(np.mean(i > t) <= FALSE_ALARMS for i, _ in runs.values()))
    print(f"\nthreshold by the rule (in-domain false alarms <= {FALSE_ALARMS:.0%} everywhere): {chosen}"
          f"  (STAIN_THRESHOLD here: {STAIN_THRESHOLD})")
    for t in sorted({chosen, STAIN_THRESHOLD}):
        print(f"  at {t}: " + ", ".join(f"{o} new {np.mean(n > t):.0%} / in domain {np.mean(i > t):.1%}"
                                        for o, (i, n) in runs.items()))


def sidecar(model: str) -> None:
    """The stain reference of the labs the model was trained on, bound to the model file by its identity."""
    from safetensors import safe_open
    with safe_open(model, "np") as f:
        meta = f.metadata()
    four = ds.use_classes_of(meta["labels"].split(","))
    trained = ds.LAB_NAMES if four else ds.LAB_NAMES[:2]
    by_lab = {lab: relative(measure(lab_images(lab), lab)) for lab in trained}
    ref = Reference(by_lab)
    out = {
        "format": "hematovision-stain",
        "model_identity": model_identity(Path(model)),
        "statistic": "nucleus mean colour over background colour (R, G, B), finder mask",
        "labs": ref.labs,
        "centroids": [[round(float(x), 6) for x in c] for c in ref.centroids],
        "scale": [round(float(x), 6) for x in ref.scale],
        "reference": round(ref.reference, 6),
        "threshold": STAIN_THRESHOLD,
    }
    path = Path(str(model).removesuffix(".safetensors") + ".stain.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}: {json.dumps(out)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--choose", action="store_true", help="print the leave-one-lab-out table of folder scores")
    ap.add_argument("--sidecar", metavar="MODEL", help="write MODEL's .stain.json from its training labs")
    args = ap.parse_args()
    if args.choose:
        choose()
    if args.sidecar:
        sidecar(args.sidecar)
    if not (args.choose or args.sidecar):
        ap.print_help()


if __name__ == "__main__":
    main()
