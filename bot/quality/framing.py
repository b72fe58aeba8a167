"""Framing: is the shot taken from the right distance, judged by how much of it is skin?

A close-up (about 30 cm) should be filled mostly by skin; a locator (1-1.5 m) should show the
body part in its surroundings, so some background and the body's outline must be visible.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.quality.result import Shot

CLOSE_UP_MIN_SKIN = 0.30
"""A close-up with less skin than this was taken from too far away."""
CLOSE_UP_WARN_SKIN = 0.5
LOCATOR_MAX_SKIN = 0.88
"""A locator with more skin than this was taken too close (no outline or surroundings)."""
LOCATOR_MIN_SKIN = 0.02
"""A locator with less skin than this may have missed the body part (a warning only)."""


@dataclass(frozen=True, slots=True)
class Framing:
    """Share of the picture that is skin, a score (1 or more fails) and what is wrong."""

    skin: float
    score: float
    threshold: float
    problem: str | None
    warn: bool


def judge(skin: float, shot: Shot) -> Framing:
    """Judge the distance from the share of skin in the picture."""
    if shot == "close_up":
        score = (1.0 - skin) / (1.0 - CLOSE_UP_MIN_SKIN)
        if skin < CLOSE_UP_MIN_SKIN:
            return Framing(skin, score, CLOSE_UP_MIN_SKIN, "far", warn=False)
        if skin < CLOSE_UP_WARN_SKIN:
            return Framing(skin, score, CLOSE_UP_MIN_SKIN, "far", warn=True)
        return Framing(skin, score, CLOSE_UP_MIN_SKIN, None, warn=False)
    score = skin / LOCATOR_MAX_SKIN
    if skin > LOCATOR_MAX_SKIN:
        return Framing(skin, score, LOCATOR_MAX_SKIN, "close", warn=False)
    if skin < LOCATOR_MIN_SKIN:
        return Framing(skin, score, LOCATOR_MAX_SKIN, "no_skin", warn=True)
    return Framing(skin, score, LOCATOR_MAX_SKIN, None, warn=False)
