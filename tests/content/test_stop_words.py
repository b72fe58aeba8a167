"""Every stop of the journey gives the 999 / NHS 111 line, so a future stop cannot forget it.

The consent stops (declined, not the parent or guardian, the child says no) and a locked link
end the request before the red-flag question; until this version their words had no urgent-care
advice at all (safety review, hazard log H19). Now every stop's words are followed by
`journey.stop.urgent`, and the red-flag stop gives its own, stronger advice. A stop added to the
service's criteria, to consent or to `[stop]` in the content, is found here by its key.
"""

from __future__ import annotations

import tomllib

import pytest

from bot.content import resource, text
from bot.domain.questions import CONSENT_CRITERIA, STOP_CRITERIA, screening_questions, worded
from bot.journey.prompts import CONSENT_QUESTIONS
from bot.journey.stop_words import STOP_REASONS, URGENT, stop_key, stop_words
from bot.store.cases import RED_FLAG_STOP

PRACTICE = {"practice": "The Lawson Practice", "phone": "020 7729 7236"}
NOT_STOPS = {"red_flag_after", "ended", "ended_by_you", "urgent"}
"""`[stop]` texts that are not a stop's own words: the red-flag advice after sending, the
words for a request that has ended (they give 999 / NHS 111 themselves), and the line itself."""


@pytest.mark.parametrize("parent", [False, True], ids=["patient", "parent"])
@pytest.mark.parametrize("reason", STOP_REASONS)
def test_every_stop_ends_with_the_999_and_111_line(reason: str, parent: bool) -> None:
    words = stop_words(reason, parent=parent, **PRACTICE)
    if reason == RED_FLAG_STOP:
        assert words == worded("journey.stop.red_flag", parent=parent, **PRACTICE)
        assert "Call 999" in words and "NHS 111 now" in words, "its own, stronger advice"
        return
    own = worded(stop_key(reason), parent=parent, **PRACTICE)
    assert words == f"{own}\n\n{worded(URGENT, parent=parent)}", "its words, then the line"


def test_the_line_says_999_and_nhs_111_for_whoever_answers() -> None:
    assert "999" in text(URGENT) and "NHS 111" in text(URGENT)
    assert "999" in worded(URGENT, parent=True) and "child" in worded(URGENT, parent=True)
    assert text(URGENT) in text("journey.stop.ended", **PRACTICE), "the same words as `ended`"


def test_every_stop_there_is_has_its_words_here() -> None:
    """Each screening stop, each consent stop and each stop text of the content is one of
    `STOP_REASONS`, so its message is built with the line."""
    screening = {option.stop for child in (False, True)
                 for question in screening_questions(child=child)
                 for option in question.options if option.stop}
    assert {f"screen_{stop}" for stop in screening} <= set(STOP_REASONS)
    assert set(STOP_CRITERIA) == screening
    assert {asked.stop for asked in CONSENT_QUESTIONS.values()} <= set(STOP_REASONS)
    assert set(CONSENT_CRITERIA) <= set(STOP_REASONS)
    table = tomllib.loads(resource("journey.toml").read_text(encoding="utf-8"))["stop"]
    own = {key.removesuffix("_parent") for key in table} - NOT_STOPS
    assert {f"journey.stop.{key}" for key in own} <= {stop_key(r) for r in STOP_REASONS}


def test_a_reason_with_no_words_is_refused_not_sent_bare() -> None:
    with pytest.raises(KeyError):
        stop_key("screen_something_new")
