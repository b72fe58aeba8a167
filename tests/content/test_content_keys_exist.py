"""Every content key the code names as a literal exists in the content, so no path a patient
rarely takes fails with "something went wrong" for want of its words (hazard log H32: /status
with no request named `journey.commands.nothing_open` while the words sat under `[delete]`)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.content import text, texts

ROOT = Path(__file__).resolve().parents[2] / "bot"
CALL = re.compile(r"""(?<![`\w.])(text|texts|worded)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")
"""A call with a literal key (not an f-string, not a docstring's `example`)."""


def _named_keys() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for match in CALL.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            found.append((f"{path.relative_to(ROOT.parent)}:{line}", *match.groups()))
    return found


def _exists(function: str, key: str) -> bool:
    try:
        texts(key) if function == "texts" else text(key)
    except KeyError:
        return False
    except (IndexError, ValueError):
        return True  # there, with placeholders to fill
    return True


def test_the_code_names_content_keys_as_literals() -> None:
    assert len(_named_keys()) > 200


def test_every_content_key_the_code_names_exists() -> None:
    missing = [f"{where}: {key}" for where, function, key in _named_keys()
               if not _exists(function, key)]
    assert missing == []
