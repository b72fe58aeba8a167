"""Which typed answers may name a red-flag sign (`bot.domain.red_flag_signs`, hazard log H74):
each sign asked at screening is found as whole words in any case, accents and apostrophes
aside; everyday answers about where the rash is and what was tried are not."""

from __future__ import annotations

import pytest

from bot.content import texts
from bot.domain.red_flag_signs import SIGNS, names_red_flag_sign


@pytest.mark.parametrize("typed", [
    "Paracetamol for my high TEMPERATURE",
    "calpol, she has a fever",
    "inside my mouth and on my lips",
    "around my eyes",
    "the skin is peeling off",
    "Blisters on my arm",
    "it is spreading fast",
    "it doesn’t fade with the glass test",
    "purple spots",
    "I feel really unwell",
])
def test_a_sign_typed_is_found(typed: str) -> None:
    assert names_red_flag_sign(typed)


@pytest.mark.parametrize("typed", [
    "left forearm", "back of right knee", "E45 cream", "hydrocortisone 1%", "moisturiser",
    "Piriton", "sudocrem", "nothing yet", "inner elbow", "it spreads a bit", "eyeliner",
    "the top of my feet", "illness", "it keeps coming back",
])
def test_everyday_answers_are_not_a_sign(typed: str) -> None:
    assert not names_red_flag_sign(typed)


def test_every_sign_asked_has_its_list() -> None:
    assert all(texts(f"red_flag_signs.signs.{sign}") for sign in SIGNS)
