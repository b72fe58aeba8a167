"""`.env.example` documents every setting, and as copied it switches the record channels off."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.channels.setup import record_channels
from bot.config import Settings

EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_every_setting_is_in_env_example_with_a_comment() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    named = {m.group(1): i for i, line in enumerate(lines)
             if (m := re.match(r"^([A-Z_]+)=", line))}
    missing = [f.upper() for f in Settings.model_fields if f.upper() not in named]
    assert missing == []
    unexplained = []
    for name in (f.upper() for f in Settings.model_fields):
        block = []  # the lines of its paragraph above it, up to a blank line
        for line in reversed(lines[:named[name]]):
            if not line.strip():
                break
            block.append(line)
        if not any(line.startswith("#") for line in block):
            unexplained.append(name)
    assert unexplained == [], "every setting has a comment in its paragraph"
    unknown = sorted(set(named) - {f.upper() for f in Settings.model_fields})
    assert unknown == [], "no line for a setting the bot does not read"


def test_the_example_as_copied_leaves_email_and_mesh_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(EXAMPLE, tmp_path / ".env")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.smtp_ca_file is None and settings.mesh_cert_file is None
    assert settings.smtp_security == "starttls" and settings.email_max_bytes == 20 * 1024 * 1024
    assert record_channels(settings) == {}
