"""/delete: the patient sees their requests (named as `bot.services.naming` does: whose, the
body area, the date and time started; and their state; no reference), chooses
one or all, and each chosen one is erased completely (`bot/services/erasure.py`).

Buttons carry the case id (`del_pick`, `del_go`) or `all<N>`, meaning every request listed
then (ids up to N); a case is acted on only if it belongs to the person who tapped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.content import text
from bot.domain.questions import worded
from bot.journey.photo_step import stage_words
from bot.journey.replies import Button, Reply, button_data, one_per_row, say
from bot.services import erasure
from bot.services.naming import request_name
from bot.store import Store
from bot.store.cases import REFERRED, URGENT
from bot.store.models import Case, Stage

PICK, GO, KEEP = "del_pick", "del_go", "del_keep"
"""Button questions: a request chosen, the erasure confirmed, nothing deleted."""
ALL = "all"


@dataclass(frozen=True, slots=True)
class Holding:
    """One of the patient's requests that still holds data, as the patient sees it."""

    case: Case
    number: int
    request: str
    """As `bot.services.naming.request_name` words it ("your child's request about the ...")."""
    state: str


async def kept_by_practice(store: Store, cases: list[Case], *, done: bool = False
                           ) -> str | None:
    """What the patient is told of the copies the practice keeps, when any of these requests
    (being or just deleted) was sent to it (`Case.submissions`); None when none was.

    Deleting here takes the photos and answers off the bot, and back from the GP's chat, but
    not from what the practice already saved to the GP record or received by email or MESH:
    that is the practice's record of the patient's care, kept under its records policy (UK
    GDPR Article 17(3)(c); docs/dpia.md, Rights). The words say so, why, and whom to call
    (`journey.delete.gp_record`; `_parent`, "your child's GP record", when a parent answers
    for a child), on every path (/delete, /cancel, a stop after photos). Once deleted
    (`done`), after a question that said it in full, it is said again in short
    (`journey.delete.gp_record_done`), so the patient does not read the same paragraph twice
    within a minute."""
    sent = [case for case in cases if case.submissions > 0]
    if not sent:
        return None
    practice = await store.practices.get(sent[-1].practice_id)
    assert practice is not None
    key = "journey.delete.gp_record_done" if done else "journey.delete.gp_record"
    return worded(key, parent=sent[-1].consent_by == "parent",
                  practice=practice.name, phone=practice.phone)


def with_kept(words: str, kept: str | None, *, done: bool = False) -> str:
    """The words, then what the practice keeps (`kept_by_practice`) if anything; once deleted
    (`done`), when nothing had reached the practice, that nothing was sent to the GP
    (`journey.delete.not_sent`), so a patient who stops halfway knows none of it went."""
    if kept is None:
        return f"{words}\n\n{text('journey.delete.not_sent')}" if done else words
    return f"{words}\n\n{kept}"


async def referral_note(store: Store, cases: list[Case], *, done: bool = False) -> str | None:
    """What the patient is told, before and after deleting, when a GP referred any of these
    requests to the hospital's skin service (`journey.delete.referral_open`, `referral_sent`,
    `_parent` for a parent); None when none was referred.

    Deleting here does not say what becomes of the referral, and a patient just told "the
    practice sends them within about 3 working days" would not know (found in the sandbox,
    newcomer34). Not yet marked sent on e-RS: it is not made until someone from the practice
    has spoken to them (staff are asked to, `inbox.staff.patient_deleted_referral`, and the GP
    is told, `inbox.gp.retract_referral_open`; hazard log H20). Already sent: deleting here
    does not cancel it, and the practice's number is given to cancel it. Once deleted
    (`done`: `referral_open_done`, `referral_sent_done`), the message saying so gives the
    number already, so these point to it rather than give it twice."""
    referred = [case for case in cases if case.decision == REFERRED]
    if not referred:
        return None
    case = referred[-1]
    practice = await store.practices.get(case.practice_id)
    assert practice is not None
    which = ("referral_sent" if case.referral_sent_at else "referral_open") + (
        "_done" if done else "")
    return worded(f"journey.delete.{which}", parent=case.consent_by == "parent",
                  practice=practice.name, phone=practice.phone)


def with_referral(words: str, note: str | None) -> str:
    """The words, then the referral note (`referral_note`) if any."""
    return words if note is None else f"{words}\n\n{note}"


class Deletion:
    """List, choose and erase a patient's requests; the caller holds the patient's lock."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def holding(self, user_id: int) -> list[Holding]:
        """The patient's requests that still hold photos or answers, oldest first: not yet
        erased, or erased with photo files still to remove."""
        cases = await self._store.cases.for_patient(user_id)
        pending = await self._store.deletions.cases_pending([c.id for c in cases])
        found = [c for c in cases if c.erased_at is None or c.id in pending]
        return [Holding(case, number,
                        request_name(case, await self._store.answers.for_case(case.id)),
                        self._state(case, pending))
                for number, case in enumerate(found, start=1)]

    @staticmethod
    def _state(case: Case, pending: set[int]) -> str:
        if case.erased_at is not None and case.id in pending:
            return text("journey.delete.being_deleted")
        return stage_words(case)  # a photo taken again counted as the patient was told

    async def ask(self, user_id: int) -> list[Reply]:
        """Answer /delete: nothing to delete, one request to confirm, or a choice."""
        found = await self.holding(user_id)
        if not found:
            return [say(text("journey.commands.nothing_to_delete"))]
        if len(found) == 1:
            only = found[0]
            yes = Button(text("journey.commands.delete_yes"),
                         button_data("any", GO, str(only.case.id)))
            words = text("journey.delete.one", request=only.request, state=only.state)
            words = with_kept(words, await kept_by_practice(self._store, [only.case]))
            return [say(with_referral(words, await referral_note(self._store, [only.case])),
                        (yes, _keep(str(only.case.id), 1)))]
        lines = "\n".join(text("journey.delete.line", number=h.number,
                               request=h.request[:1].upper() + h.request[1:], state=h.state)
                          for h in found)
        every = f"{ALL}{max(h.case.id for h in found)}"
        picks = [Button(text("journey.delete.pick", number=h.number),
                        button_data("any", PICK, str(h.case.id))) for h in found]
        picks.append(Button(text("journey.delete.pick_all", count=len(found)),
                            button_data("any", PICK, every)))
        picks.append(_keep(every, len(found)))
        return [Reply(text=text("journey.delete.several", count=len(found), lines=lines),
                      buttons=one_per_row(*picks))]

    async def tapped(self, user_id: int, question: str, value: str) -> list[Reply] | None:
        """Handle a /delete button; None if it no longer applies (already done, not theirs)."""
        if question == KEEP:
            # "No, keep them": true only if every request the question named is still held
            # (not deleted since by its own "Yes", or by another list's); "-" is the data of
            # a button from before it named them
            named, _, count = value.partition(":")
            if value != "-" and (not count.isdigit() or len(
                    self._chosen(await self.holding(user_id), named)) < int(count)):
                return None
            return [say(text("journey.commands.kept"))]
        chosen = self._chosen(await self.holding(user_id), value)
        if not chosen:
            return None
        if question == PICK:
            confirm = self._confirm(chosen, value)
            cases = [h.case for h in chosen]
            kept = await kept_by_practice(self._store, cases)
            note = await referral_note(self._store, cases)
            return [replace(confirm, text=with_referral(with_kept(confirm.text, kept), note))]
        if question != GO:
            return None
        left = 0
        for holding in chosen:
            case = holding.case
            if case.erased_at is None:
                left += await erasure.erase(self._store, case, Stage.ERASED, actor="patient",
                                            reason="patient_deleted")
            else:
                left += await erasure.finish(self._store, case.id)
        practice = await self._store.practices.get(chosen[-1].case.practice_id)
        assert practice is not None
        if left:
            done = say(text("journey.delete.partly", count=left, practice=practice.name,
                            phone=practice.phone))
        else:
            done = say(text("journey.commands.deleted", practice=practice.name,
                            phone=practice.phone))
        # copies the practice already filed are the practice's record, not ours
        cases = [h.case for h in chosen]
        done = say(with_referral(
            with_kept(done.text, await kept_by_practice(self._store, cases, done=True),
                      done=True),
            await referral_note(self._store, cases, done=True)))
        phoning = [h.case for h in chosen if h.case.decision == URGENT
                   and h.case.task_done_at is None]
        if not phoning:
            return [done]
        # The urgent task outlives the erasure (staff were told again, `erasure.erase`): the
        # patient must not take the deletion for the end of it.
        ours = await self._store.practices.get(phoning[-1].practice_id)
        assert ours is not None
        parent = phoning[-1].consent_by == "parent"
        return [done, say(worded("journey.delete.still_phoning", parent=parent,
                                 practice=ours.name, phone=ours.phone))]

    @staticmethod
    def _chosen(found: list[Holding], value: str) -> list[Holding]:
        """The requests a button names, among those the patient still has."""
        if value.startswith(ALL) and value[len(ALL):].isdigit():
            upto = int(value[len(ALL):])
            return [h for h in found if h.case.id <= upto]
        return [h for h in found if value.isdigit() and h.case.id == int(value)]

    @staticmethod
    def _confirm(chosen: list[Holding], value: str) -> Reply:
        keep = _keep(value, len(chosen))
        if value.startswith(ALL):
            words = text("journey.delete.confirm_all", count=len(chosen))
            yes = Button(text("journey.delete.yes_all"), button_data("any", GO, value))
        else:
            only = chosen[0]
            words = text("journey.delete.confirm_one", request=only.request, state=only.state)
            yes = Button(text("journey.delete.yes_one"), button_data("any", GO, value))
        return say(words, (yes, keep))


def _keep(value: str, count: int) -> Button:
    """"No, keep them" for the requests `value` names (as "Yes" names them), `count` of them
    held when it was asked (`Deletion.tapped`)."""
    return Button(text("journey.commands.delete_no"), button_data("any", KEEP, f"{value}:{count}"))
