"""Leave-one-lab-out validation: how a recipe does on a laboratory it never saw.

  python train.py --mode cached --sources pbc ... --out artifacts/lolo-pbc.pt
  python lolo.py artifacts/lolo-pbc.pt            # scored on the blood-cells training originals

A checkpoint trained on one source (train.py --sources) is scored on the other
source's training images: for a PBC-only model the 274 blood-cells training
originals (640×480 fields of another scanner and stain), for a blood-cells-only
model PBC's 3,368 training crops. Neither is a test set, so a recipe may be
chosen on these numbers. The temperature is 1 (no calibration was fitted), so
the NLL and ECE read how over- or under-confident the raw recipe is.
"""
from __future__ import annotations

import argparse
import json

import numpy as np
import torch

import dataset as ds
import evaluate
import export
import split
from folded import FoldedNet, fold_state_dict


def other_lab(sources: str) -> tuple[str, list[tuple[str, int]]]:
    if sources == "pbc":
        return "blood-cells training originals", [(str(ds.original_path(n)), c)
                                                 for n, c in split.training_originals(include_validation=True)]
    if sources == "blood-cells":
        return "PBC training share", [(str(p), c) for p, c in ds.pbc_files() if not ds.pbc_is_validation(p)]
    raise SystemExit("this checkpoint trained on both laboratories (train.py --sources both): nothing is left out")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--json", help="write the scores here as well")
    args = ap.parse_args()
    ck = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    recipe = ck["recipe"]
    name, items = other_lab(recipe.get("sources", "both"))
    meta = export.metadata(recipe, 1.0)
    probs = evaluate.predict(FoldedNet(fold_state_dict(ck["state_dict"])), meta, [p for p, _ in items])
    labels = np.array([c for _, c in items])
    scores = evaluate.metrics(probs, labels, len(ds.CLASSES))
    scores["nll"] = float(-np.log(np.clip(probs[np.arange(len(labels)), labels], 1e-12, 1)).mean())
    scores["scored_on"] = name
    scores["trained_on"] = recipe.get("sources")
    print(f"{recipe.get('sources')} → {name}: accuracy {scores['accuracy']:.4f}  macro-F1 {scores['macro_f1']:.4f}  "
          f"NLL {scores['nll']:.3f}  ECE (T = 1) {scores['ece']:.4f}  n {scores['n']}")
    print(json.dumps({k: scores[k] for k in ("per_class_recall", "confusion")}))
    if args.json:
        open(args.json, "w").write(json.dumps(scores, indent=1) + "\n")


if __name__ == "__main__":
    main()
