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
(`inbox.staff.blocked_alert`). With no case waiting for them at all, staff are told once
that the GP blocked the bot, so they know new cases pass the GP by until they unblock it
(`inbox.staff.gp_blocked_idle`, or `_nobody` when no other GP or inbox group can get cases).
Unblocking makes them a recipient again for new cases.
"""

from __future__ import annotations

import logging

from bot.content import text
from bot.inbox.routing import alert_chats, gp_chats, resend_waiting
from bot.services.alerting import alert_recipients
from bot.store import Store
from bot.store.models import Member, Outgoing, Stage

log = logging.getLogger("bot.inbox")


async def person_blocked(store: Store, chat_id: int, tag: int = 0) -> int:
    """The person with this private chat (Telegram user id) blocked the bot (`tag`: the
    update's date in Unix seconds, telling one block from a later one). For each practice
    they are a GP of, their waiting cases go to its other recipients, or, with none, staff
    are told (`inbox.staff.blocked_alert`, deduplicated with the alert a failed send would
    raise); with no case waiting for them, staff are told once that new cases pass them by
    (`_tell_staff_of_idle`); audited `member.blocked_bot` per practice (a count only).
    Returns how many cases were sent to others (0 too for a block already noted). Only a
    member of a practice (staff, admin or GP) is noted (`PracticeRepository.chat_lost`): a
    patient's id is not kept."""
    memberships = await store.practices.memberships(chat_id)
    if not memberships or not await store.practices.chat_lost(chat_id):
        return 0  # a patient's block is not noted: nothing to route, and no id kept
    again = 0
    for member in memberships:
        if member.role != "gp":
            continue
        moved = await resend_waiting(store, member.practice_id, chat_id)
        stuck = await _tell_staff_of_stuck(store, member.practice_id, chat_id)
        if not moved and not stuck:
            await _tell_staff_of_idle(store, member, tag)
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


async def _tell_staff_of_idle(store: Store, member: Member, tag: int) -> None:
    """Tell the practice's staff and admins (its other GPs if it has none) that this GP, with
    no case waiting, blocked the bot: new cases go to its other GPs or inbox group
    (`inbox.staff.gp_blocked_idle`), or reach no GP (`_nobody`). Once per block (`tag`)."""
    lost = await store.practices.lost_chats()
    practice = await store.practices.get(member.practice_id)
    others = (practice is not None and practice.inbox_chat_id is not None
              and practice.inbox_chat_id not in lost) or any(
        other.role == "gp" and other.telegram_user_id not in lost
        for other in await store.practices.members(member.practice_id))
    key = "inbox.staff.gp_blocked_idle" if others else "inbox.staff.gp_blocked_idle_nobody"
    words = text(key, gp=member.display_name)
    chats = await alert_chats(store, member.practice_id, leaving_out=(member.telegram_user_id,))
    await store.outbox.add(None, [
        Outgoing(chat, "staff.alert", {"text": words, "practice_id": member.practice_id},
                 f"practice:{member.practice_id}:gp-blocked:{member.id}:{tag}:{chat}")
        for chat in chats])
    if not chats:
        log.error("a GP blocked the bot: nobody to tell",
                  extra={"practice_id": member.practice_id})


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
