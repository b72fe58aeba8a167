"""Whether words typed about the rash may name a red-flag sign (hazard log H74).

The red flags (`bot.domain.questions`, `red_flags`: feeling very unwell, a high temperature,
blisters or peeling skin, the rash in the mouth or eyes, spreading fast, not fading under a
glass) are asked once, as buttons, before any photo. A patient who tapped "No, none of these"
may still type one of them after the photos, in "Where exactly is the rash?" ("inside my
mouth") or "What have you tried for it?" ("paracetamol for my fever"): the journey then puts
the red-flag question again (`bot.journey.service`), so the urgent advice and the staff alert
of a "yes" are never left to the GP reading the answer days later.

The words are in the content (`bot/content/red_flag_signs.toml`, table `[signs]`, one list per
sign), where a clinician reviews them. Each entry counts as whole words, in any case, without
accents or apostrophes, with anything but letters and digits between the words of a phrase.
A match only asks the question again, never stops the request, so the lists lean wide.

Source of the clinical rule: the service excludes "widespread rashes or severe inflammatory
conditions with systemic symptoms/of an urgent nature" (seed `teledermatology-service.txt`);
the signs are the red-flag list the patient was asked (`journey.screening.red_flags`).
"""

from __future__ import annotations

import re
from functools import cache

from bot.content import texts
from bot.domain.spelling import plain

SIGNS = ("fever", "unwell", "blisters", "mouth_or_eyes", "spreading_fast", "not_fading")
"""The lists under `red_flag_signs.signs`, one for each red flag asked at screening."""
_APOSTROPHES = re.compile(r"['’‘`´]")
_WORD = re.compile(r"[^\W_]+")


def _words(typed: str) -> tuple[str, ...]:
    """The words of `typed`: lower case, no accents, apostrophes dropped ("doesn't" is
    "doesnt"), split at anything that is not a letter or a digit."""
    return tuple(_WORD.findall(_APOSTROPHES.sub("", plain(typed))))


@cache
def _entries() -> tuple[tuple[str, ...], ...]:
    """Every entry of every sign's list, as its words."""
    return tuple(_words(entry) for sign in SIGNS
                 for entry in texts(f"red_flag_signs.signs.{sign}") if _words(entry))


def names_red_flag_sign(typed: str) -> bool:
    """True if the typed words hold, as whole words in a row, any entry of the red-flag signs
    (`bot/content/red_flag_signs.toml`): "Paracetamol for my high TEMPERATURE", "inside my
    mouth", "it doesn't fade"; not "left forearm", "E45 cream"."""
    words = _words(typed)
    return any(words[i:i + len(entry)] == entry for entry in _entries()
               for i in range(len(words) - len(entry) + 1))
