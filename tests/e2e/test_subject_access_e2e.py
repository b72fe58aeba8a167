"""A subject access request: the host runs `python -m bot case export` for the practice and gets
one zip of everything the bot holds about the patient (answers, photos as kept, the referral
pack, the audit trail), found by the case reference or the practice's own reference; nothing of
another practice's; an erased case, whose date of birth is gone, is not copied; the export is
audited."""

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
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    details_and_review,
    first_line,
    give_date_of_birth,
    send_three,
    tap,
    to_photos,
    words,
)
from tests.auxil.e2e.practice import all_sent, make_team, typed_and_sent

App = Application[Any, Any, Any, Any, Any, Any]
WHERE, TRIED = "inside the right elbow", "Quokka balm from the chemist"
BORN = "1980-02-03"
"""The date of birth `typed_and_sent` invites its patient with, as the practice's record has it."""


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
                        "--dob", BORN, "--out", str(refused)) == 2
    assert not refused.exists(), "nothing of another practice's case is written"
    capsys.readouterr()

    out = tmp_path / "sar.zip"
    assert await export("--practice", str(team.practice.id), "--reference", "ref-numbat",
                        "--dob", BORN, "--out", str(out)) == 0
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
                        "--dob", BORN, "--out", str(out)) == 2, "never over an earlier copy"
    assert len([e for e in await store.audit.for_case(case.id) if e.kind == "case.exported"]) \
        == 1, "a copy refused is not audited as made"

    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"), first_line("journey.commands.deleted"))
    await all_sent(app, case)
    capsys.readouterr()
    after = tmp_path / "after.zip"
    for born in (BORN, "1999-09-09"):  # the date of birth is gone: it cannot be checked
        assert await export("--practice", str(team.practice.id), "--reference",
                            case.reference, "--dob", born, "--out", str(after)) == 2
        assert not after.exists(), "an erased request is not copied, whatever the date"
        assert "error:" in capsys.readouterr().out


def everything_in(path: Path) -> str:
    """Every file of the zip, as text (photos and the pack as Latin-1), joined."""
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(n).decode("latin-1") for n in archive.namelist())


async def test_one_reference_given_to_two_patients_gives_only_the_patient_of_that_birth_date(
    app: App, emu: Emulator, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    """The practice gave the same reference to two patients (a typo, a family reference):
    the copy asks the date of birth and holds only that patient's request; a wrong date of
    birth is said kindly and nothing is written or audited (hazard log H57)."""
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)
    team = await make_team(app, emu)
    store = services_of(app).store
    ada = await typed_and_sent(app, team, emu.user("Ada"), "REF-SHARED", WHERE, TRIED)
    _, token = await store.invites.create(team.practice.id, "REF-SHARED", "1975-06-07",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    bob = emu.user("Bob")
    await to_photos(bob, token, "07/06/1975")
    await send_three(bob)
    await details_and_review(bob, "QXZ behind Bob's knee", "QXZ Bob's ointment")
    await tap(bob, text("journey.review.send"), first_line("journey.receipt.text"))
    bobs = await store.cases.current_for_patient(bob.id)
    assert bobs is not None and bobs.stage is Stage.SUBMITTED
    capsys.readouterr()

    out = tmp_path / "ada.zip"
    assert await export("--practice", str(team.practice.id), "--reference", "REF-SHARED",
                        "--dob", BORN, "--out", str(out)) == 0
    said = capsys.readouterr().out
    assert ada.reference in said and bobs.reference not in said
    held = everything_in(out)
    assert ada.reference in held and WHERE in held
    assert bobs.reference not in held and "QXZ" not in held and str(bob.id) not in held, \
        "nothing of the other patient with the same reference"

    for reference in ("REF-SHARED", bobs.reference):
        wrong = tmp_path / f"wrong-{reference}.zip"
        assert await export("--practice", str(team.practice.id), "--reference", reference,
                            "--dob", "1990-01-01", "--out", str(wrong)) == 2
        assert "1990-01-01" in capsys.readouterr().out, "the date of birth is said not to match"
        assert not wrong.exists(), "with a wrong date of birth nothing is written"
    assert not [e for e in await store.audit.for_case(bobs.id) if e.kind == "case.exported"]


async def test_someone_else_who_opened_the_patients_link_is_left_out_of_the_copy(
    app: App, emu: Emulator, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    """The patient's link was forwarded: someone else opened it first and was locked out after
    three wrong dates of birth; the practice sent the patient a new link, and they sent their
    request. The copy holds only the patient's request: the other account is counted in the
    README, never named by its Telegram ids (hazard log H56)."""
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)
    team = await make_team(app, emu)
    store = services_of(app).store
    invite, token = await store.invites.create(team.practice.id, "REF-FORWARDED", BORN,
                                               valid_days=7, gp_member_id=team.gp_member.id)
    stranger = emu.user("Mallory")
    await stranger.open_deep_link(token)
    await stranger.wait_for_text(first_line("journey.identity.ask"))
    for wrong in ("01/01/1970", "02/01/1970"):
        await give_date_of_birth(stranger, wrong, first_line("journey.identity.wrong"))
    await give_date_of_birth(stranger, "03/01/1970", first_line("journey.identity.locked"))
    theirs = await store.cases.current_for_patient(stranger.id)
    assert theirs is not None
    renewed = await store.invites.renew_locked(invite.id, valid_days=7, actor="staff")
    assert renewed is not None
    patient = emu.user("Ada")
    await to_photos(patient, renewed[1])
    await send_three(patient)
    await details_and_review(patient, WHERE, TRIED)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    capsys.readouterr()

    out = tmp_path / "sar.zip"
    assert await export("--practice", str(team.practice.id), "--reference", "REF-FORWARDED",
                        "--dob", BORN, "--out", str(out)) == 0
    said = capsys.readouterr().out
    assert case.reference in said and theirs.reference not in said
    held = everything_in(out)
    assert str(patient.id) in held, "the patient's own Telegram id is theirs to have"
    assert str(stranger.id) not in held and theirs.reference not in held, \
        "the other account is never named"
    with zipfile.ZipFile(out) as archive:
        readme = archive.read("README.txt").decode()
    assert text("export.readme.left_out", count=1) in readme, "only counted"

    alone = tmp_path / "theirs.zip"
    assert await export("--practice", str(team.practice.id), "--reference", theirs.reference,
                        "--dob", BORN, "--out", str(alone)) == 2
    assert not alone.exists(), "their request by its own reference gives nothing either"
