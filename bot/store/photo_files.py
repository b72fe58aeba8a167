"""Photo files on disk: written atomically, named by the sha256 of their content."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot import testpoints
from bot.store.database import PRIVATE_FILE, private_folder

INCOMING_PREFIX = ".incoming-"
"""Temporary files being written; one left behind by a crash is removed at start-up."""


class PhotoFileMissing(FileNotFoundError):
    """A stored photo file is not on disk (deleted when the photo was replaced or erased):
    reading it again will never succeed, so whoever sends it must give up, not retry."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file safely on disk: its name under the photo folder, hash and size."""

    name: str
    sha256: str
    size_bytes: int


class PhotoFiles:
    """Write, read and delete photo files under one folder; blocking, so call off the loop."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, data: bytes, suffix: str = ".jpg", *, sha256: str | None = None) -> StoredFile:
        """Write the bytes durably (temp file, fsync, rename, fsync folder) and describe them.

        `sha256` is the hex SHA-256 of `data` if the caller has already worked it out (it
        names the file; not checked again), so a photo's bytes are hashed once. The file is
        0600 and its folder 0700, whatever the umask.
        """
        digest = sha256 or hashlib.sha256(data).hexdigest()
        name = f"{digest[:2]}/{digest}{suffix}"
        target = self.root / name
        private_folder(target.parent)
        if target.exists() and target.stat().st_size == len(data):
            return StoredFile(name, digest, len(data))
        _replace_durably(target, data, suffix, testpoint="photo.temp_written")
        testpoints.reached_in_thread("photo.file_written")
        return StoredFile(name, digest, len(data))

    def rewrite(self, name: str, data: bytes) -> StoredFile:
        """Replace a stored file's bytes under its own name, durably (temp file, fsync,
        rename, fsync folder): a crash leaves the old file or the new one, never a mix. For
        one-off data steps (`bot/services/photo_metadata.py`): the name no longer says the
        content's hash, which is returned."""
        target = self.path(name)
        _replace_durably(target, data, target.suffix)
        return StoredFile(name, hashlib.sha256(data).hexdigest(), len(data))

    def names(self) -> list[str]:
        """Every stored file's name (`xx/<sha256>.jpg`), temporary files left out."""
        return sorted(f"{path.parent.name}/{path.name}" for path in self.root.glob("*/*")
                      if path.is_file() and not path.name.startswith(INCOMING_PREFIX))

    def read(self, name: str) -> bytes:
        """Return the bytes of a stored file; PhotoFileMissing if it is not there."""
        try:
            return self.path(name).read_bytes()
        except FileNotFoundError as gone:
            raise PhotoFileMissing(name) from gone

    def delete(self, name: str) -> None:
        """Remove a stored file if it is there."""
        self.path(name).unlink(missing_ok=True)

    def path(self, name: str) -> Path:
        """Return where a stored file lives, refusing names that leave the folder."""
        path = (self.root / name).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("photo file name outside the photo folder")
        return path


def _replace_durably(target: Path, data: bytes, suffix: str, *,
                     testpoint: str | None = None) -> None:
    """Write `data` to a 0600 temporary file beside `target`, fsync it, rename it over
    `target` and fsync the folder."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=INCOMING_PREFIX, suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), PRIVATE_FILE)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if testpoint is not None:
            testpoints.reached_in_thread(testpoint)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
