"""File store: file_ids, file paths for getFile, and Telegram-style photo processing."""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import itertools
import mimetypes
import secrets
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageOps

from .errors import IMAGE_PROCESS_FAILED, PHOTO_INVALID_DIMENSIONS, bad_request

try:  # HEIC photos from iPhones decode like any other
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover
    pass

MAX_DOWNLOAD = 20 * 1024 * 1024
PHOTO_SIDES = (90, 320, 800, 1280)
JPEG_QUALITY = 87
_FOLDERS = {
    "photo": ("photos", ".jpg"), "document": ("documents", ""), "voice": ("voice", ".oga"),
    "video": ("videos", ".mp4"), "sticker": ("stickers", ".webp"), "audio": ("music", ".mp3"),
    "thumbnail": ("thumbnails", ".jpg"), "animation": ("animations", ".mp4"),
}


@dataclass
class StoredFile:
    """One file Telegram holds: bytes plus the identifiers the Bot API shows."""

    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    mime_type: str | None = None
    file_name: str | None = None
    width: int | None = None
    height: int | None = None
    file_path: str | None = None
    siblings: list[str] = field(default_factory=list)  # file_ids of one photo's sizes

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def photo_size(self) -> dict[str, Any]:
        """A PhotoSize object."""
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "width": self.width, "height": self.height, "file_size": self.size}


class FileStore:
    """Holds every file in the emulated Telegram, by file_id and by file_path."""

    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(self, kind: str, data: bytes, **attrs: Any) -> StoredFile:
        """Store bytes under a new file_id."""
        number = next(self._counter)
        token = base64.urlsafe_b64encode(secrets.token_bytes(24)).decode().rstrip("=")
        file_id = f"{_prefix(kind)}{number:06d}{token}"
        unique = base64.urlsafe_b64encode(hashlib.sha256(kind.encode() + data).digest()[:12])
        stored = StoredFile(file_id, "AQAD" + unique.decode().rstrip("="), kind, data, **attrs)
        self.by_id[file_id] = stored
        return stored

    def get(self, file_id: str) -> StoredFile:
        """Look up a file_id, as sending by file_id does."""
        stored = self.by_id.get(file_id)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    def path_for(self, stored: StoredFile) -> str:
        """The file_path getFile answers with, assigned on first use."""
        if stored.file_path is None:
            folder, ext = _FOLDERS.get(stored.kind, ("documents", ""))
            if not ext:
                name_ext = "." + stored.file_name.rsplit(".", 1)[1] if stored.file_name and \
                    "." in stored.file_name else ""
                ext = name_ext.lower() or (mimetypes.guess_extension(stored.mime_type or "") or "")
            stored.file_path = f"{folder}/file_{next(self._counter)}{ext}"
            self.by_path[stored.file_path] = stored
        return stored.file_path

    def add_photo(self, data: bytes) -> list[StoredFile]:
        """Process an image the way Telegram does for a photo: sizes, JPEG, no metadata."""
        return [self.add("photo", jpeg, width=w, height=h, mime_type="image/jpeg")
                for jpeg, w, h in photo_variants(data)]

    def link_photo(self, sizes: list[StoredFile]) -> list[dict[str, Any]]:
        """Mark sizes as one photo and return the PhotoSize list."""
        ids = [size.file_id for size in sizes]
        for size in sizes:
            size.siblings = ids
        return [size.photo_size() for size in sizes]

    def photo_sizes(self, file_id: str) -> list[dict[str, Any]]:
        """All PhotoSizes of the photo a file_id belongs to."""
        stored = self.get(file_id)
        return [self.by_id[i].photo_size() for i in (stored.siblings or [file_id])]


def _prefix(kind: str) -> str:
    return {"photo": "AgACAgQAAxkB", "document": "BQACAgQAAxkB", "voice": "AwACAgQAAxkB",
            "video": "BAACAgQAAxkB", "sticker": "CAACAgQAAxkB"}.get(kind, "CgACAgQAAxkB")


@functools.lru_cache(maxsize=64)
def photo_variants(data: bytes) -> list[tuple[bytes, int, int]]:
    """Decode, honour EXIF orientation, then re-encode sizes up to 1280 px as plain JPEG.

    Remembered for the last 64 images: the same picture sent again (an example picture to
    every patient, a load test's sample photos) costs this process nothing, so its time is
    not charged to the bot under test. The returned list must not be changed."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except Exception:
        raise bad_request(IMAGE_PROCESS_FAILED) from None
    width, height = image.size
    if width + height > 10000 or max(width, height) > 20 * min(width, height):
        raise bad_request(PHOTO_INVALID_DIMENSIONS)
    longest = max(width, height)
    sides = [side for side in PHOTO_SIDES if side < longest] + [min(longest, PHOTO_SIDES[-1])]
    variants = []
    for side in sorted(set(sides)):
        scale = side / longest
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        resized = image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        resized.save(buffer, "JPEG", quality=JPEG_QUALITY)
        variants.append((buffer.getvalue(), size[0], size[1]))
    return variants


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of an image, if it decodes."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            return ImageOps.exif_transpose(opened).size
    except Exception:
        return None


@functools.lru_cache(maxsize=64)
def thumbnail_jpeg(data: bytes, side: int = 320) -> tuple[bytes, int, int] | None:
    """A small JPEG preview of an image document, as Telegram adds for JPEG/PNG files
    (remembered for the last 64 images, like `photo_variants`)."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except Exception:
        return None
    image.thumbnail((side, side))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue(), image.size[0], image.size[1]
