"""A black-and-white photo (a phone's mono filter or mode, a greyscale file) shows no colour,
and the doctor judges redness by colour (audit29, hazard log H34): it is sent back as having no
colour, not as "too far away" (skin is found by its colour, so none was found) and not
accepted with a tip. Photos in colour, the dullest real ones and dim dark skin included, pass."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.quality import assess
from tests.auxil.e2e.bot_app import sample

REAL = Path(__file__).parent / "real"


def _mono(jpeg: bytes, mode: str) -> bytes:
    grey = Image.open(io.BytesIO(jpeg)).convert("L")
    out = io.BytesIO()
    (grey if mode == "L" else grey.convert("RGB")).save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.mark.parametrize("mode", ["L", "RGB"])
@pytest.mark.parametrize(("name", "shot"), [("locator-good.jpg", "locator"),
                                            ("close-up-good.jpg", "close_up"),
                                            ("close-up-good-2.jpg", "close_up")])
def test_a_black_and_white_photo_is_sent_back_for_its_colour_alone(
    name: str, shot: str, mode: str
) -> None:
    result = assess(_mono(sample(name), mode), shot)  # type: ignore[arg-type]
    assert result.verdict == "retake"
    failed = {c.name: c.reason for c in result.checks if c.status != "pass"}
    assert failed == {"exposure": "grey"}, failed
    framing = result.check("framing")
    assert framing is not None and framing.reason == "not_judged", "distance is not judged"


@pytest.mark.parametrize("path", sorted(REAL.glob("*.jpg")), ids=lambda p: p.stem)
def test_real_photos_in_colour_are_never_called_black_and_white(path: Path) -> None:
    data = path.read_bytes()
    for shot in ("locator", "close_up"):
        result = assess(data, shot)  # type: ignore[arg-type]
        assert all(c.reason not in ("grey", "not_judged") for c in result.checks)


def test_dim_very_dark_skin_is_not_called_black_and_white() -> None:
    rgb = np.asarray(Image.open(io.BytesIO(sample("close-up-good.jpg"))).convert("RGB"))
    monk_10 = np.array([41, 36, 32], np.float32) / 255  # Monk 10, #292420
    dim = (rgb.astype(np.float32) * monk_10 * 0.6).clip(0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(dim).save(out, "JPEG", quality=90)
    result = assess(out.getvalue(), "close_up")
    assert all(c.reason != "grey" for c in result.checks)
