"""Inbox tests' world: two practices with members, and a case submitted by a patient."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.domain import age
from bot.domain.working_days import working_day
from bot.inbox.reminding import UK
from bot.inbox.routing import submission_messages
from bot.services.alerting import submission_notes
from bot.store import Store
from bot.store.models import Case, Member, Practice, Stage
from tests.auxil.photos import tiny_jpeg

PATIENT = 5001


def working_days_from(start: datetime) -> list[datetime]:
    """The next working days (UK) from `start`, at 10:00 UK time, for a few weeks."""
    days = []
    for ahead in range(1, 30):
        day = (start + timedelta(days=ahead)).astimezone(UK).replace(hour=10, minute=0)
        if working_day(day.date()):
            days.append(day.astimezone(UTC))
    return days


@dataclass
class Setting:
    """The Lawson Practice (staff Sue, GP Gee) and another practice with its own GP."""

    practice: Practice
    staff: Member
    gp: Member
    other_practice: Practice
    other_gp: Member


async def submitted_case(store: Store, setting: Setting, *, gp: Member | None = None,
                         born: str = "1980-02-03",
                         answers: dict[str, str] | None = None) -> Case:
    """A case with three accepted photos and answers, submitted the way the journey does it;
    for a patient `born` under 16 years ago, a parent answered for the child, as the journey
    decides it (`bot.domain.age`), after saying they are the child's parent or guardian, and
    that the child agreed (the consent answers the journey saves). `answers` replace or add
    to the usual ones (keyed "screen.<id>" or "detail.<id>")."""
    invite, _ = await store.invites.create(setting.practice.id, "P-9", born,
                                           valid_days=7, gp_member_id=gp.id if gp else None)
    birth, today = date.fromisoformat(born), date.today()
    case = await store.cases.open_from_invite(
        invite, patient_user_id=PATIENT, patient_chat_id=PATIENT,
        is_child=age.is_child(birth, today), consent_by=age.consent_by(birth, today))
    consent = ("guardian", "consent", "child_agrees") if case.consent_by == "parent" else (
        "consent",)
    for question in consent:
        await store.answers.save(case.id, question, "yes")
    for index, shot in enumerate(("locator", "close_up_1", "close_up_2")):
        stored = store.files.write(tiny_jpeg(index), ".jpg")
        await store.photos.add(case.id, shot, stored, source="document", verdict="accept",
                               status="accepted", quality="{}", width=8, height=8)
    for key, value in {"screen.is_rash": "rash", "screen.site": "arm", "screen.areas": "one",
                       "screen.red_flags": "no", "detail.where": "left forearm",
                       "detail.duration": "weeks", "detail.symptoms": "itchy",
                       "detail.tried": "E45", **(answers or {})}.items():
        await store.answers.save(case.id, key, value)
    for stage in (Stage.CONSENT, Stage.SCREENING, Stage.PREPARATION, Stage.LOCATOR,
                  Stage.CLOSE_UP_1, Stage.CLOSE_UP_2, Stage.DETAILS, Stage.REVIEW):
        case = await store.cases.move(case, stage)
    queued = await submission_messages(store, case)
    return await store.cases.move(case, Stage.SUBMITTED, outbox=queued,
                                  notes=submission_notes(case, queued))
