"""A subject access request: the host runs `python -m bot case export` for the practice and gets
one zip of everything the bot holds about the patient (answers, photos as kept, the referral
pack, the audit trail), found by the case reference or the practice's own reference; nothing of
another practice's; an erased case gives only its stub; the export is audited."""

from __future__ import annotations

import asyncio
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.__main__ import main
from bot.content import text
from bot.emulator import Emulator
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import first_line, tap, words
from tests.auxil.e2e.practice import all_sent, make_team, typed_and_sent

App = Application[Any, Any, Any, Any, Any, Any]
WHERE, TRIED = "inside the right elbow", "Quokka balm from the chemist"


async def export(*args: str) -> int:
    """Run the command line as the host would (in a thread: it has its own event loop)."""
    return await asyncio.to_thread(main, ["case", "export", *args])


async def test_the_practice_gets_a_copy_of_everything_held_about_the_patient(
    app: App, emu: Emulator, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)
    team = await make_team(app, emu)
    patient = emu.user("Ada")
    case = await typed_and_sent(app, team, patient, "REF-NUMBAT", WHERE, TRIED)
    await team.gp.wait_for_text(text("inbox.gp.pack_caption").split("{")[0], timeout=20)
    store = services_of(app).store
    other = await store.practices.add("Other Surgery", "020 7000 0000")

    refused = tmp_path / "other.zip"
    assert await export("--practice", str(other.id), "--reference", case.reference,
                        "--out", str(refused)) == 2
    assert not refused.exists(), "nothing of another practice's case is written"
    capsys.readouterr()

    out = tmp_path / "sar.zip"
    assert await export("--practice", str(team.practice.id), "--reference", "ref-numbat",
                        "--out", str(out)) == 0
    assert case.reference in capsys.readouterr().out
    assert out.stat().st_mode & 0o077 == 0, "health data: readable by its owner only"
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        record = json.loads(archive.read(f"{case.reference}/case.json"))
        kept = {p.shot: p for p in (await store.photos.accepted(case.id)).values()}
        for shot, photo in kept.items():
            row = next(r for r in record["photos"] if r["shot"] == shot
                       and r["status"] == "accepted")
            assert archive.read(f"{case.reference}/{row['file']}") == store.files.read(
                photo.file_name), "each photo as the bot keeps it"
            assert row["checks"], "with its quality checks"
        pack = [n for n in names if n.endswith(".pdf")]
        assert len(pack) == 1 and archive.read(pack[0]).startswith(b"%PDF")
        readme = archive.read("README.txt").decode()
    assert len(kept) == 3
    assert WHERE in record["answers"].values() and TRIED in record["answers"].values()
    assert record["date_of_birth"] == "1980-02-03"
    assert record["practice_reference"] == "REF-NUMBAT"
    assert record["telegram_user_id"] == patient.id
    moves = [e["detail"]["to"] for e in record["events"] if e["event"] == "case.stage"]
    assert moves[-1] == "submitted", "the audit trail, up to sending"
    assert readme.startswith(text("export.readme.text", reference="ref-numbat",
                                  cases=case.reference).splitlines()[0])
    exported = [e for e in await store.audit.for_case(case.id) if e.kind == "case.exported"]
    assert len(exported) == 1 and "NUMBAT" not in exported[0].detail
    assert await export("--practice", str(team.practice.id), "--reference", case.reference,
                        "--out", str(out)) == 2, "never over an earlier copy"

    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"), first_line("journey.commands.deleted"))
    await all_sent(app, case)
    after = tmp_path / "after.zip"
    assert await export("--practice", str(team.practice.id), "--reference", case.reference,
                        "--out", str(after)) == 0
    with zipfile.ZipFile(after) as archive:
        assert not [n for n in archive.namelist() if n.endswith((".jpg", ".pdf"))]
        stub = json.loads(archive.read(f"{case.reference}/case.json"))
    assert stub["erased_at"] and stub["answers"] == {} and stub["date_of_birth"] is None
    assert all(row["file"] is None for row in stub["photos"])
    assert WHERE not in json.dumps(stub) and TRIED not in json.dumps(stub)
