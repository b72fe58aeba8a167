"""Patient-, GP- and staff-facing words and pictures: the files kept beside this module.

Everything a clinician may review or edit lives in this folder (`bot/content/`): the TOML texts,
the example pictures (`pictures/`), the sandbox's sample photos (`samples/`) and the referral
pack's font (`fonts/`). They ship in the wheel as package data and are always read through
`importlib.resources`, so the bot finds them the same way from a checkout, an editable install or
a plain `pip install`.
"""

from __future__ import annotations

import atexit
import re
import tomllib
from contextlib import ExitStack
from functools import cache
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

# Files handed out as paths stay valid for the life of the process (a no-op for an ordinary
# install, where the package is a folder on disk; a cleaned-up copy if it is ever zipped).
_KEPT = ExitStack()
atexit.register(_KEPT.close)


def resource(relative: str) -> Traversable:
    """Return a file or folder of the content package, by its `/`-separated relative path.

    For example `resource("samples")` or `resource("pictures/example-locator.png")`.
    Raises FileNotFoundError if there is nothing there.
    """
    node = files(__name__).joinpath(*relative.split("/"))
    if not (node.is_file() or node.is_dir()):
        raise FileNotFoundError(f"no content file {relative!r}")
    return node


@cache
def _load(name: str) -> dict[str, Any]:
    """Read `<name>.toml` once and keep it."""
    return tomllib.loads(resource(f"{name}.toml").read_text(encoding="utf-8"))


def _node(key: str) -> Any:
    name, _, path = key.partition(".")
    node: Any = _load(name)
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"no content at {key!r}")
        node = node[part]
    return node


_STOP_AFTER_STOP = re.compile(r"(?<=[^.][.!?])\.(?!\.)")
"""A full stop straight after the end of a sentence ("instead.." or "knee?."), not in "..."."""


def one_stop(words: str) -> str:
    """The words with no full stop doubled where a value that ends its own sentence (a GP's
    typed reason, a practice name ending "Co.") comes before the text's own full stop:
    "Why: it shows your elbow.." becomes "Why: it shows your elbow."; an ellipsis stays."""
    return _STOP_AFTER_STOP.sub("", words)


def text(key: str, /, **values: object) -> str:
    """Return the words stored under `file.section.key`, with `{placeholders}` filled in
    (and no full stop doubled by a value, `one_stop`).

    The first part of the key names the file: `text("messages.start.welcome")` reads
    `bot/content/messages.toml`, table `[start]`, key `welcome`. Raises KeyError if there is no
    text there.
    """
    node = _node(key)
    if not isinstance(node, str):
        raise KeyError(f"content at {key!r} is not text")
    return one_stop(node.format(**values)) if values else node


@cache
def asset(relative: str) -> Path:
    """Return a path on disk to a picture or other file of the content package.

    For example `asset("pictures/example-locator.png")`. Raises FileNotFoundError if there is no
    such file.
    """
    node = resource(relative)
    if not node.is_file():
        raise FileNotFoundError(f"no content file {relative!r}")
    return _KEPT.enter_context(as_file(node))


def texts(key: str, /) -> list[str]:
    """Return the list of texts stored under `file.section.key` (for example, a series of tips)."""
    node = _node(key)
    if not isinstance(node, list) or not all(isinstance(item, str) for item in node):
        raise KeyError(f"content at {key!r} is not a list of texts")
    return list(node)
