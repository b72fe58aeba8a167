"""Intimate areas typed misspelt, run together, with marks, capitals or emoji, and in the
answer to "What have you tried?", measured on fixtures of what patients type
(`tests/domain/data/*.txt`): every intimate answer stops, no ordinary one does (hazard log
H67). The fixtures were rewritten blind after being lost; answers the rule does not read
are kept in them as comments ("known misses", docs/clinical-safety/intimate-words.md). Before
session 36 the check found 135 of their 177 intimate answers typed for "Exactly where?" and
read nothing typed for "What have you tried?". Answers added blind in words37 (hazard log
H72): before it, 183 of 306 intimate "Exactly where?" answers and 39 of 54 "What have you
tried?" ones were found, and 2 of 388 and 2 of 157 ordinary ones stopped ("the rear end of my
car")."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import texts
from bot.domain.intimate import names_intimate_area, tried_names_intimate_area
from bot.domain.spelling import near, plain

DATA = Path(__file__).resolve().parent / "data"


def answers(name: str) -> list[str]:
    """The answers in a fixture file: one a line, without blank lines and # comments."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_the_fixtures_are_big_enough_to_measure() -> None:
    assert len(answers("ordinary_where.txt")) >= 150
    assert len(answers("intimate_where.txt")) >= 80
    assert len(answers("ordinary_tried.txt")) >= 50
    assert len(answers("intimate_tried.txt")) >= 20


def test_every_intimate_answer_to_exactly_where_stops() -> None:
    missed = [a for a in answers("intimate_where.txt") if not names_intimate_area(a)]
    assert missed == []


def test_no_ordinary_answer_to_exactly_where_stops() -> None:
    stopped = [a for a in answers("ordinary_where.txt") if names_intimate_area(a)]
    assert stopped == []


def test_every_intimate_answer_to_what_was_tried_stops() -> None:
    missed = [a for a in answers("intimate_tried.txt") if not tried_names_intimate_area(a)]
    assert missed == []


def test_no_ordinary_answer_to_what_was_tried_stops() -> None:
    stopped = [a for a in answers("ordinary_tried.txt") if tried_names_intimate_area(a)]
    assert stopped == []


@pytest.mark.parametrize("answer", [
    "vagna", "pennis", "virgina", "testicals", "buttcheek", "inner thigh/groin",
    "inner-thigh-groin", "BOTTOMM", "my 🍑", "😢 vagina", "pénis", "leftbreast", "genitles",
])
def test_the_misspellings_of_the_brief_stop(answer: str) -> None:
    assert names_intimate_area(answer)
    assert tried_names_intimate_area(f"cream on my {answer} too")


@pytest.mark.parametrize("answer", [
    "the bottom of my foot", "bottoms of my feet", "breastbone", "a funny patch on my arm",
    "tennis elbow", "belly button",
])
def test_the_ordinary_answers_of_the_brief_go_on(answer: str) -> None:
    assert not names_intimate_area(answer)


def test_a_product_excuses_its_word_in_what_was_tried_only() -> None:
    """"nappy cream" tried on the arm goes on (the GP reads it as typed), but typed for where
    the rash is it stops, and anything else named with it still stops."""
    assert not tried_names_intimate_area("nappy cream")
    assert names_intimate_area("nappy cream")
    assert tried_names_intimate_area("nappy cream on her bottom")
    assert tried_names_intimate_area("nipple cream on my nipples")


def test_an_ordinary_word_still_counts_where_listed_exactly() -> None:
    """The `ordinary` list only stops a word being read as a misspelling: no ordinary word is
    an entry (each is still found where typed exactly), and each is there because it is near
    a listed word or ends with one."""
    ordinary = {plain(word) for word in texts("intimate.ordinary")}
    listed = {plain(entry) for entry in texts("intimate.words")}
    assert ordinary.isdisjoint(listed)
    parts = {part for entry in listed for part in (*entry.split(), entry.replace(" ", ""))}
    far = [word for word in ordinary
           if not any(near(word, part) or (len(part) >= 5 and word.endswith(part))
                      for part in parts)]
    assert far == [], "each is near a listed word, or ends with one"


def test_every_product_names_an_intimate_word() -> None:
    """A product is listed only because its name holds an intimate word: each is found as one
    for "Exactly where?" and excused for "What have you tried?"."""
    for product in texts("intimate.products"):
        assert names_intimate_area(product), product
        assert not tried_names_intimate_area(product), product
