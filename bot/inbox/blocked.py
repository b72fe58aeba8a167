"""A GP who blocks the bot stops receiving cases at once (hazard log H51).

Telegram tells the bot when a person blocks it in their private chat (`my_chat_member`, the
bot's status "kicked") and when they unblock it (status "member"). Until this module the bot
ignored both: the cases waiting in a blocked GP's chat for a decision stayed there, where the GP
no longer sees the bot's messages, until the next failed send or the 3-day waiting alert.

Now, once per block: the chat is noted as lost (`PracticeRepository.chat_lost`), so every
practice the person is a GP of routes its new cases past them (`bot.inbox.routing.gp_chats`)
and alerts leave them out (`PracticeRepository.alert_chats`); every case they received that
still waits for a GP is sent to the practice's other GPs or inbox group with a note to staff
(`bot.inbox.routing.resend_waiting`), as for a GP who left (H40). A case with nobody else to go
to stays with the GP, and staff are told at once that the GP blocked the bot
(`inbox.staff.blocked_alert`). Unblocking makes them a recipient again for new cases.
"""

from __future__ import annotations

import logging

from bot.content import text
from bot.inbox.routing import gp_chats, resend_waiting
from bot.services.alerting import alert_recipients
from bot.store import Store
from bot.store.models import Outgoing, Stage

log = logging.getLogger("bot.inbox")


async def person_blocked(store: Store, chat_id: int) -> int:
    """The person with this private chat (Telegram user id) blocked the bot. For each
    practice they are a GP of, their waiting cases go to its other recipients, or, with none,
    staff are told (`inbox.staff.blocked_alert`, deduplicated with the alert a failed send
    would raise); audited `member.blocked_bot` per practice (a count only). Returns how many
    cases were sent to others (0 too for a block already noted). Only a member of a practice
    (staff, admin or GP) is noted (`PracticeRepository.chat_lost`): a patient's id is not
    kept."""
    memberships = await store.practices.memberships(chat_id)
    if not memberships or not await store.practices.chat_lost(chat_id):
        return 0  # a patient's block is not noted: nothing to route, and no id kept
    again = 0
    for member in memberships:
        if member.role != "gp":
            continue
        moved = await resend_waiting(store, member.practice_id, chat_id)
        stuck = await _tell_staff_of_stuck(store, member.practice_id, chat_id)
        await store.audit.record("member.blocked_bot", actor="telegram",
                                 practice_id=member.practice_id,
                                 detail={"sent_again": moved, "left_waiting": stuck})
        log.warning("a GP blocked the bot", extra={"practice_id": member.practice_id,
                                                   "cases_sent_again": moved,
                                                   "cases_left_waiting": stuck})
        again += moved
    return again


async def _tell_staff_of_stuck(store: Store, practice_id: int, chat_id: int) -> int:
    """Staff alerts for the practice's waiting cases that reached `chat_id` and have no other
    recipient now; returns how many such cases."""
    stuck = 0
    for case in await store.cases.at_stage(practice_id, Stage.SUBMITTED):
        if case.erased_at or chat_id not in await store.outbox.delivered_chats(case.id):
            continue
        if chat_id not in await gp_chats(store, case):
            continue
        stuck += 1
        words = text("inbox.staff.blocked_alert", reference=case.reference,
                     who=text("inbox.staff.who_gp"))
        chats = await alert_recipients(store, case, "blocked", leaving_out=(chat_id,))
        await store.outbox.add(case.id, [
            Outgoing(chat, "staff.alert", {"text": words},
                     f"alert:{case.id}:blocked:{chat_id}:{chat}") for chat in chats])
    return stuck


async def person_unblocked(store: Store, chat_id: int) -> bool:
    """The person with this private chat unblocked the bot: they receive new cases again as
    before (cases sent to others meanwhile stay there). True if they had been noted as
    blocked; audited `member.unblocked_bot` per practice they are a GP of."""
    if not await store.practices.chat_back(chat_id):
        return False
    for member in await store.practices.memberships(chat_id):
        if member.role == "gp":
            await store.audit.record("member.unblocked_bot", actor="telegram",
                                     practice_id=member.practice_id)
    return True
