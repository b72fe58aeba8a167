"""Sharpness: how wide the subject's edges are (defocus, shake), in each direction.

Contrast does not matter, so smooth skin with faint pores still measures sharp: at the strongest
edges of the subject the picture's gradient is compared with its gradient after a known extra
blur (Zhuo and Sim, 2011). A sharp edge loses much of its gradient, a blurred one little, and the
ratio gives the edge's blur width in pixels of the 1000 px working copy. Camera shake smears
along its path, so edges across the path are much wider than edges along it: the width is also
measured separately for edges in four directions. (Hair, creases or the edge of a sleeve make
detail one-sided too, but leave every direction sharp, so one-sidedness alone is not shake.)

A close-up taken at 30 cm often has its subject sharp and the room behind it out of focus
(depth of field), and the room's edges are often the strongest. So the width is taken where the
photo is in focus: the picture is cut into a FOCUS_GRID x FOCUS_GRID grid, and only the half of
the cells with the narrowest edges count (`in_focus`). A photo out of focus or shaken all over
measures the same either way; one with its subject sharp and its background soft measures
sharp. The directions of blur are still measured over the whole subject, since shake smears
every part of a photo alike. The part in focus must take in the middle of the picture, where
the rash is put: a camera that focused on the room around a soft patch of skin is not spared.

Edge widths miss much of a shake: the path smears each pore and glint into a streak with crisp
ends, and those ends still measure sharp. So shake is also judged by how much detail a picture
has left to lose in each direction (`blur_effect`, after Crete-Roffet, Dolmiere, Ladret and
Nicolas, "The blur effect", SPIE Electronic Imaging 2007): a picture blurred along one direction
loses little more when blurred that way again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

REBLUR = 1.5
"""Extra blur (pixels) applied for the comparison."""
EDGE_SHARE = 0.2
"""Strongest share of edge points used."""
MIN_POINTS = 40
NO_EDGES = 9.0
"""Width reported when nothing in the picture is sharp enough to measure."""
MIN_CONTRAST = 1.0
"""Smallest edge slope (grey levels per pixel, after the extra blur) that counts as an edge;
below it lie JPEG block steps and 8-bit banding, which look sharp but are not detail."""
NOISE_GRADIENT = 0.375
"""Mean squared gradient (Sobel / 8) that white noise of unit spread adds; it is removed."""

FOCUS_GRID = 4
"""The photo is cut into this many rows and columns to find the part in focus."""
FOCUS_SHARE = 0.5
"""Share of the grid cells with enough edges (the ones with the narrowest edges) that the
width is measured in. Chosen on the development half of the 391 real photographs, with
`engine.SHARP_FAIL` at 1.35 and FOCUS_CENTRE: all checks together accept 182 of its 197 good
photos (179 over the whole photo at 1.4) and send back 181 of 197 out-of-focus copies (182) and
187 of 197 shaken ones (187); on the held-out half 118 of 135 good (117), 109 out of focus (109)
and 116 shaken (117). Grids of 3 and 5 gave within 2 photos of this, measured before
FOCUS_CENTRE (`docs/quality-evaluation.md`)."""
_MIDDLE = range((FOCUS_GRID - 1) // 2, FOCUS_GRID // 2 + 1)
FOCUS_CENTRE = frozenset(row * FOCUS_GRID + column for row in _MIDDLE for column in _MIDDLE)
"""The middle cells of the grid (four of a 4 x 4 grid), where a patient puts the rash. When the
part in focus leaves them all out (the camera focused on the room around a soft patch of
skin), the photo is measured whole. On the development half this sends back one good photo
more (of 197) and 3 more of the 36 photos that came out badly of themselves; on the held-out
half, neither."""

EFFECT_TAPS = 9
"""Length (pixels of the 1000 px working copy) of the line blur in `blur_effect`, as in the
paper."""
EFFECT_STEPS = ((1, 0), (1, -1), (0, -1), (-1, -1))
"""One-pixel steps (x, y; y down) along 0, 45, 90 and 135 degrees."""
EFFECT_BORDER = 8

Float = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Sharpness:
    """Edge blur width (pixels at 1000 px), and the number of strong edge points it used."""

    width: float
    points: int
    directions: tuple[float, ...] = ()
    """Edge blur width along each of four gradient directions (0, 45, 90, 135 degrees), for
    the directions with enough edges; camera shake widens some directions and not others."""

    @property
    def spread(self) -> float:
        """Widest direction over the narrowest (1 when the blur is the same every way)."""
        if len(self.directions) < 2:
            return 1.0
        return max(self.directions) / max(min(self.directions), 1e-3)


def noise_sigma(gray: Float) -> float:
    """Noise level (grey levels), from the median response to a noise-only filter."""
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = np.abs(cv2.filter2D(gray, cv2.CV_32F, kernel))[::2, ::2]
    return float(np.median(response)) / (0.6745 * 6.0)


def _gradient(gray: Float) -> tuple[Float, Float]:
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    return np.asarray(gx, dtype=np.float32), np.asarray(gy, dtype=np.float32)


def measure(
    gray: Float, subject: NDArray[np.bool_] | None = None, noise: float | None = None
) -> Sharpness:
    """Measure a grey image (0-255), at points inside `subject` if given."""
    noise = noise_sigma(gray) if noise is None else noise
    gx, gy = _gradient(gray)
    fine = cv2.magnitude(gx, gy)
    blurred = np.asarray(cv2.GaussianBlur(gray, (0, 0), REBLUR), dtype=np.float32)
    bx, by = _gradient(blurred)
    coarse = np.asarray(cv2.magnitude(bx, by), np.float32)
    peak = cv2.dilate(coarse, np.ones((5, 5), np.uint8))
    candidates = (coarse >= peak) & (coarse > max(noise, MIN_CONTRAST))
    border = 6
    candidates[:border] = candidates[-border:] = False
    candidates[:, :border] = candidates[:, -border:] = False
    if subject is not None:
        candidates &= subject
    strength = coarse[candidates]
    if strength.size < MIN_POINTS:
        return Sharpness(width=NO_EDGES, points=int(strength.size))
    ratio = np.sqrt(np.maximum(fine[candidates] ** 2 - NOISE_GRADIENT * noise**2, 0.0))
    ratio /= np.maximum(strength, 1e-6)
    width = REBLUR / np.sqrt(np.maximum(ratio**2 - 1.0, 1e-4))
    top = strength >= np.quantile(strength, 1.0 - EDGE_SHARE)
    focused = in_focus(candidates, strength, width)
    angle = np.arctan2(gy[candidates], gx[candidates])
    bins = np.round(np.mod(angle, np.pi) / (np.pi / 4)).astype(np.int32) % 4
    directions = []
    for direction in range(4):
        chosen = bins == direction
        if int(chosen.sum()) >= MIN_POINTS:
            own = strength[chosen]
            best = own >= np.quantile(own, 1.0 - EDGE_SHARE)
            directions.append(float(np.median(width[chosen][best])))
    sharpest = strength[focused] >= np.quantile(strength[focused], 1.0 - EDGE_SHARE)
    return Sharpness(width=float(np.median(width[focused][sharpest])), points=int(top.sum()),
                     directions=tuple(directions))


def in_focus(
    candidates: NDArray[np.bool_],
    strength: Float,
    width: Float,
) -> NDArray[np.bool_]:
    """Which edge points lie in the part of the photo in focus.

    `candidates` marks the edge points in the picture; `strength` and `width` give their edge
    slopes and blur widths, in the order of `candidates[candidates]`, and the answer marks them
    in the same order. The points are grouped by FOCUS_GRID x FOCUS_GRID cell; each cell with
    MIN_POINTS or more gets the median width of its strongest EDGE_SHARE, and the FOCUS_SHARE
    of those cells with the narrowest (at least one) are kept. Every point is kept when no cell
    has enough, and when the cells kept leave out the middle of the picture (FOCUS_CENTRE)
    while it has edges enough to measure.
    """
    height, width_px = candidates.shape
    rows = (np.arange(height) * FOCUS_GRID // height).astype(np.uint8) * FOCUS_GRID
    columns = (np.arange(width_px) * FOCUS_GRID // width_px).astype(np.uint8)
    cell = np.add.outer(rows, columns)[candidates]
    order = np.lexsort((strength, cell))
    counts = np.bincount(cell, minlength=FOCUS_GRID * FOCUS_GRID).tolist()
    ends = np.cumsum(counts).tolist()
    widths: list[tuple[float, int]] = []
    for index, (count, end) in enumerate(zip(counts, ends, strict=True)):
        if count >= MIN_POINTS:
            strongest = order[end - math.ceil(count * EDGE_SHARE):end]
            widths.append((float(np.median(width[strongest])), index))
    if not widths:
        return np.ones(strength.shape, np.bool_)
    widths.sort()
    keep = [index for _, index in widths[:max(1, math.ceil(len(widths) * FOCUS_SHARE))]]
    measured = {index for _, index in widths}
    if measured & FOCUS_CENTRE and not set(keep) & FOCUS_CENTRE:
        return np.ones(strength.shape, np.bool_)
    return np.isin(cell, keep)


def _line_kernel(step: tuple[int, int]) -> Float:
    """A line EFFECT_TAPS pixels long (measured along it, so diagonals are as long) that way."""
    kernel = np.zeros((EFFECT_TAPS, EFFECT_TAPS), np.float32)
    centre = EFFECT_TAPS // 2
    norm = float(np.hypot(*step))
    for t in np.linspace(-centre, centre, 4 * EFFECT_TAPS):
        kernel[centre + round(t * step[1] / norm), centre + round(t * step[0] / norm)] = 1.0
    return np.asarray(kernel / kernel.sum(), np.float32)


_LINE_KERNELS = tuple(_line_kernel(step) for step in EFFECT_STEPS)


def _step_difference(gray: NDArray[np.uint8], step: tuple[int, int]) -> NDArray[np.uint8]:
    """|gray(x) - gray(x + step)|, cropped by EFFECT_BORDER on every side."""
    b = EFFECT_BORDER
    height, width = gray.shape
    dx, dy = step
    here = gray[b:height - b, b:width - b]
    there = gray[b + dy:height - b + dy, b + dx:width - b + dx]
    return np.asarray(cv2.absdiff(here, there), np.uint8)


def blur_effect(gray: Float) -> tuple[float, ...]:
    """How blurred a grey picture (0-255) already is along 0, 45, 90 and 135 degrees.

    For each direction: blur the picture with a line EFFECT_TAPS long that way, and compare
    the pixel-to-pixel variation that way before and after (in 8-bit grey levels, as the paper
    does). A sharp picture loses much of it (near 0), a blurred one little (near 1). Returns
    four values in 0-1; all four high is defocus, one or two much higher than the others is
    movement along them. A direction with no variation at all (flat, or stripes along it), and
    pictures smaller than the line blur, give 0.
    """
    if min(gray.shape) <= 2 * EFFECT_BORDER + EFFECT_TAPS:
        return (0.0, 0.0, 0.0, 0.0)
    levels = np.asarray(np.clip(gray + 0.5, 0, 255), np.uint8)
    effects = []
    for step, kernel in zip(EFFECT_STEPS, _LINE_KERNELS, strict=True):
        smeared = np.asarray(cv2.filter2D(levels, -1, kernel), np.uint8)
        before = _step_difference(levels, step)
        after = _step_difference(smeared, step)
        total = float(cv2.sumElems(before)[0])
        if total == 0.0:  # no variation at all that way: nothing to blur, nothing blurred
            effects.append(0.0)
            continue
        kept = float(cv2.sumElems(cv2.min(before, after))[0])  # sum of max(before - after, 0)
        effects.append(1.0 - (total - kept) / total)
    return tuple(effects)
