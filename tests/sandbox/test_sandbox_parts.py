"""Sandbox parts on their own: HTML rendering, albums, chat actions, the real-token guard."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.content import text
from bot.emulator.models import Chat, SentMessage
from bot.sandbox import transcript
from bot.sandbox.guard import SANDBOX_TOKEN, looks_real, real_token_problem
from bot.sandbox.render import to_html
from bot.sandbox.transcript import ChatState

REAL_LOOKING = "1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


def test_html_is_escaped_and_entities_become_tags() -> None:
    shown = to_html("<script>alert(1)</script> bold", [{"type": "bold", "offset": 26,
                                                         "length": 4}])
    assert shown == "&lt;script&gt;alert(1)&lt;/script&gt; <b>bold</b>"


def test_offsets_count_utf16_like_telegram() -> None:
    text = "✅ 👍 done and link"
    entities = [{"type": "italic", "offset": 5, "length": 4},
                {"type": "text_link", "offset": 14, "length": 4, "url": "https://nhs.uk/"}]
    assert to_html(text, entities) == ("✅ 👍 <i>done</i> and <a href=\"https://nhs.uk/\" "
                                       "target=\"_blank\" rel=\"noopener noreferrer\">link</a>")


def test_unsafe_links_lose_their_href_and_bare_links_and_commands_are_linked() -> None:
    assert "href" not in to_html("x", [{"type": "text_link", "offset": 0, "length": 1,
                                        "url": "javascript:alert(1)"}])
    shown = to_html("Open https://t.me/bot?start=ab-c_1. Or type /invite now.")
    assert 'href="https://t.me/bot?start=ab-c_1"' in shown
    assert 'data-cmd="/invite"' in shown
    assert "data-cmd" not in to_html("and/or 1/2", [])
    assert "data-cmd" not in to_html("/start x", [], commands=False)


def test_nested_entities_and_code_are_not_linked() -> None:
    text = "see https://x.org now"
    shown = to_html(text, [{"type": "bold", "offset": 0, "length": 21},
                           {"type": "code", "offset": 4, "length": 13}])
    assert shown == "<b>see <code>https://x.org</code> now</b>"


def _chat() -> Chat:
    return Chat(chat={"id": 5, "type": "private"}, user={"id": 5}, started=True)


def _bot(chat: Chat, kind: str, caption: str, group: str | None) -> None:
    message_id = chat.next_message_id()
    body = {"file_id": f"f{message_id}", "file_name": f"{caption}.jpg",
            "mime_type": "image/jpeg", "file_size": 10}
    raw = {"message_id": message_id, "caption": caption, kind: body}
    record = SentMessage(message_id, chat.id, kind, text=caption, media_group_id=group, raw=raw)
    chat.messages[message_id] = raw
    chat.sent[message_id] = record
    chat.log.append(record)


def test_albums_are_grouped_and_notes_placed() -> None:
    chat = _chat()
    for caption in ("Locator", "Close-up 1", "Close-up 2"):
        _bot(chat, "document", caption, "g1")
    _bot(chat, "document", "pack", None)
    state = ChatState(notes=[transcript.Note(after=0, html="<b>hello</b>")])
    items = transcript.transcript(chat, state)
    assert [i["kind"] for i in items] == ["note", "album", "document"]
    assert [part["html"] for part in items[1]["items"]] == ["Locator", "Close-up 1", "Close-up 2"]
    assert items[1]["items"][0]["media"]["preview"] == "/files/f1"


def test_a_photo_the_bot_deleted_leaves_a_trace_in_its_place() -> None:
    chat = _chat()
    photo = {"message_id": chat.next_message_id(), "date": 1, "photo": [
        {"file_id": "p1", "width": 90, "height": 90, "file_size": 10}]}
    chat.deleted_incoming[photo["message_id"]] = photo
    _bot(chat, "document", text("journey.photos.accepted", number=1), None)
    before = transcript.signature(chat, ChatState())
    items = transcript.transcript(chat, ChatState())
    assert [(i["from"], i["kind"]) for i in items] == [("me", "deleted"), ("bot", "document")]
    assert "deleted" in items[0]["html"] and items[0]["media"] is None, "no photo shown"
    chat.deleted_incoming[chat.next_message_id()] = {"message_id": 3, "text": "hi"}
    assert transcript.signature(chat, ChatState()) != before, "the page redraws"


def test_chat_action_shows_until_a_message_or_five_seconds(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    chat, state = _chat(), ChatState()
    now = [100.0]
    monkeypatch.setattr(transcript.time, "monotonic", lambda: now[0])
    assert state.current_action(chat) is None
    chat.chat_actions.append("upload_photo")
    assert state.current_action(chat) == {"action": "upload_photo", "age": 0.0}
    now[0] += 6
    assert state.current_action(chat) is None
    chat.chat_actions.append("typing")
    assert state.current_action(chat) is not None
    _bot(chat, "photo", "", None)
    assert state.current_action(chat) is None


def test_real_tokens_are_recognised() -> None:
    assert looks_real(REAL_LOOKING)
    assert not looks_real(SANDBOX_TOKEN) and not looks_real("123456:TEST-TOKEN")
    assert not looks_real(None) and not looks_real("")


def test_the_sandbox_refuses_to_start_beside_a_real_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert real_token_problem() is None
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={REAL_LOOKING}\n")
    assert ".env" in (real_token_problem() or "")
    (tmp_path / ".env").unlink()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", REAL_LOOKING)
    assert main(["sandbox", "--port", "0"]) == 2
    error = capsys.readouterr().err
    assert "looks like a real bot token" in error and "never contacts Telegram" in error
    assert REAL_LOOKING not in error
