"""The reading-age check of every patient message (scripts/reading_age.py), run as a clinician
reviewing content would run it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from scripts.reading_age import CONTENT, MAX_GRADE, MAX_WORDS, patient_messages, score

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "reading_age.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the script as a person would; its printout and exit status."""
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_every_patient_message_is_short_and_plain() -> None:
    done = run()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    printed = done.stdout.splitlines()
    keys = [key for key, _ in patient_messages()]
    assert len(keys) > 200, "journey, messages, quality and the patient's part of inbox"
    for key in keys:
        assert any(line.endswith(f"  {key}") for line in printed), f"{key} not printed"
    assert "journey.consent.keep" in keys and "inbox.patient.appointment" in keys
    assert not [k for k in keys if k.startswith(("inbox.gp", "inbox.staff", "referral."))]


def test_a_long_or_hard_message_fails_the_check(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("*.png", "*.jpg", "*.ttf",
                                                                     "*.onnx"))
    long_words = " ".join(["Please read this short part."] * 17)  # 85 words
    hard = ("Notwithstanding considerable organisational complexity, dermatological "
            "photography necessitates appropriately illuminated, unobstructed visualisation.")
    with (content / "messages.toml").open("a", encoding="utf-8") as toml:
        toml.write(f'\n[reviewed]\nlong = "{long_words}"\nhard = "{hard}"\n')
    done = run(str(content))
    assert done.returncode == 1
    assert f"messages.reviewed.long: over {MAX_WORDS} words" in done.stdout
    assert f"messages.reviewed.hard: over grade {MAX_GRADE:g}" in done.stdout
    assert score("x", long_words).count == 85 and score("x", hard).grade > MAX_GRADE


def test_messages_sent_joined_are_checked_as_sent(tmp_path: Path) -> None:
    """The consent question's message and "Saying no is fine" come as one message: each within
    80 words, joined over it, is named as the patient gets it."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("*.png", "*.jpg", "*.ttf",
                                                                     "*.onnx"))
    keep = dict(patient_messages(content))["journey.consent.keep"]
    room = MAX_WORDS - score("x", keep).count
    longer = " ".join(["Saying no is fine."] * (room // 4 + 1))
    journey = content / "journey.toml"
    toml = journey.read_text(encoding="utf-8")
    start = toml.index("\nno_is_fine = ")
    end = toml.index("\n", start + 1)
    journey.write_text(f'{toml[:start]}\nno_is_fine = "{longer}"{toml[end:]}', encoding="utf-8")
    assert score("x", longer).count <= MAX_WORDS
    done = run(str(content))
    assert done.returncode == 1
    assert (f"journey.consent.keep + journey.consent.no_is_fine: over {MAX_WORDS} words"
            in done.stdout)
    assert "\n  journey.consent.no_is_fine:" not in done.stdout, "alone it is within limits"
