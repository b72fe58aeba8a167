"""Work done once per submission: `python benchmarks/submission_work.py [--cases 5]`.

Runs the real bot Application against the Bot API emulator (in this process) with a practice
whose GP chat gets the whole case. CASES cases are submitted (three sample photos each, stored
as the journey stores them, queued with the submission's outbox items); the emulator refuses
the first two sends of a document (HTTP 500), so a photo is retried; then the GP opens
every case from /inbox twice (two lists), so each case's album, summary and pack go to the
chat three times. Counts, from the bot's own structured log ("referral pack built", "summary
built") and the photo-file reads:

- PDF builds per submission (1: every delivery, "Open" and retry reads the kept pack);
- summary builds per submission (1);
- photo file reads per delivered album, and for the one pack build;

and the median time of one PDF build. Exits 1 if any submission's pack was built more than
once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import Services, build_application  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content import asset, text  # noqa: E402
from bot.emulator import Emulator  # noqa: E402
from bot.inbox.routing import submission_messages  # noqa: E402
from bot.runner import polling  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.models import Case, Stage  # noqa: E402

TOKEN = "123456:WORK-bench_token"
SAMPLES = ("locator-good.jpg", "close-up-good.jpg", "close-up-good-2.jpg")
STEPS = (Stage.CONSENT, Stage.SCREENING, Stage.PREPARATION, Stage.LOCATOR, Stage.CLOSE_UP_1,
         Stage.CLOSE_UP_2, Stage.DETAILS, Stage.REVIEW)


class Builds(logging.Handler):
    """Collects the bot's build records: (message, case id, milliseconds)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seen: list[tuple[str, int, float]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() in ("referral pack built", "summary built"):
            self.seen.append((record.getMessage(), int(getattr(record, "case_id", 0)),
                              float(getattr(record, "ms", 0))))


async def submitted(store: Store, practice_id: int, gp_member_id: int, number: int) -> Case:
    """A case with three accepted sample photos and answers, submitted as the journey does."""
    invite, _ = await store.invites.create(practice_id, f"B-{number}", "1980-02-03",
                                           valid_days=7, gp_member_id=gp_member_id)
    case = await store.cases.open_from_invite(invite, patient_user_id=900_000 + number,
                                              patient_chat_id=900_000 + number, is_child=False)
    for shot, name in zip(("locator", "close_up_1", "close_up_2"), SAMPLES, strict=True):
        stored = await asyncio.to_thread(store.files.write,
                                         asset(f"samples/{name}").read_bytes() + bytes([number]))
        await store.photos.add(case.id, shot, stored, source="document", verdict="accept",
                               status="accepted", quality="{}", width=1280, height=960)
    for key, value in {"screen.is_rash": "rash", "screen.site": "arm", "screen.areas": "one",
                       "screen.red_flags": "no", "detail.where": "left forearm",
                       "detail.duration": "weeks", "detail.symptoms": "itchy",
                       "detail.tried": "E45"}.items():
        await store.answers.save(case.id, key, value)
    for stage in STEPS:
        case = await store.cases.move(case, stage)
    return await store.cases.move(case, Stage.SUBMITTED,
                                  outbox=await submission_messages(store, case))


async def settled(store: Store, cases: list[Case]) -> None:
    """Wait until every outbox item of these cases was sent."""
    for _ in range(1200):
        items = [i for case in cases for i in await store.outbox.for_case(case.id)]
        if items and all(i.sent_at for i in items):
            return
        await asyncio.sleep(0.1)
    raise SystemExit("the outbox never emptied")


async def main(count: int) -> int:
    builds = Builds()
    logging.getLogger("bot.delivery").addHandler(builds)
    logging.getLogger("bot.delivery").setLevel(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        async with Emulator(bot_token=TOKEN, bot_username="telederm_work_bot") as emu:
            settings = Settings(_env_file=None, telegram_bot_token=TOKEN,
                                telegram_api_url=emu.api_url, telegram_file_url=emu.file_url,
                                data_dir=Path(folder), quality_workers=1)
            app: Any = build_application(settings)
            async with polling(app):
                services: Services = app.bot_data["services"]
                store = services.store
                reads: Counter[str] = Counter()
                read = store.files.read

                def counted(name: str) -> bytes:
                    reads[name] += 1
                    return read(name)

                store.files.read = counted  # type: ignore[method-assign]
                practice = await store.practices.add("Bench Practice", "020 0000 0000")
                gp = emu.user("Gee")
                member = await store.practices.add_member(practice.id, gp.id, "gp", "Dr Gee")
                await gp.send_command("/help")
                await gp.next_message(timeout=30)
                emu.fail_next("sendDocument", 500, times=2)  # retried after 2 s, then 4 s
                cases = [await submitted(store, practice.id, member.id, n) for n in range(count)]
                services.queued()
                await settled(store, cases)
                for _ in range(2):  # "Open" every case, from two /inbox lists
                    await gp.send_command("/inbox")
                    listing = await gp.wait_for_text(text("inbox.gp.inbox_title"), timeout=30)
                    for case in cases:
                        await gp.tap_callback(listing.message_id, listing.callback_data[
                            text("inbox.gp.open", reference=case.reference)])
                    await emu.wait_until_idle(timeout=30)
                    await settled(store, cases)
                packs_sent = sum(1 for m in gp.all_messages if m.kind == "document"
                                 and (m.filename or "").endswith(".pdf"))
                albums = sum(1 for m in gp.all_messages if m.kind == "document"
                             and (m.filename or "").endswith(".jpg")) // 3
                tries = len(emu.calls_of("sendDocument"))
    pdfs = Counter(case for what, case, _ in builds.seen if what == "referral pack built")
    summaries = Counter(case for what, case, _ in builds.seen if what == "summary built")
    pdf_ms = [ms for what, _, ms in builds.seen if what == "referral pack built"]
    print(f"submissions: {count}; packs delivered to the GP chat: {packs_sent} "
          f"(first delivery and 2 x Open); albums: {albums}; sendDocument calls with the "
          f"refused ones: {tries}")
    print(f"PDF builds per submission: {max(pdfs.values())} "
          f"(total {sum(pdfs.values())}, median {statistics.median(pdf_ms):.0f} ms each)")
    print(f"summary builds per submission: {max(summaries.values())}")
    print(f"photo file reads per submission: {sum(reads.values()) / count:.0f} "
          f"({albums / count:.0f} albums of 3, and 3 for the one pack build)")
    return 0 if set(pdfs.values()) == {1} and len(pdfs) == count else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=5)
    started = time.perf_counter()
    code = asyncio.run(main(parser.parse_args().cases))
    print(f"({time.perf_counter() - started:.0f} s)")
    raise SystemExit(code)
