"""A red-flag sign typed after the photos is checked at once (safety review 37).

The red flags are asked once, as buttons, before the photos ("Do you have ANY of these? ...
a high temperature (fever) ... the rash is in the mouth or eyes"). A patient who tapped "No,
none of these" and then typed "paracetamol for my high temperature" for "What have you
tried?", or "inside my mouth" for "Where exactly?", went on to the review and the GP, days
later, with no word to them and nobody at the practice told. Now such an answer is kept, and
the red-flag question comes again at once, led by words saying what they wrote may be a sign
to get help now: "Yes" gives the 999 / NHS 111 advice and alerts staff, as any red-flag "yes";
"No" lets the request go on. An ordinary answer asks nothing more. The GP's summary says the
question was put again, and whether it was answered "No". Hazard log H74.
"""

from __future__ import annotations

from typing import Any

import pytest
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import first_line, send_three, tap, then_says, to_photos
from tests.auxil.e2e.practice import Team, case_of, make_team, refer

App = Application[Any, Any, Any, Any, Any, Any]
CHECK = first_line("journey.red_flag_check.lead")


async def photos_sent(app: App, team: Team, patient: TelegramUser, ref: str) -> None:
    """An adult invited for this team's GP ("No" to the red flags, "Arm or hand") has sent
    the 3 photos and is asked where exactly the rash is."""
    _, token = await services_of(app).store.invites.create(
        team.practice.id, ref, "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    await to_photos(patient, token)
    await send_three(patient)
    await then_says(patient, first_line("journey.details.where_exactly"))


async def to_tried(patient: TelegramUser, where: str) -> None:
    """Type `where`, tap a duration and a symptom: asked what was tried."""
    await patient.send_text(where)
    await patient.wait_for_text(text("journey.details.duration_question"), timeout=10)
    await tap(patient, text("journey.details.duration_weeks"),
              first_line("journey.details.symptoms_question"))
    await tap(patient, text("journey.details.symptoms_itchy"),
              first_line("journey.details.tried_question"))


async def sent_with(patient: TelegramUser, where: str) -> None:
    """From "Where exactly?": type `where`, the details and "E45 cream", and send the request
    from the review: the receipt is in the chat."""
    await to_tried(patient, where)
    await patient.send_text("E45 cream")
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))


def newest_with(patient: TelegramUser, words: str) -> int:
    """Where in the chat (0 oldest) the newest bot message with these words is; -1 if none."""
    return max((i for i, m in enumerate(patient.messages) if words in (m.text or "")),
               default=-1)


def checks(patient: TelegramUser) -> int:
    """How many red-flag checks the patient has been sent."""
    return sum(CHECK in (m.text or "") for m in patient.messages)


async def test_a_fever_typed_for_what_was_tried_asks_the_red_flags_again_and_yes_gets_help(
    app: App, emu: Emulator
) -> None:
    """"Paracetamol for my high temperature": the red flags again, at once; "Yes" gives the
    urgent advice and staff are alerted; confirmed, the request stops with 999 / NHS 111."""
    team = await make_team(app, emu)
    patient = emu.user("Tam")
    await photos_sent(app, team, patient, "RF-TYPED")
    await to_tried(patient, "left forearm")
    assert checks(patient) == 0, "an ordinary answer asks nothing more"
    await patient.send_text("Paracetamol for my high temperature")
    check = await patient.wait_for_text(CHECK, timeout=10)
    assert text("journey.screening.red_flags.question") in (check.text or "")
    assert check.buttons == [[text("journey.screening.red_flags.yes")],
                             [text("journey.screening.red_flags.no")]]

    await tap(patient, text("journey.screening.red_flags.yes"), text("journey.red_flag.now"))
    case = await case_of(app, patient)
    await team.staff.wait_for_text(text("inbox.staff.stopped.red_flag_yes_after_photos",
                                        patient_ref="RF-TYPED", reference=case.reference),
                                   timeout=10)
    await tap(patient, text("journey.confirm.yes"), first_line("journey.stop.red_flag"))
    assert (await case_of(app, patient)).stage is Stage.STOPPED


@pytest.mark.parametrize("where", ["inside my mouth and on my lips", "around my EYES"])
async def test_the_mouth_or_eyes_typed_for_where_asks_the_red_flags_again_and_no_goes_on(
    app: App, emu: Emulator, where: str
) -> None:
    """The mouth or the eyes typed for "Where exactly?": the red flags again, after the next
    question, so they are the newest message (H77); "No, none of these" lets the request go
    on to the review, the typed answer kept for the GP."""
    team = await make_team(app, emu)
    patient = emu.user("Mo")
    await photos_sent(app, team, patient, "RF-MOUTH")
    await patient.send_text(where)
    await patient.wait_for_text(CHECK, timeout=10)
    duration = text("journey.details.duration_question")
    await patient.wait_until(lambda: newest_with(patient, duration) >= 0, timeout=10)
    assert newest_with(patient, CHECK) > newest_with(patient, duration), (
        "the red flags come after the next question: the newest message, the one seen")
    await patient.tap(text("journey.screening.red_flags.no"))
    check = next(m for m in patient.messages if CHECK in (m.text or ""))
    await patient.wait_until(lambda: not check.buttons, timeout=10)
    case = await case_of(app, patient)
    assert case.stage is Stage.DETAILS
    events = [e.kind for e in await services_of(app).store.audit.for_case(case.id)]
    assert "case.red_flag_rechecked" in events
    assert "case.red_flag_yes" not in events
    await tap(patient, text("journey.details.duration_weeks"),
              first_line("journey.details.symptoms_question"))
    await tap(patient, text("journey.details.symptoms_itchy"),
              first_line("journey.details.tried_question"))
    await patient.send_text("E45 cream")
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    assert checks(patient) == 1, "one check for one answer that names a sign"
    answers = await services_of(app).store.answers.for_case(case.id)
    assert answers["detail.where"] == where
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    assert text("inbox.gp.red_flags_check_no",
                answer=text("journey.screening.red_flags.no")) in (summary.text or ""), (
        "the GP reads that the red flags were asked again and answered No")


async def test_a_red_flag_check_left_unanswered_is_marked_for_the_gp(
    app: App, emu: Emulator
) -> None:
    """"Blisters" typed for "Where exactly?", the question put again and not answered, the
    request sent: the GP's summary says the red flags were asked again and not answered."""
    team = await make_team(app, emu)
    patient = emu.user("Bo")
    await photos_sent(app, team, patient, "RF-LEFT")
    await to_tried(patient, "blisters on my left arm")
    await patient.send_text("E45 cream")
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=10)
    assert checks(patient) == 1
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    assert text("inbox.gp.red_flags_check_unanswered",
                answer=text("journey.screening.red_flags.no")) in (summary.text or "")


async def test_a_sign_typed_at_a_photo_step_asks_the_red_flags_again(
    app: App, emu: Emulator
) -> None:
    """"I have a fever now" typed where photo 1 is wanted: the note that the GP will not see
    it, photo 1's prompt again, and the red flags again after it, the newest message (H77);
    "Yes" gives the urgent advice and alerts staff."""
    team = await make_team(app, emu)
    patient = emu.user("Pip")
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "RF-PHOTO", "1980-02-03", valid_days=7,
        gp_member_id=team.gp_member.id)
    await to_photos(patient, token)
    await patient.send_text("I have a fever now")
    await patient.wait_for_text(CHECK, timeout=10)
    photo_1 = first_line("journey.photos.locator")  # asked once before, and again now
    await patient.wait_until(
        lambda: sum(photo_1 in (m.text or "") for m in patient.messages) == 2, timeout=10)
    assert newest_with(patient, CHECK) > newest_with(patient, photo_1), (
        "the red flags come after 'Please send a photo' and photo 1's example: the newest "
        "message, not pushed off a phone's screen by the picture")
    await tap(patient, text("journey.screening.red_flags.yes"), text("journey.red_flag.now"))
    case = await case_of(app, patient)
    alerts = {text(f"inbox.staff.stopped.{key}", patient_ref="RF-PHOTO",
                   reference=case.reference)
              for key in ("red_flag_yes", "red_flag_yes_after_photos")}
    await team.staff.wait_for(lambda m: m.text in alerts, timeout=10)


async def test_a_sign_typed_after_sending_asks_the_red_flags_again_and_yes_alerts_staff(
    app: App, emu: Emulator
) -> None:
    """"It is spreading fast now" typed once the request was sent: that it cannot be added,
    and the red flags again; "Yes" gives the 999 / NHS 111 words for after sending and staff
    are told to check and tell the GP."""
    team = await make_team(app, emu)
    patient = emu.user("Sid")
    await photos_sent(app, team, patient, "RF-SENT")
    await sent_with(patient, "left forearm")
    assert checks(patient) == 0
    await patient.send_text("It is spreading fast now")
    await patient.wait_for_text(CHECK, timeout=10)
    await tap(patient, text("journey.screening.red_flags.yes"),
              first_line("journey.stop.red_flag_after"))
    case = await case_of(app, patient)
    await team.staff.wait_for_text(text("inbox.staff.stopped.red_flag_after",
                                        patient_ref="RF-SENT", reference=case.reference),
                                   timeout=10)


async def test_a_sign_typed_after_the_gp_decided_gets_the_safety_net(
    app: App, emu: Emulator
) -> None:
    """"I have a fever now" typed once the GP has referred: before, only "Where you are: your
    GP has looked at your photos", with no word of 999 / NHS 111 (seen in the sandbox by
    newcomer37); now first that the GP has looked and will not see the words, whom to call,
    and the safety net, then where the request is (hazard log H78)."""
    team = await make_team(app, emu)
    patient = emu.user("Dee")
    await photos_sent(app, team, patient, "RF-DECIDED")
    await sent_with(patient, "left forearm")
    await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    await refer(team.gp)
    for _ in range(100):
        if (await case_of(app, patient)).stage is Stage.DECIDED:
            break
        await emu.wait_until_idle()
    assert (await case_of(app, patient)).stage is Stage.DECIDED
    await patient.send_text("I have a fever now")
    note = await patient.wait_for_text(first_line("journey.input.decided_not_passed_on"),
                                       timeout=10)
    assert text("journey.input.decided_not_passed_on", practice=team.practice.name,
                phone=team.practice.phone) == note.text
    assert "999" in (note.text or "") and "111" in (note.text or "")
