"""Which cases a subject access copy takes (`python -m bot case export`): one patient's, never
a crowd of other patients' found by the placeholder that erased references become."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from bot.services import erasure
from bot.services.subject_access import (
    NothingToExport,
    OnlyOthers,
    WrongDateOfBirth,
    export_cases,
)
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

    for born in (BORN, date(1990, 1, 1)):
        one = tmp_path / f"one-{born.year}.zip"
        with pytest.raises(WrongDateOfBirth):
            await export_cases(store, setting.practice.id, second.reference, born, one)
        assert not one.exists(), "an erased case's date of birth cannot be checked"


async def test_an_erased_case_named_by_its_reference_needs_a_date_of_birth_like_any_other(
    store: Store, setting: Setting, tmp_path: Path
) -> None:
    """A case reference is printed on the referral pack and in GP chats: someone who has one
    must not get the erased stub (the Telegram ids of whoever used the link, the audit trail)
    by giving any date of birth. The refusal is the same as a wrong date for a case still
    held, so it does not say the request was erased (hazard log H57)."""
    erased = await confirmed(store, setting)
    await erasure.erase(store, erased, Stage.ERASED, actor="patient", reason="patient_deleted")
    held = await confirmed(store, setting)
    refusals = []
    for reference in (erased.reference, held.reference):
        with pytest.raises(NothingToExport) as refused:
            await export_cases(store, setting.practice.id, reference, date(1999, 9, 9),
                               tmp_path / f"{reference}.zip")
        refusals.append(type(refused.value))
        assert not (tmp_path / f"{reference}.zip").exists(), "nothing is written"
    assert refusals == [WrongDateOfBirth, WrongDateOfBirth]
    assert not [e for e in await store.audit.for_case(erased.id) if e.kind == "case.exported"]


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
