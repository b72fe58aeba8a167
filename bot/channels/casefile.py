"""The case as a record channel sends it: the GP's digest and the referral pack PDF."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

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


async def case_file(store: Store, case: Case, submission: int, pack_limit: int) -> CaseFile:
    """Build the digest and the referral pack (at most `pack_limit` bytes; ValueError if the
    photos cannot fit) of a submitted case."""
    digest = await build_digest(store, case)
    summary = PackSummary(
        case_reference=case.reference, practice_name=digest.practice.name,
        patient_ref=digest.patient_ref, age_text=digest.age_text,
        submitted_on=digest.submitted_on, answers=digest.answers, flags=digest.flags)
    photos = [PackPhoto(shot.label, shot.jpeg, shot.note) for shot in digest.photos]
    pdf = await asyncio.to_thread(build_referral_pack, summary, photos, limit_bytes=pack_limit)
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    return CaseFile(digest, pdf, submission,
                    nhs_number=invite.nhs_number if invite else None,
                    date_of_birth=(invite.date_of_birth or None) if invite else None)
