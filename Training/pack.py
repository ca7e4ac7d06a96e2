"""Pack the training images small enough to travel to a GPU machine (64 MiB).

Blood-cells fields become 224×168 JPEGs, PBC crops 224×224, quality 72, all in
one .npz under Training/.pack/ (git-ignored), together with the ImageNet .pth.
"""
from __future__ import annotations

import argparse
import io
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

import mobilenet_v2
import split


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=str(Path(__file__).parent / ".pack"))
    ap.add_argument("--quality", type=int, default=72)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    items = split.training_set()
    blobs, labels, domains = [], [], []
    for i, (path, c, domain) in enumerate(items):
        with Image.open(path) as im:
            im = im.convert("RGB").resize((224, 168) if domain == "blood-cells" else (224, 224), Image.BILINEAR)
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=args.quality)
        blobs.append(np.frombuffer(buf.getvalue(), np.uint8))
        labels.append(c)
        domains.append(0 if domain == "blood-cells" else 1)
        if i % 2000 == 0:
            print(f"{i}/{len(items)}", flush=True)
    offsets = np.cumsum([0] + [len(b) for b in blobs])
    np.savez(out / "train.npz", data=np.concatenate(blobs), offsets=offsets,
             labels=np.array(labels, np.int64), domains=np.array(domains, np.int8))
    shutil.copy(mobilenet_v2.imagenet_weights_path(), out / "imagenet.pth")
    print(f"{len(items)} images, {offsets[-1] / 2**20:.1f} MiB of JPEG → {out}")


if __name__ == "__main__":
    main()
