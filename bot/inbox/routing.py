"""Where a submitted case goes: the chosen GP, the practice inbox, or every GP of the practice."""

from __future__ import annotations

import logging
from collections.abc import Collection

from bot.content import text
from bot.services.alerting import alert_recipients, tell_patient, would_hear
from bot.store import Store
from bot.store.models import Case, Outgoing, Stage

log = logging.getLogger("bot.inbox")
GP_PARTS = ("album", "summary", "pack")


async def gp_chats(store: Store, case: Case) -> list[int]:
    """The chats that should receive this case (Telegram chat ids): the GP the invite named,
    else the practice's inbox group, else every GP of the practice.

    A chat Telegram said the bot cannot post in (`PracticeRepository.lost_chats`: a GP who
    blocked the bot, hazard log H51; an inbox group the bot was taken out of, H52) is passed
    over for the next of these, the practice's GPs then being those who did not block it.
    Only when that leaves nobody is the first choice kept, lost or not: its send then fails
    and staff are told why (H07)."""
    lost = await store.practices.lost_chats()
    first: list[int] = []
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    if invite is not None and invite.gp_member_id is not None:
        gp = await store.practices.member(invite.gp_member_id)
        if gp is not None and gp.role == "gp" and gp.practice_id == case.practice_id:
            if gp.telegram_user_id not in lost:
                return [gp.telegram_user_id]
            first = [gp.telegram_user_id]
    practice = await store.practices.get(case.practice_id)
    if practice is not None and practice.inbox_chat_id is not None:
        if practice.inbox_chat_id not in lost:
            return [practice.inbox_chat_id]
        first = first or [practice.inbox_chat_id]
    gps = [m.telegram_user_id for m in await store.practices.members(case.practice_id)
           if m.role == "gp"]
    return [chat for chat in gps if chat not in lost] or first or gps


async def alert_chats(store: Store, practice_id: int, *,
                      leaving_out: Collection[int] = ()) -> list[int]:
    """Who hears about a case that needs a person: staff and admins, or the GPs if none,
    without the chats in `leaving_out` (Telegram user ids; a GP who blocked the bot)."""
    return await store.practices.alert_chats(practice_id, leaving_out=leaving_out)


async def submission_messages(store: Store, case: Case) -> list[Outgoing]:
    """The messages that deliver this submission to its GP (or alert staff if there is none).

    `case` is the case before it moves: this will be submission number `submissions + 1`,
    which keeps the dedupe keys of a re-submission (after new photos) distinct. A
    re-submission first marks the earlier summary, pack and photos as superseded in each GP
    chat, and in every other chat that received them (a GP who opened the case from /inbox).

    Built before the move, which may still be refused (a double *Send*), so nothing is
    recorded here: with no GP or inbox and nobody to alert, the journey records that once the
    move is committed, and answers the *Send* accordingly
    (`bot.services.alerting.submission_notes`).
    """
    return await _deliveries(store, case, case.submissions + 1, committed=False)


async def _deliveries(store: Store, case: Case, number: int, *, committed: bool,
                      leaving_out: Collection[int] = ()) -> list[Outgoing]:
    """The messages that deliver submission `number`. `committed`: the submission is already
    in the database (a recipient changed since: `leaving_out` is the GP who left), so an alert
    that reaches nobody is recorded and the patient told now (`alert_recipients`,
    `tell_patient`); otherwise see `submission_messages`."""
    from bot.channels.queue import gp_parts, record_messages

    practice = await store.practices.get(case.practice_id)
    assert practice is not None
    records = record_messages(practice, case, number)
    chats = await gp_chats(store, case)
    if not chats:
        alert = text("inbox.staff.no_inbox_alert", reference=case.reference)
        staff = (await alert_recipients(store, case, "no_inbox") if committed
                 else await would_hear(store, case))
        notes = [Outgoing(chat, "staff.alert", {"text": alert},
                          f"case:{case.id}:sub:{number}:no-inbox:{chat}") for chat in staff]
        if committed and not staff:
            await tell_patient(store, case, "no_inbox", kind="", leaving_out=leaving_out)
        return [*records, *notes]
    parts = gp_parts(practice)
    opened: list[int] = []
    if number > 1:
        parts = ("supersede", *parts)
        opened = [chat for chat in await store.outbox.delivered_chats(case.id)
                  if chat not in chats]
    return [*records, *[Outgoing(chat, f"gp.{part}", {"case_id": case.id, "submission": number},
                                 f"case:{case.id}:sub:{number}:{part}:{chat}")
                        for chat in chats for part in parts],
            *[Outgoing(chat, "gp.supersede", {"case_id": case.id, "submission": number},
                       f"case:{case.id}:sub:{number}:supersede:{chat}") for chat in opened]]


async def opened_messages(store: Store, case: Case, chat_id: int, opened_by: int,
                          button_id: int) -> list[Outgoing]:
    """What "Open" from a GP's /inbox queues for that chat: the current submission as the
    practice's Telegram setting allows (the whole case, or only the notice with the decision
    buttons for "notification only"), through the outbox like every other delivery.

    `opened_by` is the GP's Telegram user id (checked again when each part is sent);
    `button_id` is the /inbox message the button was on: a double tap on one button queues
    the case once, a fresh /inbox list may open it again.
    """
    from bot.channels.queue import gp_parts

    practice = await store.practices.get(case.practice_id)
    assert practice is not None
    number = max(case.submissions, 1)
    return [Outgoing(chat_id, f"gp.{part}", {"case_id": case.id, "submission": number,
                                              "opened_by": opened_by},
                     f"case:{case.id}:sub:{number}:open:{button_id}:{part}:{chat_id}")
            for part in gp_parts(practice)]


async def still_a_recipient(store: Store, case: Case, chat_id: int) -> bool:
    """Whether this chat should still receive the case *now* (checked before each send, not
    only when the case was queued): a GP removed from the practice, or no longer a GP, or an
    inbox group the practice has replaced, is not (issue 12, item 8)."""
    return chat_id in await gp_chats(store, case)


async def mid_delivery(store: Store, case: Case, chat_id: int, number: int) -> bool:
    """Whether the rest of submission `number` still goes to this chat though it is no longer
    the case's recipient (`still_a_recipient`): a GP of the practice, able to receive (not
    lost), whose own chat already holds part of it. A case whose route changed while it was
    being sent (the inbox group back while it went to the GPs' own chats) is then not split
    between two chats, each with buttons (hazard log H63); it stays where it went."""
    from bot.inbox.access import GP_ROLES, member_of

    return (chat_id not in await store.practices.lost_chats()
            and await member_of(store, chat_id, case.practice_id, GP_ROLES) is not None
            and await store.outbox.holds_part(case.id, chat_id, number))


async def still_may_open(store: Store, case: Case, chat_id: int, opened_by: int,
                         part: str) -> bool:
    """Whether a part queued by "Open" may still be sent *now*: the GP who tapped is still a
    GP of the case's practice, the chat is their own or the practice's inbox group, and the
    part is one the practice's Telegram setting allows (a practice switched to "notification
    only" since gets no photos, answers or pack)."""
    from bot.channels.queue import gp_parts
    from bot.inbox.access import GP_ROLES, may_show_case, member_of

    practice = await store.practices.get(case.practice_id)
    return (practice is not None and part in gp_parts(practice)
            and may_show_case(practice, chat_id, opened_by)
            and await member_of(store, opened_by, case.practice_id, GP_ROLES) is not None)


AWAITING = "awaiting"
"""What an "Open" item sends, in place of the case, while new photos are awaited."""


async def opened_now(store: Store, case: Case, part: str) -> str | None:
    """What an item queued by "Open" sends *now* (checked when it is sent, not when it was
    queued): the case as it is now, never an earlier submission's photos or summary.

    `part` itself ("album", "summary", "pack" or "notice": of the current submission) while
    the case has a submission to show; while the GP's request for new photos is with the
    patient (`Case.awaiting_new_photos`, when the earlier photos may be replaced and their
    files gone), `AWAITING` (the note that new photos are on the way) in place of the first
    part the chat gets, and None (nothing) for the others.
    """
    from bot.channels.queue import gp_parts

    if not case.awaiting_new_photos:
        return part
    practice = await store.practices.get(case.practice_id)
    first = gp_parts(practice)[0] if practice is not None else part
    return AWAITING if part == first else None


def current_submission(case: Case, number: int) -> bool:
    """Whether a delivery queued for submission `number` still shows the case as it is: no
    later submission has replaced it, and no request for new photos is with the patient."""
    return number == max(case.submissions, 1) and not case.awaiting_new_photos


async def redirected(store: Store, case: Case, former_chat: int, *,
                     tell_staff: bool = True) -> list[Outgoing]:
    """When `former_chat` is no longer a recipient: the case's current submission for its
    recipients now (once each, by dedupe key), and, with `tell_staff`, one note to the
    practice's staff (its GPs if it has none, without the former chat: `alert_recipients`;
    False when staff get one alert naming every such case, `bot.inbox.lost`)."""
    number = case.submissions
    deliveries = await _deliveries(store, case, number, committed=True,
                                   leaving_out=(former_chat,))
    if not tell_staff:
        return deliveries
    note = text("inbox.staff.redirected_alert", reference=case.reference)
    return [*deliveries,
            *[Outgoing(chat, "staff.alert", {"text": note},
                       f"case:{case.id}:sub:{number}:redirected:{former_chat}:{chat}")
              for chat in await alert_recipients(store, case, "redirected",
                                                 leaving_out=(former_chat,))]]


async def resend_waiting(store: Store, practice_id: int, former_chat: int, *,
                         tell_staff: bool = True) -> int:
    """`former_chat` no longer receives the practice's cases (a GP removed from the practice,
    hazard log H40, or who blocked the bot, H51; an inbox group upgraded to a supergroup with
    a new id, H39, or the bot taken out of it, H52, `tell_staff` False): every case
    it received that still waits for a GP's decision (stage submitted, not erased) is queued
    for its recipients now, with a note to staff (`redirected`): the GPs or the inbox group,
    or, with none left, the no-inbox alert. A case whose recipients now all have it already
    (a GP who had opened it from /inbox) is left alone. Returns how many cases were queued."""
    again = 0
    for case in await store.cases.at_stage(practice_id, Stage.SUBMITTED):
        had = await store.outbox.delivered_chats(case.id)
        if case.erased_at or former_chat not in had:
            continue
        chats = await gp_chats(store, case)
        if former_chat in chats or (chats and all(chat in had for chat in chats)):
            continue
        await store.outbox.add(case.id, await redirected(store, case, former_chat,
                                                         tell_staff=tell_staff))
        again += 1
    if again:
        log.warning("cases waiting for a GP sent again", extra={"practice_id": practice_id,
                                                                "count": again})
    return again
