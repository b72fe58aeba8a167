"""The GP and a member of staff both mark one referral sent on e-RS, each typing a UBRN,
through the real bot and the emulator (hazard log H48, H68, H71).

The second one is told it was already marked, by whom (name and role) and with which UBRN,
and a different UBRN they typed is said to be not recorded, never dropped without a word;
the record keeps the first, and the audit trail notes (without the number) that a different
one was typed. Every expected text is read from bot/content by key.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.inbox.digest import uk_time
from bot.inbox.referral_task import ubrn_words
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.referral import (
    SENT,
    asked_if_made,
    marked_by,
    patient_told,
    referred,
    the_task,
)

App = Application[Any, Any, Any, Any, Any, Any]


async def test_a_gp_typing_a_different_ubrn_after_staff_marked_it_is_told_and_it_is_not_lost(
    app: App, emu: Emulator
) -> None:
    team, patient, case, _done = await referred(app, emu)
    await the_task(team, case)
    await team.gp.tap(SENT)  # the GP is asked for the UBRN first...
    await team.gp.wait_for_text(text("inbox.gp.ubrn_ask", reference=case.reference), timeout=10)
    await asked_if_made(team.staff, case)  # ...then staff mark it, with theirs
    await team.staff.send_text("0000 1234 5678")
    await team.staff.wait_for_text(text(
        "inbox.staff.referral_recorded", reference=case.reference, name="Sue Smith",
        ubrn=text("inbox.gp.ubrn_note", ubrn="0000 1234 5678")), timeout=10)
    now, _ = await marked_by(app, case)

    await team.gp.send_text("0000 1234 9999")
    first = text("inbox.staff.second_mark", reference=case.reference,
                 who=text("inbox.staff.marker", name="Sue Smith",
                          role=text("inbox.staff.role_staff")),
                 when=uk_time(now.referral_sent_at),
                 ubrn=text("inbox.staff.second_mark_ubrn", ubrn=ubrn_words("000012345678")))
    await team.gp.wait_for_text(first + text("inbox.staff.second_mark_differs",
                                             typed="0000 1234 9999"),
                                timeout=10)
    await emu.wait_until_idle()
    again, actors = await marked_by(app, case)
    assert again.ubrn == "000012345678" and len(actors) == 1, "the first stays on record"
    store = services_of(app).store
    noted = [e for e in await store.audit.for_case(case.id) if e.kind == "case.ubrn_differs"]
    assert [e.actor for e in noted] == [f"member:{team.gp_member.id}"], \
        "the record shows a different UBRN was typed, and by whom"
    assert "9999" not in str([e.detail for e in noted]), "never the number itself"
    await patient.wait_until(lambda: patient_told(patient, case), timeout=10)
    await emu.wait_until_idle()
    assert len(patient_told(patient, case)) == 1, "the patient is told once"


async def test_staff_typing_a_ubrn_after_the_gp_marked_it_sent_without_one_are_told(
    app: App, emu: Emulator
) -> None:
    team, patient, case, _done = await referred(app, emu)
    await the_task(team, case)
    await asked_if_made(team.staff, case)
    await team.gp.tap(SENT)
    await team.gp.wait_for_text(text("inbox.gp.ubrn_ask", reference=case.reference), timeout=10)
    await team.gp.tap(text("inbox.gp.ubrn_skip"))
    await team.gp.wait_for_text(text("inbox.gp.referral_recorded", reference=case.reference,
                                     gp="Dr Gee", ubrn=""), timeout=10)
    now, _ = await marked_by(app, case)

    await team.staff.send_text("0000 1234 5678")
    first = text("inbox.staff.second_mark", reference=case.reference,
                 who=text("inbox.staff.marker", name="Dr Gee", role=text("inbox.staff.role_gp")),
                 when=uk_time(now.referral_sent_at), ubrn=text("inbox.staff.second_mark_no_ubrn"))
    await team.staff.wait_for_text(first + text("inbox.staff.second_mark_unrecorded",
                                                typed="0000 1234 5678"), timeout=10)
    await emu.wait_until_idle()
    again, _ = await marked_by(app, case)
    assert again.ubrn is None
    await patient.wait_until(lambda: patient_told(patient, case), timeout=10)
    await emu.wait_until_idle()
    assert len(patient_told(patient, case)) == 1, "the patient is told once"


async def test_the_same_ubrn_typed_twice_says_so_and_the_gp_learns_who_marked_it(
    app: App, emu: Emulator
) -> None:
    team, _patient, case, _done = await referred(app, emu)
    await the_task(team, case)
    await team.gp.tap(SENT)
    await team.gp.wait_for_text(text("inbox.gp.ubrn_ask", reference=case.reference), timeout=10)
    await asked_if_made(team.staff, case)
    await team.staff.send_text("000012345678")
    await team.staff.wait_for_text(text(
        "inbox.staff.referral_recorded", reference=case.reference, name="Sue Smith",
        ubrn=text("inbox.gp.ubrn_note", ubrn="0000 1234 5678")), timeout=10)
    now, _ = await marked_by(app, case)
    await team.gp.send_text("0000 1234 5678")
    await team.gp.wait_for_text(text(
        "inbox.staff.second_mark", reference=case.reference,
        who=text("inbox.staff.marker", name="Sue Smith", role=text("inbox.staff.role_staff")),
        when=uk_time(now.referral_sent_at),
        ubrn=text("inbox.staff.second_mark_ubrn", ubrn="0000 1234 5678"))
        + text("inbox.staff.second_mark_same"), timeout=10)
    store = services_of(app).store
    assert not [e for e in await store.audit.for_case(case.id) if e.kind == "case.ubrn_differs"]
