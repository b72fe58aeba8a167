"""A check that never finishes, run inside a real worker to stand for a decode that hangs."""

from __future__ import annotations

import time


def hang_on_marker(data: bytes, shot: str, child: bool) -> object:
    """Hang for ever on a file starting with HANG; check anything else with the real engine."""
    if data.startswith(b"HANG"):
        while True:
            time.sleep(60)
    from bot.services.quality_worker import check_photo

    return check_photo(data, "close_up" if shot == "close_up" else "locator", child)
