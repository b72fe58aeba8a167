"""The running bot (`python -m bot run`) keeps its data private: every file and folder under
DATA_DIR is 0600/0700 even under umask 000, and at LOG_LEVEL=DEBUG no name, username, date
of birth (in any of the ways the bot writes one), NHS number, answer, patient reference or
invite token reaches the log, from the staff's /invite to the case's delivery by Telegram,
NHSmail and MESH."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import pytest

from bot.content import text
from bot.emulator import Emulator
from bot.store import open_store
from bot.store.practices import DeliveryChannels
from tests.auxil.e2e.bot_app import TOKEN, sample
from tests.auxil.e2e.held_process import bot_process, wait_until_ready
from tests.auxil.e2e.mesh_sandbox import (
    RECIPIENT,
    MeshSandbox,
    answer,
    header_of_arrived,
    inbox,
    read_by_the_bot,
)
from tests.auxil.e2e.patient import answer_details, first_line, send_three, tap, to_photos, words
from tests.auxil.e2e.practice import LINK
from tests.auxil.e2e.smtp_server import SmtpServer
from tests.auxil.processes import umask

WHERE, TRIED = "behind the left kneecap", "Zorbulon paste from the market"
NHS_NUMBER = "943 476 5919"
"""A valid NHS number (modulus 11), as staff type it at /invite for a practice on MESH."""
BORN = ("03/02/1980", "3/2/1980", "1980-02-03", "3 February 1980", "03 February 1980",
        "3 Feb 1980", "03-02-1980", "03.02.1980", "19800203")
"""The date of birth as staff and the patient type it, as the bot says it back and prints it
(the NHSmail body, the GP's record), as FHIR and the store write it, and other usual ways."""
MAILBOX = "lawson.practice@nhs.test"


def modes(root: Path) -> dict[Path, int]:
    """The permission bits of a folder and of everything under it."""
    return {p: stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}


async def practice_with(data_dir: Path, staff_id: int, gp_id: int,
                        channels: DeliveryChannels | None = None) -> None:
    """The Lawson Practice with one member of staff and one GP, in the bot's database
    (delivering by `channels`, by default Telegram alone)."""
    store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
    try:
        practice = await store.practices.add("The Lawson Practice", "020 7729 7236",
                                             channels=channels or DeliveryChannels())
        await store.practices.add_member(practice.id, staff_id, "staff", "Sue Smith")
        await store.practices.add_member(practice.id, gp_id, "gp", "Dr Gee")
    finally:
        await store.close()


async def test_every_file_and_folder_the_running_bot_makes_is_private_under_umask_000(
    emu: Emulator, data_dir: Path
) -> None:
    staff, gp, patient = emu.user("Sue"), emu.user("Gee"), emu.user("Ada")
    with umask(0):
        await practice_with(data_dir, staff.id, gp.id)
    async with bot_process(emu, data_dir, umask=0):
        await wait_until_ready(staff)
        await staff.send_command("/invite", "P-500 03/02/1980")
        made = await staff.wait_for_text(first_line("inbox.staff.invite_made").split("(")[0])
        link = LINK.search(made.text or "")
        assert link is not None
        await to_photos(patient, link.group(2))
        await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
        await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=30)
        found = modes(data_dir)
    names = {p.name for p in found}
    assert {"telederm.sqlite3", "telederm.sqlite3-wal", "telederm.sqlite3-shm",
            "photos"} <= names
    assert any(p.suffix == ".jpg" for p in found), "a photo file was written"
    loose = {str(p): oct(mode) for p, mode in found.items()
             if mode != (0o700 if p.is_dir() else 0o600)}
    assert loose == {}


async def test_at_debug_level_the_log_holds_no_names_dates_of_birth_answers_or_tokens(
    emu: Emulator, data_dir: Path, tmp_path: Path, process_smtp: SmtpServer,
    process_mesh: MeshSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MESH_INBOX_EVERY_MINUTES", "0.01")  # reads its MESH inbox at once
    staff = emu.user("Sueellen", last_name="Fairweather", username="sue_front_desk")
    gp = emu.user("Gee")
    patient = emu.user("Zebedee", last_name="Quartermaine", username="zeb_q_handle")
    await practice_with(data_dir, staff.id, gp.id, DeliveryChannels(
        ("telegram", "email", "mesh"), False, MAILBOX, RECIPIENT, "Y12345"))
    log = tmp_path / "bot.log"
    async with bot_process(emu, data_dir, log_level="DEBUG", log_to=log):
        await wait_until_ready(staff)
        await wait_until_ready(gp)
        await staff.send_command("/invite")
        await staff.wait_for_text(first_line("channels.staff.invite_ask_nhs_number"))
        await staff.send_text(f"REF-QUOKKA 03/02/1980 {NHS_NUMBER}")
        made = await staff.wait_for_text(first_line("inbox.staff.invite_made").split("(")[0])
        link = LINK.search(made.text or "")
        assert link is not None
        token = link.group(2)
        await to_photos(patient, token)
        await send_three(patient)
        await answer_details(patient, WHERE, TRIED)
        review = await patient.wait_for_text(first_line("journey.review.intro"), timeout=10)
        assert review.buttons, "check the photos, the answers and Send, in one message"
        await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
        summary = await gp.wait_for_text(first_line("inbox.gp.summary"), timeout=30)
        assert "REF-QUOKKA" in (summary.text or "") and TRIED in (summary.text or "")
        for _ in range(600):  # the NHSmail email and the MESH message are sent too
            if process_smtp.mailbox.received and await asyncio.to_thread(inbox, process_mesh):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the case did not reach NHSmail and MESH")
        body = process_smtp.mailbox.messages()[0].get_body(("plain",))
        assert body is not None
        said = body.get_content()
        assert NHS_NUMBER in said and "3 February 1980" in said, (
            "the record copy carries them, so the log was given its chance to")
        # the GP system refuses the case, its free text naming the patient: staff are told
        # the case is not in the record, and the log gets none of that text
        answering = await asyncio.to_thread(header_of_arrived, process_mesh)
        await asyncio.to_thread(answer, process_mesh, answering, "30002", diagnostics=(
            f"Zebedee Quartermaine {NHS_NUMBER} born 03/02/1980 not known here"))
        told = await staff.wait_for_text(words("channels.staff.record_rejected"), timeout=30)
        assert "Zebedee" not in (told.text or "") and "30002" in (told.text or "")
        await read_by_the_bot(process_mesh)
        await patient.send_command("/delete")
        await patient.wait_for_text(words("journey.delete.one"))
        await tap(patient, text("journey.commands.delete_yes"),
                  text("journey.commands.deleted").split("\n")[0])
    written = log.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in written.splitlines() if line.startswith("{")]
    assert any(e["level"] == "DEBUG" and e["logger"].startswith("telegram") for e in lines), \
        "python-telegram-bot's DEBUG records are in the log"
    assert any(e.get("event") == "case.erased" for e in lines), "the bot's own events are too"
    delivered = {e["detail"]["channel"] for e in lines if e.get("event") == "case.delivered"}
    assert {"email", "mesh"} <= delivered, "the record channels' records are in the log"
    digits = NHS_NUMBER.replace(" ", "")
    for secret in ("Zebedee", "Quartermaine", "zeb_q_handle", "Sueellen", "Fairweather",
                   "sue_front_desk", "REF-QUOKKA", *BORN, NHS_NUMBER, digits,
                   f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", WHERE, TRIED, token, TOKEN):
        assert secret not in written, secret
