"""The patient's words for the quality engine's reason codes.

The engine (`bot.quality`) says what fell short as codes (`Check.name` and `Check.reason`, or a
refusal); the words are the clinician-editable texts in `bot/content/quality.toml`, keyed
`quality.<check>.<reason>` (and `quality.refusal.<refusal>`).
"""

from __future__ import annotations

from typing import Protocol

from bot.content import text
from bot.domain.questions import worded


class CodedCheck(Protocol):
    """What this module reads of one quality check."""

    @property
    def name(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def reason(self) -> str | None: ...


SIZE_KEYS = {"too_small": "quality.size.too_small", "small": "quality.size.larger"}
NEAR_OR_FAR = ("far", "close")
"""Framing reasons worded differently when the photo is only warned about (`<reason>_warn`)."""


def check_advice(check: CodedCheck, *, width: int, height: int,
                 original: bool = False, parent: bool = False) -> str | None:
    """The advice for a check that warned or failed, or None (it passed, or has no reason).

    `width` and `height` are the photo's size in pixels, quoted by the "too small" advice.
    `original`: the picture is the patient's original at its own size (sent as a file, or
    a photo Telegram did not shrink, `photo_step.original_size`), so the size advice says to
    take a new photo with the camera (`quality.size.<key>_original`), never to send it as a
    file, which would send the same small picture.
    `parent`: a parent takes a child's photos, so advice about the patient's own body is
    worded for them where the content has a `_parent` text ("where on the child's body").
    KeyError if a content file lacks the words for a reason the engine gives.
    """
    reason = check.reason
    if check.status == "pass" or reason is None:
        return None
    if check.name == "size":
        return text(SIZE_KEYS[reason] + ("_original" if original else ""), width=width,
                    height=height)
    if check.name == "framing" and reason in NEAR_OR_FAR and check.status == "warn":
        return worded(f"quality.framing.{reason}_warn", parent=parent)
    return worded(f"quality.{check.name}.{reason}", parent=parent)


def refusal_advice(refusal: str, *, original: bool = False) -> str:
    """The words for a photo the engine would not check (`Assessment.refusal`: not_an_image,
    corrupt, too_small...); a too small `original` (as for `check_advice`) is asked for a new
    photo with the camera (`quality.refusal.too_small_original`)."""
    if refusal == "too_small" and original:
        return text("quality.refusal.too_small_original")
    return text(f"quality.refusal.{refusal}")
