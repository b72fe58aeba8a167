"""A message for practice staff (an alert, an urgent task) that one person cannot receive goes
to someone else at the practice: it is never dropped without a person hearing of it (hazard log
H22, H07).

A task to make a referral on e-RS (`bot.inbox.referral_task`) goes to the other staff only,
never to the GPs (step 2): the GP who decided has the same button in their own message. Its
reminder (`bot.services.reminders.chase_referrals`) is passed on as an alert is.

A `staff.alert` or `staff.task` fails for good when Telegram refuses it (the person blocked the
bot: 403; a 400), when the retries run out, when its person has never opened the bot (it also
waits for them), or when its person is no longer a member of the practice (checked before each
send, `still_a_member`). Then, in order:

1. every other member of staff or admin of the practice who has not had this message gets it;
2. if none is left and nobody has it (sent, or queued and not waiting for a first opening), an
   urgent task goes to the GP who decided it, in their own chat, saying that it could not be
   delivered to staff (`inbox.gp.task_undelivered`, with the "Done" button); an alert goes to
   the practice's GPs as it is;
3. if no GP can receive it in their own chat either (blocked the bot, never opened it: GPs who
   work in the practice's inbox group may never have), it goes to that inbox group, if the
   practice has one, as the GP's copy would have read (`inbox.gp.task_undelivered` for a task,
   with its "Done" button): the group is where those GPs read and decide (hazard log H22);
4. if there is no inbox group, or it cannot receive it either, the failure is logged and audited
   (`delivery.reached_nobody`, listed by `python -m bot unreached`) and an urgent case stays
   first in `/invites` ("Urgent") until someone taps "Done".

A chat that refused something of the case for good (a 403: a GP who blocked the bot) and has had
nothing of it since counts as tried (`bot.services.alerting.failed_chats`); an outage, a 400
about one message or an erased case leaves no chat out.

"This message" is one alert or task across its recipients: every staff item's dedupe key ends
with its chat id (`...:<chat>`), so the key without it names the message, and a copy is queued
under that name with its own chat, at most once per chat.
"""

from __future__ import annotations

import json
import logging

from bot.content import text
from bot.inbox.access import member_of
from bot.services.alerting import failed_chats, reached_nobody
from bot.services.delivery import PARKED
from bot.store import Store
from bot.store.models import OutboxItem, Outgoing

log = logging.getLogger("bot.inbox")
STAFF_KINDS = ("staff.alert", "staff.task")


def message_of(item: OutboxItem) -> str:
    """The name of the message an item carries, the same for every recipient: the `root` a
    passed-on copy carries, or the item's dedupe key without its final `:<chat>`."""
    payload = _payload(item)
    return str(payload.get("root") or item.dedupe_key.rsplit(":", 1)[0])


async def still_a_member(store: Store, item: OutboxItem) -> bool:
    """Whether the person a staff item is for is still a member of its practice (any role),
    checked before each send as GP items are (`bot.inbox.routing.still_a_recipient`): someone
    removed from the practice gets no patient reference, nor any other news of the practice.
    The practice is the case's, or, for an item about no case (a join code used, the inbox
    group removed or back), the one its payload names (`practice_id`); an item about no case
    that names none (queued before they did) goes only to someone still a member of some
    practice (hazard log H60). True too for an item to the practice's inbox group now
    (`pass_on`'s last resort; a group the practice has replaced is not)."""
    if item.case_id is not None:
        case = await store.cases.get(item.case_id)
        if case is None:
            return False
        practice_id: int | None = case.practice_id
    else:
        named = _payload(item).get("practice_id")
        practice_id = named if isinstance(named, int) else None
    if await member_of(store, item.chat_id, practice_id) is not None:
        return True
    if practice_id is None:
        return False
    practice = await store.practices.get(practice_id)  # the last resort of `pass_on`
    return practice is not None and practice.inbox_chat_id == item.chat_id


async def pass_on(store: Store, item: OutboxItem, reason: str) -> list[Outgoing]:
    """A staff item could not be delivered (`reason`, the outbox's verdict): queue the same
    message for whoever should get it instead (see the module's steps) and return what was
    queued (empty if someone already has it, or if nobody can be found)."""
    payload = _payload(item)
    case = await store.cases.get(item.case_id) if item.case_id is not None else None
    words = payload.get("text")
    if case is None or item.kind not in STAFF_KINDS or not isinstance(words, str):
        return []
    if payload.get("personal"):  # for one person only (the deciding GP's urgent chase):
        return []  # the others have their own copy, in their own words
    name = message_of(item)
    copies = [c for c in await store.outbox.for_case(case.id)
              if c.kind in STAFF_KINDS and message_of(c) == name]
    tried = {c.chat_id for c in copies} | {item.chat_id} | await failed_chats(store, case)
    holders = [c for c in copies if c.id != item.id and c.failed_at is None
               and not (c.last_error or "").startswith(PARKED)]
    members = await store.practices.members(case.practice_id)
    staff = [m.telegram_user_id for m in members
             if m.role in ("staff", "admin") and m.telegram_user_id not in tried]
    gps = [m.telegram_user_id for m in members if m.role == "gp"]
    base: dict[str, str | int | None] = {"text": words, "case_id": case.id, "root": name}
    if payload.get("referral"):  # a referral to make: passed on with its button and GP
        base["referral"] = 1
        decided_by = payload.get("gp")
        if isinstance(decided_by, int):
            base["gp"] = decided_by
    if staff:
        step, chats = "staff", staff
    elif holders:
        step, chats = "held", []
    else:
        step, chats = "gp", [gp for gp in gps if gp not in tried]
        decider = payload.get("gp")
        if payload.get("referral") and decider is not None:
            log.info("referral task not passed on to GPs: the GP who decided has it",
                     extra={"case_id": case.id, "reason": reason[:40]})
            return []
        if item.kind == "staff.task" and not payload.get("to_gp") and not payload.get(
                "referral"):
            if isinstance(decider, int) and decider in chats:
                chats = [decider]
            base = {**base, "to_gp": 1,
                    "text": text("inbox.gp.task_undelivered", reference=case.reference,
                                 task=words)}
    if payload.get("to_gp"):
        base = {**base, "to_gp": 1}
    if step == "gp" and not chats:  # no GP in their own chat: the group they work in
        practice = await store.practices.get(case.practice_id)
        group = practice.inbox_chat_id if practice is not None else None
        if group is not None and group not in tried:
            step, chats = "group", [group]
    queued = [Outgoing(chat, item.kind, base, f"{name}:{chat}") for chat in chats]
    context = {"case_id": case.id, "kind": item.kind, "to": step, "copies": len(queued),
               "reason": reason[:40]}
    if queued:
        await store.outbox.add(case.id, queued)
        log.info("staff message passed on", extra=context)
    elif step == "held":
        log.info("staff message not passed on: another member has it", extra=context)
    else:
        log.error("staff message reached nobody", extra=context)
        await reached_nobody(store, case, item.kind)
    return queued


def _payload(item: OutboxItem) -> dict[str, object]:
    try:
        found = json.loads(item.payload or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
