"""Tell a phone screenshot from a photo taken with a camera, by what both routes keep.

A screenshot is not a photo of the skin that the patient took: it may show someone else's
photo, a picture from the web or a chat, at screen size, so the GP must never get it as a
clinical photo, not even "anyway" (hazard log H06). It is refused before any check, sent as a
photo or as a file alike: Telegram recompresses a photo and drops its metadata, so the test
that counts is on the pixels, and the file's own label only adds to it.

- The file says so: iPhone screenshots carry the word "Screenshot" in their XMP metadata
  (`exif:UserComment`); so do many Android and desktop screenshot tools (`MARKER`).
- The picture has a phone screen's shape and a screen's flat bars: its long side is 1.95 to
  2.4 times its short side (`SCREEN_SHAPES`: the 18.5:9 to 21:9 screens of phones since 2017;
  cameras take 4:3, 3:2, 16:9 or square photos, and some 20:9 in a "full screen" mode), and at
  least `FLAT_SHARE` of the lines across *each* of its two ends (`END_SHARE` of its length) are
  one flat colour: the status and navigation bars, or the black or white frame round a photo
  shown in a gallery or a chat. A camera's photo has sensor noise, shading or detail in nearly
  every line; a burnt-out white wall can be flat, but a full-screen camera photo burnt out at
  both ends is also too bright to use.

Known misses: a screenshot of an older 16:9 phone or a tablet sent as a photo, and one cropped
to another shape (README "Screenshots").
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

MARKER = b"Screenshot"
"""Written in the metadata of a screenshot by iOS (XMP UserComment) and many other tools."""
MARKER_BYTES = 65_536
"""How far into the file the marker is looked for: metadata comes before the pixels."""
SCREEN_SHAPES = (1.95, 2.4)
"""Long side over short side of a modern phone screen (19.5:9 is 2.17, 20:9 is 2.22)."""
END_SHARE = 0.08
"""Each end of the picture looked at: 8% of its length (a status bar is 3-5%)."""
FLAT_SHARE = 0.25
"""Share of the end lines that must be flat for a picture of a screen's shape to be a screen."""
FLAT_SPREAD = 2.0
"""Largest standard deviation (8-bit levels, per colour) of a line of one flat colour, after
Telegram's JPEG recompression and the working copy's shrinking."""


def says_screenshot(data: bytes) -> bool:
    """True if the file's metadata names it a screenshot (`MARKER` near its start)."""
    return MARKER in data[:MARKER_BYTES]


def screen_shaped(width: int, height: int) -> bool:
    """True if width x height (pixels, upright) has a modern phone screen's shape."""
    long_side, short_side = max(width, height), min(width, height)
    return short_side > 0 and SCREEN_SHAPES[0] <= long_side / short_side <= SCREEN_SHAPES[1]


def flat_end_share(rgb: NDArray[np.uint8]) -> float:
    """The share (0-1) of lines across an end of the long side that are one flat colour
    (`FLAT_SPREAD`), at whichever of the two ends has fewer, on an upright RGB array."""
    lines = rgb if rgb.shape[0] >= rgb.shape[1] else rgb.transpose(1, 0, 2)
    end = max(1, round(lines.shape[0] * END_SHARE))
    shares = []
    for part in (lines[:end], lines[-end:]):
        spread = part.astype(np.float32).std(axis=1).max(axis=1)
        shares.append(float(np.mean(spread <= FLAT_SPREAD)))
    return min(shares)


def is_screenshot(data: bytes, rgb: NDArray[np.uint8]) -> bool:
    """True if the photo is a screenshot: its file says so, or it has a phone screen's shape
    and flat bars at its ends (`rgb`: the upright working copy)."""
    if says_screenshot(data):
        return True
    height, width = rgb.shape[:2]
    return screen_shaped(width, height) and flat_end_share(rgb) >= FLAT_SHARE
