"""Whether words typed about the rash name an intimate area.

The service does not take "Breast, perianal and genital rashes" (its criteria for GPs, in the
seed `teledermatology-service.txt`; `STOP_CRITERIA["intimate"]`), and an intimate image must
never be kept (for an under-18 it is unlawful to hold). The body-area buttons stop those areas
before any photo; this reads the two answers a patient types after the photos, which the GP
reads: "Where exactly is the rash?" (`names_intimate_area`, hazard log H66) and "What have you
tried for it?" (`tried_names_intimate_area`, H67), so a patient who tapped "Arm or hand" and
typed "around my genitals", or "cream on my genitals too", is stopped the same way.

The words are in the content (`bot/content/intimate.toml`), where a clinician reviews them:

- `words`: each entry counts as whole words, in any case, with anything but letters between
  them ("inner thigh/groin", "peri-anal"), so "breastbone" is not "breast". A typed word also
  counts when it is a near spelling of a one-word entry (`bot.domain.spelling.near`: "vagna",
  "pennis", "testicals", "BOTTOMM", "pénis"), or when it is the words of a phrase run
  together, or nearly ("buttcheek" for "butt cheek"), or ends with a one-word entry of five
  letters or more after other letters ("leftbreast", "mygroin"), as a phone's missed space
  bar makes. The words of a phrase typed apart count with near spellings only when they have
  six letters or more ("privite parts"): the shorter ones are everyday words ("down where" is
  one slip from "down there").
- `ordinary`: ordinary words that are never taken as a near spelling or a run-together word
  ("funny" is one slip from "fanny", "tennis" from "penis", "vesicles" two from "testicles",
  "congenital" ends with "genital"); they still count where listed exactly in `words`.
- `not_counted`: a phrase there excuses a listed word inside it ("bottom of my foot",
  "belly button" typed "belly botton"), each of its words read with the tolerance of a
  one-word entry ("bottoms of both feet").
- `products`: names of things tried that hold a listed word ("nappy cream", "nipple cream"):
  excused in the answer to "What have you tried?" only; the GP reads that answer as typed.
- `symbols`: emoji that name an area ("🍑"), found anywhere in the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.content import texts
from bot.domain.spelling import SHORTEST, near, plain

INTIMATE = "intimate"
"""The stop a typed answer naming an intimate area ends with: the same as the "Breast" and
"Private parts or bottom" buttons' (`STOP_CRITERIA`)."""
INTIMATE_TYPED = f"screen_{INTIMATE}_typed"
"""The reason the request stops with when it is the typed answer (asked after the photos) that
names the area: the same criterion, with its own words for the patient
(`journey.stop.intimate_typed`), the staff alert (`inbox.staff.stopped.intimate_typed`) and
the /invites line (`inbox.staff.ended.intimate_typed`), so it never reads as a telling-off
nor as an area tapped at screening (hazard log H66)."""
INTIMATE_TRIED = f"screen_{INTIMATE}_tried"
"""The reason the request stops with when the typed answer to "What have you tried?" names
the area ("I put cream on my groin too": the rash is there too, as a "Yes" to "Are any of the
areas on the breast, private parts or bottom?" says): the same criterion, with its own words
(`journey.stop.intimate_tried`, `inbox.staff.stopped.intimate_tried`,
`inbox.staff.ended.intimate_tried`), since the patient did not say it was where the rash is
(hazard log H67)."""
_WORD = re.compile(r"[^\W\d_]+")
"""A run of letters: the words of an answer, with spaces, digits, hyphens and marks between."""

Phrase = tuple[str, ...]
PHRASE_LOOSE = 6
"""Fewest letters for a word of a phrase to be read with the near-spelling rule ("private"
in "private parts", "between" in "between my legs"); shorter ones ("down there", "bum
cheek") count only as spelt."""


@dataclass(frozen=True, slots=True)
class _Lists:
    """The content's lists (`bot/content/intimate.toml`), each phrase as its plain words."""

    named: tuple[Phrase, ...]
    excused: tuple[Phrase, ...]
    products: tuple[Phrase, ...]
    ordinary: frozenset[str]
    symbols: tuple[str, ...]


def _words(phrase: str) -> Phrase:
    """The words of a phrase, in lower case without accents ("Peri-anal" is ("peri", "anal"))."""
    return tuple(_WORD.findall(plain(phrase)))


@cache
def _lists() -> _Lists:
    """The content's intimate words, the phrases that excuse them, and the ordinary words."""
    def phrases(key: str) -> tuple[Phrase, ...]:
        return tuple(p for p in (_words(entry) for entry in texts(key)) if p)
    return _Lists(named=phrases("intimate.words"), excused=phrases("intimate.not_counted"),
                  products=phrases("intimate.products"),
                  ordinary=frozenset(w for entry in texts("intimate.ordinary")
                                     for w in _words(entry)),
                  symbols=tuple(texts("intimate.symbols")))


@lru_cache(maxsize=1 << 16)
def _same(typed: str, listed: str, ordinary: frozenset[str]) -> bool:
    """Whether the typed word counts as the listed one: the same, or (unless it is an
    `ordinary` word) a near spelling of it, or other letters run into it ("leftbreast")."""
    if typed == listed:
        return True
    if typed in ordinary:
        return False
    return near(typed, listed) or (len(listed) >= SHORTEST and len(typed) >= len(listed) + 2
                                   and typed.endswith(listed))


def _at(words: Phrase, start: int, phrase: Phrase, ordinary: frozenset[str], *,
        loose: bool) -> bool:
    """Whether `phrase` is the run of `words` beginning at `start`, or all of it run together
    in the one word there ("buttcheek" for "butt cheek"). The words of a run are compared as
    `_same` does when there is one, when `loose`, or for a phrase's words of `PHRASE_LOOSE`
    letters or more ("privite parts"); shorter words of a phrase only as spelt, since they are
    everyday words with too many near spellings ("down where" is a slip from "down there")."""
    end = start + len(phrase)
    if end <= len(words) and all(
            _same(typed, listed, ordinary)
            if loose or len(phrase) == 1 or len(listed) >= PHRASE_LOOSE else typed == listed
            for typed, listed in zip(words[start:end], phrase, strict=True)):
        return True
    return len(phrase) > 1 and _same(words[start], "".join(phrase), ordinary)


@lru_cache(maxsize=1 << 13)
def _may_begin(typed: str, phrases: tuple[Phrase, ...],
               ordinary: frozenset[str]) -> tuple[Phrase, ...]:
    """The phrases a run of words beginning with the word `typed` may be: those whose first
    word, or all words run together, it counts as (remembered, so each word typed is compared
    with the lists once; bounded, so memory does not grow with every word ever typed)."""
    return tuple(phrase for phrase in phrases
                 if _same(typed, phrase[0], ordinary)
                 or (len(phrase) > 1 and _same(typed, "".join(phrase), ordinary)))


def _inside(words: Phrase, at: int, excused: tuple[Phrase, ...],
            ordinary: frozenset[str]) -> bool:
    """Whether the word at `at` is inside a run of `words` that is one of `excused`: one
    beginning there (or run together there), or before it and running past it ("belly
    botton")."""
    for start in range(at + 1):
        for phrase in _may_begin(words[start], excused, ordinary):
            end = start + len(phrase)
            if start == at and _at(words, start, phrase, ordinary, loose=True):
                return True
            if at < end <= len(words) and all(
                    _same(typed, listed, ordinary)
                    for typed, listed in zip(words[start:end], phrase, strict=True)):
                return True
    return False


def _names(answer: str, excused: tuple[Phrase, ...]) -> bool:
    """True if the answer has a symbol, or a listed phrase beginning at a word that is not
    inside one of `excused`."""
    lists = _lists()
    if any(symbol in answer for symbol in lists.symbols):
        return True
    words = _words(answer)
    ordinary = lists.ordinary
    for start, typed in enumerate(words):
        if any(_at(words, start, phrase, ordinary, loose=False)
               for phrase in _may_begin(typed, lists.named, ordinary)) and not _inside(
                words, start, excused, ordinary):
            return True
    return False


def names_intimate_area(answer: str) -> bool:
    """True if the typed answer to "Where exactly is the rash?" names the breast, genitals or
    bottom (an entry of `intimate.words`, by the rules of this module) anywhere but inside an
    `intimate.not_counted` phrase.

    "around my genitals and anus", "Left BREAST", "near my bottom", "vagna", "pennis",
    "testicals", "buttcheek", "my 🍑" are True; "breastbone", "bottom of my foot", "bottoms of
    my feet", "bottom of my back" and "a funny patch" are False.
    """
    return _names(answer, _lists().excused)


def tried_names_intimate_area(answer: str) -> bool:
    """True if the typed answer to "What have you tried?" names an intimate area, as
    `names_intimate_area` reads it, anywhere but inside an `intimate.not_counted` phrase or
    an `intimate.products` name: "cream on my genitals too" and "nappy cream on her bottom"
    are True, "nappy cream", "breast milk" and "nipple cream on my arm" are False."""
    lists = _lists()
    return _names(answer, lists.excused + lists.products)
