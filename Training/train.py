"""Fine-tune ImageNet MobileNetV2 to the white-cell classes (five with a four-lab pack, else four).

  --mode full    every layer trains, augmentation on the fly (GPU: ~2 min on an H100)
  --mode cached  CPU path: blocks 0–13 stay frozen; their outputs for several
                 augmented views of each image are computed once and cached,
                 then blocks 14–18 and the classifier train on the cache
                 (about an hour on 2 cores; see README)
Input: the pack from pack.py. Output: a checkpoint (state dict + recipe).

With the "views" pack (pack.py --recipe views) the network learns the
canonical cell view at --input pixels (default 160): each view is cut around
the packed cell at a random zoom and re-stained (view_augment.py). --sources
trains on one laboratory only, for leave-one-lab-out validation.

With the "originals" pack, each epoch draws --blood-draws blood-cells
originals, class-balanced, each seen through fresh augmentation (that is how
dataset2 TRAIN was made, but here the source of every view is known), plus
every PBC training image. --holdout leaves the validation originals out
(stage 1, to fit the temperature); without it they train too (stage 2).
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import argparse
import io
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

import mobilenet_v2
import view_augment
from dataset import CLASSES, LAB_NAMES
from preprocess import IMAGENET_MEAN, IMAGENET_STD, bilinear



def lab_numbers(sources: str) -> list[int]:
    """--sources as pack domain numbers: "all", or names from dataset.LAB_NAMES joined by commas."""
    if sources in ("all", "both"):
        return list(range(len(LAB_NAMES)))
    names = sources.split(",")
    unknown = [n for n in names if n not in LAB_NAMES]
    if unknown:
        raise SystemExit(f"--sources: unknown laboratory {unknown[0]!r} (known: {', '.join(LAB_NAMES)})")
    return [LAB_NAMES.index(n) for n in names]


def chosen(z, limit: int | None, holdout: bool, sources: str) -> np.ndarray:
    labels = z["labels"]
    domains = z["domains"] if "domains" in z else np.zeros(len(labels), np.int8)
    keep = ~z["holdout"] if holdout and "holdout" in z else np.ones(len(labels), bool)
    keep &= np.isin(domains, lab_numbers(sources))
    idx = np.where(keep)[0]
    if limit:
        rng = np.random.default_rng(0)
        idx = np.concatenate([rng.permutation(idx[labels[idx] == c])[:limit] for c in range(len(CLASSES))])
    return idx


def load_pack(z, idx: np.ndarray):
    data, offsets, labels = z["data"], z["offsets"], z["labels"]
    domains = z["domains"] if "domains" in z else np.zeros(len(labels), np.int8)
    images = np.empty((len(idx), 224, 224, 3), np.uint8)
    for j, i in enumerate(idx):
        with Image.open(io.BytesIO(data[offsets[i]:offsets[i + 1]].tobytes())) as im:
            a = np.asarray(im.convert("RGB"))
        if a.shape[:2] != (224, 224):
            a = np.clip(bilinear(a.astype(np.float32), 224, 224) + 0.5, 0, 255).astype(np.uint8)
        images[j] = a
    return torch.from_numpy(images), torch.from_numpy(labels[idx]), torch.from_numpy(domains[idx].astype(np.int64))


class Inputs:
    """The network inputs of a batch: whole pictures through augment(), or canonical views."""

    def __init__(self, z, idx: np.ndarray, side: int):
        views = "recipe" in z and str(z["recipe"]) == "views"
        self.view_source = view_augment.ViewSource(z, idx) if views else None
        if self.view_source is None:
            self.images, self.labels, self.domains = load_pack(z, idx)
        else:
            self.labels = torch.from_numpy(z["labels"][idx])
            self.domains = torch.from_numpy(z["domains"][idx].astype(np.int64))
        self.side = side

    def batch(self, i: torch.Tensor, gen: torch.Generator, dev, augmentation: str = "stain") -> torch.Tensor:
        if self.view_source is None:
            return augment(self.images[i.cpu()].to(dev), gen)
        return view_augment.views(self.view_source, i.cpu(), self.side, gen, augmentation).to(dev)


def epoch_indices(labels: torch.Tensor, domains: torch.Tensor, blood_draws: int, gen: torch.Generator) -> torch.Tensor:
    """One epoch's order: class-balanced draws of blood-cells images (when
    blood_draws > 0) plus every PBC image; or every image once."""
    blood = torch.where(domains == 0)[0]
    if blood_draws <= 0 or len(blood) == 0:
        return torch.randperm(len(labels), generator=gen)
    counts = torch.bincount(labels[blood], minlength=len(CLASSES)).float()
    weights = 1 / counts[labels[blood]]
    draws = blood[torch.multinomial(weights, blood_draws, replacement=True, generator=gen)]
    everything = torch.cat([draws, torch.where(domains != 0)[0]])
    return everything[torch.randperm(len(everything), generator=gen)]


def lab_balanced_draws(labels: torch.Tensor, domains: torch.Tensor, draws: int, gen: torch.Generator) -> torch.Tensor:
    """draws pictures: each laboratory an equal share; within one, each class a share growing with the
    square root of its count (DeepBioNet's 5 monocytes are not drawn as often as its 187 neutrophils,
    nor as rarely); within a class, uniformly. With replacement, in a random order."""
    weights = torch.zeros(len(labels), dtype=torch.float64)
    labs = sorted(set(domains.tolist()))
    for d in labs:
        in_lab = domains == d
        counts = torch.bincount(labels[in_lab], minlength=len(CLASSES)).double()
        share = counts.sqrt() / counts.sqrt().sum()
        weights[in_lab] = (share / counts.clamp(min=1))[labels[in_lab]] / len(labs)
    return torch.multinomial(weights, draws, replacement=True, generator=gen)


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """uint8 NHWC → normalised float NCHW with geometric and stain jitter."""
    n, dev = x.shape[0], x.device

    def u(lo, hi, *shape):
        return torch.rand(*(shape or (n,)), generator=gen, device=dev) * (hi - lo) + lo

    x = x.permute(0, 3, 1, 2).float() / 255
    angle = u(0, 2 * math.pi)
    scale = u(0.87, 1.15)
    flip = torch.where(u(0, 1) < 0.5, -1.0, 1.0)
    shear = u(-0.12, 0.12)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([
        torch.stack([cos * flip, -sin + shear, u(-0.1, 0.1)], 1),
        torch.stack([sin * flip, cos, u(-0.1, 0.1)], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    # Stain and scanner differences: per-channel gamma and gain, saturation, brightness.
    gamma = torch.exp(u(-0.3, 0.3, n, 3, 1, 1))
    gain = u(0.8, 1.2, n, 3, 1, 1)
    x = (x.clamp(1e-4, 1) ** gamma) * gain
    grey = x.mean(1, keepdim=True)
    sat = u(0.5, 1.5, n, 1, 1, 1)
    sat = torch.where(u(0, 1, n, 1, 1, 1) < 0.08, torch.zeros_like(sat), sat)  # sometimes greyscale
    x = (grey + (x - grey) * sat) * u(0.85, 1.15, n, 1, 1, 1)
    x = x.clamp(0, 1)
    mean = torch.tensor(IMAGENET_MEAN, device=dev).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD, device=dev).view(1, 3, 1, 1)
    return (x - mean) / std


def cosine_lr(step: int, total: int, warmup: int, peak: float) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


class EpochStats:
    """One optimiser step and the running loss and accuracy of an epoch."""

    def __init__(self):
        self.seen = self.correct = 0
        self.loss_sum = 0.0
        self.start = time.time()

    def step(self, opt, loss, logits, y):
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        self.seen += len(y)
        self.correct += (logits.argmax(1) == y).sum().item()
        self.loss_sum += loss.item() * len(y)

    def report(self, epoch: int, epochs: int):
        print(f"epoch {epoch + 1}/{epochs}  loss {self.loss_sum / self.seen:.4f}  "
              f"train-acc {self.correct / self.seen:.3f}  {time.time() - self.start:.0f}s", flush=True)


def train_full(model, inputs, args, dev):
    labels, domains = inputs.labels, inputs.domains
    gen = torch.Generator(device=dev if inputs.view_source is None else "cpu").manual_seed(args.seed)
    cpu_gen = torch.Generator().manual_seed(args.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    labels_dev = labels.to(dev)
    steps_per_epoch = len(epoch_indices(labels, domains, args.blood_draws, torch.Generator())) // args.batch
    total = steps_per_epoch * args.epochs
    step = 0
    for epoch in range(args.epochs):
        model.train()
        order = epoch_indices(labels, domains, args.blood_draws, cpu_gen).to(dev)
        stats = EpochStats()
        for b in range(steps_per_epoch):
            i = order[b * args.batch:(b + 1) * args.batch]
            x, y = inputs.batch(i, gen, dev), labels_dev[i]
            for g in opt.param_groups:
                g["lr"] = cosine_lr(step, total, steps_per_epoch, args.lr)
            with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda"):
                logits = model(x)
                loss = F.cross_entropy(logits.float(), y, label_smoothing=args.label_smoothing)
            stats.step(opt, loss, logits, y)
            step += 1
        stats.report(epoch, args.epochs)


def cache_features(model, inputs, args, dev):
    """The frozen blocks' outputs (fp16) for args.views augmented views of each epoch's pictures."""
    labels, domains = inputs.labels, inputs.domains
    gen = torch.Generator(device=dev if inputs.view_source is None else "cpu").manual_seed(args.seed)
    cpu_gen = torch.Generator().manual_seed(args.seed)
    frozen = model.features[:args.frozen].eval()
    t0 = time.time()
    feats, ys, ds_ = [], [], []
    with torch.no_grad():
        for view in range(args.views):
            if args.draws:
                order = lab_balanced_draws(labels, domains, args.draws, cpu_gen)
            else:
                order = epoch_indices(labels, domains, args.blood_draws, cpu_gen)
            for s in range(0, len(order), 64):
                i = order[s:s + 64]
                x = inputs.batch(i, gen, dev, args.augmentation).contiguous(memory_format=torch.channels_last)
                feats.append(frozen(x).to(torch.float16).cpu())
                ys.append(labels[i])
                ds_.append(domains[i])
                if s % 1280 == 0:
                    print(f"  view {view + 1}: {s}/{len(order)}  {time.time() - t0:.0f}s", flush=True)
            print(f"cached view {view + 1}/{args.views}  {time.time() - t0:.0f}s", flush=True)
    print(f"{len(feats)} batches cached", flush=True)
    return torch.cat(feats), torch.cat(ys), torch.cat(ds_)


def fresh_model(args, pack: Path, dev):
    """ImageNet MobileNetV2 with a new classifier; the seed is reset first, so every head trained in
    one run (the leave-one-lab-out heads and the final one) starts from the same weights."""
    torch.manual_seed(args.seed)
    model = mobilenet_v2.from_imagenet(len(CLASSES), str(pack / "imagenet.pth")).to(dev)
    # channels_last: on a CPU, mkldnn's convolutions and batch norm run about a quarter faster in it.
    model.to(memory_format=torch.channels_last)
    for p in model.features[:args.frozen].parameters():
        p.requires_grad_(False)
    return model


def train_head(model, feats, ys, args, dev):
    head = torch.nn.Sequential(*model.features[args.frozen:])
    params = list(head.parameters()) + list(model.classifier.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)
    steps_per_epoch = len(ys) // args.batch
    total, step = steps_per_epoch * args.epochs, 0
    for epoch in range(args.epochs):
        head.train()
        model.classifier.train()
        order = torch.randperm(len(ys), generator=torch.Generator().manual_seed(args.seed + epoch))
        stats = EpochStats()
        for b in range(steps_per_epoch):
            i = order[b * args.batch:(b + 1) * args.batch]
            x, y = feats[i].float().to(dev).contiguous(memory_format=torch.channels_last), ys[i].to(dev)
            if torch.rand(1, generator=torch.Generator().manual_seed(step)).item() < 0.5:
                x = x.flip(3)  # a mirrored feature map stands in for a mirrored view
            for g in opt.param_groups:
                g["lr"] = cosine_lr(step, total, steps_per_epoch // 2, args.lr)
            logits = model.classifier(head(x).mean((2, 3)))
            loss = F.cross_entropy(logits, y, label_smoothing=args.label_smoothing)
            stats.step(opt, loss, logits, y)
            step += 1
        stats.report(epoch, args.epochs)


def save(model, args, path: str, t0: float, **extra):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    recipe = {k: v for k, v in vars(args).items() if k not in ("pack", "out", "lolo", "four_lab_keys")}
    if getattr(args, "four_lab_keys", True) is False:
        for k in ("draws", "augmentation"):
            recipe.pop(k, None)
    recipe.update(extra)
    torch.save({"state_dict": {k: v.cpu() for k, v in model.state_dict().items()}, "recipe": recipe,
                "classes": CLASSES, "seconds": time.time() - t0}, path)
    print(f"saved {path} after {time.time() - t0:.0f}s", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pack", default=str(Path(__file__).parent / ".pack"))
    ap.add_argument("--mode", choices=["full", "cached"], default="full")
    ap.add_argument("--epochs", type=int, default=None, help="default: 20 full, 5 cached, 3 cached with a views pack")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=None, help="default: 8e-4 full, 1e-3 cached")
    ap.add_argument("--weight-decay", type=float, default=0.02)
    ap.add_argument("--label-smoothing", type=float, default=0.05)
    ap.add_argument("--views", type=int, default=None,
                    help="cached mode: augmented views per epoch's images (default 2 with a four-lab pack, else 3)")
    ap.add_argument("--limit", type=int, default=None, help="at most N images per class (smoke tests)")
    ap.add_argument("--holdout", action="store_true", help="leave the validation originals out (stage 1)")
    ap.add_argument("--blood-draws", type=int, default=None,
                    help="blood-cells draws per epoch (default: 6000 with an originals pack, 2000 with views, "
                         "0 = each image once)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--input", type=int, default=None, help="network input side (default: 160 with a views pack, else 224)")
    ap.add_argument("--frozen", type=int, default=None,
                    help="cached mode: blocks features[0:N] stay frozen (default 14)")
    ap.add_argument("--sources", default=None,
                    help="the laboratories to train on: all (default; 'both' in a two-lab pack), or names joined by "
                         "commas (" + ", ".join(LAB_NAMES) + ")")
    ap.add_argument("--draws", type=int, default=None,
                    help="cached views recipe: pictures per view, each laboratory an equal share "
                         "(default 5000 with a four-lab pack; 0 = the two-lab rule of --blood-draws)")
    ap.add_argument("--augmentation", choices=view_augment.AUGMENTATIONS, default=None,
                    help="views recipe: stain jitter only (default in a two-lab pack), or region-wise recolouring "
                         "too (default in a four-lab pack; view_augment.py)")
    ap.add_argument("--lolo", metavar="PREFIX",
                    help="cached mode: from the one cache, also train a head without each laboratory in turn, "
                         "saved as PREFIX-LAB.pt (score them with lolo.py)")
    ap.add_argument("--out", default=str(Path(__file__).parent / "artifacts" / "checkpoint.pt"))
    args = ap.parse_args()
    args.lr = args.lr or (8e-4 if args.mode == "full" else 1e-3)
    torch.manual_seed(args.seed)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    pack = Path(args.pack)
    t0 = time.time()
    z = np.load(pack / "train.npz")
    recipe_name = str(z["recipe"]) if "recipe" in z else "dataset2"
    args.input = args.input or (160 if recipe_name == "views" else 224)
    four_labs = recipe_name == "views" and int(z["domains"].max()) >= 2
    import dataset
    dataset.use_four_labs(four_labs)
    if "classes" in z and list(z["classes"]) != CLASSES:
        raise SystemExit(f"the pack's classes {list(z['classes'])} are not {CLASSES}")
    args.sources = args.sources or ("all" if four_labs else "both")
    if recipe_name == "views":
        args.view = str(z["view"])
    elif args.input != 224:
        raise SystemExit("--input other than 224 needs a views pack (the whole-picture packs are stored at 224)")
    inputs = Inputs(z, chosen(z, args.limit, args.holdout, args.sources), args.input)
    labels, domains = inputs.labels, inputs.domains
    if args.blood_draws is None:
        args.blood_draws = {"originals": 6000, "views": 2000}.get(recipe_name, 0)
    # The four-lab defaults are the shipped recipe, sized for a 2-core CPU. Blocks 0–13 frozen (the two-lab
    # recipe's head) beat 0–16 on the leave-one-lab-out mean by 2.6 points (MODEL_CARD.md).
    if args.draws is None:
        args.draws = 5000 if four_labs else 0
    if args.views is None:
        args.views = 2 if four_labs else 3
    if args.frozen is None:
        args.frozen = 14
    # The views recipe is the one rebuilt on a 2-core CPU, so it is sized for that.
    args.epochs = args.epochs or (20 if args.mode == "full" else 3 if recipe_name == "views" else 5)
    args.pack_recipe = recipe_name
    if recipe_name != "views" or args.augmentation is None:
        args.augmentation = "regions" if four_labs else "stain"
    if not four_labs:
        # The two-lab recipe's checkpoint records what it always did, so its model file's metadata (and
        # SHA-256) stays what the earlier code wrote.
        args.four_lab_keys = False
    print(f"{len(labels)} training images (" + ", ".join(
        f"{lab} {int((domains == d).sum())}" for d, lab in enumerate(LAB_NAMES)) + f"; recipe {recipe_name}) on {dev}, "
          f"decoded in {time.time() - t0:.0f}s, {torch.get_num_threads()} threads", flush=True)
    if args.mode == "full":
        if args.lolo:
            raise SystemExit("--lolo needs --mode cached")
        model = mobilenet_v2.from_imagenet(len(CLASSES), str(pack / "imagenet.pth")).to(dev)
        train_full(model, inputs, args, dev)
        save(model, args, args.out, t0)
        return
    feats, ys, cached_domains = cache_features(fresh_model(args, pack, dev), inputs, args, dev)
    if args.lolo:
        trained = sorted(set(domains.tolist()))
        for d in trained:
            keep = cached_domains != d
            print(f"leave out {LAB_NAMES[d]}: {int(keep.sum())} cached views", flush=True)
            model = fresh_model(args, pack, dev)
            train_head(model, feats[keep], ys[keep], args, dev)
            save(model, args, f"{args.lolo}-{LAB_NAMES[d]}.pt", t0, left_out=LAB_NAMES[d],
                 sources=",".join(LAB_NAMES[e] for e in trained if e != d))
    model = fresh_model(args, pack, dev)
    train_head(model, feats, ys, args, dev)
    save(model, args, args.out, t0)


if __name__ == "__main__":
    main()
