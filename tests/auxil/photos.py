"""Small real JPEGs for tests that need photo files but not photo quality."""

from __future__ import annotations

import io

from PIL import Image


def tiny_jpeg(shade: int = 0) -> bytes:
    """An 8x8 JPEG; different shades give different bytes."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (100 + 20 * shade, 80, 60)).save(out, "JPEG")
    return out.getvalue()
