"""Helpers for end-to-end tests of the e-RS referral a GP decided (hazard log H48, H68): a
referred case, its staff task, "Referral sent on e-RS" asked and answered, and what the store
and the patient show of it. Every expected text is read from bot/content by key."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.store.models import Case
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import first_line, words
from tests.auxil.e2e.practice import Team, make_team, refer, submit

App = Application[Any, Any, Any, Any, Any, Any]
SENT = text("inbox.gp.referral_sent")
STAFF_SENT = text("inbox.staff.referral_sent")


def buttons(message: SentMessage) -> list[str]:
    """The labels of a message's inline buttons."""
    return [label for row in message.buttons for label in row]


async def referred(app: App, emu: Emulator) -> tuple[Team, TelegramUser, Case, SentMessage]:
    """A patient invited as P-300 sent their photos; Dr Gee referred them. The team, the
    patient, the case and the GP's "referred" message."""
    team = await make_team(app, emu)
    patient = await submit(app, emu, team)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    await team.gp.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)
    await refer(team.gp)
    done = await team.gp.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)
    return team, patient, case, done


async def the_task(team: Team, case: Case) -> SentMessage:
    """The task to make the referral, as Sue (staff) received it."""
    task = await team.staff.wait_for_text(first_line("inbox.staff.referral_task"), timeout=10)
    assert task.text == text(
        "inbox.staff.referral_task", patient_ref="P-300", reference=case.reference, gp="Dr Gee",
        where=text("inbox.staff.referral_pack_gp_only", gp="Dr Gee"))
    return task


async def tap_and_confirm(person: TelegramUser, label: str, case: Case) -> None:
    """Tap "Referral sent on e-RS" (or its marked label), get the question whether it was
    made on e-RS, and answer Yes."""
    await person.tap(label)
    await person.wait_for_text(text("inbox.staff.referral_confirm", reference=case.reference),
                               timeout=10)
    await person.tap(text("inbox.staff.referral_confirm_yes"))


async def asked_if_made(person: TelegramUser, case: Case) -> SentMessage:
    """Tap staff's "Referral sent on e-RS": the question whether it was made on e-RS."""
    await person.tap(STAFF_SENT)
    return await person.wait_for_text(
        text("inbox.staff.referral_confirm", reference=case.reference), timeout=10)


async def marked_by(app: App, case: Case) -> tuple[Case, list[str]]:
    """The case as stored now, and the actors of its "referral sent" audit events."""
    store = services_of(app).store
    now = await store.cases.get(case.id)
    assert now is not None
    return now, [e.actor for e in await store.audit.for_case(case.id)
                 if e.kind == "case.referral_sent"]


async def alerted(person: TelegramUser, said: str) -> None:
    """Wait until the person's tap was answered with this alert."""
    await person.wait_until(lambda: any(a["text"] == said and a["show_alert"]
                                        for a in person.callback_answers), timeout=10)


def patient_told(patient: TelegramUser, case: Case) -> list[SentMessage]:
    """The patient's messages that say the referral was sent."""
    told = text("inbox.patient.referral_sent", reference=case.reference,
                practice="The Lawson Practice", phone="020 7729 7236")
    return [m for m in patient.messages if m.text == told]


