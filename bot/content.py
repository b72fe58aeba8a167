"""Patient-, GP- and staff-facing words, loaded from the TOML files in `content/`."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


@cache
def _load(name: str) -> dict[str, Any]:
    """Read `content/<name>.toml` once and keep it."""
    with (CONTENT_DIR / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def text(key: str, /, **values: object) -> str:
    """Return the words stored under `file.section.key`, with `{placeholders}` filled in.

    The first part of the key names the file: `text("messages.start.welcome")` reads
    `content/messages.toml`, table `[start]`, key `welcome`.
    """
    name, _, path = key.partition(".")
    node: Any = _load(name)
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"no content at {key!r}")
        node = node[part]
    if not isinstance(node, str):
        raise KeyError(f"content at {key!r} is not text")
    return node.format(**values) if values else node


def asset(relative: str) -> Path:
    """Return the path of a picture or other file kept under `content/`."""
    path = CONTENT_DIR / relative
    if not path.is_file():
        raise FileNotFoundError(f"no content file {relative!r}")
    return path


def texts(key: str, /) -> list[str]:
    """Return the list of texts stored under `file.section.key` (for example, a series of tips)."""
    name, _, path = key.partition(".")
    node: Any = _load(name)
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"no content at {key!r}")
        node = node[part]
    if not isinstance(node, list) or not all(isinstance(item, str) for item in node):
        raise KeyError(f"content at {key!r} is not a list of texts")
    return list(node)
