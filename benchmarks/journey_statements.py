"""Work done per patient journey: `python benchmarks/journey_statements.py`.

Walks one adult patient from the invite link to "Send" through `bot.journey.service.Journey`
on a fresh database, with the real photo checks (`bot.quality.assess`) on the sample photos in
`bot/content/samples/`, and counts, per patient update (a typed message, a tap or a photo):

- SQL statements run on the store's connection (`Database.trace`, SQLite's own trace hook:
  every statement, reads and writes, including BEGIN and COMMIT);
- reads of the case's answers (`SELECT ... FROM answers`);
- sha256 hashes of photo bytes (`hashlib.sha256` over more than 10 KB).

Prints one line per update and the totals. No timings: the counts do not depend on the
machine. See `benchmarks/README.md` for the figures before and after issue 14, item 5.
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import tempfile
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import asset, text, texts  # noqa: E402
from bot.inbox.alerts import stop_alerts  # noqa: E402
from bot.inbox.routing import submission_messages  # noqa: E402
from bot.journey.replies import button_data  # noqa: E402
from bot.journey.service import Journey  # noqa: E402
from bot.quality import assess  # noqa: E402
from bot.quality.result import Assessment  # noqa: E402
from bot.store import open_store  # noqa: E402
from bot.store.models import Stage  # noqa: E402

PATIENT = 7001
PHOTO_HASH_OVER = 10_000
"""Hashes over more bytes than this are of photos (invite tokens and codes are short)."""


class Counts:
    """Statements, answer reads and photo hashes seen since the last `take`."""

    def __init__(self) -> None:
        self.statements = 0
        self.answer_reads = 0
        self.hashes = 0

    def statement(self, sql: str) -> None:
        self.statements += 1
        if " ".join(sql.split()).upper().startswith("SELECT QUESTION, VALUE FROM ANSWERS"):
            self.answer_reads += 1

    def take(self) -> tuple[int, int, int]:
        taken = (self.statements, self.answer_reads, self.hashes)
        self.statements = self.answer_reads = self.hashes = 0
        return taken


async def check(data: bytes, shot: Literal["locator", "close_up"], child: bool) -> Assessment:
    """The real photo checks, in a thread (the bot runs them in worker processes)."""
    return await asyncio.to_thread(assess, data, shot, child=child)


async def main() -> None:
    counts = Counts()
    real_sha256 = hashlib.sha256

    def counted_sha256(data: bytes = b"", **kwargs: Any) -> Any:
        if len(data) > PHOTO_HASH_OVER:
            counts.hashes += 1
        return real_sha256(data, **kwargs)

    hashlib.sha256 = counted_sha256  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        store = await open_store(data / "telederm.sqlite3", data / "photos")
        practice = await store.practices.add("Bench Practice", "020 0000 0000")
        await store.practices.add_member(practice.id, 9001, "gp", "Dr Bench")
        _, token = await store.invites.create(practice.id, "B-1", "1980-02-03", valid_days=7)
        journey = Journey(store, check, retention_days=30, invite_valid_days=7,
                          max_file_bytes=20 * 1024 * 1024, deliveries=submission_messages,
                          stop_alerts=stop_alerts)
        await store.db.trace(counts.statement)
        rows: list[tuple[str, tuple[int, int, int]]] = []

        async def step(name: str, update: Callable[[], Awaitable[Any]]) -> Any:
            counts.take()
            result = await update()
            rows.append((name, counts.take()))
            return result

        async def tap(stage: Stage, question: str, value: str) -> None:
            await step(f"tap {stage.value} {question}={value}", lambda: journey.tapped(
                PATIENT, button_data(stage.value, question, value)))

        async def photo(name: str) -> None:
            sample = asset(f"samples/{name}").read_bytes()

            async def fetch() -> bytes:
                return sample

            async def checking() -> None:
                return None

            async def removed() -> bool:
                return True

            await step(f"photo {name}", lambda: journey.photo(
                PATIENT, fetch, source="photo", size=len(sample), forwarded=False,
                on_checking=checking, take_off_chat=removed))

        await step("open the invite link", lambda: journey.start(PATIENT, PATIENT, token))
        read_back = await step("type the date of birth", lambda: journey.typed(PATIENT,
                                                                                "3/2/1980"))
        yes = text("journey.identity.confirm_yes")  # the read-back's own (numbered) button
        data = next(b.data for r in read_back for row in r.buttons for b in row
                    if b.label == yes)
        await step("tap identity dob=yes", lambda: journey.tapped(PATIENT, data))
        await tap(Stage.CONSENT, "consent", "yes")
        for question, value in (("is_rash", "rash"), ("red_flags", "no"), ("site", "arm"),
                                ("areas", "one")):
            await tap(Stage.SCREENING, question, value)
        tips = len(texts("journey.prepare.steps"))
        for number in range(1, tips):
            await tap(Stage.PREPARATION, "tip", str(number))
        await tap(Stage.PREPARATION, "tip", "ready")
        for name in ("locator-good.jpg", "close-up-good.jpg", "close-up-good-2.jpg"):
            await photo(name)
        await step("type where exactly", lambda: journey.typed(PATIENT, "Back of the left hand"))
        await tap(Stage.DETAILS, "duration", "weeks")
        await tap(Stage.DETAILS, "symptoms", "itchy")
        await step("type what was tried", lambda: journey.typed(PATIENT, "Moisturiser"))
        await tap(Stage.REVIEW, "review", "send")
        await store.db.trace(None)
        case = await store.cases.current_for_patient(PATIENT)
        await store.close()
    hashlib.sha256 = real_sha256  # type: ignore[assignment]
    assert case is not None and case.stage is Stage.SUBMITTED, "the journey did not finish"
    _report(rows)


def _report(rows: list[tuple[str, tuple[int, int, int]]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"{'update':<{width}}  statements  answer reads  photo hashes")
    totals: Counter[int] = Counter()
    for name, (statements, reads, hashes) in rows:
        print(f"{name:<{width}}  {statements:>10}  {reads:>12}  {hashes:>12}")
        totals.update({0: statements, 1: reads, 2: hashes})
    print(f"{'whole journey (' + str(len(rows)) + ' updates)':<{width}}  {totals[0]:>10}  "
          f"{totals[1]:>12}  {totals[2]:>12}")
    print(f"most answer reads in one update: {max(r[1][1] for r in rows)}")


if __name__ == "__main__":
    asyncio.run(main())
