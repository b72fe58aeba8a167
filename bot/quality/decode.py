"""Open a photo safely: refuse bad input by name, then make an upright working copy to measure."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import pillow_heif
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from bot.quality.colour import eight_bit, icc_of, profile_fits, to_srgb
from bot.quality.result import Refusal
from bot.quality.scans import too_many_scans

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
MAX_FULL_DECODE_PIXELS = 50_000_000
"""Pixel limit for photos decoded in full: PNG, HEIC, WebP, and JPEGs that must be turned or
have their colours converted. Pillow holds 4 bytes a pixel, twice while turning, so a 79 MP PNG
of 231 KB took about 460 MB and an 80 MP turned JPEG 750 MB in one worker. Upright JPEGs decode
at reduced scale and are kept bit for bit, so they may go to MAX_PIXELS. 48/50 MP phone photos
are under both limits."""
HEIF_SEQUENCE_BRANDS = (b"msf1", b"hevs", b"avis")
"""ftyp brands of HEIF image sequences (moving pictures), unlike bursts or edits of one photo."""
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


def open_photo(data: bytes, *, small_ok: bool = False) -> Opened:
    """Read the header only; raise Refused for anything that is not a usable still photo
    (with `small_ok`, a photo under the minimum size is opened too: `engine.assess` looks at
    a small one only to tell whether it is a screenshot)."""
    if len(data) > MAX_BYTES:
        raise Refused("file_too_big")
    if too_many_scans(data):
        raise Refused("too_complex")
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
    if width * height > (MAX_PIXELS if fmt in JPEG_FORMATS else MAX_FULL_DECODE_PIXELS):
        raise Refused("too_many_pixels")  # before reading EXIF: a PNG may decode to find it
    if _is_moving(image, fmt, data):
        raise Refused("animated")
    orientation = _heif_orientation(image) if fmt == "HEIF" else _exif_orientation(image)
    if orientation not in _TRANSPOSE:
        orientation = 1
    if width * height > MAX_FULL_DECODE_PIXELS and not keeps_compressed(fmt, orientation, image):
        raise Refused("too_many_pixels")
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    if not small_ok and (max(width, height) < MIN_LONG or min(width, height) < MIN_SHORT):
        raise Refused("too_small")
    return Opened(image, fmt, orientation, width, height)


def keeps_compressed(fmt: str, orientation: int, image: Image.Image) -> bool:
    """An upright RGB or grey JPEG whose colour profile (if any) fits its pixels: it is kept
    as sent, without its metadata, and never decoded in full."""
    return (fmt in JPEG_FORMATS and orientation == 1 and image.mode in ("RGB", "L")
            and profile_fits(icc_of(image), image.mode))


def _is_moving(image: Image.Image, fmt: str, data: bytes) -> bool:
    """A GIF/WebP/PNG animation or a HEIF sequence; a HEIC burst or edit opens at its primary."""
    if fmt in JPEG_FORMATS:
        return False  # extra MPF images (depth, previews) follow the first; it is the photo
    if fmt == "HEIF":
        return data[8:12] in HEIF_SEQUENCE_BRANDS
    return int(getattr(image, "n_frames", 1)) > 1


def _exif_orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(ORIENTATION_TAG, 1))
    except Exception:
        return 1


def _heif_orientation(image: Image.Image) -> int:
    """The EXIF orientation of a HEIC that has no rotation or mirror box of its own.

    libheif applies `irot`/`imir` boxes while decoding, and pillow-heif then moves the EXIF tag
    aside (`original_orientation`), since the boxes win. A file without boxes (some cameras and
    editors write only EXIF) would stay sideways: there, the moved tag is what turns it upright.
    """
    moved = image.info.get("original_orientation")
    if not isinstance(moved, int) or moved == 1:
        return 1
    try:
        plugin: Any = image  # pillow-heif's image file: its libheif handle is not typed
        boxes = tuple(plugin._heif_file[image.tell()]._c_image.transformations)
    except Exception:
        return 1  # cannot tell: trust the decoder rather than turn the photo twice
    turned = any(name == "imir" or (name == "irot" and value % 360)
                 for name, value, *_ in boxes)
    return 1 if turned else moved


def upright(image: Image.Image, orientation: int) -> Image.Image:
    """Apply an EXIF orientation to pixels."""
    method = _TRANSPOSE.get(orientation)
    return image.transpose(method) if method is not None else image


def load_full(opened: Opened) -> Image.Image:
    """Decode every pixel, at 8 bits (raises Refused('corrupt') on a damaged file)."""
    try:
        opened.image.load()
    except Exception:
        raise Refused("corrupt") from None
    eight = eight_bit(opened.image)
    if eight is not opened.image:
        opened.image.close()  # let the 16-bit pixels go before the kept copy is made
    return eight


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
        image = eight_bit(image).reduce(long_side // WORK_SIDE)
        width, height = image.size
        long_side = max(width, height)
    rgb = np.asarray(upright(to_srgb(image), orientation), dtype=np.uint8)
    if long_side > WORK_SIDE:
        factor = WORK_SIDE / long_side
        h, w = rgb.shape[:2]
        size = (max(1, round(w * factor)), max(1, round(h * factor)))
        rgb = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return rgb
