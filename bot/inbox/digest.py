"""What a GP receives for a case: the labelled photos, a summary, and the referral pack's data."""

from __future__ import annotations

import asyncio
import html
import json
from dataclasses import dataclass
from datetime import date, datetime

from bot.content import text
from bot.inbox.defuse import defuse
from bot.journey.dates import age_on
from bot.journey.questions import Question, detail_questions, screening_questions
from bot.store import Store
from bot.store.models import SHOT_SLOTS, Case, Invite, Photo, Practice, ShotSlot


@dataclass(frozen=True, slots=True)
class ShotForGp:
    """One accepted photo, labelled, with any quality flag."""

    slot: ShotSlot
    label: str
    jpeg: bytes
    note: str | None


@dataclass(frozen=True, slots=True)
class CaseDigest:
    """Everything the GP is sent about one case."""

    case: Case
    practice: Practice
    patient_ref: str
    age_text: str
    submitted_on: str
    photos: tuple[ShotForGp, ...]
    answers: tuple[tuple[str, str], ...]
    flags: tuple[str, ...]
    summary_html: str


def shot_label(slot: ShotSlot) -> str:
    """The GP-facing label of a shot: Locator, Close-up 1, Close-up 2."""
    return text(f"inbox.gp.caption_{slot}")


def _failing(photo: Photo, status: str) -> list[str]:
    checks = json.loads(photo.quality or "{}").get("checks", [])
    return [str(c["name"]) for c in checks if c.get("status") == status]


def quality_flags(photos: list[Photo]) -> tuple[str, ...]:
    """Flags for the GP: photos kept despite failing a check, warnings, and retakes."""
    accepted = {p.shot: p for p in photos if p.status == "accepted"}
    flags: list[str] = []
    for slot in SHOT_SLOTS:
        photo = accepted.get(slot)
        if photo is None:
            continue
        if photo.sent_anyway:
            flags.append(text("inbox.gp.flag_sent_anyway", shot=shot_label(slot),
                              checks=", ".join(_failing(photo, "fail")) or "quality"))
        elif warned := _failing(photo, "warn"):
            flags.append(text("inbox.gp.flag_warning", shot=shot_label(slot),
                              checks=", ".join(warned)))
    retakes = sum(1 for p in photos if p.status == "rejected")
    if retakes:
        flags.append(text("inbox.gp.flag_retakes", count=retakes))
    return tuple(flags)


def erased_note(case: Case) -> str:
    """What a GP or staff member is told about an erased case: by whom it was erased."""
    why = text("inbox.gp.why_patient" if case.erased_by == "patient" else
               "inbox.gp.why_retention")
    return text("inbox.gp.open_erased", reference=case.reference, why=why)


def age_text(invite: Invite | None, case: Case, today: date) -> str:
    """The patient's age as the GP reads it ("unknown" once the date of birth is erased)."""
    if invite is None or not invite.date_of_birth:
        return "unknown"
    years = age_on(date.fromisoformat(invite.date_of_birth), today)
    key = "inbox.gp.child_age" if case.is_child else "inbox.gp.adult_age"
    return text(key, years=f"{years} years")


def _label(questions: tuple[Question, ...], qid: str, answers: dict[str, str],
           prefix: str) -> str:
    value = answers.get(f"{prefix}.{qid}")
    if value is None:
        return text("journey.review.none")
    question = next(q for q in questions if q.id == qid)
    return question.label_of(value)


def answer_pairs(answers: dict[str, str], *, child: bool) -> tuple[tuple[str, str], ...]:
    """The patient's answers as (question, answer) pairs, in the order they were asked."""
    pairs: list[tuple[str, str]] = []
    for prefix, questions in (("detail", detail_questions()), ("screen", screening_questions())):
        for question in questions:
            if question.child_only and not child:
                continue
            pairs.append((question.prompt.split("\n")[0],
                          _label(questions, question.id, answers, prefix)))
    return tuple(pairs)


async def build_digest(store: Store, case: Case, today: date | None = None) -> CaseDigest:
    """Gather the photos, answers and flags of a submitted case for the GP."""
    today = today or date.today()
    practice = await store.practices.get(case.practice_id)
    assert practice is not None
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    answers = await store.answers.for_case(case.id)
    photos = await store.photos.for_case(case.id)
    flags = quality_flags(photos)
    accepted = {p.shot: p for p in photos if p.status == "accepted"}
    shots = []
    for slot in SHOT_SLOTS:
        photo = accepted.get(slot)
        if photo is None:
            continue
        data = await asyncio.to_thread(store.files.read, photo.file_name)
        note = next((f for f in flags if f.startswith(shot_label(slot))), None)
        shots.append(ShotForGp(slot, shot_label(slot), data, note))
    submitted = (datetime.fromisoformat(case.submitted_at).strftime("%-d %B %Y %H:%M UTC")
                 if case.submitted_at else "not yet")
    age = age_text(invite, case, today)
    patient_ref = invite.patient_ref if invite else "unknown"
    screen, detail = screening_questions(), detail_questions()

    def said(questions: tuple[Question, ...], qid: str, prefix: str) -> str:
        return html.escape(defuse(_label(questions, qid, answers, prefix)))

    eczema = (text("inbox.gp.child_eczema", answer=said(screen, "eczema", "screen"))
              if case.is_child else "")
    summary = text(
        "inbox.gp.summary", reference=case.reference, patient_ref=html.escape(patient_ref),
        age=html.escape(age), submitted=submitted, site=said(screen, "site", "screen"),
        where=said(detail, "where", "detail"), duration=said(detail, "duration", "detail"),
        symptoms=said(detail, "symptoms", "detail"), tried=said(detail, "tried", "detail"),
        is_rash=said(screen, "is_rash", "screen"), areas=said(screen, "areas", "screen"),
        red_flags=said(screen, "red_flags", "screen"), eczema=eczema,
        flags=html.escape("; ".join(flags) or text("inbox.gp.no_flags")),
    )
    return CaseDigest(
        case=case, practice=practice, patient_ref=patient_ref, age_text=age,
        submitted_on=submitted, photos=tuple(shots),
        answers=answer_pairs(answers, child=case.is_child), flags=flags, summary_html=summary,
    )
