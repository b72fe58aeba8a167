"""A scripted stand-in for the quality engine, for fast journey tests (the real one is tested
on real photographs in tests/quality and end to end)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FakeCheck:
    """One check result, shaped like the engine's."""

    name: str
    status: str
    value: float = 0.0
    threshold: float = 0.0
    reason: str | None = None


@dataclass(frozen=True)
class FakeAssessment:
    """An assessment, shaped like the engine's."""

    verdict: str
    checks: tuple[FakeCheck, ...] = ()
    image: bytes | None = None
    refusal: str | None = None
    width: int = 1600
    height: int = 1200


@dataclass
class ScriptedChecker:
    """Judges a photo by a marker at the start of its bytes: BLUR, FACE, WARN, JUNK or good."""

    calls: list[tuple[str, bool]] = field(default_factory=list)

    async def __call__(self, data: bytes, shot: str, child: bool) -> FakeAssessment:
        self.calls.append((shot, child))
        if data.startswith(b"JUNK"):
            return FakeAssessment("retake", refusal="not_an_image")
        if data.startswith(b"BLUR"):
            blur = FakeCheck("sharpness", "fail", 0.1, 0.5, "blurred")
            return FakeAssessment("retake", (blur,), image=b"clean:" + data)
        if data.startswith(b"FACE"):
            face = FakeCheck("face", "fail" if child else "warn", 1, 0,
                             "child" if child else "adult")
            verdict = "retake" if child else "accept"
            return FakeAssessment(verdict, (face,), image=b"clean:" + data)
        if data.startswith(b"WARN"):
            size = FakeCheck("size", "warn", 900, 1024, "small")
            return FakeAssessment("accept", (size,), image=b"clean:" + data)
        return FakeAssessment("accept", (FakeCheck("sharpness", "pass", 0.9, 0.5),),
                              image=b"clean:" + data)
