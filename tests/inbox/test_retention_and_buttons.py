"""Retention deletes what is no longer needed; signed buttons cannot be forged or moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.inbox.decisions import Inbox
from bot.services.buttons import ButtonSigner
from bot.services.reminders import remind_stalled
from bot.services.retention import purge
from bot.store import Store
from bot.store.models import Flags, Stage
from tests.auxil.inbox import Setting, submitted_case
from tests.auxil.requests import request_named


async def test_decided_cases_are_erased_after_the_retention_period(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    files = [p.file_name for p in await store.photos.for_case(case.id)]
    await Inbox(store).refer(102, case.id)
    assert await purge(store, 30) == 0, "kept for 30 days after the decision"
    assert all(store.files.path(name).exists() for name in files)
    later = datetime.now(UTC) + timedelta(days=31)
    assert await purge(store, 30, now=later) == 1
    assert not any(store.files.path(name).exists() for name in files)
    erased = await store.cases.get(case.id)
    assert erased is not None and erased.stage is Stage.ERASED and erased.decision == "referred"
    assert await store.answers.for_case(case.id) == {}
    kinds = [e.kind for e in await store.audit.for_case(case.id)]
    assert "case.erased" in kinds and "case.opened" in kinds, "the audit trail stays"


async def test_cases_waiting_for_a_gp_are_never_purged(store: Store, setting: Setting) -> None:
    case = await submitted_case(store, setting)
    assert await purge(store, 30, now=datetime.now(UTC) + timedelta(days=400)) == 0
    still = await store.cases.get(case.id)
    assert still is not None and still.stage is Stage.SUBMITTED


async def test_abandoned_cases_are_purged_after_the_period(store: Store, setting: Setting) -> None:
    invite, _ = await store.invites.create(setting.practice.id, "A-1", "1990-01-01",
                                           valid_days=7)
    case = await store.cases.open_from_invite(invite, patient_user_id=9, patient_chat_id=9,
                                              is_child=False)
    await store.answers.save(case.id, "consent", "yes")
    assert await purge(store, 30, now=datetime.now(UTC) + timedelta(days=29)) == 0
    assert await purge(store, 30, now=datetime.now(UTC) + timedelta(days=31)) == 1
    assert await store.answers.for_case(case.id) == {}


def test_signed_buttons_cannot_be_altered_or_used_in_another_chat() -> None:
    signer = ButtonSigner(b"secret")
    data = signer.sign(-500, "refer", 42)
    assert len(data.encode()) <= 64
    assert signer.verify(-500, data) == ["refer", "42"]
    assert signer.verify(-501, data) is None, "replayed in another chat"
    assert signer.verify(-500, data.replace("|42|", "|43|")) is None, "another case"
    assert ButtonSigner(b"other").verify(-500, data) is None
    assert signer.verify(-500, "locator|anyway|1") is None


async def test_a_stalled_patient_is_reminded_once(store: Store, setting: Setting) -> None:
    import json

    invite, _ = await store.invites.create(setting.practice.id, "S-1", "1990-01-01",
                                           valid_days=7)
    case = await store.cases.open_from_invite(invite, patient_user_id=11, patient_chat_id=11,
                                              is_child=False)
    await submitted_case(store, setting)  # waiting for a GP: never nudged
    assert await remind_stalled(store, 3) == 0, "not stalled yet"
    later = datetime.now(UTC) + timedelta(days=4)
    assert await remind_stalled(store, 3, now=later) == 1
    assert await remind_stalled(store, 3, now=later) == 0, "only once"
    reminder = [q for q in await store.outbox.for_case(case.id)]
    assert len(reminder) == 1 and reminder[0].chat_id == 11
    assert reminder[0].kind == "patient.reminder", "sent with a button that names the case"
    said = json.loads(reminder[0].payload)["text"]
    assert request_named(case, "own", site=None) in said, "named as the patient knows it"
    assert case.reference not in said, "a reference the patient has never seen"


async def test_erasure_and_retention_leave_no_date_of_birth_behind(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    unused, _ = await store.invites.create(setting.practice.id, "U-1", "1970-05-05",
                                           valid_days=7)
    await Inbox(store).refer(102, case.id)
    await purge(store, 30, now=datetime.now(UTC) + timedelta(days=45))
    assert case.invite_id is not None
    for invite_id in (case.invite_id, unused.id):
        invite = await store.invites.get(invite_id)
        assert invite is not None and invite.date_of_birth == ""
        assert invite.patient_ref in ("(erased)", "(expired)")
    assert all(q.payload == "{}" for q in await store.outbox.for_case(case.id)
               if q.kind != "gp.retract")


async def test_the_reference_kept_after_the_patients_erasure_goes_after_the_retention_period(
    store: Store, setting: Setting
) -> None:
    """Erased by the patient, the invite keeps the practice's reference (staff contact them)
    but not the date of birth; the retention purge clears the reference later."""
    from bot.services import erasure

    invite, _ = await store.invites.create(setting.practice.id, "KEEP-1", "1990-01-01",
                                           valid_days=7)
    case = await store.cases.open_from_invite(invite, patient_user_id=77, patient_chat_id=77,
                                              is_child=False)
    await erasure.erase(store, case, Stage.CANCELLED, actor="patient",
                        reason="patient_cancelled")
    kept = await store.invites.get(invite.id)
    assert kept is not None and kept.patient_ref == "KEEP-1" and kept.date_of_birth == ""
    alerts = [q for q in await store.outbox.for_case(case.id) if q.kind == "staff.alert"]
    assert [q.chat_id for q in alerts] == [101] and "KEEP-1" in alerts[0].payload
    await purge(store, 30, now=datetime.now(UTC) + timedelta(days=10))
    still = await store.invites.get(invite.id)
    assert still is not None and still.patient_ref == "KEEP-1", "within the retention period"
    await purge(store, 30, now=datetime.now(UTC) + timedelta(days=45))
    gone = await store.invites.get(invite.id)
    assert gone is not None and gone.patient_ref == "(erased)"


async def test_staff_hear_once_about_a_case_waiting_too_long_for_a_gp(
    store: Store, setting: Setting
) -> None:
    from bot.services.reminders import alert_waiting

    case = await submitted_case(store, setting)
    assert await alert_waiting(store, 3) == 0
    later = datetime.now(UTC) + timedelta(days=4)
    assert await alert_waiting(store, 3, now=later) == 1
    assert await alert_waiting(store, 3, now=later) == 0
    alerts = [q for q in await store.outbox.for_case(case.id) if q.kind == "staff.alert"]
    assert [q.chat_id for q in alerts] == [101] and case.reference in alerts[0].payload


async def test_a_patient_still_answering_or_reading_the_photo_tips_is_not_reminded(
    store: Store, setting: Setting
) -> None:
    """Activity within a stage (an answer, a photo tip) counts: only a patient who did
    nothing at all for the stall period gets the "you have not finished" nudge."""
    invite, _ = await store.invites.create(setting.practice.id, "S-2", "1990-01-01",
                                           valid_days=7)
    case = await store.cases.open_from_invite(invite, patient_user_id=12, patient_chat_id=12,
                                              is_child=False)
    long_ago = (datetime.now(UTC) - timedelta(days=4)).isoformat(timespec="seconds")
    await store.db._conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?",
                                 (long_ago, case.id))
    await store.answers.save(case.id, "screen.is_rash", "rash")
    assert await remind_stalled(store, 3) == 0, "answered today"
    await store.db._conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?",
                                 (long_ago, case.id))
    await store.cases.set_flags(case, Flags(prep_step=1), actor="patient")
    assert await remind_stalled(store, 3) == 0, "read a photo tip today"
    await store.db._conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?",
                                 (long_ago, case.id))
    assert await remind_stalled(store, 3) == 1, "four days without anything"
