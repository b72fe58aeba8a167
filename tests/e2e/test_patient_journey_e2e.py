"""The patient's journey end to end: the real Application, the emulator and real photos."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Awaitable
from typing import Any

from PIL import Image
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Practice, Stage
from tests.auxil.e2e.bot_app import BotStarter, sample, services_of
from tests.auxil.e2e.patient import (
    ADULT_DOB,
    details_and_review,
    first_line,
    tap,
    then_says,
    to_consent,
    to_photos,
)
from tests.auxil.e2e.practice import new_invite

App = Application[Any, Any, Any, Any, Any, Any]


def gps_exif() -> bytes:
    """EXIF with a GPS position (central London) and a camera make."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (51.0, 32.0, 50.0), 3: "W", 4: (0.0, 2.0, 40.0)}
    return exif.tobytes()


def with_exif(data: bytes, exif: bytes) -> bytes:
    """Re-save a JPEG with this EXIF block."""
    out = io.BytesIO()
    with Image.open(io.BytesIO(data)) as image:
        image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


async def test_help_and_a_bare_start_explain_the_service(app: App, emu: Emulator) -> None:
    stranger = emu.user("Sam")
    await stranger.send_command("/help")
    assert (await stranger.next_message()).text == text("messages.help.text")
    await stranger.send_command("/start")
    reply = await stranger.next_message()
    assert first_line("journey.invite.no_case") in (reply.text or "")
    await stranger.open_deep_link("not-a-real-invite")
    assert first_line("journey.invite.unknown") in (await stranger.next_message()).text


async def test_a_patient_sends_three_real_photos_and_their_gp_gets_the_case(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ada")
    await to_photos(patient, await new_invite(app, practice))
    store = services_of(app).store

    locator = with_exif(sample("locator-good.jpg"), gps_exif())
    await patient.send_document(locator, "IMG_0001.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
    assert "upload_photo" in patient.chat_actions
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.CLOSE_UP_1
    kept = (await store.photos.accepted(case.id))["locator"]
    on_disk = store.files.path(kept.file_name).read_bytes()
    assert hashlib.sha256(on_disk).hexdigest() == kept.sha256
    with Image.open(io.BytesIO(on_disk)) as image:
        assert image.size == (1600, 1200)
        assert not image.getexif().get_ifd(0x8825) and 0x010F not in image.getexif()

    await patient.send_photo(sample("close-up-blurred.jpg"))
    advice = await patient.wait_for_text(text("journey.photos.retake"), timeout=15)
    assert any(text(f"quality.sharpness.{why}") in advice.text
               for why in ("blurred", "shake", "soft"))
    await patient.send_photo(sample("close-up-good.jpg"))
    await patient.wait_for_text(text("journey.photos.accepted", number=2), timeout=15)
    await patient.send_document(sample("close-up-good-2.jpg"), "rash.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=3), timeout=15)

    await details_and_review(patient)
    album = [m for m in patient.messages if m.kind == "photo" and m.media_group_id]
    assert [m.text for m in album] == [text(f"journey.review.caption_{shot}")
                                       for shot in ("locator", "close_up_1", "close_up_2")]
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    case = await store.cases.get(case.id)
    assert case is not None and case.stage is Stage.SUBMITTED
    receipt = patient.messages[-1].text or ""
    assert case.reference in receipt and "111" in receipt and "999" in receipt
    photos = await store.photos.accepted(case.id)
    assert sorted(photos) == ["close_up_1", "close_up_2", "locator"]
    assert all(store.files.path(p.file_name).exists() for p in photos.values())
    original = sample("close-up-good-2.jpg")  # sent as a file, with no metadata to strip
    assert photos["close_up_2"].sha256 == hashlib.sha256(original).hexdigest()
    assert store.files.read(photos["close_up_2"].file_name) == original, "exactly those bytes"


async def test_a_dark_photo_is_explained_and_can_be_used_anyway_after_two_tries(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Bea")
    await to_photos(patient, await new_invite(app, practice))
    dark = sample("close-up-dark.jpg")
    await patient.send_document(dark, "dark.jpg", "image/jpeg")
    first = await patient.wait_for_text(text("journey.photos.retake"), timeout=15)
    assert text("quality.exposure.dark") in first.text
    await patient.send_document(with_exif(dark, gps_exif()), "dark2.jpg", "image/jpeg")
    await patient.wait_for_text(first_line("journey.photos.send_anyway_offer"), timeout=15)
    await tap(patient, text("journey.photos.send_anyway"),
              first_line("journey.photos.close_up_1"))
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    locator = (await store.photos.accepted(case.id))["locator"]
    assert locator.sent_anyway and locator.verdict == "retake"


async def test_an_album_of_five_is_taken_in_order_and_the_extras_are_explained(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Cal")
    await to_photos(patient, await new_invite(app, practice))
    album = [sample("locator-good.jpg"), sample("close-up-good.jpg"),
             sample("close-up-good-2.jpg"), sample("close-up-blurred.jpg"),
             sample("close-up-dark.jpg")]
    await patient.send_album(album, as_documents=True)
    # the extras' note, then the first question (held while the album was judged), once
    await patient.wait_for_text(text("journey.photos.album_extra"), timeout=30)
    await then_says(patient, first_line("journey.details.where_exactly"), timeout=15)
    await emu.wait_until_idle()
    notes = [m for m in patient.messages if text("journey.photos.album_extra") in (m.text or "")]
    assert len(notes) == 1, "one note for the album's extras, not one per photo"
    order = [m for m in patient.messages if text("journey.photos.album_order") in (m.text or "")]
    assert len(order) == 1, "once an album: the photos are used in the order sent"
    first = text("journey.photos.accepted", number=1)
    assert patient.messages.index(order[0]) <= min(
        i for i, m in enumerate(patient.messages) if first in (m.text or "")), "before photo 1"
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.DETAILS
    kept = await store.photos.accepted(case.id)
    for shot, name in (("locator", "locator-good.jpg"), ("close_up_1", "close-up-good.jpg"),
                       ("close_up_2", "close-up-good-2.jpg")):
        on_disk = store.files.path(kept[shot].file_name).read_bytes()
        with Image.open(io.BytesIO(on_disk)) as got, \
                Image.open(io.BytesIO(sample(name))) as sent:
            assert got.size == sent.size
            assert got.convert("L").resize((32, 24)).tobytes() == \
                sent.convert("L").resize((32, 24)).tobytes() or _close(got, sent)


def _close(got: Image.Image, sent: Image.Image) -> bool:
    """True when two images show the same picture (small re-encoding differences allowed)."""
    a = got.convert("L").resize((32, 24)).tobytes()
    b = sent.convert("L").resize((32, 24)).tobytes()
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a) < 3


async def test_odd_inputs_get_kind_answers_and_lose_nothing(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Dee")
    await to_photos(patient, await new_invite(app, practice))
    await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
    await patient.wait_for_text(first_line("journey.photos.close_up_1"), timeout=15)
    patient.skip_to_end()

    async def answer(send: Awaitable[object], *, wait: float = 5) -> str:
        """Everything the bot says back, up to asking again for photo 2."""
        seen = len(patient.messages)
        await send
        await patient.wait_for_text(first_line("journey.photos.close_up_1"), timeout=wait)
        return "\n".join(m.text or "" for m in patient.messages[seen:])

    for kind, send in (("sticker", patient.send_sticker()), ("voice", patient.send_voice()),
                       ("video", patient.send_video()),
                       ("location", patient.send_location(51.5, -0.1)),
                       ("contact", patient.send_contact()),
                       ("text", patient.send_text("is this ok?"))):
        said = await answer(send)
        assert "photo" in said.lower(), kind
    pdf = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n"
    assert text("journey.input.document") in await answer(
        patient.send_document(pdf, "letter.pdf", "application/pdf"))
    broken = b"\xff\xd8\xff\xe0" + b"\x00" * 500
    patient.skip_to_end()
    await patient.send_document(broken, "broken.jpg", "image/jpeg")
    assert text("quality.refusal.not_an_image") in (await patient.next_message(timeout=15)).text
    huge = b"\xff\xd8" + b"\x00" * (30 * 1024 * 1024)
    await patient.send_document(huge, "huge.jpg", "image/jpeg")
    assert text("journey.photos.too_big") in (await patient.next_message(timeout=10)).text
    await patient.send_command("/status")
    status = (await patient.next_message()).text or ""
    assert text("journey.status_words.close_up_1") in status

    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.CLOSE_UP_1
    assert list(await store.photos.accepted(case.id)) == ["locator"]


async def test_an_old_button_and_a_double_tap_change_nothing(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Eli")
    await to_consent(patient, await new_invite(app, practice))
    agree, data = patient.find_button(text("journey.consent.yes"))
    await patient.tap_callback(agree.message_id, data)
    await patient.tap_callback(agree.message_id, data)
    await patient.wait_for_text(text("journey.screening.is_rash.question"))
    await tap(patient, text("journey.screening.is_rash.rash"),
              text("journey.screening.red_flags.question"))
    await patient.tap_callback(agree.message_id, data)
    await patient.wait_until(lambda: len(patient.callback_answers) >= 4)
    await emu.wait_until_idle()
    asked = text("journey.screening.is_rash.question")
    questions = [m for m in patient.messages if asked in (m.text or "")]
    assert len(questions) == 1, "a double tap does not ask the next question twice"
    assert text("journey.screening.red_flags.question") in (patient.messages[-1].text or ""), (
        "nothing sent after")
    notes = [a.get("text") or "" for a in patient.callback_answers]
    assert any(text("journey.input.old_button") in n or text("journey.input.done_button") in n
               for n in notes)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.SCREENING


async def test_other_patients_are_answered_while_a_photo_is_checked(
    app: App, emu: Emulator, practice: Practice
) -> None:
    busy = emu.user("Fay")
    await to_photos(busy, await new_invite(app, practice))
    waiting = emu.user("Gus")
    big = Image.open(io.BytesIO(sample("close-up-good.jpg"))).resize((8000, 6000))
    out = io.BytesIO()
    big.save(out, "JPEG", quality=95)
    await busy.send_document(out.getvalue(), "big.jpg", "image/jpeg")
    await busy.wait_until(lambda: "upload_photo" in busy.chat_actions, 10)
    await waiting.send_command("/help")
    await waiting.next_message(timeout=5)
    # Any of the verdicts on photo 1, cut at their first placeholder.
    verdicts = tuple(text(f"journey.photos.{key}", number=1).split("\n")[0][:20]
                     for key in ("accepted", "accepted_with_note", "retake"))
    assert not any(v in (m.text or "") for m in busy.messages for v in verdicts), \
        "another patient was answered while the photo was still being checked"
    await busy.wait_for(lambda m: any(v in (m.text or "") for v in verdicts), 30)


async def test_a_restart_mid_way_keeps_every_accepted_photo(
    start_bot: BotStarter, emu: Emulator
) -> None:
    async with start_bot() as first:
        practice = await services_of(first).store.practices.add("The Lawson Practice",
                                                                "020 7729 7236")
        patient = emu.user("Hal")
        await to_photos(patient, await new_invite(first, practice))
        await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
        await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
        await patient.send_photo(sample("close-up-good.jpg"))
        await patient.wait_for_text(text("journey.photos.accepted", number=2), timeout=15)
    async with start_bot() as second:
        await patient.send_command("/start")
        back = await patient.wait_for_text(text("journey.invite.welcome_back"))
        assert back.text
        await then_says(patient, first_line("journey.photos.close_up_2"))
        await patient.send_photo(sample("close-up-good-2.jpg"))
        await patient.wait_for_text(text("journey.photos.accepted", number=3), timeout=15)
        store = services_of(second).store
        case = await store.cases.current_for_patient(patient.id)
        assert case is not None and case.stage is Stage.DETAILS
        kept = await store.photos.accepted(case.id)
        assert sorted(kept) == ["close_up_1", "close_up_2", "locator"]
        assert all(store.files.path(p.file_name).exists() for p in kept.values())
    assert ADULT_DOB
