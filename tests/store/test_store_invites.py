"""Invites: tokens kept only as hashes, single use, expiry and revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.store import StageConflict, Store
from bot.store.invites import invite_problem


async def test_token_is_long_random_and_never_stored_in_clear(
    store: Store, settings: Settings
) -> None:
    practice = await store.practices.add("Lawson Practice", "020 7729 7236")
    invite, token = await store.invites.create(practice.id, "P-7", "2001-05-06", valid_days=7)
    _, other = await store.invites.create(practice.id, "P-8", "2001-05-06", valid_days=7)
    assert len(token) >= 22 and token != other
    assert (await store.invites.find(token)) == invite
    assert await store.invites.find(token + "x") is None
    raw = settings.database_path.read_bytes()
    wal = settings.database_path.with_name(settings.database_path.name + "-wal")
    if wal.exists():
        raw += wal.read_bytes()
    assert token.encode() not in raw


async def test_invite_opens_one_case_only(store: Store) -> None:
    practice = await store.practices.add("Lawson Practice", "020 7729 7236")
    invite, _ = await store.invites.create(practice.id, "P-1", "1980-02-03", valid_days=7)
    assert invite_problem(invite) is None
    await store.cases.open_from_invite(invite, patient_user_id=1, patient_chat_id=1,
                                       is_child=False)
    with pytest.raises(StageConflict):
        await store.cases.open_from_invite(invite, patient_user_id=2, patient_chat_id=2,
                                           is_child=False)
    used = await store.invites.get(invite.id)
    assert invite_problem(used) == "used"


async def test_expired_and_revoked_invites_are_refused(store: Store) -> None:
    practice = await store.practices.add("Lawson Practice", "020 7729 7236")
    invite, _ = await store.invites.create(practice.id, "P-1", "1980-02-03", valid_days=7)
    assert invite_problem(invite, datetime.now(UTC) + timedelta(days=8)) == "expired"
    await store.invites.revoke(invite.id, actor="member:1")
    assert invite_problem(await store.invites.get(invite.id)) == "revoked"
    assert invite_problem(None) == "unknown"
