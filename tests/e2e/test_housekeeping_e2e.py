"""Housekeeping runs on python-telegram-bot's JobQueue: at start and every PURGE_EVERY_HOURS,
it reminds a patient who stalled (and purges and alerts, tested as services in tests/inbox)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.content import text
from bot.emulator import Emulator
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import to_photos
from tests.auxil.e2e.practice import make_team
from tests.auxil.requests import request_named


async def test_a_restarted_bot_reminds_a_patient_who_stalled_and_repeats_daily(
        start_bot: BotStarter, emu: Emulator, bot_settings: Settings) -> None:
    patient = emu.user("Ada")
    async with start_bot() as app:
        team = await make_team(app, emu)
        store = services_of(app).store
        _, token = await store.invites.create(team.practice.id, "REF-IDLE", "1980-02-03",
                                              valid_days=7, gp_member_id=team.gp_member.id)
        await to_photos(patient, token)
        case = await store.cases.current_for_patient(patient.id)
        assert case is not None
    request = request_named(case, "own")  # whose, the body area and when: no reference
    reminder = text("journey.reminder.text", practice=team.practice.name,
                    phone=team.practice.phone, request=request)
    assert not any(reminder in (m.text or "") for m in patient.all_messages)
    idle_since = datetime.now(UTC) - timedelta(days=bot_settings.stalled_after_days + 1)
    with sqlite3.connect(bot_settings.database_path) as conn:  # the patient went quiet days ago
        conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?",
                     (idle_since.isoformat(timespec="seconds"), case.id))
    conn.close()
    async with start_bot() as app:
        await patient.wait_for_text(reminder, timeout=15)
        assert app.job_queue is not None
        (job,) = app.job_queue.get_jobs_by_name("housekeeping")
        assert job.job.trigger.interval == timedelta(hours=bot_settings.purge_every_hours)
