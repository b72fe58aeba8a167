"""MESH: a submitted case reaches the practice's MESH mailbox in NHS England's mesh-sandbox as a
GP Connect Send Document message, exactly once, through 5xx replies and a restart."""

from __future__ import annotations

import asyncio
import base64
import io
import json
from collections.abc import AsyncIterator
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.STU3.binary import Binary
from fhir.resources.STU3.bundle import Bundle
from fhir.resources.STU3.messageheader import MessageHeader
from fhir.resources.STU3.patient import Patient
from mesh_client import MeshClient
from pypdf import PdfReader
from telegram.ext import Application

from bot.channels.fhir_bundle import WORKFLOW_ID
from bot.channels.nhs_number import spaced
from bot.config import Settings
from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.store.practices import DeliveryChannels
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.mesh_sandbox import (
    NHS_NUMBER,
    PASSWORD,
    RECIPIENT,
    SENDER,
    SHARED_KEY,
    MeshSandbox,
    inbox,
    mesh_sandbox,
    mesh_settings,
)
from tests.auxil.e2e.patient import (
    details_and_review,
    first_line,
    send_three,
    tap,
    to_photos,
    words,
)
from tests.auxil.e2e.practice import Team, all_sent, make_team

App = Application[Any, Any, Any, Any, Any, Any]
@pytest.fixture
async def mesh() -> AsyncIterator[MeshSandbox]:
    async with mesh_sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def bot_settings(data_dir: Path, emu: Emulator, mesh: MeshSandbox) -> Settings:
    """The bot, with its own MESH mailbox in the sandbox (reached through the relay)."""
    return mesh_settings(data_dir, emu, mesh)


async def mesh_team(app: App, emu: Emulator) -> Team:
    team = await make_team(app, emu)
    await services_of(app).store.practices.set_channels(
        team.practice.id, DeliveryChannels(("telegram", "mesh"), True, None, RECIPIENT,
                                           "Y12345"), actor="test")
    return team


async def submit(app: App, emu: Emulator, team: Team) -> TelegramUser:
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "P-300", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id,
        nhs_number=NHS_NUMBER)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    return patient


async def arrived(mesh: MeshSandbox, timeout: float = 40.0) -> list[str]:  # noqa: ASYNC109
    for _ in range(int(timeout / 0.2)):
        found = await asyncio.to_thread(inbox, mesh)
        if found:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError("nothing reached the practice's MESH mailbox")


def receive(mesh: MeshSandbox, message_id: str) -> tuple[bytes, dict[str, str]]:
    """Download the message as the practice's system would, and acknowledge it."""
    with MeshClient(mesh.url, RECIPIENT, PASSWORD, shared_key=SHARED_KEY.encode(),
                    max_retries=0) as client:
        message = client.retrieve_message(message_id)
        body = message.read()
        headers = dict(message.mex_headers())
        message.acknowledge()
        return body, headers


async def test_the_case_reaches_the_mesh_mailbox_once_after_two_5xx_replies(
    app: App, emu: Emulator, mesh: MeshSandbox
) -> None:
    team = await mesh_team(app, emu)
    mesh.relay.fail_sends = 2
    patient = await submit(app, emu, team)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    notice = await team.gp.wait_for_text(case.reference, timeout=20)
    assert text("channels.gp.where_mesh") in (notice.text or "")
    ids = await arrived(mesh)
    await all_sent(app, case)
    await asyncio.sleep(0.5)
    assert len(await asyncio.to_thread(inbox, mesh)) == 1, "delivered exactly once"
    assert mesh.relay.sends_seen == 3 and len(mesh.relay.refused) == 2

    body, headers = await asyncio.to_thread(receive, mesh, ids[0])
    assert headers["workflowid"] == WORKFLOW_ID and headers["from"] == SENDER
    assert headers["localid"].startswith(f"{case.reference}-s1-o")
    bundle = Bundle.model_validate_json(body)
    assert bundle.type == "message"
    header = bundle.entry[0].resource
    assert isinstance(header, MessageHeader) and header.event.code == "ITK007C"
    assert header.source.endpoint == SENDER and header.receiver is None
    document = bundle.entry[2].resource
    assert isinstance(document, Bundle) and document.type == "document"
    inside = {type(e.resource).__name__: e.resource for e in document.entry}
    patient_resource, binary = inside["Patient"], inside["Binary"]
    assert isinstance(patient_resource, Patient) and isinstance(binary, Binary)
    assert patient_resource.identifier[0].value == NHS_NUMBER
    assert str(patient_resource.birthDate) == "1980-02-03"
    pdf = binary.content  # fhir.resources decodes base64Binary to bytes
    assert isinstance(pdf, bytes)
    assert base64.b64decode(json.loads(body)["entry"][2]["resource"]["entry"][5]["resource"][
        "content"]) == pdf
    events = await services_of(app).store.audit.for_case(case.id)
    delivered = [json.loads(e.detail) for e in events if e.kind == "case.delivered"]
    assert [d["channel"] for d in delivered] == ["mesh"]
    assert sha256(pdf).hexdigest() == delivered[0]["pack_sha256"], "the pack, byte for byte"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert case.reference in pages[0]
    assert "P-300" in pages[0]
    # filed by the Patient resource above; the pack names the patient on every page too, so
    # a page saved or printed apart from the message still matches the record (hazard log H62)
    for page in pages:
        assert spaced(NHS_NUMBER) in page and "3 February 1980" in page
    assert await asyncio.to_thread(inbox, mesh) == [], "acknowledged: gone from the inbox"


async def test_a_restart_between_submitted_and_delivered_still_delivers_once(
    start_bot: BotStarter, emu: Emulator, mesh: MeshSandbox
) -> None:
    mesh.relay.fail_sends = 100
    async with start_bot() as first:
        team = await mesh_team(first, emu)
        patient = await submit(first, emu, team)
        for _ in range(100):
            if mesh.relay.sends_seen:
                break
            await asyncio.sleep(0.1)
        assert mesh.relay.sends_seen >= 1
    mesh.relay.fail_sends = 0
    async with start_bot() as second:
        case = await services_of(second).store.cases.current_for_patient(patient.id)
        assert case is not None
        await arrived(mesh)
        await all_sent(second, case)
    assert len(await asyncio.to_thread(inbox, mesh)) == 1


async def test_staff_give_the_nhs_number_with_the_invite_and_it_is_checked(
    app: App, emu: Emulator
) -> None:
    team = await mesh_team(app, emu)
    await team.staff.send_command("/invite", "P-9 03/02/1980")
    await team.staff.wait_for_text(text("channels.staff.invite_needs_nhs_number").split("<")[0])
    await team.staff.send_text("P-9 03/02/1980 943 476 5918")
    await team.staff.wait_for_text(words("channels.staff.invite_bad_nhs_number"))
    await team.staff.send_text("P-9 03/02/1980 943 476 5919")
    await team.staff.wait_for_text(words("inbox.staff.invite_made"))
    invites = await services_of(app).store.invites.for_practice(team.practice.id)
    assert [(i.patient_ref, i.nhs_number) for i in invites] == [("P-9", NHS_NUMBER)]
