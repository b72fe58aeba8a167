"""Plain words under the HTML parse mode (issue 14, item 2): `plain` makes any words read
exactly as written, checked with the emulator's HTML parser, which follows Telegram's."""

from __future__ import annotations

import tomllib

import pytest

from bot.content import resource
from bot.emulator.formatting import parse_html
from bot.handlers.escaping import plain

AWKWARD = ["Go to A&E now", "Smith & Jones <Partners>", "it itches <3", "a < b > c",
           "&amp; &lt;b&gt; &#39;", "<b>bold</b> <i>not</i>", "R&D &amp", "“quoted” 'too'"]
"""Words a practice, a patient or a clinician may write that HTML would read otherwise."""


@pytest.mark.parametrize("words", AWKWARD)
def test_plain_words_read_exactly_as_written_with_no_formatting(words: str) -> None:
    assert parse_html(plain(words)) == (words, [])


def content_texts(name: str) -> list[str]:
    """Every text of one content file (`bot/content/<name>.toml`)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.append(node)

    walk(tomllib.loads(resource(f"{name}.toml").read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("name", ["journey", "messages", "quality"])
def test_every_patient_text_reads_as_written_whatever_a_clinician_puts_in_it(name: str) -> None:
    texts = content_texts(name)
    assert texts
    for words in texts:
        assert parse_html(plain(words)) == (words, []), words
