"""Plain words under the HTML parse mode (issue 14, item 2): `plain` makes any words read
exactly as written, checked with the emulator's HTML parser, which follows Telegram's."""

from __future__ import annotations

import pytest

from bot.emulator.formatting import parse_html
from bot.handlers.escaping import plain
from tests.auxil.content import content_texts

AWKWARD = ["Go to A&E now", "Smith & Jones <Partners>", "it itches <3", "a < b > c",
           "&amp; &lt;b&gt; &#39;", "<b>bold</b> <i>not</i>", "R&D &amp", "“quoted” 'too'"]
"""Words a practice, a patient or a clinician may write that HTML would read otherwise."""


@pytest.mark.parametrize("words", AWKWARD)
def test_plain_words_read_exactly_as_written_with_no_formatting(words: str) -> None:
    assert parse_html(plain(words)) == (words, [])


@pytest.mark.parametrize("name", ["journey", "messages", "quality"])
def test_patient_texts_hold_no_formatting_tags(name: str) -> None:
    """Patient words are sent as plain text (escaped): a tag a clinician adds for bold would
    reach the patient as written, so there are none."""
    texts = content_texts(name)
    assert texts
    for words in texts:
        assert parse_html(words)[1] == [], words


@pytest.mark.parametrize("name", ["inbox", "channels"])
def test_gp_and_staff_texts_are_well_formed_html(name: str) -> None:
    """GP and staff words may be sent as HTML (`Html`): a stray "<" or an unclosed tag in
    any of them would make Telegram refuse the message, so each must parse (a literal "<" is
    written &lt;)."""
    texts = content_texts(name)
    assert texts
    for words in texts:
        parse_html(words)
