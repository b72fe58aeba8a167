"""What a GP receives for a case: the labelled photos, a summary, and the referral pack's data."""

from __future__ import annotations

import asyncio
import html
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.channels.nhs_number import spaced
from bot.content import text
from bot.domain.age import age_on
from bot.domain.questions import (
    CHILD_TOO_YOUNG,
    RED_FLAG_FIRST,
    RED_FLAG_RECHECK,
    Question,
    detail_questions,
    screening_questions,
)
from bot.inbox.defuse import defuse
from bot.inbox.earlier import earlier_requests
from bot.store import Store
from bot.store.models import SHOT_SLOTS, Case, Event, Invite, Photo, Practice, ShotSlot, Stage

UK_TIME = "Europe/London"
"""GPs read times in UK time (GMT or BST), not UTC."""


def uk_time(moment: str | None, *, with_time: bool = True) -> str:
    """An ISO timestamp (UTC) as a GP reads it: "24 November 2026 14:05" in UK time.

    Falls back to UTC, saying so, on a system without the time zone database.
    """
    if not moment:
        return text("inbox.gp.not_answered")
    when = datetime.fromisoformat(moment)
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    suffix = ""
    try:
        when = when.astimezone(ZoneInfo(UK_TIME))
    except ZoneInfoNotFoundError:
        when, suffix = when.astimezone(UTC), " UTC"
    return when.strftime("%-d %B %Y %H:%M" if with_time else "%-d %B %Y") + suffix


@dataclass(frozen=True, slots=True)
class ShotForGp:
    """One accepted photo, labelled, with any quality flag, when it was sent and whether it
    is new in this submission (a retake asked for by the GP, or replaced by the patient)."""

    slot: ShotSlot
    label: str
    jpeg: bytes
    note: str | None
    taken_on: str = ""
    new: bool = False


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
    body_site: str = ""
    version: int = 1
    new_shots: tuple[str, ...] = ()
    date_of_birth: str = ""
    """As the patient confirmed it, like "3 February 1980" ("" once erased)."""
    consent: str = ""
    """Who consented to what, and when (`consent_record`); "" in a summary kept before it."""
    nhs_number: str = ""
    """As staff typed it at /invite, like "943 476 5919"; "" where none was asked for."""
    earlier: tuple[str, ...] = ()
    """The patient's earlier red-flag or urgent requests, one line each (`referral.earlier`,
    `bot.inbox.earlier`), for the pack."""


def shot_label(slot: ShotSlot) -> str:
    """The GP-facing label of a shot: Locator, Close-up 1, Close-up 2."""
    return text(f"inbox.gp.caption_{slot}")


def _failing(photo: Photo, status: str) -> list[str]:
    """The checks of `photo` with this status, as "name" or "name_reason" ("exposure_grey")
    when the stored result gives the reason (photos stored before reasons were kept have none).
    """
    checks = json.loads(photo.quality or "{}").get("checks", [])
    return [f"{c['name']}_{c['reason']}" if c.get("reason") else str(c["name"])
            for c in checks if c.get("status") == status]


def _problem_word(check: str) -> str:
    """One check as a GP reads it: its reason's own words where the check's would mislead
    (`inbox.gp.problem_exposure_grey`: a black-and-white photo is not "poor light"), else the
    check's (`inbox.gp.problem_exposure`), else `inbox.gp.problem_other`."""
    for key in (check, check.split("_", 1)[0]):
        try:
            return text(f"inbox.gp.problem_{key}")
        except KeyError:
            continue
    return text("inbox.gp.problem_other")


def problem_words(checks: list[str]) -> str:
    """Checks as a GP reads them (see `_failing`): ["sharpness_blurred", "exposure"] ->
    "blur and poor light"."""
    words: list[str] = []
    for name in checks:
        word = _problem_word(name)
        if word not in words:
            words.append(word)
    if not words:
        return text("inbox.gp.problem_other")
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _refusal_words(reason: object) -> str:
    """A refusal's reason code ("child_face", "file_too_big", "not_an_image"...) as a GP
    reads it."""
    try:
        return text(f"inbox.gp.refused_{reason}")
    except KeyError:
        return text("inbox.gp.problem_other")


DISCARDS = ("photos.discarded", "case.erased", "case.stopped_by_practice")
"""Audit events after which none of the case's earlier photos exist any more."""


def retakes(photos: list[Photo], events: list[Event]) -> dict[int, list[str]]:
    """The retakes behind each accepted photo, by photo id: one reason per try at its shot
    that was not kept, between the shot's previous kept photo (or the start) and this one.

    Read from the case's audit trail (`events`, oldest first), which holds every try in
    order: photos checked and not kept (`photo.received`, the reason from the photo's failed
    checks), photos refused before any check (`photo.refused`: file too large, not an image,
    damaged...) and children's photos discarded for showing a face
    (`photo.child_face_discarded`). A photo kept with "use this photo anyway"
    (`photo.sent_anyway`) is its shot's last failed try; it is not a retake of itself. Tries
    before a photo that was replaced later (at the review, or when the GP asked for new
    photos) belong to that photo, never to the one that replaced it; tries at a replacement
    the patient gave up ("Keep the photo I have") belong to no photo once the request is
    sent, so a photo the GP asks for later never carries them.

    A kept photo replaced by the patient before the request was sent (at the review: "Replace
    a photo") is a retake of its shot too, with its own reason (`inbox.gp.replaced_by_patient`),
    counted on the photo that replaced it. A photo taken again after the request was sent (a
    GP asked for it) is not: the GP knows why, and the summary marks it as new.

    A whole set discarded (`DISCARDS`: "No, take new photos" after the area changed,
    `CaseRepository.photos_again`) deletes its rows, and attempts are numbered from 1 again:
    what came before it is about photos that no longer exist, so counting starts afresh and
    no earlier try is matched to a new photo by its (shot, attempt).
    """
    last = max((i for i, event in enumerate(events) if event.kind in DISCARDS), default=-1)
    labelled = _shots_now(events)
    by_attempt = {(p.shot, p.attempt): p for p in photos}
    tries: dict[str, list[str]] = {}
    last_failed: dict[str, Photo] = {}
    found: dict[int, list[str]] = {}
    kept: set[str] = set()  # shots with a photo kept since the request was last sent
    replacing: set[str] = set()  # shots the patient chose to take again from the review
    for index in range(last + 1, len(events)):
        event, now = events[index], labelled[index]
        detail = json.loads(event.detail or "{}")
        if event.kind == "case.stage":
            if detail.get("to") == Stage.SUBMITTED.value:
                # tries not followed by a kept photo (a replacement given up with "Keep the
                # photo I have") were at a photo that was never sent: none carries on
                kept.clear()
                tries.clear()
                replacing.clear()
            elif (detail.get("from") == Stage.REVIEW.value and event.actor == "patient"
                  and "reason" not in detail):  # "Replace a photo", not "take new photos"
                to = str(detail.get("to"))
                replacing.add(now.get(to, to))
            continue
        shot = now.get(str(detail.get("shot")))
        if shot not in SHOT_SLOTS:
            continue
        waiting = tries.setdefault(shot, [])
        if event.kind == "photo.received":
            photo = by_attempt.get((shot, detail.get("attempt")))
            if detail.get("status") == "accepted":
                if photo is not None:
                    found[photo.id] = _replacing(shot, kept, replacing) + waiting
                tries[shot] = []
                kept.add(shot)
            else:
                waiting.append(problem_words(_failing(photo, "fail")) if photo is not None
                               else text("inbox.gp.problem_other"))
                if photo is not None:
                    last_failed[shot] = photo
        elif event.kind == "photo.sent_anyway":
            if (photo := last_failed.get(shot)) is not None:
                found[photo.id] = _replacing(shot, kept, replacing) + waiting[:-1]
            tries[shot] = []
            kept.add(shot)
        elif event.kind == "photo.refused":
            waiting.append(_refusal_words(detail.get("reason")))
        elif event.kind == "photo.child_face_discarded":
            waiting.append(_refusal_words("child_face"))
    return found


def _shots_now(events: list[Event]) -> list[dict[str, str]]:
    """For each of `events` (oldest first), the shot that each shot it names stands for now.

    The audit trail keeps the shot each try was taken for, but a patient's later answer to
    "which photo is the one from further away?" (`photos.locator_chosen`, reordered; hazard
    log H45) swapped every row of the chosen shot with the locator's, tries and all
    (`PhotoRepository.choose_locator`): a try recorded before that answer is now a row of
    the swapped shot."""
    mapping: dict[str, str] = {slot: slot for slot in SHOT_SLOTS}
    found: list[dict[str, str]] = []
    for event in reversed(events):
        found.append(mapping)
        if event.kind == "photos.locator_chosen":
            detail = json.loads(event.detail or "{}")
            chosen = str(detail.get("chosen"))
            if detail.get("reordered") and chosen in SHOT_SLOTS and chosen != SHOT_SLOTS[0]:
                swap = {SHOT_SLOTS[0]: chosen, chosen: SHOT_SLOTS[0]}
                mapping = {slot: mapping[swap.get(slot, slot)] for slot in SHOT_SLOTS}
    found.reverse()
    return found


def _replacing(shot: str, kept: set[str], replacing: set[str]) -> list[str]:
    """The retake a newly kept photo stands for when the patient chose to take its shot again
    from the review and it already had a kept photo in this submission, else none."""
    again = shot in kept and shot in replacing
    replacing.discard(shot)
    return [text("inbox.gp.replaced_by_patient")] if again else []


def _retake_words(reasons: list[str]) -> str:
    """"3 retakes (child's face 2 times, then file too large)": the count and each reason
    once, oldest first, joined by `inbox.gp.retake_join` so that a try with two problems
    ("blur and poor light") reads apart from the others."""
    counted = [reason if (times := reasons.count(reason)) == 1 else
               text("inbox.gp.retake_reason_times", reason=reason, count=times)
               for reason in dict.fromkeys(reasons)]
    key = "inbox.gp.flag_retake_one" if len(reasons) == 1 else "inbox.gp.flag_retakes"
    return text(key, count=len(reasons), reasons=text("inbox.gp.retake_join").join(counted))


def quality_notes(photos: list[Photo], events: list[Event]) -> dict[ShotSlot, str]:
    """Per accepted photo, what the GP should know in a second: sent despite a failed check,
    a warning, and its retakes with their reasons (`retakes`, from the case's audit trail
    `events`); photos with nothing to note are left out."""
    accepted = {p.shot: p for p in photos if p.status == "accepted"}
    behind = retakes(photos, events)
    notes: dict[ShotSlot, str] = {}
    for slot in SHOT_SLOTS:
        photo = accepted.get(slot)
        if photo is None:
            continue
        parts: list[str] = []
        if photo.sent_anyway:
            parts.append(text("inbox.gp.flag_sent_anyway",
                              problems=problem_words(_failing(photo, "fail"))))
        elif warned := _failing(photo, "warn"):
            parts.append(text("inbox.gp.flag_warning", problems=problem_words(warned)))
        if reasons := behind.get(photo.id):
            parts.append(_retake_words(reasons))
        if parts:
            notes[slot] = "; ".join(parts)
    return notes


def quality_flags(photos: list[Photo], events: list[Event]) -> tuple[str, ...]:
    """One line per photo with anything to note, e.g. "Close-up 1: sent anyway despite blur;
    2 retakes (blur 2 times)"."""
    return tuple(text("inbox.gp.flag_line", shot=shot_label(slot), notes=note)
                 for slot, note in quality_notes(photos, events).items())


def erased_note(case: Case) -> str:
    """What a GP or staff member is told about an erased case: by whom it was erased."""
    why = text("inbox.gp.why_patient" if case.erased_by == "patient" else
               "inbox.gp.why_retention")
    return text("inbox.gp.open_erased", reference=case.reference, why=why)


def record_identifiers(invite: Invite | None) -> tuple[str, str]:
    """What the practice files a record copy by: the date of birth the patient confirmed
    ("3 February 1980") and the NHS number staff typed ("943 476 5919"), each "" if there is
    none (not asked for, or erased). Only the record channels' own messages (the NHSmail
    body; MESH reads the invite's), and their copy of the referral pack, print them: never a
    Telegram message, nor the copy of the pack sent there (docs/dpia.md, "Record channels")."""
    if invite is None:
        return "", ""
    born = (date.fromisoformat(invite.date_of_birth).strftime("%-d %B %Y")
            if invite.date_of_birth else "")
    return born, spaced(invite.nhs_number) if invite.nhs_number else ""


def age_text(invite: Invite | None, case: Case, today: date) -> str:
    """The patient's age as the GP reads it ("unknown" once the date of birth is erased)."""
    if invite is None or not invite.date_of_birth:
        return "unknown"
    years = age_on(date.fromisoformat(invite.date_of_birth), today)
    key = ("inbox.gp.adult_age" if not case.is_child else "inbox.gp.child_age"
           if case.consent_by == "parent" else "inbox.gp.young_age")
    return text(key, years=f"{years} years")


def consent_record(case: Case, answers: dict[str, str], answered_at: dict[str, str]) -> str:
    """Who consented to what, and when (UK time), as the GP and the record read it.

    From the consent answers the journey saved (`bot.journey.prompts.CONSENT_QUESTIONS`:
    "consent", and for a child under 16 answered by a parent, "guardian" and "child_agrees",
    whose answer may be that the child is too young to understand, `CHILD_TOO_YOUNG`)
    and the time each was tapped (`answers.answered_at`). A parent's single "yes" given before
    the questions were split stands for "guardian" too. "not recorded" when the agreement is
    missing (a case opened before consent was asked, or erased).
    """
    if answers.get("consent") != "yes":
        return text("inbox.gp.consent_not_recorded")
    when = uk_time(answered_at.get("consent"))
    if case.consent_by != "parent":
        return text("inbox.gp.consent_self", when=when)
    guardian = "guardian" if "guardian" in answers else "consent"
    child = answers.get("child_agrees")
    child_said = text("inbox.gp.consent_child_yes" if child == "yes" else
                      "inbox.gp.consent_child_too_young" if child == CHILD_TOO_YOUNG else
                      "inbox.gp.consent_child_no" if child == "no" else
                      "inbox.gp.consent_child_unknown")
    return text("inbox.gp.consent_parent", guardian_when=uk_time(answered_at.get(guardian)),
                when=when, child=child_said, child_when=uk_time(answered_at.get("child_agrees")))


def _label(questions: tuple[Question, ...], qid: str, answers: dict[str, str],
           prefix: str) -> str:
    """What the patient answered, as they saw it; a missing or skipped typed answer is "not
    answered", in the very words the patient's review showed (`journey.review.none`)."""
    value = answers.get(f"{prefix}.{qid}")
    question = next(q for q in questions if q.id == qid)
    if value is None or (question.free_text and value == "skip"):
        return text("journey.review.none")
    if qid == "red_flags" and prefix == "screen":
        return red_flags_said(question.label_of(value), answers)
    if prefix == "screen" and value == "unsure" and qid in UNSURE_CHECK:
        return text(f"inbox.gp.unsure_{qid}", answer=question.label_of(value))
    return question.label_of(value)


UNSURE_CHECK = ("is_rash", "eczema")
"""The screening questions whose "I am not sure" carries on for the GP to check: the GP's
summary, the referral pack and the e-mail mark it
with what to check, so it does not read as a plain answer among the others. The service
takes rashes only, not moles or single lesions, and no child with a known chronic
inflammatory skin condition (seed: teledermatology-service.txt; hazard log H47)."""


def red_flags_said(label: str, answers: dict[str, str]) -> str:
    """The red-flag answer as the GP reads it: the final answer's label, and, if the patient
    first tapped yes (told to call 999 or NHS 111 now, staff alerted; `RED_FLAG_FIRST`), that
    they then said it was a mistake or never confirmed it; else, if the question was put again
    after a typed answer that may name a red-flag sign (`RED_FLAG_RECHECK`), that it was, and
    whether it was answered "No" then. A red flag is never hidden."""
    first = answers.get(RED_FLAG_FIRST)
    if first == "withdrawn":
        return text("inbox.gp.red_flags_withdrawn", answer=label)
    if first == "yes" and answers.get("screen.red_flags") != "yes":
        return text("inbox.gp.red_flags_unconfirmed", answer=label)
    checked = answers.get(RED_FLAG_RECHECK)  # put again after typed words (hazard log H74)
    if checked == "no":
        return text("inbox.gp.red_flags_check_no", answer=label)
    if checked == "asked":
        return text("inbox.gp.red_flags_check_unanswered", answer=label)
    return label


def red_flags_asked(question: Question) -> str:
    """The red flags the patient was asked about, from the question they saw (its bullets)."""
    items = [line.strip().lstrip("•").strip() for line in question.prompt.splitlines()
             if line.strip().startswith("•")]
    return "; ".join(items) if items else question.prompt


def answer_pairs(answers: dict[str, str], *, child: bool,
                 parent: bool = False) -> tuple[tuple[str, str], ...]:
    """The patient's answers as (question, answer) pairs, in the order they were asked (a
    question not put to this patient, such as a child's or a follow-up, is left out), in the
    words they were asked in: about "the child" when a parent answered for a child under 16
    (`parent`, `Case.consent_by`; the `_parent` texts), about "you" otherwise."""
    pairs: list[tuple[str, str]] = []
    for prefix, questions in (("screen", screening_questions(parent=parent)),
                              ("detail", detail_questions(parent=parent))):
        for question in questions:
            if not question.applies(answers, prefix, child=child):
                continue
            asked = question.prompt.split("\n")[0]
            if question.id == "red_flags":
                asked = f"{asked} ({red_flags_asked(question)})"
            pairs.append((asked, _label(questions, question.id, answers, prefix)))
    return tuple(pairs)


def body_site(answers: dict[str, str], *, parent: bool = False) -> str:
    """Where the rash is, as the patient said: the site button and, if typed, exactly where
    (`parent`: as for `answer_pairs`)."""
    screen, detail = screening_questions(parent=parent), detail_questions(parent=parent)
    site = _label(screen, "site", answers, "screen")
    where = _label(detail, "where", answers, "detail")
    return site if where == text("journey.review.none") else f"{site} ({where})"


@dataclass(frozen=True, slots=True)
class ShotInSummary:
    """One accepted photo as the summary names it: the file that holds it, not its bytes."""

    slot: ShotSlot
    label: str
    file_name: str
    note: str | None
    taken_on: str
    new: bool


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """The words of one submission for the GP (no photo bytes): built once per submission and
    kept as JSON (`bot.delivery.submission`), so every part, channel and retry reads the same.
    """

    patient_ref: str
    age_text: str
    submitted_on: str
    shots: tuple[ShotInSummary, ...]
    answers: tuple[tuple[str, str], ...]
    flags: tuple[str, ...]
    summary_html: str
    body_site: str
    version: int
    new_shots: tuple[str, ...]
    date_of_birth: str = ""
    """For the record channels only (`record_identifiers`)."""
    nhs_number: str = ""
    """For the record channels only (`record_identifiers`)."""
    earlier: tuple[str, ...] = ()
    """The patient's earlier red-flag or urgent requests, one line each (`referral.earlier`,
    `bot.inbox.earlier`)."""
    consent: str = ""
    """Who consented to what, and when (`consent_record`); "" in a summary kept before it."""

    def to_json(self) -> str:
        """The summary as JSON text (shots as objects, pairs as two-item lists)."""
        return json.dumps({
            "patient_ref": self.patient_ref, "age_text": self.age_text,
            "submitted_on": self.submitted_on,
            "shots": [{"slot": s.slot, "label": s.label, "file_name": s.file_name,
                       "note": s.note, "taken_on": s.taken_on, "new": s.new}
                      for s in self.shots],
            "answers": [list(pair) for pair in self.answers], "flags": list(self.flags),
            "summary_html": self.summary_html, "body_site": self.body_site,
            "version": self.version, "new_shots": list(self.new_shots),
            "date_of_birth": self.date_of_birth, "nhs_number": self.nhs_number,
            "earlier": list(self.earlier), "consent": self.consent})

    @classmethod
    def from_json(cls, data: str) -> CaseSummary:
        """The summary kept by `to_json`; KeyError or ValueError if it is not one."""
        raw = json.loads(data)
        return cls(
            patient_ref=str(raw["patient_ref"]), age_text=str(raw["age_text"]),
            submitted_on=str(raw["submitted_on"]),
            shots=tuple(ShotInSummary(s["slot"], str(s["label"]), str(s["file_name"]),
                                      s["note"], str(s["taken_on"]), bool(s["new"]))
                        for s in raw["shots"]),
            answers=tuple((str(q), str(a)) for q, a in raw["answers"]),
            flags=tuple(str(f) for f in raw["flags"]), summary_html=str(raw["summary_html"]),
            body_site=str(raw["body_site"]), version=int(raw["version"]),
            new_shots=tuple(str(n) for n in raw["new_shots"]),
            date_of_birth=str(raw.get("date_of_birth", "")),
            nhs_number=str(raw.get("nhs_number", "")),
            earlier=tuple(str(line) for line in raw.get("earlier", ())),
            consent=str(raw.get("consent", "")))


async def build_summary(store: Store, case: Case, today: date | None = None) -> CaseSummary:
    """Gather the answers, flags and photo labels of a submitted case for the GP (reads no
    photo file).

    A re-submission (after the GP asked for new photos) is version `case.submissions`; the
    photos kept since the previous submission are named as new.
    """
    today = today or date.today()
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    answers = await store.answers.for_case(case.id)
    photos = await store.photos.for_case(case.id)
    events = await store.audit.for_case(case.id)
    flags = quality_flags(photos, events)
    notes = quality_notes(photos, events)
    accepted = {p.shot: p for p in photos if p.status == "accepted"}
    version = max(case.submissions, 1)
    since = case.previous_last_photo_id if version > 1 else None
    shots = tuple(
        ShotInSummary(slot, shot_label(slot), photo.file_name, notes.get(slot),
                      uk_time(photo.created_at), since is not None and photo.id > since)
        for slot in SHOT_SLOTS if (photo := accepted.get(slot)) is not None)
    new_shots = tuple(shot.label for shot in shots if shot.new)
    submitted = uk_time(case.submitted_at) if case.submitted_at else "not yet"
    age = age_text(invite, case, today)
    patient_ref = invite.patient_ref if invite else "unknown"
    born, nhs_number = record_identifiers(invite)
    parent = case.consent_by == "parent"
    screen, detail = screening_questions(parent=parent), detail_questions(parent=parent)
    earlier = await earlier_requests(store, invite, datetime.now(UTC)) if invite else []
    consent = consent_record(case, answers, await store.answers.answered_at(case.id))

    def said(questions: tuple[Question, ...], qid: str, prefix: str) -> str:
        return html.escape(defuse(_label(questions, qid, answers, prefix)))

    eczema = (text("inbox.gp.child_eczema", answer=said(screen, "eczema", "screen"))
              if case.is_child else "")
    other_areas = "".join(  # the follow-ups of "Two or more areas" put to this patient
        text(f"inbox.gp.{q.id}", answer=said(screen, q.id, "screen")) for q in screen
        if q.id in ("other_areas", "other_face")
        and q.applies(answers, "screen", child=case.is_child))
    resubmitted = ""
    if version > 1:
        resubmitted = (text("inbox.gp.resubmitted", version=version,
                            shots=" and ".join(new_shots)) if new_shots else
                       text("inbox.gp.resubmitted_same", version=version))
    summary = text(
        "inbox.gp.summary", reference=case.reference, patient_ref=html.escape(patient_ref),
        age=html.escape(age), submitted=submitted, consent=html.escape(consent),
        site=said(screen, "site", "screen"),
        where=said(detail, "where", "detail"), duration=said(detail, "duration", "detail"),
        symptoms=said(detail, "symptoms", "detail"), tried=said(detail, "tried", "detail"),
        is_rash=said(screen, "is_rash", "screen"), areas=said(screen, "areas", "screen"),
        red_flags=said(screen, "red_flags", "screen"), eczema=eczema, other_areas=other_areas,
        earlier="".join(text(f"inbox.gp.earlier_{found.what}", reference=found.reference,
                             date=uk_time(found.at, with_time=False)) for found in earlier),
        flags=html.escape("\n".join(f"• {flag}" for flag in flags)
                          or text("inbox.gp.no_flags")),
        resubmitted=resubmitted,
    )
    return CaseSummary(
        patient_ref=patient_ref, age_text=age, submitted_on=submitted, shots=shots,
        answers=answer_pairs(answers, child=case.is_child, parent=parent), flags=flags,
        summary_html=summary, body_site=body_site(answers, parent=parent), version=version,
        new_shots=new_shots,
        date_of_birth=born, nhs_number=nhs_number, consent=consent,
        earlier=tuple(text(f"referral.earlier.{found.what}", reference=found.reference,
                           date=uk_time(found.at, with_time=False)) for found in earlier))


async def with_photos(store: Store, case: Case, summary: CaseSummary) -> CaseDigest:
    """The summary with its photos' bytes (one read of each file): what the album, the
    referral pack and the e-mail need."""
    practice = await store.practices.get(case.practice_id)
    assert practice is not None
    shots = []
    for shot in summary.shots:
        data = await asyncio.to_thread(store.files.read, shot.file_name)
        shots.append(ShotForGp(shot.slot, shot.label, data, shot.note, shot.taken_on,
                               shot.new))
    return CaseDigest(
        case=case, practice=practice, patient_ref=summary.patient_ref,
        age_text=summary.age_text, submitted_on=summary.submitted_on, photos=tuple(shots),
        answers=summary.answers, flags=summary.flags, summary_html=summary.summary_html,
        body_site=summary.body_site, version=summary.version, new_shots=summary.new_shots,
        date_of_birth=summary.date_of_birth, nhs_number=summary.nhs_number,
        earlier=summary.earlier, consent=summary.consent)


async def build_digest(store: Store, case: Case, today: date | None = None) -> CaseDigest:
    """Build the summary and read the photos of a submitted case (`build_summary`,
    `with_photos`), without keeping anything: deliveries use `bot.delivery.submission`."""
    return await with_photos(store, case, await build_summary(store, case, today))
