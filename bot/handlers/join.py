"""Joining a practice: /addmember (admins make a one-time join code) and /join CODE."""

from __future__ import annotations

import contextlib
import html
from typing import Literal

from telegram import Update
from telegram.error import BadRequest

from bot.content import text
from bot.handlers.escaping import Html
from bot.handlers.keyboards import markup
from bot.handlers.members import Context, ids, practice_rows, reply
from bot.inbox.access import member_of
from bot.inbox.payloads import AddMemberAt
from bot.store.models import Member
from bot.store.practices import RoleKept

ROLES: dict[str, Literal["staff", "gp", "admin"]] = {"staff": "staff", "gp": "gp",
                                                       "admin": "admin"}
ADDING = "adding_member"
"""user_data key (not kept over a restart): the role and name of a /addmember by an admin of
more than one practice, and the message id of its question ("asked"), until they tap the
practice under that question."""


async def add_member(update: Update, context: Context) -> None:
    """/addmember ROLE NAME (admins): a one-time join code for a new member, of the admin's
    practice; an admin of more than one practice is asked which first (hazard log H30)."""
    user_id, chat_id = ids(update)
    admins = await context.services.staff.memberships(user_id, ("admin",))
    if not admins:
        await reply(update, Html(text("inbox.staff.only_admins")))
        return
    args = context.args or []
    if len(args) < 2 or args[0] not in ROLES:
        await reply(update, Html(text("inbox.staff.addmember_usage")))
        return
    name = " ".join(args[1:])[:60]
    if len(admins) == 1:
        await _code(update, context, admins[0], args[0], name)
        return
    asked = await reply(update, Html(text("inbox.staff.addmember_choose_practice")),
                        markup(context.services.signer, chat_id,
                               await practice_rows(context, admins, AddMemberAt)))
    if context.user_data is not None:  # the buttons of this question only, not an earlier's
        context.user_data[ADDING] = {"role": args[0], "name": name,
                                     "asked": asked.message_id}


async def practice_chosen(update: Update, context: Context, practice_id: int) -> None:
    """The practice tapped for the /addmember waiting (`ADDING`), under its own question
    (an earlier question's buttons are expired): its code, if the user is still an admin
    of it."""
    query = update.callback_query
    assert query and query.from_user
    adding = (context.user_data or {}).get(ADDING)
    asked = query.message.message_id if query.message is not None else None
    if isinstance(adding, dict) and adding.get("asked") == asked and context.user_data:
        context.user_data.pop(ADDING, None)
    else:  # an earlier /addmember's buttons: its name and role were replaced
        adding = None
    admin = await member_of(context.services.store, query.from_user.id, practice_id,
                            ("admin",))
    if adding is None or admin is None:
        await query.answer(text("inbox.gp.expired_button"), show_alert=True)
        return
    await query.answer()
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(None)
    await _code(update, context, admin, str(adding["role"]), str(adding["name"]))


async def _code(update: Update, context: Context, admin: Member, role: str, name: str) -> None:
    """Make the join code for `admin`'s practice and say it, naming the practice."""
    practice = await context.services.store.practices.get(admin.practice_id)
    assert practice is not None
    code = await context.services.staff.join_code(admin, ROLES[role], name)
    await reply(update, Html(text("inbox.staff.addmember_code", name=html.escape(name),
                                  role=role, practice=html.escape(practice.name), code=code)))


async def join(update: Update, context: Context) -> None:
    """/join CODE: become a member of a practice; someone already a member of it keeps their
    role and is asked to see their admin to change it."""
    user_id, _ = ids(update)
    code = context.args[0] if context.args else ""
    user = update.effective_user
    assert user is not None
    who = user.full_name + (f" (@{user.username})" if user.username else "")
    member = await context.services.staff.join(user_id, code[:64], who) if code else None
    if isinstance(member, Member | RoleKept):
        context.services.queued()  # the admins' "code used" alert goes now
    if isinstance(member, RoleKept):  # already a member: their role is kept (hazard log H07)
        practice = await context.services.store.practices.get(member.member.practice_id)
        assert practice is not None
        await reply(update, Html(text("inbox.staff.join_already_member",
                                      role=member.member.role,
                                      practice=html.escape(practice.name))))
        return
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
