"""A link that reached the wrong person shows nothing staff typed on the invite until its date
of birth was typed and confirmed, end to end through the emulator.

The audit found that a child's request was named by the child's date of birth whatever step it
was at: whoever opened the link and sent /delete read "your child's request (born ...)", typed
that date, and passed the check. Now no sentence names a request by the date: not in
/status, /cancel or /delete, nor in the stall reminder, before or after it was typed and
confirmed, nor after a lock or a practice's /stop at the date-of-birth step. Only the
identity step's own read-back says it ("3 February 2019, is that right?").
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from typing import Any

from telegram.ext import Application

from bot.config import Settings
from bot.content import text
from bot.domain.dates import said
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.store.models import Case, Stage
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import (
    child_birthday,
    first_line,
    give_date_of_birth,
    tap,
    to_consent,
    words,
)
from tests.auxil.e2e.practice import Team, make_team
from tests.auxil.requests import request_named

App = Application[Any, Any, Any, Any, Any, Any]


async def link(app: App, team: Team, ref: str, born: date) -> str:
    """An invite link for this team's GP, for a patient born on this day."""
    _, token = await services_of(app).store.invites.create(
        team.practice.id, ref, born.isoformat(), valid_days=7, gp_member_id=team.gp_member.id)
    return token


async def opens_childs_link(app: App, person: TelegramUser, token: str) -> Case:
    """Open a child's link and stop at the date-of-birth question; the case it opened."""
    await person.open_deep_link(token)
    await person.wait_for_text(first_line("journey.identity.ask_parent"))
    case = await services_of(app).store.cases.current_for_patient(person.id)
    assert case is not None and case.stage is Stage.IDENTITY and case.consent_by == "parent"
    return case


def capitalised(words: str) -> str:
    return words[:1].upper() + words[1:]


def shown_date(person: TelegramUser, born: date) -> list[str]:
    """The bot's messages to this person that name the date of birth, as the bot says it."""
    return [m.text or "" for m in person.all_messages if said(born) in (m.text or "")]


async def test_a_childs_date_of_birth_is_never_named_but_at_its_own_check(
    start_bot: BotStarter, emu: Emulator, bot_settings: Settings
) -> None:
    """Someone with a request of their own opens a child's link and does not type its date of
    birth: /status, /cancel, /delete and the stall reminder name the child's request by whose
    it is and when it was started, never by the date that would pass the check. Once the date
    is typed and confirmed, only its read-back said it: /delete still names the request by
    whose it is and when it was started (a child's date of birth is personal data that a
    lock screen or a look at the chat would show)."""
    holder = emu.user("Holder")
    born = child_birthday(7)
    async with start_bot() as app:
        team = await make_team(app, emu)
        await to_consent(holder, await link(app, team, "OWN", date(1980, 2, 3)))
        child = await opens_childs_link(app, holder, await link(app, team, "CHILD", born))
        named = request_named(child, "child", site=None)

        await holder.send_command("/status")
        await holder.wait_for_text(text("journey.cases.open_count", count=2, request=named))

        await holder.send_command("/cancel")
        await holder.wait_for_text(text("journey.cases.which", request=named))
        await tap(holder, text("journey.commands.cancel_no"), text("journey.commands.carry_on"))

        await holder.send_command("/delete")
        await holder.wait_for_text(text(
            "journey.delete.line", number=2, request=capitalised(named),
            state=text("journey.status_words.identity")))
        await tap(holder, text("journey.commands.delete_no"), text("journey.commands.kept"))
    assert shown_date(holder, born) == []

    idle_since = datetime.now(UTC) - timedelta(days=bot_settings.stalled_after_days + 1)
    with sqlite3.connect(bot_settings.database_path) as conn:  # the holder went quiet
        conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?",
                     (idle_since.isoformat(timespec="seconds"), child.id))
    conn.close()
    async with start_bot() as app:
        await holder.wait_for_text(worded(  # a child's link: worded for a parent
            "journey.reminder.text", parent=True, practice=team.practice.name,
            phone=team.practice.phone, request=named), timeout=15)
        assert shown_date(holder, born) == [], "the reminder does not name it either"

        # the child's parent, who knows the date, types and confirms it
        await give_date_of_birth(holder, born.strftime("%d/%m/%Y"))
        checked = await services_of(app).store.cases.get(child.id)
        assert checked is not None and checked.dob_checked
        (read_back,) = shown_date(holder, born)
        assert read_back.startswith(text("journey.identity.confirm", date=said(born)))
        await holder.send_command("/delete")
        listing = await holder.wait_for_text(words("journey.delete.several"))
        assert text("journey.delete.line", number=2,
                    request=capitalised(request_named(child, "child", site=None)),
                    state=text("journey.status_words.consent")) in (listing.text or "")
        assert len(shown_date(holder, born)) == 1, "only the read-back, at the check itself"


async def test_a_link_locked_or_stopped_at_the_date_of_birth_never_names_it(
    app: App, emu: Emulator
) -> None:
    """A link locked after three wrong dates, and one the practice stopped with /stop before
    its date was typed: /delete offers to delete the request without naming the date of
    birth that would have passed the check."""
    team = await make_team(app, emu)
    store = services_of(app).store
    born_locked, born_stopped = child_birthday(9), child_birthday(5)

    guesser = emu.user("Guesser")
    locked = await opens_childs_link(app, guesser, await link(app, team, "P-LOCK", born_locked))
    for wrong in ("01/01/2012", "02/01/2012"):
        await give_date_of_birth(guesser, wrong, first_line("journey.identity.wrong"))
    await give_date_of_birth(guesser, "03/01/2012", first_line("journey.identity.locked"))

    stranger = emu.user("Stranger")
    stopped = await opens_childs_link(app, stranger,
                                      await link(app, team, "P-WRONG", born_stopped))
    await team.staff.send_command("/stop", "P-WRONG")
    await team.staff.wait_for_text(first_line("inbox.staff.stop_confirm"))
    await team.staff.tap(text("inbox.staff.stop_button", patient_ref="P-WRONG"))
    await stranger.wait_for_text(first_line("inbox.patient.stopped_by_practice"), timeout=10)

    for person, case, born in ((guesser, locked, born_locked),
                               (stranger, stopped, born_stopped)):
        now = await store.cases.get(case.id)
        assert now is not None and now.stage is Stage.STOPPED and not now.dob_checked
        await person.send_command("/delete")
        await person.wait_for_text(text(
            "journey.delete.one", request=request_named(case, "child", site=None),
            state=text("journey.status_words.stopped")))
        assert shown_date(person, born) == []
