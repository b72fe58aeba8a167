"""What a phone's lock screen shows of a message the patient did not ask for, through the real
bot: Telegram shows its first line in the notification, where anyone near the phone can read
it. A newcomer found a child's date of birth and the body area in the stall reminder; now its
first line only says whom it is from, and the date of birth is not said back at all. The
reminder a parent gets is about the child's rash, worded for a parent."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

from bot.config import Settings
from bot.content import text
from bot.domain.dates import said
from bot.domain.questions import worded
from bot.emulator import Emulator
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import (
    SCREENING,
    child_birthday,
    first_line,
    to_child_eczema_question,
    words,
)
from tests.auxil.e2e.practice import make_team
from tests.auxil.requests import request_named


def ways_of_saying(born: date) -> list[str]:
    """A date of birth as the bot or the parent could write it."""
    return [said(born), f"{born.day} {born:%b %Y}", born.strftime("%d/%m/%Y"), born.isoformat()]


async def test_a_stall_reminders_first_line_names_no_date_of_birth_and_no_body_part(
    start_bot: BotStarter, emu: Emulator, bot_settings: Settings
) -> None:
    parent = emu.user("Kit's mum")
    born = child_birthday(8)
    async with start_bot() as app:
        team = await make_team(app, emu)
        store = services_of(app).store
        _, token = await store.invites.create(team.practice.id, "REF-LOCK", born.isoformat(),
                                              valid_days=7, gp_member_id=team.gp_member.id)
        await to_child_eczema_question(parent, token, born)  # the body area answered
        areas = next(m for m in parent.messages
                     if text("journey.screening.areas.question") in (m.text or ""))
        await parent.wait_until(lambda: areas.buttons == [], timeout=10)  # tidied: all done
        case = await store.cases.current_for_patient(parent.id)
        assert case is not None and case.dob_checked and case.consent_by == "parent"
    idle_since = datetime.now(UTC) - timedelta(days=bot_settings.stalled_after_days + 1)
    with sqlite3.connect(bot_settings.database_path) as conn:  # the parent went quiet
        conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?",
                     (idle_since.isoformat(timespec="seconds"), case.id))
    conn.close()
    parent.skip_to_end()
    async with start_bot():  # housekeeping, on the JobQueue at start, sends the reminder
        reminder = await parent.wait_for_text(words("journey.reminder.text_parent"), timeout=15)

        shown = reminder.text or ""
        preview, _, details = shown.partition("\n")
        site = SCREENING[2].lower()  # the body area the parent tapped: "arm or hand"
        assert preview == text("journey.reminder.text_parent").split("\n")[0]
        assert not [way for way in ways_of_saying(born) if way in shown], "never said back"
        assert not [part for part in site.split(" or ") if part in preview.lower()]
        assert "rash" not in preview.lower()
        assert details.startswith("\n"), "the details come after a blank line"
        assert first_line("journey.reminder.text") not in shown, "the child's rash, not yours"
        # nothing the parent needs is lost: the request is still named, below the first line
        assert shown == worded("journey.reminder.text", parent=True,
                               practice=team.practice.name, phone=team.practice.phone,
                               request=request_named(case, "child"))
        assert site in details

        await parent.send_command("/delete")  # the date of birth is not named here either
        listing = await parent.wait_for_text(words("journey.delete.one"), timeout=10)
        assert not [way for way in ways_of_saying(born) if way in (listing.text or "")]
