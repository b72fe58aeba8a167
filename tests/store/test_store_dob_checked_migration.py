"""Migration 0014: a request whose date of birth was confirmed before the upgrade is still named
by it (the audit trail says so); one still at the check, or locked there, is not; and a link
an earlier "New link" left without a date of birth is cancelled, so it can never be opened."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.services.naming import born_of
from bot.store import open_store
from bot.store.invites import invite_problem
from tests.auxil.store import schema_before

DOB_MIGRATION = 14
LATER = (datetime.now(UTC) + timedelta(days=5)).isoformat(timespec="seconds")
LONG_AGO = "2020-01-01T00:00:00+00:00"


def _invite(conn: sqlite3.Connection, invite_id: int, ref: str, born: str, *,
            used: bool = True, expires: str = LATER) -> None:
    conn.execute("INSERT INTO invites (id, practice_id, token_hash, patient_ref, date_of_birth, "
                 "created_at, expires_at, used_at) VALUES (?, 1, ?, ?, ?, 'x', ?, ?)",
                 (invite_id, f"hash{invite_id}", ref, born, expires, "x" if used else None))


def _case(conn: sqlite3.Connection, case_id: int, stage: str, moves: list[tuple[str, str]]
          ) -> None:
    """A child's case opened from invite `case_id`, with its stage moves as audited."""
    _invite(conn, case_id, f"P{case_id}", "2017-03-04")
    conn.execute("INSERT INTO cases (id, reference, practice_id, invite_id, patient_user_id, "
                 "patient_chat_id, is_child, stage, created_at, updated_at, consent_by) "
                 "VALUES (?, ?, 1, ?, 7, 7, 1, ?, 'x', 'x', 'parent')",
                 (case_id, f"TD-{case_id}", case_id, stage))
    for before, after in moves:
        conn.execute("INSERT INTO events (case_id, practice_id, actor, kind, detail, created_at) "
                     "VALUES (?, 1, 'patient', 'case.stage', ?, 'x')",
                     (case_id, json.dumps({"from": before, "to": after}, sort_keys=True)))


async def test_confirmed_dates_stay_named_unconfirmed_ones_do_not_and_dateless_links_close(
    tmp_path: Path
) -> None:
    path = tmp_path / "old.sqlite3"
    schema_before(path, DOB_MIGRATION)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO practices (id, name, phone, created_at) VALUES (1, 'P', '0', 'x')")
    _case(conn, 1, "screening", [("identity", "consent"), ("consent", "screening")])
    _case(conn, 2, "identity", [])
    _case(conn, 3, "stopped", [("identity", "stopped")])  # locked after wrong dates
    _case(conn, 4, "stopped", [("identity", "consent"), ("consent", "stopped")])
    _invite(conn, 5, "P100", "", used=False)  # made by "New link" from an erased case's link
    _invite(conn, 6, "(expired)", "", used=False, expires=LONG_AGO)  # scrubbed, expired
    conn.commit()
    conn.close()

    store = await open_store(path, tmp_path / "photos")
    try:
        cases = [await store.cases.get(n) for n in (1, 2, 3, 4)]
        assert [c.dob_checked for c in cases if c is not None] == [True, False, False, True]
        named = [await born_of(store, c) for c in cases if c is not None]
        assert [str(day) if day else None for day in named] == [
            "2017-03-04", None, None, "2017-03-04"]
        dateless, scrubbed = await store.invites.get(5), await store.invites.get(6)
        assert dateless is not None and dateless.revoked_at is not None
        assert invite_problem(dateless) == "revoked"
        assert scrubbed is not None and scrubbed.revoked_at is None
        assert invite_problem(scrubbed) == "expired", "an expired link still says so"
        assert await store.db.schema_version() >= DOB_MIGRATION
    finally:
        await store.close()
