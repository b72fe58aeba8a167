"""Files as people really send them: no useful name or type, or too big with no size given."""

from __future__ import annotations

import io
from typing import Any

import pillow_heif
import pytest
from PIL import Image
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Practice
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import to_photos
from tests.auxil.e2e.practice import new_invite
from tests.auxil.files import encoded, many_scans

App = Application[Any, Any, Any, Any, Any, Any]
OVER_20_MB = 21 * 1024 * 1024


def as_heic(jpeg: bytes) -> bytes:
    """The photo as an iPhone's HEIC."""
    out = io.BytesIO()
    pillow_heif.from_pillow(Image.open(io.BytesIO(jpeg))).save(out, quality=90)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["jpeg", "heic"])
async def test_a_photo_sent_as_a_file_called_document_is_judged_by_its_content(
    app: App, emu: Emulator, practice: Practice, kind: str
) -> None:
    patient = emu.user("Sam")
    await to_photos(patient, await new_invite(app, practice))
    photo = sample("locator-good.jpg")
    data = photo if kind == "jpeg" else as_heic(photo)
    await patient.send_document(data, "document", "application/octet-stream")
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=20)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    kept = store.files.read((await store.photos.accepted(case.id))["locator"].file_name)
    assert Image.open(io.BytesIO(kept)).format == "JPEG"


async def test_a_file_called_document_that_is_not_a_picture_is_refused_kindly(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Tam")
    await to_photos(patient, await new_invite(app, practice))
    await patient.send_document(b"Dear doctor, my rash is on my arm.", "document",
                                "application/octet-stream")
    await patient.wait_for_text(text("quality.refusal.not_an_image"), timeout=20)


async def test_a_file_over_20_mb_with_no_size_gets_the_too_big_answer(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Uma")
    await to_photos(patient, await new_invite(app, practice))
    patient.skip_to_end()
    huge = sample("locator-good.jpg") + bytes(OVER_20_MB)
    await patient.send_document(huge, "IMG_0042.JPG", "image/jpeg", with_size=False)
    answer = await patient.next_message(timeout=20)
    assert answer.text == text("journey.photos.too_big")
    await emu.wait_until_idle()
    said = [m.text for m in patient.messages]
    assert text("messages.errors.try_again") not in said
    await patient.send_document(sample("locator-good.jpg"), "document",
                                "application/octet-stream", with_size=False)
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=20)


async def test_a_jpeg_built_to_decode_slowly_gets_a_kind_answer_and_the_step_goes_on(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Vic")
    await to_photos(patient, await new_invite(app, practice))
    flat = Image.new("RGB", (4000, 3000), (180, 140, 120))
    hostile = many_scans(encoded(flat, "JPEG"), 3000)
    await patient.send_document(hostile, "IMG_0043.JPG", "image/jpeg")
    await patient.wait_for_text(text("quality.refusal.too_complex"), timeout=20)
    await patient.send_document(sample("locator-good.jpg"), "IMG_0044.JPG", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=20)
