"""The quality engine's answer: one verdict, a list of checks, and the cleaned photo.

The engine gives reason codes only (`Check.reason`, `Assessment.refusal`); the journey turns
them into the patient's words (`bot.journey.photo_advice`, from `bot/content/quality.toml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Shot = Literal["locator", "close_up"]
Status = Literal["pass", "warn", "fail"]
Verdict = Literal["accept", "retake"]
Refusal = Literal[
    "not_an_image", "corrupt", "animated", "too_many_pixels", "too_small", "file_too_big",
    "too_complex", "too_slow", "screenshot",
]

CHECK_NAMES: tuple[str, ...] = ("size", "sharpness", "exposure", "framing", "face")


@dataclass(frozen=True, slots=True)
class Check:
    """One check: what was measured, the limit it was judged against, and why it fell short.

    `score` puts every check on one scale for evaluation: 0 is clearly fine and 1 or more fails
    (a warning sits between `warn_at` and 1, for the checks that warn). `reason` names what is
    wrong when the check warns or fails (size: too_small/small; sharpness: blurred/shake/soft;
    exposure: dark/bright/glare/cast/uneven...; framing: far/close/...; face: child/adult;
    screen: screenshot, a check present only when it fails), and may name what was seen when
    it passes (face: face_shot; framing: not_judged, for a black-and-white photo, whose skin
    cannot be found by its colour, so its distance is not judged).
    """

    name: str
    status: Status
    value: float
    threshold: float
    score: float = 0.0
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    """The verdict on one photo. `image` is the photo to keep (JPEG, upright, no metadata)."""

    verdict: Verdict
    checks: tuple[Check, ...]
    width: int
    height: int
    image: bytes | None
    refusal: Refusal | None = None

    def check(self, name: str) -> Check | None:
        """Return the check with this name, or None if it was not run (for example, a refusal)."""
        return next((c for c in self.checks if c.name == name), None)


def verdict_of(checks: tuple[Check, ...]) -> Verdict:
    """A fail on any check means retake; warnings are shown but accepted."""
    return "retake" if any(c.status == "fail" for c in checks) else "accept"


def grade(score: float, *, warn_at: float | None = None) -> Status:
    """Turn a score (1 or more fails) into a status, warning from `warn_at` if given."""
    if score >= 1.0:
        return "fail"
    if warn_at is not None and score >= warn_at:
        return "warn"
    return "pass"
