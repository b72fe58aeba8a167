"""A parent of a toddler is not made to "ask the child", end to end through the emulator (an
information governance lead's finding: a 2-year-old cannot agree, and the record said the
child agreed). Under "ask the child" the parent can say the child is too young to understand
(`journey.consent.child_too_young`); the request carries on as after "Yes, they agree", and
the GP's summary says the child was not asked (`inbox.gp.consent_child_too_young`; hazard log
H19)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.domain.questions import worded
from bot.emulator import Emulator
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
    tap,
    to_consent,
)
from tests.auxil.e2e.practice import make_team

App = Application[Any, Any, Any, Any, Any, Any]


async def test_a_parent_of_a_toddler_says_they_are_too_young_and_the_gp_reads_that(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    born = child_birthday(2)
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "TODDLER", born.isoformat(), valid_days=7,
        gp_member_id=team.gp_member.id)
    parent = emu.user("Toddler's mum")
    await to_consent(parent, token, born.strftime("%d/%m/%Y"))
    await parent_agrees(parent)
    asked = parent.last_message
    assert asked is not None
    too_young = text("journey.consent.child_too_young")
    assert [too_young] in asked.buttons, "a button of its own, under yes and no"
    assert [text("journey.consent.child_yes"), text("journey.consent.child_no")] in asked.buttons
    assert too_young in (asked.text or ""), "the question says the button is there"

    await tap(parent, too_young, worded("journey.screening.is_rash.question", parent=True))
    expects = ("red_flags", "site", "areas", "eczema")
    for label, expect in zip(SCREENING, expects, strict=True):
        await tap(parent, label, worded(f"journey.screening.{expect}.question", parent=True))
    await read_the_tips(parent, text("journey.screening.eczema.no"), parent=True)
    store = services_of(app).store
    case = await store.cases.current_for_patient(parent.id)
    assert case is not None and case.stage is Stage.LOCATOR, "carries on as after a yes"
    await send_three(parent)
    await details_and_review(parent, parent=True)
    await tap(parent, worded("journey.review.send", parent=True), case.reference)

    summary = (await team.gp.wait_for_text(case.reference, timeout=20)).text or ""
    assert text("inbox.gp.consent_child_too_young") in summary
    assert text("inbox.gp.consent_child_yes") not in summary, "never says the child agreed"
    assert first_line("inbox.gp.consent_parent").split("{")[0] in summary
