"""Find skin by its hue and saturation, which stay the same from the palest to the darkest tones."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

MASK_SIDE = 256
"""Skin is found on a small copy: framing needs areas, not fine detail."""
HUE_MAX = 26
"""OpenCV hue (0-180) from red up to orange-yellow, i.e. 0 to about 52 degrees."""
HUE_WRAP = 172
"""Reds just the other side of 0 degrees (rash, lips, warm light) count as skin too."""
SAT_MIN, SAT_MAX = 0.05, 0.78
VALUE_MIN = 0.03

BoolArray = NDArray[np.bool_]


def small_copy(rgb: NDArray[np.uint8], side: int = MASK_SIDE) -> NDArray[np.uint8]:
    """Shrink an RGB array (area averaging) so its long side is `side`."""
    height, width = rgb.shape[:2]
    factor = side / max(height, width)
    if factor >= 1.0:
        return rgb
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def skin_mask(rgb: NDArray[np.uint8]) -> BoolArray:
    """Return where skin is likely, on the array given (use `small_copy` first for speed).

    The rule uses only hue and saturation (HSV), which a change of light level or of melanin
    level leaves in the same band, with a low floor on brightness so that very dark skin counts.
    """
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue = hsv[..., 0]
    sat = hsv[..., 1].astype(np.float32) / 255.0
    val = hsv[..., 2].astype(np.float32) / 255.0
    red = rgb[..., 0].astype(np.int16)
    blue = rgb[..., 2].astype(np.int16)
    hue_ok = (hue <= HUE_MAX) | (hue >= HUE_WRAP)
    mask = hue_ok & (sat >= SAT_MIN) & (sat <= SAT_MAX) & (val >= VALUE_MIN) & (red > blue)
    raw = mask.astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    cleaned = cv2.morphologyEx(raw, cv2.MORPH_OPEN, kernel)
    cleaned = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, kernel)
    return np.asarray(cleaned, dtype=np.bool_)


def skin_fraction(mask: BoolArray) -> float:
    """Share of the picture that is skin."""
    return float(mask.mean()) if mask.size else 0.0
