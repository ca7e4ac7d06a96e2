"""Guess which original photograph each dataset2 TRAIN file was made from.

dataset2 ships a source map for TEST only. Validation must be carved out by
original, so TRAIN files are matched to originals by SIFT descriptor votes
(rotation- and scale-tolerant). Measured against TEST's real source map with
`--check`, the top-1 guess is right about 62% of the time, so the split
excludes a TRAIN file when *any* of its top three guesses is a validation
original. The residual leakage is reported in MODEL_CARD.md.

Writes Training/artifacts/train_groups.csv (file, class, top-3 originals).
"""
from __future__ import annotations

import argparse
import csv
import random

import cv2
import numpy as np

import dataset as ds

sift = cv2.SIFT_create(400)


def descriptors(path) -> np.ndarray | None:
    g = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    if g.shape[1] != 320:
        g = cv2.resize(g, (320, 240), interpolation=cv2.INTER_AREA)
    return sift.detectAndCompute(g, None)[1]


class OriginalIndex:
    def __init__(self, originals: list[int]):
        ids, descs = [], []
        for n in originals:
            d = descriptors(ds.original_path(n))
            if d is not None:
                ids += [n] * len(d)
                descs.append(d)
        self.ids = np.array(ids)
        self.matcher = cv2.FlannBasedMatcher(dict(algorithm=1, trees=4), dict(checks=32))
        self.matcher.add([np.concatenate(descs)])
        self.matcher.train()
        self.labels = ds.read_original_labels()

    def top(self, path, cls: str, k: int = 3) -> list[int]:
        d = descriptors(path)
        if d is None or len(d) < 2:
            return []
        votes = np.zeros(int(self.ids.max()) + 1)
        for pair in self.matcher.knnMatch(d, k=2):
            if len(pair) == 2 and pair[0].distance < 0.8 * pair[1].distance:
                votes[self.ids[pair[0].trainIdx]] += 1
        # An augmentation keeps its class, so prefer originals labelled with it.
        for n in range(len(votes)):
            if cls not in self.labels.get(n, []):
                votes[n] *= 0.5
        order = np.argsort(-votes)[:k]
        return [int(n) for n in order if votes[n] > 0]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--check", type=int, default=0, help="measure on N TEST files with a known source instead")
    args = ap.parse_args()
    all_originals = [n for n in sorted(ds.read_original_labels()) if ds.original_path(n).exists()]
    tests, _ = ds.test_facts()
    if args.check:
        index = OriginalIndex(all_originals)
        rows = random.Random(0).sample(ds.test_source_map(), args.check)
        top1 = top3 = 0
        for r in rows:
            guess = index.top(ds.DATASET2 / r["split"] / r["class"] / r["file"], r["class"])
            top1 += bool(guess) and guess[0] == int(r["source_image_id"])
            top3 += int(r["source_image_id"]) in guess
        print(f"TEST files: {len(rows)}  top-1 right: {top1 / len(rows):.1%}  in top-3: {top3 / len(rows):.1%}")
        return
    index = OriginalIndex([n for n in all_originals if n not in tests])
    out = ds.ROOT / "Training" / "artifacts" / "train_groups.csv"
    out.parent.mkdir(exist_ok=True)
    files = ds.dataset2_files("TRAIN")
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "class", "top1", "top2", "top3"])
        for i, (p, ci) in enumerate(files):
            guess = index.top(p, ds.CLASSES[ci]) + ["", "", ""]
            w.writerow([p.name, ds.CLASSES[ci]] + guess[:3])
            if i % 1000 == 0:
                print(f"{i}/{len(files)}", flush=True)
    print("wrote", out)


if __name__ == "__main__":
    main()
