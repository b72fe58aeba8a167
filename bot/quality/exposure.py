"""Exposure: judge the light, not the skin colour.

Light level is read from the brightest reflections (skin sheen, walls, clothes), which melanin
does not darken, so a well-lit photo of very dark skin still shows bright highlights while a
dim photo of pale skin does not. Clipped highlights and glare, uneven light (a hard shadow over
the subject) and a strong colour cast are judged separately; the worst of them counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np
from numpy.typing import NDArray

from bot.quality import render

HIGHLIGHT_MIN = 0.5
"""Brightest reflections (99.5th percentile of the brightest channel) below this: too dark.
On real photographs the sheen of skin of every tone, or a sheet or wall beside it, reaches
0.69 or more in 95 of 100 well-lit close-ups (the sheen of very dark skin alone reaches 0.87
in 95 of 100), and stays under 0.5 in 9 of 10 close-ups 2-4 stops too dark. Set low in that
gap, so that a close-up filled with very dark skin is never called dark for its colour."""
HIGHLIGHT_MIN_LOCATOR = 0.55
"""The same for a locator, which shows the room: its brightest parts (a wall, a window, clothes)
are bright in any room lit well enough, whatever the patient's skin."""
NOISE_DARK = 1.2
"""Noise (grey levels at 1000 px) above this in a dim picture: the phone was short of light."""
DIM = 0.55
"""Highlights below this (as dim as a photo can be before it is too dark) make noise count."""
CLIPPED_MAX = 0.2
"""Share of the subject (the skin, with any burnt-out holes in it) burnt out to white above
this: too bright or glare. Specular highlights on a shiny plaque or a pale foot under a clinic
lamp stay below it (at most 0.07 in 95 of 100 good real photographs; one pale foot beside a
white sheet reaches 0.15). From BRIGHT_WARN of it (0.15) the photo is accepted with advice."""
BRIGHT_WARN = 0.75
SCENE_CLIPPED_MAX = 0.2
"""Share of the whole picture burnt out above this: overexposed. Good real photographs, white
sheets included, stay under 0.07 in 95 of 100; photos 1.7 stops or more over pass 0.22."""
UNEVEN_MAX = 5.0
"""Stops of light between the brightest and darkest parts of the subject above this: uneven
(a hard shadow over part of the skin). From UNEVEN_WARN of it the photo is accepted with
advice: real clinical photographs with a lamp on one side reach 4-6 stops."""
UNEVEN_WARN = 0.8
UNEVEN_MAX_LOCATOR = 5.5
"""The same for a locator, where a pale wall taken in with very dark skin (close in colour, far
in lightness) adds to the spread: half a stop more."""
SURFACE_SPLIT = 0.12
"""Blocks whose colours (log-chroma centres) differ more than this are two surfaces."""
CAST_CENTRE = (-0.19, -0.125)
"""Colour of the brightest tenth of a well-lit photo of skin, as (log G/R, log B/G) in linear
light: the mean over the good real photographs of the development set (a little warm, as phone
photos of skin are)."""
CAST_WARM_AXIS = (0.918, 0.396)
"""Direction in (log G/R, log B/G) from warm (orange) to cool (blue) light: the way the colour
of good photos varies most, from lamplight to shade."""
CAST_WARM_SPREAD = 0.22
"""Spread (one standard deviation) of good photos along the warm-cool axis."""
CAST_GREEN_SPREAD = 0.088
"""Spread of good photos across it, from magenta (negative) to green (positive): ordinary light
varies little this way."""
CAST_LIMITS = {"green": (-0.3, 0.1), "blue": (-0.25, 0.15), "yellow": (-0.45, -1.05),
               "magenta": (-0.25, 0.1)}
"""For each colour of light: (neutral, limit) values of the picture's colour measure
(`picture_colour`), in linear-light log-chroma. Good real photographs, with red rashes, white
sheets and blue gloves, stay below the limit in 96 of 100; a warning starts at CAST_WARN of
it. The yellow limit sits beyond the most yellow skin in daylight (Monk 6, about -0.84), so
skin colour alone never fails."""
CAST_PICTURE_FAIL = 1.0
"""The picture's colour fails at this share of its limits, when the light confirms it."""
CAST_LIGHT_MIN = 0.5
"""A coloured picture is put down to coloured light only when the light itself (the colour of
the brightest tenth, `cast_measures`) is at least this many spreads from every colour skin
takes in daylight (`SKIN_LOCUS`); otherwise the colour is the subject's own (a blue satin
sheet, a pink-lilac tint of pale skin) and the photo is at most warned. On the development
set this confirmation halves the good photos called coloured light (4 in 100 to 2) and
catches more coloured light (78 in 100, from 72), because the limits can be set closer."""
CAST_WARN = 0.75
CAST_OFF_DAYLIGHT = 5.0
"""Light whose colour (the brightest tenth, `cast_measures`) lies this many spreads or more off
the line daylight runs along, towards green or towards magenta, is coloured light whatever the
subject: no daylight, shade or lamplight is that colour. Good photographs of the development
set lie within 4.0 spreads (under-exposed ones within 4.8; three over-exposed ones reach
5.1-5.7, but are sent back as too bright first); green, orange and magenta lamps put the light
at 5-13. Such a photo fails once its colour is at least CAST_OFF_DAYLIGHT_PICTURE of its limit
(`CAST_LIMITS`). On the development half of the 305 photographs held when it was chosen, this
sends back 118 of 147 photos under coloured
light as coloured light, up from 92 (green 35 of 40, magenta 33 of 35, orange 33 of 36, blue
17 of 36), and no good photo more."""
CAST_OFF_DAYLIGHT_PICTURE = 0.5
CAST_BLUE_LIGHT, CAST_BLUE_LOCUS, CAST_BLUE_PICTURE, CAST_BLUE_SKIN = 1.5, 2.1, 0.5, 0.2
"""Blue light (a cold LED, a screen, a blue lamp) on warm skin can leave the picture looking
nearly neutral, so its colour alone stays under the blue limit. A close-up fails as coloured
light when three signs agree: the light (the brightest tenth, `cast_measures`) is at least
CAST_BLUE_LIGHT spreads towards blue and CAST_BLUE_LOCUS spreads from every colour of skin in
daylight, and the picture is at least CAST_BLUE_PICTURE of its blue limit (`CAST_LIMITS`). When
a fifth or more of the picture is skin (CAST_BLUE_SKIN), the skin must be that blue too, so a
blue drape or sheet beside skin in daylight is not enough (the skin finder misses the bluest
skin under blue light, so below a fifth the skin is not asked). Not on a locator, whose
brightest tenth can be a blue sky or a pale wall in cool daylight (two good rendered locators
were called coloured light). On the development half of the 391 photographs, good photos with
light that blue lie within 2.0 spreads of daylight skin or are less blue than half the limit;
the close-ups under blue light this rule adds lie 2.2-3.6 spreads off. It names 5 more photos
under coloured light there (blue light: 24 of 52 before, 29 now), and sends back no good photo
more; on the held-out half 2 more (10 of 27 to 12), and no good photo more."""
CAST_BLUE_LOCATOR_LIGHT, CAST_BLUE_LOCATOR_PICTURE, CAST_BLUE_LOCATOR_SKIN = 2.0, 1.0, -0.8
"""A locator fails as under blue light when three signs agree: the light (the brightest tenth,
`cast_measures`) is at least CAST_BLUE_LOCATOR_LIGHT spreads towards blue, the whole picture's
colour is at its blue limit or beyond (CAST_BLUE_LOCATOR_PICTURE of `CAST_LIMITS`), and the
skin's own sheen (the brightest tenth of the skin found, a twentieth of the picture or more)
is no longer warm (at least CAST_BLUE_LOCATOR_SKIN spreads). Under blue light the skin finder
keeps only the least blue skin, so the skin's colour alone looked as in daylight and cleared
the photo; under a blue sky the skin's sheen stays warm. On the development half, good
locators have the picture's blue at 0.5 of the limit or less and their skin's sheen at -2.0
spreads or warmer; the locators under blue light this names (6 of 8 missed before) have the
light at 2.4-3.5 spreads, the picture at 1.1-1.4 of the limit and the skin's sheen at -0.5 to
0.3. The rendered scikit-image rocket under a blue sky, as a locator: light 2.5, skin's sheen
-1.15, still accepted."""
TINTED_BURN_MIN = 0.5
"""A too-bright photo is put down to coloured light when at least this share of its burnt-out
pixels have one channel burnt out, the others not (orange lamplight burns out red), and its
colour is at least at the warning level of `CAST_WARN`."""
LOCATOR_SKIN_FOR_CAST = 0.05
CLOSE_UP_SKIN_FOR_CAST = 0.1
"""A close-up with at least this share of skin has its skin's own colour scored too (`_cast`):
wound photos taken on a blue surgical drape, and fingers on a blue-grey board, were called
coloured light though the skin looked as in daylight. On the development half of the 391
photographs, at 0.2 this left 5 good photos called coloured light instead of 18; 151 of 197
photos under coloured light were still sent back for it (158 before). Lowered to a tenth
(session 34): fingers on a white laboratory board under a lamp take 13-18% of the picture, the
board reads greenish, and their skin scores 0-0.13 of the limit. On the development half this
accepts 2 more good photos (187 of 201 to 189) and names coloured light for 1 photo fewer (164
of 201 to 163; still 173 caught)."""
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
    tinted_burn: float = 0.0
    """Share (0-1) of the burnt-out pixels where only one colour channel is burnt out."""

    @property
    def worst(self) -> tuple[str, float]:
        """The name and score of the worst problem."""
        items = {"dark": self.dark, "bright": self.bright, "uneven": self.uneven,
                 "cast": self.cast}
        name = max(items, key=lambda k: items[k])
        if self.cast >= 1.0 and max(self.dark, self.bright) < 1.0:
            name = "cast"  # coloured light also makes light uneven; name the cause
        elif (name == "bright" and self.cast >= CAST_WARN
              and self.tinted_burn >= TINTED_BURN_MIN):
            return "cast", self.bright  # coloured light burns out one channel: name the cause
        return name, items[name]


GREY_MAX = 0.02
"""Colourfulness (`colourfulness`) at or under which a photo is black and white. A mono JPEG
measures 0; the least colourful of 507 real skin photographs 0.068 (0.063 at 40% of its
light; the least colourful good one 0.083 at 40%), very dark skin in dim light far more."""


def colourfulness(small: NDArray[np.uint8]) -> float:
    """How much colour the picture holds: the 90th percentile of each pixel's chroma (its
    largest channel less its smallest) over its brightness, the brightness taken as at least
    48 so the noise of dark pixels is not counted as colour. Only pixels neither burnt out nor
    near black count (light that bleaches or hides colour is the exposure check's to name);
    with under 5% of them left, 1.0 (not judged)."""
    pixels = small.astype(np.float32)
    top = pixels.max(axis=2)
    seen = (top < 245) & (top > 24)
    if seen.mean() < 0.05:
        return 1.0
    chroma = (top - pixels.min(axis=2))[seen] / np.maximum(top[seen], 48.0)
    return float(np.percentile(chroma, 90))


def _linear(values: NDArray[np.float32]) -> NDArray[np.float32]:
    return np.asarray(np.power(np.clip(values, 0.0, 1.0), 2.2), np.float32)


def _value(rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The brightest channel of each pixel (as `rgb.max(axis=2)`, many times faster)."""
    return np.asarray(np.maximum(np.maximum(rgb[..., 0], rgb[..., 1]), rgb[..., 2]), np.uint8)


def _pixels(rgb: NDArray[np.uint8], where: NDArray[np.bool_]) -> NDArray[np.uint8]:
    """The pixels (n x 3) where `where` is set, in order (as `rgb[where]`, faster)."""
    return np.asarray(np.compress(where.ravel(), rgb.reshape(-1, 3), axis=0), np.uint8)


_LINEAR_8BIT = _linear(np.arange(256, dtype=np.float32) / 255.0)
"""`_linear` of every 8-bit level: a table look-up gives the same values as the power, faster."""


def measure(
    rgb: NDArray[np.uint8], skin: NDArray[np.bool_], *, close_up: bool, noise: float = 0.0
) -> Exposure:
    """Measure exposure on a small RGB copy and the skin mask of the same size.

    `noise` is the noise level of the full working copy (grey levels), a sign of dim light.
    """
    value = _value(rgb).astype(np.float32) / 255.0
    skin_share = float(skin.mean())
    subject = _subject(skin) if skin_share >= 0.03 else np.ones_like(skin)
    highlights = float(np.quantile(value, 0.995))
    dark = (HIGHLIGHT_MIN if close_up else HIGHLIGHT_MIN_LOCATOR) / max(highlights, 1e-3)
    if highlights < DIM:
        dark = max(dark, noise / NOISE_DARK)
    burnt_channels = rgb >= 250
    channels = (burnt_channels[..., 0].astype(np.uint8) + burnt_channels[..., 1]
                + burnt_channels[..., 2])
    burnt = channels >= 1
    clipped = float((burnt & subject).sum()) / max(int(subject.sum()), 1)
    scene_clipped = float(burnt.mean())
    tinted_burn = float((channels == 1).sum()) / max(int(burnt.sum()), 1)
    bright = max(clipped / CLIPPED_MAX, scene_clipped / SCENE_CLIPPED_MAX)
    uneven_max = UNEVEN_MAX if close_up else UNEVEN_MAX_LOCATOR
    uneven = _uneven(rgb, subject, close_up=close_up) / uneven_max
    cast = _cast(rgb, skin, close_up=close_up)
    glare = float(np.median(value[subject])) < 0.9 if subject.any() else False
    return Exposure(dark=dark, bright=bright, uneven=uneven, cast=cast, glare=glare,
                    tinted_burn=tinted_burn)


def _chroma(linear_rgb: NDArray[np.float32]) -> NDArray[np.float32]:
    """Light-level-free colour of each row of linear RGB: log(G/R) and log(B/G)."""
    safe = np.maximum(linear_rgb, 1e-4)
    return np.stack([np.log(safe[..., 1] / safe[..., 0]),
                     np.log(safe[..., 2] / safe[..., 1])], axis=-1).astype(np.float32)


def _uneven(rgb: NDArray[np.uint8], skin: NDArray[np.bool_], *, close_up: bool) -> float:
    """Stops between the brightest and darkest blocks of the subject (the skin found).

    Only the skin in the middle three fifths of the picture counts: a dark floor or a white
    sheet beside the skin is not uneven light on it, and a shadow at the edge of the picture
    hides nothing the photo is for. The skin-coloured area can take in a pale wall next to
    dark skin; a shadow darkens a surface but keeps its colour, so when the blocks form two
    surfaces of clearly different colour, each surface is judged on its own.
    """
    height, width = skin.shape
    region = skin.copy()
    region[: height // 5] = region[height - height // 5:] = False
    region[:, : width // 5] = region[:, width - width // 5:] = False
    linear = _LINEAR_8BIT[rgb]
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
    groups = _surfaces(colours, levels)
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


def _subject(skin: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The skin found, with small holes closed: a burnt-out glare spot has no colour, so the
    skin finder leaves a hole where it is, and the hole must count as skin."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))
    closed = cv2.morphologyEx(skin.astype(np.uint8), cv2.MORPH_CLOSE, kernel)
    return np.asarray(closed, dtype=np.bool_)


def _skin_locus() -> list[tuple[float, float]]:
    """The colours skin takes in daylight, in spreads from CAST_CENTRE (see `cast_measures`):
    the centre itself, then Monk tones 1 to 10."""
    points = [(0.0, 0.0)]
    for swatch in render.MONK:
        srgb = np.array([int(swatch[k:k + 2], 16) for k in (0, 2, 4)], np.float32)
        linear = render.srgb_to_linear(srgb / 255.0)
        points.append(_spreads(float(np.log(linear[1] / linear[0])),
                               float(np.log(linear[2] / linear[1]))))
    return points


def _spreads(green_red: float, blue_green: float) -> tuple[float, float]:
    """(log G/R, log B/G) as (warm, green) spreads from CAST_CENTRE."""
    green_red -= CAST_CENTRE[0]
    blue_green -= CAST_CENTRE[1]
    warm = green_red * CAST_WARM_AXIS[0] + blue_green * CAST_WARM_AXIS[1]
    green = green_red * CAST_WARM_AXIS[1] - blue_green * CAST_WARM_AXIS[0]
    return warm / CAST_WARM_SPREAD, green / CAST_GREEN_SPREAD


def cast_measures(rgb: NDArray[np.uint8]) -> dict[str, float]:
    """The colour of the light, read from the brightest tenth of the picture.

    Where light reflects most (the sheen of skin of any tone, a sheet, a wall) a surface shows
    the colour of the light more than its own, while a red rash or a blue shirt is darker and
    does not count. Returns `warm`: how far towards blue (positive) or orange (negative) light,
    and `green`: how far towards green (positive) or magenta (negative), each in spreads of good
    photos from CAST_CENTRE; burnt-out and near-black pixels are left out.
    """
    value = _value(rgb)
    usable = (value > 20) & (value < 245)
    if int(usable.sum()) < 50:
        usable = np.ones_like(usable)
    linear = np.maximum(_LINEAR_8BIT[_pixels(rgb, usable)], 1e-4)
    level = linear @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    top = linear[level >= np.quantile(level, 0.9)].mean(axis=0)
    warm, green = _spreads(float(np.log(top[1] / top[0])), float(np.log(top[2] / top[1])))
    return {"warm": warm, "green": green}


def locus_distance(warm: float, green: float) -> float:
    """Distance (spreads) from (warm, green) to the nearest colour of skin in daylight."""
    point = np.array([warm, green])
    best = float("inf")
    for start, end in pairwise(SKIN_LOCUS[1:]):
        a, b = np.array(start), np.array(end)
        along = float(np.clip(np.dot(point - a, b - a) / np.dot(b - a, b - a), 0.0, 1.0))
        best = min(best, float(np.linalg.norm(point - (a + along * (b - a)))))
    return min(best, float(np.linalg.norm(point - np.array(SKIN_LOCUS[0]))))


def picture_colour(rgb: NDArray[np.uint8]) -> dict[str, float]:
    """The colour of the whole picture, from its well-exposed pixels in linear light.

    `green`: median log(G/R); `blue`: median log(B/G); `yellow`: the same median (low when
    yellow or orange); `magenta`: the 10th percentile of log(B/G), which stays low in any
    daylight photo of skin and rises only when the light adds blue and takes green. Medians, so
    a red rash or a blue sky takes only its own share.
    """
    value = _value(rgb)
    usable = (value > 30) & (value < 248)
    if int(usable.sum()) < 50:
        usable = np.ones_like(usable)
    linear = np.maximum(_LINEAR_8BIT[_pixels(rgb, usable)], 1e-4)
    green_red = np.log(linear[:, 1] / linear[:, 0])
    blue_green = np.log(linear[:, 2] / linear[:, 1])
    return {"green": float(np.median(green_red)), "blue": float(np.median(blue_green)),
            "yellow": float(np.median(blue_green)),
            "magenta": float(np.quantile(blue_green, 0.1))}


def _cast(rgb: NDArray[np.uint8], skin: NDArray[np.bool_], *, close_up: bool) -> float:
    """How strongly tinted the light is (1 or more fails; from CAST_WARN it warns).

    Each colour of light is scored from neutral (0) to its limit (1) on the whole picture, over
    CAST_PICTURE_FAIL. Where much of the picture is not skin (a locator's room, a blue wall or
    sky, a close-up on a blue sheet or drape), a coloured surrounding would look like coloured
    light: when a locator is a twentieth or more skin, or a close-up CLOSE_UP_SKIN_FOR_CAST or
    more, the skin is scored too and the lower score counts (coloured light tints the skin as
    well; a coloured sheet does not). A fail needs the light itself to be unlike daylight on
    any skin (CAST_LIGHT_MIN); without that, the score stays a warning. Light far off the
    daylight line (CAST_OFF_DAYLIGHT) fails from half the limit: of the whole picture's colour
    on a close-up, of the lower of picture and skin on a locator. Blue light that leaves the
    picture nearly neutral fails a close-up when the light and the picture agree
    (CAST_BLUE_LIGHT).
    """
    measured = picture_colour(rgb)
    picture = _picture_score(measured) / CAST_PICTURE_FAIL
    if picture < CAST_OFF_DAYLIGHT_PICTURE:
        return picture  # most photos: neither the skin nor the light can change the verdict
    score = picture
    blue = _colour_score(measured, "blue")
    share = float(skin.mean())
    if share >= (CLOSE_UP_SKIN_FOR_CAST if close_up else LOCATOR_SKIN_FOR_CAST):
        own = picture_colour(_pixels(rgb, skin)[None, :, :])
        score = min(score, _picture_score(own) / CAST_PICTURE_FAIL)
        if share >= CAST_BLUE_SKIN:
            blue = min(blue, _colour_score(own, "blue"))
    light = cast_measures(rgb)
    if score >= 1.0 and locus_distance(light["warm"], light["green"]) < CAST_LIGHT_MIN:
        score = min(score, 0.99)
    # The light's own colour far off daylight: on a close-up the brightest tenth is mostly the
    # sheen of skin, so the whole picture's colour is enough; on a locator it can be a painted
    # wall, so the skin must agree (the lower score).
    if abs(light["green"]) >= CAST_OFF_DAYLIGHT and (
            close_up or score >= CAST_OFF_DAYLIGHT_PICTURE):
        score = max(score, 1.0)
    if (close_up and light["warm"] >= CAST_BLUE_LIGHT and blue >= CAST_BLUE_PICTURE
            and locus_distance(light["warm"], light["green"]) >= CAST_BLUE_LOCUS):
        score = max(score, 1.0)
    if (not close_up and share >= LOCATOR_SKIN_FOR_CAST
            and light["warm"] >= CAST_BLUE_LOCATOR_LIGHT
            and _colour_score(measured, "blue") >= CAST_BLUE_LOCATOR_PICTURE
            and cast_measures(_pixels(rgb, skin)[None, :, :])["warm"] >= CAST_BLUE_LOCATOR_SKIN):
        score = max(score, 1.0)
    return score


def _colour_score(measures: dict[str, float], name: str) -> float:
    """One colour's score: 0 at its neutral value, 1 at its limit (`CAST_LIMITS`)."""
    neutral, limit = CAST_LIMITS[name]
    return (measures[name] - neutral) / (limit - neutral)


def _picture_score(measures: dict[str, float]) -> float:
    scores = [(measures[name] - neutral) / (limit - neutral)
              for name, (neutral, limit) in CAST_LIMITS.items()]
    return max(0.0, *scores)


SKIN_LOCUS = _skin_locus()
"""Colours of skin in daylight: the real-photo centre, then Monk tones 1-10 (`render.MONK`)."""
