"""The clinical inbox speaks plainly: an empty inbox is stated, not celebrated (hazard log H50)."""

from __future__ import annotations

import re

from bot.content import text

EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
"""Pictographs and symbols (🎉, ✅, ⭐...)."""


def test_an_empty_inbox_is_said_plainly_without_emoji() -> None:
    """A GP's /inbox with nothing waiting says so in plain words, the same with or without
    the practice named."""
    empty = text("inbox.gp.inbox_empty")
    named = text("inbox.gp.inbox_empty_at", practice="The Lawson Practice")
    for words in (empty, named):
        assert not EMOJI.search(words), words
    assert named.replace(" at The Lawson Practice", "") == empty
