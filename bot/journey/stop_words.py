"""The words a patient reads when their request stops before the GP, each with the safety net.

Every stop says what happens instead in its own words (`journey.stop.<criterion>` for the
screening, `journey.consent.<stopped>` for consent, `journey.identity.locked` for a locked
link), then one line of urgent-care advice, `journey.stop.urgent` ("If you feel very unwell,
call 999 or NHS 111", the words of `journey.stop.ended`; `_parent` for a parent answering for a
child). The consent stops and a locked link end the request before the red-flag question is
asked, so this line is the only urgent-care advice those patients get (hazard log H19). The
red-flag stop is the exception: its own words are the urgent advice, with 999 first.
"""

from __future__ import annotations

from bot.domain.face_words import CHILD_FACE_TYPED
from bot.domain.intimate import INTIMATE_TRIED, INTIMATE_TYPED
from bot.domain.questions import CONSENT_CRITERIA, STOP_CRITERIA, worded
from bot.journey.prompts import CONSENT_QUESTIONS
from bot.store.cases import RED_FLAG_STOP

URGENT = "journey.stop.urgent"
"""The 999 / NHS 111 line added to every stop's words but the red-flag stop's."""
LOCKED = "identity_locked"

STOP_REASONS: tuple[str, ...] = (*(f"screen_{criterion}" for criterion in STOP_CRITERIA),
                                 INTIMATE_TYPED, INTIMATE_TRIED, CHILD_FACE_TYPED,
                                 *CONSENT_CRITERIA, LOCKED)
"""Every reason a request stops with before the GP sees it, as its move is audited: a
screening stop for each service criterion, each consent stop and the locked link."""


def stop_key(reason: str) -> str:
    """The content key of a stop's own words, from its reason ("screen_mole" is
    `journey.stop.mole`, "consent_declined" `journey.consent.declined`). Raises KeyError for a
    reason that is not one of `STOP_REASONS`."""
    if reason == INTIMATE_TYPED:
        return "journey.stop.intimate_typed"
    if reason == INTIMATE_TRIED:
        return "journey.stop.intimate_tried"
    if reason == CHILD_FACE_TYPED:
        return "journey.stop.child_face_typed"
    if reason.startswith("screen_") and reason.removeprefix("screen_") in STOP_CRITERIA:
        return f"journey.stop.{reason.removeprefix('screen_')}"
    for asked in CONSENT_QUESTIONS.values():
        if asked.stop == reason:
            return f"journey.consent.{asked.stopped}"
    if reason == LOCKED:
        return "journey.identity.locked"
    raise KeyError(f"no stop words for {reason!r}")


def stop_words(reason: str, *, parent: bool, practice: str, phone: str) -> str:
    """What the patient reads when the request stops for `reason` (one of `STOP_REASONS`):
    the stop's own words, worded for who answers, then the 999 / NHS 111 line (`URGENT`),
    except after the red-flag stop, whose words are that advice already."""
    own = worded(stop_key(reason), parent=parent, practice=practice, phone=phone)
    if reason == RED_FLAG_STOP:
        return own
    return f"{own}\n\n{worded(URGENT, parent=parent)}"
