"""A copy of what the bot holds about a patient, for the practice to answer a subject access
request (UK GDPR Article 15) or to file by hand: the practice is the controller and answers
the request; the bot's host runs `python -m bot case export` for it.

One zip file holds, for each of the practice's cases matching the reference asked for (the case
reference "TD-…", or the practice's own patient reference, which may have several cases):
`<case>/case.json` (the case's dates, stage, decision, who consented, the invite's date of
birth and NHS number where still held, the Telegram user and chat ids, every answer as stored,
every photo's shot, status and quality checks, and the audit trail), `<case>/photos/` (each
photo file still on disk, as kept: upright, no metadata), `<case>/summary.json` and the referral
pack PDF of the latest submission, where built. `README.txt` says what the files are
(`export.readme`).

Nothing of another practice's cases is ever included: a reference that is not the practice's
gives `NothingToExport`. A reference names a patient only with their date of birth: one
reference may have been given to two patients, or be shared, so only the cases whose invite has
the date of birth given are taken, and with a wrong date nothing is written
(`WrongDateOfBirth`; hazard log H57). A case erased since (its invite's date of birth is gone)
can no longer be checked, so it is never taken, not even by its own case reference: a case
reference is printed on the referral pack, in emails and in GP chats, and its stub holds the
Telegram ids of whoever used the link. Asking for it gives `WrongDateOfBirth`, whatever date is
given, just as a wrong date does for a case still held, so the refusal does not say which
requests were erased.

A request that was started from the patient's link by someone else is not the patient's data:
one whose holder never confirmed the date of birth (`Case.dob_checked`: the link forwarded or
guessed, then abandoned or locked after wrong dates) or that the practice stopped because the
link reached the wrong person (`case.stopped_by_practice`). Its Telegram ids are that other
person's, so it is left out and only counted in `README.txt` (`export.readme.left_out`),
never named (hazard log H56).

The export is audited per case (`case.exported`, actor "cli", with the number of files; no
personal data). The zip is written 0600 and never over an existing file.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from bot.content import text
from bot.inbox.gp_messages import pack_version
from bot.store import Store
from bot.store.models import Case
from bot.store.photo_files import PhotoFileMissing


class NothingToExport(LookupError):
    """No case of the practice matches the reference (or the practice does not exist)."""


class WrongDateOfBirth(NothingToExport):
    """Cases of the practice match the reference, but none is of a patient born on the date
    given (an erased case, whose date of birth is gone, never is): nothing is written."""


class OnlyOthers(NothingToExport):
    """The patient's cases matching the reference were all started by someone else from their
    link (`_by_someone_else`); `count` of them. Nothing is written."""

    def __init__(self, reference: str, count: int) -> None:
        super().__init__(reference)
        self.count = count


@dataclasses.dataclass(frozen=True, slots=True)
class Exported:
    """What went into the zip: the case references, how many files in all, and how many
    requests started from the patient's links by someone else were left out."""

    references: tuple[str, ...]
    files: int
    left_out: int = 0


async def export_cases(store: Store, practice_id: int, reference: str, date_of_birth: date,
                       out: Path) -> Exported:
    """Write the zip for `reference` (a case reference, or the practice's patient reference)
    of the patient born on `date_of_birth` to `out`, a path that must not exist yet
    (FileExistsError). NothingToExport if no case of practice `practice_id` matches;
    WrongDateOfBirth if cases match but none of a patient born that day; OnlyOthers if all
    of that patient's were started by someone else. Blocking file writes are small (a
    case's photos and pack, a few MB), so this runs on the caller's loop: it is a
    command-line verb."""
    wanted = reference.strip()
    matching = await _matching(store, practice_id, wanted)
    if not matching:
        raise NothingToExport(reference)
    theirs = [case for case in matching
              if await _born_on(store, case, date_of_birth)]
    if not theirs:
        raise WrongDateOfBirth(reference)
    cases = [case for case in theirs if not await _by_someone_else(store, case)]
    left_out = len(theirs) - len(cases)
    if not cases:
        raise OnlyOthers(reference, left_out)
    buffer = io.BytesIO()
    written: list[int] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        readme = text("export.readme.text", reference=wanted,
                      cases=", ".join(c.reference for c in cases))
        if left_out:
            readme += "\n\n" + text("export.readme.left_out", count=left_out)
        archive.writestr("README.txt", readme)
        for case in cases:
            written.append(await _one_case(store, case, archive))
    # a name in use is refused before anything is audited; each case is audited once the copy
    # is written, and a copy whose writing or audit fails is removed: a zip exists only if
    # its export is on the audit trail
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(buffer.getvalue())
        for case, count in zip(cases, written, strict=True):
            await store.audit.record("case.exported", actor="cli", case_id=case.id,
                                     practice_id=case.practice_id, detail={"files": count})
    except BaseException:
        os.unlink(out)
        raise
    return Exported(tuple(c.reference for c in cases), sum(written) + 1, left_out)


async def _born_on(store: Store, case: Case, born: date) -> bool:
    """Whether the case is of the patient born on `born`: its invite holds that date of birth
    (ISO, as `InviteRepository.create` stores it). A case whose date of birth is gone (erased)
    cannot be checked, so it never counts, even named by its own case reference (hazard log
    H57)."""
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    held = invite.date_of_birth if invite is not None else ""
    return bool(held) and held == born.isoformat()


async def _by_someone_else(store: Store, case: Case) -> bool:
    """Whether the case was started from the patient's link by someone not shown to be the
    patient: its holder never confirmed the date of birth (`Case.dob_checked`), or the practice
    stopped it because the link reached the wrong person (`case.stopped_by_practice`)."""
    if not case.dob_checked:
        return True
    return any(event.kind == "case.stopped_by_practice"
               for event in await store.audit.for_case(case.id))


ERASED_REFERENCE = "(erased)"
"""What an invite's patient reference becomes once its case is erased by retention or a
practice's stop (`CaseRepository.erase`, `scrub_erased_references`): the same for every such
patient, so never a patient reference to match."""


async def _matching(store: Store, practice_id: int, reference: str) -> list[Case]:
    """The practice's cases whose case reference, or whose invite's patient reference, is
    `reference` (case-insensitive), oldest first; `ERASED_REFERENCE` and a blank reference
    name no patient."""
    found = []
    by_patient = reference.casefold() not in ("", ERASED_REFERENCE)
    for case in reversed(await store.cases.all_for_practice(practice_id)):
        if case.reference.casefold() == reference.casefold():
            found.append(case)
            continue
        invite = await store.invites.get(case.invite_id) if case.invite_id else None
        if by_patient and invite is not None and (
                invite.patient_ref.casefold() == reference.casefold()):
            found.append(case)
    return found


async def _one_case(store: Store, case: Case, archive: zipfile.ZipFile) -> int:
    """Add one case's files under its reference; the number of files added."""
    folder = case.reference
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    photos = await store.photos.for_case(case.id)
    added = 0
    photo_rows: list[dict[str, Any]] = []
    for photo in photos:
        row: dict[str, Any] = {
            "shot": photo.shot, "attempt": photo.attempt, "received_at": photo.created_at,
            "status": photo.status, "verdict": photo.verdict, "sent_anyway": photo.sent_anyway,
            "width": photo.width, "height": photo.height,
            "checks": json.loads(photo.quality) if photo.quality else None, "file": None}
        if not case.erased_at and photo.file_name:
            try:
                data = store.files.read(photo.file_name)
            except PhotoFileMissing:
                data = None
            if data is not None:
                name = f"photos/{photo.id:05d}-{photo.shot}-{photo.status}.jpg"
                archive.writestr(f"{folder}/{name}", data)
                row["file"] = name
                added += 1
        photo_rows.append(row)
    record = {
        "case_reference": case.reference,
        "practice_reference": invite.patient_ref if invite else None,
        "date_of_birth": (invite.date_of_birth or None) if invite else None,
        "nhs_number": invite.nhs_number if invite else None,
        "telegram_user_id": case.patient_user_id,
        "telegram_chat_id": case.patient_chat_id,
        "consent_by": case.consent_by,
        "child": case.is_child,
        "stage": case.stage.value,
        "created_at": case.created_at,
        "submitted_at": case.submitted_at,
        "decided_at": case.decided_at,
        "decision": case.decision,
        "decision_note": case.decision_note,
        "ubrn": case.ubrn,
        "erased_at": case.erased_at,
        "erased_by": case.erased_by,
        "answers": await store.answers.for_case(case.id),
        "photos": photo_rows,
        "events": [{"at": e.created_at, "event": e.kind, "by": e.actor,
                    "detail": json.loads(e.detail) if e.detail else None}
                   for e in await store.audit.for_case(case.id)],
    }
    archive.writestr(f"{folder}/case.json", json.dumps(record, indent=2, ensure_ascii=False))
    added += 1
    kept = await store.submission_files.get(case.id, max(case.submissions, 1))
    if kept is not None:
        archive.writestr(f"{folder}/summary.json", kept.summary)
        added += 1
        if kept.pack is not None:
            name = text("inbox.gp.pack_name", reference=case.reference,
                        version=pack_version(kept.submission))
            archive.writestr(f"{folder}/{name}", kept.pack)
            added += 1
    return added
