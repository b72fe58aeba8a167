"""Runs photo checks in worker processes, so the bot keeps answering while a photo is checked.

Each check has a hard time limit: a worker that overruns it (a file built to decode slowly,
a decoder bug) is killed and replaced, and the patient is told kindly; the other workers go on
checking other patients' photos. Workers die with the bot (see `quality_worker`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import sys
from asyncio.subprocess import Process
from pathlib import Path

from bot.quality import Assessment, Refusal, Shot
from bot.services.quality_worker import frame

log = logging.getLogger("bot.quality")

TIME_LIMIT_SECONDS = 15.0
"""Longest a check may take: a 48 MP HEIC takes about 5 s here, a hostile file minutes."""
CHECK = "bot.services.quality_worker:check_photo"
_ROOT = Path(__file__).resolve().parents[2]


class WorkerFailed(Exception):
    """The worker died or answered nonsense."""


class _Worker:
    """One worker process, started at once; `ready()` waits until it has loaded the checks."""

    def __init__(self, check: str) -> None:
        self.process: Process | None = None
        self._startup = asyncio.ensure_future(self._start(check))

    async def _start(self, check: str) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        # Started from the event loop's thread: the parent-death signal is tied to it.
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.services.quality_worker", str(os.getpid()), check,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env)
        kind, _ = await self._read()
        if kind != "ready":
            raise WorkerFailed(f"worker said {kind!r} on start")

    async def ready(self) -> None:
        """Wait for the worker to be ready (raises WorkerFailed if it could not start)."""
        try:
            await asyncio.shield(self._startup)
        except (OSError, asyncio.IncompleteReadError) as error:
            raise WorkerFailed(str(error)) from error

    async def run(self, job: tuple[bytes, Shot, bool]) -> Assessment:
        """Send one job and wait for its answer."""
        assert self.process is not None and self.process.stdin is not None
        try:
            self.process.stdin.write(frame(job))
            await self.process.stdin.drain()
            kind, value = await self._read()
        except (OSError, asyncio.IncompleteReadError) as error:
            raise WorkerFailed(str(error)) from error
        if kind == "ok" and isinstance(value, Assessment):
            return value
        raise RuntimeError(f"photo check failed in the worker: {value}")

    async def _read(self) -> tuple[str, object]:
        assert self.process is not None and self.process.stdout is not None
        head = await self.process.stdout.readexactly(4)
        body = await self.process.stdout.readexactly(int.from_bytes(head, "big"))
        kind, value = pickle.loads(body)
        return str(kind), value

    @property
    def pid(self) -> int | None:
        """The process id, once started."""
        return self.process.pid if self.process is not None else None

    def kill(self) -> None:
        """Stop the process now, whatever it is doing."""
        self._startup.cancel()
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    async def stop(self, grace: float = 2.0) -> None:
        """Close its input (an idle worker exits), then kill it if it has not, and reap it."""
        process = self.process
        if process is None:
            self.kill()
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            self.kill()
            await process.wait()


class QualityPool:
    """A pool of worker processes for the quality engine; awaitable from the event loop."""

    def __init__(self, workers: int, *, time_limit: float = TIME_LIMIT_SECONDS,
                 check: str = CHECK) -> None:
        self._size = workers
        self._time_limit = time_limit
        self._check = check
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: list[_Worker] = []
        self._reaping: set[asyncio.Task[int]] = set()
        self._closed = False

    def _pool(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for _ in range(self._size):
                worker = _Worker(self._check)
                self._workers.append(worker)
                self._idle.put_nowait(worker)
        return self._idle

    async def __call__(self, data: bytes, shot: Shot, child: bool) -> Assessment:
        """Assess a photo in a worker; a kind refusal if the check overran or the worker died."""
        idle = self._pool()
        worker = await idle.get()
        try:
            await worker.ready()  # a fresh worker loads OpenCV first: not the photo's fault
            return await asyncio.wait_for(worker.run((data, shot, child)), self._time_limit)
        except TimeoutError:
            log.warning("photo check over its time limit: worker replaced",
                        extra={"limit_s": self._time_limit})
            worker = self._replace(worker)
            return _refused("too_slow")
        except WorkerFailed:
            log.warning("photo check worker died: replaced")
            worker = self._replace(worker)
            return _refused("too_complex")
        except BaseException:  # cancelled mid-check: its answer may still come, so start afresh
            worker = self._replace(worker)
            raise
        finally:
            idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> _Worker:
        """Kill this worker and start another in its place; once the pool is closed (a check
        cancelled as the bot stops), no other is started: it would outlive the pool."""
        worker.kill()
        if worker.process is not None:
            task = asyncio.ensure_future(worker.process.wait())
            self._reaping.add(task)
            task.add_done_callback(self._reaping.discard)
        if self._closed:
            return worker
        fresh = _Worker(self._check)
        self._workers[self._workers.index(worker)] = fresh
        return fresh

    async def warm_up(self) -> None:
        """Start the workers now (importing OpenCV is slow) rather than on the first photo."""
        self._pool()
        await asyncio.gather(*(worker.ready() for worker in self._workers))

    def pids(self) -> list[int]:
        """The worker processes' ids (started ones)."""
        return [pid for worker in self._workers if (pid := worker.pid) is not None]

    async def close(self) -> None:
        """Stop the workers; none is started after this."""
        self._closed = True
        await asyncio.gather(*(worker.stop() for worker in self._workers),
                             return_exceptions=True)
        await asyncio.gather(*self._reaping, return_exceptions=True)
        self._workers.clear()
        self._idle = None


def _refused(reason: Refusal) -> Assessment:
    return Assessment("retake", (), 0, 0, None, reason)
