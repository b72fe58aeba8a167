"""Framing: is the shot taken from the right distance for its kind?

A close-up (about 30 cm) should be filled by skin, with little else in view; a locator
(1-1.5 m) should show the body part in its surroundings. Two measures: the share of the picture
that is skin, and how much sharp outline there is (room edges, furniture, the body's outline),
counted as strong edges on a small copy, where skin texture itself leaves hardly any.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from bot.quality.result import Shot

CLOSE_UP_MIN_SKIN = 0.6
"""A close-up with less skin than this was taken from too far away."""
CLOSE_UP_MAX_EDGES = 0.012
"""A close-up with more outline than this shows the room around the body: too far away."""
CLOSE_UP_WARN = 0.75
LOCATOR_MIN_EDGES = 0.006
"""A locator with less outline than this shows no surroundings: taken too close."""
LOCATOR_SKIN_FULL = 0.88
LOCATOR_MIN_EDGES_FULL = 0.0115
"""A locator nearly all skin needs clearly more outline to show where on the body it is."""
LOCATOR_MIN_SKIN = 0.02
"""A locator with less skin than this may have missed the body part (a warning only)."""


@dataclass(frozen=True, slots=True)
class Framing:
    """Share of skin, outline density, a score (1 or more fails) and what is wrong."""

    skin: float
    edges: float
    score: float
    problem: str | None
    warn: bool


def edge_density(small_rgb: NDArray[np.uint8]) -> float:
    """Share of a small copy's pixels on a strong edge of brightness or of colour.

    Colour edges count too: an arm against a wall of the same brightness (mid-brown skin on a
    grey-blue wall) still has a clear outline, which brightness alone would miss.
    """
    gray = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2GRAY)
    lab = cv2.cvtColor(small_rgb, cv2.COLOR_RGB2LAB)
    edges = cv2.Canny(gray, 40, 120) > 0
    edges |= cv2.Canny(np.ascontiguousarray(lab[..., 1]), 40, 120) > 0
    edges |= cv2.Canny(np.ascontiguousarray(lab[..., 2]), 40, 120) > 0
    return float(np.count_nonzero(edges)) / gray.size


def judge(skin: float, edges: float, shot: Shot) -> Framing:
    """Judge the distance from the share of skin and the amount of outline."""
    if shot == "close_up":
        score = max((1.0 - skin) / (1.0 - CLOSE_UP_MIN_SKIN), edges / CLOSE_UP_MAX_EDGES)
        if score >= 1.0:
            return Framing(skin, edges, score, "far", warn=False)
        if score >= CLOSE_UP_WARN:
            return Framing(skin, edges, score, "far", warn=True)
        return Framing(skin, edges, score, None, warn=False)
    need = LOCATOR_MIN_EDGES_FULL if skin > LOCATOR_SKIN_FULL else LOCATOR_MIN_EDGES
    score = need / max(edges, 1e-4)
    if score >= 1.0:
        return Framing(skin, edges, score, "close", warn=False)
    if skin < LOCATOR_MIN_SKIN:
        return Framing(skin, edges, score, "no_skin", warn=True)
    return Framing(skin, edges, score, None, warn=False)
