"""Signed button data for staff and GP buttons: forged or replayed taps are recognised."""

from __future__ import annotations

import base64
import hashlib
import hmac

PREFIX = "m"
SIGNATURE_CHARS = 12  # 72 bits


class ButtonSigner:
    """Sign callback data for one chat, so it cannot be guessed, altered or used elsewhere."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _signature(self, chat_id: int, payload: str) -> str:
        digest = hmac.new(self._secret, f"{chat_id}|{payload}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_CHARS]

    def sign(self, chat_id: int, *parts: str | int) -> str:
        """Return `m|part|part|signature`, at most 64 bytes as Telegram requires."""
        payload = "|".join([PREFIX, *(str(p) for p in parts)])
        data = f"{payload}|{self._signature(chat_id, payload)}"
        if len(data.encode()) > 64:
            raise ValueError("button data over Telegram's 64-byte limit")
        return data

    def verify(self, chat_id: int, data: str) -> list[str] | None:
        """Return the signed parts if the data was signed for this chat, else None."""
        payload, _, signature = data.rpartition("|")
        if not payload.startswith(PREFIX + "|"):
            return None
        if not hmac.compare_digest(signature, self._signature(chat_id, payload)):
            return None
        return payload.split("|")[1:]


def signer_for_token(token: str) -> ButtonSigner:
    """A signer whose key is derived from the bot token (a secret only the bot holds)."""
    return ButtonSigner(hmac.new(token.encode(), b"button-signing", hashlib.sha256).digest())
