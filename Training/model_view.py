"""The network input for a picture, as a model file's metadata asks for it.

One place for every script that feeds pictures to a model (evaluate.py,
features.py, export.py), so they all see what the app sees: the whole picture
through "box-then-bilinear", or, when the metadata names a `view`, the
canonical cell view of the largest nucleus (the cell the app scores an image by).
"""
from __future__ import annotations

import numpy as np

import canonical_view
from preprocess import model_input


class ModelView:
    def __init__(self, meta: dict):
        self.width, self.height = int(meta["input_width"]), int(meta["input_height"])
        self.mean = [float(v) for v in meta["mean"].split(",")]
        self.std = [float(v) for v in meta["std"].split(",")]
        self.view = meta.get("view")
        if self.view is not None and self.view != canonical_view.view_name():
            raise SystemExit(f"the model names the view {self.view!r}; this code implements "
                             f"{canonical_view.view_name()!r}")

    def input(self, rgb: np.ndarray) -> np.ndarray:
        if self.view is None:
            return model_input(rgb, self.width, self.height, self.mean, self.std)
        return canonical_view.views(rgb, self.width, self.height, self.mean, self.std)[0][1]
