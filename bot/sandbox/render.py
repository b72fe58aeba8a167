"""Message text and Telegram entities to safe HTML for the browser chat (everything escaped)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

_LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]|/[A-Za-z][A-Za-z0-9_]{0,31}\b")
_SCHEMES = ("http://", "https://", "tg://")
_TAGS = {"bold": "b", "italic": "i", "underline": "u", "strikethrough": "s", "code": "code",
         "pre": "pre", "blockquote": "blockquote"}


def _utf16_index(text: str) -> dict[int, int]:
    """UTF-16 offset (as Telegram counts) -> index into the Python string."""
    found: dict[int, int] = {}
    units = 0
    for index, char in enumerate(text):
        found[units] = index
        units += 2 if ord(char) > 0xFFFF else 1
    found[units] = len(text)
    return found


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def link(url: str, label: str) -> str:
    """An anchor for an allowed URL (http, https, tg), or the escaped label alone."""
    if not url.lower().startswith(_SCHEMES):
        return html.escape(label)
    return (f'<a href="{_attr(url)}" target="_blank" rel="noopener noreferrer">'
            f"{html.escape(label)}</a>")


def plain(text: str, commands: bool = True) -> str:
    """Escape text, turning bare URLs (and /commands, for bot messages) into links."""
    out: list[str] = []
    position = 0
    for match in _LINK.finditer(text):
        found = match.group(0)
        if found.startswith("/"):
            before = text[match.start() - 1] if match.start() else " "
            if not commands or (not before.isspace() and before not in "(\"'"):
                continue
        out.append(html.escape(text[position:match.start()]))
        if found.startswith("/"):
            out.append(f'<a href="#" class="cmd" data-cmd="{_attr(found)}">'
                       f"{html.escape(found)}</a>")
        else:
            out.append(link(found, found))
        position = match.end()
    out.append(html.escape(text[position:]))
    return "".join(out)


def _open(entity: Mapping[str, Any]) -> tuple[str, str]:
    kind = entity.get("type")
    if kind in _TAGS:
        tag = _TAGS[str(kind)]
        return f"<{tag}>", f"</{tag}>"
    if kind == "spoiler":
        return '<span class="spoiler">', "</span>"
    if kind == "text_link":
        url = str(entity.get("url", ""))
        if url.lower().startswith(_SCHEMES):
            return (f'<a href="{_attr(url)}" target="_blank" rel="noopener noreferrer">',
                    "</a>")
    return "", ""


def to_html(text: str | None, entities: Iterable[Mapping[str, Any]] = (),
            commands: bool = True) -> str:
    """Render a message as Telegram shows it: entities as tags, the rest escaped and linked."""
    if not text:
        return ""
    index = _utf16_index(text)
    spans = []
    for entity in entities:
        start = index.get(int(entity.get("offset", 0)))
        end = index.get(int(entity.get("offset", 0)) + int(entity.get("length", 0)))
        if start is not None and end is not None and end > start:
            spans.append((start, end, entity))
    spans.sort(key=lambda span: (span[0], -span[1]))
    out: list[str] = []
    stack: list[tuple[int, str, bool]] = []  # (end, closing tag, plain text inside)
    position = 0

    def emit(upto: int) -> None:
        nonlocal position
        if upto > position:
            chunk = text[position:upto]
            linkable = not any(inside for _, _, inside in stack)
            out.append(plain(chunk, commands) if linkable else html.escape(chunk))
            position = upto

    def close_until(limit: int) -> None:
        while stack and stack[-1][0] <= limit:
            emit(stack[-1][0])
            out.append(stack.pop()[1])

    for start, end, entity in spans:
        close_until(start)
        emit(start)
        opening, closing = _open(entity)
        if stack:
            end = min(end, stack[-1][0])
        out.append(opening)
        inside = entity.get("type") in ("text_link", "code", "pre")
        stack.append((end, closing, inside))
    close_until(len(text))
    emit(len(text))
    return "".join(out)
