"""Practice staff chase the patients who stall, through the real bot and the Bot API emulator:
"Send reminder" on a stalled /invites row (once a day), "New link" on a link left unopened, the
daily list of requests newly stalled (each named once), and never a chase for a red flag."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest.mock import ANY
from zoneinfo import ZoneInfo

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.inbox.chasing import catch_up_due, list_to_chase
from bot.inbox.digest import uk_time
from bot.services.reminders import remind_stalled
from bot.store.models import Case
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import first_line, tap, to_consent, to_photos, words
from tests.auxil.e2e.practice import LINK, Team, make_team

App = Application[Any, Any, Any, Any, Any, Any]
DAYS = 3
"""`stalled_after_days` as the test bot has it (the default)."""


def listed(person: TelegramUser) -> list[str]:
    """The rows of the newest /invites listing in this chat (edits applied)."""
    title = first_line("inbox.staff.invites_title")
    newest = next(m for m in reversed(person.messages) if title in (m.text or ""))
    return (newest.text or "").splitlines()


async def invites_listing(team: Team) -> list[str]:
    """Send /invites and return its rows once it arrives."""
    team.staff.skip_to_end()
    await team.staff.send_command("/invites")
    await team.staff.wait_for_text(first_line("inbox.staff.invites_title"), timeout=10)
    return listed(team.staff)


def button_labels(person: TelegramUser) -> list[str]:
    """Every inline button label of the newest /invites listing."""
    title = first_line("inbox.staff.invites_title")
    newest = next(m for m in reversed(person.messages) if title in (m.text or ""))
    return [label for row in newest.buttons for label in row]


async def link(app: App, team: Team, ref: str) -> str:
    """An adult patient's invite link for the team's practice."""
    _, token = await services_of(app).store.invites.create(
        team.practice.id, ref, "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    return token


async def idle(app: App, case_id: int, days: int = DAYS + 1) -> None:
    """The request went quiet `days` days ago."""
    when = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
    async with services_of(app).store.db.transaction() as conn:
        await conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (when, case_id))


async def stalled_at_photos(app: App, emu: Emulator, team: Team, ref: str,
                            name: str = "Ada") -> tuple[TelegramUser, Case]:
    """A patient invited as `ref` reaches the first photo and goes quiet for days."""
    patient = emu.user(name)
    await to_photos(patient, await link(app, team, ref))
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    await idle(app, case.id)
    return patient, case


def reminders_in(patient: TelegramUser) -> int:
    """How many stall reminders the patient's chat has."""
    opening = words("journey.reminder.text")
    return sum(opening in (m.text or "") for m in patient.all_messages)


async def test_remind_now_on_a_stalled_row_reminds_the_patient_once_a_day(
    app: App, emu: Emulator
) -> None:
    """The stalled row's "Send reminder" sends the patient the kind reminder with its carry-on
    button; the row then says when and by whom; a second tap the same day sends nothing and
    says when the last one went; the next day another may go."""
    team = await make_team(app, emu)
    store = services_of(app).store
    patient, case = await stalled_at_photos(app, emu, team, "SLOW-001")

    rows = await invites_listing(team)
    stalled = next(r for r in rows if r.startswith(text("inbox.staff.group_stalled",
                                                        days=DAYS)))
    assert rows[rows.index(stalled) + 1].startswith("• SLOW-001")
    remind = text("inbox.staff.remind", patient_ref="SLOW-001")
    assert remind in button_labels(team.staff)

    await team.staff.tap(remind)
    reminder = await patient.wait_for_text(words("journey.reminder.text"), timeout=15)
    assert reminder.buttons == [[text("journey.reminder.carry_on")]]
    await team.staff.wait_for_text(text("inbox.staff.remind_sent", patient_ref="SLOW-001"),
                                   timeout=10)
    last = await store.audit.last_reminder(case.id)
    assert last is not None and last[1].startswith("member:")
    note = text("inbox.staff.reminded_note", when=uk_time(last[0]), name="Sue Smith")
    await team.staff.wait_until(lambda: any(note in r for r in listed(team.staff)), timeout=10)
    assert any(note in r for r in await invites_listing(team)), "a fresh /invites says it too"

    await team.staff.tap(remind)  # a second receptionist, the same day
    await team.staff.wait_for_text(text("inbox.staff.remind_already", patient_ref="SLOW-001",
                                        when=uk_time(last[0]), name="Sue Smith"), timeout=10)
    reminders = [item for item in await store.outbox.for_case(case.id)
                 if item.kind == "patient.reminder"]
    assert len(reminders) == 1 and reminders_in(patient) == 1
    assert [e.kind for e in await store.audit.for_case(case.id)].count("case.reminded") == 1

    tomorrow = datetime.now(UTC) + timedelta(days=1)
    member = await services_of(app).staff.member(team.staff.id)
    assert member is not None
    again = await services_of(app).staff.remind(member, case.invite_id or 0, now=tomorrow)
    assert again is not None and again.sent, "the next day another reminder may go"

    await patient.tap_callback(reminder.message_id,
                               reminder.callback_data[text("journey.reminder.carry_on")])
    await patient.wait_for_text(first_line("journey.photos.locator"), timeout=10)


async def test_the_daily_list_names_a_newly_stalled_request_once(
    app: App, emu: Emulator
) -> None:
    """The daily list names the request that stalled and the link left unopened, with a
    button that opens /invites; the next day it names only what stalled since, and nothing
    at all when nothing is new."""
    team = await make_team(app, emu)
    services = services_of(app)
    store = services.store
    await stalled_at_photos(app, emu, team, "SLOW-001")
    unopened, _ = await store.invites.create(team.practice.id, "INV-002", "1980-02-03",
                                             valid_days=7, gp_member_id=team.gp_member.id)
    old = (datetime.now(UTC) - timedelta(days=DAYS + 1)).isoformat(timespec="seconds")
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE invites SET created_at = ? WHERE id = ?", (old, unopened.id))
    await link(app, team, "NEW-003")  # sent today: not one to chase yet

    title = text("inbox.staff.chase_list_title", practice=team.practice.name)
    team.staff.skip_to_end()
    assert await list_to_chase(store, services.staff, days=DAYS) == 1
    services.queued()
    message = await team.staff.wait_for_text(title, timeout=10)
    said = message.text or ""
    assert text("inbox.staff.chase_list_stalled", days=DAYS) in said
    assert "• SLOW-001: " + text("inbox.staff.step.photo", number=1, count=3) in said
    assert text("inbox.staff.chase_list_unopened", days=DAYS) in said
    assert "• INV-002" in said and "NEW-003" not in said
    assert message.buttons == [[text("inbox.staff.chase_list_open")]]

    async def kept() -> list[tuple[str, str | None]]:
        async with store.db.reading() as conn:
            cursor = await conn.execute("SELECT payload, sent_at FROM outbox "
                                        "WHERE kind = 'staff.chase_list'")
            return [(str(payload), sent) for payload, sent in await cursor.fetchall()]

    for _ in range(50):  # once sent, the references are not kept in the outbox
        if (await kept())[0][1] is not None:
            break
        await asyncio.sleep(0.1)
    assert await kept() == [("{}", ANY)]

    await team.staff.tap(text("inbox.staff.chase_list_open"))
    await team.staff.wait_for_text(first_line("inbox.staff.invites_title"), timeout=10)
    assert any(r.startswith("• SLOW-001") for r in listed(team.staff))

    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert await list_to_chase(store, services.staff, days=DAYS, now=tomorrow) == 0, (
        "nothing new the next day: nothing sent")
    _, later = await stalled_at_photos(app, emu, team, "SLOW-004", name="Bea")
    assert await list_to_chase(store, services.staff, days=DAYS, now=tomorrow) == 1
    services.queued()
    second = await team.staff.wait_for_text(title, timeout=10)
    assert "SLOW-004" in (second.text or "")
    assert "SLOW-001" not in (second.text or "") and "INV-002" not in (second.text or "")
    assert sum(title in (m.text or "") for m in team.staff.messages) == 2
    assert "case.stall_listed" in [e.kind for e in await store.audit.for_case(later.id)]


async def test_a_link_left_unopened_gets_a_new_link_from_its_row(
    app: App, emu: Emulator
) -> None:
    """A link not opened after the stalled days says so on its row, and its "New link" (first
    among the links) sends staff a fresh link and QR code to pass on; the row then says who
    sent it, and no longer asks for one."""
    team = await make_team(app, emu)
    store = services_of(app).store
    await link(app, team, "NEW-001")
    unopened, _ = await store.invites.create(team.practice.id, "INV-002", "1980-02-03",
                                             valid_days=7, gp_member_id=team.gp_member.id)
    old = (datetime.now(UTC) - timedelta(days=DAYS + 1)).isoformat(timespec="seconds")
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE invites SET created_at = ? WHERE id = ?", (old, unopened.id))

    chase = text("inbox.staff.unopened_note", days=DAYS, patient_ref="INV-002")
    rows = await invites_listing(team)
    assert chase in rows[rows.index("• INV-002") + 1]
    assert chase.replace("INV-002", "NEW-001") not in "\n".join(rows)
    resend = text("inbox.staff.resend", patient_ref="INV-002")
    labels = button_labels(team.staff)
    assert labels.index(resend) < labels.index(text("inbox.staff.resend", patient_ref="NEW-001"))

    await team.staff.tap(resend)
    made = await team.staff.wait_for(lambda m: LINK.search(m.text or "") is not None
                                     and "INV-002" in (m.text or ""), timeout=10)
    found = LINK.search(made.text or "")
    assert found is not None
    await team.staff.wait_for(lambda m: m.kind == "photo", timeout=10)  # the QR code

    rows = await invites_listing(team)
    under = rows[rows.index("• INV-002") + 1]
    assert text("inbox.staff.resent_note", name="Sue Smith") in under
    assert chase not in under, "a fresh link is not one to chase yet"


async def test_a_red_flag_row_has_no_chase_button_and_is_never_reminded(
    app: App, emu: Emulator
) -> None:
    """A patient tapped yes to a red flag, then said it was a mistake, and went quiet: their
    row has "Patient contacted" and no "Send reminder", before and after the contact is
    recorded; the bot does not remind them and the daily list does not name them."""
    team = await make_team(app, emu)
    services = services_of(app)
    store = services.store
    red = emu.user("Red")
    await to_consent(red, await link(app, team, "RED-001"))
    await tap(red, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    await tap(red, text("journey.screening.is_rash.rash"),
              text("journey.screening.red_flags.question"))
    await tap(red, text("journey.screening.red_flags.yes"), text("journey.confirm.means.red_flag"))
    await tap(red, text("journey.confirm.no_red_flag"),
              text("journey.screening.red_flags.question"))
    case = await store.cases.current_for_patient(red.id)
    assert case is not None and case.stage.is_open
    await idle(app, case.id)

    remind = text("inbox.staff.remind", patient_ref="RED-001")
    await invites_listing(team)
    labels = button_labels(team.staff)
    assert text("inbox.staff.contacted", patient_ref="RED-001") in labels
    assert remind not in labels

    await team.staff.tap(text("inbox.staff.contacted", patient_ref="RED-001"))
    await team.staff.wait_for_text(words("inbox.staff.contacted_recorded"), timeout=10)
    rows = await invites_listing(team)
    assert rows[rows.index(next(r for r in rows if "RED-001" in r)) - 1].startswith(
        text("inbox.staff.group_stalled", days=DAYS)), "back in its own group, still 🔴"
    assert remind not in button_labels(team.staff)

    assert await remind_stalled(store, DAYS) == 0
    assert await list_to_chase(store, services.staff, days=DAYS) == 0
    assert reminders_in(red) == 0


async def test_the_daily_list_is_a_job_at_half_past_nine_uk_time_on_working_days(
    app: App,
) -> None:
    """The list is python-telegram-bot's `run_daily` job, 09:30 Europe/London, Monday to
    Friday but England's bank holidays; a bot started later in working hours sends the day's
    list at once."""
    assert app.job_queue is not None
    (job,) = app.job_queue.get_jobs_by_name("chase list")
    trigger = str(job.job.trigger)
    assert "day_of_week='mon,tue,wed,thu,fri', hour='9', minute='30'" in trigger
    assert str(job.job.trigger.timezone) == "Europe/London"
    london = ZoneInfo("Europe/London")
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=london)
    assert catch_up_due(tuesday)
    assert not catch_up_due(tuesday.replace(hour=9, minute=0))
    assert not catch_up_due(tuesday.replace(hour=18))
    assert not catch_up_due(datetime(2026, 12, 5, 10, 0, tzinfo=london)), "a Saturday"
    assert not catch_up_due(datetime(2026, 12, 25, 10, 0, tzinfo=london)), "Christmas Day"
    assert not catch_up_due(datetime(2026, 12, 28, 10, 0, tzinfo=london)), "Boxing Day, moved"
    assert not catch_up_due(datetime(2027, 5, 3, 10, 0, tzinfo=london)), "early May bank holiday"
    assert catch_up_due(datetime(2026, 12, 29, 10, 0, tzinfo=london)), "open again"


async def test_what_the_daily_list_named_survives_a_restart(
    start_bot: BotStarter, emu: Emulator
) -> None:
    """The list named a stalled request, then the bot restarted: the next day's list does not
    name it again (what was named is in the store, not in memory)."""
    async with start_bot() as app:
        team = await make_team(app, emu)
        await stalled_at_photos(app, emu, team, "SLOW-001")
        services = services_of(app)
        assert await list_to_chase(services.store, services.staff, days=DAYS) == 1
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    async with start_bot() as app:
        services = services_of(app)
        assert await list_to_chase(services.store, services.staff, days=DAYS,
                                   now=tomorrow) == 0
