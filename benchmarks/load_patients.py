"""50 patients at once: the real bot process (`python -m bot run`) against the emulator.

    .venv/bin/python benchmarks/load_patients.py [--patients 50] [--workers N] [--think S]
    .venv/bin/python benchmarks/load_patients.py --patients 1 --steps   # API calls per step

All simulated patients start together. Each opens their invite link, gives their date of birth,
agrees, answers the screening, reads the tips, sends three good photos (locator and second
close-up as files, the first close-up as a photo), answers the detail questions and sends the
case, pausing like a person (`--think`: 2 s on average per tap or answer, 8 s per photo;
`--think 0`: no pauses, every step of all 50 at the same moment, the worst burst). Measured
from the patient's side (the emulator runs in this process):

- photo feedback: from sending a photo to the bot's first answer (its verdict on the photo);
- text reply: from a typed message or a button tap to the bot's first answer.

Then it checks that the GP received every case exactly once: three photos, one summary with
the decision buttons and one referral pack per case, nothing twice. Prints p50 / p95 / max in
milliseconds and the delivery check; exits 1 if a journey fails or delivery is not exactly once.
`--steps` also prints the Bot API calls the bot made for each step of the first patient's
journey (exact with `--patients 1`), split into the calls that count against Telegram's
30 messages a second and those that do not (tap answers, chat actions, downloads).
Set LOAD_LOG=FILE to keep the bot's log.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.channels.casefile import pack_version  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.content import asset, text, texts  # noqa: E402
from bot.emulator import Emulator  # noqa: E402
from bot.emulator.models import SentMessage  # noqa: E402
from bot.emulator.users import TelegramUser  # noqa: E402
from bot.handlers.bot_api import UNCOUNTED  # noqa: E402
from bot.store import open_store  # noqa: E402

TOKEN = "123456:LOAD-bench_token"
USERNAME = "telederm_load_bot"
DOB = "03/02/1980"
SCREENING = ("journey.screening.is_rash.rash", "journey.screening.red_flags.no",
             "journey.screening.site.arm", "journey.screening.areas.one")
WAIT = 120.0
PHOTO_THINK = 4.0
"""Taking a photo takes this many times as long as tapping a button."""


def fixed(key: str) -> str:
    """The longest fixed part of a content text with {placeholders}."""
    return max(re.split(r"\{[^}]*\}", text(key)), key=len).strip()


class Patient:
    """One simulated patient, recording how long each answer took."""

    def __init__(self, user: TelegramUser, token: str, think: float, seed: int,
                 calls: list[tuple[str, dict[str, object]]] | None = None) -> None:
        self.user = user
        self.token = token
        self.think = think
        self.random = random.Random(seed)
        self.text_ms: list[float] = []
        self.photo_ms: list[float] = []
        self.calls = calls
        self.steps: list[tuple[str, int]] = []
        self.current = ""
        self.slow: dict[str, list[float]] = {}
        """Milliseconds to the first answer, by step ("tap 'Next'", "photo 1 as file", ...)."""
        """(step, how many Bot API calls the emulator had seen when the step began)."""

    def step(self, name: str) -> None:
        """Note which step this is, and where it begins in the emulator's list of calls (with
        `--steps`)."""
        self.current = name
        if self.calls is not None:
            self.steps.append((name, len(self.calls)))

    async def _answer(self, contains: str, into: list[float], started: float) -> SentMessage:
        first = await self.user.next_message(timeout=WAIT)
        into.append((time.perf_counter() - started) * 1000)
        self.slow.setdefault(self.current, []).append(into[-1])
        if contains in (first.text or ""):
            return first
        return await self.user.wait_for_text(contains, timeout=WAIT)

    async def pause(self, times: float = 1.0) -> None:
        """A person reads and decides: `think` seconds on average (x `times`), at random."""
        if self.think:
            await asyncio.sleep(self.random.uniform(0.5, 1.5) * self.think * times)

    async def type(self, words: str, expect: str) -> None:
        """Type words and wait for the answer that contains `expect`."""
        await self.pause()
        self.step(f"type {words!r}")
        started = time.perf_counter()
        await self.user.send_text(words)
        await self._answer(expect, self.text_ms, started)

    async def tap(self, label: str, expect: str) -> None:
        """Tap a button and wait for the answer that contains `expect`."""
        await self.pause()
        message, data = self.user.find_button(label)
        self.step(f"tap {label!r}")
        started = time.perf_counter()
        await self.user.tap_callback(message.message_id, data)
        await self._answer(expect, self.text_ms, started)

    async def photo(self, number: int, data: bytes, as_file: bool, expect: str) -> None:
        """Send a photo; time its verdict, then wait for the next step's words."""
        await self.pause(PHOTO_THINK)
        self.step(f"photo {number} as {'file' if as_file else 'photo'}")
        started = time.perf_counter()
        if as_file:
            await self.user.send_document(data, f"IMG_{number}.jpg", "image/jpeg")
        else:
            await self.user.send_photo(data)
        await self._answer(expect, self.photo_ms, started)

    async def journey(self, photos: list[bytes]) -> None:
        """The whole journey, from the invite link to "Sent"."""
        started = time.perf_counter()
        self.step("open the invite link")
        await self.user.open_deep_link(self.token)
        await self._answer("date of birth", self.text_ms, started)
        await self.type(DOB, text("journey.identity.confirm", date="").strip(" ,"))
        await self.tap(text("journey.identity.confirm_yes"), text("journey.identity.ok"))
        await self.user.wait_for(lambda m: bool(m.buttons), timeout=WAIT)  # consent
        await self.tap(text("journey.consent.yes"), text("journey.screening.is_rash.question"))
        questions = ("red_flags", "site", "areas")
        for key, expect in zip(SCREENING, questions, strict=False):
            await self.tap(text(key), text(f"journey.screening.{expect}.question"))
        steps = texts("journey.prepare.steps")
        await self.tap(text(SCREENING[-1]), steps[0])
        for step in steps[1:]:
            await self.tap(text("journey.prepare.next"), step)
        await self.tap(text("journey.prepare.ready"), "Photo 1 of 3")
        for number, data in enumerate(photos, start=1):
            await self.photo(number, data, as_file=number != 2,
                             expect="Where exactly" if number == 3 else f"Photo {number + 1} of 3")
        await self.type("left forearm", "How long")
        await self.tap("1 to 4 weeks", "itchy or painful")
        await self.tap("Itchy", "What have you tried")
        await self.type("E45 cream", "Your answers")
        await self.tap("Send to my GP", "Sent")
        await self.pause()
        self.step("(after the journey)")


def per_step(patient: Patient, calls: list[tuple[str, dict[str, object]]]) -> list[str]:
    """Lines of the Bot API calls made during each of the patient's steps: counted ones first."""
    bounds = [*patient.steps, ("", len(calls))]
    lines, total = [], 0
    for (name, start), (_, end) in itertools.pairwise(bounds):
        made = Counter(method for method, _ in calls[start:end] if method != "getUpdates")
        counted = sum(n for m, n in made.items() if m.lower() not in UNCOUNTED)
        total += counted
        kinds = ", ".join(f"{m} {n}" for m, n in sorted(
            made.items(), key=lambda item: (item[0].lower() in UNCOUNTED, item[0])))
        lines.append(f"  {counted:>2}  {name:<32} {kinds}")
    return [*lines, f"  {total:>2}  counted calls in all (the GP's part included)"]


class TimedCalls(list[tuple[str, dict[str, object]]]):
    """The emulator's list of calls, also noting when each arrived (monotonic seconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def append(self, call: tuple[str, dict[str, object]]) -> None:
        """Record a call and its time."""
        self.times.append(time.monotonic())
        super().append(call)

    def counted_per_second(self) -> list[int]:
        """Calls that count against Telegram's 30 a second, in each whole second of the run."""
        stamps = [t for t, (name, _) in zip(self.times, self, strict=True)
                  if name.lower() not in UNCOUNTED]
        if not stamps:
            return []
        seconds = Counter(int(t - stamps[0]) for t in stamps)
        return [seconds[n] for n in range(max(seconds) + 1)]


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def line(name: str, values: list[float]) -> str:
    """p50 / p95 / max of a list of milliseconds."""
    return (f"{name:<16} n={len(values):<5} p50 {statistics.median(values):7.0f} ms   "
            f"p95 {percentile(values, 0.95):7.0f} ms   max {max(values):7.0f} ms")


async def prepare(data_dir: Path, count: int) -> tuple[list[str], int]:
    """A practice with a GP and staff, and `count` invites for that GP; invite tokens."""
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN, data_dir=data_dir)
    store = await open_store(settings.database_path, settings.photos_dir)
    try:
        practice = await store.practices.add("Load Surgery", "020 0000 0000")
        await store.practices.add_member(practice.id, 900_001, "staff", "Sam Staff")
        gp = await store.practices.add_member(practice.id, 900_002, "gp", "Dr Load")
        tokens = []
        for number in range(count):
            _, token = await store.invites.create(practice.id, f"L-{number:03d}", "1980-02-03",
                                                  valid_days=7, gp_member_id=gp.id)
            tokens.append(token)
        return tokens, practice.id
    finally:
        await store.close()


def delivered_once(gp: TelegramUser, references: list[str]) -> list[str]:
    """What is wrong with the GP's chat: each case should be 3 photos, 1 summary, 1 pack."""
    problems = []
    photos = Counter(ref for m in gp.all_messages
                     if m.kind == "document" and (m.filename or "").endswith(".jpg")
                     for ref in references if (m.filename or "").startswith(f"{ref}-"))
    packs = Counter(m.filename for m in gp.all_messages
                    if m.kind == "document" and (m.filename or "").endswith(".pdf"))
    summaries = Counter(ref for m in gp.all_messages if m.buttons for ref in references
                        if ref in (m.text or ""))
    for ref in references:
        pack = text("inbox.gp.pack_name", reference=ref, version=pack_version(1))
        if (photos[ref], summaries[ref], packs[pack]) != (3, 1, 1):
            problems.append(f"{ref}: {photos[ref]} photos, {summaries[ref]} summaries, "
                            f"{packs[pack]} packs")
    return problems


async def run(count: int, workers: int, think: float, steps: bool = False) -> int:
    """Drive `count` patients at once; print the figures; 0 when all is well."""
    photos = [asset(f"samples/{name}").read_bytes() for name in
              ("locator-good.jpg", "close-up-good.jpg", "close-up-good-2.jpg")]
    log_file = await asyncio.to_thread(open, os.environ.get("LOAD_LOG", os.devnull), "wb")
    with tempfile.TemporaryDirectory() as folder, log_file:
        data_dir = Path(folder) / "data"
        tokens, _ = await prepare(data_dir, count)
        async with Emulator(bot_token=TOKEN, bot_username=USERNAME) as emu:
            emu.calls = timed = TimedCalls()
            staff, gp = emu.user("Sam", user_id=900_001), emu.user("Dr Load", user_id=900_002)
            env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emu.api_url,
                   "TELEGRAM_FILE_URL": emu.file_url, "DATA_DIR": str(data_dir),
                   "QUALITY_WORKERS": str(workers), "LOG_LEVEL": "WARNING"}
            bot = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=ROOT, env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=log_file)
            try:
                for person in (staff, gp):
                    await person.send_command("/help")
                    await person.next_message(timeout=WAIT)
                patients = [Patient(emu.user(f"Patient {n}"), token, think, seed=n,
                                    calls=emu.calls if steps and n == 0 else None)
                            for n, token in enumerate(tokens)]
                started = time.perf_counter()
                results = await asyncio.gather(*(p.journey(photos) for p in patients),
                                               return_exceptions=True)
                journeys = time.perf_counter() - started
                failed = [r for r in results if isinstance(r, BaseException)]
                store = await open_store(data_dir / "telederm.sqlite3", data_dir / "photos")
                try:
                    references = []
                    for patient in patients:
                        case = await store.cases.current_for_patient(patient.user.id)
                        if case is not None:
                            references.append(case.reference)
                finally:
                    await store.close()
                deadline = time.perf_counter() + WAIT
                while time.perf_counter() < deadline:
                    packs = [m for m in gp.all_messages if (m.filename or "").endswith(".pdf")]
                    if len(packs) >= len(references):
                        break
                    await asyncio.sleep(0.2)
                delivered = time.perf_counter() - started
                await asyncio.sleep(2.0)  # anything sent twice would arrive now
            finally:
                bot.kill()
                await bot.wait()
            problems = delivered_once(gp, references)
            calls = Counter(name for name, _ in emu.calls)
    cpus = os.cpu_count()
    print(f"{count} patients at once, think time {think} s ({think * PHOTO_THINK} s per photo), "
          f"{workers} photo-check workers, {cpus} CPUs "
          f"(load average {os.getloadavg()[0]:.1f})")
    print(line("photo feedback", [ms for p in patients for ms in p.photo_ms]))
    print(line("text reply", [ms for p in patients for ms in p.text_ms]))
    by_step: dict[str, list[float]] = {}
    for patient in patients:
        for step, values in patient.slow.items():
            by_step.setdefault(step, []).extend(values)
    slowest = sorted(by_step.items(), key=lambda item: -percentile(item[1], 0.95))[:3]
    print("slowest steps (p95): " + ", ".join(
        f"{step} {percentile(values, 0.95):.0f} ms" for step, values in slowest))
    print(f"journeys done in {journeys:.1f} s; every case at the GP after {delivered:.1f} s")
    print(f"journeys failed: {len(failed)}" + (f" ({failed[0]!r})" if failed else ""))
    print("delivery: " + ("each case exactly once (3 photos, summary, pack)" if not problems
                          else "; ".join(problems[:5])))
    print(f"alerts to staff: {len(staff.all_messages) - 1}")
    rates = timed.counted_per_second()
    print(f"messages a second (Telegram's limit 30): busiest second {max(rates)}, "
          f"{sum(r >= 28 for r in rates)} of {len(rates)} seconds at 28 or more, "
          f"average {statistics.fmean(rates):.1f}")
    print("Bot API calls per patient: " + ", ".join(
        f"{name} {number / count:.1f}" for name, number in calls.most_common()
        if name != "getUpdates"))
    if steps:
        print("Bot API calls per step of the first patient (counted against 30 a second, "
              "then what was called):")
        print("\n".join(per_step(patients[0], emu.calls)))
    own, bot_cpu = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    print(f"CPU seconds: emulator and patients {own.ru_utime + own.ru_stime:.1f}, "
          f"bot process {bot_cpu.ru_utime + bot_cpu.ru_stime:.1f} (photo-check workers apart)")
    return 1 if failed or problems else 0


def main() -> int:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--patients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--think", type=float, default=2.0,
                        help="average seconds a patient takes per tap or typed answer (x4 per "
                             "photo); 0 sends everything in lockstep, the worst burst")
    parser.add_argument("--steps", action="store_true",
                        help="print the Bot API calls of each step of the first patient's "
                             "journey (exact with --patients 1)")
    args = parser.parse_args()
    return asyncio.run(run(args.patients, args.workers, args.think, args.steps))


if __name__ == "__main__":
    sys.exit(main())
