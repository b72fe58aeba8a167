"""Whether the words a child's family typed for "Where exactly is the rash?" name the face.

The service does not take, for children, "Images where faces can be identified" (its
exclusions for children, in the seed `teledermatology-service.txt`; `STOP_CRITERIA
["child_face"]`). The "Face or head" button stops an under-18 before any photo, and the photo
check refuses a photo of a child that shows a face (hazard log H05, H58, H65); but a parent who
tapped "Neck" and typed "on his cheek" went on. This reads that typed answer for under-18s
(`bot.journey.service`), so it stops the same way (hazard log H76).

The words are in the content (`bot/content/face.toml`), where a clinician reviews them:

- `words`: each entry counts as whole words, in any case, without accents, with anything but
  letters between the words of a phrase ("fore-head"). A typed word also counts when it is a
  near spelling of a one-word entry (`bot.domain.spelling`, the rule the intimate words use:
  a letter typed twice counts once; one slip for 5 letters or more, two for 8 or more; exact
  below 5, so "shin" is never "chin").
- `ordinary`: ordinary words near an entry ("check" is one slip from "cheek", "month" from
  "mouth"), never taken as a near spelling; they still count where listed in `words`.

Decided with the seed (the content file says why): the scalp, the ears and the neck are not
the face, so "back of his neck" and "behind her ear" go on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.content import texts
from bot.domain.spelling import Nearby, plain

CHILD_FACE = "child_face"
"""The stop a child's typed answer naming the face ends with: the same as the "Face or head"
button's for an under-18 (`STOP_CRITERIA`)."""
CHILD_FACE_TYPED = f"screen_{CHILD_FACE}_typed"
"""The reason the request stops with when it is the typed "Exactly where?" answer (asked after
the photos) that names a child's face: the same criterion, with its own words for the family
(`journey.stop.child_face_typed`), the staff alert (`inbox.staff.stopped.child_face_typed`)
and the /invites line (`inbox.staff.ended.child_face_typed`), so it never reads as a face
tapped at screening nor as a telling-off after the photos (hazard log H76)."""
_WORD = re.compile(r"[^\W\d_]+")
"""A run of letters: the words of an answer."""

Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Lists:
    """The content's lists (`bot/content/face.toml`), each entry as its plain words."""

    single: frozenset[str]
    """The one-word entries."""
    nearby: Nearby
    """`single`, looked up by near spelling (`spelling.Nearby`)."""
    phrases: tuple[Phrase, ...]
    """The entries of two words or more."""
    ordinary: frozenset[str]


def _words(typed: str) -> Phrase:
    """The words of `typed`, in lower case without accents ("Fore-Head" is ("fore", "head"))."""
    return tuple(_WORD.findall(plain(typed)))


@cache
def _lists() -> _Lists:
    """The content's face words and the ordinary words never taken for them."""
    entries = [words for words in map(_words, texts("face.words")) if words]
    single = frozenset(words[0] for words in entries if len(words) == 1)
    return _Lists(single=single, nearby=Nearby(single),
                  phrases=tuple(words for words in entries if len(words) > 1),
                  ordinary=frozenset(w for entry in texts("face.ordinary") for w in _words(entry)))


def names_face(answer: str) -> bool:
    """True if the typed answer names the face (an entry of `face.words`, by the rules of this
    module): "on his cheek", "FOREHEAD", "round her eyes and nose", "forhead", "under his
    chin" are True; "back of his neck", "behind her ear", "on his scalp", "left shin", "a
    month ago, on the arm" and "check his arm" are False."""
    lists = _lists()
    words = _words(answer)
    for word in words:
        if word in lists.single or (word not in lists.ordinary and lists.nearby.of(word)):
            return True
    return any(words[start:start + len(phrase)] == phrase for phrase in lists.phrases
               for start in range(len(words) - len(phrase) + 1))
