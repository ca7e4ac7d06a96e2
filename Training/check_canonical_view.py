"""How well the canonical cell view finds white cells, per kind of picture, and a contact sheet to look at.

  python check_canonical_view.py --bccd-annotations DIR [--sheet /tmp/canonical_view.png] [--limit N]

DIR: the VOC annotations of the BCCD originals (BCCD_Dataset's BCCD/Annotations, which has the WBC boxes;
the copy under ../shared/data has RBC boxes only). The pictures are ../shared/data's, byte-identical.

Kinds and what counts:
 - fields (640×480 BCCD originals): a WBC box is found when the centre of a found cell's nucleus box lies in
   it; a found cell whose centre lies in no WBC box is a false detection.
 - pbc (360×363 PBC crops, one white cell near the centre): found when the first (largest) cell's centre
   lies within a quarter of the side from the picture's centre; every other cell is counted as extra.
 - tight (PBC cropped to its central 40 %, the cell fills the frame): the same test.
 - empty (240×240 corners of the fields that overlap no WBC box): a found cell is a false detection (by eye,
   some are white cells the annotation lacks at the picture's edge; most are platelets).
 - dataset2 (320×240 augmented TEST crops, one labelled cell anywhere, black corners): only the fallback rate
   and the number of cells, as there are no boxes.
"""
from __future__ import annotations

import cpu_pin  # noqa: F401  (before torch)

import argparse
import glob
import os
import random
import xml.etree.ElementTree as ET

import numpy as np
from PIL import Image, ImageDraw

import canonical_view as cv
from preprocess import load_rgb

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data")
if not os.path.isdir(DATA):
    DATA = "/work/shared/data"


def wbc_boxes(xml_path):
    root = ET.parse(xml_path).getroot()
    out = []
    for o in root.findall("object"):
        if o.find("name").text.strip() == "WBC":
            b = o.find("bndbox")
            out.append([int(float(b.find(t).text)) for t in ("xmin", "ymin", "xmax", "ymax")])
    return out


def centre(c):
    return c.x + c.width / 2, c.y + c.height / 2


def check_fields(ann_dir, limit, sheet):
    boxes_total = found_boxes = false = fields = fallbacks = 0
    for xml_path in sorted(glob.glob(os.path.join(ann_dir, "*.xml")))[:limit]:
        name = os.path.basename(xml_path)[:-4] + ".jpg"
        path = os.path.join(DATA, "blood-cells/dataset-master/JPEGImages", name)
        if not os.path.exists(path):
            continue
        rgb = load_rgb(path)
        found = cv.find(rgb)
        boxes = wbc_boxes(xml_path)
        fields += 1
        fallbacks += found.fallback
        boxes_total += len(boxes)
        centres = [centre(c) for c in found.cells]
        for b in boxes:
            found_boxes += any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for x, y in centres)
        false += sum(not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes) for x, y in centres)
        sheet.append((rgb, found, boxes))
    print(f"fields    {fields} pictures, {boxes_total} WBC boxes: found {found_boxes} "
          f"({100 * found_boxes / max(1, boxes_total):.1f} %), false detections {false} "
          f"({false / max(1, fields):.3f} per field), fallbacks {fallbacks}")


def check_empty(ann_dir, limit, sheet):
    n = found = 0
    for xml_path in sorted(glob.glob(os.path.join(ann_dir, "*.xml")))[:limit]:
        path = os.path.join(DATA, "blood-cells/dataset-master/JPEGImages", os.path.basename(xml_path)[:-4] + ".jpg")
        if not os.path.exists(path):
            continue
        boxes, rgb = wbc_boxes(xml_path), None
        for x, y in ((0, 0), (400, 0), (0, 240), (400, 240)):
            if any(b[2] >= x and b[0] < x + 240 and b[3] >= y and b[1] < y + 240 for b in boxes):
                continue
            rgb = load_rgb(path) if rgb is None else rgb
            corner = np.ascontiguousarray(rgb[y: y + 240, x: x + 240])
            result = cv.find(corner)
            n += 1
            found += not result.fallback
            if not result.fallback:
                sheet.append((corner, result, []))
    print(f"empty     {n} corners without a WBC: fallback {n - found} ({100 * (n - found) / max(1, n):.1f} %), "
          f"a cell found in {found}")


def check_single(kind, paths, tight, sheet):
    ok = extra = fallbacks = 0
    for path in paths:
        rgb = load_rgb(path)
        if tight:
            h, w, _ = rgb.shape
            cw, ch = w * 2 // 5, h * 2 // 5
            rgb = np.ascontiguousarray(rgb[(h - ch) // 2: (h - ch) // 2 + ch, (w - cw) // 2: (w - cw) // 2 + cw])
        found = cv.find(rgb)
        h, w, _ = rgb.shape
        fallbacks += found.fallback
        if found.cells:
            x, y = centre(found.cells[0])
            ok += abs(x - w / 2) <= w / 4 and abs(y - h / 2) <= h / 4
            extra += len(found.cells) - 1
        sheet.append((rgb, found, []))
    n = len(paths)
    print(f"{kind:9} {n} pictures: first cell near the centre {ok} ({100 * ok / max(1, n):.1f} %), "
          f"extra cells {extra} ({extra / max(1, n):.3f} per picture), fallbacks {fallbacks}")


def check_dataset2(paths, sheet):
    counts = {}
    for path in paths:
        rgb = load_rgb(path)
        found = cv.find(rgb)
        counts[len(found.cells)] = counts.get(len(found.cells), 0) + 1
        sheet.append((rgb, found, []))
    print(f"dataset2  {len(paths)} pictures: cells found per picture {dict(sorted(counts.items()))} "
          f"(0 = fallback)")


def draw_sheet(rows, path, per_row=8, tile=160):
    """Each picture with its boxes (nucleus yellow, crop cyan, truth green), then its first crop."""
    cols = per_row * 2
    sheet = Image.new("RGB", (cols * tile, ((len(rows) + per_row - 1) // per_row) * tile), "white")
    for i, (rgb, found, truth) in enumerate(rows):
        im = Image.fromarray(rgb)
        d = ImageDraw.Draw(im)
        for b in truth:
            d.rectangle(b, outline=(0, 200, 0), width=3)
        for c in found.cells:
            d.rectangle([c.x, c.y, c.x + c.width, c.y + c.height], outline=(255, 220, 0), width=3)
            x, y, s = c.crop
            d.rectangle([x, y, x + s, y + s], outline=(0, 200, 255), width=2)
        im.thumbnail((tile, tile))
        r, col = divmod(i, per_row)
        sheet.paste(im, (col * 2 * tile, r * tile))
        if found.cells:
            crop = Image.fromarray(cv.cut(rgb, found.cells[0].crop, found.background)).resize((tile, tile))
        else:
            crop = Image.new("RGB", (tile, tile), (255, 0, 0))
        sheet.paste(crop, ((col * 2 + 1) * tile, r * tile))
    sheet.save(path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bccd-annotations", required=True)
    p.add_argument("--limit", type=int, default=10_000)
    p.add_argument("--per-class", type=int, default=50, help="PBC and dataset2 pictures per class")
    p.add_argument("--sheet", default="/tmp/canonical_view")
    args = p.parse_args()
    print(cv.view_name())
    rng = random.Random(9)
    sheets = {k: [] for k in ("fields", "empty", "pbc", "tight", "dataset2")}
    check_fields(args.bccd_annotations, args.limit, sheets["fields"])
    check_empty(args.bccd_annotations, args.limit, sheets["empty"])
    pbc = []
    for cls in sorted(os.listdir(os.path.join(DATA, "pbc"))):
        files = sorted(glob.glob(os.path.join(DATA, "pbc", cls, "*.jpg")))
        pbc += rng.sample(files, min(args.per_class, len(files)))
    check_single("pbc", pbc, False, sheets["pbc"])
    check_single("tight", pbc, True, sheets["tight"])
    d2 = []
    for cls in sorted(os.listdir(os.path.join(DATA, "blood-cells/dataset2-master/images/TEST"))):
        files = sorted(glob.glob(os.path.join(DATA, "blood-cells/dataset2-master/images/TEST", cls, "*")))
        d2 += rng.sample(files, min(args.per_class, len(files)))
    check_dataset2(d2, sheets["dataset2"])
    for kind, rows in sheets.items():
        shown = rows[:: max(1, len(rows) // 48)][:48]
        draw_sheet(shown, f"{args.sheet}_{kind}.png")
    print(f"sheets: {args.sheet}_{{fields,empty,pbc,tight,dataset2}}.png")


if __name__ == "__main__":
    main()
