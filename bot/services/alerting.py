"""Who hears an alert about a case: the practice's staff and admins, else its GPs, never a
chat that refused the case for good; and, when nobody can, a record for the operator (hazard
log H07, H22). Plain service, no Telegram: the journey, the inbox, reminders, erasure and the
record channels all alert through it."""

from __future__ import annotations

import logging
from collections.abc import Collection

from bot.services.delivery import REFUSED_FOR_GOOD
from bot.store import Store
from bot.store.models import Case

log = logging.getLogger("bot.alerts")


async def failed_chats(store: Store, case: Case) -> set[int]:
    """The Telegram chats that refused something of this case for good (REFUSED_FOR_GOOD) and
    have received nothing of it since (a person who unblocked the bot counts again): an alert
    sent there would fail too."""
    refused: dict[int, str] = {}
    reached: dict[int, str] = {}
    for item in await store.outbox.for_case(case.id):
        if item.channel != "telegram":
            continue
        if item.sent_at is not None:
            reached[item.chat_id] = max(reached.get(item.chat_id, ""), item.sent_at)
        elif item.failed_at is not None and (item.last_error or "").startswith(
                REFUSED_FOR_GOOD):
            refused[item.chat_id] = max(refused.get(item.chat_id, ""), item.failed_at)
    return {chat for chat, when in refused.items() if reached.get(chat, "") < when}


async def alert_recipients(store: Store, case: Case, alert: str, *,
                           leaving_out: Collection[int] = ()) -> list[int]:
    """The chats that get an alert about this case (`alert_chats`): the practice's staff and
    admins, else its GPs, without `leaving_out` and the chats that already failed for this
    case (`failed_chats`).

    `alert` names the alert ("blocked", "waiting", "stopped", ...) for the record: when
    nobody at all can be reached, the bot does not stay silent but logs an error and audits
    `delivery.reached_nobody` (case and practice ids and the alert's name, no personal
    data), which `python -m bot unreached` lists for the operator (hazard log H07).
    """
    skip = {*leaving_out, *await failed_chats(store, case)}
    chats = await store.practices.alert_chats(case.practice_id, leaving_out=skip)
    if not chats:
        await reached_nobody(store, case, alert)
    return chats


async def reached_nobody(store: Store, case: Case, alert: str) -> None:
    """Record that an alert about this case could reach nobody at its practice: an error log
    line each time, and the audit event `delivery.reached_nobody` (detail: the alert's name)
    once per case and alert (a daily reminder that reaches nobody is audited once)."""
    log.error("practice alert reached nobody",
              extra={"case_id": case.id, "practice_id": case.practice_id, "alert": alert})
    if any(event.kind == "delivery.reached_nobody" and f'"alert": "{alert}"' in event.detail
           for event in await store.audit.for_case(case.id)):
        return
    await store.audit.record("delivery.reached_nobody", actor="bot", case_id=case.id,
                             practice_id=case.practice_id, detail={"alert": alert})
