"""Writes a model file byte for byte the same every time.

safetensors' own `save_file` (0.8) writes the `__metadata__` keys in a random
(hash-map) order, so the same tensors and metadata gave a different file, a
different SHA-256 and a different model identity in the app on every export.
Here the header is JSON with sorted keys and no spaces, the tensors follow in
name order, and the header is padded with spaces to a multiple of 8 bytes
(the data stays aligned for the app's memory map).
"""
from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import numpy as np


def save_model(path, tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> None:
    header: dict[str, object] = {"__metadata__": {k: metadata[k] for k in sorted(metadata)}}
    blobs, offset = [], 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        if array.dtype != np.float32:
            raise ValueError(f"{name}: the model file holds float32 only, not {array.dtype}")
        raw = array.astype("<f4", copy=False).tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)
    os.replace(tmp, path)


def model_identity(path: Path) -> str:
    """ModelFile.identity: "mnv2-" + FNV-1a 64 of the 8-byte length and the JSON header, in hex."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    h = 0xCBF29CE484222325
    for b in raw[: 8 + n]:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"mnv2-{h:x}"
