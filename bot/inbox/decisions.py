"""The GP's decisions on a submitted case, what the patient is told about each, and how a case
is followed to its end (the urgent task done, the referral sent on e-RS)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot import testpoints
from bot.content import text
from bot.domain.questions import worded
from bot.inbox.access import ANY_ROLE, GP_ROLES, case_for_member, member_of
from bot.inbox.alerts import URGENT, urgent_task
from bot.inbox.digest import uk_time
from bot.inbox.referral_task import (
    marked_edits,
    referral_task,
    second_mark_words,
    ubrn_note,
    who_marked,
    who_marked_as,
)
from bot.services.naming import named
from bot.store import StageConflict, Store
from bot.store.cases import APPOINTMENT, REFERRED
from bot.store.database import utc_now
from bot.store.models import SHOT_SLOTS, Case, Flags, Member, Outgoing, Role, ShotSlot, Stage

PHOTO_REASONS = ("blurred", "light", "distance", "area")
APPOINTMENT_REASONS = ("in_person", "exclusion")
REASON_LIMIT = 200
"""Most characters of a reason the GP types for new photos (the patient reads it)."""
UBRN = re.compile(r"\d{12}")
"""An e-RS Unique Booking Reference Number: 12 digits (often written in groups of four)."""
log = logging.getLogger("bot.inbox")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the GP (or member of staff) is told after acting on a case."""

    done: bool
    text: str


def read_ubrn(typed: str) -> str | None:
    """The 12-digit UBRN in what a GP or member of staff typed ("0000 1234 5678" or
    "000012345678"), or None."""
    digits = re.sub(r"[\s-]", "", typed)
    return digits if UBRN.fullmatch(digits) else None


class Inbox:
    """Pending cases for GPs, the decisions they can make, and the steps that close a case.

    `referral_days` is how many working days the patient is told the practice takes to send a
    referral on e-RS once the GP has decided to refer.
    """

    def __init__(self, store: Store, on_queued: Callable[[], None] = lambda: None, *,
                 referral_days: int = 3) -> None:
        self._store = store
        self._on_queued = on_queued
        self._referral_days = referral_days

    async def gp(self, telegram_user_id: int) -> Member | None:
        """The user's GP membership, if any (managers and staff do not decide)."""
        return await member_of(self._store, telegram_user_id, roles=GP_ROLES)

    async def pending(self, member: Member) -> list[Case]:
        """Cases of the member's practice waiting for a GP, oldest first."""
        return await self._store.cases.at_stage(member.practice_id, Stage.SUBMITTED)

    async def open_case(self, telegram_user_id: int, case_id: int) -> Case | None:
        """The case, if this user may see it (audited refusal otherwise)."""
        found = await case_for_member(self._store, telegram_user_id, case_id)
        return found[1] if found else None

    async def refer(self, telegram_user_id: int, case_id: int) -> Outcome:
        """Refer to teledermatology (after the GP confirmed): the patient is told what happens
        next and roughly when, and the practice's staff get a task to make the referral on
        e-RS (`bot.inbox.referral_task`, hazard log H48); the case stays open until the GP or
        a member of staff marks the referral sent."""
        return await self._decide(telegram_user_id, case_id, REFERRED, None)

    async def book_appointment(self, telegram_user_id: int, case_id: int,
                               reason: str) -> Outcome:
        """Not suitable: the patient is asked to book an appointment.

        The reason "urgent" (a two-week-wait button from before this version) takes the
        urgent path instead (`urgent`), never the routine one.
        """
        if reason == URGENT:
            return await self.urgent(telegram_user_id, case_id)
        if reason not in APPOINTMENT_REASONS:
            return Outcome(False, text("inbox.gp.refused"))
        return await self._decide(telegram_user_id, case_id, APPOINTMENT, reason)

    async def urgent(self, telegram_user_id: int, case_id: int) -> Outcome:
        """Not suitable, urgent (meets two-week-wait criteria, the service's first exclusion):
        staff get a task to phone the patient at once, and the patient is told the surgery
        will phone them soon (not asked to book)."""
        return await self._decide(telegram_user_id, case_id, URGENT, "two_week_wait")

    async def _decide(self, telegram_user_id: int, case_id: int, decision: str,
                      reason: str | None) -> Outcome:
        found = await case_for_member(self._store, telegram_user_id, case_id)
        if found is None:
            return Outcome(False, text("inbox.gp.refused"))
        member, case = found
        if case.stage is not Stage.SUBMITTED:
            return await self._already(case)
        practice = await self._store.practices.get(case.practice_id)
        assert practice is not None
        words = worded(f"inbox.patient.{decision}", parent=case.consent_by == "parent",
                       reference=case.reference, practice=practice.name, phone=practice.phone,
                       days=self._referral_days, request=await named(self._store, case))
        outbox = [Outgoing(case.patient_chat_id, "patient.text", {"text": words},
                           f"case:{case.id}:sub:{case.submissions}:decision")]
        task = await urgent_task(self._store, case, member) if decision == URGENT else None
        if task is not None:
            outbox = [*task.messages, *outbox]
        to_make = await referral_task(self._store, case, member) if decision == REFERRED else []
        outbox = [*to_make, *outbox]
        try:
            await self._store.cases.move(case, Stage.DECIDED, actor=f"member:{member.id}",
                                         outbox=outbox, decision=decision, decision_note=reason,
                                         notes=task.notes if task else ())
        except StageConflict:
            return await self._already(case)
        self._on_queued()
        log.info("case decided", extra={"case_id": case.id, "decision": decision,
                                        "submission": case.submissions})
        if decision == REFERRED:
            staff_told = text("inbox.gp.decided_refer_staff") if to_make else ""
            return Outcome(True, text("inbox.gp.decided_refer", reference=case.reference,
                                      gp=member.display_name, days=self._referral_days)
                           + staff_told)
        if decision == URGENT:
            return Outcome(True, worded("inbox.gp.decided_urgent",
                                        parent=case.consent_by == "parent",
                                        reference=case.reference, gp=member.display_name))
        return Outcome(True, text("inbox.gp.decided_appointment", reference=case.reference,
                                  reason=text(f"inbox.gp.reason_{reason}"),
                                  gp=member.display_name))

    async def referral_closed(self, telegram_user_id: int, case_id: int, *,
                              roles: tuple[Role, ...] = GP_ROLES) -> Outcome | None:
        """Why "Referral sent on e-RS" can no longer be recorded on this case, before the GP
        is asked for the UBRN (or, with `roles` of staff too, before a member of staff is
        asked whether they made it); None if it can. The patient deleted their request before
        the referral was marked sent: `inbox.gp.referral_erased` (staff were asked to contact
        them, `bot.services.erasure.patient_ended_alerts`); already marked sent:
        who (name and role), when and with which UBRN (`second_mark_words`; for staff, an
        alert, `inbox.staff.referral_already`: who and when);
        not a referral (or not theirs to see): as `mark_referral_sent` says."""
        found = await case_for_member(self._store, telegram_user_id, case_id, roles=roles)
        if found is None:
            return Outcome(False, text("inbox.gp.refused"))
        case = found[1]
        if case.decision != REFERRED:
            return await self._already(case)
        if case.erased_at is not None and not case.referral_sent_at:
            return self._erased(case)
        if case.referral_sent_at and roles != GP_ROLES:
            return await self._marked_already(case)
        if case.referral_sent_at:
            return Outcome(False, second_mark_words(case, await who_marked_as(self._store, case),
                                                    None))
        return None

    @staticmethod
    def _erased(case: Case) -> Outcome:
        log.info("referral sent refused: the patient deleted the case first",
                 extra={"case_id": case.id, "erased_by": case.erased_by})
        key = ("inbox.gp.referral_erased" if case.erased_by == "patient" else
               "inbox.gp.referral_erased_retention")
        return Outcome(False, worded(key, parent=case.consent_by == "parent",
                                     reference=case.reference))

    async def mark_referral_sent(self, telegram_user_id: int, case_id: int,
                                 ubrn: str | None, *,
                                 roles: tuple[Role, ...] = GP_ROLES) -> Outcome:
        """The GP made the referral on e-RS (with its UBRN, if given): the case is complete
        and the patient is told their photos have gone to the hospital. On a case erased
        before it was marked sent nothing is recorded and the GP is told the truth
        (`referral_closed`), never that it was already marked sent.

        With `roles` of staff too (`ANY_ROLE`), from a member of staff's task to make the
        referral (`bot.inbox.referral_task`): recorded the same way, by whoever taps first
        (the audit event's actor), in staff words. Every other message with the button is
        changed to say who did it and when (`marked_edits`, queued with the record), and a
        second tap records nothing.

        Marked sent already (the GP and a member of staff both answered, each from their own
        question): nothing is recorded, and the second is told by whom (name and role), when,
        and with which UBRN; a UBRN they typed that differs from the one on record (or with
        none on record) is said to be not recorded, and the audit trail notes that a different
        one was typed, never the number (`case.ubrn_differs`; hazard log H71)."""
        found = await case_for_member(self._store, telegram_user_id, case_id, roles=roles)
        if found is None:
            return Outcome(False, text("inbox.gp.refused"))
        member, case = found
        if case.decision != REFERRED:
            return await self._already(case)
        if case.erased_at is not None and not case.referral_sent_at:
            return self._erased(case)
        if case.referral_sent_at:
            return await self._second_mark(case, member, ubrn)
        practice = await self._store.practices.get(case.practice_id)
        assert practice is not None
        words = worded("inbox.patient.referral_sent", parent=case.consent_by == "parent",
                       reference=case.reference, practice=practice.name, phone=practice.phone,
                       request=await named(self._store, case))
        tell = Outgoing(case.patient_chat_id, "patient.text", {"text": words},
                        f"case:{case.id}:sub:{case.submissions}:referral-sent")
        moment = utc_now()
        edits = await marked_edits(self._store, case, member.display_name, moment, ubrn)
        if not await self._store.cases.close_outcome(
                case, "referral_sent_at", actor=f"member:{member.id}",
                event="case.referral_sent", ubrn=ubrn, outbox=[tell, *edits], at=moment):
            fresh = await self._store.cases.get(case.id) or case  # erased meanwhile?
            if fresh.erased_at is not None and not fresh.referral_sent_at:
                return self._erased(fresh)
            return await self._second_mark(fresh, member, ubrn)
        self._on_queued()
        log.info("referral sent on e-RS", extra={"case_id": case.id, "ubrn_given": bool(ubrn),
                                                 "by": member.role})
        note = ubrn_note(ubrn)
        if roles != GP_ROLES:
            return Outcome(True, text("inbox.staff.referral_recorded", reference=case.reference,
                                      name=member.display_name, ubrn=note))
        return Outcome(True, text("inbox.gp.referral_recorded", reference=case.reference,
                                  ubrn=note, gp=member.display_name))

    async def _second_mark(self, case: Case, member: Member, typed: str | None) -> Outcome:
        """The referral was marked sent by someone else first: nothing changes; who (name
        and role), when, with which UBRN, and what became of the one `member` typed
        (`second_mark_words`); a different one is noted in the audit trail, without it."""
        differs = typed is not None and typed != case.ubrn
        if differs:
            await self._store.audit.record(
                "case.ubrn_differs", actor=f"member:{member.id}", case_id=case.id,
                practice_id=case.practice_id, detail={"ubrn_on_record": case.ubrn is not None})
        log.info("referral already marked sent", extra={"case_id": case.id,
                                                        "ubrn_differs": differs})
        return Outcome(False, second_mark_words(case, await who_marked_as(self._store, case),
                                                typed))

    async def _marked_already(self, case: Case) -> Outcome:
        """A second "Referral sent on e-RS": nothing changes; who marked it, and when."""
        return Outcome(False, text("inbox.staff.referral_already", reference=case.reference,
                                   name=await who_marked(self._store, case),
                                   when=uk_time(case.referral_sent_at)))

    async def task_done(self, telegram_user_id: int, case_id: int) -> Outcome:
        """A member of the practice phoned the patient (or a child's parent or carer) of an
        urgent case: the task is done. On a request with a red-flag answer the same call is
        recorded as the red-flag contact (`case.patient_contacted`, in the same transaction as
        the task: `CaseRepository.close_outcome`): staff record one call once."""
        found = await case_for_member(self._store, telegram_user_id, case_id, roles=ANY_ROLE)
        if found is None:
            return Outcome(False, text("inbox.gp.refused"))
        member, case = found
        # One call, one tap: on a request with a red-flag answer it is the red-flag contact
        # too, recorded in the same transaction as the task.
        red_flag = case.id in await self._store.audit.red_flag_answers(case.practice_id)
        if case.decision != URGENT or not await self._store.cases.close_outcome(
                case, "task_done_at", actor=f"member:{member.id}", event="case.task_done",
                contacted=red_flag):
            return Outcome(False, text("inbox.staff.task_already", reference=case.reference))
        log.info("urgent task done", extra={"case_id": case.id, "red_flag": red_flag})
        words = worded("inbox.staff.task_recorded", parent=case.consent_by == "parent",
                       reference=case.reference, name=member.display_name)
        return Outcome(True, words + (text("inbox.staff.task_recorded_red_flag")
                                      if red_flag else ""))

    async def ask_new_photos(self, telegram_user_id: int, case_id: int,
                             shots: Sequence[ShotSlot], reason: str,
                             typed: str | None = None) -> Outcome:
        """Send the patient back to just these shots; the case returns when they resubmit.

        `reason` is one of `PHOTO_REASONS`, or "typed" with the GP's own words in `typed`
        (at most `REASON_LIMIT` characters), which the patient reads as written.
        """
        found = await case_for_member(self._store, telegram_user_id, case_id)
        words_typed = " ".join((typed or "").split())
        if found is None or (reason not in PHOTO_REASONS and not (
                reason == "typed" and 0 < len(words_typed) <= REASON_LIMIT)):
            return Outcome(False, text("inbox.gp.refused"))
        member, case = found
        ordered = [s for s in SHOT_SLOTS if s in shots]
        if not ordered:
            return Outcome(False, text("inbox.gp.which_photos"))
        if case.stage is not Stage.SUBMITTED:
            return await self._already(case)
        names = ", ".join(text(f"inbox.patient.shot_{s}") for s in ordered)
        why = words_typed if reason == "typed" else text(f"inbox.patient.reason_{reason}")
        words = worded("inbox.patient.new_photos", parent=case.consent_by == "parent",
                       reference=case.reference, shots=names, reason=why,
                       request=await named(self._store, case))
        tell = Outgoing(case.patient_chat_id, "patient.new_photos", {"text": words},
                        f"case:{case.id}:sub:{case.submissions}:decision")
        await testpoints.reached("inbox.new_photos_checked")
        flags = Flags(redo=tuple(ordered), return_to_review=True)
        try:  # the flags are written with the move, so never onto a case erased meanwhile
            await self._store.cases.move(case, Stage(ordered[0]), actor=f"member:{member.id}",
                                         reason=f"new photos: {','.join(ordered)} ({reason})",
                                         outbox=[tell], flags=flags, decision_note=why)
        except StageConflict:
            return await self._already(case)
        self._on_queued()
        gp_names = ", ".join(text(f"inbox.gp.caption_{s}") for s in ordered)
        gp_why = f"“{words_typed}”" if reason == "typed" else text(f"inbox.gp.reason_{reason}")
        return Outcome(True, text("inbox.gp.decided_photos", reference=case.reference,
                                  shots=gp_names, reason=gp_why, gp=member.display_name))

    async def _already(self, case: Case) -> Outcome:
        """The case was dealt with first by someone else: say what it is *now*, in GP words."""
        fresh = await self._store.cases.get(case.id) or case
        return Outcome(False, text("inbox.gp.already", reference=fresh.reference,
                                   state=gp_state(fresh)))


def gp_state(case: Case) -> str:
    """Where a case stands, as a GP reads it (`inbox.gp.state_*`): the decision if decided,
    "new photos asked for" while the patient retakes, else the stage."""
    if case.stage is Stage.DECIDED:
        key = f"state_{case.decision}" if case.decision in (REFERRED, APPOINTMENT, URGENT) else (
            "state_decided")
    elif case.stage.value in SHOT_SLOTS or case.stage in (Stage.DETAILS, Stage.REVIEW):
        key = "state_new_photos"
    elif case.stage in (Stage.SUBMITTED, Stage.STOPPED, Stage.CANCELLED, Stage.ERASED):
        key = f"state_{case.stage.value}"
    else:
        key = "state_decided"
    return text(f"inbox.gp.{key}")
