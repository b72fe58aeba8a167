"""The photo-check workers: a hung check is stopped and replaced while other patients' photos
are checked, and the workers never outlive the bot, even after kill -9."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
from PIL import Image

from bot.services.quality_pool import QualityPool
from tests.auxil.files import encoded
from tests.auxil.processes import alive, children_of, wait_until_gone

ROOT = Path(__file__).resolve().parents[2]
HANGS = "tests.auxil.slow_check:hang_on_marker"


def photo() -> bytes:
    """A plain 1024 x 768 photo: checked (and judged) quickly by the real engine."""
    rng = np.random.default_rng(4)
    pixels = rng.integers(90, 200, (768, 1024, 3), dtype=np.uint8)
    return encoded(Image.fromarray(pixels), "JPEG", quality=90)


async def test_a_hung_check_is_stopped_and_others_are_checked_meanwhile() -> None:
    pool = QualityPool(2, time_limit=3.0, check=HANGS)
    try:
        await pool.warm_up()
        before = pool.pids()
        hung = asyncio.ensure_future(pool(b"HANG" + photo(), "close_up", False))
        await asyncio.sleep(0)
        other = asyncio.ensure_future(pool(photo(), "close_up", False))
        done, _ = await asyncio.wait({hung, other}, return_when=asyncio.FIRST_COMPLETED)
        assert other in done and hung not in done, "another patient does not wait for it"
        assert other.result().refusal is None
        refused = await hung
        assert refused.refusal == "too_slow" and refused.image is None
        gone = [pid for pid in before if pid not in pool.pids()]
        assert len(gone) == 1 and wait_until_gone(gone) == [], "the hung worker is ended"
        again = await asyncio.gather(*(pool(photo(), "close_up", False) for _ in range(3)))
        assert all(result.refusal is None for result in again), "the pool is whole again"
    finally:
        await pool.close()


async def test_a_worker_that_dies_mid_check_gives_a_kind_answer() -> None:
    pool = QualityPool(1, time_limit=60.0, check=HANGS)
    try:
        await pool.warm_up()
        (pid,) = pool.pids()
        hung = asyncio.ensure_future(pool(b"HANG", "close_up", False))
        await asyncio.sleep(0.5)
        os.kill(pid, signal.SIGKILL)  # as the kernel does when memory runs out
        result = await hung
        assert result.refusal == "too_complex"
        assert (await pool(photo(), "close_up", False)).refusal is None
    finally:
        await pool.close()


async def test_closing_the_pool_ends_every_worker() -> None:
    pool = QualityPool(2)
    await pool.warm_up()
    pids = pool.pids()
    assert len(pids) == 2 and all(alive(pid) for pid in pids)
    await pool.close()
    assert wait_until_gone(pids) == []


async def test_a_check_cancelled_as_the_pool_closes_leaves_no_worker_behind() -> None:
    # The bot stopping: the pool closes while a patient's photo is being checked, and the
    # check is then cancelled. No fresh worker may be started in its place to outlive the bot.
    before = set(children_of(os.getpid()))
    pool = QualityPool(1, check=HANGS)
    await pool.warm_up()
    hung = asyncio.ensure_future(pool(b"HANG", "close_up", False))
    await asyncio.sleep(0.5)
    closing = asyncio.ensure_future(pool.close())
    await asyncio.sleep(0.2)
    hung.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await hung
    await closing
    await asyncio.sleep(1.0)  # time for a wrongly started worker to come up
    left = [pid for pid in set(children_of(os.getpid())) - before if alive(pid)]
    assert wait_until_gone(left, patience=3.0) == [], "a worker outlived the closed pool"


BOT_LIKE = textwrap.dedent("""
    import asyncio, sys
    from bot.services.quality_pool import QualityPool

    async def main():
        pool = QualityPool(2, check=sys.argv[1])
        await pool.warm_up()
        busy = asyncio.ensure_future(pool(b"HANG", "close_up", False))
        await asyncio.sleep(0.5)
        print(" ".join(map(str, pool.pids())), flush=True)
        await busy

    asyncio.run(main())
""")


def test_workers_exit_when_the_bot_is_killed_with_kill_9() -> None:
    bot = subprocess.Popen([sys.executable, "-c", BOT_LIKE, HANGS], cwd=ROOT,
                           stdout=subprocess.PIPE, text=True)
    try:
        assert bot.stdout is not None
        workers = [int(pid) for pid in bot.stdout.readline().split()]
        children = children_of(bot.pid)
        assert len(workers) == 2 and set(workers) <= set(children)
        assert all(alive(pid) for pid in children), "one worker is busy, one idle"
        bot.send_signal(signal.SIGKILL)
        bot.wait()
        assert wait_until_gone(children) == [], "no worker outlives the bot"
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()
        if bot.stdout is not None:
            bot.stdout.close()
