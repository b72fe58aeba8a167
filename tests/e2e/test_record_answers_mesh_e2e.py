"""Whether a case sent by MESH reached the GP record: the bot reads its own mailbox in NHS
England's mesh-sandbox. The practice's system answers as a GP system does (ITK Responses on
workflow GPFED_CONSULT_REPORT_ACK), and the sandbox's admin API makes MESH's non-delivery
report; staff see "filed in the GP record" in /invites, or an alert that the case is not in
the record, once, even after a kill -9 between recording the answer and acknowledging it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from telegram.ext import Application

from bot.channels import record_answers
from bot.config import Settings
from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.store import open_store
from bot.store.practices import DeliveryChannels
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.held_process import bot_process, query, wait_until_ready
from tests.auxil.e2e.mesh_sandbox import (
    NHS_NUMBER,
    OTHER,
    PASSWORD,
    RECIPIENT,
    SENDER,
    SHARED_KEY,
    MeshSandbox,
    answer,
    bot_mailbox,
    header_of_arrived,
    inbox,
    mailbox_client,
    mesh_sandbox,
    mesh_settings,
    read_by_the_bot,
)
from tests.auxil.e2e.patient import details_and_review, first_line, send_three, tap, to_photos
from tests.auxil.e2e.practice import Team, ask_new_photos, make_team, retake, send_again

App = Application[Any, Any, Any, Any, Any, Any]
EVERY_MINUTES = 0.01
"""The bot reads its MESH inbox every 0.6 s here (5 minutes by default)."""


@pytest.fixture
async def mesh() -> AsyncIterator[MeshSandbox]:
    async with mesh_sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def bot_settings(data_dir: Path, emu: Emulator, mesh: MeshSandbox) -> Settings:
    return mesh_settings(data_dir, emu, mesh, mesh_inbox_every_minutes=EVERY_MINUTES)


async def arrived(mesh: MeshSandbox) -> None:
    for _ in range(200):
        if await asyncio.to_thread(inbox, mesh):
            return
        await asyncio.sleep(0.2)
    raise AssertionError("nothing reached the practice's MESH mailbox")


async def mesh_team(app: App, emu: Emulator) -> Team:
    team = await make_team(app, emu)
    await services_of(app).store.practices.set_channels(
        team.practice.id, DeliveryChannels(("telegram", "mesh"), True, None, RECIPIENT,
                                           "Y12345"), actor="test")
    return team


async def submit(app: App, emu: Emulator, team: Team, mesh: MeshSandbox) -> str:
    """A patient sends a case; it reaches the practice's MESH mailbox. Its reference."""
    reference, _ = await sent_by_patient(app, emu, team, mesh)
    return reference


async def sent_by_patient(app: App, emu: Emulator, team: Team, mesh: MeshSandbox
                          ) -> tuple[str, TelegramUser]:
    """As `submit`: the case's reference and the patient who sent it."""
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "P-300", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id,
        nhs_number=NHS_NUMBER)
    patient = emu.user("Ada")
    await send_case(patient, token)
    await arrived(mesh)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    return case.reference, patient


async def gp_only_mesh_practice(data_dir: Path, gp: TelegramUser) -> str:
    """For a bot process: a practice delivering by MESH whose only member is its GP (who
    hears its alerts), and an invite with an NHS number; the invite's token."""
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:
        practice = await store.practices.add(
            "The Lawson Practice", "020 7729 7236", channels=DeliveryChannels(
                ("telegram", "mesh"), True, None, RECIPIENT, "Y12345"))
        member = await store.practices.add_member(practice.id, gp.id, "gp", "Dr Gee")
        _, token = await store.invites.create(practice.id, "P-800", "1980-02-03",
                                              valid_days=7, gp_member_id=member.id,
                                              nhs_number=NHS_NUMBER)
    finally:
        await store.close()
    return token


def use_mesh(monkeypatch: pytest.MonkeyPatch, sandbox: MeshSandbox) -> None:
    """A bot process started after this sends and reads by MESH in `sandbox`."""
    for name, value in {"MESH_URL": sandbox.url, "MESH_MAILBOX": SENDER,
                        "MESH_PASSWORD": PASSWORD, "MESH_SHARED_KEY": SHARED_KEY,
                        "MESH_SENDER_ODS": "X26",
                        "MESH_INBOX_EVERY_MINUTES": str(EVERY_MINUTES)}.items():
        monkeypatch.setenv(name, value)


async def send_case(patient: TelegramUser, token: str) -> None:
    """The patient opens the invite and sends a case, to the receipt."""
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))


async def invites_list(staff: TelegramUser) -> str:
    await staff.send_command("/invites")
    shown = await staff.wait_for_text(text("inbox.staff.group_submitted"))
    return shown.text or ""


def alerts(person: TelegramUser, reference: str) -> list[str]:
    return [m.text or "" for m in person.messages
            if reference in (m.text or "") and (m.text or "").startswith("⚠️")]


async def test_positive_acknowledgements_show_the_case_filed_in_the_gp_record(
    app: App, emu: Emulator, mesh: MeshSandbox
) -> None:
    team = await mesh_team(app, emu)
    reference = await submit(app, emu, team, mesh)
    sent = await asyncio.to_thread(header_of_arrived, mesh)
    answer(mesh, sent, "20013")  # received by the GP system, not yet filed
    await read_by_the_bot(mesh)
    assert text("inbox.staff.filed_note") not in await invites_list(team.staff)
    answer(mesh, sent, "30001")  # the patient is known: filed in the record
    await read_by_the_bot(mesh)
    listed = await invites_list(team.staff)
    row = next(line for line in listed.splitlines() if "P-300" in line)
    assert text("inbox.staff.filed_note") in row
    assert alerts(team.staff, reference) == [] and alerts(team.gp, reference) == []


async def test_a_refusal_tells_staff_the_case_is_not_in_the_record_and_why(
    app: App, emu: Emulator, mesh: MeshSandbox
) -> None:
    team = await mesh_team(app, emu)
    reference = await submit(app, emu, team, mesh)
    sent = await asyncio.to_thread(header_of_arrived, mesh)
    answer(mesh, sent, "20013", "30002")  # received, then: patient not known here
    told = await team.staff.wait_for_text(text(
        "channels.staff.record_rejected", reference=reference,
        reason=text("channels.record_reason.not_known", code="30002")), timeout=30)
    assert told.text is not None and "30002" in told.text
    await read_by_the_bot(mesh)
    assert text("inbox.staff.filed_note") not in await invites_list(team.staff)
    assert len(alerts(team.staff, reference)) == 1


async def test_a_refusal_of_a_version_the_gp_replaced_says_which_and_that_a_newer_went(
    app: App, emu: Emulator, mesh: MeshSandbox
) -> None:
    """The GP asked for a new close-up and the new version went by MESH; then the practice's
    system refuses the first version: staff are told it was version 1 and that a newer one was
    sent after it, never that the case is not in the GP record."""
    team = await mesh_team(app, emu)
    reference, patient = await sent_by_patient(app, emu, team, mesh)
    first = await asyncio.to_thread(header_of_arrived, mesh)
    await team.gp.wait_until(lambda: any(m.buttons for m in team.gp.messages), timeout=20)
    await ask_new_photos(team.gp, reference, "close_up_1")
    await retake(patient, "close_up_1")
    await send_again(patient)
    await arrived(mesh)  # version 2 waits in the practice's mailbox

    answer(mesh, first, "30002")  # late: version 1's patient not known here
    reason = text("channels.record_reason.not_known", code="30002")
    await team.staff.wait_for_text(text("channels.staff.record_rejected_older",
                                        reference=reference, version=1, reason=reason),
                                   timeout=30)
    assert text("channels.staff.record_rejected", reference=reference,
                reason=reason) not in alerts(team.staff, reference)


async def test_mesh_non_delivery_tells_staff_the_case_is_not_in_the_record(
    app: App, emu: Emulator, mesh: MeshSandbox
) -> None:
    team = await mesh_team(app, emu)
    reference = await submit(app, emu, team, mesh)
    (mesh_id,) = await asyncio.to_thread(inbox, mesh)  # never collected by the practice
    local = (await services_of(app).store.outbox.sent_by_mesh())[0]
    assert local.mesh_message_id == mesh_id
    # MESH's report, as the sandbox's admin API makes it (status 14: not collected in time)
    made = await asyncio.to_thread(
        requests.post, f"{mesh.url}/messageexchange/admin/report",
        json={"mailbox_id": SENDER, "code": "14", "description": "not collected",
              "workflow_id": "GPFED_CONSULT_REPORT", "linked_message_id": mesh_id,
              "local_id": f"{reference}-s1-o{local.outbox_id}"}, timeout=10)
    assert made.status_code == 200
    told = await team.staff.wait_for_text(text(
        "channels.staff.record_undelivered", reference=reference,
        reason=text("channels.record_reason.not_collected", code="14")), timeout=30)
    assert told.text is not None
    await read_by_the_bot(mesh)


async def test_a_case_nothing_came_back_about_in_a_day_is_told_to_staff_once(
    app: App, emu: Emulator, mesh: MeshSandbox
) -> None:
    """A clinical system that never confirms receipt (switched off, not collecting, not
    answering): a day after MESH took the case staff are told it may not be in the GP record,
    once; a case the system confirmed is not."""
    team = await mesh_team(app, emu)
    reference = await submit(app, emu, team, mesh)
    answers = services_of(app).record_answers
    assert answers is not None
    for _ in range(150):  # the message is in the mailbox; wait until the bot has noted it sent
        if await services_of(app).store.outbox.sent_by_mesh():
            break
        await asyncio.sleep(0.2)
    assert await answers.chase_unanswered() == 0, "not before a day has passed"
    tomorrow = datetime.now(UTC) + timedelta(hours=25)
    assert await answers.chase_unanswered(now=tomorrow) == 1
    told = await team.staff.wait_for_text(text(
        "channels.staff.record_unanswered", reference=reference, hours=24), timeout=30)
    assert told.text is not None
    assert await answers.chase_unanswered(now=tomorrow + timedelta(days=1)) == 0, "once"
    assert len(alerts(team.staff, reference)) == 1


async def test_while_the_bot_cannot_read_its_inbox_nobody_is_blamed_for_not_answering(
    app: App, emu: Emulator, mesh: MeshSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MESH refuses the bot its own inbox for a while (down, or its password changed) and
    the practice's system has answered meanwhile: staff are not told nothing came back about
    the case, since the answer is there unread; once the bot reads it the case is received."""
    monkeypatch.setattr(record_answers, "UNANSWERED_HOURS", 0)  # a day, passed at once
    team = await mesh_team(app, emu)
    mesh.relay.fail_inbox = True
    reference = await submit(app, emu, team, mesh)
    answer(mesh, await asyncio.to_thread(header_of_arrived, mesh), "20013")
    for _ in range(150):  # until the bot has tried 5 times (every 0.6 s)
        if mesh.relay.inbox_refused >= 5:
            break
        await asyncio.sleep(0.2)
    assert mesh.relay.inbox_refused >= 5
    assert alerts(team.staff, reference) == []
    mesh.relay.fail_inbox = False
    await read_by_the_bot(mesh)
    case_id = (await services_of(app).store.outbox.sent_by_mesh())[0].case_id
    kinds = [e.kind for e in await services_of(app).store.audit.for_case(case_id)]
    assert "case.record_received" in kinds and "case.record_unanswered" not in kinds
    await asyncio.sleep(1.5)  # two more reads and chases
    assert alerts(team.staff, reference) == []


async def test_a_message_mesh_cannot_give_the_bot_does_not_hold_up_the_others(
    app: App, emu: Emulator, mesh: MeshSandbox
) -> None:
    """One message in the bot's inbox that MESH fails to hand over (every time): the
    practice's answers behind it are read all the same, and it is left in MESH."""
    team = await mesh_team(app, emu)
    with mailbox_client(mesh, RECIPIENT) as practice:
        practice.send_message(SENDER, b"a discharge summary", workflow_id="TOC_FHIR_IP_DISCH")
    (stuck,) = await asyncio.to_thread(bot_mailbox, mesh)
    mesh.relay.fail_reads.add(stuck)
    await submit(app, emu, team, mesh)
    answer(mesh, await asyncio.to_thread(header_of_arrived, mesh), "30001")
    for _ in range(150):
        if await asyncio.to_thread(bot_mailbox, mesh) == [stuck]:
            break
        await asyncio.sleep(0.2)
    row = next(line for line in (await invites_list(team.staff)).splitlines()
               if "P-300" in line)
    assert text("inbox.staff.filed_note") in row
    assert await asyncio.to_thread(bot_mailbox, mesh) == [stuck]


async def test_a_case_the_clinical_system_confirmed_is_not_chased(
    app: App, emu: Emulator, mesh: MeshSandbox
) -> None:
    team = await mesh_team(app, emu)
    reference = await submit(app, emu, team, mesh)
    answer(mesh, await asyncio.to_thread(header_of_arrived, mesh), "20013")
    await read_by_the_bot(mesh)
    answers = services_of(app).record_answers
    assert answers is not None
    assert await answers.chase_unanswered(now=datetime.now(UTC) + timedelta(days=2)) == 0
    assert alerts(team.staff, reference) == []


async def test_an_unrelated_message_is_acknowledged_and_changes_nothing(
    app: App, emu: Emulator, mesh: MeshSandbox
) -> None:
    team = await mesh_team(app, emu)
    reference = await submit(app, emu, team, mesh)
    with mailbox_client(mesh, RECIPIENT) as practice:
        practice.send_message(SENDER, b"a discharge summary", workflow_id="TOC_FHIR_IP_DISCH")
    answer(mesh, "00000000-0000-4000-8000-000000000000", "30002")  # answers nothing sent
    await read_by_the_bot(mesh)
    case_events = await services_of(app).store.audit.for_case(
        (await services_of(app).store.outbox.sent_by_mesh())[0].case_id)
    assert [e.kind for e in case_events if e.kind.startswith("case.record_")] == []
    assert alerts(team.staff, reference) == []
    assert text("inbox.staff.filed_note") not in await invites_list(team.staff)


async def test_an_answer_from_another_mailbox_changes_nothing(
    app: App, emu: Emulator, mesh: MeshSandbox
) -> None:
    """Another organisation's system (another practice's, or anyone with a MESH mailbox) that
    answers the case's message, knowing its id, neither files the case in the practice's
    record in /invites nor alerts its staff: only the mailbox the case went to is heard."""
    team = await mesh_team(app, emu)
    reference = await submit(app, emu, team, mesh)
    sent = await asyncio.to_thread(header_of_arrived, mesh)
    answer(mesh, sent, "30001", mailbox=OTHER)  # "filed", by a system that never had it
    answer(mesh, sent, "30002", mailbox=OTHER)  # "patient not known", likewise
    await read_by_the_bot(mesh)
    case_id = (await services_of(app).store.outbox.sent_by_mesh())[0].case_id
    case_events = await services_of(app).store.audit.for_case(case_id)
    assert [e.kind for e in case_events if e.kind.startswith("case.record_")] == []
    assert text("inbox.staff.filed_note") not in await invites_list(team.staff)
    assert alerts(team.staff, reference) == [] and alerts(team.gp, reference) == []
    answer(mesh, sent, "30001")  # the practice's own system: filed
    await read_by_the_bot(mesh)
    row = next(line for line in (await invites_list(team.staff)).splitlines()
               if "P-300" in line)
    assert text("inbox.staff.filed_note") in row


async def test_killed_after_recording_a_refusal_staff_are_told_once(
    emu: Emulator, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with mesh_sandbox() as sandbox:
        use_mesh(monkeypatch, sandbox)
        gp, patient = emu.user("Gee"), emu.user("Ada")
        token = await gp_only_mesh_practice(data_dir, gp)
        async with bot_process(emu, data_dir, hold_at="record.answer_recorded") as bot:
            await wait_until_ready(gp)
            await send_case(patient, token)
            await arrived(sandbox)
            answer(sandbox, await asyncio.to_thread(header_of_arrived, sandbox), "30003")
            await bot.held_at("record.answer_recorded", timeout=60)
            await bot.kill_9()
        assert len(await asyncio.to_thread(bot_mailbox, sandbox)) == 1, "not yet acknowledged"
        (reference,) = query(data_dir, "SELECT reference FROM cases")[0]
        words = text("channels.staff.record_rejected", reference=reference,
                     reason=text("channels.record_reason.no_longer_here", code="30003"))
        async with bot_process(emu, data_dir):
            await read_by_the_bot(sandbox)
            await gp.wait_for_text(words, timeout=30)  # the practice's only member hears it
        assert len([m for m in gp.messages if m.text == words]) == 1, "told once"
        assert query(data_dir, "SELECT COUNT(*) FROM events "
                               "WHERE kind = 'case.record_rejected'") == [(1,)]


async def test_a_refusal_read_before_the_send_was_recorded_still_tells_staff(
    emu: Emulator, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The practice's system answers so fast that its refusal is in the bot's MESH inbox
    before the bot has written down MESH's id for the case (here: killed -9 in between, the
    inbox read meanwhile): the refusal is still the case's, and staff are told why, not lost
    as "about no case" (and only a day later a vaguer alert)."""
    async with mesh_sandbox() as sandbox:
        use_mesh(monkeypatch, sandbox)
        gp, patient = emu.user("Gee"), emu.user("Ada")
        token = await gp_only_mesh_practice(data_dir, gp)
        async with bot_process(emu, data_dir, hold_at="record.sent") as bot:
            await wait_until_ready(gp)
            await send_case(patient, token)
            await bot.held_at("record.sent", timeout=60)  # MESH has it; the bot not yet noted
            answer(sandbox, await asyncio.to_thread(header_of_arrived, sandbox), "30002")
            await read_by_the_bot(sandbox)  # read while the send is not yet recorded
            await bot.kill_9()
        (reference,) = query(data_dir, "SELECT reference FROM cases")[0]
        words = text("channels.staff.record_rejected", reference=reference,
                     reason=text("channels.record_reason.not_known", code="30002"))
        async with bot_process(emu, data_dir):
            await gp.wait_for_text(words, timeout=30)
        assert len([m for m in gp.messages if m.text == words]) == 1, "told once"
