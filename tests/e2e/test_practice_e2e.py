"""Staff invite a patient, the GP receives the case, asks for a new photo, then refers."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.services.retention import purge
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import USERNAME as USERNAME_CHECK
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    details_and_review,
    first_line,
    send_three,
    taken_again,
    tap,
    to_photos,
    words,
)
from tests.auxil.e2e.practice import LINK, group_practice, is_photo, make_team, mirrored
from tests.auxil.qr import qr_text

App = Application[Any, Any, Any, Any, Any, Any]
SHOTS = ("locator", "close_up_1", "close_up_2")
CLOSE_UP_2 = text("inbox.gp.caption_close_up_2")


async def test_invite_to_referral_with_a_retake_asked_for_by_the_gp(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store

    await team.staff.send_command("/invite")
    await team.staff.wait_for_text(first_line("inbox.staff.invite_ask"))
    await team.staff.send_text("P-200 03/02/1980")
    made = await team.staff.wait_for_text(words("inbox.staff.invite_made"))
    link = LINK.search(made.text or "")
    assert link is not None and link.group(1) == USERNAME_CHECK
    assert "P-200" in (made.text or "") and "Dr Gee" in (made.text or "")
    sms = await team.staff.next_message()
    assert link.group(0) in (sms.text or "") and "020 7729 7236" in (sms.text or "")
    qr = await team.staff.next_message()
    assert qr.kind == "photo" and qr.file_bytes and qr_text(qr.file_bytes) == link.group(0)

    patient = emu.user("Ada")
    await to_photos(patient, link.group(2))
    await send_three(patient)
    await details_and_review(patient)
    receipt = await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.reference in (receipt.text or "")

    album = [await team.gp.wait_for(is_photo,
                                    timeout=20) for _ in range(3)]
    assert [m.text for m in album] == [text(f"inbox.gp.caption_{shot}") for shot in SHOTS]
    kept = await store.photos.accepted(case.id)
    sizes = {"locator": (1600, 1200), "close_up_1": (1280, 960), "close_up_2": (1600, 1200)}
    for message, shot in zip(album, ("locator", "close_up_1", "close_up_2"), strict=True):
        assert message.file_bytes == store.files.read(kept[shot].file_name)
        with Image.open(io.BytesIO(message.file_bytes or b"")) as image:
            assert not image.getexif() and image.size == sizes[shot]
    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=10)
    for expected in (case.reference, "P-200", "years", "left forearm",
                     text("journey.details.duration_weeks"), text("journey.details.symptoms_itchy"),
                     "E45 cream", text("journey.screening.site.arm")):
        assert expected in (summary.text or ""), expected
    assert summary.buttons
    pack = await team.gp.wait_for(lambda m: m.kind == "document" and not is_photo(m),
                                  timeout=20)
    assert pack.filename == f"referral-pack-{case.reference}.pdf"
    assert (pack.file_bytes or b"").startswith(b"%PDF")
    assert len(pack.file_bytes or b"") <= 745_000, "fits every GP system, not only e-RS's 5 MB"

    await team.gp.tap(text("inbox.gp.ask_photos"))
    question = await team.gp.wait_for_text(text("inbox.gp.which_photos"), timeout=10)
    await team.gp.tap(f"☐ {CLOSE_UP_2}")
    await team.gp.wait_until(lambda: any(f"☑ {CLOSE_UP_2}" in b for row in question.buttons
                                         for b in row))
    await team.gp.tap(text("inbox.gp.next"))
    why = await team.gp.wait_for_text(text("inbox.gp.why_photos", shots=CLOSE_UP_2))
    assert text("inbox.gp.reason_blurred") in [b for row in why.buttons for b in row]
    await team.gp.tap(text("inbox.gp.reason_blurred"))
    await team.gp.wait_for_text(words("inbox.gp.decided_photos"), timeout=10)

    asked = await patient.wait_for_text(words("inbox.patient.new_photos"), timeout=10)
    assert text("inbox.patient.shot_close_up_2") in (asked.text or "")
    assert text("inbox.patient.reason_blurred") in (asked.text or "")
    await patient.wait_for_text(taken_again("close_up_2"), timeout=10)
    assert (await store.cases.get(case.id)).stage is Stage.CLOSE_UP_2  # type: ignore[union-attr]
    await patient.send_document(mirrored("close-up-good-2.jpg"), "new.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted_again",
                                     which=text("journey.photos.which_again_one")), timeout=15)
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))

    again = [await team.gp.wait_for(is_photo,
                                    timeout=20) for _ in range(3)]
    assert again[2].file_bytes != album[2].file_bytes
    assert again[0].file_bytes == album[0].file_bytes
    await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=10)
    await team.gp.tap(text("inbox.gp.refer"))
    await team.gp.wait_for_text(text("inbox.gp.refer_confirm", reference=case.reference,
                                     days=3), timeout=10)
    await team.gp.tap(text("inbox.gp.refer_yes"))
    await team.gp.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)
    told = await patient.wait_for_text(words("inbox.patient.referred"), timeout=10)
    assert case.reference in (told.text or "")
    decided = await store.cases.get(case.id)
    assert decided is not None and decided.stage is Stage.DECIDED
    assert decided.decision == "referred" and decided.submissions == 2

    files = [store.files.path(p.file_name) for p in (await store.photos.accepted(case.id)).values()]
    assert files and all(f.exists() for f in files)
    assert await purge(store, 30, now=datetime.now(UTC) + timedelta(days=29)) == 0
    assert await purge(store, 30, now=datetime.now(UTC) + timedelta(days=31)) == 1
    assert not any(f.exists() for f in files), "photos deleted from disk after 30 days"
    await patient.send_command("/status")
    assert text("journey.status_words.erased") in ((await patient.next_message()).text or "")


async def test_staff_tools_choose_an_inbox_list_revoke_and_add_a_member(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    await store.practices.add_member(team.practice.id, 555, "gp", "Dr Two")
    await team.staff.send_command("/invite", "K-1 1/1/2001")
    await team.staff.wait_for_text(text("inbox.staff.invite_choose_gp"))
    await team.staff.tap(text("inbox.staff.practice_inbox"))
    made = await team.staff.wait_for_text(words("inbox.staff.invite_made"))
    assert text("inbox.staff.practice_inbox") in (made.text or "")
    await team.staff.wait_for(lambda m: m.kind == "photo")
    await team.staff.send_command("/invite", "K-2 31/02/2001")
    assert first_line("inbox.staff.invite_bad") in ((await team.staff.next_message()).text or "")

    await team.staff.send_command("/invites")
    listing = await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))
    assert text("inbox.staff.group_not_opened") in (listing.text or "")
    assert "K-1" in (listing.text or "")
    await team.staff.tap(text("inbox.staff.revoke", patient_ref="K-1"))
    await team.staff.wait_for_text(text("inbox.staff.revoked", patient_ref="K-1"))
    link = LINK.search(made.text or "")
    assert link is not None
    patient = emu.user("Vic")
    await patient.open_deep_link(link.group(2))
    assert first_line("journey.invite.revoked") in ((await patient.next_message()).text or "")

    await team.staff.send_command("/addmember", "gp Dr Three")
    assert text("inbox.staff.only_admins") in ((await team.staff.next_message()).text or "")
    admin = emu.user("Ann")
    await store.practices.add_member(team.practice.id, admin.id, "admin", "Ann Admin")
    await admin.send_command("/addmember", "gp Dr Three")
    code_message = await admin.next_message()
    code = (code_message.text or "").split("/join ", 1)[1].split()[0]
    newcomer = emu.user("Three")
    await newcomer.send_command("/join", code)
    assert text("inbox.staff.join_ok", name="Dr Three", role="gp",
                practice="The Lawson Practice") in ((await newcomer.next_message()).text or "")
    await newcomer.send_command("/inbox")
    assert text("inbox.gp.inbox_empty") in ((await newcomer.next_message()).text or "")


async def test_a_practice_inbox_group_receives_cases_and_any_of_its_gps_can_decide(
    app: App, emu: Emulator
) -> None:
    store = services_of(app).store
    practice, group, gp, receptionist = await group_practice(app, emu)
    _, token = await store.invites.create(practice.id, "G-1", "1980-02-03", valid_days=7)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))

    summary = await group.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    assert len([m for m in group.messages if is_photo(m)]) == 3
    refer = summary.callback_data[text("inbox.gp.refer")]
    await group.member(receptionist).tap_callback(summary.message_id, refer)
    await group.wait_until(lambda: group.callback_answers)
    assert text("inbox.gp.refused") in (group.callback_answers[-1].get("text") or "")
    await group.member(gp).tap_callback(summary.message_id, refer)
    confirm = await group.wait_for_text(words("inbox.gp.refer_confirm"), timeout=10)
    await group.member(gp).tap_callback(confirm.message_id,
                                        confirm.callback_data[text("inbox.gp.refer_yes")])
    await group.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)
    await patient.wait_for_text(words("inbox.patient.referred"), timeout=10)
