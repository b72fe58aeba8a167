"""Turning SQLite rows into the store's plain records."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

import aiosqlite

from bot.store.models import SHOT_SLOTS, Case, Photo, Stage

T = TypeVar("T")


def record(cls: type[T], row: aiosqlite.Row) -> T:
    """Build a `cls` record from the row's columns of the same names."""
    values: dict[str, Any] = {f.name: row[f.name] for f in fields(cls)}  # type: ignore[arg-type]
    if cls is Case:
        values["stage"] = Stage(values["stage"])
        values["is_child"] = bool(values["is_child"])
        values["redo"] = tuple(s for s in (values["redo"] or "").split(",") if s in SHOT_SLOTS)
        values["return_to_review"] = bool(values["return_to_review"])
        values["dob_checked"] = bool(values["dob_checked"])
    if cls is Photo:
        values["sent_anyway"] = bool(values["sent_anyway"])
    return cls(**values)


def maybe(cls: type[T], row: aiosqlite.Row | None) -> T | None:
    """Like `record`, but None for no row."""
    return None if row is None else record(cls, row)
