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

from bot.quality.colour import for_keeping, icc_of
from bot.quality.decode import Opened, keeps_compressed, load_full, open_photo, upright
from bot.quality.profile import rebuilt_rgb

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
ICC_PREFIX = b"ICC_PROFILE\x00"
MAX_ICC_SEGMENT = 65535 - 2 - len(ICC_PREFIX) - 2
"""Largest profile one APP2 segment holds (a rebuilt profile is far smaller)."""


def clean(data: bytes) -> bytes:
    """Return the photo to keep (raises decode.Refused if the file is not a usable photo)."""
    return kept_image(data, open_photo(data))


def kept_image(data: bytes, opened: Opened) -> bytes:
    """Strip an upright JPEG losslessly; decode, turn upright and re-encode anything else."""
    stripped = strip_kept(data, opened)
    if stripped is not None:
        return stripped
    return encode(load_full(opened), opened.orientation)


def strip_kept(data: bytes, opened: Opened) -> bytes | None:
    """The photo kept bit for bit (`strip_jpeg`, with its colour profile rebuilt), if it is a
    JPEG that can be (`strippable`); None otherwise."""
    if not strippable(opened):
        return None
    return strip_jpeg(data, profile=rebuilt_rgb(icc_of(opened.image)))


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
    if marker == _APP2 and payload.startswith(ICC_PREFIX):
        return payload
    if marker == _APP14 and payload.startswith(b"Adobe") and len(payload) >= ADOBE_HEADER:
        return payload[:ADOBE_HEADER]
    return None


def icc_segments(profile: bytes) -> bytes | None:
    """`profile` as the APP2 segments that carry it in a JPEG (ICC.1 B.4: each at most
    `MAX_ICC_SEGMENT` bytes of it, numbered from 1, with their count); None if it needs more
    than 255."""
    parts = [profile[at:at + MAX_ICC_SEGMENT]
             for at in range(0, len(profile), MAX_ICC_SEGMENT)] or [b""]
    if len(parts) > 255:
        return None
    segments = []
    for number, part in enumerate(parts, 1):
        payload = ICC_PREFIX + bytes((number, len(parts))) + part
        segments.append(b"\xff\xe2" + (len(payload) + 2).to_bytes(2, "big") + payload)
    return b"".join(segments)


def strip_jpeg(data: bytes, *, profile: bytes | None = None) -> bytes | None:
    """Copy a JPEG's compressed pixels bit for bit without its metadata; None if unparseable.

    Anything after the first image's end marker (extra MPF images, trailers) is dropped too.
    The colour profile's segments are dropped, and `profile` (the rebuilt one, one segment
    long; or a sender's profile kept whole, in as many segments as it needs,
    `icc_segments`), if given, is written in the place of the first.
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    out = [b"\xff\xd8"]
    own_profile = icc_segments(profile) if profile is not None else None
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
        if marker == _APP2 and kept is not None:  # a part of the sender's colour profile
            if own_profile is not None:
                out.append(own_profile)
                own_profile = None
        elif kept is not None:
            out.append(bytes((0xFF, marker)) + (len(kept) + 2).to_bytes(2, "big") + kept)
        pos += length
        if marker == _SOS:
            found = _MARKER.search(data, pos)
            if found is None:
                return None
            out.append(data[pos:found.start()])
            pos = found.start()
    return None

