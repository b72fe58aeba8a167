"""A case waiting for a GP who leaves the practice reaches the practice's other GPs, through the
real bot, the emulator and the operator's command line (unreached-outcome audit, audit31;
hazard log H40).

A case can be sent to one GP, chosen when the invite was made. Removing that GP
(`python -m bot member remove`, the leaver step) takes away their access: until this version
the case, already in their chat, then waited for a decision nobody could make, and nobody else
heard of it until the "waiting too long" alert days later. Every expected text is read from
bot/content by key.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.__main__ import main
from bot.content import text
from bot.emulator import Emulator
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import first_line, words
from tests.auxil.e2e.practice import make_team, refer, second_gp, submit

App = Application[Any, Any, Any, Any, Any, Any]


async def operator_removes(monkeypatch: pytest.MonkeyPatch, data_dir: Path, practice_id: int,
                           telegram_user_id: int) -> None:
    """The operator runs `python -m bot member remove` on the bot's host while it runs."""
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.chdir(data_dir)
    done = await asyncio.to_thread(main, ["member", "remove", "--practice", str(practice_id),
                                          "--telegram-user-id", str(telegram_user_id)])
    assert done == 0


async def test_a_case_waiting_for_a_gp_who_leaves_goes_to_the_other_gp_and_staff_are_told(
    app: App, emu: Emulator, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    store = services_of(app).store
    team = await make_team(app, emu)
    other = await second_gp(app, emu, team)
    patient = await submit(app, emu, team)  # sent to Dr Gee, chosen at the invite
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    assert not [m for m in other.messages if case.reference in (m.text or "")]

    await operator_removes(monkeypatch, data_dir, team.practice.id, team.gp.id)

    await other.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)
    await other.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    await team.staff.wait_for_text(text("inbox.staff.redirected_alert",
                                        reference=case.reference), timeout=10)
    await refer(other)
    await other.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)
    assert (await store.cases.get(case.id)).decision == "referred"  # type: ignore[union-attr]


async def test_a_case_the_leaver_already_decided_is_not_sent_again(
    app: App, emu: Emulator, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    """A GP who leaves after deciding the case: it waits for no GP, so nothing is sent again
    and staff are not told it moved."""
    store = services_of(app).store
    team = await make_team(app, emu)
    other = await second_gp(app, emu, team)
    patient = await submit(app, emu, team)
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    await refer(team.gp)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    await team.gp.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)

    await operator_removes(monkeypatch, data_dir, team.practice.id, team.gp.id)
    # whatever the removal queues is in the outbox once the command has returned
    queued = await store.outbox.for_case(case.id)
    assert not [i for i in queued if i.chat_id == other.id], "the case is not sent again"
    assert not [i for i in queued if i.kind == "staff.alert" and "redirected" in i.dedupe_key]


async def test_a_removal_stopped_before_the_cases_moved_moves_them_when_run_again(
    app: App, emu: Emulator, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    """`member remove` stopped (killed) just after taking the GP out of the practice, before
    their waiting case was sent on: running it again finds no such member, yet still sends the
    case to the other GP and tells staff, so it never waits for nobody."""
    store = services_of(app).store
    team = await make_team(app, emu)
    other = await second_gp(app, emu, team)
    patient = await submit(app, emu, team)
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    # the first run's first transaction, committed; the command died before the second
    assert await store.practices.remove_member(team.practice.id, team.gp.id, actor="cli")

    await operator_removes(monkeypatch, data_dir, team.practice.id, team.gp.id)

    await other.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)
    await team.staff.wait_for_text(text("inbox.staff.redirected_alert",
                                        reference=case.reference), timeout=10)
