"""MobileNetV2's layer table, without torch: mobilenet_v2.py builds the network from it, and
to_onnx.py (numpy + onnx only, for the peer benchmark) lays the same weights out as ONNX."""
from __future__ import annotations

# (expansion t, output channels c, repeats n, first stride s): the paper's table.
SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
            (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def blocks() -> list[tuple[int, int, int, int]]:
    """(in, out, stride, expand) of features[1..17]."""
    out, cin = [], 32
    for t, c, n, s in SETTINGS:
        for i in range(n):
            out.append((cin, c, s if i == 0 else 1, t))
            cin = c
    return out
