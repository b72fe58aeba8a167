"""Migration 0007: workflow flags stored as answers by earlier versions move into the case's
own columns, and leave the answers (what the GP reads)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.store import open_store
from bot.store.models import Stage
from tests.auxil.store import schema_before

FLAGS_MIGRATION = 7


def _old_case(conn: sqlite3.Connection, case_id: int, stage: str,
              answers: dict[str, str]) -> None:
    conn.execute("INSERT INTO invites (id, practice_id, token_hash, patient_ref, date_of_birth, "
                 "created_at, expires_at) VALUES (?, 1, ?, 'P', '2017-01-01', 'x', 'x')",
                 (case_id, f"hash{case_id}"))
    conn.execute("INSERT INTO cases (id, reference, practice_id, invite_id, patient_user_id, "
                 "patient_chat_id, is_child, stage, created_at, updated_at) "
                 "VALUES (?, ?, 1, ?, ?, ?, 1, ?, 'x', 'x')",
                 (case_id, f"TD-{case_id}", case_id, case_id, case_id, stage))
    conn.executemany("INSERT INTO answers (case_id, question, value, answered_at) "
                     "VALUES (?, ?, ?, 'x')", [(case_id, q, v) for q, v in answers.items()])


async def test_flag_answers_become_case_columns_and_leave_the_answers(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    schema_before(path, FLAGS_MIGRATION)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO practices (id, name, phone, created_at) VALUES (1, 'P', '0', 'x')")
    _old_case(conn, 1, "close_up_1", {
        "meta.consent_by": "parent", "consent": "yes", "screen.site": "arm",
        "prep.step": "4", "flow.redo": "close_up_2", "flow.return_to_review": "yes"})
    _old_case(conn, 2, "review", {"meta.consent_by": "self", "flow.change": "duration",
                                  "flow.return_to_review": "no", "detail.duration": "weeks"})
    _old_case(conn, 3, "preparation", {"consent": "yes"})
    conn.commit()
    conn.close()
    store = await open_store(path, tmp_path / "photos")
    try:
        first, second, third = [await store.cases.get(n) for n in (1, 2, 3)]
        assert first is not None and second is not None and third is not None
        assert first.stage is Stage.CLOSE_UP_1 and first.consent_by == "parent"
        assert first.prep_step == 4 and first.redo == ("close_up_2",)
        assert first.return_to_review and first.changing == ""
        assert second.consent_by == "self" and second.changing == "duration"
        assert not second.return_to_review and second.redo == () and second.prep_step == 0
        assert (third.consent_by, third.prep_step, third.changing, third.redo,
                third.return_to_review) == ("self", 0, "", (), False)
        assert await store.answers.for_case(1) == {"consent": "yes", "screen.site": "arm"}
        assert await store.answers.for_case(2) == {"detail.duration": "weeks"}
        assert await store.db.schema_version() >= FLAGS_MIGRATION
    finally:
        await store.close()
