"""Which cases a subject access copy takes (`python -m bot case export`): one patient's, never
a crowd of other patients' found by the placeholder that erased references become."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from bot.services import erasure
from bot.services.subject_access import NothingToExport, export_cases
from bot.store import Store
from bot.store.models import Stage
from tests.auxil.inbox import Setting, submitted_case


async def test_the_erased_reference_placeholder_finds_no_patient(
    store: Store, setting: Setting, tmp_path: Path
) -> None:
    """A case erased by retention (or a practice's /stop) loses its practice reference to
    "(erased)", the same for every such case: asking for that reference must not bundle the
    stubs (Telegram ids, audit trails) of every patient erased into one patient's copy."""
    first = await submitted_case(store, setting)
    second = await submitted_case(store, setting)
    for case in (first, second):
        await erasure.erase(store, case, Stage.ERASED, actor="retention", reason="retention")

    out = tmp_path / "crowd.zip"
    with pytest.raises(NothingToExport):
        await export_cases(store, setting.practice.id, "(erased)", out)
    assert not out.exists(), "nothing is written"

    one = tmp_path / "one.zip"
    done = await export_cases(store, setting.practice.id, second.reference, one)
    assert done.references == (second.reference,), "a stub is still found by its case reference"
    with zipfile.ZipFile(one) as archive:
        stub = json.loads(archive.read(f"{second.reference}/case.json"))
    assert stub["erased_at"] and stub["case_reference"] == second.reference
