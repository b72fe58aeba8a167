"""Runs photo checks in worker processes, so the bot keeps answering while a photo is checked."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Literal

from bot.quality import Assessment, assess


def _assess(data: bytes, shot: Literal["locator", "close_up"], child: bool) -> Assessment:
    """Run one assessment in a worker (a module-level function, so it can be pickled)."""
    return assess(data, shot, child=child)


class QualityPool:
    """A pool of worker processes for the quality engine; awaitable from the event loop."""

    def __init__(self, workers: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._executor: Executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)

    async def __call__(
        self, data: bytes, shot: Literal["locator", "close_up"], child: bool
    ) -> Assessment:
        """Assess a photo in a worker and return the result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _assess, data, shot, child)

    async def warm_up(self) -> None:
        """Start the workers now (importing OpenCV is slow) rather than on the first photo."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, _warm)

    def close(self) -> None:
        """Stop the workers."""
        self._executor.shutdown(wait=True, cancel_futures=True)


def _warm() -> None:
    import bot.quality  # noqa: F401  (imports OpenCV and loads the face model in the worker)
