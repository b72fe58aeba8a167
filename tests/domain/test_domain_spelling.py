"""The near-spelling rule the intimate-area check uses (`bot.domain.spelling`): one slip for
words of 5 letters or more, two for 8 or more, a letter typed twice counting once, and nothing
looser for short words (hazard log H67)."""

from __future__ import annotations

import pytest

from bot.domain.spelling import near, once, plain, slips


@pytest.mark.parametrize(("a", "b", "count"), [
    ("vagina", "vagina", 0), ("vagna", "vagina", 1), ("scortum", "scrotum", 1),
    ("testicals", "testicles", 2), ("gentials", "genitals", 1), ("buttons", "buttocks", 2),
    ("", "anus", 4),
])
def test_slips_count_changed_missing_added_and_swapped_letters(a: str, b: str,
                                                               count: int) -> None:
    assert slips(a, b) == count == slips(b, a)


def test_letters_are_read_plain_and_repeats_once() -> None:
    assert plain("Pénis VAGÍNA") == "penis vagina"
    assert once("bottomm") == once("bottom") == "botom"


@pytest.mark.parametrize(("typed", "listed"), [
    ("pennis", "penis"), ("peniss", "penis"), ("vagna", "vagina"), ("vigina", "vagina"),
    ("testicals", "testicles"), ("testicels", "testicles"), ("genitles", "genitals"),
    ("gentials", "genitals"), ("bottomm", "bottom"), ("bumm", "bum"), ("annus", "anus"),
    ("scrotom", "scrotum"), ("grion", "groin"),
])
def test_a_near_spelling_counts(typed: str, listed: str) -> None:
    assert near(typed, listed)


@pytest.mark.parametrize(("typed", "listed"), [
    ("grin", "groin"),       # four letters: exact only
    ("but", "butt"),         # a letter fewer is another word
    ("as", "ass"),
    ("anil", "anal"),
    ("buttons", "buttocks"),  # two slips, but seven letters
    ("virgina", "vagina"),   # two slips, six letters: listed in the content instead
])
def test_what_is_not_a_near_spelling(typed: str, listed: str) -> None:
    assert not near(typed, listed)
