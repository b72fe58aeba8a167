"""Exposure: judge the light, not the skin colour.

Light level is read from the brightest reflections (skin sheen, walls, clothes), which melanin
does not darken, so a well-lit photo of very dark skin still shows bright highlights while a
dim photo of pale skin does not. Clipped highlights and glare, uneven light (a hard shadow over
the subject) and a strong colour cast are judged separately; the worst of them counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

HIGHLIGHT_MIN = 0.315
"""Brightest reflections (99.5th percentile of the brightest channel) below this: too dark."""
NOISE_DARK = 1.2
"""Noise (grey levels at 1000 px) above this in a dim picture: the phone was short of light."""
DIM = 0.6
PALE_SAT = 0.17
"""Skin this unsaturated is pale (Monk 1-3) whatever the light, so if it looks dim it is dim."""
PALE_MIN_VALUE = 0.55
CLIPPED_MAX = 0.08
"""Share of the subject burnt out to white above this: too bright or glare."""
SCENE_CLIPPED_MAX = 0.15
"""Share of the whole picture burnt out above this (walls, clothes too): overexposed."""
UNEVEN_MAX = 4.0
"""Stops of light between the brightest and darkest parts of the subject above this: uneven."""
CAST_SAT_MAX = 0.72
"""Skin's typical colour more saturated than this: strongly tinted light."""
SCENE_CAST_SAT = 0.3
"""Without any skin found, a whole picture tinted this strongly green, blue or purple: cast."""
GRID = 8


@dataclass(frozen=True, slots=True)
class Exposure:
    """Scores for each way light can fail (1 or more fails), and which is worst."""

    dark: float
    bright: float
    uneven: float
    cast: float
    glare: bool = False
    """True when the burnt-out part is a patch (flash, lamp) rather than the whole photo."""

    @property
    def worst(self) -> tuple[str, float]:
        """The name and score of the worst problem."""
        items = {"dark": self.dark, "bright": self.bright, "uneven": self.uneven,
                 "cast": self.cast}
        name = max(items, key=lambda k: items[k])
        return name, items[name]


def _linear(values: NDArray[np.float32]) -> NDArray[np.float32]:
    return np.asarray(np.power(np.clip(values, 0.0, 1.0), 2.2), np.float32)


def measure(
    rgb: NDArray[np.uint8], skin: NDArray[np.bool_], *, close_up: bool, noise: float = 0.0
) -> Exposure:
    """Measure exposure on a small RGB copy and the skin mask of the same size.

    `noise` is the noise level of the full working copy (grey levels), a sign of dim light.
    """
    value = rgb.max(axis=2).astype(np.float32) / 255.0
    skin_share = float(skin.mean())
    subject = skin if skin_share >= 0.03 else np.ones_like(skin)
    highlights = float(np.quantile(value, 0.995))
    dark = HIGHLIGHT_MIN / max(highlights, 1e-3)
    if highlights < DIM:
        dark = max(dark, noise / NOISE_DARK)
    if skin_share >= 0.3:
        hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
        skin_sat = float(np.median(hsv[..., 1][skin])) / 255.0
        skin_value = float(np.median(hsv[..., 2][skin])) / 255.0
        if skin_sat < PALE_SAT:
            dark = max(dark, PALE_MIN_VALUE / max(skin_value, 1e-3))
    clipped = float(((rgb >= 250).any(axis=2) & subject).sum()) / max(int(subject.sum()), 1)
    scene_clipped = float((rgb >= 250).any(axis=2).mean())
    if close_up:
        clipped = max(clipped, scene_clipped)
    bright = max(clipped / CLIPPED_MAX, scene_clipped / SCENE_CLIPPED_MAX)
    uneven = _uneven(value, skin, close_up=close_up) / UNEVEN_MAX
    cast = _cast(rgb, skin)
    glare = float(np.median(value[subject])) < 0.9 if subject.any() else False
    return Exposure(dark=dark, bright=bright, uneven=uneven, cast=cast, glare=glare)


def _uneven(value: NDArray[np.float32], skin: NDArray[np.bool_], *, close_up: bool) -> float:
    """Stops between the brightest and darkest blocks of the subject (skin and around it)."""
    height, width = value.shape
    region = np.ones_like(skin) if close_up else skin
    linear = _linear(value)
    levels = []
    for row in range(GRID):
        for col in range(GRID):
            ys = slice(row * height // GRID, (row + 1) * height // GRID)
            xs = slice(col * width // GRID, (col + 1) * width // GRID)
            inside = region[ys, xs]
            if inside.mean() >= 0.6:
                levels.append(float(linear[ys, xs][inside].mean()))
    if len(levels) < 6:
        return 0.0
    lo, hi = np.quantile(levels, [0.1, 0.9])
    return float(np.log2(max(hi, 1e-4) / max(lo, 1e-4)))


def _cast(rgb: NDArray[np.uint8], skin: NDArray[np.bool_]) -> float:
    """How strongly tinted the light is (1 or more fails)."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    if skin.mean() >= 0.03:
        sat = float(np.median(hsv[..., 1][skin])) / 255.0
        return sat / CAST_SAT_MAX
    mean = rgb.reshape(-1, 3).astype(np.float32).mean(axis=0)
    top, low = float(mean.max()), float(mean.min())
    sat = (top - low) / max(top, 1.0)
    warm = mean[0] >= mean[1] >= mean[2]
    return 0.0 if warm else sat / SCENE_CAST_SAT
