"""Count a JPEG's scans from its markers, without decoding, to refuse absurd progressive files.

A progressive JPEG is drawn in scans; phone and editor files have about 10. Every scan walks
the whole picture, even one of a few bytes, so a 150 KB file of 3000 repeated scans of a 12 MP
picture keeps a worker busy for about 45 s. Such files are refused before any pixel is decoded.
"""

from __future__ import annotations

import re

MAX_SCANS = 100
"""Far above any real encoder (libjpeg and mozjpeg write 6-12 scans), far below a hostile file."""
MAX_SCAN_PIXELS = 1_000_000_000
"""Scans times pixels: about 1.5 s of decoding here (a 48 MP photo may have 20 scans)."""
_SOS, _EOI = 0xDA, 0xD9
_NOT_FRAMES = (0xC4, 0xC8, 0xCC)  # DHT, JPG and DAC share the SOFn range
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def scan_work(data: bytes) -> tuple[int, int]:
    """Start-of-scan markers in the first image of a JPEG, and its pixel count ((0, 0) if it is
    not a JPEG). Counting stops once the file is over the limits, so it costs little either way.
    """
    if not data.startswith(b"\xff\xd8"):
        return 0, 0
    scans = pixels = 0
    pos, end = 2, len(data)
    while pos < end and scans <= MAX_SCANS and scans * pixels <= MAX_SCAN_PIXELS:
        found = _NEXT_MARKER.search(data, pos)
        if found is None:
            break
        marker = data[found.end() - 1]
        pos = found.end()
        if marker == _EOI:
            break
        if marker == 0x01 or pos + 2 > end:
            continue
        length = int.from_bytes(data[pos:pos + 2], "big")
        if 0xC0 <= marker <= 0xCF and marker not in _NOT_FRAMES and not pixels and pos + 7 <= end:
            height = int.from_bytes(data[pos + 3:pos + 5], "big")
            width = int.from_bytes(data[pos + 5:pos + 7], "big")
            pixels = width * height
        pos += max(length, 2)
        if marker == _SOS:
            scans += 1
    return scans, pixels


def too_many_scans(data: bytes) -> bool:
    """True if a JPEG has more scans than any real camera or editor writes for its size."""
    scans, pixels = scan_work(data)
    return scans > MAX_SCANS or scans * pixels > MAX_SCAN_PIXELS
