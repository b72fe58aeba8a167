"""The GP's summary and referral pack of a submission: built once, then read (issue 14, item 5).

Every delivery of a submission (the Telegram album, summary or notice and pack, "Open" from
/inbox, the e-mail and MESH channels, and every retry of each) reads the same summary and the
same PDF (the record channels their own copy of it, which adds the NHS number and date of
birth), kept in the store (`submission_files`) keyed by case and submission: the summary is
built at the first delivery that needs it, the pack at the first that sends it. Both are
deleted with the case's photos and answers when it is erased (`CaseRepository.erase`), and a
re-submission builds new ones.

Each build is logged ("summary built", "referral pack built", "record pack built": case id,
submission, ms, bytes; no personal data), which is what `benchmarks/submission_work.py` counts.
"""

from __future__ import annotations

import asyncio
import logging
import time

from bot.content import text
from bot.delivery.referral_pack import PackIdentity, PackPhoto, PackSummary, build_referral_pack
from bot.domain.questions import worded
from bot.inbox.digest import CaseDigest, CaseSummary, build_summary, with_photos
from bot.store import Store
from bot.store.models import Case

log = logging.getLogger("bot.delivery")


async def summary_of(store: Store, case: Case) -> CaseSummary:
    """The summary of the case's current submission: kept, or built now and kept."""
    number = max(case.submissions, 1)
    kept = await store.submission_files.get(case.id, number)
    if kept is not None:
        return CaseSummary.from_json(kept.summary)
    started = time.perf_counter()
    summary = await build_summary(store, case)
    await store.submission_files.keep_summary(case.id, number, summary.to_json())
    log.info("summary built", extra={"case_id": case.id, "submission": number,
                                     "ms": round((time.perf_counter() - started) * 1000)})
    return summary


async def digest_of(store: Store, case: Case) -> CaseDigest:
    """The kept summary with its photos read (once each): for the album and the e-mail."""
    return await with_photos(store, case, await summary_of(store, case))


async def pack_pdf(digest: CaseDigest, limit_bytes: int, *, for_record: bool = False) -> bytes:
    """Build the referral pack of this submission (the same for every channel): its version
    and what is new, and every photo page labelled (at most `limit_bytes`; ValueError if the
    photos cannot fit). Takes about 0.5-1 s for three 12 MP photos (`benchmarks/`).

    The copy for the GP's Telegram chat names the patient by the practice's reference and age
    only. The copy for the record channels (`for_record`: NHSmail, MESH, which carry the NHS
    number and date of birth in their own message too) adds them on page 1 and at the foot of
    every page, so a pack saved, printed or attached alone can be matched to its patient
    (hazard log H62)."""
    ref = digest.case.reference
    parent = digest.case.consent_by == "parent"
    summary = PackSummary(
        case_reference=ref, practice_name=digest.practice.name,
        patient_ref=digest.patient_ref, age_text=digest.age_text,
        submitted_on=digest.submitted_on, answers=digest.answers, flags=digest.flags,
        version=digest.version, new_shots=digest.new_shots,
        by_parent=parent, earlier=digest.earlier,
        consent=digest.consent,
        identity=PackIdentity(digest.nhs_number, digest.date_of_birth) if for_record else None)
    photos = [PackPhoto(
        shot.label + (text("referral.photo.new", version=digest.version) if shot.new else ""),
        shot.jpeg,
        text("inbox.gp.flag_line", shot=shot.label, notes=shot.note) if shot.note else None,
        worded("referral.photo.details", parent=parent, site=digest.body_site, taken=shot.taken_on,
             patient_ref=digest.patient_ref, reference=ref))
        for shot in digest.photos]
    return await asyncio.to_thread(build_referral_pack, summary, photos, limit_bytes=limit_bytes)


async def pack_of(store: Store, case: Case, limit_bytes: int,
                  digest: CaseDigest | None = None, *, for_record: bool = False) -> bytes:
    """The referral pack of the case's current submission at this size limit: kept, or built
    now (from `digest` if the caller has the photos already) and kept. `for_record`: the
    record channels' copy (with the NHS number and date of birth, `pack_pdf`), kept beside the
    GP chat's. ValueError if the photos cannot fit in `limit_bytes`."""
    number = max(case.submissions, 1)
    kept = await store.submission_files.get(case.id, number)
    if kept is not None:
        pdf, limit = ((kept.record_pack, kept.record_pack_limit) if for_record
                      else (kept.pack, kept.pack_limit))
        if pdf is not None and limit == limit_bytes:
            return pdf
    started = time.perf_counter()
    digest = digest or await digest_of(store, case)
    built = await pack_pdf(digest, limit_bytes, for_record=for_record)
    await store.submission_files.keep_pack(case.id, number, built, limit_bytes,
                                           for_record=for_record)
    log.info("record pack built" if for_record else "referral pack built",
             extra={"case_id": case.id, "submission": number,
                    "ms": round((time.perf_counter() - started) * 1000), "bytes": len(built)})
    return built


async def record_pack_of(store: Store, case: Case, limit_bytes: int,
                         digest: CaseDigest | None = None) -> bytes:
    """The record channels' copy of the referral pack (`pack_of` with `for_record`)."""
    return await pack_of(store, case, limit_bytes, digest, for_record=True)
