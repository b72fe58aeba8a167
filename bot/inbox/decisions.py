"""The GP's decisions on a submitted case, and what the patient is told about each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot import testpoints
from bot.content import text
from bot.inbox.access import GP_ROLES, case_for_member, member_of
from bot.store import StageConflict, Store
from bot.store.models import SHOT_SLOTS, Case, Member, Outgoing, ShotSlot, Stage

PHOTO_REASONS = ("blurred", "light", "distance", "area")
APPOINTMENT_REASONS = ("in_person", "urgent", "exclusion")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the GP is told after acting on a case."""

    done: bool
    text: str


class Inbox:
    """Pending cases for GPs, and the three decisions they can make."""

    def __init__(self, store: Store, on_queued: Callable[[], None] = lambda: None) -> None:
        self._store = store
        self._on_queued = on_queued

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
        """Refer to teledermatology: the case is decided and the patient told."""
        return await self._decide(telegram_user_id, case_id, "referred", None)

    async def book_appointment(self, telegram_user_id: int, case_id: int,
                               reason: str) -> Outcome:
        """Not suitable: the patient is asked to book an appointment."""
        if reason not in APPOINTMENT_REASONS:
            return Outcome(False, text("inbox.gp.refused"))
        return await self._decide(telegram_user_id, case_id, "appointment", reason)

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
        key = "inbox.patient.referred" if decision == "referred" else "inbox.patient.appointment"
        words = text(key, reference=case.reference, practice=practice.name, phone=practice.phone)
        tell = Outgoing(case.patient_chat_id, "patient.text", {"text": words},
                        f"case:{case.id}:sub:{case.submissions}:decision")
        try:
            await self._store.cases.move(case, Stage.DECIDED, actor=f"member:{member.id}",
                                         outbox=[tell], decision=decision, decision_note=reason)
        except StageConflict:
            return await self._already(case)
        self._on_queued()
        if decision == "referred":
            return Outcome(True, text("inbox.gp.decided_refer", reference=case.reference,
                                      gp=member.display_name))
        return Outcome(True, text("inbox.gp.decided_appointment", reference=case.reference,
                                  reason=text(f"inbox.gp.reason_{reason}"),
                                  gp=member.display_name))

    async def ask_new_photos(self, telegram_user_id: int, case_id: int,
                             shots: Sequence[ShotSlot], reason: str) -> Outcome:
        """Send the patient back to just these shots; the case returns when they resubmit."""
        found = await case_for_member(self._store, telegram_user_id, case_id)
        if found is None or reason not in PHOTO_REASONS:
            return Outcome(False, text("inbox.gp.refused"))
        member, case = found
        ordered = [s for s in SHOT_SLOTS if s in shots]
        if not ordered:
            return Outcome(False, text("inbox.gp.which_photos"))
        if case.stage is not Stage.SUBMITTED:
            return await self._already(case)
        names = ", ".join(text(f"inbox.patient.shot_{s}") for s in ordered)
        words = text("inbox.patient.new_photos", reference=case.reference, shots=names,
                     reason=text(f"inbox.patient.reason_{reason}"))
        tell = Outgoing(case.patient_chat_id, "patient.new_photos", {"text": words},
                        f"case:{case.id}:sub:{case.submissions}:decision")
        await testpoints.reached("inbox.new_photos_checked")
        flags = {"flow.redo": ",".join(ordered[1:]), "flow.return_to_review": "yes"}
        try:  # the flags are written with the move, so never onto a case erased meanwhile
            await self._store.cases.move(case, Stage(ordered[0]), actor=f"member:{member.id}",
                                         reason=f"new photos: {','.join(ordered)} ({reason})",
                                         outbox=[tell], answers=flags)
        except StageConflict:
            return await self._already(case)
        self._on_queued()
        gp_names = ", ".join(text(f"inbox.gp.caption_{s}") for s in ordered)
        return Outcome(True, text("inbox.gp.decided_photos", reference=case.reference,
                                  shots=gp_names, reason=text(f"inbox.gp.reason_{reason}"),
                                  gp=member.display_name))

    async def _already(self, case: Case) -> Outcome:
        """The case was dealt with first by someone else: say what it is *now*, in GP words."""
        fresh = await self._store.cases.get(case.id) or case
        return Outcome(False, text("inbox.gp.already", reference=fresh.reference,
                                   state=gp_state(fresh)))


def gp_state(case: Case) -> str:
    """Where a case stands, as a GP reads it (`inbox.gp.state_*`): the decision if decided,
    "new photos asked for" while the patient retakes, else the stage."""
    if case.stage is Stage.DECIDED:
        key = f"state_{case.decision}" if case.decision in ("referred", "appointment") else (
            "state_decided")
    elif case.stage.value in SHOT_SLOTS or case.stage in (Stage.DETAILS, Stage.REVIEW):
        key = "state_new_photos"
    elif case.stage in (Stage.SUBMITTED, Stage.STOPPED, Stage.CANCELLED, Stage.ERASED):
        key = f"state_{case.stage.value}"
    else:
        key = "state_decided"
    return text(f"inbox.gp.{key}")
