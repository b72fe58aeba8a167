"""Text a patient typed, made inert before it is shown to a GP or staff in Telegram.

Telegram turns links, e-mail addresses, @mentions, /commands and #hashtags in a message into
tappable entities by itself (a typed "/delete" becomes a command the GP can tap; a typed link
opens a page). The bot sends no link previews at all (`bot/app.py`, `Defaults`); on top of
that, patient text gets a WORD JOINER (U+2060, invisible, zero width) after each `@`, `/`, `#`,
after a `.` or `:` that joins two parts of a word or address, so none of these is recognised:
Telegram continues usernames and commands only with ASCII letters, digits and `_`, and domains
only with letters, digits, `-` and a few joiners that do not include U+2060. The words read
the same; only what is sent to Telegram changes, never what is stored or put in the referral
pack.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
_JOINS = re.compile(r"[@/#]|[.:](?=[^\s.:])")


def defuse(typed: str) -> str:
    """The same text with a word joiner after each character that could start or join a link,
    mention, command, hashtag or e-mail address; plain words are unchanged."""
    return _JOINS.sub(lambda found: found.group(0) + WORD_JOINER, typed)
