"""Who may do what: every staff and GP action is checked against the case's practice."""

from __future__ import annotations

import hashlib

from bot.store import Store
from bot.store.models import Case, Member, Role

GP_ROLES: tuple[Role, ...] = ("gp", "admin")
ANY_ROLE: tuple[Role, ...] = ("staff", "gp", "admin")


def stranger(telegram_user_id: int) -> str:
    """An audit name for someone who is not a member: a short hash, not their Telegram id."""
    return "stranger:" + hashlib.sha256(str(telegram_user_id).encode()).hexdigest()[:10]


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
