"""The patient's own workflow flags (who answers, the photo tip shown, a photo replaced at the
review): columns of the case, audited as the patient or the system, never answers."""

from __future__ import annotations

import json

from bot.content import text, texts
from bot.journey.replies import Reply
from bot.journey.service import Journey
from bot.store import Store
from bot.store.models import Stage
from tests.auxil.journey import InviteMaker, buttons, child_dob, give_date_of_birth, send

USER = 1101
SCREENING = ("journey.screening.is_rash.rash", "journey.screening.red_flags.no",
             "journey.screening.site.arm", "journey.screening.areas.one")


async def press(journey: Journey, replies: list[Reply], key: str) -> list[Reply]:
    """Tap the button labelled with the content text at `key`; return what came back."""
    return (await journey.tapped(USER, buttons(replies)[text(key)])).replies


async def to_tips(journey: Journey, invite: InviteMaker) -> list[Reply]:
    await journey.start(USER, USER, await invite())
    replies = await give_date_of_birth(journey, USER, "3/2/1980")
    for key in ("journey.consent.yes", *SCREENING):
        replies = await press(journey, replies, key)
    return replies


async def test_photo_tips_move_a_flag_audited_as_the_patient_not_an_answer(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    replies = await press(journey, await to_tips(journey, invite), "journey.prepare.next")
    assert replies[0].text == texts("journey.prepare.steps")[1], "the second tip is shown"
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.PREPARATION and case.prep_step == 1
    flags = [e for e in await store.audit.for_case(case.id) if e.kind == "case.flags"]
    assert [(e.actor, json.loads(e.detail)) for e in flags] == [
        ("patient", {"read_backs": 1}), ("patient", {"dob_checked": 1}),
        ("patient", {"prep_step": 1})], (
        "the date of birth read back, then confirmed, then the tip")
    assert set(await store.answers.for_case(case.id)) == {
        "consent", "screen.is_rash", "screen.red_flags", "screen.site", "screen.areas"}


async def test_who_answers_is_set_on_the_case_when_it_opens_not_saved_as_an_answer(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    replies = await journey.start(USER, USER, await invite(child_dob(9)))
    assert replies[-1].text == text("journey.identity.ask_parent"), "the parent is asked"
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.consent_by == "parent" and case.is_child
    assert await store.answers.for_case(case.id) == {}
    opened = [e for e in await store.audit.for_case(case.id) if e.kind == "case.opened"]
    assert json.loads(opened[0].detail)["consent_by"] == "parent"


async def test_replacing_a_photo_at_the_review_sets_then_clears_the_return_flag(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    replies = await to_tips(journey, invite)
    for _ in texts("journey.prepare.steps")[1:]:
        replies = await press(journey, replies, "journey.prepare.next")
    await press(journey, replies, "journey.prepare.ready")
    for shot in (b"locator", b"close-up one", b"close-up two"):
        await send(journey, shot, USER)
    replies = await journey.typed(USER, "left forearm")
    replies = await press(journey, replies, "journey.details.duration_weeks")
    replies = await press(journey, replies, "journey.details.symptoms_itchy")
    replies = await journey.typed(USER, "E45 cream")
    replies = await press(journey, replies, "journey.review.replace")
    replies = await press(journey, replies, "journey.review.replace_close_up_1")
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.CLOSE_UP_1 and case.return_to_review
    replies = await send(journey, b"close-up one again", USER)
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.REVIEW and not case.return_to_review
    assert text("journey.review.send") in buttons(replies), "straight back to the review"
    flags = [(e.actor, json.loads(e.detail)) for e in await store.audit.for_case(case.id)
             if e.kind == "case.flags"]
    assert ("patient", {"return_to_review": 1}) in flags
    assert ("patient", {"return_to_review": 0}) in flags
    assert not [q for q in await store.answers.for_case(case.id) if q.startswith("flow.")]
