"""Photo files: written whole, named by content, never outside the photo folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from bot.store.photo_files import PhotoFiles


def test_file_is_named_by_its_hash_and_holds_exactly_the_bytes(tmp_path: Path) -> None:
    files = PhotoFiles(tmp_path)
    data = os.urandom(5000)
    stored = files.write(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.sha256 in stored.name and stored.size_bytes == 5000
    assert files.read(stored.name) == data
    assert oct(files.path(stored.name).stat().st_mode & 0o777) == oct(0o600)
    leftovers = [p for p in tmp_path.rglob(".incoming-*")]
    assert leftovers == []
    assert files.write(data) == stored


def test_names_that_leave_the_folder_are_refused(tmp_path: Path) -> None:
    files = PhotoFiles(tmp_path / "photos")
    with pytest.raises(ValueError):
        files.read("../../etc/passwd")


def test_delete_removes_the_file(tmp_path: Path) -> None:
    files = PhotoFiles(tmp_path)
    stored = files.write(b"abc")
    files.delete(stored.name)
    assert not files.path(stored.name).exists()
