"""What the journey says back: texts, buttons, example pictures and photo albums."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Button:
    """A button under a message; `data` names the step, the question and the choice."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the patient: text, with optional buttons, picture or album of photos."""

    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    picture: Path | None = None
    album: tuple[tuple[bytes, str], ...] = field(default=(), repr=False)


def say(text: str, *rows: tuple[Button, ...]) -> Reply:
    """Return a text reply with rows of buttons."""
    return Reply(text=text, buttons=tuple(rows))


def one_per_row(*buttons: Button) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out one per row (easier to tap for long labels)."""
    return tuple((button,) for button in buttons)


def button_data(stage: str, question: str, value: str) -> str:
    """Encode a button's choice; it carries no ids, the case comes from who tapped."""
    data = f"{stage}|{question}|{value}"
    if len(data.encode("utf-8")) > 64:
        raise ValueError("button data over Telegram's 64-byte limit")
    return data


def parse_button_data(data: str) -> tuple[str, str, str] | None:
    """Decode a button's choice, or None for data this journey did not make."""
    parts = data.split("|")
    if len(parts) != 3:
        return None
    return parts[0], parts[1], parts[2]
