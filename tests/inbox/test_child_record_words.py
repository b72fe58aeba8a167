"""A child's record reads as the parent was asked: the referral pack and the NHSmail copy put
the questions and answers of a case a parent filled in for a child under 16 in the words the
parent saw ("Does the child have...", `_parent` texts in bot/content/journey.toml), and an
adult's in the words the adult saw. The MESH copy carries the same answers
(`bot.channels.fhir_bundle`, from the same digest)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from bot.channels.casefile import case_file
from bot.channels.email import build_message
from bot.content import text
from bot.domain.questions import worded
from bot.inbox.digest import build_digest
from bot.store import Store
from tests.auxil.inbox import Setting, submitted_case
from tests.auxil.journey import child_dob

QUESTIONS = ("journey.screening.red_flags.question", "journey.details.duration_question")
"""Questions with words of their own for a parent, first line as the record gives it."""


def first_line(key: str, *, parent: bool) -> str:
    return worded(key, parent=parent).split("\n")[0]


def one_line(words: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces (PDF text wraps)."""
    return " ".join(words.split())


@pytest.mark.parametrize(("born", "parent"), [(child_dob(7), True), ("1980-02-03", False)],
                         ids=["child-by-parent", "adult"])
async def test_the_pack_and_the_email_ask_as_the_patient_was_asked(
    store: Store, setting: Setting, born: str, parent: bool
) -> None:
    case = await submitted_case(store, setting, born=born)
    assert (case.consent_by == "parent") is parent
    record = await case_file(store, case, 1, 5 * 1024 * 1024)
    pages = PdfReader(io.BytesIO(record.pdf)).pages
    pdf = one_line("".join(page.extract_text() for page in pages))
    body = build_message(record, sender="bot@nhs.net", to="gp@nhs.net",
                         max_bytes=20 * 1024 * 1024).get_body(("plain",))
    assert body is not None
    email = body.get_content()
    for key in QUESTIONS:
        asked, other = first_line(key, parent=parent), first_line(key, parent=not parent)
        assert asked != other
        assert f"- {asked}" in email and f"- {other}" not in email
        assert one_line(asked) in pdf and one_line(other) not in pdf
    heading = text("referral.answers.heading_parent" if parent else "referral.answers.heading")
    assert one_line(heading) in pdf
    # who confirmed the date of birth and sent the photos: the parent, for a child
    labels = [worded("channels.email.date_of_birth", parent=who) + ":" for who in (parent,
                                                                                  not parent)]
    assert labels[0] != labels[1]
    assert any(line.startswith(labels[0]) for line in email.splitlines())
    assert not any(line.startswith(labels[1]) for line in email.splitlines())
    born = [text(f"referral.identity.{key}", date_of_birth=record.digest.date_of_birth)
            for key in (("born_parent", "born") if parent else ("born", "born_parent"))]
    assert one_line(born[0]) in pdf and one_line(born[1]) not in pdf
    for shot in record.digest.photos:
        values = {"site": record.digest.body_site, "taken": shot.taken_on,
                  "patient_ref": record.digest.patient_ref, "reference": case.reference}
        assert one_line(worded("referral.photo.details", parent=parent, **values)) in pdf
        assert one_line(worded("referral.photo.details", parent=not parent, **values)) not in pdf
    digest = await build_digest(store, case, date.today())
    assert dict(digest.answers)[first_line("journey.details.duration_question",
                                           parent=parent)] == text(
        "journey.details.duration_weeks")


async def test_a_childs_record_gives_the_face_answer_after_two_or_more_areas(
    store: Store, setting: Setting
) -> None:
    """The GP reads whether any of a child's areas is on the face or head (hazard log H58),
    in the summary and among the answers, as the parent was asked."""
    case = await submitted_case(store, setting, born=child_dob(7), answers={
        "screen.areas": "several", "screen.other_areas": "no", "screen.other_face": "no"})
    digest = await build_digest(store, case, date.today())
    no = text("journey.screening.other_face.no")
    assert text("inbox.gp.other_face", answer=no) in digest.summary_html
    asked = first_line("journey.screening.other_face.question", parent=True)
    assert dict(digest.answers)[asked] == no


async def test_the_record_gives_the_answers_in_the_order_they_were_asked(
    store: Store, setting: Setting
) -> None:
    """The screening questions (is it a rash, the red flags, where) were asked before the
    photos and the details (where exactly, how long) after: the pack, the email and the MESH
    copy list them in that order, so "Where exactly?" follows "Where is the rash?"."""
    case = await submitted_case(store, setting)
    asked = [question for question, _ in (await build_digest(store, case, date.today())).answers]
    first = {key: asked.index(first_line(key, parent=False))
             for key in ("journey.screening.is_rash.question", "journey.screening.site.question",
                         "journey.details.where_exactly", "journey.details.tried_question")}
    assert list(first.values()) == sorted(first.values()), asked
    assert first["journey.screening.is_rash.question"] == 0
