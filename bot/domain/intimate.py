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
- `joined_after`, `joined_before`: words a listed word may be typed run into ("groinarea",
  "mybum"; `_joined`).

Each answer is also read with spaced letters joined and digits read as letters ("p e n i s",
"b00bs": `bot.domain.readings`), and a listed phrase is excused when any of its words is
inside a `not_counted` phrase ("my bits" in "my bits of dry skin"). Everyday words with
ordinary senses are listed only after "my", "his", "her"... ("my nuts", "my behind"; hazard log
H72). The lists are looked up through an index (`_Book`, `bot.domain.spelling.Nearby`), so a
word never seen costs about 0.1 ms however long the lists (the check runs on the event loop).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from bot.content import texts
from bot.domain.readings import readings
from bot.domain.spelling import SHORTEST, Nearby, near, plain

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


@dataclass(frozen=True, eq=False)
class _Book:
    """A list of phrases, indexed so the phrases a typed word may begin are found without
    comparing it with each (`_may_begin`): by their first word (phrases of two words or more)
    and by their whole entry (a one-word phrase, or a phrase's words run together). Compared
    by identity, so cheap as a key of a remembered call."""

    phrases: tuple[Phrase, ...]
    by_first: dict[str, list[Phrase]] = field(init=False)
    by_whole: dict[str, list[Phrase]] = field(init=False)
    near_first: Nearby = field(init=False)
    near_whole: Nearby = field(init=False)

    def __post_init__(self) -> None:
        by_first: dict[str, list[Phrase]] = {}
        by_whole: dict[str, list[Phrase]] = {}
        for phrase in self.phrases:
            if len(phrase) > 1:
                by_first.setdefault(phrase[0], []).append(phrase)
            by_whole.setdefault("".join(phrase), []).append(phrase)
        object.__setattr__(self, "by_first", by_first)
        object.__setattr__(self, "by_whole", by_whole)
        object.__setattr__(self, "near_first", Nearby(by_first))
        object.__setattr__(self, "near_whole", Nearby(by_whole))


@dataclass(frozen=True, slots=True)
class _Lists:
    """The content's lists (`bot/content/intimate.toml`), each phrase as its plain words."""

    named: _Book
    excused: _Book
    excused_tried: _Book
    """`excused` with `products`: what excuses a word in the answer to "What have you tried?"."""
    ordinary: frozenset[str]
    symbols: tuple[str, ...]
    after: tuple[str, ...]
    before: tuple[str, ...]


def _words(phrase: str) -> Phrase:
    """The words of a phrase, in lower case without accents ("Peri-anal" is ("peri", "anal"))."""
    return tuple(_WORD.findall(plain(phrase)))


@cache
def _lists() -> _Lists:
    """The content's intimate words, the phrases that excuse them, and the ordinary words."""
    def phrases(key: str) -> tuple[Phrase, ...]:
        return tuple(p for p in (_words(entry) for entry in texts(key)) if p)
    def joins(key: str) -> tuple[str, ...]:
        return tuple("".join(_words(entry)) for entry in texts(key))
    excused = phrases("intimate.not_counted")
    return _Lists(named=_Book(phrases("intimate.words")), excused=_Book(excused),
                  excused_tried=_Book(excused + phrases("intimate.products")),
                  ordinary=frozenset(w for entry in texts("intimate.ordinary")
                                     for w in _words(entry)),
                  symbols=tuple(texts("intimate.symbols")),
                  after=joins("intimate.joined_after"), before=joins("intimate.joined_before"))


def _near(typed: str, listed: str) -> bool:
    """Whether the typed word is a near spelling of the listed one, or other letters run
    into it ("leftbreast")."""
    return near(typed, listed) or (len(listed) >= SHORTEST and len(typed) >= len(listed) + 2
                                   and typed.endswith(listed))


def _joined(typed: str, listed: str, ordinary: frozenset[str]) -> bool:
    """Whether the typed word is the listed entry with a word of `joined_after` run onto its
    end ("groinarea", "grionarea", "bumrash"), or one of `joined_before` run onto its start
    ("mybum", "thebum"), as a phone's missed space bar makes. The entry is read as spelt, or
    near (`_near`) where a `joined_after` word follows it; never when what is left is an
    `ordinary` word."""
    lists = _lists()
    if lists.after and typed.endswith(lists.after):
        for after in lists.after:
            head = typed[:-len(after)]
            if typed.endswith(after) and head and head not in ordinary and (
                    head == listed or _near(head, listed)):
                return True
    return typed.startswith(lists.before) and any(
        typed.startswith(before) and typed[len(before):] == listed for before in lists.before)


@lru_cache(maxsize=1 << 16)
def _same(typed: str, listed: str, ordinary: frozenset[str]) -> bool:
    """Whether the typed word counts as the listed one: the same, or (unless it is an
    `ordinary` word) a near spelling of it, or other letters run into it ("leftbreast")."""
    if typed == listed:
        return True
    if typed in ordinary:
        return False
    return _near(typed, listed)


@lru_cache(maxsize=1 << 16)
def _whole(typed: str, entry: str, ordinary: frozenset[str]) -> bool:
    """Whether the typed word counts as a whole listed entry (one word, or a phrase's words
    run together): as `_same`, or with a joining word run onto it (`_joined`: "groinarea",
    "mybum"). Not for one word of a phrase ("my" in "my bits" is not found in "myarea")."""
    return _same(typed, entry, ordinary) or (
        typed not in ordinary and _joined(typed, entry, ordinary))


def _at(words: Phrase, start: int, phrase: Phrase, ordinary: frozenset[str], *,
        loose: bool) -> int:
    """How many of `words`, from `start`, are `phrase`: as many as its words when they are the
    run of words there, 1 when all of it is run together in the one word there ("buttcheek"
    for "butt cheek"), 0 when it is not there. The words of a run are compared as `_same`
    does when there is one, when `loose`, or for a phrase's words of `PHRASE_LOOSE` letters or
    more ("privite parts"); shorter words of a phrase only as spelt, since they are everyday
    words with too many near spellings ("down where" is a slip from "down there")."""
    end = start + len(phrase)
    if end <= len(words) and all(
            _whole(typed, listed, ordinary) if len(phrase) == 1
            else _same(typed, listed, ordinary) if loose or len(listed) >= PHRASE_LOOSE
            else typed == listed
            for typed, listed in zip(words[start:end], phrase, strict=True)):
        return len(phrase)
    return int(len(phrase) > 1 and _whole(words[start], "".join(phrase), ordinary))


def _near_any(typed: str, entries: dict[str, list[Phrase]], nearby: Nearby) -> set[str]:
    """The `entries` the typed word is, or is near (`_near`): a near spelling, or other letters
    run into one of five letters or more ("leftbreast"; only the ends as long as an entry are
    looked up, however long the word)."""
    found = nearby.of(typed)
    longest = max(map(len, entries), default=0)
    found.update(typed[-size:] for size in range(SHORTEST, min(len(typed) - 1, longest + 1))
                 if typed[-size:] in entries)
    return found


def _same_any(typed: str, entries: dict[str, list[Phrase]], nearby: Nearby,
              ordinary: frozenset[str]) -> set[str]:
    """The `entries` the typed word counts as, as `_same` reads it."""
    if typed in ordinary:
        return {typed} & entries.keys()
    return _near_any(typed, entries, nearby)


def _whole_any(typed: str, book: _Book, ordinary: frozenset[str]) -> set[str]:
    """The whole entries of `book` the typed word counts as, as `_whole` reads it."""
    found = _same_any(typed, book.by_whole, book.near_whole, ordinary)
    if typed in ordinary:
        return found
    lists = _lists()
    for after in lists.after:
        head = typed[:-len(after)]
        if typed.endswith(after) and head and head not in ordinary:
            found |= _near_any(head, book.by_whole, book.near_whole)
    found.update(typed[len(before):] for before in lists.before
                 if typed.startswith(before) and typed[len(before):] in book.by_whole)
    return found


@lru_cache(maxsize=1 << 13)
def _may_begin(typed: str, book: _Book, ordinary: frozenset[str]) -> tuple[Phrase, ...]:
    """The phrases of `book` a run of words beginning with the word `typed` may be: those whose
    first word (`_same`), or whole entry (`_whole`), it counts as. Found through the book's
    index, not by comparing with each phrase; remembered, so each word typed is looked up once;
    bounded, so memory does not grow with every word ever typed."""
    found = {phrase: None for entry in _whole_any(typed, book, ordinary)
             for phrase in book.by_whole[entry]}
    found.update((phrase, None) for entry in _same_any(typed, book.by_first, book.near_first,
                                                     ordinary)
                 for phrase in book.by_first[entry])
    return tuple(found)


def _inside(words: Phrase, at: int, excused: _Book, ordinary: frozenset[str]) -> bool:
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


def _names(answer: str, excused: _Book) -> bool:
    """True if the answer has a symbol, or, in any of its readings (`spelling.readings`: as
    typed, spaced letters joined, digits read as letters), a listed phrase none of whose
    words is inside one of `excused` ("my bits" is inside "bits of" in "my bits of dry
    skin"; "rear end" inside "rear end of")."""
    lists = _lists()
    if any(symbol in answer for symbol in lists.symbols):
        return True
    ordinary = lists.ordinary
    for reading in readings(plain(answer)):
        words = _words(reading)
        for start, typed in enumerate(words):
            for phrase in _may_begin(typed, lists.named, ordinary):
                span = _at(words, start, phrase, ordinary, loose=False)
                if span and not any(_inside(words, at, excused, ordinary)
                                    for at in range(start, start + span)):
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
    return _names(answer, _lists().excused_tried)
