"""Screening against the service's criteria: each stop is one, and each is confirmed first.

Words are looked up by content key (`journey.<key>`), never copied here.
"""

from __future__ import annotations

import json

import pytest

from bot.content import text, texts
from bot.domain.questions import (
    CONSENT_CRITERIA,
    RASHES_ONLY,
    STOP_CRITERIA,
    screening_questions,
    worded,
)
from bot.journey.prompts import CONSENT_QUESTIONS
from bot.journey.replies import Reply
from bot.journey.service import Journey
from bot.journey.status_next import STOPPED_NEXT
from bot.journey.stop_words import stop_words
from bot.store import Store
from bot.store.models import Practice, Stage
from tests.auxil.fake_quality import ScriptedChecker
from tests.auxil.journey import (
    USER,
    InviteMaker,
    buttons,
    child_dob,
    give_date_of_birth,
    send,
    to_screening,
    words,
)

RASH, NO_RED_FLAGS, ARM = ("screening.is_rash.rash", "screening.red_flags.no",
                           "screening.site.arm")


def say(key: str, **values: object) -> str:
    """The patient-facing words under `journey.<key>`."""
    return text(f"journey.{key}", **values)


def status_says(key: str, practice: Practice, *, parent: bool) -> str:
    """/status of a stopped request whose "Next:" is `journey.status_words.<key>`, worded
    for a parent when `parent`: it asks the patient to call the practice, on its number."""
    then = worded(f"journey.status_words.{key}", parent=parent, practice=practice.name,
                  phone=practice.phone)
    assert practice.phone in then
    return text("journey.commands.status", where=text("journey.status_words.stopped"),
                next=then)


async def tap(journey: Journey, replies: list[Reply], key: str) -> list[Reply]:
    """Tap the button whose label is the content under `journey.<key>`."""
    answer = await journey.tapped(USER, buttons(replies)[say(key)])
    return answer.replies


def confirmation(label_key: str, stop: str, *, parent: bool = False) -> str:
    """The confirmation asked before the answer `label_key` ends the request at `stop` (to a
    parent answering for a child when `parent`)."""
    return say("confirm.ask", choice=say(label_key),
               means=worded(f"journey.confirm.means.{stop}", parent=parent))


async def to_child_screening(journey: Journey, invite: InviteMaker) -> list[Reply]:
    """Open a child's invite; the parent and the child agree."""
    dob = child_dob(7)
    await journey.start(USER, USER, await invite(dob=dob))
    replies = await give_date_of_birth(journey, USER, "/".join(reversed(dob.split("-"))))
    replies = await tap(journey, replies, "consent.guardian_yes")
    replies = await tap(journey, replies, "consent.yes")
    return await tap(journey, replies, "consent.child_yes")


async def stage_of(store: Store) -> Stage:
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    return case.stage


async def test_two_or_more_areas_goes_on_to_the_photo_tips(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    replies = await to_screening(journey, invite)
    for key in (RASH, NO_RED_FLAGS, ARM):
        replies = await tap(journey, replies, key)
    assert words(replies) == say("screening.areas.question")
    replies = await tap(journey, replies, "screening.areas.several")
    assert words(replies) == say("screening.other_areas.question"), "no confirmation, no stop"
    replies = await tap(journey, replies, "screening.other_areas.no")
    assert words(replies) == texts("journey.prepare.steps")[0], "no confirmation, no stop"
    assert await stage_of(store) is Stage.PREPARATION
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    assert (await store.answers.for_case(case.id))["screen.areas"] == "several"


async def test_a_child_with_two_or_more_areas_is_asked_about_the_face_then_eczema(
    journey: Journey, invite: InviteMaker
) -> None:
    """The site question names one area, so a child's face among two or more areas is asked
    about before any photo (the service excludes children's images where the face can be
    identified; hazard log H58); "No" goes on to the eczema question."""
    replies = await to_child_screening(journey, invite)
    for key in (RASH, NO_RED_FLAGS, ARM, "screening.areas.several", "screening.other_areas.no"):
        replies = await tap(journey, replies, key)
    assert words(replies) == worded("journey.screening.other_face.question", parent=True)
    replies = await tap(journey, replies, "screening.other_face.no")
    assert words(replies) == worded("journey.screening.eczema.question", parent=True)


async def test_an_adult_with_two_or_more_areas_is_not_asked_about_the_face(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    replies = await to_screening(journey, invite)
    for key in (RASH, NO_RED_FLAGS, ARM, "screening.areas.several", "screening.other_areas.no"):
        replies = await tap(journey, replies, key)
    assert words(replies) == texts("journey.prepare.steps")[0]
    assert await stage_of(store) is Stage.PREPARATION


STOPS = [
    pytest.param((), "screening.is_rash.mole", "mole", False, id="mole"),
    pytest.param((RASH,), "screening.red_flags.yes", "red_flag", False, id="red-flag"),
    pytest.param((RASH, NO_RED_FLAGS), "screening.site.breast", "intimate", False, id="breast"),
    pytest.param((RASH, NO_RED_FLAGS), "screening.site.private", "intimate", False,
                 id="private"),
    pytest.param((RASH, NO_RED_FLAGS, "screening.site.back"), "screening.areas.everywhere",
                 "everywhere", False, id="widespread"),
    pytest.param((RASH, NO_RED_FLAGS, ARM, "screening.areas.one"), "screening.eczema.yes",
                 "eczema", True, id="child-eczema"),
    pytest.param((RASH, NO_RED_FLAGS), "screening.site.face", "child_face", True,
                 id="child-face"),
    pytest.param((RASH, NO_RED_FLAGS, ARM, "screening.areas.several"),
                 "screening.other_areas.yes", "intimate", False, id="other-area-intimate"),
    pytest.param((RASH, NO_RED_FLAGS, ARM, "screening.areas.several", "screening.other_areas.no"),
                 "screening.other_face.yes", "child_face", True, id="child-other-area-face"),
]


@pytest.mark.parametrize(("before", "answer", "stop", "child"), STOPS)
async def test_each_stop_is_confirmed_no_goes_back_and_yes_stops(
    journey: Journey, invite: InviteMaker, store: Store, practice: Practice,
    checker: ScriptedChecker, before: tuple[str, ...], answer: str, stop: str, child: bool,
) -> None:
    replies = await (to_child_screening if child else to_screening)(journey, invite)
    for key in before:
        replies = await tap(journey, replies, key)
    question = replies[-1].text
    asked = await tap(journey, replies, answer)
    # a red flag's advice comes at once, before its confirmation (test_journey_red_flags.py)
    advice = f"{worded('journey.red_flag.now', parent=child)}\n" if stop == "red_flag" else ""
    no = "confirm.no_red_flag" if stop == "red_flag" else "confirm.no"
    assert words(asked) == advice + confirmation(answer, stop, parent=child)
    assert set(buttons(asked)) == {say("confirm.yes"), say(no)}
    assert await stage_of(store) is Stage.SCREENING

    back = await tap(journey, asked, no)
    assert words(back) == say("confirm.back") + "\n" + question, "the same question again"
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.SCREENING
    qid = answer.split(".")[1]
    assert f"screen.{qid}" not in await store.answers.for_case(case.id), "nothing saved"

    asked = await tap(journey, back, answer)
    stopped = await tap(journey, asked, "confirm.yes")
    if stop == "mole":  # asked before the red flags: they come first (hazard log H43)
        assert words(stopped) == (say("confirm.safety_first") + "\n"
                                  + say("screening.red_flags.question"))
        assert await stage_of(store) is Stage.SCREENING
        stopped = await tap(journey, stopped, NO_RED_FLAGS)
    assert words(stopped) == stop_words(f"screen_{stop}", parent=child, practice=practice.name,
                                        phone=practice.phone), "with the 999 / NHS 111 line"
    assert await stage_of(store) is Stage.STOPPED
    events = await store.audit.for_case(case.id)
    assert any(json.loads(e.detail).get("reason") == f"screen_{stop}" for e in events)
    assert "ended" in words(await send(journey, b"a photo")) and checker.calls == []
    if stop != "red_flag":  # its /status gives the 999 / 111 advice (test_journey_status.py)
        assert words(await journey.status(USER)) == status_says(
            STOPPED_NEXT[f"screen_{stop}"], practice, parent=child), "what the stop asked"


async def test_an_old_confirmation_cannot_end_the_request_after_going_back(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    replies = await to_screening(journey, invite)
    asked = await tap(journey, replies, "screening.is_rash.mole")
    old_yes = buttons(asked)[say("confirm.yes")]
    back = await tap(journey, asked, "confirm.no")
    await tap(journey, back, RASH)
    late = await journey.tapped(USER, old_yes)
    assert late.replies == [] and await stage_of(store) is Stage.SCREENING


async def test_widespread_and_unwell_gets_the_urgent_advice_first(
    journey: Journey, invite: InviteMaker, practice: Practice
) -> None:
    order = [q.id for q in screening_questions()]
    assert order.index("red_flags") < min(order.index("site"), order.index("areas")), (
        "red flags are asked before any routine stop can end the request")
    replies = await to_screening(journey, invite)
    replies = await tap(journey, replies, RASH)
    asked = await tap(journey, replies, "screening.red_flags.yes")
    assert say("confirm.means.red_flag") in words(asked), "the advice is in the confirmation"
    stopped = await tap(journey, asked, "confirm.yes")
    assert words(stopped) == say("stop.red_flag", practice=practice.name, phone=practice.phone)


CONSENT_NOES = {
    "consent": ((), "consent.no", "consent_declined", "consent.declined"),
    "not-guardian": ((), "consent.guardian_no", "not_guardian", "consent.not_guardian"),
    "parent-declines": (("consent.guardian_yes",), "consent.no", "consent_declined",
                        "consent.declined"),
    "child-declines": (("consent.guardian_yes", "consent.yes"), "consent.child_no",
                       "child_declined", "consent.child_declined"),
}
"""Per consent question, (the yeses before it, its "No", the stop, the patient's words)."""


@pytest.mark.parametrize("which", list(CONSENT_NOES))
async def test_saying_no_to_photos_is_confirmed_first(
    journey: Journey, invite: InviteMaker, store: Store, practice: Practice, which: str
) -> None:
    """Each consent question asks one thing, and a "No" to any of them is confirmed, then
    stops with its own words (a parent: the parent or guardian question, then agreeing, then
    the child's agreement)."""
    yeses, label, stop, ending = CONSENT_NOES[which]
    dob = "1980-02-03" if which == "consent" else child_dob(12)
    await journey.start(USER, USER, await invite(dob=dob))
    replies = await give_date_of_birth(journey, USER, "/".join(reversed(dob.split("-"))))
    for yes in yeses:
        replies = await tap(journey, replies, yes)
    question = replies[-1].text
    asked = await tap(journey, replies, label)
    assert words(asked) == confirmation(label, stop)
    back = await tap(journey, asked, "confirm.no")
    assert words(back) == say("confirm.back") + "\n" + question
    assert await stage_of(store) is Stage.CONSENT
    stopped = await tap(journey, await tap(journey, back, label), "confirm.yes")
    assert words(stopped) == stop_words(stop, parent=which != "consent", practice=practice.name,
                                        phone=practice.phone)
    assert say(ending, practice=practice.name, phone=practice.phone) in words(stopped)
    assert worded("journey.stop.urgent", parent=which != "consent") in words(stopped), (
        "a consent stop comes before the red-flag question: 999 / NHS 111 here")
    assert await stage_of(store) is Stage.STOPPED
    assert words(await journey.status(USER)) == status_says(
        STOPPED_NEXT[stop], practice, parent=which != "consent"), "what the stop asked"


def test_each_consent_question_asks_one_thing_and_each_no_maps_to_a_service_criterion(
) -> None:
    criteria = texts("referral.checklist.items")
    for asked in CONSENT_QUESTIONS.values():
        assert CONSENT_CRITERIA[asked.stop] in criteria, f"{asked.stop}: not a service criterion"
        assert say(f"confirm.means.{asked.stop}") and say(f"consent.{asked.stopped}",
                                                             practice="P", phone="0")
    assert set(CONSENT_CRITERIA) == {q.stop for q in CONSENT_QUESTIONS.values()}
    guardian = worded("journey.consent.keep", parent=True, days=30).rsplit("\n", 1)[-1]
    for question in (guardian, say("consent.agree_parent"), say("consent.child_agrees")):
        assert question.count("?") == 1, f"one question per yes or no: {question!r}"


def test_every_stop_maps_to_a_service_criterion() -> None:
    stops = {o.stop for child in (False, True) for q in screening_questions(child=child)
             for o in q.options if o.stop}
    assert stops == set(STOP_CRITERIA), "every stop has a criterion, and every criterion a stop"
    criteria = [*texts("referral.checklist.items"), *texts("referral.checklist.children_items"),
                RASHES_ONLY]
    for stop, criterion in STOP_CRITERIA.items():
        assert criterion in criteria, f"{stop}: not one of the service's criteria"
        assert say(f"confirm.means.{stop}") and say(f"stop.{stop}", practice="P", phone="0")
    areas = next(q for q in screening_questions() if q.id == "areas")
    several = areas.option("several")
    assert several is not None and several.stop is None, "2 or more areas is the ordinary rash"


async def test_a_late_yes_to_the_red_flags_is_confirmed_and_stops_not_already_done(
    journey: Journey, invite: InviteMaker, store: Store, practice: Practice
) -> None:
    replies = await to_screening(journey, invite)
    replies = await tap(journey, replies, RASH)
    late_yes = buttons(replies)[say("screening.red_flags.yes")]
    site = await tap(journey, replies, NO_RED_FLAGS)
    asked = (await journey.tapped(USER, late_yes)).replies
    assert words(asked) == (f"{say('red_flag.now')}\n"
                            f"{confirmation('screening.red_flags.yes', 'red_flag')}")
    back = await tap(journey, asked, "confirm.no_red_flag")
    assert words(back) == words(site), "going back shows the question asked now"
    assert await stage_of(store) is Stage.SCREENING
    asked = (await journey.tapped(USER, late_yes)).replies
    stopped = await tap(journey, asked, "confirm.yes")
    assert words(stopped) == say("stop.red_flag", practice=practice.name, phone=practice.phone)
    assert await stage_of(store) is Stage.STOPPED


@pytest.mark.parametrize("answer", ["yes", "no"])
async def test_a_parent_s_button_from_before_consent_was_split_still_counts(
    journey: Journey, invite: InviteMaker, store: Store, practice: Practice, answer: str
) -> None:
    """A parent who had the single old question on screen ("are you the parent or guardian,
    and do you agree?") when the bot was upgraded: its Yes means both and goes on to the
    child's agreement; its No, once confirmed, stops the request."""
    dob = child_dob(12)
    await journey.start(USER, USER, await invite(dob=dob))
    await give_date_of_birth(journey, USER, "/".join(reversed(dob.split("-"))))
    old = await journey.tapped(USER, f"{Stage.CONSENT.value}|consent|{answer}")
    if answer == "yes":
        assert say("consent.child_agrees") in words(old.replies)
        assert await stage_of(store) is Stage.CONSENT
        return
    assert words(old.replies) == confirmation("consent.no", "consent_declined", parent=True)
    stopped = await tap(journey, old.replies, "confirm.yes")
    assert words(stopped) == stop_words("consent_declined", parent=True, practice=practice.name,
                                        phone=practice.phone)
    assert await stage_of(store) is Stage.STOPPED


async def test_a_parent_not_sure_about_a_long_term_skin_condition_carries_on(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    """A parent told "seborrhoeic dermatitis" once, for a baby's rash that went away, cannot
    say whether that is a long-term condition: "I am not sure" goes on to the photo tips with
    no stop, and the answer is kept for the GP to judge."""
    replies = await to_child_screening(journey, invite)
    for key in (RASH, NO_RED_FLAGS, ARM, "screening.areas.one"):
        replies = await tap(journey, replies, key)
    assert text("journey.screening.eczema.unsure") in buttons(replies)
    assert text("journey.screening.eczema.unsure") in words(replies)  # the question names it
    replies = await tap(journey, replies, "screening.eczema.unsure")
    assert words(replies) == texts("journey.prepare.steps")[0], "no confirmation, no stop"
    assert await stage_of(store) is Stage.PREPARATION
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    assert (await store.answers.for_case(case.id))["screen.eczema"] == "unsure"
