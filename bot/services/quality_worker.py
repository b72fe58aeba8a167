"""One photo-check worker process: reads jobs on stdin, answers on stdout, dies with the bot.

Run by `QualityPool` as `python -m bot.services.quality_worker PARENT_PID CHECK`. Frames are a
4-byte length and a pickle (both ends are this program). The worker exits when the bot does,
even in the middle of a check and even after `kill -9`: Linux sends it SIGKILL when the bot
dies (PR_SET_PDEATHSIG), a watch thread checks the parent elsewhere, and an idle worker also
sees its stdin close.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import pickle
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable
from typing import IO, Any

from bot.quality import Assessment, Shot, assess

PR_SET_PDEATHSIG = 1
WATCH_EVERY_SECONDS = 0.5
_LENGTH = struct.Struct(">I")


def die_with_parent(parent: int) -> None:
    """Exit as soon as the process `parent` is gone."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the bot died before the line above took effect
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_EVERY_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def read_frame(stream: IO[bytes]) -> bytes | None:
    """One frame, or None at the end of the stream."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (length,) = _LENGTH.unpack(head)
    body = stream.read(length)
    return body if len(body) == length else None


def frame(payload: object) -> bytes:
    """A pickled payload with its length in front."""
    body = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(body)) + body


def check_photo(data: bytes, shot: Shot, child: bool) -> Assessment:
    """The photo check the pool runs: the quality engine's `assess`."""
    return assess(data, shot, child=child)


def load_check(name: str) -> Callable[..., Any]:
    """The check function named 'module:function'."""
    module, _, function = name.partition(":")
    found = getattr(importlib.import_module(module), function)
    assert callable(found)
    return found  # type: ignore[no-any-return]


def serve(check: Callable[..., Any], jobs: IO[bytes], answers: IO[bytes]) -> None:
    """Answer jobs until stdin closes: ('ok', result) or ('error', description)."""
    while (job := read_frame(jobs)) is not None:
        args = pickle.loads(job)
        try:
            reply: tuple[str, object] = ("ok", check(*args))
        except Exception as error:  # a bug, not bad input (assess refuses bad input itself)
            reply = ("error", f"{type(error).__name__}: {error}")
        answers.write(frame(reply))
        answers.flush()


def main(argv: list[str]) -> None:
    """Watch the parent, load the check, say ready, then serve."""
    parent, check_name = int(argv[1]), argv[2]
    die_with_parent(parent)
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints cannot corrupt the frames
    check = load_check(check_name)
    answers.write(frame(("ready", os.getpid())))
    answers.flush()
    serve(check, sys.stdin.buffer, answers)


if __name__ == "__main__":
    main(sys.argv)
