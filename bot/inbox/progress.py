"""Where each request stands, in a few words for practice staff (`/invites`): the step an open
request has reached, so they can chase the ones that stall, and how an ended one ended, so they
know whom to call. The words live in `bot/content/inbox.toml` under `[staff.step]` and
`[staff.ended]`; they name a step or an ending only, never an answer or anything personal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.content import text
from bot.domain.face_words import CHILD_FACE_TYPED
from bot.domain.intimate import INTIMATE_TRIED, INTIMATE_TYPED
from bot.domain.questions import worded
from bot.store.cases import APPOINTMENT, RED_FLAG_STOP, REFERRED, URGENT
from bot.store.invites import invite_problem
from bot.store.models import SHOT_SLOTS, Case, Invite, Stage

CONSENT_STOPS = frozenset({"consent_declined", "child_declined", "not_guardian"})
"""Stop reasons given at consent (`bot.journey.prompts.CONSENT_QUESTIONS`)."""


def step_words(case: Case) -> str:
    """The step an open case has reached, e.g. "screening questions" or "photo 2 of 3" (or
    "new photos the GP asked for", when a GP asked for some)."""
    if case.stage.value in SHOT_SLOTS:
        if case.submissions:
            return text("inbox.staff.step.new_photos")
        return text("inbox.staff.step.photo", number=SHOT_SLOTS.index(case.stage.value) + 1,
                    count=len(SHOT_SLOTS))
    return text(f"inbox.staff.step.{case.stage.value}")


def decision_words(case: Case) -> str:
    """What the GP decided, for a decided case ("referred, sent on e-RS", ...). A referral
    never marked sent, or an urgent call never marked done, says so: such a case can reach
    this group once retention has erased it, and staff must not read it as finished."""
    if case.decision == REFERRED and not case.referral_sent_at:
        return text("inbox.staff.ended.referred_not_sent")
    if case.decision == URGENT and not case.task_done_at:
        return text("inbox.staff.ended.urgent_not_done")
    if case.decision in (REFERRED, APPOINTMENT, URGENT):
        return worded(f"inbox.staff.ended.{case.decision}", parent=case.consent_by == "parent")
    return text("inbox.staff.ended.decided")


def erased_decision_words(case: Case) -> str:
    """What the GP had decided on a case the patient erased since: a referral not yet marked
    sent on e-RS says so (`inbox.staff.ended.erased_referral_not_sent`: staff ask the patient
    whether they still want it), anything else as `decision_words`."""
    if case.decision == REFERRED and not case.referral_sent_at:
        return text("inbox.staff.ended.erased_referral_not_sent")
    return decision_words(case)


def erased_waiting_words(case: Case, erased_from: str) -> str:
    """What an undecided case the patient erased was waiting for, from the stage it was
    erased at (`AuditRepository.erased_from`): sent once and back at a photo, the questions
    or the review, the new photos a GP asked for (`inbox.staff.ended.erased_new_photos`);
    at "submitted", a GP (`erased_submitted`); "" otherwise (the group says it)."""
    if case.decision or not case.submissions or not erased_from:
        return ""
    if erased_from == Stage.SUBMITTED.value:
        return text("inbox.staff.ended.erased_submitted")
    if Stage(erased_from).is_open:
        return text("inbox.staff.ended.erased_new_photos")
    return ""


WHERE_NOW = frozenset({"submitted", "referred", "urgent", "erased"})
"""/invites groups whose title says where a request stands (`inbox.staff.now.<group>`, said
on its row when a red flag lists it under the red-flag group instead)."""


def red_flag_words(kinds: Sequence[str], stop_reason: str | None) -> str:
    """What staff read about a request's red-flag answers, from its red-flag events in order
    (`AuditRepository.red_flag_answers`) and its stop reason: "" when it stopped for red
    flags (its ending says so) or has none; else a "yes" that waits or was never confirmed
    (`inbox.staff.step.red_flag_yes`), a "yes" then said to be a mistake (`red_flag_withdrawn`:
    the patient was still told to call 999 or NHS 111), a "yes" after sending
    (`red_flag_after`), and one after the request ended unsent (`red_flag_ended`). Source
    of the rule that no red-flag "yes" is lost: hazard log H03."""
    if stop_reason == RED_FLAG_STOP:
        return ""
    said = []
    answered = [kind for kind in kinds if kind in ("case.red_flag_yes", "case.red_flag_withdrawn")]
    if answered:
        said.append(text("inbox.staff.step.red_flag_withdrawn"
                         if answered[-1] == "case.red_flag_withdrawn" else
                         "inbox.staff.step.red_flag_yes"))
    if "case.red_flag_after" in kinds:
        said.append(text("inbox.staff.step.red_flag_after"))
    if "case.red_flag_ended" in kinds:
        said.append(text("inbox.staff.step.red_flag_ended"))
    return "; ".join(said)


def stop_words(reason: str) -> str:
    """How a stopped case ended, from the reason its stop was audited with."""
    if reason == "practice":
        return text("inbox.staff.ended.practice")
    if reason == RED_FLAG_STOP:
        return text("inbox.staff.ended.red_flag")
    if reason == INTIMATE_TYPED:  # typed after the photos: not a screening answer
        return text("inbox.staff.ended.intimate_typed")
    if reason == INTIMATE_TRIED:  # typed after the photos, for what was tried
        return text("inbox.staff.ended.intimate_tried")
    if reason == CHILD_FACE_TYPED:  # a child's face, typed after the photos
        return text("inbox.staff.ended.child_face_typed")
    if reason.startswith("screen_"):
        return text("inbox.staff.ended.screening")
    if reason in CONSENT_STOPS:
        return text(f"inbox.staff.ended.{reason}")
    return text("inbox.staff.ended.stopped")


def ending_words(invite: Invite, case: Case | None, stop_reason: str | None,
                 now: datetime) -> str:
    """How a request that is over without a GP's decision ended: a link cancelled or expired
    before it was opened, a locked link renewed, a stop (at screening, at consent, red flags,
    by the practice), cancelled by the patient, or deleted unfinished after the retention
    period.
    `stop_reason` is the case's (`AuditRepository.stop_reasons`), if it stopped. A link
    locked after wrong dates of birth and then renewed says a new link was sent; one whose
    case was erased before it was renewed says so, and that a new link needs /invite."""
    if invite.locked_at and invite.revoked_at:
        return text("inbox.staff.ended.renewed")
    if invite.locked_at:
        return text("inbox.staff.ended.locked_erased")
    if case is None:
        problem = invite_problem(invite, now)
        return text("inbox.staff.ended.revoked" if problem == "revoked" else
                    "inbox.staff.ended.expired")
    if stop_reason is not None:
        return stop_words(stop_reason)
    if case.stage is Stage.CANCELLED:
        return text("inbox.staff.ended.cancelled")
    if case.erased_by == "retention":
        return text("inbox.staff.ended.unfinished")
    return text("inbox.staff.ended.stopped")
