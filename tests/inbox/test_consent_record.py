"""The GP and the record say who consented to what, and when: the GP's summary, the referral
pack PDF and the NHSmail copy carry a consent line (`bot.inbox.digest.consent_record`,
`inbox.gp.consent_*`), from the consent answers the journey saved and the time each was
tapped (`answers.answered_at`). For a child under 16, that a parent or guardian said so and
agreed, and that the child was asked and what the parent answered for them. The MESH copy
carries the same pack."""

from __future__ import annotations

import html
import io

import pytest
from pypdf import PdfReader

from bot.channels.casefile import case_file
from bot.channels.email import build_message
from bot.content import text
from bot.domain.questions import CHILD_TOO_YOUNG
from bot.inbox.digest import uk_time
from bot.store import Store
from bot.store.models import Case
from tests.auxil.inbox import Setting, submitted_case
from tests.auxil.journey import child_dob


def one_line(words: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces (PDF text wraps)."""
    return " ".join(words.split())


async def expected(store: Store, case: Case) -> str:
    """The consent line as the content words it, with the times the answers were saved."""
    at = await store.answers.answered_at(case.id)
    if case.consent_by != "parent":
        return text("inbox.gp.consent_self", when=uk_time(at["consent"]))
    return text("inbox.gp.consent_parent", guardian_when=uk_time(at["guardian"]),
                when=uk_time(at["consent"]), child=text("inbox.gp.consent_child_yes"),
                child_when=uk_time(at["child_agrees"]))


async def record_words(store: Store, case: Case) -> tuple[str, str, str, str]:
    """The GP's summary, the pack's text, the NHSmail plain body and its HTML body."""
    record = await case_file(store, case, 1, 5 * 1024 * 1024)
    pdf = one_line("".join(page.extract_text() for page in
                           PdfReader(io.BytesIO(record.pdf)).pages))
    message = build_message(record, sender="bot@nhs.net", to="gp@nhs.net",
                            max_bytes=20 * 1024 * 1024)
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and rich is not None
    return record.digest.summary_html, pdf, plain.get_content(), rich.get_content()


@pytest.mark.parametrize(("born", "parent"), [(child_dob(8), True), ("1980-02-03", False)],
                         ids=["child-by-parent", "adult"])
async def test_the_summary_pack_and_email_say_who_consented_to_what_and_when(
    store: Store, setting: Setting, born: str, parent: bool
) -> None:
    case = await submitted_case(store, setting, born=born)
    assert (case.consent_by == "parent") is parent
    line = await expected(store, case)
    other = "inbox.gp.consent_self" if parent else "inbox.gp.consent_parent"
    summary, pdf, plain, rich = await record_words(store, case)
    assert html.escape(line) in summary
    assert one_line(text("referral.consent.heading")) in pdf and one_line(line) in pdf
    assert f"{text('channels.email.consent')}: {line}" in plain
    assert html.escape(line) in rich
    unlike = text(other).split("{")[0]
    assert unlike not in summary and one_line(unlike) not in pdf
    if parent:
        assert text("inbox.gp.consent_child_yes") in line


async def test_a_case_with_no_consent_answer_says_it_is_not_recorded(
    store: Store, setting: Setting
) -> None:
    """A case whose agreement is missing (opened before consent was recorded) is never shown
    as consented."""
    case = await submitted_case(store, setting)
    async with store.db.transaction() as conn:
        await conn.execute("DELETE FROM answers WHERE case_id = ? AND question = 'consent'",
                           (case.id,))
    summary, pdf, plain, _ = await record_words(store, case)
    missing = text("inbox.gp.consent_not_recorded")
    assert f"{text('channels.email.consent')}: {missing}" in plain
    assert text("inbox.gp.consent_self").split("{")[0] not in summary
    assert one_line(text("inbox.gp.consent_self").split("{")[0]) not in pdf


async def test_a_child_too_young_to_understand_is_recorded_as_not_asked(
    store: Store, setting: Setting
) -> None:
    """A parent of a baby or toddler taps "They are too young to understand" for the child
    (`journey.consent.child_too_young`): the summary, the pack and the NHSmail copy say the
    child was not asked, in the parent's words, never that the child agreed (hazard log H19)."""
    case = await submitted_case(store, setting, born=child_dob(2),
                                answers={"child_agrees": CHILD_TOO_YOUNG})
    at = await store.answers.answered_at(case.id)
    line = text("inbox.gp.consent_parent", guardian_when=uk_time(at["guardian"]),
                when=uk_time(at["consent"]), child=text("inbox.gp.consent_child_too_young"),
                child_when=uk_time(at["child_agrees"]))
    summary, pdf, plain, rich = await record_words(store, case)
    assert html.escape(line) in summary
    assert one_line(line) in pdf
    assert f"{text('channels.email.consent')}: {line}" in plain
    assert html.escape(line) in rich
    agreed = text("inbox.gp.consent_child_yes")
    assert agreed not in summary and one_line(agreed) not in pdf and agreed not in plain
