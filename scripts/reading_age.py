"""Print every message a patient can read, with its word count, reading grade and phone height.

    python scripts/reading_age.py [CONTENT_DIR]    (default: bot/content)

The patient's words are all of `bot/content/journey.toml`, `messages.toml` and `quality.toml`,
and the `[patient]` table of `inbox.toml` (the GP's decision as the patient reads it). Each is
scored with `{placeholders}` filled in with typical values, by the Flesch-Kincaid grade
(textstat; US school grade: grade 6 is a reading age of about 11 to 12) and by its height on a
phone (lines of at most 34 characters, a chat bubble on a 360-point-wide screen with large
text).

Each line of a message is read as a sentence (a bullet list is read item by item, not as one
46-word sentence). The grade is judged for messages of 8 words or more: on a button label or a
month's name the formula measures one word's syllables ("Cancel" comes out at grade 8.4), so
those are printed but not judged.

Messages the bot always sends joined into one (`JOINED`: the consent question and "Saying no is
fine", a wrong date of birth and "Type the day first") are also scored as sent, joined, under
their keys joined with " + ": each part may be within the limits while the message is not.

Exits 1, naming them, if any message is over 80 words or over grade 6 (issue 13); and if any is
taller than 18 lines on a phone (then it cannot be read without scrolling).
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import textstat

from bot.journey.replies import MAX_WORDS, PHONE_LINES, phone_lines
from bot.journey.stop_words import STOP_REASONS, URGENT, stop_key
from bot.store.cases import RED_FLAG_STOP

CONTENT = Path(__file__).resolve().parents[1] / "bot" / "content"
PATIENT_TABLES = {"journey": None, "messages": None, "quality": None, "inbox": ("patient",),
                  "channels": ("patient",)}
"""The content files a patient reads, and (where only part of a file is) which tables."""
MAX_GRADE = 6.0
GRADED_FROM_WORDS = 8
NOT_WORDS = ("pictures/",)
"""Values that are file names, not words (`journey.prepare.pictures`)."""
SAMPLES = {"practice": "Riverside Surgery", "phone": "020 7729 7236", "days": "30",
           "reference": "TD-7K3M", "number": "2", "numbers": "2", "left": "2", "tries": "tries",
           "limit": "200", "width": "640", "height": "480", "choice": "Arm or hand",
           "means": "That means it is not a rash.", "date": "3 February 1980",
           "where": "photo 2 of 3 (close-up)", "next": "send photo 2 of 3",
           "site": "Arm or hand", "duration": "1 to 4 weeks", "symptoms": "Itchy",
           "tried": "E45 cream", "shots": "photo 2 (close-up 1)",
           "reason": "the photo was blurred", "photo": "photo 1 of 3 (the whole area)"}
"""Typical values for the `{placeholders}`, so that a message is scored as the patient sees it."""
JOINED = (
    ("journey.consent.keep", "journey.consent.no_is_fine"),
    ("journey.consent.agree_parent", "journey.consent.no_is_fine_parent"),
    ("journey.consent.again", "journey.consent.no_is_fine"),
    ("journey.identity.wrong", "journey.identity.day_first"),
    ("journey.identity.no_such_date", "journey.identity.day_first"),
    ("journey.red_flag_check.lead", "journey.screening.red_flags.question"),
    ("journey.red_flag_check.lead_parent", "journey.screening.red_flags.question_parent"),
    *((f"{stop_key(reason)}{own}", f"{URGENT}{urgent}")
      for reason in STOP_REASONS if reason != RED_FLAG_STOP
      for own, urgent in (("", ""), ("", "_parent"), ("_parent", "_parent"))),
)
"""Keys whose words are always sent as one message, joined by a blank line, in this order
(`bot/journey/prompts.py consent_prompt`, `bot/journey/service.py`, its red-flag question put
again after typed words, `_red_flag_check`; each stop's words and the
999 / NHS 111 line, `bot/journey/stop_words.py`)."""
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Scored:
    """One patient message: its content key, words as shown, and its measures."""

    key: str
    words: str
    count: int
    grade: float
    lines: int

    @property
    def problems(self) -> list[str]:
        """What is wrong with it, in words; empty if nothing."""
        found = []
        if self.count > MAX_WORDS:
            found.append(f"over {MAX_WORDS} words")
        if self.grade > MAX_GRADE and self.count >= GRADED_FROM_WORDS:
            found.append(f"over grade {MAX_GRADE:g}")
        if self.lines > PHONE_LINES:
            found.append(f"over {PHONE_LINES} lines on a phone")
        return found


def filled(words: str) -> str:
    """The message with its `{placeholders}` filled in with typical values."""
    return _PLACEHOLDER.sub(lambda m: SAMPLES.get(m[1], "it"), words)


def as_sentences(words: str) -> str:
    """The message with each line ended as a sentence, as a reader takes a line or a bullet."""
    lines = [line.strip().lstrip("•").strip() for line in words.split("\n")]
    return " ".join(line if line[-1] in ".!?:" else f"{line}." for line in lines if line)


def score(key: str, words: str) -> Scored:
    """Measure one message as the patient sees it."""
    shown = filled(words)
    return Scored(key, shown, textstat.lexicon_count(shown),
                  float(textstat.flesch_kincaid_grade(as_sentences(shown))), phone_lines(shown))


def _texts(node: Any, key: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        if not node.startswith(NOT_WORDS):
            yield key, node
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _texts(item, f"{key}[{index}]")
    elif isinstance(node, dict):
        for name, child in node.items():
            yield from _texts(child, f"{key}.{name}")


def patient_messages(content: Path = CONTENT) -> list[tuple[str, str]]:
    """Every patient message in the content, as (key, words), keys as `text()` takes them."""
    found = []
    for name, tables in PATIENT_TABLES.items():
        data = tomllib.loads((content / f"{name}.toml").read_text(encoding="utf-8"))
        for table in tables or tuple(data):
            found.extend(_texts(data[table], f"{name}.{table}"))
    return found


def joined_messages(content: Path = CONTENT) -> list[tuple[str, str]]:
    """Each message of `JOINED` as sent, as (its keys joined with " + ", words); one whose
    keys are not all in the content is left out."""
    found = dict(patient_messages(content))
    return [(" + ".join(keys), "\n\n".join(found[key] for key in keys))
            for keys in JOINED if all(key in found for key in keys)]


def main(argv: list[str] | None = None) -> int:
    """Print each message's measures; return 1 if any message fails."""
    args = sys.argv[1:] if argv is None else argv
    content = Path(args[0]) if args else CONTENT
    scored = [score(key, words)
              for key, words in [*patient_messages(content), *joined_messages(content)]]
    failing = [s for s in scored if s.problems]
    print(f"{'words':>5} {'grade':>5} {'lines':>5}  key")
    for item in scored:
        flag = "  <-- " + ", ".join(item.problems) if item.problems else ""
        print(f"{item.count:>5} {item.grade:>5.1f} {item.lines:>5}  {item.key}{flag}")
    judged = [s.grade for s in scored if s.count >= GRADED_FROM_WORDS]
    print(f"\n{len(scored)} patient messages; longest {max(s.count for s in scored)} words; "
          f"highest grade {max(judged):.1f} (of {len(judged)} judged); tallest "
          f"{max(s.lines for s in scored)} lines on a phone.")
    if failing:
        print(f"{len(failing)} over the limits (at most {MAX_WORDS} words, grade "
              f"{MAX_GRADE:g}, {PHONE_LINES} lines):")
        for item in failing:
            print(f"  {item.key}: {', '.join(item.problems)}")
        return 1
    print(f"All within {MAX_WORDS} words, grade {MAX_GRADE:g} and {PHONE_LINES} lines on a phone.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
