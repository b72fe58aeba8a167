"""A practice inbox group upgraded to a supergroup keeps getting its cases (hazard log H39).

Telegram makes a new group as a basic group and upgrades it to a supergroup when an admin
makes its history visible to new members, gives an admin certain rights, or it grows past
200 members. The supergroup has a new chat id, and Telegram refuses the old one from then on
(400 "group chat was upgraded to a supergroup chat", `migrate_to_chat_id`). Until this module,
the practice's inbox stayed the old id: every case for the inbox was retried for about two
hours into a chat that no longer existed before staff heard, and the GPs' decision buttons on
cases already there could no longer be answered.

The bot learns of an upgrade from Telegram's two service messages (`migrate_from_chat_id` in
the supergroup, `migrate_to_chat_id` in the old group: `bot.handlers.groups`) or, when it
missed them, from the refusal of a send (`bot.handlers.delivery.TelegramSender`). Either way,
once: the practice's inbox becomes the supergroup, and every case delivered to the old group
and still waiting for a GP's decision is queued again for the supergroup, with a note to staff
(`bot.inbox.routing.resend_waiting`); anything still queued for the old group is redirected when
it is next tried, as for a replaced inbox group.
"""

from __future__ import annotations

import logging

from bot.inbox.routing import resend_waiting
from bot.store import Store

log = logging.getLogger("bot.inbox")


async def inbox_group_moved(store: Store, old_chat_id: int, new_chat_id: int) -> bool:
    """Record that the group `old_chat_id` is now the supergroup `new_chat_id` (Telegram chat
    ids, negative): if it was a practice's inbox group, the practice's inbox becomes the
    supergroup and its waiting cases are queued for it (`resend_waiting`). Returns True if
    the supergroup is a practice's inbox group now (moved by this call or an earlier one),
    False if neither chat is one (a group the bot is in for another reason)."""
    practice_id = await store.practices.move_inbox(old_chat_id, new_chat_id)
    if practice_id is None:
        return await store.practices.with_inbox(new_chat_id) is not None
    again = await resend_waiting(store, practice_id, old_chat_id)
    log.warning("practice inbox group upgraded to a supergroup",
                extra={"practice_id": practice_id, "cases_sent_again": again})
    return True
