"""Every message a patient gets without having just asked for it (`UNPROMPTED`) starts with a
line that a lock screen can show to anyone near the phone: no blank the bot fills with what
the patient told it or staff typed (the request, the body area, a date of birth, a reference),
no health condition and no body part; the details follow after a blank line."""

from __future__ import annotations

import re

import pytest

from bot.content import text
from bot.services.unprompted import FIRST_LINE_PLACEHOLDERS, UNPROMPTED, first_line

PLACEHOLDER = re.compile(r"\{(\w+)\}")
SITES = ("face", "neck", "arm", "leg", "chest", "back", "breast", "private")
"""The body areas of the site question (`journey.screening.site`)."""
CONDITIONS = ("rash", "skin", "mole", "eczema", "psoriasis", "spot")


def body_words() -> set[str]:
    """Each word of each body area's label, lower case, without "or" ("arm", "hand"...)."""
    labels = [text(f"journey.screening.site.{site}").lower() for site in SITES]
    return {word for label in labels for word in label.split() if word not in ("or", "and")}


@pytest.mark.parametrize("key", UNPROMPTED)
def test_the_first_line_fills_in_nothing_about_the_patient(key: str) -> None:
    line = first_line(text(key))
    assert set(PLACEHOLDER.findall(line)) <= FIRST_LINE_PLACEHOLDERS, line


@pytest.mark.parametrize("key", UNPROMPTED)
def test_the_first_line_names_no_health_condition_and_no_body_part(key: str) -> None:
    named = set(re.findall(r"[a-z]+", first_line(text(key)).lower()))
    assert not named & (body_words() | set(CONDITIONS)), first_line(text(key))


@pytest.mark.parametrize("key", [key for key in UNPROMPTED if "{" in text(key)])
def test_what_is_filled_in_comes_after_a_blank_line(key: str) -> None:
    """A message with details about the patient's request says who it is from first, alone."""
    lines = text(key).split("\n")
    assert len(lines) > 2 and lines[1] == "", "the opening line, a blank line, the details"


OPENINGS = ("inbox.patient.referred", "inbox.patient.urgent", "inbox.patient.stopped_by_practice",
            "journey.cases.gp_asked_other")
"""Messages whose first lines are the few neutral openings every unprompted message starts
with: who it is from (the practice, urgent or not, or named), or that more than one request is
open."""


@pytest.mark.parametrize("key", UNPROMPTED)
def test_the_first_line_is_one_of_the_neutral_openings(key: str) -> None:
    """Not only free of blanks and body words: a first line that says something of its own
    ("Your practice now has the child's photos...") tells whoever sees the lock screen about
    the request, and may arrive long after Send. Each says only whom it is from."""
    openings = {first_line(text(opening)) for opening in OPENINGS}
    assert first_line(text(key)) in openings, first_line(text(key))


@pytest.mark.parametrize("key", UNPROMPTED)
def test_a_parents_version_is_listed_with_the_patients(key: str) -> None:
    base = key.removesuffix("_parent")
    try:
        text(f"{base}_parent")
    except KeyError:
        return
    assert {base, f"{base}_parent"} <= set(UNPROMPTED)


def test_no_sentence_naming_a_request_says_a_date_of_birth() -> None:
    named = [f"journey.cases.named_{whose}{site}" for whose in ("child", "own")
             for site in ("", "_no_site")]
    assert not [key for key in named if "{born}" in text(key)]
    with pytest.raises(KeyError):
        text("journey.cases.named_child_born")
