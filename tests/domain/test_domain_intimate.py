"""Which typed words name an intimate area (`bot.domain.intimate`, words in
`bot/content/intimate.toml`): whole words in any case, never part of another word, and not the
"bottom" of a foot or back (hazard log H66)."""

from __future__ import annotations

import pytest

from bot.content import texts
from bot.domain.intimate import names_intimate_area, tried_names_intimate_area


@pytest.mark.parametrize("answer", [
    "around my genitals and anus", "Left BREAST", "under my breasts", "near my bottom",
    "lower back, near my bottom", "peri-anal", "penis", "scrotum", "vulva", "groin crease",
    "private  parts", "my privates", "pubic area", "nipple", "bum cheek", "inner thigh, groin",
    "bottom of my bum",
    # what a newcomer typed, or checked, in the sandbox walkthrough (session 35)
    "nappy area", "in the nappy area", "vulval", "scrotal skin", "penile", "perineal",
    "testicular", "labial", "pubes", "tits", "dick", "vag", "backside", "bikini area",
    "my sack", "between her legs", "down there",
])
def test_an_intimate_area_is_found(answer: str) -> None:
    assert names_intimate_area(answer)


@pytest.mark.parametrize("answer", [
    "breastbone", "Breast-bone", "bottom of my foot", "bottom of my back", "left forearm",
    "back of right knee", "bottom lip", "balls of my feet", "analysis", "buttoned shirt line",
    "grin lines", "Scunthorpe", "", "assorted spots", "titanium plate scar", "a sackful",
    "backs of both hands", "behind my ear",
])
def test_words_that_only_look_intimate_are_not(answer: str) -> None:
    assert not names_intimate_area(answer)


def test_the_brief_s_words_are_all_in_the_list() -> None:
    listed = set(texts("intimate.words"))
    assert {"genitals", "genital", "penis", "scrotum", "testicles", "vulva", "vagina", "labia",
            "anus", "anal", "perianal", "bottom", "buttocks", "groin", "breast", "nipple",
            "pubic", "private parts"} <= listed
    for entry in texts("intimate.words"):
        assert names_intimate_area(entry), f"{entry!r} must find itself"


@pytest.mark.parametrize("answer", ["nether regions", "in my nether region", "bellend",
                                    "on my bell end", "my rear end"])
def test_common_words_for_the_area_missed_in_review36_are_found(answer: str) -> None:
    """Everyday words for the genitals or bottom that the lists did not hold (review36)."""
    assert names_intimate_area(answer)


@pytest.mark.parametrize("answer", ["diaper cream", "diaper rash cream", "Diaper creams",
                                    "diaper ointment"])
def test_diaper_cream_is_excused_in_what_was_tried_as_nappy_cream_is(answer: str) -> None:
    """"Diaper" is listed as "nappy" is, so its creams are excused as nappy creams are, in
    "What have you tried?" only; with an area named it still stops."""
    assert not tried_names_intimate_area(answer)
    assert names_intimate_area(answer)
    assert tried_names_intimate_area(f"{answer} on her bottom")
