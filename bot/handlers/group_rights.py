"""Whether the bot may post again in a practice inbox group it could not post in (hazard log
H49).

Telegram sends the bot nothing when a group's permissions for all members change. A group
whose permissions took messages or files away from its members is found at the first case
refused there (`bot.inbox.moved.inbox_group_refused`) and its cases go to the GPs' own chats;
when the permissions are put right, nothing tells the bot either. So every
`RIGHTS_CHECK_EVERY` seconds this job asks Telegram about each lost chat that is a practice's
inbox group, and a group the bot may post in again is back (`inbox_group_back`: staff told,
new cases go there, those sent to the GPs meanwhile stay with them, H63). Which groups are
lost is kept in the store, so the checks go on after a restart.
"""

from __future__ import annotations

import logging

from bot.handlers.can_post import can_post_now
from bot.handlers.context import BotContext
from bot.inbox.moved import found_tag, inbox_group_back

log = logging.getLogger("bot.handlers")

RIGHTS_CHECK_EVERY = 5 * 60
"""How often (seconds) the bot asks Telegram whether it may post again in each practice inbox
group it could not post in (`recheck_inbox_groups`): at most this long after a group's
settings are put right, new cases go there again."""


async def recheck_inbox_groups(context: BotContext) -> None:
    """Job run every `RIGHTS_CHECK_EVERY`: for each chat the bot could not post in that is a
    practice's inbox group, ask Telegram whether it may post a case there now
    (`bot.handlers.can_post.can_post_now`); if so, the group is back (`inbox_group_back`, as
    for a restriction lifted). A failure is logged and the next run tries again."""
    services = context.services
    store = services.store
    back = 0
    try:
        for chat_id in sorted(await store.practices.lost_chats()):
            if chat_id >= 0 or await store.practices.with_inbox(chat_id) is None:
                continue  # a person who blocked the bot, or a group no longer an inbox
            if await can_post_now(context.bot, chat_id):
                await inbox_group_back(store, chat_id, found_tag(), restricted=True)
                back += 1
    except Exception:
        log.exception("inbox groups not checked")
    if back:
        log.info("inbox groups the bot may post in again", extra={"count": back})
        services.queued()
