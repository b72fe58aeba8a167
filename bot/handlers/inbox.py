"""A GP's /inbox: the cases waiting, oldest first, and "Open", which queues a case for this
chat in the outbox (the one delivery path: `bot.inbox.routing.opened_messages`)."""

from __future__ import annotations

import html

from telegram import Update

from bot.content import text
from bot.handlers.escaping import Html
from bot.handlers.keyboards import markup
from bot.handlers.members import Context, ids, reply
from bot.inbox.access import GP_ROLES, chat_may_show, may_show_case
from bot.inbox.digest import erased_note, uk_time
from bot.inbox.gp_messages import open_rows
from bot.inbox.routing import opened_messages
from bot.store.models import Case, Member

LISTED = 20
"""At most this many cases in one /inbox list."""


async def inbox(update: Update, context: Context) -> None:
    """/inbox: the cases waiting for a GP, oldest first, each with a button to open it (GPs
    only: staff and managers see references, not photos, issue 12 item 11). A member of more
    than one practice gets each practice's list that may be shown in this chat (their own
    chat: every one; a practice's inbox group: that practice's), never only the first's,
    each as their role at that practice allows: a GP at one practice who is staff at
    another gets the first's list with its Open buttons and the second's references
    without (it listed only the practices where they are a GP, hazard log H30)."""
    user_id, chat_id = ids(update)
    held = await context.services.staff.memberships(user_id)
    if not held:
        await reply(update, Html(text("inbox.gp.not_member")))
        return
    store = context.services.store
    shown = []
    for member in held:
        practice = await store.practices.get(member.practice_id)
        if practice is not None and may_show_case(practice, chat_id, user_id):
            shown.append((member, practice.name))
    if not shown:  # audited, as any refusal to show case content here
        await chat_may_show(store, held[0].practice_id, chat_id, user_id)
        await reply(update, Html(text("inbox.gp.private_only")))
        return
    for member, name in shown:  # each list names its practice when they hold more than one
        await _listed(update, context, member, name if len(held) > 1 else None)


async def _listed(update: Update, context: Context, gp: Member, practice: str | None) -> None:
    """One practice's /inbox list (`inbox`), named by `practice` if given."""
    _, chat_id = ids(update)
    store = context.services.store
    pending = (await context.services.inbox.pending(gp))[:LISTED]
    if not pending:
        await reply(update, Html(text("inbox.gp.inbox_empty_at", practice=html.escape(practice))
                                 if practice else text("inbox.gp.inbox_empty")))
        return
    lines = [text("inbox.gp.inbox_title_at", practice=html.escape(practice)) if practice
             else text("inbox.gp.inbox_title")]
    for case in pending:
        found = await store.invites.get(case.invite_id) if case.invite_id else None
        lines.append(text("inbox.gp.inbox_item", reference=case.reference,
                          patient_ref=html.escape(found.patient_ref if found else "?"),
                          submitted=uk_time(case.submitted_at)))
    rows = open_rows(pending) if gp.role in GP_ROLES else ()
    await reply(update, Html("\n".join(lines)), markup(context.services.signer, chat_id, rows))


async def open_case(update: Update, context: Context, chat_id: int, case: Case) -> None:
    """"Open": the case queued for this chat, as the practice's Telegram setting allows
    (the GP's access to the case in this chat is checked by the caller)."""
    query = update.callback_query
    assert query and query.from_user
    if case.erased_at:  # an "Open" button from an /inbox list older than the erasure
        await query.answer(erased_note(case), show_alert=True)
        return
    await query.answer()
    store = context.services.store
    button_id = query.message.message_id if query.message else 0
    await store.outbox.add(case.id, await opened_messages(store, case, chat_id,
                                                          query.from_user.id, button_id))
    context.services.queued()
