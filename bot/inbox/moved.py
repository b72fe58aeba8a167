"""A practice inbox group upgraded to a supergroup keeps getting its cases (hazard log H39);
one the bot was taken out of hands its cases to the practice's GPs until the bot is back
(H41, H52).

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

When the bot is taken out of an inbox group (`my_chat_member`), the group is noted as lost:
the practice's new cases, and those waiting there for a GP, go to its GPs' own chats, and staff
are told so with the references (`inbox_group_lost`); when the bot is added back, or the
operator sets an inbox group, cases go to the group again (`inbox_group_back`,
`PracticeRepository.set_inbox`). A bot restricted in the group so that it may not send messages
there is taken as removed, and as added back when it may again (H55, `restricted`).

Telegram tells the bot nothing when a group's permissions for all members change (H49): a
case refused there for want of rights is taken as the bot losing the group
(`inbox_group_refused`, from `bot.handlers.delivery.TelegramSender`), and a lost group is
asked about every few minutes (`bot.handlers.group_rights`) to see whether it is back.
"""

from __future__ import annotations

import logging
import time

from bot.content import text
from bot.inbox.routing import alert_chats, resend_waiting
from bot.store import Store
from bot.store.audit import Detail
from bot.store.models import Outgoing, Stage

log = logging.getLogger("bot.inbox")


def found_tag() -> int:
    """A tag (as an update's id, for `inbox_group_lost` and `inbox_group_back`) for a change
    the bot found out itself, not told by Telegram's update: the time in milliseconds, far
    above any update id, so it never stands for an update's, nor for another finding."""
    return time.time_ns() // 1_000_000


async def inbox_group_refused(store: Store, chat_id: int, tag: int) -> bool:
    """Telegram refused a part of a case sent to the group `chat_id` because the bot may not
    send it there (400 or 403 "not enough rights"): the group's permissions for members were
    changed, which Telegram tells the bot nothing of (hazard log H49). If it is a practice's
    inbox group not yet noted as lost, it is taken as lost as for a restriction
    (`inbox_group_lost` with `restricted`: its cases go to the GPs' own chats, staff told
    once). True if so; False if it is not an inbox group or was lost already (the send then
    fails as any other, H07)."""
    practices = store.practices
    if await practices.with_inbox(chat_id) is None or chat_id in await practices.lost_chats():
        return False
    await inbox_group_lost(store, chat_id, tag, restricted=True)
    return True


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


async def inbox_group_lost(store: Store, chat_id: int, tag: int, *,
                           restricted: bool = False) -> int:
    """The bot was removed from the group `chat_id` (Telegram's `my_chat_member`; `tag`, the
    update's id, tells one change from a later one, even within the same second), or,
    `restricted`, is still in it but may not post a case there (its own restriction, or the
    group's permissions for members, take messages or files away: H49, H55). The group is noted
    as lost (`PracticeRepository.chat_lost`). If it is a practice's inbox group, the practice's
    new cases and the ones delivered there still waiting for a GP go to its GPs' own chats
    (those who did not block the bot) until the bot is added back (`inbox_group_back`) or the
    operator sets an inbox (`bot.inbox.routing.gp_chats`, `resend_waiting`; hazard log H52), and
    its staff and admins (its GPs if it has none) are told at once, with the references of those
    waiting cases, where they went and what to do (`inbox.staff.inbox_group_removed`, or
    `_no_gp` when no GP can get them in their own chat, H41; `inbox_group_restricted` and its
    `_no_gp` when `restricted`); audited `practice.inbox_removed`. Returns how many were told
    (0: not an inbox group, or nobody to tell, which is logged)."""
    await store.practices.chat_lost(chat_id)
    practice = await store.practices.with_inbox(chat_id)
    if practice is None:
        return 0
    why = "restricted" if restricted else "removed"
    references = [case.reference
                  for case in await store.cases.at_stage(practice.id, Stage.SUBMITTED)
                  if not case.erased_at and chat_id in await store.outbox.delivered_chats(case.id)]
    lost = await store.practices.lost_chats()
    to_gps = any(m.role == "gp" and m.telegram_user_id not in lost
                 for m in await store.practices.members(practice.id))
    if to_gps:
        again = await resend_waiting(store, practice.id, chat_id, tell_staff=False)
        waiting = (text("inbox.staff.inbox_group_removed_sent", references=", ".join(references))
                   if references else "")
        words = text(f"inbox.staff.inbox_group_{why}", waiting=waiting)
    else:
        again = 0
        waiting = (text("inbox.staff.inbox_group_removed_waiting",
                        references=", ".join(references)) if references else "")
        words = text(f"inbox.staff.inbox_group_{why}_no_gp", waiting=waiting)
    chats = await alert_chats(store, practice.id)
    await store.outbox.add(None, [
        Outgoing(chat, "staff.alert", {"text": words, "practice_id": practice.id},
                 f"practice:{practice.id}:inbox-{why}:{tag}:{chat}") for chat in chats])
    facts: Detail = {"waiting": len(references), "sent_to_gps": again,
                     "restricted": restricted}
    await store.audit.record("practice.inbox_removed", actor="telegram",
                             practice_id=practice.id, detail=facts)
    if chats:
        log.warning("bot can no longer post in a practice inbox group",
                    extra={"practice_id": practice.id, **facts})
    else:
        log.error("bot can no longer post in a practice inbox group: nobody to tell",
                  extra={"practice_id": practice.id, **facts})
    return len(chats)


async def inbox_group_back(store: Store, chat_id: int, tag: int, *,
                           restricted: bool = False) -> int:
    """The bot was added to the group `chat_id` again (`my_chat_member`; `tag` as for
    `inbox_group_lost`), or, `restricted`, was in it and may post a case there again (its
    restriction lifted, or made an admin: H49, H55). The group is no longer lost; if it is a
    practice's inbox group that was, its new cases go there again, and its staff and admins
    (its GPs if it has none) are told so (`inbox.staff.inbox_group_back`, or
    `inbox_group_allowed`). Audited `practice.inbox_back`. Returns how many were told.

    Cases sent to the GPs' own chats while the group was lost stay there, so each is decided
    in one place (H63): their messages in the group lose their buttons and say where the case
    is (`gp.moved_away`), and the group is told which they are (`moved_back_note`)."""
    since = await store.practices.lost_since(chat_id)
    if not await store.practices.chat_back(chat_id):
        return 0
    practice = await store.practices.with_inbox(chat_id)
    if practice is None:
        return 0
    chats = await alert_chats(store, practice.id)
    words = text("inbox.staff.inbox_group_allowed" if restricted
                 else "inbox.staff.inbox_group_back")
    await store.outbox.add(None, [
        Outgoing(chat, "staff.alert", {"text": words, "practice_id": practice.id},
                 f"practice:{practice.id}:inbox-back:{tag}:{chat}") for chat in chats])
    moved = await moved_back_note(store, practice.id, chat_id, since or "", tag)
    await store.audit.record("practice.inbox_back", actor="telegram", practice_id=practice.id,
                             detail={"restricted": restricted, "stay_with_gps": moved})
    log.warning("bot can post in a practice inbox group again",
                extra={"practice_id": practice.id, "restricted": restricted,
                       "stay_with_gps": moved})
    return len(chats)


async def inbox_group_set(store: Store, practice_id: int, chat_id: int, *,
                          lost_since: str | None, again: bool) -> int:
    """The operator made the group `chat_id` the practice's inbox (`python -m bot practice
    inbox --inbox-chat-id`, `PracticeRepository.set_inbox`, which ends its being lost): the
    group is told so (`inbox.gp.group_inbox_again` if it was the inbox before, `again`, or
    the bot could not post in it until now, `lost_since`; else `group_inbox_set`), so its
    GPs know cases come there. If it had been lost, the cases sent on to the GPs' own chats
    since then stay there and lose their buttons in the group, as when Telegram says the bot
    is back (`moved_back_note`, hazard log H63). Returns how many such cases."""
    practice = await store.practices.get(practice_id)
    if practice is None:
        return 0
    tag = found_tag()
    key = "inbox.gp.group_inbox_again" if again or lost_since else "inbox.gp.group_inbox_set"
    await store.outbox.add(None, [Outgoing(
        chat_id, "staff.alert", {"text": text(key, practice=practice.name),
                                 "practice_id": practice_id},
        f"practice:{practice_id}:inbox-set:{tag}:{chat_id}")])
    moved = await moved_back_note(store, practice_id, chat_id, lost_since, tag) if lost_since else 0
    log.info("practice inbox group set by the operator",
             extra={"practice_id": practice_id, "again": bool(again or lost_since),
                    "stay_with_gps": moved})
    return moved


async def moved_back_note(store: Store, practice_id: int, chat_id: int, since: str,
                          tag: int) -> int:
    """The inbox group `chat_id` is back after being lost `since` (ISO 8601 UTC): each case
    of the practice delivered there that was sent on to another chat since then and still
    waits for a GP's decision stays where it was sent (moving it back could take it from a
    GP deciding it). So that it cannot be decided in the group too, its summary or notice
    there loses its buttons and says where it went (`gp.moved_away`,
    `inbox.gp.moved_to_gps`), and the group gets one note naming them by reference
    (`inbox.gp.group_back_moved`). Returns how many cases."""
    moved = [case for case in await store.cases.at_stage(practice_id, Stage.SUBMITTED)
             if not case.erased_at and chat_id in await store.outbox.delivered_chats(case.id)
             and await store.outbox.delivered_elsewhere_since(case.id, chat_id, since)]
    for case in moved:
        await store.outbox.add(case.id, [Outgoing(
            chat_id, "gp.moved_away", {"case_id": case.id},
            f"case:{case.id}:moved-away:{tag}:{chat_id}")])
    if moved:
        note = text("inbox.gp.group_back_moved",
                    references=", ".join(case.reference for case in moved))
        await store.outbox.add(None, [Outgoing(
            chat_id, "staff.alert", {"text": note, "practice_id": practice_id},
            f"practice:{practice_id}:group-back-moved:{tag}:{chat_id}")])
    return len(moved)
