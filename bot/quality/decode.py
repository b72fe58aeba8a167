"""Open a photo safely: refuse bad input by name, then make an upright working copy to measure."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import cv2
import numpy as np
import pillow_heif
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from bot.quality.result import Refusal

pillow_heif.register_heif_opener()
Image.init()  # register every format plugin now, so `formats=` below can name them

MAX_BYTES = 50 * 1024 * 1024
"""Larger than anything Telegram lets a bot download (20 MB), so only junk is refused."""
MAX_PIXELS = 80_000_000
"""Pixel limit against decompression bombs: above 48/50 MP phone photos, below Pillow's own
warning level (about 89 MP), so Pillow never warns about a photo we go on to read."""
MIN_LONG, MIN_SHORT = 800, 600
"""Published minimum for teledermatology photos."""
WORK_SIDE = 1000
"""Long side of the working copy the checks measure (12 and 48 MP JPEGs decode straight to it)."""
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF", "GIF", "BMP")
"""Formats we open (a JPEG with extra MPF images opens as MPO through the JPEG opener)."""
JPEG_FORMATS = ("JPEG", "MPO")
ORIENTATION_TAG = 0x0112
_TRANSPOSE: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

RGBArray = NDArray[np.uint8]


class Refused(Exception):
    """The file cannot be assessed; `reason` names why."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason)
        self.reason: Refusal = reason


@dataclass(frozen=True, slots=True)
class Opened:
    """A photo whose header has been read and found acceptable, not yet decoded."""

    image: Image.Image
    format: str
    orientation: int
    width: int
    height: int
    """Upright size, after the EXIF orientation is applied."""


def open_photo(data: bytes) -> Opened:
    """Read the header only; raise Refused for anything that is not a usable still photo."""
    if len(data) > MAX_BYTES:
        raise Refused("file_too_big")
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused("too_many_pixels") from None
    except UnidentifiedImageError:
        raise Refused("not_an_image") from None
    except Exception:
        raise Refused("corrupt") from None
    fmt = image.format or ""
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise Refused("too_many_pixels")
    if fmt not in JPEG_FORMATS and getattr(image, "n_frames", 1) > 1:
        raise Refused("animated")
    try:
        orientation = int(image.getexif().get(ORIENTATION_TAG, 1))
    except Exception:
        orientation = 1
    if orientation not in _TRANSPOSE:
        orientation = 1
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    if max(width, height) < MIN_LONG or min(width, height) < MIN_SHORT:
        raise Refused("too_small")
    return Opened(image, fmt, orientation, width, height)


def upright(image: Image.Image, orientation: int) -> Image.Image:
    """Apply an EXIF orientation to pixels."""
    method = _TRANSPOSE.get(orientation)
    return image.transpose(method) if method is not None else image


def to_rgb(image: Image.Image) -> Image.Image:
    """Convert any mode to RGB, laying transparent pixels on white."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def load_full(opened: Opened) -> Image.Image:
    """Decode every pixel (raises Refused('corrupt') on a damaged file)."""
    try:
        opened.image.load()
    except Exception:
        raise Refused("corrupt") from None
    return opened.image


def load_draft(opened: Opened) -> Image.Image:
    """Decode a JPEG at the smallest DCT scale that keeps the long side at least WORK_SIDE."""
    image = opened.image
    raw_w, raw_h = image.size
    factor = WORK_SIDE / max(raw_w, raw_h)
    if factor < 1.0:
        image.draft("RGB", (math.ceil(raw_w * factor), math.ceil(raw_h * factor)))
    try:
        image.load()
    except Exception:
        raise Refused("corrupt") from None
    return image


def working_copy(image: Image.Image, orientation: int) -> RGBArray:
    """Return an upright RGB array with the long side at most WORK_SIDE."""
    width, height = image.size
    long_side = max(width, height)
    if long_side > 2 * WORK_SIDE:
        image = image.reduce(long_side // WORK_SIDE)
        width, height = image.size
        long_side = max(width, height)
    rgb = np.asarray(upright(to_rgb(image), orientation), dtype=np.uint8)
    if long_side > WORK_SIDE:
        factor = WORK_SIDE / long_side
        h, w = rgb.shape[:2]
        size = (max(1, round(w * factor)), max(1, round(h * factor)))
        rgb = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return rgb
