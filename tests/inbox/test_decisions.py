"""GP decisions: only the case's own practice may act, and the patient is always told."""

from __future__ import annotations

import json
from datetime import date

from bot.channels.dispatch import Dispatcher
from bot.content import text
from bot.inbox.decisions import Inbox
from bot.inbox.digest import build_digest
from bot.store import Store
from bot.store.models import OutboxItem, Stage
from bot.store.practices import DeliveryChannels
from tests.auxil.e2e.patient import words
from tests.auxil.inbox import PATIENT, Setting, submitted_case


async def test_refer_decides_the_case_and_tells_the_patient(store: Store,
                                                            setting: Setting) -> None:
    case = await submitted_case(store, setting)
    outcome = await Inbox(store).refer(102, case.id)
    assert outcome.done and case.reference in outcome.text and "Dr Gee" in outcome.text
    decided = await store.cases.get(case.id)
    assert decided is not None and decided.stage is Stage.DECIDED
    assert decided.decision == "referred" and decided.decided_at
    told = [q for q in await store.outbox.for_case(case.id) if q.chat_id == PATIENT]
    assert len(told) == 1 and words("inbox.patient.referred") in json.loads(told[0].payload)["text"]
    again = await Inbox(store).refer(102, case.id)
    assert not again.done and again.text == text(
        "inbox.gp.already", reference=case.reference, state=text("inbox.gp.state_referred"))


async def test_a_gp_of_another_practice_or_a_stranger_sees_nothing(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    inbox = Inbox(store)
    for outsider in (201, 999, PATIENT, 101):  # other GP, stranger, the patient, staff
        outcome = await inbox.refer(outsider, case.id)
        assert not outcome.done and case.reference not in outcome.text
        assert await inbox.open_case(outsider, case.id) is None
    still = await store.cases.get(case.id)
    assert still is not None and still.stage is Stage.SUBMITTED
    refused = [e for e in await store.audit.for_case(case.id) if e.kind == "access.refused"]
    assert len(refused) == 8
    assert all("999" not in e.actor for e in refused), "no Telegram ids in the audit trail"


async def test_asking_for_new_photos_sends_the_patient_back_to_just_those(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    outcome = await Inbox(store).ask_new_photos(102, case.id, ["close_up_2", "locator"],
                                                "blurred")
    assert outcome.done and "Locator, Close-up 2" in outcome.text
    moved = await store.cases.get(case.id)
    assert moved is not None and moved.stage is Stage.LOCATOR
    assert moved.redo == ("locator", "close_up_2") and moved.return_to_review
    told = [q for q in await store.outbox.for_case(case.id) if q.chat_id == PATIENT]
    words = json.loads(told[0].payload)["text"]
    assert told[0].kind == "patient.new_photos"
    shots = f"{text('inbox.patient.shot_locator')}, {text('inbox.patient.shot_close_up_2')}"
    assert shots in words and "blurred" in words


async def test_not_suitable_asks_the_patient_to_book(store: Store, setting: Setting) -> None:
    case = await submitted_case(store, setting)
    assert not (await Inbox(store).book_appointment(102, case.id, "made-up")).done
    outcome = await Inbox(store).book_appointment(102, case.id, "in_person")
    assert outcome.done and text("inbox.gp.reason_in_person") in outcome.text
    told = [q for q in await store.outbox.for_case(case.id) if q.chat_id == PATIENT]
    assert "020 7729 7236" in json.loads(told[0].payload)["text"]
    decided = await store.cases.get(case.id)
    assert decided is not None and decided.decision == "appointment"
    assert decided.decision_note == "in_person"


async def test_the_digest_labels_photos_and_summarises_answers(store: Store,
                                                               setting: Setting) -> None:
    case = await submitted_case(store, setting)
    digest = await build_digest(store, case, today=date(2026, 11, 24))
    assert [p.label for p in digest.photos] == [
        text(f"inbox.gp.caption_{shot}") for shot in ("locator", "close_up_1", "close_up_2")]
    assert digest.age_text == "46 years" and digest.patient_ref == "P-9"
    for expected in ("left forearm", text("journey.details.duration_weeks"),
                     text("journey.details.symptoms_itchy"), "E45",
                     text("journey.screening.site.arm"), text("journey.screening.red_flags.no"),
                     text("inbox.gp.no_flags")):
        assert expected in digest.summary_html, expected
    assert (text("journey.details.duration_question"),
            text("journey.details.duration_weeks")) in digest.answers


async def test_the_mailbox_copy_of_photos_the_gp_asked_to_replace_waits_for_the_new_ones(
    store: Store, setting: Setting
) -> None:
    """The NHSmail copy of version 1, still being retried when the GP asks for new photos, is
    not sent (nor failed for the replaced photo's deleted file): version 2's copy carries the
    case once the patient sends it."""
    await store.practices.set_channels(setting.practice.id, DeliveryChannels(
        ("telegram", "email"), inbox_email="lawson@nhs.test"), actor="test")
    case = await submitted_case(store, setting)
    (email,) = [i for i in await store.outbox.for_case(case.id) if i.kind == "record.email"]
    assert (await Inbox(store).ask_new_photos(102, case.id, ["close_up_1"], "blurred")).done

    async def telegram(item: OutboxItem) -> None:
        raise AssertionError(item.kind)

    dispatcher = Dispatcher(store, telegram, channels={}, pack_limit=745_000,
                            queued=lambda: None)
    await dispatcher(email)  # an email channel is not even configured: nothing is tried


def test_the_gps_reason_for_a_photo_taken_at_the_wrong_distance_says_what_is_wrong() -> None:
    """"Too far or too close" did not say too far from what: the GP's button says what it
    means in the photo, the rash looking small from too far away."""
    button = text("inbox.gp.reason_distance").casefold()
    assert "rash" in button and "small" in button
