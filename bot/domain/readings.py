"""The ways a typed answer may be read before its words are looked for in a list: as typed,
with letters typed spaced out joined ("p e n i s"), and with digits and signs read as the
letters they look like ("b00bs", "@ss"). Used by `bot.domain.intimate` so that an intimate
area typed that way still stops the request (hazard log H72). The answer is expected in
lower case without accents (`bot.domain.spelling.plain`).
"""

from __future__ import annotations

import re

_LOOK_ALIKES = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
"""Digits and signs typed inside a word for the letters they look like ("b00bs", "p3nis",
"@ss", "a$$"); "1" is read both as "i" and as "l" ("t1ts", "ba11s")."""
_TOKEN = re.compile(r"[\w@$]+")
"""A run of letters, digits and the signs of `_LOOK_ALIKES`: one word as typed."""
_SPACED = re.compile(r"(?<![\w@$])(?:[^\W\d_][ .*\-]+){2,}[^\W\d_](?![\w@$])")
"""Three letters or more, each alone between spaces, dots, stars or hyphens ("p e n i s",
"b.u.m")."""


def _look_alike(text: str, one: str) -> str:
    """`text` with the digits and signs inside each word that also has letters read as the
    letters they look like, "1" as `one`; words of digits alone ("45", "10") are left as typed."""
    def letters(match: re.Match[str]) -> str:
        word = match.group()
        if not any(c.isalpha() for c in word):
            return word
        return "".join(one if c == "1" else _LOOK_ALIKES.get(c, c) for c in word)
    return _TOKEN.sub(letters, text)


def readings(text: str) -> tuple[str, ...]:
    """The ways a typed answer may be read, the answer as typed first: then, where it has
    them, with letters typed spaced out joined into a word ("p e n i s" read "penis"), and
    with digits and signs inside a word read as the letters they look like ("b00bs" read
    "boobs", "@ss" "ass", "t1ts" both "tits" and "tlts"). A word is taken as intimate if any
    reading names it (`bot.domain.intimate`), so a reading can only add a stop, never take one
    away; an answer with none of these is read once. E.g. `readings("my b00bs")` is
    ("my b00bs", "my boobs"); "E45 cream" is also read "eas cream", which names nothing."""
    found = [text]
    joined = _SPACED.sub(lambda m: "".join(c for c in m.group() if c.isalpha()), text)
    if joined != text:
        found.append(joined)
    if not any(sign in text for sign in _LOOK_ALIKES) and "1" not in text:
        return tuple(found)
    for reading in tuple(found):
        for one in ("i", "l"):
            alike = _look_alike(reading, one)
            if alike not in found:
                found.append(alike)
    return tuple(found)
