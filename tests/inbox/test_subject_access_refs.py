"""Which cases a subject access copy takes (`python -m bot case export`): one patient's, never
a crowd of other patients' found by the placeholder that erased references become."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from bot.services import erasure
from bot.services.subject_access import NothingToExport, export_cases
from bot.store import Store
from bot.store.models import Case, Flags, Stage
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
