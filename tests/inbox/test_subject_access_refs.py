"""Which cases a subject access copy takes (`python -m bot case export`): one patient's, never
a crowd of other patients' found by the placeholder that erased references become."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from bot.services import erasure
from bot.services.subject_access import NothingToExport, OnlyOthers, export_cases
from bot.store import Store
from bot.store.models import Case, Flags, Outgoing, Stage
from tests.auxil.inbox import Setting, submitted_case

BORN = date(1980, 2, 3)
"""The date of birth `submitted_case` gives its patient."""


async def confirmed(store: Store, setting: Setting) -> Case:
    """A submitted case whose patient confirmed their date of birth, as the journey notes it
    (`Case.dob_checked`): the patient's own, for the export."""
    case = await submitted_case(store, setting)
    return await store.cases.set_flags(case, Flags(dob_checked=True), actor="patient")


async def test_the_erased_reference_placeholder_finds_no_patient(
    store: Store, setting: Setting, tmp_path: Path
) -> None:
    """A case erased by retention (or a practice's /stop) loses its practice reference to
    "(erased)", the same for every such case: asking for that reference must not bundle the
    stubs (Telegram ids, audit trails) of every patient erased into one patient's copy."""
    first = await confirmed(store, setting)
    second = await confirmed(store, setting)
    for case in (first, second):
        await erasure.erase(store, case, Stage.ERASED, actor="retention", reason="retention")

    out = tmp_path / "crowd.zip"
    with pytest.raises(NothingToExport):
        await export_cases(store, setting.practice.id, "(erased)", BORN, out)
    assert not out.exists(), "nothing is written"

    one = tmp_path / "one.zip"
    done = await export_cases(store, setting.practice.id, second.reference, BORN, one)
    assert done.references == (second.reference,), "a stub is still found by its case reference"
    with zipfile.ZipFile(one) as archive:
        stub = json.loads(archive.read(f"{second.reference}/case.json"))
    assert stub["erased_at"] and stub["case_reference"] == second.reference


async def test_a_request_the_practice_stopped_as_the_wrong_person_is_left_out_and_counted(
    store: Store, setting: Setting, tmp_path: Path
) -> None:
    """Someone who knew the patient's date of birth opened their link and sent a request; the
    practice stopped it with /stop (the link reached the wrong person) and the patient sent
    their own. That person's request, with their Telegram ids, is not in the patient's copy:
    only counted (hazard log H56)."""
    wrong = await confirmed(store, setting)
    await store.cases.stop_by_practice(wrong, actor="member:1", tell=Outgoing(
        5, "patient.text", {"text": "stopped"}, "stopped"))
    with pytest.raises(OnlyOthers) as only:
        await export_cases(store, setting.practice.id, "P-9", BORN, tmp_path / "none.zip")
    assert only.value.count == 1 and not (tmp_path / "none.zip").exists()

    own = await confirmed(store, setting)
    out = tmp_path / "own.zip"
    done = await export_cases(store, setting.practice.id, "P-9", BORN, out)
    assert done.references == (own.reference,) and done.left_out == 1
    with zipfile.ZipFile(out) as archive:
        assert not [n for n in archive.namelist() if n.startswith(wrong.reference)]
