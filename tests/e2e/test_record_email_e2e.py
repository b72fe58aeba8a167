"""NHSmail: a submitted case reaches the practice mailbox exactly once, over TLS, through
4xx replies and a restart; the GP chat of a "notification only" practice gets no photos; once
the mailbox has the case, no photo of the patient stays in their chat; the email of a
re-submission says its version, that it replaces the earlier one and which photos are new."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from telegram.ext import Application

from bot.config import Settings
from bot.content import text
from bot.emulator import Emulator
from bot.store.models import Case
from bot.store.practices import DeliveryChannels
from tests.auxil.e2e.bot_app import TOKEN, BotStarter, sample, services_of
from tests.auxil.e2e.patient import (
    details_and_review,
    first_line,
    media_ids,
    send_three,
    tap,
    to_photos,
)
from tests.auxil.e2e.practice import (
    Team,
    all_sent,
    ask_new_photos,
    case_of,
    make_team,
    retake,
    send_again,
    submit,
)
from tests.auxil.e2e.smtp_server import PASSWORD, USER, SmtpServer, smtp_server

App = Application[Any, Any, Any, Any, Any, Any]
MAILBOX = "lawson.practice@nhs.test"
BUSY = "451 4.3.0 Mailbox busy, try again later"


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    """A local SMTP server requiring STARTTLS and a login."""
    with smtp_server(tmp_path) as server:
        yield server


@pytest.fixture
def bot_settings(data_dir: Path, emu: Emulator, smtp: SmtpServer) -> Settings:
    """The bot, sending mail through the local server and trusting only its certificate."""
    return Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_api_url=emu.api_url,
                    telegram_file_url=emu.file_url, data_dir=data_dir, quality_workers=1,
                    smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="starttls",
                    smtp_username=USER, smtp_password=PASSWORD,
                    smtp_from="teledermatology@nhs.test", smtp_ca_file=smtp.cert_file,
                    delivery_alert_after_tries=3)


async def email_team(app: App, emu: Emulator, *, notify_only: bool = True,
                     deliver: tuple[str, ...] = ("telegram", "email")) -> Team:
    team = await make_team(app, emu)
    changed = await services_of(app).store.practices.set_channels(
        team.practice.id, DeliveryChannels(deliver, notify_only, MAILBOX), actor="test")
    assert changed is not None and changed.inbox_email == MAILBOX
    return team


async def received(smtp: SmtpServer, count: int = 1, timeout: float = 40.0) -> None:  # noqa: ASYNC109
    for _ in range(int(timeout / 0.1)):
        if len(smtp.mailbox.received) >= count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the mailbox got {len(smtp.mailbox.received)} message(s)")


async def decision_notice(team: Team, case: Case) -> None:
    """The GP chat gets the case's notice with the three decision buttons."""
    notice = await team.gp.wait_for_text(case.reference, timeout=20)
    assert set(notice.callback_data) == {text("inbox.gp.refer"), text("inbox.gp.ask_photos"),
                                         text("inbox.gp.appointment")}


async def test_the_case_reaches_the_practice_mailbox_once_after_two_busy_replies(
    app: App, emu: Emulator, smtp: SmtpServer
) -> None:
    team = await email_team(app, emu)
    smtp.mailbox.fail_next = [BUSY, BUSY]
    patient = await submit(app, emu, team)
    case = await case_of(app, patient)
    await decision_notice(team, case)
    await received(smtp)
    await all_sent(app, case)
    await asyncio.sleep(0.5)
    assert len(smtp.mailbox.received) == 1, "delivered exactly once"
    assert smtp.mailbox.data_commands == 3, "refused twice with 451, then accepted"
    assert smtp.mailbox.recipients == [[MAILBOX]] and smtp.mailbox.authenticated == [True]
    assert not [m for m in team.gp.messages if m.kind in ("document", "photo")], \
        "notification only: no photos or pack in the GP chat"
    channel_failing = text("channels.staff.channel_failing", reference=case.reference,
                           where=text("channels.gp.where_email"), tries=3)
    assert channel_failing not in [m.text for m in team.staff.messages]
    maybe_twice = text("channels.staff.maybe_twice", reference=case.reference,
                       where=text("channels.gp.where_email"))
    assert maybe_twice not in [m.text for m in team.staff.messages], (
        "a 451 means the server kept nothing: no warning of a second copy")

    message = smtp.mailbox.messages()[0]
    assert message["Subject"] == text("channels.email.subject", reference=case.reference)
    assert "P-300" not in message["Subject"] and "1980" not in message["Subject"]
    assert message["To"] == MAILBOX and message["From"] == "teledermatology@nhs.test"
    assert message["Message-ID"].startswith(f"<{case.reference}.s1.")
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    assert "P-300" in plain.get_content() and "left forearm" in plain.get_content()
    assert case.reference in html.get_content()
    attachments = list(message.iter_attachments())
    names = [a.get_filename() for a in attachments]
    assert names[0] == text("inbox.gp.pack_name", reference=case.reference, version="")
    pdf = attachments[0].get_content()
    assert attachments[0].get_content_type() == "application/pdf"
    assert len(pdf) <= bot_limit(app) and len(PdfReader(io.BytesIO(pdf)).pages) >= 4
    store = services_of(app).store
    kept = {p.shot: p for p in await store.photos.for_case(case.id) if p.status == "accepted"}
    assert names[1:] == [text("channels.email.photo_name", reference=case.reference,
                              shot=slot.replace("_", "-"), version="") for slot in kept]
    for attachment, photo in zip(attachments[1:], kept.values(), strict=True):
        assert attachment.get_content_type() == "image/jpeg"
        assert attachment.get_content() == store.files.read(photo.file_name), "the original"
    assert len(smtp.mailbox.received[0]) <= 20 * 1024 * 1024


async def test_the_mailbox_copy_can_be_filed_to_the_patient_by_date_of_birth_and_nhs_number(
    app: App, emu: Emulator, smtp: SmtpServer
) -> None:
    """The email body and the pack name the date of birth the patient confirmed and the NHS
    number staff typed (or say none was given), so staff file the copy to the right record
    once the invite is gone, and a page of the pack kept alone still names its patient; the
    subject still holds the case reference only."""
    team = await email_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(
        team.practice.id, "P-301", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id,
        nhs_number="9434765919")
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    case = await case_of(app, patient)
    await received(smtp)
    message = smtp.mailbox.messages()[0]
    assert message["Subject"] == text("channels.email.subject", reference=case.reference)
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    lines = plain.get_content().splitlines()
    for label, value in (("patient_ref", "P-301"), ("date_of_birth", "3 February 1980"),
                         ("nhs_number", "943 476 5919")):
        assert f"{text(f'channels.email.{label}')}: {value}" in lines
        assert value in html.get_content()
    pdf = next(message.iter_attachments()).get_content()
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
    assert "P-301" in pages[0] and len(pages) == 4
    # the mailed pack names the patient on every page, photo pages included (hazard log H62)
    for page in pages:
        assert "3 February 1980" in page and "943 476 5919" in page
    await all_sent(app, case)

    other = await submit(app, emu, team, name="Bea")  # no NHS number given at invite
    await received(smtp, count=2)
    second = smtp.mailbox.messages()[1]
    body = second.get_body(("plain",))
    assert body is not None
    assert (f"{text('channels.email.nhs_number')}: {text('channels.email.nhs_number_none')}"
            in body.get_content().splitlines())
    assert f"{text('channels.email.date_of_birth')}: 3 February 1980" in body.get_content()
    pdf = next(second.iter_attachments()).get_content()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert " ".join(text("referral.identity.footer_nhs_none").split()) in " ".join(
            page.extract_text().split())
    assert (await case_of(app, other)).reference in second["Subject"]


async def test_a_practice_delivering_by_email_only_gets_the_notice_and_buttons_in_telegram(
    app: App, emu: Emulator, smtp: SmtpServer
) -> None:
    """`--deliver email` (no telegram): the decision stays in the GP chat, without photos."""
    team = await email_team(app, emu, notify_only=False, deliver=("email",))
    patient = await submit(app, emu, team)
    case = await case_of(app, patient)
    await decision_notice(team, case)
    await received(smtp)
    await all_sent(app, case)
    assert [a.get_content_type() for a in smtp.mailbox.messages()[0].iter_attachments()] == [
        "application/pdf", "image/jpeg", "image/jpeg", "image/jpeg"]
    assert not [m for m in team.gp.all_messages if m.kind in ("document", "photo")], \
        "no photos or pack ever sent to the GP chat"


def bot_limit(app: App) -> int:
    return services_of(app).settings.referral_pack_max_bytes


async def test_a_mailbox_that_keeps_refusing_is_reported_to_staff_and_then_delivered(
    app: App, emu: Emulator, smtp: SmtpServer
) -> None:
    team = await email_team(app, emu, notify_only=False)
    smtp.mailbox.fail_next = [BUSY, BUSY, BUSY]
    patient = await submit(app, emu, team)
    case = await case_of(app, patient)
    alert = await team.staff.wait_for_text(case.reference, timeout=40)
    assert alert.text == text("channels.staff.channel_failing", reference=case.reference,
                              where=text("channels.gp.where_email"), tries=3)
    await received(smtp)
    await team.gp.wait_for_text(text("inbox.gp.pack_caption", reference=case.reference, version=""),
                                timeout=20)
    await all_sent(app, case)
    assert len(smtp.mailbox.received) == 1


async def test_a_mailbox_that_refuses_for_good_is_not_retried_and_staff_are_told(
    app: App, emu: Emulator, smtp: SmtpServer
) -> None:
    team = await email_team(app, emu)
    smtp.mailbox.fail_next = ["550 5.1.1 Mailbox unavailable"]
    patient = await submit(app, emu, team)
    case = await case_of(app, patient)
    alert = await team.staff.wait_for_text(text("channels.gp.where_email"), timeout=20)
    assert case.reference in (alert.text or "") and "550" in (alert.text or "")
    await emu.wait_until_idle()
    await asyncio.sleep(3)
    assert smtp.mailbox.data_commands == 1 and smtp.mailbox.received == []


async def test_a_restart_between_submitted_and_delivered_still_delivers_once(
    start_bot: BotStarter, emu: Emulator, smtp: SmtpServer
) -> None:
    smtp.mailbox.fail_next = [BUSY] * 50
    async with start_bot() as first:
        team = await email_team(first, emu)
        patient = await submit(first, emu, team)
        for _ in range(100):
            if smtp.mailbox.data_commands:
                break
            await asyncio.sleep(0.1)
        assert smtp.mailbox.data_commands >= 1 and not smtp.mailbox.received
    smtp.mailbox.fail_next = []
    async with start_bot() as second:
        case = await case_of(second, patient)
        await received(smtp)
        await all_sent(second, case)
    assert len(smtp.mailbox.received) == 1
    subject = smtp.mailbox.messages()[0]["Subject"]
    assert subject == text("channels.email.subject", reference=case.reference)


async def test_when_only_answers_are_left_to_delete_the_patient_is_not_told_photos_went(
    app: App, emu: Emulator, smtp: SmtpServer
) -> None:
    """Telegram refuses to delete the review album (the patient deleted it already, say): the
    messages showing the answers still go, and the words say only those went."""
    team = await email_team(app, emu)
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "P-301", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient)
    case = await case_of(app, patient)
    album = await services_of(app).store.outbox.chat_photos(case.id)
    assert len(album) == 3, "the review album"
    emu.fail_next("deleteMessage", 400, times=len(album),
                  description="Bad Request: message to delete not found")
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    await received(smtp)
    told = await patient.wait_for_text(text("channels.patient.answers_only_off"), timeout=30)
    assert told.text == text("channels.patient.answers_only_off")
    assert not [m for m in patient.messages if "3 February 1980" in (m.text or "")]
    await all_sent(app, case)
    assert await services_of(app).store.outbox.chat_answers(case.id) == []


async def test_once_the_mailbox_has_the_case_no_photo_of_the_patient_stays_on_telegram(
    app: App, emu: Emulator, smtp: SmtpServer
) -> None:
    """Issue 15: after a record channel has the case, the bot deletes the patient's photo
    messages still in their chat (one whose deletion failed when it was kept; one sent again
    at the review is not used and goes at once), says so, and the GP chat of a
    notification-only practice holds nothing clinical: no photos, pack or answers."""
    team = await email_team(app, emu)
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "P-300", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    emu.fail_next("deleteMessage", 500)  # Telegram fails once, as the first photo is kept
    await send_three(patient)
    first = media_ids(patient.shown_incoming)
    assert len(first) == 1, "the photo whose deletion failed is still in the chat"
    await details_and_review(patient)
    again = await patient.send_photo(sample("close-up-good.jpg"))  # sent again at the review
    await patient.wait_for_text(text("journey.photos.already_have_all"), timeout=15)
    await patient.wait_for_text(text("journey.photos.removed"), timeout=15)
    assert media_ids(patient.shown_incoming) == first, "a photo not used goes at once"
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))

    await received(smtp)
    told = await patient.wait_for_text(text("channels.patient.answers_off"), timeout=30)
    assert told.text == text("channels.patient.answers_off")
    assert media_ids(patient.shown_incoming) == [], "no photo of the patient left in the chat"
    assert not [m for m in patient.messages if m.kind == "photo" and m.media_group_id], (
        "nor the review album")
    assert not [m for m in patient.messages if "3 February 1980" in (m.text or "")], (
        "nor the date of birth said back or the review summary showing it")
    assert [m for m in patient.messages
            if first_line("journey.receipt.text") in (m.text or "")], "the receipt stays"
    assert {*first, again["message_id"]} <= set(media_ids(patient.deleted_incoming))
    case = await case_of(app, patient)
    await all_sent(app, case)
    assert await services_of(app).store.outbox.chat_photos(case.id) == []
    assert await services_of(app).store.outbox.chat_answers(case.id) == []

    gp_chat = [m for m in team.gp.messages if case.reference in (m.text or "")]
    assert gp_chat, "the GP has the notice"
    assert not [m for m in team.gp.messages if m.kind in ("document", "photo")]
    for words in ("left forearm", "E45 cream", text("journey.details.symptoms_itchy")):
        assert not [m for m in team.gp.messages if words in (m.text or "")], words


async def test_the_email_of_a_resubmission_says_its_version_and_what_it_replaces(
    app: App, emu: Emulator, smtp: SmtpServer
) -> None:
    team = await email_team(app, emu)
    patient = await submit(app, emu, team)
    case = await case_of(app, patient)
    ref = case.reference
    await decision_notice(team, case)
    await received(smtp)
    await ask_new_photos(team.gp, ref, "close_up_1")
    await retake(patient, "close_up_1")
    await send_again(patient)
    await received(smtp, 2)

    first, second = smtp.mailbox.messages()
    assert first["Subject"] == text("channels.email.subject", reference=ref)
    assert second["Subject"] == text("channels.email.subject_version", reference=ref, version=2)
    assert second["Subject"] != first["Subject"], "the two emails cannot be taken for one"
    body = second.get_body(("plain",))
    assert body is not None
    opening = body.get_content().splitlines()[0]
    new = text("channels.email.new_photos", shots=text("inbox.gp.caption_close_up_1"))
    assert opening.startswith(text("channels.email.intro_version").split("{")[0] + ref)
    assert opening.endswith(text("channels.email.intro_version", reference=ref, version=2,
                                 previous=1, new=new, practice=team.practice.name,
                                 submitted="{}").split("{}")[1])
    assert text("channels.email.intro").split("{")[0] not in body.get_content().replace(
        opening, ""), "no first-version wording"
    names = [a.get_filename() for a in second.iter_attachments()]
    assert names == [text("inbox.gp.pack_name", reference=ref, version="-v2"),
                     *(text("channels.email.photo_name", reference=ref, shot=shot,
                            version="-v2") for shot in ("locator", "close-up-1", "close-up-2"))]


async def test_once_deleted_no_file_under_data_dir_holds_what_the_mailbox_was_sent(
    app: App, emu: Emulator, smtp: SmtpServer, data_dir: Path
) -> None:
    """The practice's mailbox keeps its copy (the GP record); the bot keeps none: after the
    patient's "Delete all" no file under DATA_DIR holds the date of birth or NHS number the
    email carried, the answers, or a stretch of its pack."""
    team = await email_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(
        team.practice.id, "P-302", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id,
        nhs_number="9434765919")
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient, "QXZ-MAIL-WHERE", "QXZ-MAIL-TRIED")
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    case = await case_of(app, patient)
    await received(smtp)
    await all_sent(app, case)
    pdf = next(smtp.mailbox.messages()[0].iter_attachments()).get_content()
    secrets = {"pack": pdf[len(pdf) // 2:len(pdf) // 2 + 64], "dob": b"1980-02-03",
               "nhs": b"9434765919", "where": b"QXZ-MAIL-WHERE", "tried": b"QXZ-MAIL-TRIED"}

    def held() -> list[str]:
        return [f"{name} in {path.name}" for path in data_dir.rglob("*") if path.is_file()
                for name, secret in secrets.items() if secret in path.read_bytes()]

    assert {h.split(" in ")[0] for h in held()} >= {"pack", "dob", "nhs", "where"}
    await patient.send_command("/delete")
    await patient.wait_for_text(first_line("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"),
              text("journey.commands.deleted").split("\n")[0])
    await all_sent(app, case)
    assert held() == []
