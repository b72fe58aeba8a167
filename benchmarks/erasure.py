"""Cost of erasing for good: `python benchmarks/erasure.py [CASES]`.

Fills a fresh database with CASES submitted cases (default 2,000), each with ten answers and
three 400 KB photo files, then times (median of 25):

- one patient erasure as `/delete` runs it (`bot/services/erasure.py erase`), and its parts:
  the erasing transaction, removing the three photo files (each under the database lock), and
  the TRUNCATE checkpoint of the WAL;

and once, the start-up check (`recover`) over all the photo files, with 50 files left queued by an
interrupted erasure and 50 orphans.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.services import erasure  # noqa: E402
from bot.store import Store, open_store  # noqa: E402
from bot.store.models import Case, Stage  # noqa: E402

PHOTO_BYTES = 400_000


async def fill(store: Store, cases: int) -> list[Case]:
    """Submitted cases with answers and three photo files each."""
    practice = await store.practices.add("Bench Practice", "020 0000 0000")
    made = []
    for number in range(cases):
        invite, _ = await store.invites.create(practice.id, f"B-{number}", "1980-02-03",
                                               valid_days=7)
        case = await store.cases.open_from_invite(invite, patient_user_id=number,
                                                  patient_chat_id=number, is_child=False)
        for question in range(10):
            await store.answers.save(case.id, f"detail.q{question}", "free text " * 10)
        for shot in ("locator", "close_up_1", "close_up_2"):
            stored = await asyncio.to_thread(store.files.write, os.urandom(PHOTO_BYTES))
            await store.photos.add(case.id, shot, stored, source="document",
                                   verdict="accept", status="accepted")
        fresh = await store.cases.get(case.id)
        assert fresh is not None
        made.append(fresh)
    return made


async def main(cases: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        store = await open_store(data / "telederm.sqlite3", data / "photos")
        made = await fill(store, cases)
        whole: list[float] = []
        parts: dict[str, list[float]] = {"transaction": [], "unlinks": [], "checkpoint": []}
        for case in made[:25]:
            started = time.perf_counter()
            await store.cases.erase(case, Stage.ERASED, actor="patient", reason="bench")
            marks = [time.perf_counter()]
            await erasure.finish(store, case.id)
            marks.append(time.perf_counter())
            await erasure.checkpoint(store)
            marks.append(time.perf_counter())
            whole.append((marks[2] - started) * 1000)
            for name, (begin, end) in zip(parts, zip([started, *marks], marks, strict=False),
                                          strict=False):
                parts[name].append((end - begin) * 1000)
        for case in made[25:75]:
            await store.cases.erase(case, Stage.ERASED, actor="patient", reason="bench")
        for number in range(50):
            await asyncio.to_thread(store.files.write, os.urandom(1000) + bytes([number]))
        started = time.perf_counter()
        found = await erasure.recover(store)
        startup = (time.perf_counter() - started) * 1000
        await store.close()
    print(f"{cases} cases, {cases * 3} photo files of {PHOTO_BYTES // 1000} KB")
    print(f"erase one case as /delete does: median {statistics.median(whole):.1f} ms, "
          f"max {max(whole):.1f} ms")
    for name, times in parts.items():
        print(f"  {name}: median {statistics.median(times):.1f} ms")
    print(f"start-up check over {cases * 3 - 75 * 3 + 50} files: {startup:.0f} ms "
          f"(finished {found.finished} queued, removed {found.orphans} orphans)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
