"""Screening end to end against the service's criteria for children and for intimate areas, and
red flags in every path: a child's face, a second area on the breast or private parts, a late
"yes" to the red flags, a change at the review, the GP's "new photos" (words by content key)."""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.journey.stop_words import stop_words
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    SCREENING,
    child_birthday,
    details_and_review,
    first_line,
    parent_agrees,
    read_the_tips,
    send_three,
    taken_again,
    tap,
    to_consent,
)
from tests.auxil.e2e.practice import (
    CAPTIONS,
    Team,
    case_of,
    make_team,
    stop_reason,
)

App = Application[Any, Any, Any, Any, Any, Any]
PRACTICE = ("The Lawson Practice", "020 7729 7236")


def say(key: str, *, parent: bool = False, **values: object) -> str:
    """The patient's words under `journey.<key>`, worded for a parent when `parent`."""
    return worded(f"journey.{key}", parent=parent, **values)


def ending(stop: str, *, parent: bool = False) -> str:
    """The words the patient reads once a stop is confirmed (with the 999 / NHS 111 line)."""
    return stop_words(f"screen_{stop}", parent=parent, practice=PRACTICE[0], phone=PRACTICE[1])


def confirmation(answer: str, stop: str, *, parent: bool = False) -> str:
    """ "You chose X. That means ... Is that right?" for the answer under `journey.<answer>`."""
    return text("journey.confirm.ask", choice=say(answer, parent=parent),
                means=say(f"confirm.means.{stop}", parent=parent))


async def invite(app: App, team: Team, ref: str, born: date | None = None) -> str:
    """An invite for the team's practice; an adult unless `born` is given."""
    _, token = await services_of(app).store.invites.create(
        team.practice.id, ref, (born or date(1980, 2, 3)).isoformat(), valid_days=7)
    return token


async def staff_alert(app: App, team: Team, patient: TelegramUser, key: str, ref: str, *,
                      parent: bool = False) -> None:
    """Wait for the staff alert under `inbox.staff.stopped.<key>` about this patient."""
    case = await case_of(app, patient)
    words = worded(f"inbox.staff.stopped.{key}", parent=parent, patient_ref=ref,
                   reference=case.reference)
    await team.staff.wait_for_text(words, timeout=10)


async def to_the_site(app: App, team: Team, patient: TelegramUser, ref: str,
                      born: date | None = None) -> None:
    """Invite this patient (born on `born`, or an adult), and answer up to the site question."""
    await to_screening(patient, await invite(app, team, ref, born), born)
    await tap(patient, SCREENING[0], say("screening.red_flags.question"))
    await tap(patient, SCREENING[1], say("screening.site.question"))


async def stops_in_their_own_words(app: App, team: Team, young: TelegramUser, stop: str,
                                   ref: str) -> None:
    """A 16 or 17-year-old confirms a stop: they read the stop's own words, and staff are told
    of it without "Parent asked"."""
    await tap(young, say("confirm.yes"), ending(stop))
    await staff_alert(app, team, young, stop, ref)
    reference = (await case_of(app, young)).reference
    assert worded(f"inbox.staff.stopped.{stop}", parent=True, patient_ref=ref,
                  reference=reference) not in [m.text for m in team.staff.messages]


async def to_screening(patient: TelegramUser, token: str, born: date | None = None) -> None:
    """Open the link and agree (a parent and the child, for a child under 16)."""
    await to_consent(patient, token, born.strftime("%d/%m/%Y") if born else "03/02/1980")
    parent = born is not None and born > child_birthday(16)
    if parent:
        await parent_agrees(patient)
        await tap(patient, say("consent.child_yes"),
                  say("screening.is_rash.question", parent=True))
    else:
        await tap(patient, say("consent.yes"), say("screening.is_rash.question"))


async def test_a_childs_rash_on_the_face_stops_kindly_and_staff_are_told(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    born = child_birthday(8)
    parent = emu.user("Kit's dad")
    await to_screening(parent, await invite(app, team, "C-1", born), born)
    await tap(parent, SCREENING[0], say("screening.red_flags.question", parent=True))
    await tap(parent, SCREENING[1], say("screening.site.question"))
    await tap(parent, say("screening.site.face"),
              confirmation("screening.site.face", "child_face", parent=True))
    stopped = await tap(parent, say("confirm.yes"), ending("child_face", parent=True))
    assert stopped.text == ending("child_face", parent=True)
    case = await case_of(app, parent)
    assert case.stage is Stage.STOPPED
    assert await stop_reason(app, case) == "screen_child_face"
    await staff_alert(app, team, parent, "child_face", "C-1", parent=True)
    assert not [m for m in parent.messages if say("photos.locator") in (m.text or "")], (
        "no photo is asked for")


async def test_a_child_with_a_rash_in_two_or_more_areas_one_on_the_face_stops_kindly(
    app: App, emu: Emulator
) -> None:
    """The site question names one area: a child's face among two or more areas is asked
    about, and "Yes" stops as "Face or head" does, before any photo (hazard log H58)."""
    team = await make_team(app, emu)
    born = child_birthday(6)
    parent = emu.user("Lou's mum")
    await to_screening(parent, await invite(app, team, "C-5", born), born)
    await tap(parent, SCREENING[0], say("screening.red_flags.question", parent=True))
    await tap(parent, SCREENING[1], say("screening.site.question"))
    await tap(parent, SCREENING[2], say("screening.areas.question"))
    await tap(parent, say("screening.areas.several"), say("screening.other_areas.question"))
    await tap(parent, say("screening.other_areas.no"),
              say("screening.other_face.question", parent=True))
    await tap(parent, say("screening.other_face.yes"),
              confirmation("screening.other_face.yes", "child_face", parent=True))
    stopped = await tap(parent, say("confirm.yes"), ending("child_face", parent=True))
    assert stopped.text == ending("child_face", parent=True)
    case = await case_of(app, parent)
    assert case.stage is Stage.STOPPED
    assert await stop_reason(app, case) == "screen_child_face"
    await staff_alert(app, team, parent, "child_face", "C-5", parent=True)
    assert not [m for m in parent.messages if first_line("journey.photos.locator") in
                (m.text or "")], "no photo is asked for"


async def test_a_17_year_old_with_a_rash_in_two_or_more_areas_not_on_the_face_goes_on(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    born = child_birthday(17)
    young = emu.user("Max")
    await to_the_site(app, team, young, "Y-5", born)
    await tap(young, SCREENING[2], say("screening.areas.question"))
    await tap(young, say("screening.areas.several"), say("screening.other_areas.question"))
    asked = await tap(young, say("screening.other_areas.no"),
                      say("screening.other_face.question"))
    assert "child" not in (asked.text or ""), "a young person answering is asked about themself"
    await tap(young, say("screening.other_face.no"), say("screening.eczema.question"))
    assert (await case_of(app, young)).stage is Stage.SCREENING


async def test_a_child_s_consent_asks_one_thing_at_a_time_and_not_a_guardian_stops_kindly(
    app: App, emu: Emulator
) -> None:
    """The parent is asked whether they are the child's parent or guardian, alone; "No" is
    confirmed, then stops with the reason, and staff are told. Another parent says yes to
    that, and is then asked, alone, whether they agree; "No" there stops as declining does."""
    team = await make_team(app, emu)
    born = child_birthday(9)
    holder = emu.user("Neighbour")
    await to_consent(holder, await invite(app, team, "C-2", born), born.strftime("%d/%m/%Y"))
    asked = holder.last_message
    assert asked is not None and asked.text == say("consent.keep", parent=True, days=30)
    assert asked.buttons == [[say("consent.guardian_yes"), say("consent.guardian_no")]]
    await tap(holder, say("consent.guardian_no"),
              confirmation("consent.guardian_no", "not_guardian"))
    words = stop_words("not_guardian", parent=True, practice=PRACTICE[0], phone=PRACTICE[1])
    assert (await tap(holder, say("confirm.yes"), words)).text == words
    case = await case_of(app, holder)
    assert case.stage is Stage.STOPPED and await stop_reason(app, case) == "not_guardian"
    await staff_alert(app, team, holder, "not_guardian", "C-2")

    parent = emu.user("Kit's mum")
    await to_consent(parent, await invite(app, team, "C-3", born), born.strftime("%d/%m/%Y"))
    agree = await tap(parent, say("consent.guardian_yes"), say("consent.agree_parent"))
    assert agree.buttons == [[say("consent.yes"), say("consent.no")]]
    await tap(parent, say("consent.no"), confirmation("consent.no", "consent_declined"))
    await tap(parent, say("confirm.yes"),
              say("consent.declined", practice=PRACTICE[0], phone=PRACTICE[1]))
    case = await case_of(app, parent)
    assert case.stage is Stage.STOPPED and await stop_reason(app, case) == "consent_declined"
    await staff_alert(app, team, parent, "consent_declined", "C-3")


async def test_a_16_year_old_with_a_face_rash_is_told_in_their_own_words(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    born = child_birthday(16)
    young = emu.user("Sam")
    await to_the_site(app, team, young, "Y-1", born)
    await tap(young, say("screening.site.face"), confirmation("screening.site.face", "child_face"))
    await stops_in_their_own_words(app, team, young, "child_face", "Y-1")


async def test_an_adult_with_a_rash_on_the_face_goes_on_to_the_photos(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    adult = emu.user("Ada")
    await to_the_site(app, team, adult, "A-1")
    await tap(adult, say("screening.site.face"), say("screening.areas.question"))
    await read_the_tips(adult, say("screening.areas.one"))
    case = await case_of(app, adult)
    assert case.stage is Stage.LOCATOR
    assert not [m for m in team.staff.messages if "A-1" in (m.text or "")], "no stop, no alert"


async def test_a_16_year_old_is_asked_about_their_own_eczema_and_staff_are_not_told_a_parent(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    born = child_birthday(16)
    young = emu.user("Jo")
    await to_screening(young, await invite(app, team, "Y-2", born), born)
    for label, expect in zip(SCREENING, ("red_flags", "site", "areas", "eczema"), strict=True):
        asked = await tap(young, label, say(f"screening.{expect}.question"))
    assert asked.text == say("screening.eczema.question")
    assert "child" not in (asked.text or ""), "a young person answering is asked about themself"
    await tap(young, say("screening.eczema.yes"), confirmation("screening.eczema.yes", "eczema"))
    await stops_in_their_own_words(app, team, young, "eczema", "Y-2")


async def test_two_or_more_areas_with_one_on_the_private_parts_stops_before_any_photo(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    adult = emu.user("Bea")
    await to_the_site(app, team, adult, "I-1")
    await tap(adult, SCREENING[2], say("screening.areas.question"))
    await tap(adult, say("screening.areas.several"), say("screening.other_areas.question"))
    asked = confirmation("screening.other_areas.yes", "intimate")
    await tap(adult, say("screening.other_areas.yes"), asked)
    await tap(adult, say("confirm.no"), say("screening.other_areas.question"))
    await tap(adult, say("screening.other_areas.yes"), asked)
    await tap(adult, say("confirm.yes"), ending("intimate"))
    case = await case_of(app, adult)
    assert case.stage is Stage.STOPPED
    assert await stop_reason(app, case) == "screen_intimate"
    await staff_alert(app, team, adult, "intimate", "I-1")
    assert await services_of(app).store.photos.for_case(case.id) == []


async def screened_keeping_the_red_flags(patient: TelegramUser) -> tuple[SentMessage, str]:
    """Answer "no" to the red flags, keeping the question's message and its "yes" button
    data (as a tap on it would send them if the buttons stayed), then the rest, up to photo 1."""
    question = await tap(patient, SCREENING[0], say("screening.red_flags.question"))
    yes = question.callback_data[say("screening.red_flags.yes")]
    await tap(patient, SCREENING[1], say("screening.site.question"))
    await tap(patient, SCREENING[2], say("screening.areas.question"))
    await read_the_tips(patient, SCREENING[3])
    return question, yes


async def test_a_late_yes_to_the_red_flags_at_the_photos_stops_with_the_urgent_advice(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Rae")
    await to_screening(patient, await invite(app, team, "L-1"))
    question, yes = await screened_keeping_the_red_flags(patient)
    await patient.tap_callback(question.message_id, yes)
    await patient.wait_for_text(confirmation("screening.red_flags.yes", "red_flag"), timeout=10)
    await tap(patient, say("confirm.yes"), ending("red_flag"))
    case = await case_of(app, patient)
    assert case.stage is Stage.STOPPED
    assert await stop_reason(app, case) == "screen_red_flag"
    store = services_of(app).store
    assert (await store.answers.for_case(case.id))["screen.red_flags"] == "yes"
    await staff_alert(app, team, patient, "red_flag", "L-1")
    await patient.tap_callback(question.message_id, yes)  # never sent: no "wait for your GP"
    await patient.wait_for_text(first_line("journey.red_flag.ended"), timeout=10)


async def test_red_flags_changed_at_the_review_stop_with_the_urgent_advice(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = emu.user("Vic")
    await to_the_site(app, team, patient, "V-1")
    await tap(patient, SCREENING[2], say("screening.areas.question"))
    await read_the_tips(patient, SCREENING[3])
    await send_three(patient)
    await details_and_review(patient)
    review = patient.last_message
    assert review is not None and say("screening.red_flags.no") in (review.text or ""), (
        "the review shows the red-flag answer")
    await tap(patient, say("review.change"), say("review.change_which"))
    await tap(patient, say("review.change_red_flags"), say("screening.red_flags.question"))
    await tap(patient, say("screening.red_flags.yes"),
              confirmation("screening.red_flags.yes", "red_flag"))
    await tap(patient, say("confirm.yes"), ending("red_flag"))
    case = await case_of(app, patient)
    assert case.stage is Stage.STOPPED
    assert await stop_reason(app, case) == "screen_red_flag"
    await staff_alert(app, team, patient, "red_flag", "V-1")
    assert not [m for m in team.gp.messages if m.kind == "document"], "nothing sent to the GP"


async def test_after_sending_a_late_red_flag_gets_the_advice_and_new_photos_carry_it_too(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, "N-1", "1980-02-03", valid_days=7,
                                          gp_member_id=team.gp_member.id)
    patient = emu.user("Nat")
    await to_screening(patient, token)
    question, yes = await screened_keeping_the_red_flags(patient)
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, say("review.send"), first_line("journey.receipt.text"))
    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)

    await patient.tap_callback(question.message_id, yes)
    await patient.wait_for_text(say("stop.red_flag_after"), timeout=10)
    case = await case_of(app, patient)
    assert case.stage is Stage.SUBMITTED, "the GP still has the case"
    words = text("inbox.staff.stopped.red_flag_after", patient_ref="N-1",
                 reference=case.reference)
    alert = await team.staff.wait_for_text(words, timeout=10)
    assert alert.text == words, "nothing more: the GP still has the photos"

    await team.gp.tap_callback(summary.message_id,
                               summary.callback_data[text("inbox.gp.ask_photos")])
    asked = await team.gp.wait_for_text(text("inbox.gp.which_photos"), timeout=10)
    await team.gp.tap_callback(asked.message_id, asked.callback_data[f"☐ {CAPTIONS[2]}"])
    await team.gp.wait_until(lambda: f"☑ {CAPTIONS[2]}" in asked.callback_data, timeout=10)
    await team.gp.tap(text("inbox.gp.next"))
    await team.gp.wait_for_text(text("inbox.gp.why_photos", shots=CAPTIONS[2]), timeout=10)
    await team.gp.tap(text("inbox.gp.reason_blurred"))
    told = await patient.wait_for_text(first_line("inbox.patient.new_photos"), timeout=10)
    assert told.text == text("inbox.patient.new_photos", reference=case.reference,
                             shots=text("inbox.patient.shot_close_up_2"),
                             reason=text("inbox.patient.reason_blurred"))
    assert "111" in told.text and "999" in told.text, "safety-netting with the request"

    await patient.wait_for_text(taken_again("close_up_2"), timeout=10)
    await patient.tap_callback(question.message_id, yes)
    await patient.wait_for_text(confirmation("screening.red_flags.yes", "red_flag"), timeout=10)
    await tap(patient, say("confirm.yes"), ending("red_flag"))
    case = await case_of(app, patient)
    assert case.stage is Stage.STOPPED
    assert await stop_reason(app, case) == "screen_red_flag"
    await staff_alert(app, team, patient, "red_flag", "N-1")
    note = await team.gp.wait_for(
        lambda m: text("inbox.gp.stopped_red_flag") in (m.text or ""), timeout=20)
    assert note.text == text("inbox.gp.retracted", reference=case.reference,
                             why=text("inbox.gp.stopped_red_flag")), "the GP is told why"
