"""A one-off start-up step: stored photos lose the metadata an older version kept with them.

Photos are now kept with only what decoding needs, the JFIF header without its thumbnail and
a colour profile rebuilt from its colorimetry (`bot/quality/clean.py`). A photo stored by an
older version may still carry EXIF (with GPS and the phone's make), XMP, IPTC (APP13), a
comment or a thumbnail, until retention deletes it. This step rewrites each such file once,
losslessly: its JPEG segments are rewritten as the current writer keeps them (`strip_jpeg`),
the compressed pixels copied bit for bit, never decoded and encoded again. The file keeps its
name (the case's rows, summaries and queued messages name it); its new hash and size are
noted on its photo rows. Each file is replaced atomically (`PhotoFiles.rewrite`).

Two things are kept that the current writer would not have to keep, because keeping them is
what makes the rewrite lossless: a photo stored turned by its EXIF orientation (the current
writer turns such photos upright; an old one may have kept the tag) keeps an EXIF segment with
that one tag alone, so it still shows the right way up; a colour profile that cannot be
rebuilt is kept as it was, since applying it would mean encoding the pixels again.

The step is recorded in `data_migrations` once it has finished, so it runs once; run again
after a crash, it finds the files it rewrote already clean and only notes their hashes. It
logs counts only.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
from dataclasses import dataclass, field

from PIL import Image

from bot.quality.clean import strip_jpeg
from bot.quality.colour import icc_of
from bot.quality.profile import rebuilt_rgb
from bot.store import Store, StoredFile
from bot.store.photo_files import PhotoFiles

NAME = "photo_metadata_stripped"
"""The step's name in `data_migrations`."""
ORIENTATION = 0x0112
log = logging.getLogger("bot.services.photo_metadata")


@dataclass
class Stripped:
    """What the step did, in counts (and the files whose content changed, for their rows)."""

    checked: int = 0
    rewritten: int = 0
    orientation_kept: int = 0
    profile_kept: int = 0
    unreadable: int = 0
    changed: list[StoredFile] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"checked": self.checked, "rewritten": self.rewritten,
                "orientation_kept": self.orientation_kept, "profile_kept": self.profile_kept,
                "unreadable": self.unreadable}


def orientation_only(orientation: int) -> bytes:
    """An APP1 EXIF segment holding the orientation tag alone (big-endian TIFF, one IFD)."""
    tiff = (b"MM\x00\x2a\x00\x00\x00\x08" + (1).to_bytes(2, "big")
            + ORIENTATION.to_bytes(2, "big") + (3).to_bytes(2, "big") + (1).to_bytes(4, "big")
            + orientation.to_bytes(2, "big") + b"\x00\x00" + (0).to_bytes(4, "big"))
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload


@dataclass(frozen=True)
class Kept:
    """A stored photo as the current writer would keep it (`data` None: not a JPEG this can
    rewrite without decoding), and what was kept that it would not have to keep."""

    data: bytes | None
    orientation_kept: bool = False
    profile_kept: bool = False


def as_kept(data: bytes) -> Kept:
    """The stored JPEG with only the segments the current writer keeps, pixels bit for bit."""
    try:
        with Image.open(io.BytesIO(data)) as image:  # headers only: the pixels stay compressed
            if image.format != "JPEG":
                return Kept(None)
            icc = icc_of(image)
            orientation = int(image.getexif().get(ORIENTATION, 1))
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return Kept(None)
    profile = rebuilt_rgb(icc)
    profile_kept = icc is not None and profile is None
    stripped = strip_jpeg(data, profile=icc if profile_kept else profile)
    if stripped is None:
        return Kept(None)
    turned = orientation in range(2, 9)
    if turned:  # after the JFIF header (which must come first), if there is one
        at = 2
        if stripped[2:4] == b"\xff\xe0":
            at = 4 + int.from_bytes(stripped[4:6], "big")
        stripped = stripped[:at] + orientation_only(orientation) + stripped[at:]
    return Kept(stripped, orientation_kept=turned, profile_kept=profile_kept)


def strip_folder(files: PhotoFiles) -> Stripped:
    """Rewrite every stored photo that carries more than the current writer keeps; blocking."""
    done = Stripped()
    for name in files.names():
        done.checked += 1
        try:
            data = files.read(name)
        except FileNotFoundError:  # deleted meanwhile (nothing else runs at start-up)
            continue
        kept = as_kept(data)
        if kept.data is None:
            done.unreadable += 1
            continue
        done.orientation_kept += kept.orientation_kept
        done.profile_kept += kept.profile_kept
        if kept.data != data:
            done.changed.append(files.rewrite(name, kept.data))
            done.rewritten += 1
        elif not name.split("/")[-1].startswith(_sha(data)):  # rewritten by a run cut short
            done.changed.append(StoredFile(name, _sha(data), len(data)))
    return done


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def strip_stored_photos(store: Store) -> Stripped | None:
    """Run the step unless it has run (None then): rewrite the files, note their new hashes
    on their photo rows, record the step, and log the counts."""
    if await store.db.data_migration_done(NAME):
        return None
    done = await asyncio.to_thread(strip_folder, store.files)
    rows = await store.photos.rehash(done.changed)
    await store.db.record_data_migration(NAME, json.dumps(done.counts()))
    log.info("start-up: stored photos' metadata stripped", extra={**done.counts(), "rows": rows})
    return done
