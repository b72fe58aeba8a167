"""Framing: is the shot taken from the right distance for its kind?

A close-up (about 30 cm) shows the rash large, with the skin taking most of the picture; a
locator (1-1.5 m) shows the body part in its surroundings. Distance is judged from the share
of the picture that is skin, and only where that share is unmistakable: on real photographs a
close-up of a hand, a knee or a patch on the back often shows some background, and real skin
with hair, scale and creases is full of edges, so neither a little background nor a lot of
outline says a close-up was taken from too far. When the share is merely low the check warns
(the photo is accepted, with advice), because the skin finder can miss skin under unusual light.

One more sign of a close-up taken from too far does not depend on the skin finder: **a whole
face, small in the frame**. A face is about 19 x 15 cm. At the service's 30 cm a phone's
picture is about 42 x 31 cm, so a face seen whole covers about a fifth of it or more; a face
covering less than `LARGE_FACE` (0.12) of the picture was taken from 45 cm or further.
(Source of the distance: the service's photo guidance, close-ups "from approx. 30cm away".)

A third sign, advice only, does not depend on the skin finder: **detail over only a small part
of the picture**. From 30 cm, skin, hair, creases and the rash fill most of the picture with
detail; from across a room, the part shown is small and the rest is a plain wall, floor or
sheet (`CLOSE_UP_MIN_DETAIL`). A whole hand from 30 cm looks the same, so it is never a fail.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from bot.quality.face import LARGE_FACE
from bot.quality.result import Shot

CLOSE_UP_MIN_SKIN = 0.05
"""A close-up with less skin than this shows almost no skin: taken from too far (or of the
wrong thing). On real close-ups 97 in 100 have more than 0.3; the rest are warned."""
CLOSE_UP_WARN_SKIN = 0.3
"""A close-up with less skin than this is accepted with a hint to move closer."""
FAR_PLAIN_MIN = 0.5
"""A close-up with hardly any skin is sent back only when at least this share of the rest is
plain (a wall, a floor, a sheet: no detail at all). Where the rest is full of detail, the skin
finder has more likely missed the skin itself (hair over the scalp, a pink or lilac tint, a
scaly plaque), so the photo is accepted with advice. On the development set the real close-ups
with under 5% skin found have 0-8% of the rest plain; a patch of skin on a wall has 80-90%."""
PLAIN_SPREAD = 3.0
"""Grey levels (standard deviation over 7 x 7 pixels of the 256 px copy) below which a spot
counts as plain."""
LOCATOR_WARN_SKIN = 0.995
"""A locator that is skin from edge to edge shows nothing of where it is on the body: it is
accepted with a hint to stand back. Never a fail: beige walls and wooden floors have the hue of
skin, so a locator in such a room can read as nearly all skin."""
LOCATOR_CLOSE_SKIN, LOCATOR_CLOSE_PLAIN = 0.9, 0.5
"""A locator that is this much skin (LOCATOR_CLOSE_SKIN) is advised to stand back too, when
under LOCATOR_CLOSE_PLAIN of that skin is plain (`plain_shares`): real skin seen close has
texture (pores, hair, creases, scale), a beige wall or wooden floor mistaken for skin does
not. On the real photographs, good locators are at most 0.89 skin (0 of 52 advised), while
close-ups offered as locators that are 0.9 skin or more have a median of 2-5% of their skin
plain (90 in 100 under 0.4); rendered locators in beige rooms that read as 0.9 skin or more
have 55-80% of it plain. Advice only, like LOCATOR_WARN_SKIN."""
CLOSE_UP_MIN_DETAIL = 0.2
"""A close-up with detail (grey levels varying by PLAIN_SPREAD or more) over less than
CLOSE_UP_MIN_DETAIL of the picture may show its subject small against a plain wall, floor or
sheet, taken from too far: it is accepted with advice to move closer. On the development half,
good close-ups have detail over 0.21 of the picture or more (98 in 100 over 0.32); close-ups
shrunk to 20-35% of the frame in a plain room have 0.09-0.28. Advice only, never a fail: a
whole hand photographed from the service's 30 cm covers only 10-20% of the picture, and against
a plain sheet it has as little detail as a far one (a real palm on a white sheet: 0.21).
It applies however much of the picture is skin colour: a beige wall or wooden floor has the hue
of skin, and a small photo in such a room read as 0.9 skin or more and was accepted with no
advice (31 of 174 shrunk close-ups of the development half). Smooth skin filling the frame
does not take it: the service takes rashes, whose close-ups have detail over much of the
picture, and on the development half the good close-ups that are 0.9 skin or more have detail
over 0.33 of the picture or more (dark skin 0.59 or more). With it, 90 in 100 close-ups taken
from too far there are sent back or advised (78 before), and no good close-up more is advised."""
LOCATOR_MIN_SKIN = 0.02
"""A locator with less skin than this may have missed the body part (a warning only)."""


@dataclass(frozen=True, slots=True)
class Framing:
    """Share of skin, a score (1 or more fails) and what is wrong (`warn`: advice only)."""

    skin: float
    score: float
    problem: str | None
    warn: bool


@dataclass(frozen=True, slots=True)
class Plain:
    """Shares (0-1) of the picture that are plain: `outside` the skin found, `inside` it
    (each 0 when that part is empty), and `detail`, the share of the whole picture that is
    not plain."""

    outside: float
    inside: float
    detail: float


def plain_shares(small: NDArray[np.uint8], skin: NDArray[np.bool_]) -> Plain:
    """Measure where the picture is plain, on the small RGB copy
    (`bot.quality.skin.small_copy`) and its skin mask."""
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32)
    plain = _spread(grey) < PLAIN_SPREAD
    outside = float(plain[~skin].mean()) if not skin.all() else 0.0
    inside = float(plain[skin].mean()) if skin.any() else 0.0
    return Plain(outside, inside, 1.0 - float(plain.mean()))



def _spread(grey: NDArray[np.float32]) -> NDArray[np.float32]:
    """Standard deviation of the grey level over 7 x 7 pixels, per pixel."""
    mean = cv2.blur(grey, (7, 7))
    return np.sqrt(np.maximum(cv2.blur(grey * grey, (7, 7)) - mean * mean, 0.0))


def judge(skin: float, shot: Shot, plain: float = 1.0, *, face: float = 0.0,
          skin_plain: float = 1.0, detail: float = 1.0) -> Framing:
    """Judge the distance from the share of skin (0-1) for a close-up or a locator.

    `plain` is the share of the rest of the picture that is plain (`plain_shares`): a close-up
    with hardly any skin fails only against plain surroundings, and is otherwise warned.
    `face` is the share (0-1) of the picture covered by the largest face found (0 when none):
    a close-up also fails as too far when it shows a whole face covering less than
    `LARGE_FACE` of the picture. `skin_plain` is the share of the skin found that is plain
    (`plain_shares`): a locator that is nearly all textured skin is advised to stand back
    (LOCATOR_CLOSE_SKIN). `detail` is the share of the whole picture that is not plain
    (`Plain.detail`): a close-up with detail over less than CLOSE_UP_MIN_DETAIL is advised to
    move closer.
    """
    if shot == "close_up":
        score = CLOSE_UP_MIN_SKIN / max(skin, 1e-4)
        if 0.0 < face < LARGE_FACE:
            return Framing(skin, max(score, LARGE_FACE / face), "far", warn=False)
        if score >= 1.0 and plain >= FAR_PLAIN_MIN:
            return Framing(skin, score, "far", warn=False)
        if detail < CLOSE_UP_MIN_DETAIL:
            return Framing(skin, min(score, 0.99), "far", warn=True)
        if score >= 1.0:
            return Framing(skin, min(score, 0.99), "far", warn=True)
        if skin < CLOSE_UP_WARN_SKIN:
            return Framing(skin, score, "far", warn=True)
        return Framing(skin, score, None, warn=False)
    score = skin
    if skin >= LOCATOR_WARN_SKIN or (
            skin >= LOCATOR_CLOSE_SKIN and skin_plain < LOCATOR_CLOSE_PLAIN):
        return Framing(skin, score, "close", warn=True)
    if skin < LOCATOR_MIN_SKIN:
        return Framing(skin, score, "no_skin", warn=True)
    return Framing(skin, score, None, warn=False)
