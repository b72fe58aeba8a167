"""NHS England's MESH sandbox (`mesh-sandbox` from PyPI) run by the tests on 127.0.0.1, and a
small HTTP relay in front of it that can answer the next sends with a 5xx."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web
from mesh_client import MeshClient

from bot.channels.itk_response import ACK_WORKFLOW_ID, response_bundle
from bot.config import Settings
from bot.emulator import Emulator
from tests.auxil.e2e.bot_app import TOKEN
from tests.auxil.e2e.smtp_server import free_port

SHARED_KEY = "TestKey"
SENDER, RECIPIENT, OTHER = "X26ABC1", "X26ABC2", "X26ABC3"
"""Mailboxes the sandbox ships with (its canned data): the bot's, the practice's, and another
organisation's; all have the password "password"."""
PASSWORD = "password"


@dataclass
class Relay:
    """Forwards every request to the sandbox, except that the next `fail_sends` message
    uploads are answered 503 without reaching it; while `fail_inbox`, so is every listing of
    an inbox (`inbox_refused` counts them); and so is every download of a message whose id
    is in `fail_reads`."""

    target: str
    fail_sends: int = 0
    sends_seen: int = 0
    refused: list[str] = field(default_factory=list)
    fail_inbox: bool = False
    inbox_refused: int = 0
    fail_reads: set[str] = field(default_factory=set)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        busy = web.json_response({"errorDescription": "busy"}, status=503)
        if request.method == "POST" and request.path.endswith("/outbox"):
            self.sends_seen += 1
            if self.fail_sends > 0:
                self.fail_sends -= 1
                self.refused.append(request.path)
                return busy
        if request.method == "GET" and request.path.endswith("/inbox") and self.fail_inbox:
            self.inbox_refused += 1
            return busy
        if request.method == "GET" and request.path.rsplit("/", 1)[-1] in self.fail_reads:
            return busy
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in ("host", "content-length", "transfer-encoding")}
        async with ClientSession(auto_decompress=False) as session, session.request(
                request.method, self.target + request.path_qs, headers=headers,
                data=body) as answer:
            payload = await answer.read()
            keep = {k: v for k, v in answer.headers.items()
                    if k.lower() not in ("content-length", "transfer-encoding", "connection")}
            return web.Response(body=payload, status=answer.status, headers=keep)


@dataclass
class MeshSandbox:
    """The running sandbox (`url`) and the relay in front of it (`relay_url`)."""

    url: str
    relay_url: str
    relay: Relay


def _wait_for(port: int, seconds: float = 60.0) -> None:
    for _ in range(int(seconds / 0.1)):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            import time
            time.sleep(0.1)
    raise AssertionError("the MESH sandbox did not start")


@asynccontextmanager
async def mesh_sandbox() -> AsyncIterator[MeshSandbox]:
    """Start `uvicorn mesh_sandbox.api:app` (AUTH_MODE=full: the shared key and passwords are
    checked) and the relay, for the block."""
    port = free_port()
    env = {**os.environ, "AUTH_MODE": "full", "STORE_MODE": "memory", "SHARED_KEY": SHARED_KEY}
    process = subprocess.Popen(  # noqa: ASYNC220 (started once, waited for in a thread)
        [sys.executable, "-m", "uvicorn", "mesh_sandbox.api:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runner: web.AppRunner | None = None
    try:
        await asyncio.to_thread(_wait_for, port)
        url = f"http://127.0.0.1:{port}"
        relay = Relay(url)
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", relay.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        relay_port = free_port()
        await web.TCPSite(runner, "127.0.0.1", relay_port).start()
        yield MeshSandbox(url, f"http://127.0.0.1:{relay_port}", relay)
    finally:
        if runner is not None:
            await runner.cleanup()
        process.terminate()
        await asyncio.to_thread(process.wait, 10)


def mesh_settings(data_dir: Path, emu: Emulator, mesh: MeshSandbox, **more: Any) -> Settings:
    """A bot's settings with its own MESH mailbox (`SENDER`) in this sandbox, reached through
    the relay, sending as ODS code X26; `more` are further settings."""
    return Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_api_url=emu.api_url,
                    telegram_file_url=emu.file_url, data_dir=data_dir, quality_workers=1,
                    mesh_url=mesh.relay_url, mesh_mailbox=SENDER, mesh_password=PASSWORD,
                    mesh_shared_key=SHARED_KEY, mesh_sender_ods="X26", **more)


NHS_NUMBER = "9434765919"
"""The NHS number on the invites of the MESH tests (its check digit is valid)."""


def inbox(mesh: MeshSandbox) -> list[str]:
    """The ids of the messages waiting in the practice's (RECIPIENT's) mailbox."""
    with MeshClient(mesh.url, RECIPIENT, PASSWORD, shared_key=SHARED_KEY.encode(),
                    max_retries=0) as client:
        return list(client.list_messages())


def mailbox_client(mesh: MeshSandbox, mailbox: str) -> MeshClient:
    """mesh-client for one of the sandbox's mailboxes (SENDER: the bot's; RECIPIENT: the
    practice's)."""
    return MeshClient(mesh.url, mailbox, PASSWORD, shared_key=SHARED_KEY.encode(),
                      max_retries=0)


def header_of_arrived(mesh: MeshSandbox) -> str:
    """Download the one case waiting in the practice's mailbox, as its system does,
    acknowledge it, and return the id of its MessageHeader (what an ITK Response answers)."""
    with mailbox_client(mesh, RECIPIENT) as practice:
        (message_id,) = practice.list_messages()
        message = practice.retrieve_message(message_id)
        bundle = json.loads(message.read())
        message.acknowledge()
    header = bundle["entry"][0]["resource"]
    assert header["resourceType"] == "MessageHeader"
    return str(header["id"])


def answer(mesh: MeshSandbox, answering: str, *codes: str, diagnostics: str = "",
           mailbox: str = RECIPIENT) -> None:
    """The practice's clinical system answers the message `answering` (its MessageHeader id)
    with one ITK Response per code, on workflow GPFED_CONSULT_REPORT_ACK; `diagnostics`: free
    text in each OperationOutcome, as a GP system may write it; `mailbox`: the MESH mailbox
    it comes from (another one, OTHER, stands for another practice's system)."""
    with mailbox_client(mesh, mailbox) as practice:
        for code in codes:
            bundle = response_bundle(answering, code, sender_ods="Y12345",
                                     sender_mailbox=mailbox,
                                     timestamp=datetime.now(UTC).isoformat())
            if diagnostics:
                bundle["entry"][1]["resource"]["issue"][0]["diagnostics"] = diagnostics
            practice.send_message(SENDER, json.dumps(bundle).encode(),
                                  workflow_id=ACK_WORKFLOW_ID, local_id=f"ack-{code}")


def bot_mailbox(mesh: MeshSandbox) -> list[str]:
    """The ids of the messages waiting in the bot's (SENDER's) mailbox."""
    with mailbox_client(mesh, SENDER) as bot:
        return list(bot.list_messages())


async def read_by_the_bot(mesh: MeshSandbox) -> None:
    """Until the bot has read and acknowledged everything in its mailbox."""
    for _ in range(300):
        if not await asyncio.to_thread(bot_mailbox, mesh):
            return
        await asyncio.sleep(0.2)
    raise AssertionError("the bot never acknowledged its MESH inbox")
