"""What the journey says back: texts, buttons, example pictures and photo albums."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field, replace
from pathlib import Path

PHONE_LINE_CHARS = 34
"""Characters on one line of a chat bubble on a 360-point-wide phone screen with large text."""
PHONE_LINES = 18
"""Lines of a chat bubble that fit on a phone screen without scrolling."""
MAX_WORDS = 80
"""Most words in one patient message (issue 13; checked by scripts/reading_age.py)."""
MAX_TEXT = 4096
"""Telegram's limit for a message's text, in UTF-16 code units."""


@dataclass(frozen=True, slots=True)
class Button:
    """A button under a message; `data` names the step, the question and the choice."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the patient: text, with optional buttons, picture or album of photos.

    `case_id` is the case the message is about (set by `bind`): an album's messages are noted
    against it, to delete from the chat with the patient's own photo messages.
    `until_next_photo` marks buttons that stand only until the patient's next photo for the
    case, or a tap on another such button ("Use it anyway"): the handlers take them
    off then (`bot/handlers/offers.py`), so only the newest one is ever live.
    `typed_for` names a question that takes a typed answer too ("details|where", as its
    buttons' step and question): once a typed answer to it is accepted, the handlers take
    this message's buttons off, as a tap would (`Journey.typed`'s `on_answered`).
    `shows_answers` marks a message that shows the patient's answers back (the review
    summary, the body area as typed): once sent, it is noted against the case, to delete
    from the chat when the case is erased or stopped (`OutboxRepository.remember_answers`).
    """

    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    picture: Path | None = None
    album: tuple[tuple[bytes, str], ...] = field(default=(), repr=False)
    case_id: int | None = None
    until_next_photo: bool = False
    typed_for: str | None = None
    shows_answers: bool = False


def say(text: str, *rows: tuple[Button, ...]) -> Reply:
    """Return a text reply with rows of buttons."""
    return Reply(text=text, buttons=tuple(rows))


def one_per_row(*buttons: Button) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out one per row (easier to tap for long labels)."""
    return tuple((button,) for button in buttons)


def question_key(stage: str, question: str) -> str:
    """The name of a question asked at a step (`Reply.typed_for`): "details|where"."""
    return f"{stage}|{question}"


def button_data(stage: str, question: str, value: str) -> str:
    """Encode a button's choice; the journey adds the case it belongs to (`bind`)."""
    data = f"{stage}|{question}|{value}"
    if len(data.encode("utf-8")) > 64:
        raise ValueError("button data over Telegram's 64-byte limit")
    return data


_DIGITS = re.compile(r"[0-9]+")


def could_be_ours(data: str) -> bool:
    """False for button data this bot never makes: over Telegram's 64-byte limit, or with a
    digit other than 0-9 ("²" passes `str.isdigit` but not `int`) or a number of 12 digits or
    more (no id is that long; past SQLite's integers). A modified client can send any data;
    such data is answered as an old button, never read as a case or photo id."""
    if len(data.encode("utf-8", "replace")) > 64:
        return False
    if any(char.isdigit() and not "0" <= char <= "9" for char in data):
        return False
    return all(len(run) < 12 for run in _DIGITS.findall(data))


def parse_button_data(data: str) -> tuple[str, str, str] | None:
    """Decode a button's choice, or None for data this journey did not make."""
    parts = data.split("|")
    if len(parts) != 3:
        return None
    return parts[0], parts[1], parts[2]


def bind(replies: list[Reply], case_id: int) -> list[Reply]:
    """The replies as messages about this case: each button's data starts with the case id
    ("42|review|review|send"), so a tap acts on the case the button was shown for, whatever
    the patient did on another case since; /delete's buttons, which name their cases
    already, are left as they are. Raises ValueError past Telegram's 64-byte limit."""
    out = []
    for reply in replies:
        rows = tuple(tuple(_bound(button, case_id) for button in row) for row in reply.buttons)
        out.append(replace(reply, buttons=rows, case_id=case_id))
    return out


def _bound(button: Button, case_id: int) -> Button:
    if button.data.startswith("any|del_") or case_of(button.data)[0] is not None:
        return button
    data = f"{case_id}|{button.data}"
    if len(data.encode("utf-8")) > 64:
        raise ValueError("button data over Telegram's 64-byte limit")
    return replace(button, data=data)


def case_of(data: str) -> tuple[int | None, str]:
    """Split a tapped button's data into the case it was shown for (None on a button made
    before buttons named their case) and the choice (`parse_button_data`)."""
    head, _, rest = data.partition("|")
    if head.isdigit() and rest.count("|") == 2:
        return int(head), rest
    return None, data


def phone_lines(words: str) -> int:
    """How many lines the words take in a chat bubble on a phone (blank lines count)."""
    return sum(max(1, len(textwrap.wrap(line, PHONE_LINE_CHARS))) for line in words.split("\n"))


def fits_one_message(words: str) -> bool:
    """True when the words can be one message a patient reads without scrolling: at most
    `MAX_WORDS` words and `PHONE_LINES` lines on a phone, within Telegram's `MAX_TEXT`."""
    return (len(words.split()) <= MAX_WORDS and phone_lines(words) <= PHONE_LINES
            and len(words.encode("utf-16-le")) // 2 <= MAX_TEXT)


def merged(replies: list[Reply]) -> list[Reply]:
    """The same replies in fewer messages: a plain text (no buttons, picture or album) is
    joined, after a blank line, to the text message that follows it ("Thank you. That
    matches." and the first part of consent; a photo's verdict and the next request), when
    the two together still fit one message on a phone (`fits_one_message`).

    A text before a picture or an album stays its own message (a caption under a picture has
    half a screen), and so do the three parts of consent, each of which fills most of one.
    Every message counts against Telegram's limit of about 30 a second for the whole bot, so
    with many patients at once each message saved shortens everyone's wait.
    """
    out: list[Reply] = []
    for reply in replies:
        last = out[-1] if out else None
        if (last is not None and _plain(last) and reply.text
                and not (reply.picture or reply.album)
                and fits_one_message(joined := f"{last.text}\n\n{reply.text}")):
            out[-1] = replace(reply, text=joined,
                              shows_answers=reply.shows_answers or last.shows_answers)
            continue
        out.append(reply)
    return out


def _plain(reply: Reply) -> bool:
    return bool(reply.text) and not (reply.buttons or reply.picture or reply.album)
