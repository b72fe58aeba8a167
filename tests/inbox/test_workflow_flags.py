"""Workflow flags set by a GP: written on the case with the move, audited as the GP, and never
among the patient's answers that the GP reads in the summary and the referral pack."""

from __future__ import annotations

import io
import json
from datetime import date

from pypdf import PdfReader

from bot.delivery.submission import pack_pdf
from bot.inbox.decisions import Inbox
from bot.inbox.digest import build_digest
from bot.store import Store
from bot.store.models import Stage
from tests.auxil.inbox import Setting, submitted_case

PATIENT_ANSWERS = {"screen.is_rash": "rash", "screen.site": "arm", "screen.areas": "one",
                   "screen.red_flags": "no", "detail.where": "left forearm",
                   "detail.duration": "weeks", "detail.symptoms": "itchy", "detail.tried": "E45",
                   "consent": "yes"}
"""What `submitted_case` saved as the (adult) patient's answers."""


async def test_new_photos_asked_by_a_gp_set_flags_audited_as_that_gp_not_as_answers(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    outcome = await Inbox(store).ask_new_photos(102, case.id, ["locator", "close_up_2"],
                                                "blurred")
    assert outcome.done
    moved = await store.cases.get(case.id)
    assert moved is not None and moved.stage is Stage.LOCATOR
    assert moved.redo == ("locator", "close_up_2") and moved.return_to_review
    events = await store.audit.for_case(case.id)
    flags = [e for e in events if e.kind == "case.flags"]
    assert [e.actor for e in flags] == [f"member:{setting.gp.id}"]
    assert json.loads(flags[0].detail) == {"redo": "locator,close_up_2",
                                             "return_to_review": 1}
    move = [e for e in events if e.kind == "case.stage"][-1]
    assert move.actor == f"member:{setting.gp.id}" and move.id == flags[0].id - 1, (
        "the flags are written in the move's own transaction, right after it")
    saved = [json.loads(e.detail)["question"] for e in events if e.kind == "answer.saved"]
    assert set(saved) == set(PATIENT_ANSWERS), "only the patient's own answers are answers"
    assert await store.answers.for_case(case.id) == PATIENT_ANSWERS


async def test_the_resubmitted_summary_and_pack_hold_the_answers_and_no_flags(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    await Inbox(store).ask_new_photos(102, case.id, ["close_up_1"], "blurred")
    again = await store.cases.get(case.id)
    assert again is not None
    for stage in (Stage.REVIEW, Stage.SUBMITTED):
        again = await store.cases.move(again, stage)
    digest = await build_digest(store, again, date(2026, 11, 29))
    answered = dict(digest.answers)
    assert "left forearm" in answered.values() and "E45" in answered.values()
    assert not [q for q in answered if "flow" in q or "redo" in q or "review" in q]
    pdf = await pack_pdf(digest, 5 * 1024 * 1024)
    words = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "left forearm" in words and "E45" in words
    for flag in ("flow.", "redo", "return_to_review", "close_up_1"):
        assert flag not in words and flag not in digest.summary_html
