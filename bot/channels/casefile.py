"""The case as a record channel sends it: the GP's digest and the referral pack PDF."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.content import text
from bot.delivery.referral_pack import PackPhoto, PackSummary, build_referral_pack
from bot.inbox.digest import CaseDigest, build_digest
from bot.store import Store
from bot.store.models import Case


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything a record channel sends about one submission of a case."""

    digest: CaseDigest
    pdf: bytes
    submission: int
    nhs_number: str | None = None
    """Given by staff at invite time where the practice delivers by MESH; erased with the case."""
    date_of_birth: str | None = None
    """YYYY-MM-DD, from the invite (for the MESH bundle's patient)."""

    @property
    def pack_name(self) -> str:
        """The referral pack's file name, with its version after a re-submission."""
        return text("inbox.gp.pack_name", reference=self.digest.case.reference,
                    version=pack_version(self.submission))


def pack_version(submission: int) -> str:
    """The file name's version suffix: "" for a first submission, else "-v2", "-v3"..."""
    return f"-v{submission}" if submission > 1 else ""


async def pack_pdf(digest: CaseDigest, limit_bytes: int) -> bytes:
    """The referral pack of this submission (the same for every channel): its version and what
    is new, and every photo page labelled (at most `limit_bytes`; ValueError if the photos
    cannot fit)."""
    ref = digest.case.reference
    summary = PackSummary(
        case_reference=ref, practice_name=digest.practice.name,
        patient_ref=digest.patient_ref, age_text=digest.age_text,
        submitted_on=digest.submitted_on, answers=digest.answers, flags=digest.flags,
        version=digest.version, new_shots=digest.new_shots)
    photos = [PackPhoto(
        shot.label + (text("referral.photo.new", version=digest.version) if shot.new else ""),
        shot.jpeg,
        text("inbox.gp.flag_line", shot=shot.label, notes=shot.note) if shot.note else None,
        text("referral.photo.details", site=digest.body_site, taken=shot.taken_on,
             patient_ref=digest.patient_ref, reference=ref))
        for shot in digest.photos]
    return await asyncio.to_thread(build_referral_pack, summary, photos, limit_bytes=limit_bytes)


async def case_file(store: Store, case: Case, submission: int, pack_limit: int) -> CaseFile:
    """Build the digest and the referral pack (at most `pack_limit` bytes; ValueError if the
    photos cannot fit) of a submitted case."""
    digest = await build_digest(store, case)
    pdf = await pack_pdf(digest, pack_limit)
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    return CaseFile(digest, pdf, submission,
                    nhs_number=invite.nhs_number if invite else None,
                    date_of_birth=(invite.date_of_birth or None) if invite else None)
