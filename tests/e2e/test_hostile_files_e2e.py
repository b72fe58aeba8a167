"""Hostile files at a photo step (audit29): each gets its kind answer, the step goes on, nothing
the bot could not use is left on disk, and no error or technical words reach the patient."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.inbox.digest import quality_flags, shot_label
from bot.store.models import Practice
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import first_line, tap, to_photos
from tests.auxil.e2e.practice import new_invite
from tests.auxil.files import cmyk_jpeg, encoded, png16_colour

App = Application[Any, Any, Any, Any, Any, Any]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_bomb() -> bytes:
    """A 69-byte PNG whose header says 30000 x 30000 pixels (2.7 GB decoded)."""
    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 100, 9)) + _chunk(b"IEND", b""))


def jpeg_bomb() -> bytes:
    """A tiny JPEG whose frame header says 30000 x 30000 pixels."""
    small = bytearray(encoded(Image.new("RGB", (16, 16), (180, 140, 120)), "JPEG"))
    at = small.find(b"\xff\xc0")
    small[at + 5:at + 9] = struct.pack(">HH", 30000, 30000)
    return bytes(small)


def moving(fmt: str) -> bytes:
    """A three-frame animation of the good locator (GIF or WebP)."""
    still = Image.open(io.BytesIO(sample("locator-good.jpg"))).convert("RGB")
    frames = [still, still.rotate(2), still.rotate(4)]
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:])
    return out.getvalue()


def tiff16() -> bytes:
    """A 16-bit greyscale TIFF, as a scanner or a camera app's export might make."""
    grey = np.asarray(Image.open(io.BytesIO(sample("locator-good.jpg"))).convert("L"))
    out = io.BytesIO()
    Image.fromarray(grey.astype(np.uint16) * 257).save(out, "TIFF")
    return out.getvalue()


REFUSED: list[tuple[str, Callable[[], bytes], str, str, str]] = [
    ("png-bomb", png_bomb, "IMG_0001.PNG", "image/png", "too_many_pixels"),
    ("jpeg-bomb", jpeg_bomb, "IMG_0002.JPG", "image/jpeg", "too_many_pixels"),
    ("not-a-jpeg", lambda: b"I am not a picture, only words." * 40, "IMG_0003.JPG", "image/jpeg",
     "not_an_image"),
    ("half-a-jpeg", lambda: sample("locator-good.jpg")[:4000], "IMG_0004.JPG", "image/jpeg",
     "corrupt"),
    ("gif", lambda: moving("GIF"), "funny.gif", "image/gif", "animated"),
    ("webp", lambda: moving("WEBP"), "moving.webp", "image/webp", "animated"),
    ("tiff-16-bit", tiff16, "scan.tiff", "image/tiff", "not_an_image"),
    ("zero-bytes", lambda: b"", "IMG_0008.JPG", "image/jpeg", "not_an_image"),
]


@pytest.mark.parametrize(("what", "build", "name", "mime", "refusal"),
                         [pytest.param(*row, id=row[0]) for row in REFUSED])
async def test_a_hostile_file_gets_its_kind_answer_leaves_nothing_on_disk_and_the_step_goes_on(
    app: App, emu: Emulator, practice: Practice, data_dir: Path,
    what: str, build: Callable[[], bytes], name: str, mime: str, refusal: str,
) -> None:
    patient = emu.user("Hal")
    await to_photos(patient, await new_invite(app, practice))
    patient.skip_to_end()
    await patient.send_document(build(), name, mime)
    await patient.wait_for_text(text(f"quality.refusal.{refusal}"), timeout=30)
    await emu.wait_until_idle()
    said = "\n".join(m.text or "" for m in patient.messages)
    assert text("messages.errors.try_again") not in said
    for word in ("Traceback", "Error", "PIL", "Pillow", "decompression", "bytes"):
        assert word not in said, f"no technical words: {word}"
    photos = data_dir / "photos"
    assert not [p for p in photos.rglob("*") if p.is_file()], "nothing of the file kept"
    await patient.send_document(sample("locator-good.jpg"), "IMG_0100.JPG", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=30)
    left = [p.name for p in photos.rglob("*") if p.is_file()]
    assert len(left) == 1 and not left[0].startswith(".incoming"), left


def _with_huge_profile(jpeg: bytes) -> bytes:
    """The photo with 4 MB of junk as its colour profile (67 APP2 segments)."""
    image = Image.open(io.BytesIO(jpeg))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, icc_profile=bytes(range(256)) * 16384)
    return out.getvalue()


def _cmyk() -> bytes:
    rgb = np.asarray(Image.open(io.BytesIO(sample("locator-good.jpg"))).convert("RGB"))
    return cmyk_jpeg(rgb)[0]


def _png16() -> bytes:
    rgb = np.asarray(Image.open(io.BytesIO(sample("locator-good.jpg"))).convert("RGB"))
    return png16_colour(rgb)


KEPT: list[tuple[str, Callable[[], bytes], str, str]] = [
    ("cmyk-jpeg", _cmyk, "IMG_0005.JPG", "image/jpeg"),
    ("16-bit-colour-png", _png16, "IMG_0006.PNG", "image/png"),
    ("huge-colour-profile", lambda: _with_huge_profile(sample("locator-good.jpg")),
     "IMG_0007.JPG", "image/jpeg"),
]


@pytest.mark.parametrize(("what", "build", "name", "mime"),
                         [pytest.param(*row, id=row[0]) for row in KEPT])
async def test_an_unusual_but_real_picture_is_checked_and_kept_as_a_plain_small_jpeg(
    app: App, emu: Emulator, practice: Practice,
    what: str, build: Callable[[], bytes], name: str, mime: str,
) -> None:
    patient = emu.user("Ivy")
    await to_photos(patient, await new_invite(app, practice))
    data = build()
    await patient.send_document(data, name, mime)
    ok = (text("journey.photos.accepted", number=1),
          text("journey.photos.accepted_with_note", number=1))
    await patient.wait_until(lambda: any((m.text or "").startswith(ok) for m in patient.messages),
                             timeout=30)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    kept = store.files.read((await store.photos.accepted(case.id))["locator"].file_name)
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG" and image.mode in ("RGB", "L")
    assert len(image.info.get("icc_profile") or b"") < 10_000, "no junk profile kept"
    assert len(kept) < 4_000_000


async def test_a_black_and_white_photo_is_sent_back_for_its_colour_not_its_distance(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Mon")
    await to_photos(patient, await new_invite(app, practice))
    grey = Image.open(io.BytesIO(sample("locator-good.jpg"))).convert("L").convert("RGB")
    await patient.send_photo(encoded(grey, "JPEG"))
    answer = await patient.wait_for_text(text("quality.exposure.grey"), timeout=30)
    assert text("quality.framing.far") not in (answer.text or "")
    assert not (answer.text or "").startswith(text("journey.photos.accepted_with_note", number=1))
    await patient.send_photo(sample("locator-good.jpg"))
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=30)


async def test_a_black_and_white_photo_sent_anyway_reaches_the_gp_as_black_and_white(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Noor")
    await to_photos(patient, await new_invite(app, practice))
    grey = Image.open(io.BytesIO(sample("locator-good.jpg"))).convert("L").convert("RGB")
    await patient.send_photo(encoded(grey, "JPEG"))
    await patient.wait_for_text(text("quality.exposure.grey"), timeout=30)
    await patient.send_photo(encoded(grey.rotate(180), "JPEG"))
    await patient.wait_for_text(first_line("journey.photos.send_anyway_offer"), timeout=30)
    await tap(patient, text("journey.photos.send_anyway"), text("journey.photos.kept_anyway"))
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    flags = quality_flags(await store.photos.for_case(case.id), await store.audit.for_case(case.id))
    despite = text("inbox.gp.flag_line", shot=shot_label("locator"), notes=text(
        "inbox.gp.flag_sent_anyway", problems=text("inbox.gp.problem_exposure_grey")))
    assert any(line.startswith(despite) for line in flags), flags
    assert not any(text("inbox.gp.problem_exposure") in line for line in flags), \
        "not called poor light"
