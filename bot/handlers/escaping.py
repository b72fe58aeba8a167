"""What a text is when the bot sends it: HTML, because every message goes with Telegram's HTML
parse mode (python-telegram-bot `Defaults`, set in `bot.app`).

Plain words (the patient's journey, alerts, outcomes, a practice's name, anything a person typed)
go through `plain` on their way out, here at the edge, never earlier: so words stored before
they are sent, such as an outbox payload, stay plain and are escaped once, when sent. Text built
as HTML on purpose (the GP's case summary, the staff's invite summary and lists, whose values are
escaped where they are filled in) is marked `Html` where it is built or sent, and sent as it is.
"""

from __future__ import annotations

import html
from typing import NewType

Html = NewType("Html", str)
"""Text in Telegram's HTML style, ready to send: tags are meant as formatting, and every "&",
"<" and ">" meant literally is already written as "&amp;", "&lt;" and "&gt;"."""


def plain(words: str) -> Html:
    """Plain words as HTML that shows them exactly as written ("A&E", "Smith & Jones",
    "<b>" typed by a patient), with no formatting.

    Telegram refuses a message with a stray "<" (400 "can't parse entities") and reads "&lt;"
    or "&amp;" as one character, so every "&", "<" and ">" is escaped; quotes need not be.
    Never give it text that is already HTML: its tags would show as typed.
    """
    return Html(html.escape(words, quote=False))
