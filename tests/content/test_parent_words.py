"""A parent reads of "your child" in every message the bot writes to them, never now "your
child" and now "the child" (a walkthrough found the two mixed, even in one message).

Only the words that ask whether they are the child's parent or guardian, and those to someone
who is not, say "the child": they are not yet, or not, known to be its parent."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.content import _load

# Texts read by a parent: `_parent` texts and lists of the patient-facing files.
FILES = ("journey", "quality", "channels", "messages", "intimate")
# Asked before anyone is known to be the child's parent, or said to someone who is not.
NOT_YET_A_PARENT = ("the child's parent or guardian", "photos for the child", "the right child")


def parent_texts() -> Iterator[tuple[str, str]]:
    """(key, words) for every text or list item under a key ending in `_parent`."""
    def walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, f"{path}.{key}")
        elif path.endswith("_parent"):
            for item in node if isinstance(node, list) else [node]:
                if isinstance(item, str):
                    yield path.lstrip("."), item

    for name in FILES:
        yield from walk(_load(name), name)
    patient = _load("inbox")["patient"]
    yield from walk(patient, "inbox.patient")


PARENT_TEXTS = list(parent_texts())


def test_there_are_parent_texts_to_check() -> None:
    assert len(PARENT_TEXTS) > 50
    assert any(key == "journey.photos.retake_parent" for key, _ in PARENT_TEXTS)


@pytest.mark.parametrize(("key", "words"), PARENT_TEXTS, ids=[key for key, _ in PARENT_TEXTS])
def test_a_parent_reads_your_child_not_the_child(key: str, words: str) -> None:
    for phrase in NOT_YET_A_PARENT:
        words = words.replace(phrase, "")
    assert not re.search(r"\bthe child\b", words, re.IGNORECASE), words
