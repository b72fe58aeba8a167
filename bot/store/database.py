"""The SQLite connection: pragmas, versioned migrations and serialised transactions."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
"""Health data: readable by the bot's own account only, whatever the process umask."""
SIDE_FILES = ("-wal", "-shm", "-journal")
"""SQLite's companions of a database file; it creates them with the database file's mode."""


def private_folder(path: Path) -> None:
    """Create the folder (and missing parents) if needed, and make it 0700 (blocking)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, PRIVATE_FOLDER)


def private_database_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does (blocking), and make any existing
    one and its -wal, -shm and -journal files 0600 too.

    SQLite creates a new database file 0644 whatever the umask, and its -wal and -shm files
    with the database file's mode, so a database file made 0600 first keeps all three private.
    """
    private_folder(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.chmod(side, PRIVATE_FILE)


def utc_now() -> str:
    """Return the current time as an ISO 8601 UTC string, the form every table stores."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class MigrationMismatch(RuntimeError):
    """The database was migrated by a build whose migrations differ from this one's."""


class Database:
    """One aiosqlite connection shared by the repositories, with one writer at a time."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._conn = connection
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (or create) the database at `path` and bring its schema up to date.

        The folder is made 0700 and the database, WAL and shared-memory files 0600.
        """
        await asyncio.to_thread(private_database_file, path)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.execute("PRAGMA secure_delete = ON")  # erased health data is overwritten
        db = cls(conn)
        try:
            await db.migrate()
        except BaseException:
            await conn.close()  # a refused start-up leaves no connection open
            raise
        return db

    async def trace(self, callback: Callable[[str], None] | None) -> None:
        """Call `callback` with the text of every SQL statement run from now on (SQLite's
        trace hook, on the connection's own thread), or stop with None; for benchmarks
        (`benchmarks/journey_statements.py`)."""
        await self._conn.set_trace_callback(callback)  # type: ignore[arg-type]  # None stops

    async def close(self) -> None:
        """Close the connection; committed data is already on disk."""
        await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block as one write transaction, committed on success, rolled back on error."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """Give the block the connection for reads, never interleaved with a transaction."""
        async with self._lock:
            yield self._conn

    async def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database file and truncate it to zero bytes;
        return False if another connection's reader kept it from completing.

        Run after an erasure: `secure_delete` overwrites erased rows in the database file, but
        the WAL still holds the pages as they were before, until it is checkpointed and
        truncated. The bot has one connection, so only another process (`python -m bot purge`
        while the bot runs) can hold it up; the bot's next erasure or purge checkpoints again.
        """
        async with self._lock:
            cursor = await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            row = await cursor.fetchone()
        return row is not None and int(row[0]) == 0

    async def schema_version(self) -> int:
        """Return the number of the newest migration applied."""
        async with self.reading() as conn:
            cursor = await conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> None:
        """Apply, in order and each in its own transaction, every migration not yet applied.

        A migration counts as applied by its number, so one numbered below the newest applied
        (from a branch merged later) is still applied.

        Raises MigrationMismatch, changing nothing, when a number was applied under another
        file's name (a database made by a build whose migration was renumbered since): going
        on would skip this build's migration of that number.
        """
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with self.reading() as conn:
            cursor = await conn.execute("SELECT version, name FROM schema_migrations")
            applied = {int(row[0]): str(row[1]) for row in await cursor.fetchall()}
        migrations = _migrations()
        for version, name, _sql in migrations:
            if version in applied and applied[version] != name:
                raise MigrationMismatch(
                    f"migration {version} was applied as {applied[version]}, but this build's "
                    f"is {name}: restore a backup made before it, or use the build that made it")
        for version, name, sql in migrations:
            if version in applied:
                continue
            async with self.transaction() as conn:
                for statement in _statements(sql):
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, utc_now()),
                )


    async def data_migration_done(self, name: str) -> bool:
        """True once the one-off data step `name` has finished (`record_data_migration`)."""
        async with self.reading() as conn:
            cursor = await conn.execute("SELECT 1 FROM data_migrations WHERE name = ?", (name,))
            return await cursor.fetchone() is not None

    async def record_data_migration(self, name: str, detail: str) -> None:
        """Note that the one-off data step `name` has finished (`detail`: counts, as JSON),
        so that no later start runs it again."""
        async with self.transaction() as conn:
            await conn.execute("INSERT OR IGNORE INTO data_migrations (name, applied_at, detail) "
                               "VALUES (?, ?, ?)", (name, utc_now(), detail))


def _migrations() -> list[tuple[int, str, str]]:
    """Return the packaged migration files as (version, name, sql), oldest first."""
    folder = resources.files("bot.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def _statements(sql: str) -> list[str]:
    """Split a migration file into statements (the files hold no semicolons inside strings)."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
