"""Who may do what: every staff and GP action is checked against the case's practice.

Roles (decided for issue 12, item 11; README "Who may do what", DPIA, hazard log H07):

- `gp`: sees photos, answers and the referral pack, and makes the clinical decisions.
- `staff` (reception) and `admin` (the practice manager): invites, /invites, /revoke, /stop and
  the list of waiting references; `admin` also adds members. Neither sees photos or answers or
  decides: a manager runs the service, a clinician makes the clinical decisions.

Case content goes only to a member's own private chat or to the practice's registered inbox
group (`Practice.inbox_chat_id`), never to any other group the bot is in (item 7).
"""

from __future__ import annotations

from bot.store import Store
from bot.store.audit import stranger
from bot.store.models import Case, Member, Practice, Role

GP_ROLES: tuple[Role, ...] = ("gp",)
"""Who may see a case's photos and answers and decide on it: GPs only, not managers."""
ANY_ROLE: tuple[Role, ...] = ("staff", "gp", "admin")
MANAGING_ROLES: tuple[Role, ...] = ("staff", "admin")
"""Who runs invites and may stop a case opened by the wrong person (GPs may too)."""


def private_chat(chat_id: int, telegram_user_id: int) -> bool:
    """True for a user's own one-to-one chat with the bot (Telegram gives it the user's id)."""
    return chat_id == telegram_user_id


def may_show_case(practice: Practice, chat_id: int, telegram_user_id: int) -> bool:
    """True if case content (references, photos, answers, pack) may be posted in this chat:
    the member's own private chat, or the practice's registered inbox group."""
    return private_chat(chat_id, telegram_user_id) or (
        practice.inbox_chat_id is not None and chat_id == practice.inbox_chat_id)


async def member_of(store: Store, telegram_user_id: int, practice_id: int | None = None,
                    roles: tuple[Role, ...] = ANY_ROLE) -> Member | None:
    """The user's membership (of this practice, if given) with one of these roles, if any."""
    for member in await store.practices.memberships(telegram_user_id):
        if member.role in roles and (practice_id is None or member.practice_id == practice_id):
            return member
    return None


async def case_for_member(store: Store, telegram_user_id: int, case_id: int,
                          roles: tuple[Role, ...] = GP_ROLES) -> tuple[Member, Case] | None:
    """The case and the user's membership of its practice; None (and an audit entry) if not."""
    case = await store.cases.get(case_id)
    member = None
    if case is not None:
        member = await member_of(store, telegram_user_id, case.practice_id, roles)
    if case is None or member is None:
        known = await member_of(store, telegram_user_id)
        await store.audit.record(
            "access.refused", actor=f"member:{known.id}" if known else stranger(telegram_user_id),
            case_id=case.id if case else None, detail={"case_id": case_id},
        )
        return None
    return member, case


async def chat_may_show(store: Store, practice_id: int, chat_id: int,
                        telegram_user_id: int) -> bool:
    """Whether case content of this practice may be posted in this chat (`may_show_case`);
    a refusal is audited (no chat id or title is recorded, only that it was a group)."""
    practice = await store.practices.get(practice_id)
    if practice is not None and may_show_case(practice, chat_id, telegram_user_id):
        return True
    known = await member_of(store, telegram_user_id)
    await store.audit.record("access.wrong_chat", actor=f"member:{known.id}" if known else
                             stranger(telegram_user_id), practice_id=practice_id,
                             detail={"chat": "group"})
    return False
