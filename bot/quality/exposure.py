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
HIGHLIGHT_MIN_LOCATOR = 0.45
"""The same for a locator, which shows the room: its brightest parts (a wall, a window, clothes)
are bright in any room lit well enough, whatever the patient's skin."""
NOISE_DARK = 1.2
"""Noise (grey levels at 1000 px) above this in a dim picture: the phone was short of light."""
DIM = 0.6
PALE_SAT = 0.17
"""Skin this unsaturated is pale (Monk 1-3) whatever the light, so if it looks dim it is dim.
Only on a close-up, where the skin found is the subject: on a locator a pale wall is often
taken in with darker skin, and its greyness would be misread as dim pale skin."""
PALE_MIN_VALUE = 0.55
PALE_FLOOR = 0.3
"""Unsaturated skin darker than this is very dark skin (Monk 9-10, which is also unsaturated),
not pale skin in dim light: the highlights rule judges it instead."""
CLIPPED_MAX = 0.08
"""Share of the subject burnt out to white above this: too bright or glare."""
SCENE_CLIPPED_MAX = 0.15
"""Share of the whole picture burnt out above this (walls, clothes too): overexposed."""
UNEVEN_MAX = 4.0
"""Stops of light between the brightest and darkest parts of the subject above this: uneven."""
UNEVEN_MAX_LOCATOR = 4.5
"""The same for a locator, where a pale wall taken in with very dark skin (close in colour, far
in lightness) adds to the spread: half a stop more."""
SURFACE_SPLIT = 0.12
"""Blocks whose colours (log-chroma centres) differ more than this are two surfaces."""
CAST_GREEN, CAST_RED = 0.25, -1.1
"""Limits of log(G/R) in daylight: skin of every tone, with a rash, lies between them."""
CAST_BLUE, CAST_YELLOW = 0.25, -0.9
"""Limits of log(B/G) in daylight."""
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
    dark = (HIGHLIGHT_MIN if close_up else HIGHLIGHT_MIN_LOCATOR) / max(highlights, 1e-3)
    if highlights < DIM:
        dark = max(dark, noise / NOISE_DARK)
    if close_up and skin_share >= 0.3:
        hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
        skin_sat = float(np.median(hsv[..., 1][skin])) / 255.0
        skin_value = float(np.median(hsv[..., 2][skin])) / 255.0
        if skin_sat < PALE_SAT and skin_value >= PALE_FLOOR:
            dark = max(dark, PALE_MIN_VALUE / max(skin_value, 1e-3))
    clipped = float(((rgb >= 250).any(axis=2) & subject).sum()) / max(int(subject.sum()), 1)
    scene_clipped = float((rgb >= 250).any(axis=2).mean())
    if close_up:
        clipped = max(clipped, scene_clipped)
    bright = max(clipped / CLIPPED_MAX, scene_clipped / SCENE_CLIPPED_MAX)
    uneven_max = UNEVEN_MAX if close_up else UNEVEN_MAX_LOCATOR
    uneven = _uneven(rgb, skin, close_up=close_up) / uneven_max
    cast = _cast(rgb, skin)
    glare = float(np.median(value[subject])) < 0.9 if subject.any() else False
    return Exposure(dark=dark, bright=bright, uneven=uneven, cast=cast, glare=glare)


def _chroma(linear_rgb: NDArray[np.float32]) -> NDArray[np.float32]:
    """Light-level-free colour of each row of linear RGB: log(G/R) and log(B/G)."""
    safe = np.maximum(linear_rgb, 1e-4)
    return np.stack([np.log(safe[..., 1] / safe[..., 0]),
                     np.log(safe[..., 2] / safe[..., 1])], axis=-1).astype(np.float32)


def _uneven(rgb: NDArray[np.uint8], skin: NDArray[np.bool_], *, close_up: bool) -> float:
    """Stops between the brightest and darkest blocks of the subject (skin and around it).

    On a locator the skin-coloured area can take in a pale wall next to dark skin; a shadow
    darkens a surface but keeps its colour, so when the blocks form two surfaces of clearly
    different colour, each surface is judged on its own.
    """
    height, width = skin.shape
    region = np.ones_like(skin) if close_up else skin
    linear = _linear(rgb.astype(np.float32) / 255.0)
    blocks = []
    for row in range(GRID):
        for col in range(GRID):
            ys = slice(row * height // GRID, (row + 1) * height // GRID)
            xs = slice(col * width // GRID, (col + 1) * width // GRID)
            inside = region[ys, xs]
            if inside.mean() >= 0.6:
                blocks.append(linear[ys, xs][inside].mean(axis=0))
    if len(blocks) < 6:
        return 0.0
    colours = np.asarray(blocks, np.float32)
    levels = colours @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    groups = [levels] if close_up else _surfaces(colours, levels)
    return max(_stops(group) for group in groups)


def _surfaces(
    colours: NDArray[np.float32], levels: NDArray[np.float32]
) -> list[NDArray[np.float32]]:
    """Split blocks into two surfaces by colour when they clearly differ (else one)."""
    if len(levels) < 12:
        return [levels]
    chroma = _chroma(colours)
    labels, centres = _two_means(chroma)
    if float(np.linalg.norm(centres[0] - centres[1])) < SURFACE_SPLIT:
        return [levels]
    groups = [levels[labels == k] for k in (0, 1)]
    return [g for g in groups if len(g) >= 6] or [levels]


def _two_means(
    points: NDArray[np.float32],
) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
    """Two-cluster k-means, started from the two ends of the main axis (deterministic)."""
    centred = points - points.mean(axis=0)
    axis = np.linalg.svd(centred, full_matrices=False)[2][0]
    along = centred @ axis
    centres = np.stack([points[int(np.argmin(along))], points[int(np.argmax(along))]])
    labels = np.zeros(len(points), np.intp)
    for _ in range(10):
        distances = np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=2)
        labels = np.argmin(distances, axis=1)
        if labels.min() == labels.max():
            break
        centres = np.stack([points[labels == k].mean(axis=0) for k in (0, 1)])
    return labels, np.asarray(centres, np.float32)


def _stops(levels: NDArray[np.float32]) -> float:
    """Stops between the 90th and 10th percentile light levels."""
    if len(levels) < 2:
        return 0.0
    lo, hi = np.quantile(levels, [0.1, 0.9])
    return float(np.log2(max(float(hi), 1e-4) / max(float(lo), 1e-4)))


def _cast(rgb: NDArray[np.uint8], skin: NDArray[np.bool_]) -> float:
    """How strongly tinted the light is (1 or more fails).

    Judged on the average colour of the whole picture in linear light (grey-world): skin of
    every tone under daylight lies inside a box of log(G/R) and log(B/G); green, blue, magenta
    and deep orange light push the picture out of it. When enough skin is found and its own
    colour is plausible, the skin wins (a blue wall behind a locator is not a blue light).
    """
    linear = _linear(rgb.astype(np.float32) / 255.0)
    scene = _box(_chroma(linear.reshape(-1, 3).mean(axis=0)))
    if skin.mean() >= 0.1:
        return min(scene, _box(_chroma(np.median(linear[skin], axis=0))))
    return scene


def _box(chroma: NDArray[np.float32]) -> float:
    """How far a colour is towards the edge of the daylight box (1 = on the edge)."""
    green_red, blue_green = float(chroma[0]), float(chroma[1])
    return max(green_red / CAST_GREEN, green_red / CAST_RED,
               blue_green / CAST_BLUE, blue_green / CAST_YELLOW)
