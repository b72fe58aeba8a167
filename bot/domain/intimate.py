"""Whether words typed about the rash name an intimate area.

The service does not take "Breast, perianal and genital rashes" (its criteria for GPs, in the
seed `teledermatology-service.txt`; `STOP_CRITERIA["intimate"]`), and an intimate image must
never be kept (for an under-18 it is unlawful to hold). The body-area buttons stop those areas
before any photo; this reads the typed answer to "Where exactly is the rash?", so a patient who
tapped "Arm or hand" and typed "around my genitals" is stopped the same way (hazard log H66).

The words are in the content (`bot/content/intimate.toml`), where a clinician reviews them.
Each counts only as whole words, in any case, so "breastbone" is not "breast"; the phrases
in `not_counted` excuse a word that names something else there ("bottom of my foot").
"""

from __future__ import annotations

import re
from functools import cache

from bot.content import texts

INTIMATE = "intimate"
"""The stop a typed answer naming an intimate area ends with: the same as the "Breast" and
"Private parts or bottom" buttons' (`STOP_CRITERIA`)."""
INTIMATE_TYPED = f"screen_{INTIMATE}_typed"
"""The reason the request stops with when it is the typed answer (asked after the photos) that
names the area: the same criterion, with its own words for the patient
(`journey.stop.intimate_typed`), the staff alert (`inbox.staff.stopped.intimate_typed`) and
the /invites line (`inbox.staff.ended.intimate_typed`), so it never reads as a telling-off
nor as an area tapped at screening (hazard log H66)."""
_WORD = re.compile(r"[^\W\d_]+")
"""A run of letters: the words of an answer, with spaces, digits, hyphens and marks between."""


def _words(phrase: str) -> tuple[str, ...]:
    """The words of a phrase, in lower case ("Peri-anal" is ("peri", "anal"))."""
    return tuple(_WORD.findall(phrase.casefold()))


@cache
def _lists() -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """The content's intimate words and the phrases that excuse them, as word tuples."""
    named = tuple(_words(entry) for entry in texts("intimate.words"))
    excused = tuple(_words(entry) for entry in texts("intimate.not_counted"))
    return named, excused


def _at(words: tuple[str, ...], start: int, phrase: tuple[str, ...]) -> bool:
    """Whether `phrase` is the run of `words` beginning at `start`."""
    return bool(phrase) and words[start:start + len(phrase)] == phrase


def names_intimate_area(answer: str) -> bool:
    """True if the typed answer names the breast, genitals or bottom (or any other entry of
    `intimate.words`) as whole words, where no `intimate.not_counted` phrase begins.

    "around my genitals and anus", "Left BREAST" and "near my bottom" are True;
    "breastbone", "bottom of my foot" and "bottom of my back" are False.
    """
    words = _words(answer)
    named, excused = _lists()
    for start in range(len(words)):
        if any(_at(words, start, phrase) for phrase in named) and not any(
                _at(words, start, phrase) for phrase in excused):
            return True
    return False
