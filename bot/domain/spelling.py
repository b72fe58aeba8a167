"""Whether a word typed on a phone is a near spelling of a listed word ("vagna" of "vagina").

Used by `bot.domain.intimate` so that a misspelt intimate area still stops the request
(hazard log H67). The rule is meant to be followed by a clinician reviewing the list, not
tuned by a model:

- Letters are compared without case or accents ("Pénis" is "penis").
- A word with a letter typed again in a row is the listed word ("pennis", "bottomm", "bumm",
  "annus" are "penis", "bottom", "bum", "anus"), never a word with fewer letters ("but" is not
  "butt", "as" not "ass").
- Letters repeated in a row count once before slips are counted (so "bottom" is read "botom").
- Then a word is a near spelling of a listed word when both have at least `SHORTEST` (5)
  letters as typed, and one slip turns one into the other: a letter changed, missing or
  added, or two letters next to each other swapped ("vagna", "genitles", "gentials",
  "scortum"); two slips when both have at least `TWO_SLIPS` (8) letters ("testicals",
  "perenium"). A slip is one step of the Damerau-Levenshtein distance (optimal string
  alignment).

Why those lengths: a word of four letters or fewer has too many ordinary neighbours one slip
away ("anal" and "anil", "bum" and "bun", "butt" and "but", "grin" and "groin"), and two slips
turn a word of fewer than eight letters into too many others ("buttons" is two slips from
"buttocks"). One or two slips is what typing on a phone makes most often (a key missed,
doubled, swapped, or its neighbour pressed), and a word spelt as it sounds ("testicals",
"genitles") is most often one or two slips off. Misspellings further off ("virgina" for
"vagina", "peanus" for "penis") are listed words of their own in the content. Ordinary words
a slip from a listed one ("funny", "tennis") are listed in the content as never misspelt
(`intimate.ordinary`, read by `bot.domain.intimate`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

SHORTEST = 5
"""Fewest letters, as typed and as listed, for a near spelling to count (else exact only)."""
TWO_SLIPS = 8
"""Fewest letters, as typed and as listed, for two slips to count (else one)."""
_REPEATS = re.compile(r"(.)\1+")


_BARRED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "ħ": "h"})
"""Letters with a bar or stroke that Unicode does not split into a letter and a mark: read as
the plain letter, as a keyboard without them types it (Polish "tyłek" is typed "tylek")."""


def plain(words: str) -> str:
    """`words` in lower case without accents or other marks on the letters ("Pénis" is
    "penis", "pośladek" is "posladek", "tyłek" is "tylek"); anything that is not a letter is
    left as it is."""
    split = unicodedata.normalize("NFKD", words.casefold()).translate(_BARRED)
    return "".join(c for c in split if not unicodedata.combining(c))




@lru_cache(maxsize=1 << 14)
def once(word: str) -> str:
    """`word` with each letter repeated in a row written once ("bottom" is "botom")."""
    return _REPEATS.sub(r"\1", word)


def slips(a: str, b: str, most: int | None = None) -> int:
    """How many single-letter slips turn `a` into `b`: a letter changed, missing or added,
    or two neighbours swapped (the optimal-string-alignment Damerau-Levenshtein distance).
    With `most`, any count over it may be given as `most + 1` (counting stops early)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
        if most is not None and min(current) > most and (i < 2 or min(previous2) > most):
            return most + 1
    return previous[len(b)]


@lru_cache(maxsize=1 << 16)
def near(typed: str, listed: str) -> bool:
    """True if the (plain, lower-case) word `typed` is `listed` or a near spelling of it, by
    the rule of this module: "pennis" is near "penis", "bumm" near "bum", "vagna" near
    "vagina", "testicals" near "testicles"; "grin" is not near "groin" (four letters), "but"
    not near "butt" (a letter fewer), nor "buttons" near "buttocks" (two slips, seven letters)."""
    if typed == listed or (len(typed) > len(listed) and once(typed) == once(listed)):
        return True
    shorter = min(len(typed), len(listed))
    if shorter < SHORTEST:
        return False
    allowed = 2 if shorter >= TWO_SLIPS else 1
    a, b = once(typed), once(listed)
    return abs(len(a) - len(b)) <= allowed and slips(a, b, allowed) <= allowed


def _dropped(word: str) -> set[str]:
    """`word` as `once` writes it, and that with each one letter, and (for a word of
    `TWO_SLIPS` letters or more as typed) each two letters, left out: a word of fewer than
    `SHORTEST` letters gives its `once` form alone. Two words within the slips `near` allows
    always share one of these (a letter changed, added or missing, or two swapped, is a letter
    left out of each), so comparing these finds every near pair without trying each."""
    shortest = once(word)
    found = {shortest}
    for _ in range(0 if len(word) < SHORTEST else 1 if len(word) < TWO_SLIPS else 2):
        found |= {w[:i] + w[i + 1:] for w in found for i in range(len(w))}
    return found


class Nearby:
    """The listed words a typed word is `near`, found by looking up what is left when letters
    are left out (`_dropped`), not by comparing it with each listed word: a few dozen look-ups
    a word, however long the list (the intimate words are read on the bot's event loop).
    `Nearby(["penis", "bum"]).of("pennis")` is {"penis"}; `.of("bumm")` is {"bum"}."""

    def __init__(self, listed: Iterable[str]) -> None:
        self._by_key: dict[str, set[str]] = {}
        words = set(listed)
        for word in words:
            for key in _dropped(word):
                self._by_key.setdefault(key, set()).add(word)
        self._longest = max((len(once(word)) for word in words), default=0)

    def of(self, typed: str) -> set[str]:
        """The listed words `typed` is `near` (itself included, when listed). A word longer
        (as `once` writes it) than every listed one by more than two letters is near none, and
        is not taken apart (a long run of letters, "p e n i s" typed 300 times and joined,
        would give millions of keys)."""
        if len(once(typed)) > self._longest + 2:
            return set()
        found: set[str] = set()
        for key in _dropped(typed):
            found |= self._by_key.get(key, set())
        return {word for word in found if near(typed, word)}
