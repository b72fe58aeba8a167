"""A second link opened while the same patient has a request open, through the real bot: the
patient is told and chooses (carry on with that request, or start the new one, for another
area); nothing is lost, and staff's /invites says truly where each link is (words by key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import first_line, to_consent
from tests.auxil.e2e.practice import Team, make_team

App = Application[Any, Any, Any, Any, Any, Any]
OPEN_ALREADY = first_line("journey.invite.open_already")
CARRY_ON, START_NEW = text("journey.invite.carry_on"), text("journey.invite.start_new")


async def two_links(app: App, emu: Emulator) -> tuple[Team, TelegramUser, str]:
    """Ann, at the consent question of her first request, opens a second link staff made for
    her (the same reference, P-1, and date of birth): asked first."""
    team = await make_team(app, emu)
    store = services_of(app).store
    _, first = await store.invites.create(team.practice.id, "P-1", "1980-02-03", valid_days=7)
    _, second = await store.invites.create(team.practice.id, "P-1", "1980-02-03", valid_days=7)
    patient = emu.user("Ann")
    await to_consent(patient, first)
    await patient.open_deep_link(second)
    asked = await patient.wait_for_text(OPEN_ALREADY, timeout=10)
    assert asked.buttons == [[CARRY_ON], [START_NEW]]
    return team, patient, second


async def invites_list(staff: TelegramUser) -> str:
    await staff.send_command("/invites")
    listed = await staff.wait_for_text(text("inbox.staff.group_in_progress"), timeout=10)
    return listed.text or ""


async def test_carry_on_resumes_the_open_request_and_staff_see_the_second_link_opened(
    app: App, emu: Emulator
) -> None:
    team, patient, _ = await two_links(app, emu)
    store = services_of(app).store
    assert len(await store.cases.for_patient(patient.id)) == 1, "nothing started yet"
    await patient.tap(CARRY_ON)
    yes = text("journey.consent.yes")
    await patient.wait_for(lambda m: any(yes in row for row in m.buttons), timeout=10)
    listed = await invites_list(team.staff)
    opened = text("inbox.staff.group_opened")
    assert f"{opened}</b> (1)" in listed or f"{opened} (1)" in listed, listed
    after_opened = listed.split(opened, 1)[1]
    assert "P-1" in after_opened.split("\n\n")[0], listed
    assert text("inbox.staff.group_not_opened") not in listed, "no link is said unopened"
    cases = await store.cases.for_patient(patient.id)
    assert [c.stage for c in cases] == [Stage.CONSENT], "the first request is as it was"


async def test_start_new_starts_the_second_request_and_keeps_the_first(
    app: App, emu: Emulator
) -> None:
    team, patient, _ = await two_links(app, emu)
    await patient.tap(START_NEW)
    await patient.wait_for_text(first_line("journey.identity.ask"), timeout=10)
    store = services_of(app).store
    cases = await store.cases.for_patient(patient.id)
    assert sorted(c.stage for c in cases) == sorted([Stage.CONSENT, Stage.IDENTITY])
    listed = await invites_list(team.staff)
    assert text("inbox.staff.group_not_opened") not in listed
    assert text("inbox.staff.group_opened") not in listed
    assert f"{text('inbox.staff.group_in_progress')}</b> (2)" in listed or (
        f"{text('inbox.staff.group_in_progress')} (2)" in listed), listed


async def test_a_childs_link_opened_by_a_parent_with_their_own_request_open_starts_at_once(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    _, own = await store.invites.create(team.practice.id, "P-1", "1980-02-03", valid_days=7)
    _, child = await store.invites.create(team.practice.id, "C-1", "2019-02-03", valid_days=7)
    parent = emu.user("Pat")
    await to_consent(parent, own)
    before = len(parent.messages)
    await parent.open_deep_link(child)
    await parent.wait_for_text(first_line("journey.identity.ask_parent"), timeout=10)
    assert not any(OPEN_ALREADY in (m.text or "") for m in parent.messages[before:])
