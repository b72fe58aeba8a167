"""The copy of a photo the product keeps: upright JPEG, with no EXIF, GPS or other metadata."""

from __future__ import annotations

import io
import re

from PIL import Image

from bot.quality.colour import for_keeping
from bot.quality.decode import Opened, keeps_compressed, load_full, open_photo, upright

JPEG_QUALITY = 90
_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_APP0, _APP2, _APP14, _SOS, _EOI, _COM = 0xE0, 0xE2, 0xEE, 0xDA, 0xD9, 0xFE


def clean(data: bytes) -> bytes:
    """Return the photo to keep (raises decode.Refused if the file is not a usable photo)."""
    return kept_image(data, open_photo(data))


def kept_image(data: bytes, opened: Opened) -> bytes:
    """Strip an upright JPEG losslessly; decode, turn upright and re-encode anything else."""
    if strippable(opened):
        stripped = strip_jpeg(data)
        if stripped is not None:
            return stripped
    return encode(load_full(opened), opened.orientation)


def strippable(opened: Opened) -> bool:
    """An upright RGB or grey JPEG whose colour profile (if any) fits its pixels: kept as sent."""
    return keeps_compressed(opened.format, opened.orientation, opened.image)


def encode(image: Image.Image, orientation: int) -> bytes:
    """Re-encode decoded pixels as an upright 8-bit RGB JPEG, keeping only a fitting profile."""
    pixels, icc = for_keeping(image)
    rgb = upright(pixels, orientation)
    del pixels
    out = io.BytesIO()
    if icc is not None:
        rgb.save(out, "JPEG", quality=JPEG_QUALITY, icc_profile=icc)
    else:
        rgb.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _keep_segment(marker: int, payload: bytes) -> bool:
    """Keep what decoding needs (and the colour profile); drop EXIF, XMP, IPTC, MPF, comments."""
    if marker == _APP0:
        return payload.startswith(b"JFIF\x00")
    if marker == _APP2:
        return payload.startswith(b"ICC_PROFILE\x00")
    if marker == _APP14:
        return payload.startswith(b"Adobe")
    return not (0xE0 <= marker <= 0xEF or marker == _COM)


def strip_jpeg(data: bytes) -> bytes | None:
    """Copy a JPEG's compressed pixels bit for bit without its metadata; None if unparseable.

    Anything after the first image's end marker (extra MPF images, trailers) is dropped too.
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    out = [b"\xff\xd8"]
    pos, end = 2, len(data)
    while pos < end:
        if data[pos] != 0xFF:
            return None
        while pos < end and data[pos] == 0xFF:
            pos += 1
        if pos >= end:
            return None
        marker = data[pos]
        pos += 1
        if marker == _EOI:
            out.append(b"\xff\xd9")
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out.append(bytes((0xFF, marker)))
            continue
        if pos + 2 > end:
            return None
        length = int.from_bytes(data[pos:pos + 2], "big")
        if length < 2 or pos + length > end:
            return None
        if _keep_segment(marker, data[pos + 2:pos + length]):
            out.append(data[pos - 2:pos + length])
        pos += length
        if marker == _SOS:
            found = _MARKER.search(data, pos)
            if found is None:
                return None
            out.append(data[pos:found.start()])
            pos = found.start()
    return None

