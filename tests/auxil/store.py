"""Store tests' world: a practice, an invite and the case a patient opens from it."""

from __future__ import annotations

import re
import sqlite3
from importlib.resources import files
from pathlib import Path

from bot.store import Store
from bot.store.models import Case


async def opened_case(store: Store) -> Case:
    """A new practice, an adult's invite from it, and the case opened from that invite (at
    the identity stage, patient user and chat 5)."""
    practice = await store.practices.add("Lawson Practice", "020 7729 7236")
    invite, _ = await store.invites.create(practice.id, "NHS 943 476 5919", "1980-02-03",
                                           valid_days=7)
    return await store.cases.open_from_invite(invite, patient_user_id=5, patient_chat_id=5,
                                              is_child=False)


def schema_before(path: Path, version: int) -> None:
    """A database at `path` as the versions before migration `version` left it (the shipped
    migration files applied in order, each recorded under its own name)."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations "
                 "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    folder = files("bot.store") / "migrations"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        found = re.match(r"(\d{4})_", entry.name)
        if found and int(found[1]) < version:
            conn.executescript(entry.read_text(encoding="utf-8"))
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-11-01')",
                         (int(found[1]), entry.name))
    conn.commit()
    conn.close()
