"""The red-flag words tell the patient to get help now, never "today": the signs the content
lists for 999 (a rash that does not fade under a glass, feeling very unwell, eyes or mouth with
fever) are emergencies, and the rest need NHS 111 now (the service excludes conditions "of an
urgent nature", /work/shared seed page; bot/journey/red_flags.py)."""

from __future__ import annotations

import pytest

from bot.content import text

RED_FLAG_WORDS = ("journey.red_flag.now", "journey.red_flag.now_parent",
                  "journey.confirm.means.red_flag", "journey.stop.red_flag",
                  "journey.stop.red_flag_parent", "journey.stop.red_flag_after",
                  "journey.stop.red_flag_after_parent", "journey.red_flag.ended",
                  "journey.red_flag.ended_parent")
"""Every text a patient reads about a red-flag "yes"."""


@pytest.mark.parametrize("key", RED_FLAG_WORDS)
def test_the_patient_is_told_to_get_help_now_not_today(key: str) -> None:
    words = text(key)
    assert "today" not in words.lower(), "a red flag cannot wait until later today"
    assert "now" in words.lower()


@pytest.mark.parametrize("key", [key for key in RED_FLAG_WORDS if "means" not in key])
def test_a_rash_that_does_not_fade_under_a_glass_means_999(key: str) -> None:
    words = text(key)
    glass = next(line for line in words.splitlines() if "glass" in line)
    assert glass.startswith("Call 999"), "999, not 111, for a rash that does not fade"
