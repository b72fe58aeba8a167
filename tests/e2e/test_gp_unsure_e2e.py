""""I am not sure" to "Is it a rash?" goes on to the photos; the GP reads it marked, with what
to check (the service takes rashes only, not moles or single lesions), in the summary and in
the referral pack, not as a plain answer among the others (words by content key)."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.formatting import render
from bot.inbox.digest import answer_pairs
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    SCREENING,
    details_and_review,
    first_line,
    read_the_tips,
    send_three,
    tap,
    to_consent,
)
from tests.auxil.e2e.practice import make_team

App = Application[Any, Any, Any, Any, Any, Any]


def words_only(said: str) -> str:
    """The words of a text, whatever the line breaks and emoji (the pack draws no emoji)."""
    return " ".join(said.replace("⚠️", " ").split())


async def test_not_sure_it_is_a_rash_is_marked_for_the_gp_to_check(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    _, token = await store.invites.create(team.practice.id, "P-UNS", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    await to_consent(patient, token)
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    await tap(patient, text("journey.screening.is_rash.unsure"),
              text("journey.screening.red_flags.question"))
    await tap(patient, SCREENING[1], text("journey.screening.site.question"))
    await tap(patient, SCREENING[2], text("journey.screening.areas.question"))
    await read_the_tips(patient, SCREENING[3])
    await send_three(patient)
    await details_and_review(patient, where="left forearm")
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))

    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    summary = await team.gp.wait_for_text(case.reference, timeout=20)
    marked = text("inbox.gp.unsure_is_rash", answer=text("journey.screening.is_rash.unsure"))
    assert render(marked, "HTML")[0].strip() in (summary.text or "")
    pack = await team.gp.wait_for(lambda m: m.kind == "document" and not m.media_group_id,
                                  timeout=20)
    pages = " ".join(page.extract_text() for page in
                     PdfReader(io.BytesIO(pack.file_bytes or b"")).pages)
    assert words_only(marked) in words_only(pages), "the pack marks it too"


def test_not_sure_about_a_childs_long_term_skin_condition_is_marked_too() -> None:
    """The child's eczema question says "The GP will check": the GP's answers say what."""
    answers = {"screen.is_rash": "rash", "screen.red_flags": "no", "screen.site": "arm",
               "screen.areas": "one", "screen.eczema": "unsure"}
    pairs = dict(answer_pairs(answers, child=True, parent=True))
    assert text("inbox.gp.unsure_eczema",
                answer=text("journey.screening.eczema.unsure")) in pairs.values()
    adult = dict(answer_pairs({**answers, "screen.is_rash": "rash"}, child=False))
    assert text("journey.screening.is_rash.rash") in adult.values(), "a sure answer is plain"
