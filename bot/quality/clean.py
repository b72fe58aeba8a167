"""The copy of a photo the product keeps: upright JPEG, with no EXIF, GPS or other metadata.

Nothing the patient's file carried besides its pixels (and a colour profile that fits them)
reaches the kept copy, by either route: a JPEG kept bit for bit keeps only the segments that
decoding needs (`strip_jpeg`), and a re-encoded photo is written with no comment, EXIF or XMP
(`encode`). Pillow would otherwise copy a JPEG or GIF comment into the new file by itself.
"""

from __future__ import annotations

import io
import re

from PIL import Image

from bot.quality.colour import for_keeping
from bot.quality.decode import Opened, keeps_compressed, load_full, open_photo, upright

JPEG_QUALITY = 90
_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_APP0, _APP2, _APP14, _SOS, _EOI = 0xE0, 0xE2, 0xEE, 0xDA, 0xD9
_DECODING = frozenset((*(m for m in range(0xC0, 0xD0) if m != 0xC8), *range(0xDA, 0xE0)))
"""Segments a decoder needs: frame headers (SOFn), Huffman and arithmetic tables (DHT, DAC),
the scan header (SOS), quantisation tables (DQT), DNL, restart interval (DRI), DHP and EXP.
Anything else (EXIF, XMP, IPTC, MPF, comments, JPGn extensions, unknown markers) is dropped."""
JFIF_HEADER = 14
"""Bytes of a JFIF APP0 payload before its optional thumbnail ("JFIF\\0", version, units,
densities, thumbnail width and height); what follows is an uncompressed thumbnail."""
ADOBE_HEADER = 12
"""Bytes of an Adobe APP14 payload ("Adobe", version, two flag words, colour transform)."""


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
    # comment=b"": Pillow copies a comment the photo came with (`info["comment"]`) otherwise.
    if icc is not None:
        rgb.save(out, "JPEG", quality=JPEG_QUALITY, icc_profile=icc, comment=b"")
    else:
        rgb.save(out, "JPEG", quality=JPEG_QUALITY, comment=b"")
    return out.getvalue()


def _kept_payload(marker: int, payload: bytes) -> bytes | None:
    """The part of a segment's payload to keep, or None to drop the segment.

    Kept: what decoding needs (`_DECODING`), the colour profile, and the fixed headers of the
    JFIF and Adobe segments, without a JFIF thumbnail (an editor may leave there a small copy
    of the photo before it was cropped) or anything appended to either.
    """
    if marker in _DECODING:
        return payload
    if marker == _APP0 and payload.startswith(b"JFIF\x00") and len(payload) >= JFIF_HEADER:
        return payload[:JFIF_HEADER - 2] + b"\x00\x00"  # thumbnail 0 x 0
    if marker == _APP2 and payload.startswith(b"ICC_PROFILE\x00"):
        return payload
    if marker == _APP14 and payload.startswith(b"Adobe") and len(payload) >= ADOBE_HEADER:
        return payload[:ADOBE_HEADER]
    return None


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
        kept = _kept_payload(marker, data[pos + 2:pos + length])
        if kept is not None:
            out.append(bytes((0xFF, marker)) + (len(kept) + 2).to_bytes(2, "big") + kept)
        pos += length
        if marker == _SOS:
            found = _MARKER.search(data, pos)
            if found is None:
                return None
            out.append(data[pos:found.start()])
            pos = found.start()
    return None

