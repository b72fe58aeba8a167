"""Which body area the photos show, when the patient changes the area at the review.

The photos are taken after "Where is the rash?" and before "Exactly where?", so at the review
they show the area the patient gave then. Either answer can be changed at the review; the
photos cannot change with it. So the GP never gets photos of the left forearm labelled "Leg
or foot", a change of area after the photos asks one question, "Do your photos show the new
area: ...?" (`question`): Yes keeps them, No deletes them and asks for all 3 again
(`bot.journey.service.Journey._photos_area`). Changing the area back to the one the photos
show asks nothing. After a Yes, the photos show the area the patient said: any later change,
even back to the area first given (the first one may have been a mis-tap), asks again. A
photo taken again (replaced, or asked for by a GP) shows the area now, which becomes the one
the photos show. The question also offers "Change an answer", for an area tapped by mistake.

The area the photos show is kept with the case's answers under `SHOWN` ("<site>\\n<exactly
where>") from the first change of area at the review (the area they were taken for, then the
area the patient said they show); so it is erased with the answers, and deleted with the
photos when these are taken again. `CONFIRMED` was written by versions before 2026-11-30
(evening) and is still read.

How many areas ("One area", "Two or more areas") asks nothing: the 3 photos are one set for
the case (one locator of the whole area and two close-ups), not a set per area.
"""

from __future__ import annotations

import hashlib

from bot.content import text
from bot.domain.questions import detail_questions, screening_questions
from bot.journey.replies import Button, Reply, button_data, one_per_row
from bot.store.models import Stage

AREA: tuple[str, str] = ("screen.site", "detail.where")
"""The answers that say where the rash is: the body area tapped, and exactly where (typed,
or "skip")."""
SHOWN = "photos.area"
"""The answer key of the area the photos show: taken for, or said by the patient (Yes)."""
CONFIRMED = "photos.confirmed"
"""The answer key of the area the patient last said the photos show, as written before
2026-11-30 (evening); a Yes now updates `SHOWN` instead."""
QUESTION = "photos_area"
"""The review's button question: Yes ("yes#<token>") or No ("no#<token>"), `token` naming the
area asked about, so a button under an older question cannot confirm a newer area."""


def area_of(answers: dict[str, str]) -> str | None:
    """The area the answers give now ("<site value>\\n<exactly where>"), or None while either
    answer is missing (being asked again)."""
    site, where = (answers.get(key) for key in AREA)
    if site is None or where is None:
        return None
    return f"{site}\n{where}"


def same(one: str, other: str) -> bool:
    """True if two areas are the same place (typed words compared without case)."""
    return one.casefold() == other.casefold()


def unconfirmed(answers: dict[str, str]) -> bool:
    """True when the area was changed at the review and the patient has not said the photos
    show the area now: the area the photos were taken for is kept (`SHOWN`), the area now is
    complete, and it is neither that one nor the one last confirmed (`CONFIRMED`)."""
    shown, now = answers.get(SHOWN), area_of(answers)
    if shown is None or now is None:
        return False
    return not any(same(now, said) for said in (shown, answers.get(CONFIRMED)) if said)


def before_change(answers: dict[str, str], key: str) -> str | None:
    """The area to keep as the one the photos show, before the answer `key` is changed at the
    review: the area now, if `key` is one of `AREA` and none is kept yet; else None."""
    if key not in AREA or SHOWN in answers:
        return None
    return area_of(answers)


def token(area: str) -> str:
    """A short name for an area on a button: the first 8 hex digits of its SHA-256 (no words
    the patient typed go into the button)."""
    return hashlib.sha256(area.casefold().encode()).hexdigest()[:8]


def area_words(answers: dict[str, str]) -> str:
    """The area now as the patient reads it: the body area's button label, and exactly where
    in brackets if typed ("Leg or foot (back of left knee)"), as the GP reads it."""
    site = next(q for q in screening_questions() if q.id == "site")
    where = next(q for q in detail_questions() if q.id == "where")
    label = site.label_of(answers.get(AREA[0], ""))
    typed = answers.get(AREA[1])
    return label if typed is None or where.option(typed) is not None else f"{label} ({typed})"


def question(answers: dict[str, str], lead: str | None = None) -> Reply:
    """"Do your photos show the new area: ...?" with Yes, No (take new photos) and Change an
    answer (the review's own button), after `lead` words if given."""
    named = token(area_of(answers) or "")
    stage = Stage.REVIEW.value
    words = text("journey.review.photos_area", area=area_words(answers))
    buttons = one_per_row(
        Button(text("journey.review.photos_area_yes"), button_data(stage, QUESTION,
                                                                   f"yes#{named}")),
        Button(text("journey.review.photos_area_no"), button_data(stage, QUESTION,
                                                                  f"no#{named}")),
        Button(text("journey.review.change"), button_data(stage, "review", "change")))
    return Reply(text=f"{lead}\n\n{words}" if lead else words, buttons=buttons,
                 shows_answers=True)  # the area as typed: deleted from the chat with the case
