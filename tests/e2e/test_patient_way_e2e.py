"""The patient's way through (issue 13, items 7-11), end to end: the real Application polling
the emulator, words taken from content by key."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from telegram.ext import Application

from bot.content import asset, text, texts
from bot.domain.questions import worded
from bot.emulator import Emulator
from bot.store.models import Practice, Stage
from scripts.reading_age import PHONE_LINES, phone_lines
from tests.auxil.e2e.bot_app import sample, services_of
from tests.auxil.e2e.patient import (
    SCREENING,
    after,
    child_birthday,
    details_and_review,
    first_line,
    give_date_of_birth,
    parent_agrees,
    read_the_tips,
    send_three,
    shows_answer,
    tap,
    then_says,
    to_consent,
    to_photos,
)
from tests.auxil.e2e.practice import make_team, new_invite

App = Application[Any, Any, Any, Any, Any, Any]
SYSTEM_NAMES = ("e-RS", "e-Referral", "Referral Service", "MESH", "NHS Spine", "SystmOne", "EMIS")
"""Names of NHS systems a patient need not know; consent must be said without them."""


def say(key: str, **values: object) -> str:
    """Patient words from journey.toml."""
    return text(f"journey.{key}", **values)


def in_words(day: date) -> str:
    """A date as the bot reads it back, with the month's name from content."""
    return f"{day.day} {texts('journey.dates.months')[day.month - 1]} {day.year}"


# -- item 7: consent in three short messages ---------------------------------------------------

@pytest.mark.parametrize("parent", [False, True], ids=["adult", "parent"])
async def test_consent_is_three_short_messages_in_plain_words(
    app: App, emu: Emulator, practice: Practice, parent: bool
) -> None:
    born = child_birthday(6) if parent else date(1980, 2, 3)
    patient = emu.user("Ada")
    await patient.open_deep_link(await new_invite(app, practice, born.isoformat()))
    await patient.wait_for_text(
        first_line("journey.identity.ask_parent" if parent else "journey.identity.ask"))
    matched = await give_date_of_birth(patient, born.strftime("%d/%m/%Y"))
    question = await patient.wait_for(lambda m: bool(m.buttons), timeout=10)
    consent = [matched, *after(patient, matched)]
    keys = ("why", "who", "keep")
    expected = [worded(f"journey.consent.{key}", parent=parent, days=30) for key in keys]
    expected[0] = f"{say('identity.ok')}\n\n{expected[0]}"  # one message: it matches, and why
    if not parent:  # the patient's question whether they agree: saying no is fine (H59)
        expected[-1] = f"{expected[-1]}\n\n{say('consent.no_is_fine')}"
    assert [m.text for m in consent] == expected, "why; who sees them and where; how long"
    assert consent[-1] is question and all(not m.buttons for m in consent[:-1])
    assert question.buttons == ([[say("consent.guardian_yes"), say("consent.guardian_no")]]
                                if parent else [[say("consent.yes"), say("consent.no")]])
    for message in consent:
        words = message.text or ""
        assert phone_lines(words) <= PHONE_LINES, f"needs scrolling on a phone: {words!r}"
        assert not [name for name in SYSTEM_NAMES if name in words], words
    assert "/delete" in consent[2].text  # how to delete, in the message on keeping them
    if parent:
        await parent_agrees(patient)
    else:
        await tap(patient, say("consent.yes"), say("screening.intro"))


# -- item 8: answers stay visible, and can be changed at the review ----------------------------

async def test_each_answer_stays_under_its_question_and_one_is_changed_at_the_review(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ada")
    await to_consent(patient, await new_invite(app, practice))
    consent = patient.last_message
    assert consent is not None
    questions = [await tap(patient, say("consent.yes"), say("screening.is_rash.question"))]
    await shows_answer(patient, consent, say("consent.yes"))  # the buttons go; the choice stays
    for label, following in zip(SCREENING[:3], ("red_flags", "site", "areas"), strict=True):
        await patient.tap(label)
        questions.append(await patient.wait_for_text(
            say(f"screening.{following}.question"), timeout=10))
    for question, label in zip(questions[:3], SCREENING[:3], strict=True):
        await shows_answer(patient, question, label)

    await read_the_tips(patient, SCREENING[3])
    for shot, number in (("locator-good.jpg", 1), ("close-up-good.jpg", 2),
                         ("close-up-good-2.jpg", 3)):
        await patient.send_document(sample(shot), "IMG.jpg", "image/jpeg")
        await patient.wait_for_text(say("photos.accepted", number=number), timeout=15)
    await details_and_review(patient)

    # Change how long, by a tap, and exactly where, by typing; the summary says the new answers.
    await tap(patient, say("review.change"), say("review.change_which"))
    question = await tap(patient, say("review.change_duration"),
                         say("details.duration_question"))
    await tap(patient, say("details.duration_long"), say("review.changed"))
    await shows_answer(patient, question, say("details.duration_long"))
    await tap(patient, say("review.change"), say("review.change_which"))
    await tap(patient, say("review.change_where"), say("details.where_exactly"))
    await patient.send_text("back of left hand")
    area = f"{say('screening.site.arm')} (back of left hand)"  # photos of the old place?
    await patient.wait_for_text(say("review.photos_area", area=area), timeout=10)
    summary = await tap(patient, say("review.photos_area_yes"), say("review.photos_kept"))
    assert "back of left hand" in (summary.text or "")
    assert say("details.duration_long") in (summary.text or "")
    assert summary.buttons[0] == [say("review.send")]
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.REVIEW
    answers = await services_of(app).store.answers.for_case(case.id)
    assert answers["detail.duration"] == "long" and answers["detail.where"] == (
        "back of left hand")
    await tap(patient, say("review.send"), str(case.reference))
    case = await services_of(app).store.cases.get(case.id)
    assert case is not None and case.stage is Stage.SUBMITTED


async def test_changing_the_place_to_an_intimate_area_at_the_review_is_confirmed_then_stops(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ada")
    await to_photos(patient, await new_invite(app, practice))
    for shot, number in (("locator-good.jpg", 1), ("close-up-good.jpg", 2),
                         ("close-up-good-2.jpg", 3)):
        await patient.send_document(sample(shot), "IMG.jpg", "image/jpeg")
        await patient.wait_for_text(say("photos.accepted", number=number), timeout=15)
    await details_and_review(patient)
    await tap(patient, say("review.change"), say("review.change_which"))
    await tap(patient, say("review.change_site"), say("screening.site.question"))
    confirm = say("confirm.ask", choice=say("screening.site.private"),
                  means=say("confirm.means.intimate"))
    await tap(patient, say("screening.site.private"), confirm)
    ending = say("stop.intimate", practice=practice.name, phone=practice.phone)
    await tap(patient, say("confirm.yes"), ending)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.STOPPED


async def test_a_phone_number_typed_as_exactly_where_is_refused_and_never_reaches_the_gp(
    app: App, emu: Emulator, practice: Practice
) -> None:
    """A patient who types their address and phone number where the bot asks where the rash
    is, is asked kindly for just the place; the review and the GP never see the details."""
    patient = emu.user("Ada")
    await to_photos(patient, await new_invite(app, practice))
    await send_three(patient)
    await then_says(patient, first_line("journey.details.where_exactly"))
    personal = "left forearm. I am Jane, 12 Acacia Road, phone 07700 900123"
    await patient.send_text(personal)
    await patient.wait_for_text(say("details.personal"), timeout=10)
    await patient.send_text("left forearm")
    await patient.wait_for_text(first_line("journey.details.duration_question"), timeout=10)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    answers = await services_of(app).store.answers.for_case(case.id)
    assert "left forearm" in answers.values()
    assert not any("07700" in value or "Acacia" in value for value in answers.values())


async def test_a_changed_area_asks_exactly_where_again_so_the_gp_reads_no_contradiction(
    app: App, emu: Emulator
) -> None:
    """"Where" changed from arm to leg at the review: the old "left forearm" is cleared and
    "exactly where" asked again; Send on the old review asks for it first; once the patient
    says the photos show the new area, the GP reads it with the new words only."""
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, "P-300", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient, where="left forearm")
    review = patient.last_message
    assert review is not None and "left forearm" in (review.text or "")
    old_send = review.callback_data[say("review.send")]

    await tap(patient, say("review.change"), say("review.change_which"))
    await tap(patient, say("review.change_site"), say("screening.site.question"))
    asked = await tap(patient, say("screening.site.leg"),
                      first_line("journey.review.ask_again"))
    assert asked.text == f"{say('review.ask_again')}\n\n{say('details.where_exactly')}"
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    answers = await store.answers.for_case(case.id)
    assert answers["screen.site"] == "leg" and "detail.where" not in answers

    await patient.tap_callback(review.message_id, old_send)  # Send, before answering
    first = await patient.wait_for_text(say("review.answer_first"), timeout=10)
    assert say("details.where_exactly") in (first.text or "")
    assert (await store.cases.get(case.id)).stage is Stage.REVIEW  # type: ignore[union-attr]

    await patient.send_text("back of left knee")
    area = f"{say('screening.site.leg')} (back of left knee)"
    await patient.wait_for_text(say("review.photos_area", area=area), timeout=10)
    summary = await tap(patient, say("review.photos_area_yes"), say("review.photos_kept"))
    assert say("screening.site.leg") in (summary.text or "")
    assert "back of left knee" in (summary.text or "")
    assert "left forearm" not in (summary.text or "")
    await tap(patient, say("review.send"), first_line("journey.receipt.text"))
    gp_summary = await team.gp.wait_for_text(case.reference, timeout=20)
    await team.gp.wait_until(lambda: "back of left knee" in (gp_summary.text or ""))
    assert f"{say('screening.site.leg')} (back of left knee)" in (gp_summary.text or "")
    assert "forearm" not in " ".join(m.text or "" for m in team.gp.messages)


async def test_the_review_shows_how_many_areas_and_asks_the_follow_up_when_it_changes(
    app: App, emu: Emulator, practice: Practice
) -> None:
    """The review lists every answer the GP reads ("Is it a rash", "How many areas"); a change
    to "Two or more areas" asks whether any is on the breast, private parts or bottom, and a
    change back to "One area" clears that answer."""
    patient = emu.user("Ada")
    await to_photos(patient, await new_invite(app, practice))
    await send_three(patient)
    await details_and_review(patient)
    review = patient.last_message
    assert review is not None
    for key in ("screening.is_rash.rash", "screening.areas.one"):
        assert say(key) in (review.text or ""), key
    follow_up = say("review.other_areas_line", answer="").strip()
    assert follow_up not in (review.text or ""), "not asked, so not shown"

    await tap(patient, say("review.change"), say("review.change_which"))
    listed = patient.last_message
    assert listed is not None and [say("review.change_other_areas")] not in listed.buttons
    await tap(patient, say("review.change_areas"), say("screening.areas.question"))
    asked = await tap(patient, say("screening.areas.several"),
                      first_line("journey.review.ask_again"))
    assert say("screening.other_areas.question") in (asked.text or "")
    summary = await tap(patient, say("screening.other_areas.no"), say("review.changed"))
    assert say("review.other_areas_line", answer=say("screening.other_areas.no")) in (
        summary.text or "")
    assert say("screening.areas.several") in (summary.text or "")
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    assert (await store.answers.for_case(case.id))["screen.other_areas"] == "no"

    await tap(patient, say("review.change"), say("review.change_which"))
    await tap(patient, say("review.change_areas"), say("screening.areas.question"))
    summary = await tap(patient, say("screening.areas.one"), say("review.changed"))
    assert follow_up not in (summary.text or "")
    answers = await store.answers.for_case(case.id)
    assert answers["screen.areas"] == "one" and "screen.other_areas" not in answers


# -- item 9: tips that agree, each with its picture --------------------------------------------

async def test_each_tip_comes_with_its_picture_and_the_tips_agree(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ada")
    await to_photos(patient, await new_invite(app, practice))
    steps, pictures = texts("journey.prepare.steps"), texts("journey.prepare.pictures")
    shown = [m for m in patient.messages if m.text in steps]
    assert [m.text for m in shown] == steps and len(pictures) == len(steps)
    for message, picture in zip(shown, pictures, strict=True):
        assert message.kind == "photo" and message.uploaded_bytes == asset(picture).read_bytes()
        await patient.wait_until(lambda m=message: m.buttons == [])  # Next goes once tapped
        assert phone_lines(message.text or "") <= PHONE_LINES // 2, "a caption under a picture"
    locator = patient.last_message
    assert locator is not None and locator.text == say("photos.locator")
    assert locator.uploaded_bytes == asset("pictures/example-locator.png").read_bytes()
    requests = [*steps, say("photos.locator"), say("photos.close_up_1"),
                say("photos.close_up_2")]
    # One way to hold the phone: straight over the skin, never "at an angle" nor "flat to" it.
    assert not [w for w in requests if "angle" in w.lower() or "flat" in w.lower()]
    # Sending as a file is offered, never required, so a normal photo is accepted as it is.
    await patient.send_photo(sample("locator-good.jpg"))
    await patient.wait_for_text(say("photos.accepted", number=1), timeout=15)


# -- item 10: the date of birth, as people type it ---------------------------------------------

@pytest.mark.parametrize(("typed", "born"), [
    ("3/2/80", date(1980, 2, 3)), ("03.02.1980", date(1980, 2, 3)),
    ("3 Feb 1980", date(1980, 2, 3)), ("30/4/49", date(1949, 4, 30)),
])
async def test_a_date_of_birth_typed_the_usual_ways_is_read_back_and_confirmed(
    app: App, emu: Emulator, practice: Practice, typed: str, born: date
) -> None:
    patient = emu.user("Ada")
    await patient.open_deep_link(await new_invite(app, practice, born.isoformat()))
    asked = await patient.wait_for_text(say("identity.ask"))
    welcome = say("invite.welcome", practice=practice.name)
    assert asked.text == f"{welcome}\n\n{say('identity.ask')}", "one message: hello, then ask"
    await patient.send_text(typed)
    read_back = await patient.wait_for_text(say("identity.confirm", date=in_words(born)))
    assert read_back.buttons == [[say("identity.confirm_yes"), say("identity.confirm_no")]]
    await tap(patient, say("identity.confirm_yes"), say("identity.ok"))
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.CONSENT


async def test_a_misread_date_is_typed_again_and_never_counts_as_wrong(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ada")
    token = await new_invite(app, practice)
    await patient.open_deep_link(token)
    await patient.wait_for_text(say("identity.ask"))
    await patient.send_text("2/3/80")  # meant as 3 February, typed month first
    await patient.wait_for_text(say("identity.confirm", date=in_words(date(1980, 3, 2))))
    await tap(patient, say("identity.confirm_no"), say("identity.again"))
    await patient.send_text("1/1/2090")
    await patient.wait_for_text(say("identity.not_a_date"))
    await give_date_of_birth(patient, "3/2/80")
    invite = await services_of(app).store.invites.find(token)
    assert invite is not None and invite.failed_dob_checks == 0


async def test_a_yes_under_a_replaced_read_back_neither_confirms_it_nor_uses_a_try(
    app: App, emu: Emulator, practice: Practice
) -> None:
    """The patient types the right date, then a wrong one: "Yes" under the first read-back,
    now replaced, does not let them in; "Yes" under a read-back already found wrong does not
    use a second try. Each is answered kindly and loses its buttons."""
    patient = emu.user("Ada")
    token = await new_invite(app, practice)
    await patient.open_deep_link(token)
    await patient.wait_for_text(say("identity.ask"))
    yes = say("identity.confirm_yes")
    read_backs = []
    for typed, day in (("3/2/80", date(1980, 2, 3)), ("1/2/80", date(1980, 2, 1))):
        await patient.send_text(typed)
        read_backs.append(await patient.wait_for_text(
            say("identity.confirm", date=in_words(day)), timeout=10))
    right, wrong = read_backs
    wrong_yes = wrong.callback_data[yes]  # kept: the button goes once tapped
    store = services_of(app).store

    async def failed_checks() -> int:
        invite = await store.invites.find(token)
        assert invite is not None
        return invite.failed_dob_checks

    def told_replaced() -> int:
        return len([m for m in patient.messages if m.text == say("identity.replaced")])

    await patient.tap_callback(right.message_id, right.callback_data[yes])
    await patient.wait_until(lambda: told_replaced() == 1)
    await patient.wait_until(lambda: right.buttons == [])
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.IDENTITY, "the replaced date is not used"
    assert await failed_checks() == 0

    await tap(patient, yes, say("identity.wrong", left=2, tries="tries"))
    assert await failed_checks() == 1
    await patient.send_text("hello")  # anything between two taps of the same Yes
    await patient.wait_for_text(say("identity.not_a_date"), timeout=10)
    await patient.tap_callback(wrong.message_id, wrong_yes)
    await patient.wait_until(lambda: told_replaced() == 2)
    assert await failed_checks() == 1, "the same wrong date counts once"
    await give_date_of_birth(patient, "3/2/80")
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.stage is Stage.CONSENT


async def test_a_parent_is_asked_about_the_child_and_an_adult_about_themself(
    app: App, emu: Emulator, practice: Practice
) -> None:
    born = child_birthday(7)
    parent = emu.user("Kit's dad")
    await parent.open_deep_link(await new_invite(app, practice, born.isoformat()))
    welcome = worded("journey.invite.welcome", parent=True, practice=practice.name)
    assert welcome != say("invite.welcome", practice=practice.name), "the child's rash"
    assert (await parent.wait_for_text(say("identity.ask_parent"))).text == (
        f"{welcome}\n\n{say('identity.ask_parent')}")
    await give_date_of_birth(parent, born.strftime("%d/%m/%y"))
    await parent.wait_for(lambda m: bool(m.buttons), timeout=10)
    await parent_agrees(parent)
    await tap(parent, say("consent.child_yes"), say("screening.is_rash.question"))
    flags = await tap(parent, SCREENING[0], say("screening.red_flags.question_parent"))
    assert flags.text == say("screening.red_flags.question_parent")
    stop = say("stop.red_flag_parent")
    await tap(parent, say("screening.red_flags.yes"), say("confirm.means.red_flag"))
    assert (await tap(parent, say("confirm.yes"), stop)).text == stop

    adult = emu.user("Ada")
    await to_consent(adult, await new_invite(app, practice))
    await tap(adult, say("consent.yes"), say("screening.is_rash.question"))
    flags = await tap(adult, SCREENING[0], say("screening.red_flags.question"))
    assert flags.text == say("screening.red_flags.question")
    assert say("screening.red_flags.question") != say("screening.red_flags.question_parent")
    stop = say("stop.red_flag")
    await tap(adult, say("screening.red_flags.yes"), say("confirm.means.red_flag"))
    assert (await tap(adult, say("confirm.yes"), stop)).text == stop


# -- item 11: one message after the third photo, not four ---------------------------------------

async def test_after_the_third_photo_one_message_leads_to_the_first_question(
    app: App, emu: Emulator, practice: Practice
) -> None:
    patient = emu.user("Ada")
    await to_photos(patient, await new_invite(app, practice))
    await patient.send_document(sample("locator-good.jpg"), "IMG.jpg", "image/jpeg")
    await patient.wait_for_text(say("photos.accepted", number=1), timeout=15)
    await patient.send_document(sample("close-up-good.jpg"), "IMG.jpg", "image/jpeg")
    before = await patient.wait_for_text(say("photos.close_up_2"), timeout=15)
    await patient.send_document(sample("close-up-good-2.jpg"), "IMG.jpg", "image/jpeg")
    question = await patient.wait_for_text(say("details.where_exactly"), timeout=15)
    assert after(patient, before) == [question], "one message, nothing before or after"
    parts = [say("photos.accepted", number=3), say("photos.removed_file"), say("photos.all_done"),
             say("details.intro"), say("details.where_exactly")]
    assert question.text == "\n\n".join(parts), "verdict, deleted, done, then the question"
    assert question.buttons == [[say("details.skip")]]
    assert phone_lines(question.text) <= PHONE_LINES, "fits a phone screen"
