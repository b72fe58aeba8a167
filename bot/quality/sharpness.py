"""Sharpness: how wide the subject's edges are, which defocus and camera shake both widen.

Contrast does not matter (smooth skin with faint pores still measures sharp): at each strong,
reliable edge the gradient of the picture is compared with the gradient after a known extra blur
(Zhuo and Sim, 2011). A sharp edge loses much of its gradient, a blurred one little, and the ratio
gives the edge's blur width in pixels of the 1000 px working copy. Edges are grouped by direction
and the worst direction counts, so shake along one direction is caught too.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

REBLUR = 2.0
"""Extra blur (pixels) applied for the comparison."""
MIN_POINTS = 400
NO_EDGES = 9.0
"""Width reported when nothing in the picture is sharp enough to measure."""
DIRECTIONS = 4
NOISE_FLOOR = 1.0
"""Edges must stand this far above the noise level (after the extra blur) to count."""
MIN_CONTRAST = 1.0
"""Smallest edge slope (grey levels per pixel, after the extra blur) that counts as an edge;
below it lie JPEG block steps and 8-bit banding, which look sharp but are not detail."""
NOISE_GRADIENT = 0.375
"""Mean squared gradient (Sobel / 8) that white noise of unit spread adds; it is removed."""

Float = NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Sharpness:
    """Blur width of the subject's edges (pixels at 1000 px), worst direction and overall."""

    width: float
    overall: float
    points: int

    @property
    def shake(self) -> bool:
        """True when one direction is much blurrier than the rest (a moving camera)."""
        return self.width > 1.6 * self.overall


def noise_sigma(gray: Float) -> float:
    """Noise level (grey levels), from the median response to a noise-only filter."""
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = np.abs(cv2.filter2D(gray, cv2.CV_32F, kernel))
    return float(np.median(response)) / (0.6745 * 6.0)


def _gradient(gray: Float) -> tuple[Float, Float]:
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    return gx, gy


def measure(gray: Float, subject: NDArray[np.bool_] | None = None) -> Sharpness:
    """Measure edge blur width on a grey image (0-255), inside `subject` if given.

    For each of four directions, the detail left in the picture (squared directional gradient,
    less what noise adds) is compared with the detail left after the extra blur, over the
    places where there is an edge or texture; the ratio gives a blur width.
    """
    noise = noise_sigma(gray)
    gx, gy = _gradient(gray)
    blurred = cv2.GaussianBlur(gray, (0, 0), REBLUR)
    bx, by = _gradient(blurred)
    coarse = cv2.magnitude(bx, by)
    where = coarse > max(NOISE_FLOOR * noise, MIN_CONTRAST)
    border = 6
    where[:border] = where[-border:] = False
    where[:, :border] = where[:, -border:] = False
    if subject is not None and subject.shape == gray.shape and subject.sum() > 0.02 * gray.size:
        where &= subject
    points = int(where.sum())
    if points < MIN_POINTS:
        return Sharpness(width=NO_EDGES, overall=NO_EDGES, points=points)
    fx, fy, cx, cy = gx[where], gy[where], bx[where], by[where]
    widths = []
    for step in range(DIRECTIONS):
        angle = np.pi * step / DIRECTIONS
        cos, sin = np.float32(np.cos(angle)), np.float32(np.sin(angle))
        fine_energy = float(np.mean((cos * fx + sin * fy) ** 2)) - NOISE_GRADIENT / 2 * noise**2
        coarse_energy = float(np.mean((cos * cx + sin * cy) ** 2))
        ratio_sq = max(fine_energy, 0.0) / max(coarse_energy, 1e-9)
        widths.append(REBLUR / float(np.sqrt(max(ratio_sq - 1.0, 1e-4))))
    overall = float(np.median(widths))
    return Sharpness(width=max(widths), overall=overall, points=points)
