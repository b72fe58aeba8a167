"""The colour profile a kept photo carries: rebuilt from the colorimetry of the one it came
with, so nothing else in the sender's profile (free text, private tags, padding, a tag table
shaped to trip a viewer's parser) reaches the store, the GP or the practice's record.

An RGB display profile of the matrix/TRC kind (what phones write: Display P3, sRGB, Adobe RGB)
is fully described by its white point, three colorants, three tone curves and, in version 4,
its chromatic adaptation. Those tags are read, each cut to the exact length its type declares,
and written into a new profile with a fixed description. A profile that is not of this kind
(LUT-based, malformed) is not kept: the photo is converted to sRGB through it instead
(`bot.quality.colour.for_keeping`). ICC.1:2010 (v4) and ICC.1:2001-04 (v2) give the layouts.
"""

from __future__ import annotations

import struct

COLORIMETRY = (b"wtpt", b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC")
"""Tags a matrix/TRC RGB profile needs; `chad` (v4 chromatic adaptation) is kept if present."""
MAX_TAGS = 64
MAX_CURVE_POINTS = 4096
"""More than any real tone curve has; keeps the rebuilt profile inside one JPEG APP2 segment."""
DESCRIPTION = "RGB colour profile of the photo"
_PARA_PARAMETERS = {0: 1, 1: 3, 2: 4, 3: 5, 4: 7}
"""Parametric curve function type -> number of s15Fixed16 parameters (ICC.1:2010 10.18)."""
_D50 = (0.9642, 1.0, 0.8249)


def rebuilt_rgb(icc: bytes | None) -> bytes | None:
    """A new profile with only the colorimetry of `icc`, or None if `icc` is not a readable
    RGB matrix/TRC display or input profile with an XYZ connection space."""
    if icc is None or len(icc) < 132 or icc[36:40] != b"acsp":
        return None
    if icc[16:20] != b"RGB " or icc[20:24] != b"XYZ " or icc[12:16] not in (b"mntr", b"scnr"):
        return None
    (count,) = struct.unpack_from(">I", icc, 128)
    if count > MAX_TAGS or len(icc) < 132 + 12 * count:
        return None
    table: dict[bytes, bytes] = {}
    for index in range(count):
        signature, offset, size = struct.unpack_from(">4sII", icc, 132 + 12 * index)
        table[signature] = icc[offset:offset + size]
    tags: list[tuple[bytes, bytes]] = []
    for signature in (*COLORIMETRY, b"chad"):
        if signature not in table:
            if signature == b"chad":
                continue
            return None
        exact = _exact(table[signature])
        if exact is None:
            return None
        tags.append((signature, exact))
    major = icc[8]
    intent = struct.unpack_from(">I", icc, 64)[0]
    intent = intent if intent <= 3 else 0  # perceptual, unless one of the four is named
    version = 0x04200000 if major >= 4 else 0x02100000
    words = _mluc if major >= 4 else _text_description
    return _profile(version, intent, [(b"desc", words(DESCRIPTION)), *tags])


def _exact(blob: bytes) -> bytes | None:
    """The tag's bytes cut to the length its type declares; None for any other type or a
    short tag."""
    kind = blob[:4]
    if kind == b"XYZ ":
        size = 20
    elif kind == b"sf32":
        size = 44  # the 3 x 3 chromatic adaptation matrix
    elif kind == b"curv" and len(blob) >= 12:
        points = struct.unpack_from(">I", blob, 8)[0]
        if points > MAX_CURVE_POINTS:
            return None
        size = 12 + 2 * points
    elif kind == b"para" and len(blob) >= 12:
        function = struct.unpack_from(">H", blob, 8)[0]
        if function not in _PARA_PARAMETERS:
            return None
        size = 12 + 4 * _PARA_PARAMETERS[function]
    else:
        return None
    return blob[:size] if len(blob) >= size else None


def _text_description(words: str) -> bytes:
    """A v2 textDescriptionType with ASCII only (no Unicode or ScriptCode strings)."""
    ascii_words = words.encode("ascii") + b"\0"
    return (b"desc\0\0\0\0" + struct.pack(">I", len(ascii_words)) + ascii_words
            + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\0" * 67)


def _mluc(words: str) -> bytes:
    """A v4 multiLocalizedUnicodeType with one record, en-GB."""
    utf16 = words.encode("utf-16-be")
    return (b"mluc\0\0\0\0" + struct.pack(">II", 1, 12) + b"enGB"
            + struct.pack(">II", len(utf16), 28) + utf16)


def _profile(version: int, intent: int, tags: list[tuple[bytes, bytes]]) -> bytes:
    """Header, tag table and tags (each padded to 4 bytes) of a display RGB profile."""
    offset = 128 + 4 + 12 * len(tags)
    entries, blobs = [], []
    for signature, blob in tags:
        entries.append(struct.pack(">4sII", signature, offset, len(blob)))
        padded = blob + b"\0" * (-len(blob) % 4)
        blobs.append(padded)
        offset += len(padded)
    header = bytearray(128)
    struct.pack_into(">II", header, 0, offset, 0)
    struct.pack_into(">I", header, 8, version)
    header[12:24] = b"mntrRGB XYZ "
    header[36:40] = b"acsp"
    struct.pack_into(">I", header, 64, intent)
    struct.pack_into(">iii", header, 68, *(round(v * 65536) for v in _D50))
    return bytes(header) + struct.pack(">I", len(tags)) + b"".join(entries) + b"".join(blobs)
