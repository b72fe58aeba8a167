"""Files as people really send them: no useful name or type, too big with no size given, or
carrying a thumbnail, a comment, XMP or GPS that must never be kept or reach the GP."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pillow_heif
import pytest
from PIL import Image
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Practice
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import details_and_review, first_line, tap, to_photos
from tests.auxil.e2e.practice import make_team, new_invite, packs, photos
from tests.auxil.files import (
    encoded,
    many_scans,
    private_traces,
    turned_with_comment,
    with_private_metadata,
)

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
    refused = await patient.wait_for_text(text("quality.refusal.not_an_image"), timeout=20)

    await patient.wait_until(lambda: text("journey.photos.removed_file") in (refused.text or ""),
                             timeout=10)
    said = refused.text or ""
    assert text("journey.photos.removed") not in said, "a file is called a file"
    assert not {"JPEG", "PNG", "HEIC"} & set(said.replace("(", " ").split()), "plain English"


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


def traces_on_disk(data_dir: Path) -> list[str]:
    """Files under DATA_DIR (photos, database, write-ahead log) in which metadata can be read."""
    return [path.name for path in data_dir.rglob("*")
            if path.is_file() and private_traces(path.read_bytes())]


async def test_no_thumbnail_comment_xmp_or_gps_a_patients_files_carry_is_kept_or_reaches_the_gp(
    app: App, emu: Emulator, data_dir: Path
) -> None:
    team = await make_team(app, emu)
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "P-400", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Wyn")
    await to_photos(patient, token)
    sent = [with_private_metadata(sample("locator-good.jpg")),
            turned_with_comment(sample("close-up-good.jpg")),
            with_private_metadata(sample("close-up-good-2.jpg"))]
    for number, data in enumerate(sent, 1):
        assert private_traces(data), "the files carry metadata to lose"
        await patient.send_document(data, f"IMG_010{number}.JPG", "image/jpeg")
        await patient.wait_for_text(text("journey.photos.accepted", number=number), timeout=20)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    await team.gp.wait_until(lambda: len(photos(team.gp)) == 3 and bool(packs(team.gp)),
                             timeout=30)
    assert traces_on_disk(data_dir) == []
    received = [m for m in team.gp.messages if m.kind == "document"]
    assert len(received) == 4, "three photos and the referral pack"
    assert [m.filename for m in received if private_traces(m.file_bytes or b"")] == []


def resized(width: int, height: int) -> bytes:
    """The good whole-area sample photo at this size, as a JPEG."""
    out = io.BytesIO()
    Image.open(io.BytesIO(sample("locator-good.jpg"))).convert("RGB").resize(
        (width, height)).save(out, "JPEG", quality=92)
    return out.getvalue()


@pytest.mark.parametrize("as_file", [False, True], ids=["as-a-photo", "as-a-file"])
async def test_a_small_original_is_asked_for_a_new_photo_not_to_send_it_as_a_file(
    app: App, emu: Emulator, practice: Practice, as_file: bool
) -> None:
    patient = emu.user("Ada")
    await to_photos(patient, await new_invite(app, practice))
    small = resized(512, 384)  # Telegram keeps the size of a photo this small
    if as_file:
        await patient.send_document(small, "IMG_0001.JPG", "image/jpeg")
    else:
        await patient.send_photo(small)

    refused = await patient.wait_for_text(first_line("quality.refusal.too_small_original"),
                                          timeout=20)
    assert text("quality.refusal.too_small") not in (refused.text or "")
