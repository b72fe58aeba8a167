"""Framing: is the shot taken from the right distance for its kind?

A close-up (about 30 cm) shows the rash large, with the skin taking most of the picture; a
locator (1-1.5 m) shows the body part in its surroundings. Distance is judged from the share
of the picture that is skin, and only where that share is unmistakable: on real photographs a
close-up of a hand, a knee or a patch on the back often shows some background, and real skin
with hair, scale and creases is full of edges, so neither a little background nor a lot of
outline says a close-up was taken from too far. When the share is merely low the check warns
(the photo is accepted, with advice), because the skin finder can miss skin under unusual light.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.quality.result import Shot

CLOSE_UP_MIN_SKIN = 0.05
"""A close-up with less skin than this shows almost no skin: taken from too far (or of the
wrong thing). On real close-ups 97 in 100 have more than 0.3; the rest are warned."""
CLOSE_UP_WARN_SKIN = 0.3
"""A close-up with less skin than this is accepted with a hint to move closer."""
LOCATOR_WARN_SKIN = 0.995
"""A locator that is skin from edge to edge shows nothing of where it is on the body: it is
accepted with a hint to stand back. Never a fail: beige walls and wooden floors have the hue of
skin, so a locator in such a room can read as nearly all skin."""
LOCATOR_MIN_SKIN = 0.02
"""A locator with less skin than this may have missed the body part (a warning only)."""


@dataclass(frozen=True, slots=True)
class Framing:
    """Share of skin, a score (1 or more fails) and what is wrong (`warn`: advice only)."""

    skin: float
    score: float
    problem: str | None
    warn: bool


def judge(skin: float, shot: Shot) -> Framing:
    """Judge the distance from the share of skin (0-1) for a close-up or a locator."""
    if shot == "close_up":
        score = CLOSE_UP_MIN_SKIN / max(skin, 1e-4)
        if score >= 1.0:
            return Framing(skin, score, "far", warn=False)
        if skin < CLOSE_UP_WARN_SKIN:
            return Framing(skin, score, "far", warn=True)
        return Framing(skin, score, None, warn=False)
    score = skin
    if skin >= LOCATOR_WARN_SKIN:
        return Framing(skin, score, "close", warn=True)
    if skin < LOCATOR_MIN_SKIN:
        return Framing(skin, score, "no_skin", warn=True)
    return Framing(skin, score, None, warn=False)
