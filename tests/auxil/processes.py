"""Processes as the tests see them through /proc (Linux): alive or gone, and whose children;
and the process umask for a block."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_until_gone(pids: list[int], patience: float = 30.0) -> list[int]:
    """The pids still alive once they have all gone or patience ran out."""
    deadline = time.monotonic() + patience
    while (left := [pid for pid in pids if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def children_of(pid: int) -> list[int]:
    """Every process whose parent is pid (workers, and any helper such as a resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """Run the block with this process umask."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)
