"""The database: migrations, pragmas, and data that survive closing and reopening."""

from __future__ import annotations

import sqlite3
from importlib.resources import files

import pytest

from bot.config import Settings
from bot.store import Store, open_store
from bot.store.database import MigrationMismatch
from bot.store.models import Stage


async def test_schema_is_migrated_once_and_pragmas_are_on(store: Store, settings: Settings) -> None:
    assert await store.db.schema_version() >= 1
    async with store.db.reading() as conn:
        journal = await (await conn.execute("PRAGMA journal_mode")).fetchone()
        foreign = await (await conn.execute("PRAGMA foreign_keys")).fetchone()
        timeout = await (await conn.execute("PRAGMA busy_timeout")).fetchone()
    assert journal is not None and journal[0] == "wal"
    assert foreign is not None and foreign[0] == 1
    assert timeout is not None and timeout[0] >= 1000
    reopened = await open_store(settings.database_path, settings.photos_dir)
    try:
        async with reopened.db.reading() as conn:
            rows = await (await conn.execute("SELECT COUNT(*) FROM schema_migrations")).fetchone()
        shipped = [m for m in (files("bot.store") / "migrations").iterdir()
                   if m.name.endswith(".sql")]
        assert rows is not None and rows[0] == len(shipped), "each applied once, none skipped"
    finally:
        await reopened.close()


async def test_a_case_and_its_photo_survive_a_restart(store: Store, settings: Settings) -> None:
    practice = await store.practices.add("Lawson Practice", "020 7729 7236")
    invite, _ = await store.invites.create(practice.id, "P-1", "1980-02-03", valid_days=7)
    case = await store.cases.open_from_invite(
        invite, patient_user_id=42, patient_chat_id=42, is_child=False
    )
    case = await store.cases.move(case, Stage.CONSENT)
    stored = store.files.write(b"jpeg bytes", ".jpg")
    await store.photos.add(case.id, "locator", stored, source="document", verdict="accept",
                           status="accepted")
    await store.close()

    again = await open_store(settings.database_path, settings.photos_dir)
    try:
        found = await again.cases.current_for_patient(42)
        assert found is not None and found.reference == case.reference
        assert found.stage is Stage.CONSENT
        photos = await again.photos.accepted(case.id)
        assert again.files.read(photos["locator"].file_name) == b"jpeg bytes"
    finally:
        await again.close()


async def test_a_database_migrated_under_another_name_is_refused_unchanged(
    settings: Settings,
) -> None:
    # A copy made by a build whose migration 14 was another file: going on would skip this
    # build's 14 and fail later with a missing column, so start-up stops and says why.
    store = await open_store(settings.database_path, settings.photos_dir)
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE schema_migrations SET name = 'x' WHERE version = 14")
    await store.close()
    with pytest.raises(MigrationMismatch, match="migration 14 was applied as x"):
        await open_store(settings.database_path, settings.photos_dir)
    conn = sqlite3.connect(settings.database_path)
    names = conn.execute("SELECT name FROM schema_migrations WHERE version = 14").fetchall()
    conn.close()
    assert names == [("x",)], "nothing changed"
