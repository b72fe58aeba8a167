"""Photos an older version stored with their metadata lose it at the next start, once."""

from __future__ import annotations

import hashlib
import io
import sqlite3

import numpy as np
from PIL import ExifTags, Image

from bot.config import Settings
from bot.store import open_store
from tests.auxil.e2e.bot_app import BotStarter
from tests.auxil.store import opened_case, schema_before

DATA_MIGRATIONS = 16
"""The schema migration that made the `data_migrations` table: a database from before it was
left by a version that never stripped what it had stored."""


def phone_jpeg_with_gps() -> bytes:
    """A real camera-style JPEG: noisy pixels, EXIF with the phone's make and a GPS position
    (an old version kept it as sent), an XMP packet and a comment."""
    pixels = np.random.default_rng(7).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N",
                                   ExifTags.GPS.GPSLatitude: (51.0, 31.0, 4.2),
                                   ExifTags.GPS.GPSLongitudeRef: "W",
                                   ExifTags.GPS.GPSLongitude: (0.0, 5.0, 2.0)}
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=92, exif=exif,
                                 xmp=b"<x:xmpmeta>home</x:xmpmeta>", comment=b"at home")
    return out.getvalue()


def segments(data: bytes) -> list[str]:
    with Image.open(io.BytesIO(data)) as image:
        return [marker for marker, _ in image.applist]


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.tobytes()


async def test_a_photo_stored_with_gps_by_an_older_version_loses_it_once_pixels_untouched(
    bot_settings: Settings, start_bot: BotStarter
) -> None:
    old = phone_jpeg_with_gps()
    with Image.open(io.BytesIO(old)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo), "the test photo carries GPS"
    assert "COM" in segments(old) and "APP1" in segments(old)
    bot_settings.database_path.parent.mkdir(parents=True, exist_ok=True)
    schema_before(bot_settings.database_path, DATA_MIGRATIONS)
    store = await open_store(bot_settings.database_path, bot_settings.photos_dir)
    case = await opened_case(store)
    stored = store.files.write(old)  # named by its hash, as every version has
    await store.photos.add(case.id, "locator", stored, source="document", verdict="accept",
                           status="accepted")
    await store.close()
    path = bot_settings.photos_dir / stored.name

    async with start_bot():
        pass

    kept = path.read_bytes()
    assert segments(kept) == ["APP0"], "no EXIF, XMP or comment left"
    with Image.open(io.BytesIO(kept)) as image:
        assert not image.getexif() and "comment" not in image.info
    assert b"PhoneMaker" not in kept and b"home" not in kept
    assert pixels(kept) == pixels(old), "the compressed pixels were copied, not encoded again"
    assert path.stat().st_mode & 0o777 == 0o600
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".incoming-")]
    with sqlite3.connect(bot_settings.database_path) as conn:
        row = conn.execute("SELECT sha256, size_bytes FROM photos WHERE file_name = ?",
                           (stored.name,)).fetchone()
        recorded = conn.execute("SELECT name, detail FROM data_migrations").fetchall()
    assert row == (hashlib.sha256(kept).hexdigest(), len(kept)), "the row says the new file"
    assert [name for name, _ in recorded] == ["photo_metadata_stripped"]
    assert '"rewritten": 1' in recorded[0][1]

    before = path.stat()
    async with start_bot():
        pass
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), (
        "a second start does nothing")
    with sqlite3.connect(bot_settings.database_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM data_migrations").fetchone() == (1,)
