"""Cases and photos: stages, double taps, attempts, and an audit trail without personal data."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.store import StageConflict, Store
from bot.store.models import Flags, Stage
from tests.auxil.store import opened_case


async def test_a_double_tap_cannot_move_a_case_twice(store: Store) -> None:
    case = await opened_case(store)
    assert case.stage is Stage.IDENTITY and case.reference.startswith("TD-")
    await store.cases.move(case, Stage.CONSENT)
    with pytest.raises(StageConflict):
        await store.cases.move(case, Stage.CONSENT)
    current = await store.cases.get(case.id)
    assert current is not None and current.stage is Stage.CONSENT


async def test_retakes_are_numbered_and_the_newest_accepted_photo_stands(store: Store) -> None:
    case = await opened_case(store)
    first = await store.photos.add(case.id, "close_up_1", store.files.write(b"one"),
                                   source="photo", verdict="retake", status="rejected")
    second = await store.photos.add(case.id, "close_up_1", store.files.write(b"two"),
                                    source="photo", verdict="accept", status="accepted")
    third = await store.photos.add(case.id, "close_up_1", store.files.write(b"three"),
                                   source="document", verdict="accept", status="accepted")
    assert (first.attempt, second.attempt, third.attempt) == (1, 2, 3)
    assert (await store.photos.accepted(case.id))["close_up_1"].id == third.id
    duplicate = await store.photos.with_hash(case.id, second.sha256)
    assert duplicate is not None and duplicate.id == second.id
    kept = await store.photos.accept_anyway(first.id)
    assert kept.sent_anyway and (await store.photos.accepted(case.id))["close_up_1"].id == first.id


async def test_answers_are_saved_and_replaced(store: Store) -> None:
    case = await opened_case(store)
    await store.answers.save(case.id, "duration", "days")
    await store.answers.save(case.id, "duration", "weeks")
    assert await store.answers.for_case(case.id) == {"duration": "weeks"}


async def test_audit_trail_names_what_happened_but_holds_no_personal_data(store: Store) -> None:
    case = await opened_case(store)
    await store.cases.move(case, Stage.CONSENT)
    await store.answers.save(case.id, "tried", "E45 cream from Boots")
    events = await store.audit.for_case(case.id)
    kinds = [e.kind for e in events]
    assert kinds == ["case.opened", "case.stage", "answer.saved"]
    flat = " ".join(e.detail for e in events)
    for personal in ("943 476 5919", "1980-02-03", "E45"):
        assert personal not in flat


async def test_erased_answers_leave_no_trace_in_the_database_file(
    store: Store, settings: Settings
) -> None:
    case = await opened_case(store)
    secret = "Quixotrel ointment bought in Llanfair"
    await store.answers.save(case.id, "tried", secret)
    await store.cases.erase(case, Stage.ERASED, actor="patient", reason="patient asked")
    await store.close()
    files = settings.database_path.parent.glob(settings.database_path.name + "*")
    on_disk = b"".join(path.read_bytes() for path in files)
    assert on_disk and secret.encode() not in on_disk


async def test_only_the_patients_own_actions_choose_which_open_case_their_input_goes_to(
    store: Store,
) -> None:
    """Audit finding 1: a GP's move, a staff stop, the purge of another case and a newer
    `updated_at` never make another case the current one; the patient's action or choice
    does, and a case that is closed or erased never captures input while one is open."""
    first = await opened_case(store)
    invite, _ = await store.invites.create(first.practice_id, "CHILD-2", "2015-04-01",
                                           valid_days=7)
    second = await store.cases.open_from_invite(invite, patient_user_id=5, patient_chat_id=5,
                                                is_child=True)
    assert (await store.cases.current_for_patient(5)).id == second.id  # type: ignore[union-attr]
    first = await store.cases.move(first, Stage.CONSENT, actor="member:1")
    await store.cases.set_flags(first, Flags(prep_step=0), actor="system")
    assert (await store.cases.current_for_patient(5)).id == second.id  # type: ignore[union-attr]

    first = await store.cases.choose(first)
    assert (await store.cases.current_for_patient(5)).id == first.id  # type: ignore[union-attr]
    await store.cases.move(second, Stage.CONSENT)
    assert (await store.cases.current_for_patient(5)).id == second.id  # type: ignore[union-attr]
    assert [c.id for c in await store.cases.open_for_patient(5)] == [second.id, first.id]

    await store.cases.erase(first, Stage.ERASED, actor="retention", reason="test")
    await store.cases.choose(first)  # an erased case cannot be chosen
    assert (await store.cases.current_for_patient(5)).id == second.id  # type: ignore[union-attr]
    assert [c.id for c in await store.cases.open_for_patient(5)] == [second.id]
