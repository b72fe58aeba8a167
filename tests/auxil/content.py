"""Every text of the bot's content files, for tests that check what a clinician may write."""

from __future__ import annotations

import tomllib

from bot.content import resource


def content_texts(name: str) -> list[str]:
    """Every text of one content file (`bot/content/<name>.toml`), in file order."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.append(node)

    walk(tomllib.loads(resource(f"{name}.toml").read_text(encoding="utf-8")))
    return found
