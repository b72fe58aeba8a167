"""Parse modes (HTML, MarkdownV2, Markdown) to plain text and entities, with Telegram's errors."""

from __future__ import annotations

import html
import re
from typing import Any

from .errors import ApiError, bad_request

Entity = dict[str, Any]

_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "code": "code", "pre": "pre", "a": "text_link", "tg-spoiler": "spoiler", "span": "spoiler",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_MD2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_ENTITY_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline", "strikethrough": "Strikethrough",
    "spoiler": "Spoiler", "code": "Code", "pre": "Pre", "text_link": "TextUrl",
}


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts message length."""
    return len(text.encode("utf-16-le")) // 2


def _entities_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


class _Builder:
    """Accumulates plain text and entities with UTF-16 offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.entities: list[Entity] = []

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.length += utf16_len(chunk)

    def close(self, kind: str, start: int, **extra: Any) -> None:
        if self.length > start:
            self.entities.append({"type": kind, "offset": start, "length": self.length - start,
                                  **extra})

    def result(self) -> tuple[str, list[Entity]]:
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Telegram's HTML style: a few tags, ``&lt;``-style escapes, strict about stray ``<``."""
    out = _Builder()
    stack: list[tuple[str, int, dict[str, Any]]] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            match = re.match(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);", text[i:])
            if match:
                out.add(html.unescape(match.group(0)))
                i += len(match.group(0))
            else:
                out.add("&")
                i += 1
            continue
        if char != "<":
            out.add(char)
            i += 1
            continue
        end = text.find(">", i)
        closing = text.startswith("</", i)
        body = text[i + (2 if closing else 1): end if end != -1 else len(text)]
        name = re.split(r"[\s>]", body, maxsplit=1)[0].lower() if body else ""
        if end == -1 or name not in _HTML_TAGS:
            if closing:
                raise _entities_error(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
            raise _entities_error(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}')
        if closing:
            if not stack or stack[-1][0] != name:
                raise _entities_error(
                    f"Unmatched end tag at byte offset {_byte_offset(text, i)}, expected "
                    f'"</{stack[-1][0] if stack else ""}>", found "</{name}>"')
            tag, start, extra = stack.pop()
            kind = _HTML_TAGS[tag]
            if kind == "code" and stack and stack[-1][0] == "pre":
                stack[-1][2].update({"language": extra.get("language")} if "language" in extra
                                    else {})
            if kind == "blockquote" and "expandable" in extra:
                kind = "expandable_blockquote"
                extra = {}
            out.close(kind, start, **{k: v for k, v in extra.items() if v is not None})
        else:
            extra = {}
            href = re.search(r'href\s*=\s*["\']([^"\']*)["\']', body)
            if name == "a":
                extra["url"] = html.unescape(href.group(1)) if href else ""
            lang = re.search(r'class\s*=\s*["\']language-([^"\']*)["\']', body)
            if name == "code" and lang:
                extra["language"] = lang.group(1)
            if name == "blockquote" and "expandable" in body:
                extra["expandable"] = True
            stack.append((name, out.length, extra))
        i = end + 1
    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.result()


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    """MarkdownV2: reserved characters must be escaped; entities must be closed."""
    out = _Builder()
    stack: list[tuple[str, int, int]] = []  # kind, utf16 start, char index
    i = 0
    toggles = {"*": "bold", "~": "strikethrough"}
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.add(text[i + 1])
            i += 2
            continue
        kind = None
        width = 1
        if text.startswith("||", i):
            kind, width = "spoiler", 2
        elif text.startswith("__", i):
            kind, width = "underline", 2
        elif char == "_":
            kind = "italic"
        elif char in toggles:
            kind = toggles[char]
        if kind is not None:
            if any(entry[0] == kind for entry in stack):
                while stack:
                    open_kind, start, _ = stack.pop()
                    out.close(open_kind, start)
                    if open_kind == kind:
                        break
            else:
                stack.append((kind, out.length, i))
            i += width
            continue
        if char == "`":
            fence = 3 if text.startswith("```", i) else 1
            close = text.find("`" * fence, i + fence)
            while close != -1 and text[close - 1] == "\\":
                close = text.find("`" * fence, close + 1)
            if close == -1:
                name = "Pre" if fence == 3 else "Code"
                raise _entities_error(
                    f"Can't find end of {name} entity at byte offset {_byte_offset(text, i)}")
            inner = text[i + fence: close]
            language = None
            if fence == 3 and "\n" in inner:
                first, rest = inner.split("\n", 1)
                if first.strip():
                    language, inner = first.strip(), rest
            start = out.length
            out.add(re.sub(r"\\([`\\])", r"\1", inner))
            if language:
                out.close("pre", start, language=language)
            else:
                out.close("pre" if fence == 3 else "code", start)
            i = close + fence
            continue
        if char == "[":
            stack.append(("text_link", out.length, i))
            i += 1
            continue
        if char == "]" and stack and stack[-1][0] == "text_link" and text[i + 1: i + 2] == "(":
            url_end = i + 2
            while url_end < len(text) and text[url_end] != ")":
                url_end += 2 if text[url_end] == "\\" else 1
            if url_end >= len(text):
                raise _entities_error(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, i + 2)}")
            _, start, _ = stack.pop()
            url = re.sub(r"\\(.)", r"\1", text[i + 2: url_end])
            out.close("text_link", start, url=url)
            i = url_end + 1
            continue
        if char == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
            continue
        if char in _MD2_RESERVED:
            raise _entities_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        out.add(char)
        i += 1
    if stack:
        kind, _, index = stack[-1]
        name = _ENTITY_NAMES.get(kind, kind)
        raise _entities_error(
            f"Can't find end of {name} entity at byte offset {_byte_offset(text, index)}")
    return out.result()


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url)."""
    out = _Builder()
    i = 0
    marks = {"*": "bold", "_": "italic"}
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in "*_`[":
            out.add(text[i + 1])
            i += 2
            continue
        if char in marks or char == "`" or char == "[":
            fence = "```" if text.startswith("```", i) else ("]" if char == "[" else char)
            close = text.find(fence, i + len(fence) if fence != "]" else i + 1)
            if close == -1:
                raise _entities_error(
                    "Can't find end of the entity starting at byte offset "
                    f"{_byte_offset(text, i)}")
            start = out.length
            inner = text[i + (len(fence) if fence != "]" else 1): close]
            out.add(inner)
            i = close + len(fence)
            if char == "[":
                url_match = re.match(r"\(([^)]*)\)", text[i:])
                if url_match:
                    out.close("text_link", start, url=url_match.group(1))
                    i += len(url_match.group(0))
            else:
                out.close({"```": "pre", "`": "code"}.get(fence, marks.get(char, "")), start)
            continue
        out.add(char)
        i += 1
    return out.result()


def render(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Plain text and entities for a text in the given parse mode (None: text as is)."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    if mode:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    return text, []


_AUTO = re.compile(
    r"(?P<email>(?<![\w.@])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"|(?P<url>(?<![\w@./])(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}"
    r"(?::\d+)?(?:[/?#][^\s]*[^\s.,;:!?)\]'\"])?)"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{3,32}(?![\w@]))"
    r"|(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/]))"
    r"|(?P<hashtag>(?<![\w#])#\w*[^\W\d_]\w*)")
_NO_AUTO = {"code", "pre", "text_link", "text_mention"}


def autolink(text: str, entities: list[Entity]) -> list[Entity]:
    """Add the entities Telegram finds by itself in a message: links, e-mail addresses,
    @mentions, /commands and #hashtags (each tappable in the apps), outside code, pre and
    text links. As in Telegram, only ASCII letters, digits and `_` continue a username or
    command, and a domain is broken by any other character (a word joiner, say)."""
    taken = [(e["offset"], e["offset"] + e["length"]) for e in entities
             if e["type"] in _NO_AUTO]
    found: list[Entity] = []
    for match in _AUTO.finditer(text):
        kind = match.lastgroup or "url"
        start = utf16_len(text[:match.start()])
        length = utf16_len(match.group(0))
        if any(a < start + length and start < b for a, b in taken):
            continue
        found.append({"type": kind, "offset": start, "length": length})
    return sorted([*entities, *found], key=lambda e: (e["offset"], -e["length"]))


def makes_preview(entities: list[Entity], link_preview_options: Any,
                  disable_web_page_preview: bool) -> bool:
    """Whether Telegram would add a link preview card to a text message with these entities."""
    if disable_web_page_preview:
        return False
    if isinstance(link_preview_options, dict) and link_preview_options.get("is_disabled"):
        return False
    return any(e["type"] in ("url", "text_link") for e in entities)
