"""The shipped network: batch norm folded into the convolutions, weights in
the layouts XNNPACK takes, and a plain torch forward over them, so the numbers
we report are the numbers of the file we ship.

Tensor names and layouts (float32):
  stem.weight                 [32, 3, 3, 3]         OHWI
  blocks.N.expand.weight      [hidden, 1, 1, cin]   OHWI   (N = 1..17; absent when N = 1)
  blocks.N.depthwise.weight   [1, 3, 3, hidden]     1HWC
  blocks.N.project.weight     [cout, 1, 1, hidden]  OHWI
  head.weight                 [1280, 1, 1, 320]     OHWI
  classifier.weight           [classes, 1280]
each with a matching `.bias` [out]. The classifier is already divided by the
fitted temperature, so softmax of the logits gives calibrated probabilities.
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import numpy as np
import torch
import torch.nn.functional as F

from mobilenet_v2 import blocks


def _fold(conv: torch.Tensor, bn: dict[str, torch.Tensor], eps: float = 1e-5):
    scale = bn["weight"] / torch.sqrt(bn["running_var"] + eps)
    w = conv * scale.view(-1, 1, 1, 1)
    b = bn["bias"] - bn["running_mean"] * scale
    return w, b


def fold_state_dict(sd: dict[str, torch.Tensor], temperature: float = 1.0) -> dict[str, np.ndarray]:
    def bn(prefix):
        return {k: sd[f"{prefix}.{k}"].double() for k in ("weight", "bias", "running_mean", "running_var")}

    out: dict[str, np.ndarray] = {}

    def put(name, w, b, depthwise=False):
        w = w.permute(1, 2, 3, 0) if depthwise else w.permute(0, 2, 3, 1)  # OIHW → 1HWC / OHWI
        out[f"{name}.weight"] = np.ascontiguousarray(w.float().numpy())
        out[f"{name}.bias"] = np.ascontiguousarray(b.float().numpy())

    put("stem", *_fold(sd["features.0.0.weight"].double(), bn("features.0.1")))
    for n, (cin, cout, stride, expand) in enumerate(blocks(), start=1):
        p = f"features.{n}.conv"
        i = 0
        if expand != 1:
            put(f"blocks.{n}.expand", *_fold(sd[f"{p}.0.0.weight"].double(), bn(f"{p}.0.1")))
            i = 1
        put(f"blocks.{n}.depthwise", *_fold(sd[f"{p}.{i}.0.weight"].double(), bn(f"{p}.{i}.1")), depthwise=True)
        put(f"blocks.{n}.project", *_fold(sd[f"{p}.{i + 1}.weight"].double(), bn(f"{p}.{i + 2}")))
    put("head", *_fold(sd["features.18.0.weight"].double(), bn("features.18.1")))
    out["classifier.weight"] = (sd["classifier.1.weight"].double() / temperature).float().numpy()
    out["classifier.bias"] = (sd["classifier.1.bias"].double() / temperature).float().numpy()
    return out


def expected_shapes(num_classes: int) -> dict[str, tuple[int, ...]]:
    """Every tensor the file must hold, with its shape (the Swift loader checks the same)."""
    shapes = {"stem.weight": (32, 3, 3, 3), "stem.bias": (32,)}
    for n, (cin, cout, stride, expand) in enumerate(blocks(), start=1):
        hidden = cin * expand
        if expand != 1:
            shapes[f"blocks.{n}.expand.weight"] = (hidden, 1, 1, cin)
            shapes[f"blocks.{n}.expand.bias"] = (hidden,)
        shapes[f"blocks.{n}.depthwise.weight"] = (1, 3, 3, hidden)
        shapes[f"blocks.{n}.depthwise.bias"] = (hidden,)
        shapes[f"blocks.{n}.project.weight"] = (cout, 1, 1, hidden)
        shapes[f"blocks.{n}.project.bias"] = (cout,)
    shapes.update({"head.weight": (1280, 1, 1, 320), "head.bias": (1280,),
                   "classifier.weight": (num_classes, 1280), "classifier.bias": (num_classes,)})
    return shapes


class FoldedNet:
    """Runs the folded weights with torch ops on NHWC float input."""

    def __init__(self, tensors: dict[str, np.ndarray]):
        self.t = {k: torch.from_numpy(np.asarray(v)) for k, v in tensors.items()}

    def _conv(self, x, name, stride=1, depthwise=False, relu6=True):
        w = self.t[f"{name}.weight"]
        w = w.permute(3, 0, 1, 2) if depthwise else w.permute(0, 3, 1, 2)
        k = w.shape[-1]
        x = F.conv2d(x, w.contiguous(), self.t[f"{name}.bias"], stride, (k - 1) // 2,
                     groups=w.shape[0] if depthwise else 1)
        return x.clamp(0, 6) if relu6 else x

    @torch.no_grad()
    def logits_and_features(self, nhwc: np.ndarray):
        x = torch.from_numpy(np.ascontiguousarray(nhwc)).permute(0, 3, 1, 2)
        x = self._conv(x, "stem", stride=2)
        for n, (cin, cout, stride, expand) in enumerate(blocks(), start=1):
            y = self._conv(x, f"blocks.{n}.expand") if expand != 1 else x
            y = self._conv(y, f"blocks.{n}.depthwise", stride=stride, depthwise=True)
            y = self._conv(y, f"blocks.{n}.project", relu6=False)
            x = x + y if stride == 1 and cin == cout else y
        feats = self._conv(x, "head")
        logits = feats.mean((2, 3)) @ self.t["classifier.weight"].T + self.t["classifier.bias"]
        return logits.numpy(), feats.permute(0, 2, 3, 1).numpy()

    def probabilities(self, nhwc: np.ndarray) -> np.ndarray:
        logits, _ = self.logits_and_features(nhwc)
        return torch.softmax(torch.from_numpy(logits).double(), 1).numpy()
