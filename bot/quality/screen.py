"""Tell a phone screenshot from a photo taken with a camera, by what both routes keep.

A screenshot is not a photo of the skin that the patient took: it may show someone else's
photo, a picture from the web or a chat, at screen size, so the GP must not take it for a
clinical photo (hazard log H06). Two tests, one confident and one not:

- The file says so (`says_screenshot`): iPhone screenshots carry the word "Screenshot" in
  their XMP metadata (`exif:UserComment`); so do many Android and desktop screenshot tools
  (`MARKER`). Such a file is refused before any check, never kept, never "use it anyway".
- The pixels look like a screen (`looks_like_screen`): Telegram recompresses a photo and drops
  its metadata, so this is the only test left for a screenshot sent as a photo. It is unsure:
  it also matches 195 of 1462 real camera photos cropped to 20:9 (a phone's "full screen"
  camera mode) whose two ends are burnt-out white or black. So it is a failing check (name
  "screen", reason "screenshot"), not a refusal: the patient is asked for a camera photo and,
  after the usual tries, may send it anyway, flagged to the GP as maybe a screenshot.

  The picture has a phone screen's shape and a screen's flat bars: its long side is 1.95 to
  2.4 times its short side (`SCREEN_SHAPES`: the 18.5:9 to 21:9 screens of phones since 2017;
  cameras take 4:3, 3:2, 16:9 or square photos, and some 20:9 in a "full screen" mode), and at
  least `FLAT_SHARE` of the lines across *each* of its two ends (`END_SHARE` of its length) are
  one flat colour: the status and navigation bars, or the black or white frame round a photo
  shown in a gallery or a chat. A camera's photo has sensor noise, shading or detail in nearly
  every line, but a burnt-out white wall or a night flash's black can be flat at both ends.

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


def screen_flatness(rgb: NDArray[np.uint8]) -> float:
    """`flat_end_share` of an upright RGB array of a phone screen's shape (`screen_shaped`);
    0.0 for any other shape, whose ends are never measured."""
    height, width = rgb.shape[:2]
    return flat_end_share(rgb) if screen_shaped(width, height) else 0.0


def looks_like_screen(rgb: NDArray[np.uint8]) -> bool:
    """True if an upright RGB array has a phone screen's shape and flat bars at both ends
    (`FLAT_SHARE` or more of the lines at each end flat). Unsure: also true of some
    full-screen camera photos burnt out at both ends."""
    return screen_flatness(rgb) >= FLAT_SHARE


def is_screenshot(data: bytes, rgb: NDArray[np.uint8]) -> bool:
    """True if the file says it is a screenshot or its pixels look like one (`rgb`: the
    upright working copy). Used only for a picture too small to keep either way."""
    return says_screenshot(data) or looks_like_screen(rgb)
