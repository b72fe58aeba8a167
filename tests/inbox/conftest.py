"""Fixtures for inbox tests: two practices with members (helpers in tests/auxil/inbox.py)."""

from __future__ import annotations

import pytest

from bot.store import Store
from tests.auxil.inbox import Setting


@pytest.fixture
async def setting(store: Store) -> Setting:
    """Two practices and their members."""
    lawson = await store.practices.add("The Lawson Practice", "020 7729 7236")
    other = await store.practices.add("Other Surgery", "020 0000 0000")
    return Setting(
        lawson,
        await store.practices.add_member(lawson.id, 101, "staff", "Sue Smith"),
        await store.practices.add_member(lawson.id, 102, "gp", "Dr Gee"),
        other,
        await store.practices.add_member(other.id, 201, "gp", "Dr Other"),
    )
