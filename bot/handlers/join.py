"""Joining a practice: /addmember (admins make a one-time join code) and /join CODE."""

from __future__ import annotations

import html
from typing import Literal

from telegram import Update

from bot.content import text
from bot.handlers.escaping import Html
from bot.handlers.members import Context, ids, reply

ROLES: dict[str, Literal["staff", "gp", "admin"]] = {"staff": "staff", "gp": "gp",
                                                       "admin": "admin"}


async def add_member(update: Update, context: Context) -> None:
    """/addmember ROLE NAME (admins): a one-time join code for a new member."""
    user_id, _ = ids(update)
    admin = await context.services.staff.member(user_id, roles=("admin",))
    if admin is None:
        await reply(update, Html(text("inbox.staff.only_admins")))
        return
    args = context.args or []
    if len(args) < 2 or args[0] not in ROLES:
        await reply(update, Html(text("inbox.staff.addmember_usage")))
        return
    name = " ".join(args[1:])[:60]
    code = await context.services.staff.join_code(admin, ROLES[args[0]], name)
    await reply(update, Html(text("inbox.staff.addmember_code", name=html.escape(name),
                                  role=args[0], code=code)))


async def join(update: Update, context: Context) -> None:
    """/join CODE: become a member of a practice."""
    user_id, _ = ids(update)
    code = context.args[0] if context.args else ""
    member = await context.services.staff.join(user_id, code[:64]) if code else None
    if isinstance(member, int):
        await reply(update, Html(text("inbox.staff.join_too_many_tries", minutes=member)))
        return
    if member is None:
        await reply(update, Html(text("inbox.staff.join_bad")))
        return
    practice = await context.services.store.practices.get(member.practice_id)
    assert practice is not None
    await reply(update, Html(text("inbox.staff.join_ok", name=html.escape(member.display_name),
                                  role=member.role, practice=html.escape(practice.name))))
