"""The GP's outcomes through the real bot and the emulator (issue 13, items 2-6 and 12-14).

Urgent (two-week-wait) outcomes alert staff with a task; stops before a GP alert staff with the
reason; "Refer" is confirmed and then tracked to "sent on e-RS"; new photos are asked for in a
message with a typed reason; a re-submission supersedes the earlier pack; the pack labels every
photo page and states quality in words. Every expected text is read from bot/content by key.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image
from pypdf import PdfReader
from telegram.ext import Application

from bot.content import text
from bot.domain.questions import screening_questions
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.inbox.digest import uk_time
from bot.store.models import Case, Stage
from tests.auxil.e2e.bot_app import BotStarter, sample, services_of
from tests.auxil.e2e.patient import (
    SCREENING,
    details_and_review,
    first_line,
    give_date_of_birth,
    read_the_tips,
    send_three,
    taken_again,
    tap,
    then_says,
    to_consent,
    to_photos,
    words,
)
from tests.auxil.e2e.practice import Team, make_team, mirrored, refer, sent_from_link

App = Application[Any, Any, Any, Any, Any, Any]
PRACTICE = ("The Lawson Practice", "020 7729 7236")
LOCATOR, CLOSE_UP_1, CLOSE_UP_2 = (text(f"inbox.gp.caption_{shot}")
                                   for shot in ("locator", "close_up_1", "close_up_2"))


def say(key: str, **values: object) -> str:
    """Inbox words by key (`inbox.<key>`)."""
    return text(f"inbox.{key}", **values)


def plain(html_words: str) -> str:
    """Words as the chat shows them: the HTML tags parsed away."""
    return re.sub(r"<[^>]+>", "", html_words).strip()


def buttons(message: SentMessage) -> list[str]:
    """The labels of a message's inline buttons."""
    return [label for row in message.buttons for label in row]


def pdf_pages(message: SentMessage) -> list[str]:
    """The text of each page of a PDF the bot sent, single-spaced."""
    reader = PdfReader(io.BytesIO(message.file_bytes or b""))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def reencoded(name: str) -> bytes:
    """A sample photo saved again: a second try as blurred as the first, with other bytes."""
    out = io.BytesIO()
    Image.open(io.BytesIO(sample(name))).save(out, "JPEG", quality=92)
    return out.getvalue()


def london(moment: str) -> str:
    """A stored UTC timestamp as UK time, the way a GP reads it."""
    return datetime.fromisoformat(moment).astimezone(ZoneInfo("Europe/London")).strftime(
        "%-d %B %Y %H:%M")


@dataclass
class Sent:
    """A practice whose patient has sent a case, and the GP's copy of it."""

    team: Team
    patient: TelegramUser
    case: Case
    summary: SentMessage
    pack: SentMessage


async def gp_copy(team: Team, case: Case) -> tuple[SentMessage, SentMessage]:
    """The summary and referral pack the GP received for the case's latest submission."""
    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary") + case.reference,
                                          timeout=20)
    pack = await team.gp.wait_for(lambda m: m.kind == "document" and not m.media_group_id,
                                  timeout=20)
    return summary, pack


async def sent_case(app: App, emu: Emulator, patient_ref: str = "P-300") -> Sent:
    """Staff, a GP and a patient who has sent three good photos."""
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, patient_ref, "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    patient = await sent_from_link(emu, token)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    summary, pack = await gp_copy(team, case)
    return Sent(team, patient, case, summary, pack)


async def case_now(app: App, case: Case) -> Case:
    """The case as stored now."""
    found = await services_of(app).store.cases.get(case.id)
    assert found is not None
    return found


async def invites_listing(team: Team) -> str:
    """What staff read in /invites."""
    await team.staff.send_command("/invites")
    return (await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))).text or ""


async def test_urgent_is_confirmed_first_and_no_leaves_the_case_waiting(
    app: App, emu: Emulator
) -> None:
    """A GP's tap on "Urgent" tells nobody anything until the GP confirms it: "No, go back"
    leaves the case waiting with its three choices, no task for staff, nothing to the patient."""
    sent = await sent_case(app, emu)
    team, ref = sent.team, sent.case.reference
    await team.gp.tap(say("gp.appointment"))
    await team.gp.wait_until(lambda: say("gp.urgent") in buttons(sent.summary))
    await team.gp.tap(say("gp.urgent"))
    confirm = await team.gp.wait_for_text(say("gp.urgent_confirm", reference=ref), timeout=10)
    await team.gp.wait_until(lambda: say("gp.refer") in buttons(sent.summary))
    await team.gp.tap(say("gp.urgent_no"))
    await team.gp.wait_until(lambda: confirm.text == say("gp.urgent_cancelled", reference=ref))

    waiting = await case_now(app, sent.case)
    assert waiting.decision is None
    assert not any(first_line("inbox.staff.urgent_task") in (m.text or "")
                   for m in team.staff.messages)
    told = say("patient.urgent", reference=ref, practice=PRACTICE[0], phone=PRACTICE[1])
    assert told not in [m.text for m in sent.patient.messages]


async def test_an_urgent_outcome_alerts_staff_with_a_task_and_the_patient_is_phoned(
    app: App, emu: Emulator
) -> None:
    sent = await sent_case(app, emu)
    team, ref = sent.team, sent.case.reference
    await team.gp.tap(say("gp.appointment"))
    await team.gp.wait_until(lambda: say("gp.urgent") in buttons(sent.summary))
    await team.gp.tap(say("gp.urgent"))
    confirm = await team.gp.wait_for_text(say("gp.urgent_confirm", reference=ref), timeout=10)
    assert buttons(confirm) == [say("gp.urgent_yes"), say("gp.urgent_no")]
    await team.gp.tap(say("gp.urgent_yes"))
    await team.gp.wait_for_text(say("gp.decided_urgent", reference=ref, gp="Dr Gee"),
                                timeout=10)

    task = await team.staff.wait_for_text(first_line("inbox.staff.urgent_task"), timeout=10)
    assert task.text == say("staff.urgent_task", patient_ref="P-300", reference=ref,
                            gp="Dr Gee")
    assert buttons(task) == [say("staff.task_done")]
    told = await sent.patient.wait_for_text(f"({ref})", timeout=10)
    assert told.text == say("patient.urgent", reference=ref, practice=PRACTICE[0],
                            phone=PRACTICE[1])
    routine = say("patient.appointment", reference=ref, practice=PRACTICE[0], phone=PRACTICE[1])
    assert routine not in [m.text for m in sent.patient.messages], "not the routine path"
    decided = await case_now(app, sent.case)
    assert decided.decision == "urgent" and decided.task_done_at is None

    listing = await invites_listing(team)
    assert say("staff.group_urgent") in listing
    urgent_part = listing.split(say("staff.group_urgent"), 1)[1].split("\n\n", 1)[0]
    assert "P-300" in urgent_part
    assert listing.index(say("staff.group_urgent")) < listing.index("P-300")

    await team.staff.tap(say("staff.task_done"))
    await team.staff.wait_for_text(say("staff.task_recorded", reference=ref, name="Sue Smith"),
                                   timeout=10)
    assert buttons(task) == [], "the task's button goes once it is done"
    assert (await case_now(app, sent.case)).task_done_at
    listing = await invites_listing(team)
    assert say("staff.group_urgent") not in listing and say("staff.group_decided") in listing


async def test_staff_are_told_the_reason_when_a_request_stops_before_a_gp(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    tokens = {}
    for ref in ("R-1", "R-2", "R-3"):
        _, tokens[ref] = await store.invites.create(team.practice.id, ref, "1980-02-03",
                                                    valid_days=7)

    async def confirmed_stop(patient: TelegramUser, answers: tuple[str, ...], stop: str) -> None:
        for label in answers:
            await tap(patient, label, "?")
        ending = text(f"journey.stop.{stop}", practice=PRACTICE[0], phone=PRACTICE[1])
        await tap(patient, text("journey.confirm.yes"), ending)

    red = emu.user("Red")
    await to_consent(red, tokens["R-1"])
    await tap(red, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    await confirmed_stop(red, (SCREENING[0], text("journey.screening.red_flags.yes")),
                         "red_flag")
    case = await store.cases.current_for_patient(red.id)
    assert case is not None and case.stage is Stage.STOPPED
    alert = await team.staff.wait_for_text("R-1", timeout=10)  # at the first tap on "yes"
    assert alert.text == say("staff.stopped.red_flag_yes", patient_ref="R-1",
                             reference=case.reference)
    alert = await team.staff.wait_for_text("R-1", timeout=10)  # then the stop, confirmed
    assert alert.text == say("staff.stopped.red_flag", patient_ref="R-1",
                             reference=case.reference)

    locked = emu.user("Lock")
    await locked.open_deep_link(tokens["R-2"])
    await locked.wait_for_text(first_line("journey.identity.ask"))
    for wrong in ("01/01/1990", "02/01/1990"):
        await give_date_of_birth(locked, wrong, first_line("journey.identity.wrong"))
    await give_date_of_birth(locked, "03/01/1990", first_line("journey.identity.locked"))
    case = await store.cases.current_for_patient(locked.id)
    assert case is not None
    alert = await team.staff.wait_for_text("R-2", timeout=10)
    assert alert.text == say("staff.stopped.identity_locked", patient_ref="R-2",
                             reference=case.reference)

    mole = emu.user("Mole")
    await to_consent(mole, tokens["R-3"])
    await tap(mole, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    await tap(mole, text("journey.screening.is_rash.mole"), text("journey.confirm.means.mole"))
    await tap(mole, text("journey.confirm.yes"), text("journey.screening.red_flags.question"))
    await tap(mole, text("journey.screening.red_flags.no"),
              text("journey.stop.mole", practice=PRACTICE[0], phone=PRACTICE[1]))
    case = await store.cases.current_for_patient(mole.id)
    assert case is not None
    alert = await team.staff.wait_for_text("R-3", timeout=10)
    assert alert.text == say("staff.stopped.mole", patient_ref="R-3", reference=case.reference)
    assert not [m for m in team.gp.messages if "R-" in (m.text or "")], "staff, not the GP"


async def test_refer_is_confirmed_then_tracked_until_sent_on_e_rs(
    app: App, emu: Emulator
) -> None:
    sent = await sent_case(app, emu)
    team, ref, patient = sent.team, sent.case.reference, sent.patient
    confirm_words = say("gp.refer_confirm", reference=ref, days=3)
    await team.gp.tap(say("gp.refer"))
    confirm = await team.gp.wait_for_text(confirm_words, timeout=10)
    assert buttons(confirm) == [say("gp.refer_yes"), say("gp.refer_no")]
    await team.gp.tap(say("gp.refer_no"))
    await team.gp.wait_until(lambda: confirm.text == say("gp.refer_cancelled", reference=ref))
    await emu.wait_until_idle()
    assert (await case_now(app, sent.case)).stage is Stage.SUBMITTED, "one tap does not refer"
    assert not [m for m in patient.messages if f"({ref})" in (m.text or "")]

    await team.gp.tap(say("gp.refer"))
    await team.gp.wait_for_text(confirm_words, timeout=10)
    await team.gp.tap(say("gp.refer_yes"))
    done = await team.gp.wait_for_text(say("gp.decided_refer", reference=ref, gp="Dr Gee",
                                           days=3), timeout=10)
    assert buttons(done) == [say("gp.referral_sent")]
    assert buttons(sent.summary) == [], "the summary's buttons go once decided"
    told = await patient.wait_for_text(f"({ref})", timeout=10)
    assert told.text == say("patient.referred", reference=ref, practice=PRACTICE[0],
                            phone=PRACTICE[1], days=3)
    assert say("staff.group_referred") in await invites_listing(team)

    await team.gp.tap(say("gp.referral_sent"))
    await team.gp.wait_for_text(say("gp.ubrn_ask", reference=ref), timeout=10)
    await team.gp.send_text("1234 5678")
    await team.gp.wait_for_text(say("gp.ubrn_bad"), timeout=10)
    await team.gp.send_text("0001 2345 6789")
    await team.gp.wait_for_text(say("gp.referral_recorded", reference=ref, gp="Dr Gee",
                                    ubrn=say("gp.ubrn_note", ubrn="0001 2345 6789")), timeout=10)
    told = await patient.wait_for_text(say("patient.referral_sent", reference=ref,
                                           practice=PRACTICE[0], phone=PRACTICE[1]),
                                       timeout=10)
    closed = await case_now(app, sent.case)
    assert closed.ubrn == "000123456789" and closed.referral_sent_at, "stored as digits"
    listing = await invites_listing(team)
    assert say("staff.group_referred") not in listing and say("staff.group_decided") in listing
    marked = say("staff.referral_marked", name="Dr Gee", when=uk_time(closed.referral_sent_at))
    await team.gp.wait_until(lambda: buttons(done) == [marked], timeout=10)  # who and when

    # deleting afterwards: the patient is told, before and after, that it does not cancel the
    # referral already made, and how to cancel it
    cancel_it = text("journey.delete.referral_sent", practice=PRACTICE[0], phone=PRACTICE[1])
    await patient.send_command("/delete")
    asked = await patient.wait_for_text(words("journey.delete.one"))
    assert cancel_it in (asked.text or "")
    deleted = await tap(patient, text("journey.commands.delete_yes"),
                        first_line("journey.commands.deleted"))
    assert text("journey.delete.referral_sent_done", practice=PRACTICE[0]) in (deleted.text or "")
    assert text("journey.delete.referral_open_done", practice=PRACTICE[0],
                phone=PRACTICE[1]) not in (deleted.text or "")
    assert (deleted.text or "").count(PRACTICE[1]) == 1, "the practice's number given once"


async def test_a_referral_the_patient_deleted_before_it_was_sent_is_never_called_sent(
    app: App, emu: Emulator
) -> None:
    """The newcomer's steps: the GP refers, the patient sends /delete and confirms. Staff are
    told the referral was still to be made and to ask the patient; the GP's UBRN typed for
    "Referral sent on e-RS" and the button itself say the patient deleted the request, never
    that the referral "was already marked as sent"; /invites says the referral was still to
    be made, not only "Erased"."""
    sent = await sent_case(app, emu)
    team, ref, patient = sent.team, sent.case.reference, sent.patient
    await refer(team.gp)
    done = await team.gp.wait_for_text(say("gp.decided_refer", reference=ref, gp="Dr Gee",
                                           days=3), timeout=10)
    await team.gp.tap(say("gp.referral_sent"))  # asked for the UBRN, before the deletion
    await team.gp.wait_for_text(say("gp.ubrn_ask", reference=ref), timeout=10)

    await patient.send_command("/delete")
    asked = await patient.wait_for_text(words("journey.delete.one"))
    # the patient is told, before and after, that the referral waits until they are spoken to
    practice = sent.team.practice
    assert text("journey.delete.referral_open", practice=practice.name) in (asked.text or "")
    deleted = await tap(patient, text("journey.commands.delete_yes"),
                        first_line("journey.commands.deleted"))
    assert text("journey.delete.referral_open_done", practice=practice.name,
                phone=practice.phone) in (deleted.text or "")
    assert (deleted.text or "").count(practice.phone) == 1, "the practice's number given once"
    await team.staff.wait_for_text(say("staff.patient_deleted_referral", patient_ref="P-300",
                                       reference=ref), timeout=10)
    # the note that the case left the GP's chat says at once not to make the referral yet:
    # the GP may be making it from the pack saved in the GP record
    open_referral = say("gp.retract_referral_open", reference=ref)
    await team.gp.wait_until(lambda: any(open_referral in (m.text or "")
                                         for m in team.gp.messages), timeout=10)

    await team.gp.send_text("1234 5678 9012")
    await team.gp.wait_for_text(say("gp.referral_erased", reference=ref), timeout=10)
    await team.gp.tap(say("gp.referral_sent"))
    await team.gp.wait_until(lambda: [m.text for m in team.gp.messages].count(
        say("gp.referral_erased", reference=ref)) == 2, timeout=10)
    await emu.wait_until_idle()
    gp_said = [m.text for m in team.gp.messages]
    assert not [m for m in gp_said if words("inbox.staff.second_mark") in (m or "")], \
        "never that it was already marked sent"
    assert gp_said.count(say("gp.ubrn_ask", reference=ref)) == 1, "not asked for a UBRN again"
    assert buttons(done) == [], "the button goes once it cannot be used"
    closed = await case_now(app, sent.case)
    assert closed.referral_sent_at is None and closed.ubrn is None
    assert not [m for m in patient.messages if m.text == say(
        "patient.referral_sent", reference=ref, practice=PRACTICE[0], phone=PRACTICE[1])]

    rows = (await invites_listing(team)).splitlines()
    erased = rows.index(say("staff.invite_line", patient_ref="P-300",
                            state=say("staff.ended.erased_referral_not_sent")))
    assert rows[erased - 1].startswith(say("staff.group_erased"))


async def test_not_suitable_is_confirmed_first_and_no_goes_back(app: App, emu: Emulator) -> None:
    """"Not suitable: needs to be seen in person" tells the patient nothing until the GP says
    yes to a confirmation naming the reason; "No, go back" leaves the case waiting."""
    sent = await sent_case(app, emu)
    team, ref, patient = sent.team, sent.case.reference, sent.patient
    reason = say("gp.reason_in_person")
    confirm_words = say("gp.appointment_confirm", reference=ref, reason=reason)
    await team.gp.tap(say("gp.appointment"))
    await team.gp.wait_until(lambda: reason in buttons(sent.summary))
    await team.gp.tap(reason)
    confirm = await team.gp.wait_for_text(confirm_words, timeout=10)
    assert buttons(confirm) == [say("gp.appointment_yes"), say("gp.appointment_no")]
    await team.gp.wait_until(lambda: say("gp.refer") in buttons(sent.summary))
    await team.gp.tap(say("gp.appointment_no"))
    await team.gp.wait_until(
        lambda: confirm.text == say("gp.appointment_cancelled", reference=ref))
    await emu.wait_until_idle()
    assert (await case_now(app, sent.case)).stage is Stage.SUBMITTED, "one tap does not decide"
    assert not [m for m in patient.messages if f"({ref})" in (m.text or "")], "nobody told"
    assert buttons(sent.summary) == [say("gp.refer"), say("gp.ask_photos"),
                                     say("gp.appointment")], "the three choices are back"

    await team.gp.tap(say("gp.appointment"))
    await team.gp.wait_until(lambda: reason in buttons(sent.summary))
    await team.gp.tap(reason)
    await team.gp.wait_until(lambda: team.gp.messages[-1].text == confirm_words)
    await team.gp.tap(say("gp.appointment_yes"))
    await team.gp.wait_for_text(say("gp.decided_appointment", reference=ref, reason=reason,
                                    gp="Dr Gee"), timeout=10)
    told = await patient.wait_for_text(f"({ref})", timeout=10)
    assert told.text == say("patient.appointment", reference=ref, practice=PRACTICE[0],
                            phone=PRACTICE[1])
    decided = await case_now(app, sent.case)
    assert decided.stage is Stage.DECIDED and decided.decision == "appointment"
    await team.gp.wait_until(lambda: buttons(sent.summary) == [])


async def test_back_from_which_photos_leaves_the_summary_with_its_three_choices(
    app: App, emu: Emulator
) -> None:
    sent = await sent_case(app, emu)
    gp = sent.team.gp
    await gp.tap(say("gp.ask_photos"))
    question = await gp.wait_for_text(say("gp.which_photos"), timeout=10)
    await gp.tap(f"☐ {CLOSE_UP_2}")
    await gp.wait_until(lambda: f"☑ {CLOSE_UP_2}" in buttons(question))

    await gp.tap(say("gp.back"))

    await gp.wait_until(lambda: question.deleted, timeout=10)
    assert buttons(sent.summary) == [say("gp.refer"), say("gp.ask_photos"),
                                     say("gp.appointment")]
    assert (await case_now(app, sent.case)).stage is Stage.SUBMITTED


async def test_new_photos_are_asked_for_in_a_message_and_the_resubmission_supersedes_the_pack(
    app: App, emu: Emulator
) -> None:
    sent = await sent_case(app, emu)
    team, ref, patient = sent.team, sent.case.reference, sent.patient
    assert sent.pack.filename == say("gp.pack_name", reference=ref, version="")
    await team.gp.tap(say("gp.ask_photos"))
    question = await team.gp.wait_for_text(say("gp.which_photos"), timeout=10)
    assert f"☐ {CLOSE_UP_2}" in buttons(question), "the tick boxes come with their question"
    assert say("gp.ask_photos") in buttons(sent.summary), "the summary keeps its choices"
    await team.gp.tap(f"☐ {CLOSE_UP_2}")
    await team.gp.wait_until(
        lambda: f"☑ {CLOSE_UP_2}" in buttons(question))
    await team.gp.tap(say("gp.next"))
    why = await team.gp.wait_for_text(say("gp.why_photos", shots=CLOSE_UP_2), timeout=10)
    assert buttons(why) == [say(f"gp.reason_{r}") for r in ("blurred", "light", "distance",
                                                             "area")] + [say("gp.back")]
    assert all(not a.get("text") for a in team.gp.callback_answers), "no pop-up"
    reason = "It shows your elbow. Please take the rash on your wrist instead."
    await team.gp.send_text(reason)
    await team.gp.wait_for_text(say("gp.decided_photos", reference=ref, shots=CLOSE_UP_2,
                                    reason=f"“{reason}”", gp="Dr Gee"), timeout=10)
    assert buttons(why) == [] and buttons(sent.summary) == [] and buttons(question) == []
    told = await patient.wait_for_text(say("patient.new_photos", reference=ref,
                                           shots=say("patient.shot_close_up_2"),
                                           reason=reason), timeout=10)
    assert f"{reason}\n" in (told.text or ""), "the GP's words end the sentence: no '..'"

    asked = await patient.wait_for_text(taken_again("close_up_2"), timeout=10)
    assert (asked.text or "").startswith(taken_again("close_up_2") + "\n\n"), (
        "one new photo wanted: not 'Photo 3 of 3'")
    assert (asked.text or "").split("\n\n")[1:] == [
        text("journey.photos.gp_why", reason=reason),
        *text("journey.photos.close_up_2").split("\n\n")[1:]], "the GP's reason, the same advice"
    await patient.send_document(mirrored("close-up-good-2.jpg"), "new.jpg", "image/jpeg")
    which = text("journey.photos.which_again_one")
    await patient.wait_for_text(text("journey.photos.accepted_again", which=which), timeout=15)
    assert len([m for m in patient.messages if text("journey.photos.accepted", number=3)
                in (m.text or "")]) == 1, "only the first time through was it photo 3 of 3"
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))

    case = await case_now(app, sent.case)
    summary, pack = await gp_copy(team, case)
    assert plain(say("gp.resubmitted", version=2, shots=CLOSE_UP_2)) in (summary.text or "")
    assert pack.filename == say("gp.pack_name", reference=ref, version="-v2")
    assert pack.text == say("gp.pack_caption", reference=ref, version="-v2")
    await team.gp.wait_until(lambda: sent.summary.text == say(
        "gp.superseded_summary", version=2, reference=ref))
    assert buttons(sent.summary) == [], "the old summary can no longer be decided on"
    assert sent.pack.text == say("gp.superseded_pack", old=1, version=2, reference=ref)
    photos = [m for m in team.gp.messages if (m.filename or "").endswith(".jpg")]
    assert [m.filename for m in photos] == [f"{ref}-{shot}{version}.jpg" for version in ("", "-v2")
                                            for shot in ("locator", "close-up-1", "close-up-2")]
    await team.gp.wait_until(lambda: photos[0].text != LOCATOR)
    assert [m.text for m in photos[:3]] == [
        say("gp.superseded_photo", shot=shot, old=1, version=2, reference=ref)
        for shot in (LOCATOR, CLOSE_UP_1, CLOSE_UP_2)], "every version-1 photo marked"
    assert [m.text for m in photos[3:]] == [
        say("gp.caption_version_same", shot=LOCATOR, version=2),
        say("gp.caption_version_same", shot=CLOSE_UP_1, version=2),
        say("gp.caption_version_new", shot=CLOSE_UP_2, version=2)]
    pages = pdf_pages(pack)
    assert " ".join(text("referral.document.resubmitted", version=2, previous=1,
                         shots=CLOSE_UP_2).split()) in pages[0]
    # each photo has its own page, after the summary (which may take more than one page)
    new = text("referral.photo.new", version=2)
    assert [page for page in pages if page.startswith(CLOSE_UP_2 + new)], "close-up 2 is new"
    assert not [page for page in pages if page.startswith(CLOSE_UP_1 + new)]
    assert [page for page in pages if page.startswith(CLOSE_UP_1)], "close-up 1 is there"


async def test_two_new_photos_are_counted_as_1_and_2_of_2(app: App, emu: Emulator) -> None:
    """The GP asks for the locator and close-up 2 again: the patient is asked for new photo 1
    of 2, then 2 of 2, never "Photo 1 of 3"."""
    sent = await sent_case(app, emu)
    team, ref, patient = sent.team, sent.case.reference, sent.patient
    await team.gp.tap(say("gp.ask_photos"))
    question = await team.gp.wait_for_text(say("gp.which_photos"), timeout=10)
    for shot in (LOCATOR, CLOSE_UP_2):
        await team.gp.wait_until(lambda shot=shot: f"☐ {shot}" in buttons(question))
        await team.gp.tap(f"☐ {shot}")
        await team.gp.wait_until(lambda shot=shot: f"☑ {shot}" in buttons(question))
    await team.gp.tap(say("gp.next"))
    await team.gp.wait_for_text(say("gp.why_photos", shots=f"{LOCATOR}, {CLOSE_UP_2}"),
                                timeout=10)
    await team.gp.tap(say("gp.reason_blurred"))
    told = await patient.wait_for_text(f"({ref})", timeout=10)

    await patient.wait_for_text(taken_again("locator", 1, 2), timeout=10)
    await patient.send_document(mirrored("locator-good.jpg"), "new.jpg", "image/jpeg")
    which = text("journey.photos.which_again", number=1, count=2)
    await patient.wait_for_text(text("journey.photos.accepted_again", which=which), timeout=15)
    await then_says(patient, taken_again("close_up_2", 2, 2))
    await patient.send_command("/status")
    where = text("journey.status_words.taking_again", which=text(
        "journey.photos.which_again", number=2, count=2), what=text(
        "journey.photos.what_close_up_2"))
    await patient.wait_for_text(text("journey.commands.status_sent", where=where, next=text(
        "journey.status_words.next_taking_again"), reference=ref), timeout=10)
    await patient.send_document(mirrored("close-up-good-2.jpg"), "new2.jpg", "image/jpeg")
    which = text("journey.photos.which_again", number=2, count=2)
    await patient.wait_for_text(text("journey.photos.accepted_again", which=which), timeout=15)
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    since = patient.messages[patient.messages.index(told):]
    of_three = [first_line(f"journey.photos.{shot}") for shot in ("locator", "close_up_2")]
    assert not [m for m in since if any(words in (m.text or "") for words in of_three)]
    assert (await case_now(app, sent.case)).redo == (), "nothing left to take again"


async def test_this_branchs_decision_buttons_from_an_earlier_submission_are_refused(
    app: App, emu: Emulator
) -> None:
    """Issue 12 item 10 for the buttons of issue 13: *Urgent*, Refer's "Yes", a new-photos
    reason and a reason typed when asked, all made for submission 1, cannot decide submission
    2, which the GP has not seen."""
    sent = await sent_case(app, emu)
    team, ref, patient = sent.team, sent.case.reference, sent.patient
    other = emu.user("Oli")  # a second GP, asked to type a reason for submission 1
    await services_of(app).store.practices.add_member(team.practice.id, other.id, "gp",
                                                      "Dr Oli")
    await other.send_command("/inbox")
    await other.wait_for_text(say("gp.inbox_title"), timeout=10)
    await other.tap(say("gp.open", reference=ref))
    await other.wait_for_text(first_line("inbox.gp.summary") + ref, timeout=20)
    await other.tap(say("gp.ask_photos"))
    asked = await other.wait_for_text(say("gp.which_photos"), timeout=10)
    await other.tap(f"☐ {CLOSE_UP_1}")
    await other.wait_until(lambda: f"☑ {CLOSE_UP_1}" in buttons(asked))
    await other.tap(say("gp.next"))
    await other.wait_for_text(say("gp.why_photos", shots=CLOSE_UP_1), timeout=10)

    await team.gp.tap(say("gp.refer"))
    confirm = await team.gp.wait_for_text(say("gp.refer_confirm", reference=ref, days=3),
                                          timeout=10)
    old_yes = confirm.callback_data[say("gp.refer_yes")]
    await team.gp.tap(say("gp.appointment"))
    await team.gp.wait_until(lambda: say("gp.urgent") in buttons(sent.summary))
    old_urgent = sent.summary.callback_data[say("gp.urgent")]
    await team.gp.tap(say("gp.back"))
    await team.gp.wait_until(lambda: say("gp.ask_photos") in buttons(sent.summary))
    await team.gp.tap(say("gp.ask_photos"))
    question = await team.gp.wait_for_text(say("gp.which_photos"), timeout=10)
    assert f"☐ {CLOSE_UP_2}" in buttons(question), "the tick boxes come with their question"
    assert say("gp.ask_photos") in buttons(sent.summary), "the summary keeps its choices"
    await team.gp.tap(f"☐ {CLOSE_UP_2}")
    await team.gp.wait_until(
        lambda: f"☑ {CLOSE_UP_2}" in buttons(question))
    await team.gp.tap(say("gp.next"))
    why = await team.gp.wait_for_text(say("gp.why_photos", shots=CLOSE_UP_2), timeout=10)
    old_reason = why.callback_data[say("gp.reason_light")]
    await team.gp.tap(say("gp.reason_blurred"))
    await patient.wait_for_text(taken_again("close_up_2"), timeout=10)
    await patient.send_document(mirrored("close-up-good-2.jpg"), "new.jpg", "image/jpeg")
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=15)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    await gp_copy(team, await case_now(app, sent.case))

    for message, data in ((confirm, old_yes), (sent.summary, old_urgent), (why, old_reason)):
        answers = len(team.gp.callback_answers)
        await team.gp.tap_callback(message.message_id, data)
        await team.gp.wait_until(lambda n=answers: len(team.gp.callback_answers) > n,
                                 timeout=10)
        assert team.gp.callback_answers[-1].get("text") == say("gp.stale_submission")
    await other.send_text("Please take it again from a little further away.")
    await other.wait_for_text(say("gp.stale_submission"), timeout=10)
    await emu.wait_until_idle()
    case = await case_now(app, sent.case)
    assert case.stage is Stage.SUBMITTED and case.submissions == 2 and case.decision is None
    task = first_line("inbox.staff.urgent_task")
    assert not [m for m in team.staff.messages if task in (m.text or "")], "no task"


async def test_the_pack_labels_each_photo_prints_the_red_flags_and_states_quality_in_words(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, "P-400", "1980-02-03",
                                          valid_days=7)
    patient = emu.user("Bo")
    await to_photos(patient, token)
    await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
    await patient.send_document(sample("close-up-blurred.jpg"), "b.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.retake"), timeout=15)
    await patient.send_document(reencoded("close-up-blurred.jpg"), "b2.jpg", "image/jpeg")
    await patient.wait_for_text(first_line("journey.photos.send_anyway_offer"), timeout=15)
    await tap(patient, text("journey.photos.send_anyway"), text("journey.photos.kept_anyway"))
    await patient.send_document(sample("close-up-good-2.jpg"), "c.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=3), timeout=15)
    # the first detail question comes in the same message as the verdict
    await then_says(patient, first_line("journey.details.where_exactly"))
    await tap(patient, text("journey.details.skip"),
              first_line("journey.details.duration_question"))
    await tap(patient, text("journey.details.duration_weeks"),
              first_line("journey.details.symptoms_question"))
    await tap(patient, text("journey.details.symptoms_itchy"),
              first_line("journey.details.tried_question"))
    review = await tap(patient, text("journey.details.tried_nothing"),
                       first_line("journey.review.summary"))
    skipped = text("journey.review.none")
    where_line = next(line for line in text("journey.review.summary").splitlines()
                      if "{where}" in line).strip(" •").replace("{where}", skipped)
    assert where_line in (review.text or ""), "a skipped answer reads as the GP reads it"
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.submitted_at
    summary, pack = await gp_copy(team, case)

    blur = say("gp.flag_line", shot=CLOSE_UP_1,
               notes=say("gp.flag_sent_anyway", problems=say("gp.problem_sharpness")))
    retakes = say("gp.flag_retake_one", reasons=say("gp.problem_sharpness"))
    heading = plain(say("gp.summary").split("{flags}")[0]).split("\n")[-1]  # "Photo quality:"
    quality = (summary.text or "").split(heading, 1)[1]
    assert blur in quality and retakes in quality.split(blur, 1)[1].split("\n")[0]
    pages = pdf_pages(pack)
    first = pages[0]
    assert blur in first and "UTC" not in first
    assert london(case.submitted_at) in first
    red_flags = next(q for q in screening_questions() if q.id == "red_flags")
    for line in red_flags.prompt.splitlines():
        if line.strip().startswith("•"):
            assert " ".join(line.strip(" •").split()) in first, line
    assert text("journey.details.skip") not in first.split(), "a skipped answer is not 'Skip'"
    assert text("journey.review.none") in first, "as the patient's review said it"
    kept = await store.photos.accepted(case.id)
    site = text("journey.screening.site.arm")
    for page, shot in zip(pages[1:], ("locator", "close_up_1", "close_up_2"), strict=True):
        details = text("referral.photo.details", site=site, taken=london(kept[shot].created_at),
                       patient_ref="P-400", reference=case.reference)
        assert " ".join(details.split()) in page, shot
    assert blur in pages[2]


async def test_in_a_practice_inbox_group_the_gp_types_the_reason_there(
    app: App, emu: Emulator
) -> None:
    store = services_of(app).store
    group = emu.group("Lawson GP inbox")
    practice = await store.practices.add(*PRACTICE, inbox_chat_id=group.chat_id)
    gp = emu.user("Gee")
    await store.practices.add_member(practice.id, gp.id, "gp", "Dr Gee")
    _, token = await store.invites.create(practice.id, "G-2", "1980-02-03", valid_days=7)
    patient = await sent_from_link(emu, token)
    summary = await group.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    in_group = group.member(gp)

    async def press(message: SentMessage, label: str) -> None:
        await in_group.tap_callback(message.message_id, message.callback_data[label])

    await press(summary, say("gp.ask_photos"))
    question = await group.wait_for_text(say("gp.which_photos"), timeout=10)
    await press(question, f"☐ {LOCATOR}")
    await group.wait_until(lambda: f"☑ {LOCATOR}" in buttons(question))
    await press(question, say("gp.next"))
    why = await group.wait_for_text(say("gp.why_photos", shots=LOCATOR), timeout=10)
    await gp.send_text("This private message is not the reason.")
    await in_group.send_text("Chatting in the group is not the reason.")
    await in_group.send_text("A reply to the summary is not the reason.",
                             reply_to=summary.message_id)
    await emu.wait_until_idle()
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.SUBMITTED, "no new photos asked for yet"
    assert say("gp.reason_blurred") in buttons(why), "the question is still open"
    await in_group.send_text("Please stand further back so the whole arm shows.",
                             reply_to=why.message_id)
    await group.wait_for_text(say("gp.decided_photos", reference=case.reference,
                                  shots=LOCATOR, gp="Dr Gee",
                                  reason="“Please stand further back so the whole arm shows.”"),
                              timeout=10)
    assert buttons(why) == []
    told = await patient.wait_for_text("further back", timeout=10)
    assert "private message" not in (told.text or "")
    assert not any("not the reason" in (m.text or "") for m in patient.messages)


async def test_an_urgent_button_from_before_urgent_had_its_own_still_decides_urgent_at_once(
    app: App, emu: Emulator
) -> None:
    # Before urgent had its own button it was one of the appointment reasons ("appt_go",
    # reason "urgent"). Such a button, still on a GP's screen after an upgrade, is the
    # two-week-wait outcome at once: never the routine "book an appointment" confirmation.
    sent = await sent_case(app, emu)
    team, ref = sent.team, sent.case.reference
    data = services_of(app).signer.sign(team.gp.id, "appt_go", sent.case.id, "urgent",
                                        f"s{sent.case.submissions}")
    await team.gp.tap_callback(sent.summary.message_id, data)
    await team.gp.wait_for_text(say("gp.decided_urgent", reference=ref, gp="Dr Gee"),
                                timeout=10)
    await team.staff.wait_for_text(first_line("inbox.staff.urgent_task"), timeout=10)
    routine = first_line("inbox.gp.appointment_confirm").split("{", 1)[0]
    assert not [m for m in team.gp.messages if routine in (m.text or "")], "no routine step"
    assert (await case_now(app, sent.case)).decision == "urgent"


async def test_the_summary_of_a_rash_in_two_or_more_areas_gives_the_follow_up_answer(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, "P-500", "1980-02-03",
                                          valid_days=7)
    patient = emu.user("Cy")
    await to_consent(patient, token)
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    for key, expect in (("is_rash.rash", "red_flags.question"), ("red_flags.no", "site.question"),
                        ("site.leg", "areas.question"), ("areas.several", "other_areas.question")):
        await tap(patient, text(f"journey.screening.{key}"), text(f"journey.screening.{expect}"))
    await read_the_tips(patient, text("journey.screening.other_areas.no"))
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None

    summary, _ = await gp_copy(team, case)

    assert text("inbox.gp.other_areas", answer=text("journey.screening.other_areas.no")) in (
        summary.text or "")


async def ticked_then_next(gp: TelegramUser, *shots: str) -> SentMessage:
    """"Ask for new photos" on the summary, tick these shots, Next: the reasons' message."""
    await gp.tap(say("gp.ask_photos"))
    question = await gp.wait_for_text(say("gp.which_photos"), timeout=10)
    for shot in shots:
        await gp.tap(f"☐ {shot}")
        await gp.wait_until(lambda shot=shot: f"☑ {shot}" in buttons(question), timeout=10)
    await gp.tap(say("gp.next"))
    return await gp.wait_for_text(say("gp.why_photos", shots=", ".join(shots)), timeout=10)


async def test_the_photos_ticked_are_kept_across_next_and_back_until_sent(
    app: App, emu: Emulator
) -> None:
    """Next, then Back under the reasons: the tick boxes again, as ticked; Back from them to
    the summary, then "Ask for new photos" again: still as ticked; sent with all of them."""
    sent = await sent_case(app, emu)
    gp, ref = sent.team.gp, sent.case.reference
    why = await ticked_then_next(gp, CLOSE_UP_2)
    await gp.tap(say("gp.back"))
    again = await gp.wait_for_text(say("gp.which_photos"), timeout=10)
    await gp.wait_until(lambda: why.deleted, timeout=10)
    assert f"☑ {CLOSE_UP_2}" in buttons(again) and f"☐ {LOCATOR}" in buttons(again)
    await gp.tap(f"☐ {LOCATOR}")
    await gp.wait_until(lambda: f"☑ {LOCATOR}" in buttons(again), timeout=10)
    await gp.tap(say("gp.back"))  # to the summary's three choices
    await gp.wait_until(lambda: again.deleted, timeout=10)
    await gp.tap(say("gp.ask_photos"))
    third = await gp.wait_for_text(say("gp.which_photos"), timeout=10)
    assert f"☑ {LOCATOR}" in buttons(third) and f"☑ {CLOSE_UP_2}" in buttons(third)
    await gp.tap(say("gp.next"))
    shots = f"{LOCATOR}, {CLOSE_UP_2}"
    await gp.wait_for_text(say("gp.why_photos", shots=shots), timeout=10)
    await gp.tap(say("gp.reason_blurred"))
    await gp.wait_for_text(say("gp.decided_photos", reference=ref, shots=shots,
                               reason=say("gp.reason_blurred"), gp="Dr Gee"), timeout=10)
    assert buttons(sent.summary) == [], "sent: nothing left to tick"
    assert sorted((await case_now(app, sent.case)).redo) == ["close_up_2", "locator"]


async def test_the_photos_ticked_are_kept_across_a_restart(
    start_bot: BotStarter, emu: Emulator
) -> None:
    """The ticks live in the buttons' data: Back after a restart shows them still ticked."""
    async with start_bot() as app:
        sent = await sent_case(app, emu)
        await ticked_then_next(sent.team.gp, CLOSE_UP_1)
    async with start_bot():
        gp = sent.team.gp
        await gp.tap(say("gp.back"))
        again = await gp.wait_for_text(say("gp.which_photos"), timeout=10)
        assert f"☑ {CLOSE_UP_1}" in buttons(again) and f"☐ {CLOSE_UP_2}" in buttons(again)
