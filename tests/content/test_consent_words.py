"""A parent of a baby or toddler is told, in the question itself, that they need not ask the
child: "ask the child" names the button for a child too young to understand, in that
button's own words, so editing one cannot leave the other behind (hazard log H19)."""

from __future__ import annotations

import pytest

from bot.content import text
from bot.journey.prompts import CONSENT_QUESTIONS

ALSO = [(asked.ask, key) for asked in CONSENT_QUESTIONS.values() for _, key in asked.also]


def test_the_child_question_offers_too_young_to_understand() -> None:
    assert ("child_agrees", "child_too_young") in ALSO


@pytest.mark.parametrize(("ask", "key"), ALSO, ids=[key for _, key in ALSO])
def test_the_question_names_its_extra_button_in_the_buttons_words(ask: str, key: str) -> None:
    assert f'"{text(f"journey.consent.{key}")}"' in text(f"journey.consent.{ask}")
