"""The task for practice staff to make a referral on e-RS once a GP decides to refer, and the
"Referral sent on e-RS" buttons that follow it (hazard log H48: a referral decided but never
made).

In many practices the GP decides and a secretary makes the e-RS referral, so when a GP refers,
each member of staff (and admin) of the practice gets a task (`referral_task`): which case (the
practice's own reference and the case reference), that the GP decided to refer, and where the
referral pack is. Staff never get the pack or the photos here (bot/inbox/access.py: only GPs
see them). The task carries the same "Referral sent on e-RS" as the GP's own message: whoever
taps first records it (`bot.inbox.decisions.Inbox.mark_referral_sent`), after saying Yes to
"Have you made the referral on e-RS?" (`referral_confirm_rows`); every message with the button
(its text and its button) is then changed to say who did it and when (`marked_edits`, queued in the
transaction that records it), and a second tap there changes nothing; someone who answers
second (asked before the first answered) is told who marked it, when and with which UBRN, and
what became of the UBRN they typed (`second_mark_words`, hazard log H71). Once the case is
erased, each noted message becomes a neutral line (`bot.store.outbox.REFERRAL_ERASED`). The
messages are noted in SQLite (`OutboxRepository.note_referral_button`), so a restart loses none
of this. Plain service, no Telegram.
"""

from __future__ import annotations

from bot.content import text
from bot.inbox.access import MANAGING_ROLES
from bot.inbox.alerts import patient_ref_of
from bot.inbox.digest import uk_time
from bot.inbox.gp_messages import Rows, column
from bot.inbox.payloads import ReferralConfirm, ReferralSent
from bot.services.alerting import would_hear
from bot.store import Store
from bot.store.models import Case, Member, Outgoing

SENT_EVENT = "case.referral_sent"
"""The audit event of a referral marked sent on e-RS; its actor is who tapped."""
MARKED = "referral.marked"
"""The outbox kind that changes one message's "Referral sent on e-RS" button to say who marked
it sent and when (payload: case id, message id, the label)."""


async def pack_place(store: Store, case: Case, gp: Member) -> str:
    """Where the referral pack is, as staff read it: the places they can open
    (`inbox.staff.referral_pack`: the practice inbox group if the case went there, the practice
    mailbox and the GP record if the practice has them); only when it is in none of them, that
    it went to the GP's own chat, which staff cannot see, so they ask the GP for it
    (`inbox.staff.referral_pack_gp_only`)."""
    practice = await store.practices.get(case.practice_id)
    places: list[str] = []
    if practice is not None and practice.gp_chat_gets_content:
        group = practice.inbox_chat_id
        if group is not None and group in await store.outbox.delivered_chats(case.id):
            places.append(text("inbox.staff.referral_pack_group"))
    for channel in practice.record_channels if practice is not None else ():
        places.append(text(f"channels.gp.where_{channel}"))
    if not places:
        return text("inbox.staff.referral_pack_gp_only", gp=gp.display_name)
    return text("inbox.staff.referral_pack", places=text("channels.gp.where_join").join(places))


async def task_chats(store: Store, case: Case, gp_user_id: int) -> list[int]:
    """The chats of the members of staff or admin of the practice who would get the task to
    make the referral if the GP with this Telegram id referred the case (never that GP)."""
    managing = {m.telegram_user_id for m in await store.practices.members(case.practice_id)
                if m.role in MANAGING_ROLES}
    return [chat for chat in await would_hear(store, case, leaving_out=(gp_user_id,))
            if chat in managing]


async def referral_task(store: Store, case: Case, gp: Member) -> list[Outgoing]:
    """The task for each member of staff or admin of the practice who can receive it (never
    the GP who decided, who has it in their own message; none in a practice of GPs only), to
    queue with the decision: sent as `staff.task` with "referral" in its payload, so it is
    delivered with the "Referral sent on e-RS" button and passed on to other staff if one
    cannot receive it (`bot.inbox.undelivered.pass_on`)."""
    chats = await task_chats(store, case, gp.telegram_user_id)
    if not chats:
        return []
    words = text("inbox.staff.referral_task", patient_ref=await patient_ref_of(store, case),
                 reference=case.reference, gp=gp.display_name,
                 where=await pack_place(store, case, gp))
    return [Outgoing(chat, "staff.task", {"text": words, "case_id": case.id, "referral": 1,
                                          "gp": gp.telegram_user_id},
                     f"case:{case.id}:sub:{case.submissions}:referral-task:{chat}")
            for chat in chats]


def referral_rows(case_id: int) -> Rows:
    """The "Referral sent on e-RS" button of a member of staff's task."""
    return column((text("inbox.staff.referral_sent"), ReferralSent(case_id)))


def referral_confirm_rows(case_id: int) -> Rows:
    """Under "Have you made the referral on e-RS?": "Yes" (records it) or "No, go back"."""
    return column((text("inbox.staff.referral_confirm_yes"), ReferralConfirm(case_id, True)),
                  (text("inbox.staff.referral_confirm_no"), ReferralConfirm(case_id, False)))


def marked_label(name: str, when: str | None) -> str:
    """The button that says who marked the referral sent and when (UK time)."""
    return text("inbox.staff.referral_marked", name=name, when=uk_time(when))


def marked_rows(case_id: int, label: str) -> Rows:
    """The one button left once the referral is marked sent: tapped, it changes nothing."""
    return column((label, ReferralSent(case_id)))


def ubrn_words(ubrn: str) -> str:
    """A stored UBRN (12 digits) as people read it, in groups of four: "0001 2345 6789".
    Leading zeros are kept: the number is never read as an integer."""
    return " ".join(ubrn[i:i + 4] for i in range(0, len(ubrn), 4))


def ubrn_note(ubrn: str | None) -> str:
    """" (UBRN 0001 2345 6789)" to follow "referral sent on e-RS" (`inbox.gp.ubrn_note`), or
    "" without one."""
    return text("inbox.gp.ubrn_note", ubrn=ubrn_words(ubrn)) if ubrn else ""


async def marked_payload(store: Store, case: Case, name: str, when: str, message_id: int,
                         ubrn: str | None = None) -> dict[str, str | int | None]:
    """What a `MARKED` item changes on one message: its text now says who marked the
    referral sent and when, with its UBRN if one was given (`ubrn`, else the case's own:
    `inbox.staff.referral_marked_note`), so nobody reading an older copy (the GP's "now make
    the referral", a member of staff's task) makes it twice, and its button says who and
    when (`marked_label`)."""
    return {"case_id": case.id, "message_id": message_id, "label": marked_label(name, when),
            "text": text("inbox.staff.referral_marked_note",
                         patient_ref=await patient_ref_of(store, case),
                         reference=case.reference, name=name, when=uk_time(when),
                         ubrn=ubrn_note(ubrn or case.ubrn))}


async def marked_edits(store: Store, case: Case, name: str, when: str,
                       ubrn: str | None = None) -> list[Outgoing]:
    """One `MARKED` item per message noted with the case's button (`note_referral_button`),
    to queue in the transaction that records the referral sent by `name` at `when` (with
    its UBRN, if given)."""
    return [Outgoing(chat, MARKED, await marked_payload(store, case, name, when, message, ubrn),
                     f"case:{case.id}:referral-marked:{chat}:{message}")
            for chat, message in await store.outbox.referral_buttons(case.id)]


async def _marker(store: Store, case: Case) -> Member | None:
    """Whoever marked the case's referral sent (the actor of its last `SENT_EVENT`), if
    still known."""
    events = [e for e in await store.audit.for_case(case.id) if e.kind == SENT_EVENT]
    actor = events[-1].actor if events else ""
    number = actor.removeprefix("member:")
    return await store.practices.member(int(number)) if number.isdigit() else None


async def who_marked(store: Store, case: Case) -> str:
    """The name of whoever marked the case's referral sent (from the audit trail), or "a
    former member" if they are no longer known."""
    member = await _marker(store, case)
    return member.display_name if member is not None else text("inbox.staff.someone")


async def who_marked_as(store: Store, case: Case) -> str:
    """Whoever marked the case's referral sent, by name and role ("Sue Smith (practice
    staff)": `inbox.staff.marker`, `inbox.staff.role_*`), or "a former member"."""
    member = await _marker(store, case)
    if member is None:
        return text("inbox.staff.someone")
    return text("inbox.staff.marker", name=member.display_name,
                role=text(f"inbox.staff.role_{member.role}"))


def second_mark_words(case: Case, who: str, typed: str | None) -> str:
    """What a second "Referral sent on e-RS" is told (hazard log H71): already marked, by
    `who`, when, and the UBRN on record (or none), then, if they typed a UBRN (`typed`,
    12 digits), whether it is the same, or that theirs was not recorded and e-RS is to be
    checked for a second referral. Nothing is recorded by it."""
    on_record = case.ubrn
    said = text("inbox.staff.second_mark", reference=case.reference, who=who,
                when=uk_time(case.referral_sent_at),
                ubrn=text("inbox.staff.second_mark_ubrn", ubrn=ubrn_words(on_record))
                if on_record else text("inbox.staff.second_mark_no_ubrn"))
    if typed is None:
        return said
    if typed == on_record:
        return said + text("inbox.staff.second_mark_same")
    key = "second_mark_differs" if on_record else "second_mark_unrecorded"
    return said + text(f"inbox.staff.{key}", typed=ubrn_words(typed))
