"""Invites: tokens kept only as hashes, single use, expiry and revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.services import erasure
from bot.store import StageConflict, Store
from bot.store.invites import invite_problem
from bot.store.models import Stage


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


async def test_a_locked_link_whose_case_was_erased_is_not_renewed_and_nothing_changes(
    store: Store
) -> None:
    """"New link" copies the locked invite's date of birth; once the case was erased there is
    none, so no invite is made and the locked one is not cancelled (an earlier version did both,
    then failed); an invite that has no date of birth is never sent again nor opened."""
    practice = await store.practices.add("Lawson Practice", "020 7729 7236")
    invite, _ = await store.invites.create(practice.id, "P-1", "1980-02-03", valid_days=7)
    case = await store.cases.open_from_invite(invite, patient_user_id=1, patient_chat_id=1,
                                              is_child=False)
    while not await store.invites.record_failed_check(invite.id, lock_after=3):
        pass
    await erasure.erase(store, case, Stage.ERASED, actor="patient", reason="patient_deleted")
    before = await store.invites.for_practice(practice.id)
    assert await store.invites.renew_locked(invite.id, valid_days=7, actor="member:1") is None
    assert await store.invites.for_practice(practice.id) == before

    dateless, _ = await store.invites.create(practice.id, "P-2", "", valid_days=7)
    assert invite_problem(dateless) == "revoked"
    assert await store.invites.reissue(dateless.id, valid_days=7, actor="member:1") is None


async def test_of_patient_finds_only_the_same_patients_invites_in_the_practice(
        store: Store) -> None:
    here = await store.practices.add("Here", "020 1")
    there = await store.practices.add("There", "020 2")
    mine, _ = await store.invites.create(here.id, "A1", "1980-02-03", valid_days=7,
                                         nhs_number="9434765919")
    await store.invites.create(here.id, "B1", "1990-01-01", valid_days=7)
    await store.invites.create(there.id, "A1", "1980-02-03", valid_days=7,
                               nhs_number="9434765919")

    found = await store.invites.of_patient(here.id, "9434765919", "1980-02-03")

    assert [invite.id for invite in found] == [mine.id], "not the other practice's"
