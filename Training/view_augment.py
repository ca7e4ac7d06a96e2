"""Training views for a model that sees the canonical cell view (pack.py --recipe views).

The app shows the network a square around the largest nucleus, 2.2× the nucleus wide
(canonical_view.py). A reviewer's laboratory has its own magnification, crop and stain, and
the finder sometimes misses (then the network sees the whole picture). So each training view
is cut around the packed cell square at a random zoom, turned and mirrored, and then
re-stained, blurred and JPEG-compressed at random:

 - zoom z: the frame's side is z × the canonical square. Half the views stay near the app's
   view (z in 0.85–1.2); the other half spread over 0.6–4.5, from a cell that overfills the
   frame to one that fills about 15 % of it (a whole 640×480 field is z ≈ 4–5).
 - the picture is box-filtered by the whole factor it is shrunk by before bilinear sampling,
   as the app's "box-then-bilinear" rule does, so a far zoom does not alias; outside the
   picture the frame shows the packed background colour, as the app pads.
 - stain: per-channel gamma and gain, saturation (sometimes grey), brightness; blur with a
   Gaussian of σ up to 1.5 px (a third of the views); JPEG quality 35–95 (a third).

Augmentation "regions" (the four-lab recipe) adds, before that stain jitter, a recolouring of three
regions of each view apart: the nucleus (blue minus green after white balance on the background, the
finder's own score), the background (near the background's brightness) and the rest (cytoplasm and red
cells). Each region's chroma (the pixel minus its grey level) is turned about the grey axis, scaled and
tinted, and its grey level scaled, so the granules' and the chromatin's texture (the grey-level
pattern) stays while the colours move apart: the cytoplasm goes anywhere from pale blue-grey to
pink-orange, the background from blue to yellow, the nucleus from blue to magenta. Also more greyscale
(a quarter of the views) and resolution loss (a quarter: down by 1.5–3.5× and back up, as
dataset2's low-resolution copies are). The colour of the cytoplasm then stops telling the class, and the
network has to read the nucleus's shape and the granules.
All randomness comes from the generator passed in, so a run is repeatable.
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import io
import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from preprocess import IMAGENET_MEAN, IMAGENET_STD


class ViewSource:
    """The packed pictures (decoded once, kept as uint8) with their cell squares and backgrounds."""

    def __init__(self, pack, idx: np.ndarray):
        data, offsets = pack["data"], pack["offsets"]
        self.pictures = []
        for i in idx:
            with Image.open(io.BytesIO(data[offsets[i]:offsets[i + 1]].tobytes())) as im:
                self.pictures.append(torch.from_numpy(np.array(im.convert("RGB"))).permute(2, 0, 1).contiguous())
        self.squares = torch.from_numpy(pack["squares"][idx]).double()
        self.backgrounds = torch.from_numpy(pack["backgrounds"][idx]).float() / 255

    def __len__(self):
        return len(self.pictures)


def uniform(gen: torch.Generator, lo: float, hi: float, *shape) -> torch.Tensor:
    return torch.rand(*(shape or (1,)), generator=gen, dtype=torch.float64) * (hi - lo) + lo


def zoom(gen: torch.Generator) -> float:
    near = uniform(gen, 0, 1).item() < 0.5
    lo, hi = (0.85, 1.2) if near else (0.6, 4.5)
    return math.exp(uniform(gen, math.log(lo), math.log(hi)).item())


def base_grid(side: int) -> torch.Tensor:
    """[side·side, 3] rows (u, v, 1) of the output pixel centres in −1…1 (align_corners=False)."""
    t = (torch.arange(side, dtype=torch.float32) * 2 + 1) / side - 1
    v, u = torch.meshgrid(t, t, indexing="ij")
    return torch.stack([u.ravel(), v.ravel(), torch.ones(side * side)], 1)


_BASE_GRIDS: dict[int, torch.Tensor] = {}


def cut(source: ViewSource, i: int, side: int, gen: torch.Generator) -> torch.Tensor:
    """One geometric view [3, side, side] in 0–1 of picture i."""
    x, y, s = source.squares[i].tolist()
    frame = s * zoom(gen)
    angle = uniform(gen, 0, 2 * math.pi).item()
    mirror = -1.0 if uniform(gen, 0, 1).item() < 0.5 else 1.0
    shift_x, shift_y = (uniform(gen, -0.08, 0.08, 2) * frame).tolist()
    cx, cy = x + s / 2 + shift_x, y + s / 2 + shift_y
    # Only the part of the picture the turned frame can reach (radius frame/√2) is converted and filtered.
    full = source.pictures[i]
    _, ph, pw = full.shape
    reach = frame * 0.7072 + 2
    x0, y0 = max(0, int(cx - reach)), max(0, int(cy - reach))
    x1, y1 = min(pw, int(cx + reach) + 1), min(ph, int(cy + reach) + 1)
    background = source.backgrounds[i].view(3, 1, 1)
    if x1 <= x0 or y1 <= y0:
        return background.expand(3, side, side).clone()
    picture = full[:, y0:y1, x0:x1].float() / 255 - background
    cx, cy = cx - x0, cy - y0
    k = max(1, int(frame // side))
    if k > 1 and picture.shape[1] >= k and picture.shape[2] >= k:
        picture = F.avg_pool2d(picture[None], k)[0]
    else:
        k = 1
    _, h, w = picture.shape
    # Output (u, v) in −1…1 → picture pixel (centre + rotation · (u, v) · frame/2 + shift), in the
    # shrunk picture's normalised coordinates (align_corners=False: pixel edges at ±1).
    cx, cy, half = cx / k, cy / k, frame / 2 / k
    cos, sin = math.cos(angle) * half, math.sin(angle) * half
    theta = torch.tensor([[cos * mirror * 2 / w, -sin * 2 / w, 2 * cx / w - 1],
                          [sin * mirror * 2 / h, cos * 2 / h, 2 * cy / h - 1]], dtype=torch.float32)
    base = _BASE_GRIDS.setdefault(side, base_grid(side))
    grid = (base @ theta.T).view(1, side, side, 2)
    # Sampled as the difference from the background with zeros outside, so the frame beyond the
    # picture shows the background colour, as the app pads its crops.
    out = F.grid_sample(picture[None], grid, mode="bilinear", padding_mode="zeros", align_corners=False)[0]
    return (out + background).clamp(0, 1)


def restain(x: torch.Tensor, gen: torch.Generator, grey_share: float = 0.08) -> torch.Tensor:
    n = x.shape[0]
    gamma = torch.exp(uniform(gen, -0.35, 0.35, n, 3, 1, 1)).float()
    gain = uniform(gen, 0.75, 1.25, n, 3, 1, 1).float()
    x = (x.clamp(1e-4, 1) ** gamma) * gain
    grey = x.mean(1, keepdim=True)
    sat = uniform(gen, 0.5, 1.5, n, 1, 1, 1).float()
    sat = torch.where(uniform(gen, 0, 1, n, 1, 1, 1) < grey_share, torch.zeros_like(sat), sat)
    x = (grey + (x - grey) * sat) * uniform(gen, 0.85, 1.15, n, 1, 1, 1).float()
    return x.clamp(0, 1)


# Chroma directions (unit vectors orthogonal to grey): towards pink-orange, as a neutrophil's
# cytoplasm looks in a warm stain; the other way is towards blue-grey.
_PINK_ORANGE = torch.tensor([1.0, -0.25, -0.75])
_PINK_ORANGE = _PINK_ORANGE - _PINK_ORANGE.mean()
_PINK_ORANGE = _PINK_ORANGE / _PINK_ORANGE.norm()
_GREY_AXIS = torch.ones(3) / math.sqrt(3)


def _hue_rotations(theta: torch.Tensor) -> torch.Tensor:
    """[n] angles → [n, 3, 3] rotations about the grey axis (Rodrigues)."""
    k = _GREY_AXIS
    kx = torch.tensor([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    c, s = torch.cos(theta).view(-1, 1, 1), torch.sin(theta).view(-1, 1, 1)
    return c * torch.eye(3) + s * kx + (1 - c) * torch.outer(k, k)


def _random_chroma(gen: torch.Generator, n: int) -> torch.Tensor:
    """[n, 3] unit chroma vectors of random hue."""
    a = uniform(gen, 0, 2 * math.pi, n).float()
    e1 = torch.tensor([1.0, -1.0, 0.0]) / math.sqrt(2)
    e2 = torch.tensor([1.0, 1.0, -2.0]) / math.sqrt(6)
    return torch.cos(a)[:, None] * e1 + torch.sin(a)[:, None] * e2


def region_masks(x: torch.Tensor, backgrounds: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Soft nucleus and background masks [n, 1, s, s] of views x (0–1) with their background colours."""
    w = x / backgrounds.clamp(min=0.05).view(-1, 3, 1, 1)
    nucleus = torch.sigmoid(((w[:, 2:3] - w[:, 1:2]) - 0.22) / 0.04)
    darkness = 1 - w.mean(1, keepdim=True)
    background = torch.sigmoid((0.10 - darkness) / 0.025) * (1 - nucleus)
    return F.avg_pool2d(nucleus, 3, 1, 1), F.avg_pool2d(background, 3, 1, 1)


def recolour_regions(x: torch.Tensor, backgrounds: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    n = x.shape[0]
    nucleus, background = region_masks(x, backgrounds)
    rest = (1 - nucleus - background).clamp(0, 1)
    grey = x.mean(1, keepdim=True)
    chroma = x - grey
    out = torch.zeros_like(x)
    # (turn in degrees, saturation range, tint range along pink-orange, random tint, grey-level range)
    settings = ((nucleus, 25, (0.6, 1.5), (0.0, 0.0), 0.04, (0.8, 1.2)),
                (rest, 40, (0.4, 1.7), (-0.05, 0.12), 0.04, (0.9, 1.1)),
                (background, 30, (0.3, 1.5), (-0.03, 0.05), 0.05, (0.92, 1.05)))
    for mask, turn, (s0, s1), (t0, t1), free, (b0, b1) in settings:
        rot = _hue_rotations(uniform(gen, -math.radians(turn), math.radians(turn), n).float())
        sat = torch.exp(uniform(gen, math.log(s0), math.log(s1), n)).float().view(n, 1, 1, 1)
        tint = (uniform(gen, t0, t1, n).float()[:, None] * _PINK_ORANGE
                + uniform(gen, 0, free, n).float()[:, None] * _random_chroma(gen, n)).view(n, 3, 1, 1)
        level = uniform(gen, b0, b1, n).float().view(n, 1, 1, 1)
        turned = torch.einsum("nij,njhw->nihw", rot, chroma) * sat + tint
        out = out + mask * (grey * level + turned)
    keep = (uniform(gen, 0, 1, n, 1, 1, 1) < 0.2).float()   # a fifth of the views keep their colours
    return (keep * x + (1 - keep) * out).clamp(0, 1)


def lose_resolution(v: torch.Tensor, factor: float) -> torch.Tensor:
    side = v.shape[-1]
    small = max(8, int(round(side / factor)))
    v = F.interpolate(v[None], size=(small, small), mode="area")
    return F.interpolate(v, size=(side, side), mode="bilinear", align_corners=False)[0]


def blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    r = max(1, math.ceil(2.5 * sigma))
    t = torch.arange(-r, r + 1, dtype=torch.float32)
    k = torch.exp(-t * t / (2 * sigma * sigma))
    k = k / k.sum()
    x = F.conv2d(F.pad(x[None], (r, r, 0, 0), mode="replicate"), k.view(1, 1, 1, -1).repeat(3, 1, 1, 1), groups=3)
    return F.conv2d(F.pad(x, (0, 0, r, r), mode="replicate"), k.view(1, 1, -1, 1).repeat(3, 1, 1, 1), groups=3)[0]


def jpeg(x: torch.Tensor, quality: int) -> torch.Tensor:
    a = (x.permute(1, 2, 0).numpy() * 255 + 0.5).clip(0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "JPEG", quality=quality)
    with Image.open(io.BytesIO(buf.getvalue())) as im:
        return torch.from_numpy(np.array(im.convert("RGB"))).permute(2, 0, 1).float() / 255


AUGMENTATIONS = ("stain", "regions")


def views(source: ViewSource, idx: torch.Tensor, side: int, gen: torch.Generator,
          augmentation: str = "stain") -> torch.Tensor:
    """Normalised NCHW network inputs for pictures idx, each through fresh augmentation."""
    x = torch.stack([cut(source, int(i), side, gen) for i in idx])
    if augmentation == "regions":
        x = recolour_regions(x, source.backgrounds[idx], gen)
        x = restain(x, gen, grey_share=0.25)
    else:
        x = restain(x, gen)
    out = []
    for v in x:
        if augmentation == "regions" and uniform(gen, 0, 1).item() < 0.25:
            v = lose_resolution(v, uniform(gen, 1.5, 3.5).item())
        if uniform(gen, 0, 1).item() < 1 / 3:
            v = blur(v, uniform(gen, 0.3, 1.5).item())
        if uniform(gen, 0, 1).item() < 1 / 3:
            v = jpeg(v, int(uniform(gen, 35, 95).item()))
        out.append(v)
    x = torch.stack(out)
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def contact_sheet(source: ViewSource, path: str, count: int = 32, side: int = 160, seed: int = 0,
                  augmentation: str = "stain"):
    """count views of the first pictures, to look at."""
    gen = torch.Generator().manual_seed(seed)
    idx = torch.arange(count) * max(1, len(source) // count)
    x = views(source, idx, side, gen, augmentation)
    x = x * torch.tensor(IMAGENET_STD).view(1, 3, 1, 1) + torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    rows = [torch.cat(list(x[r * 8:(r + 1) * 8]), 2) for r in range(count // 8)]
    a = (torch.cat(rows, 1).permute(1, 2, 0).clamp(0, 1).numpy() * 255).astype(np.uint8)
    Image.fromarray(a).save(path)


if __name__ == "__main__":
    import argparse
    from pathlib import Path
    ap = argparse.ArgumentParser(description="A contact sheet of training views, to look at what the network is shown.")
    ap.add_argument("out", help="PNG to write")
    ap.add_argument("--pack", default=str(Path(__file__).parent / ".pack"), help="a views pack (pack.py --recipe views)")
    ap.add_argument("--augmentation", choices=AUGMENTATIONS, default="regions")
    ap.add_argument("--repeat", type=int, default=1, help="views of each picture side by side")
    args = ap.parse_args()
    z = np.load(Path(args.pack) / "train.npz")
    picks = np.arange(len(z["labels"]))[:: max(1, len(z["labels"]) // (32 // args.repeat))][:32 // args.repeat]
    contact_sheet(ViewSource(z, np.repeat(picks, args.repeat)), args.out, augmentation=args.augmentation)
    print(f"wrote {args.out}")
