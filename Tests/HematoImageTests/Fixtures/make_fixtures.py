"""Writes the small PNG and TIFF files ImageDecodingTests reads, from one sample field.

    /work/main/Training/.venv/bin/python Tests/HematoImageTests/Fixtures/make_fixtures.py

Every lossless RGB file holds the pixels of reference-rgb.ppm exactly (a 40x30 copy of
SampleImages/BloodImage_00001.jpg); the grey ones those of reference-grey.ppm. The 16-bit files
hold each 8-bit value v as v * 257, so they too must decode to the reference. The damaged files
are cut or altered copies of the good ones. Pillow writes what it can; the 16-bit RGB PNG and TIFF
and the bottom-up TIFF are written by hand below, because Pillow has no 16-bit RGB mode.
"""
import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parents[2] / "SampleImages" / "BloodImage_00001.jpg"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png16_rgb(a: np.ndarray) -> bytes:
    h, w, _ = a.shape
    rows = b"".join(b"\0" + (a[y].astype(">u2") * 257).tobytes() for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(rows)) + png_chunk(b"IEND", b""))


def tiff_rgb(a: np.ndarray, bits: int, orientation: int = 1, order: str = "<") -> bytes:
    """Uncompressed, one strip, rows stored as given; `order` "<" little-endian ("II"), ">" big-endian ("MM")."""
    h, w, _ = a.shape
    data = (a.astype(order + "u2") * 257).tobytes() if bits == 16 else a.astype("u1").tobytes()
    tags = []  # (tag, type, count, value-or-offset bytes)
    header_size, ifd_entries = 8, 10
    ifd_size = 2 + ifd_entries * 12 + 4
    bps_offset = header_size + ifd_size
    data_offset = bps_offset + 6
    tags = [
        (256, 4, 1, w), (257, 4, 1, h), (258, 3, 3, bps_offset), (259, 3, 1, 1), (262, 3, 1, 2),
        (273, 4, 1, data_offset), (274, 3, 1, orientation), (277, 3, 1, 3), (278, 4, 1, h), (279, 4, 1, len(data)),
    ]
    assert len(tags) == ifd_entries
    ifd = struct.pack(order + "H", len(tags))
    for tag, kind, count, value in tags:
        packed = struct.pack(order + "H", value) + b"\0\0" if kind == 3 and count == 1 else struct.pack(order + "I", value)
        ifd += struct.pack(order + "HHI", tag, kind, count) + packed
    ifd += struct.pack(order + "I", 0)
    magic = b"II*\0" if order == "<" else b"MM\0*"
    return magic + struct.pack(order + "I", header_size) + ifd + struct.pack(order + "HHH", bits, bits, bits) + data


def save(image: Image.Image, name: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, **options)
    (HERE / name).write_bytes(buffer.getvalue())
    return buffer.getvalue()


def write(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)


def ppm(a: np.ndarray) -> bytes:
    h, w, _ = a.shape
    return b"P6\n%d %d\n255\n" % (w, h) + a.astype("u1").tobytes()


def main() -> None:
    rgb = Image.open(SAMPLE).convert("RGB").resize((40, 30), Image.BILINEAR)
    a = np.asarray(rgb)
    grey = rgb.convert("L")
    g3 = np.repeat(np.asarray(grey)[:, :, None], 3, axis=2)
    write("reference-rgb.ppm", ppm(a))
    write("reference-grey.ppm", ppm(g3))

    # PNG: every colour type and depth libpng's transforms must bring to 8-bit RGB.
    good_png = save(rgb, "rgb8.png", format="PNG")
    write("rgb16.png", png16_rgb(a))
    save(grey, "grey8.png", format="PNG")
    save(Image.fromarray(np.asarray(grey).astype(np.uint16) * 257), "grey16.png", format="PNG")
    # An exact palette: 4-bit levels per channel need at most 4096 colours, so quantise to 256 of them.
    palette = rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    save(palette, "palette.png", format="PNG")
    write("reference-palette.ppm", ppm(np.asarray(palette.convert("RGB"))))
    # Alpha: the left half opaque, the right quarter fully transparent, the rest half transparent.
    alpha = np.full((30, 40), 255, np.uint8)
    alpha[:, 30:] = 0
    alpha[:, 20:30] = 128
    save(Image.fromarray(np.dstack([a, alpha]), "RGBA"), "rgba.png", format="PNG")
    save(Image.fromarray(np.dstack([np.asarray(grey), alpha]), "LA"), "grey-alpha.png", format="PNG")

    # Damaged PNGs.
    write("truncated.png", good_png[: len(good_png) // 2])
    header_only = good_png[:33]  # signature and IHDR, nothing else
    write("header-only.png", header_only)
    idat = good_png.index(b"IDAT")
    data = bytearray(good_png)
    data[idat + 20] ^= 0xFF  # a byte inside the compressed data: the stream is broken before the CRC is reached
    write("bad-data.png", bytes(data))
    crc = bytearray(good_png)
    crc[32] ^= 0xFF  # the last byte of IHDR's CRC
    write("bad-crc.png", bytes(crc))
    huge = bytearray(good_png[:33])
    huge[16:24] = struct.pack(">II", 60000, 60000)
    huge[29:33] = struct.pack(">I", zlib.crc32(bytes(huge[12:29])))
    write("huge.png", bytes(huge) + good_png[33:])

    # TIFF: compressions, byte orders, depths, orientations, alpha, palette, grey.
    good_tiff = save(rgb, "rgb8.tif", format="TIFF")  # uncompressed
    save(rgb, "rgb8-lzw.tif", format="TIFF", compression="tiff_lzw")
    save(rgb, "rgb8-deflate.tif", format="TIFF", compression="tiff_adobe_deflate")
    save(rgb, "rgb8-jpeg.tif", format="TIFF", compression="jpeg", quality=95)
    write("rgb16.tif", tiff_rgb(a, 16))
    write("bottom-up.tif", tiff_rgb(a[::-1], 8, orientation=4))  # rows stored bottom first, Orientation = BOTLEFT
    save(grey, "grey8.tif", format="TIFF")
    save(palette, "palette.tif", format="TIFF")
    save(Image.fromarray(np.dstack([a, alpha]), "RGBA"), "rgba.tif", format="TIFF")
    write("rgb16-bigendian.tif", tiff_rgb(a, 16, order=">"))

    # A valid TIFF libtiff's RGBA interface does not convert: 32-bit floating-point grey.
    save(Image.fromarray(np.asarray(grey).astype(np.float32) / 255, "F"), "float32.tif", format="TIFF")

    # Damaged TIFFs.
    write("truncated.tif", good_tiff[: len(good_tiff) // 2])
    write("header-only.tif", good_tiff[:8])
    lzw = (HERE / "rgb8-lzw.tif").read_bytes()
    write("truncated-lzw.tif", lzw[: len(lzw) * 2 // 3])
    huge_tiff = bytearray(tiff_rgb(a, 8))
    # The first two IFD entries are ImageWidth and ImageLength (LONG): their values sit at 8+2+8 and 8+2+12+8.
    huge_tiff[18:22] = struct.pack("<I", 60000)
    huge_tiff[30:34] = struct.pack("<I", 60000)
    write("huge.tif", bytes(huge_tiff))
    # A strip that points past the end of the file.
    past = bytearray(tiff_rgb(a, 8))
    strip_entry = 8 + 2 + 5 * 12  # the sixth entry, StripOffsets
    past[strip_entry + 8: strip_entry + 12] = struct.pack("<I", 10_000_000)
    write("strip-past-end.tif", bytes(past))


if __name__ == "__main__":
    main()
