"""Small ICC profiles built in the test: Display P3 (as iPhones tag photos) and a CMYK press."""

from __future__ import annotations

import itertools
import struct

import numpy as np
from PIL import Image, ImageCms

D50 = (0.9642, 1.0, 0.8249)
P3_COLORANTS = ((0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841))
"""Display P3 primaries adapted to D50, as in Apple's profile."""
INKS = ((0, 160, 225), (230, 0, 125), (255, 240, 0), (35, 31, 32))
"""The sRGB colour of full cyan, magenta, yellow and black ink on white paper."""


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in values)


def _desc(name: str) -> bytes:
    ascii_name = name.encode() + b"\0"
    return (b"desc\0\0\0\0" + struct.pack(">I", len(ascii_name)) + ascii_name
            + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\0" * 67)


def _profile(device_class: bytes, space: bytes, pcs: bytes,
             tags: list[tuple[bytes, bytes]]) -> bytes:
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    entries, blobs = [], []
    for signature, blob in tags:
        blob += b"\0" * (-len(blob) % 4)
        entries.append(struct.pack(">4sII", signature, offset, len(blob)))
        blobs.append(blob)
        offset += len(blob)
    header = bytearray(128)
    struct.pack_into(">I", header, 0, offset)
    struct.pack_into(">I", header, 8, 0x02100000)
    header[12:16], header[16:20], header[20:24] = device_class, space, pcs
    header[36:40] = b"acsp"
    header[68:80] = b"".join(_s15(v) for v in D50)
    return bytes(header) + struct.pack(">I", len(tags)) + b"".join(entries) + b"".join(blobs)


def display_p3(*, hidden: bytes = b"") -> bytes:
    """A Display P3 matrix/TRC profile (gamma 2.2 curves); with `hidden`, those bytes also in
    its description, in a private tag, and after the end of its red tone curve."""
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256))
    tags = [(b"desc", _desc("Display P3" + hidden.decode())), (b"wtpt", _xyz(D50)),
            (b"rXYZ", _xyz(P3_COLORANTS[0])), (b"gXYZ", _xyz(P3_COLORANTS[1])),
            (b"bXYZ", _xyz(P3_COLORANTS[2])), (b"rTRC", curve + b"\0\0" + hidden),
            (b"gTRC", curve), (b"bTRC", curve), (b"cprt", b"text\0\0\0\0test\0")]
    if hidden:
        tags.append((b"zzzz", b"data\0\0\0\0" + hidden))
    return _profile(b"mntr", b"RGB ", b"XYZ ", tags)


def cmyk_press(grid: int = 9) -> bytes:
    """A CMYK profile whose inks mix like real ones (not Pillow's plain 255 - RGB)."""
    steps = np.linspace(0.0, 1.0, grid)
    corners = []
    for amounts in itertools.product(steps, repeat=4):
        rgb = np.ones(3)
        for amount, ink in zip(amounts, INKS, strict=True):
            rgb *= 1 - amount * (1 - np.asarray(ink) / 255)
        corners.append(np.round(rgb * 255))
    rgb_image = Image.fromarray(np.asarray(corners, np.uint8).reshape(1, -1, 3), "RGB")
    lab = ImageCms.profileToProfile(rgb_image, ImageCms.createProfile("sRGB"),
                                    ImageCms.createProfile("LAB"), outputMode="LAB")
    assert lab is not None
    values = np.asarray(lab, np.uint8).reshape(-1, 3).copy()
    values[:, 1:] = values[:, 1:].view(np.int8).astype(np.int16) + 128  # Pillow's a, b are signed
    clut = values.tobytes()
    identity = bytes(range(256))
    matrix = b"".join(_s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    lut = (b"mft1\0\0\0\0" + struct.pack(">BBBB", 4, 3, grid, 0) + matrix
           + identity * 4 + clut + identity * 3)
    tags = [(b"desc", _desc("Test press CMYK")), (b"wtpt", _xyz(D50)), (b"A2B0", lut),
            (b"cprt", b"text\0\0\0\0test\0")]
    return _profile(b"prtr", b"CMYK", b"Lab ", tags)
