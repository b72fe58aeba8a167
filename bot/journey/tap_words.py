"""A short answer typed where a tap is wanted ("yes", "arm", "2"): the button it points to.

A patient with poor eyesight or little English often types the answer instead of tapping it.
Such words are an answer, not a message for the GP, so the bot says only which button to tap
(`journey.input.tap_this`, or `need_button` when they fit none or several) rather than the long
note that the GP will not see typed words. Anything longer (four words or more, or a word no
button has, such as "fever") may be a symptom and keeps that note and its safety net.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.journey.replies import Button

YES = frozenset({"yes", "y", "yeah", "yep", "yea"})
NO = frozenset({"no", "n", "nope", "not"})
THANKS = frozenset({"ok", "okay", "thanks", "thank", "you"})
"""Words that answer nothing: a tap is asked for, and no button is named."""
FILLER = frozenset({"a", "an", "the", "or", "of", "it", "is", "i", "am", "my", "on", "in",
                    "and", "please"})
NUMBERS = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six"}
MOST_WORDS = 3
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class TypedTap:
    """Typed words that answer a tap: `button` is the one they name, or None if they fit
    none of the buttons or more than one."""

    button: Button | None


def _tokens(words: str) -> list[str]:
    found = []
    for word in _WORD.findall(words.casefold()):
        if word in YES:
            word = "yes"
        elif word in NO:
            word = "no"
        if word not in FILLER:
            found.append(NUMBERS.get(word, word))
    return found


def typed_tap(words: str, buttons: Iterable[Button]) -> TypedTap | None:
    """What short typed words answer among these buttons; None if they do not look like an
    answer (too long, or a word that is in no button and is not yes, no, ok or a small number)."""
    typed = _tokens(words)
    if not typed or len(typed) > MOST_WORDS:
        return None
    labels = [(button, set(_tokens(button.label))) for button in buttons]
    matched = [button for button, said in labels if set(typed) <= said]
    anywhere = set().union(*(said for _, said in labels))
    plain = all(word in ("yes", "no") or word in THANKS or word in NUMBERS.values()
                or (word.isdigit() and len(word) <= 2) or word in anywhere for word in typed)
    if not plain:
        return None
    return TypedTap(matched[0] if len(matched) == 1 else None)
