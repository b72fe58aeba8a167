"""Small stand-in media for stickers, voice notes and videos sent by emulated users."""

from __future__ import annotations

import io

from PIL import Image


def sticker_webp(side: int = 512) -> bytes:
    """A plain square WebP, like a static sticker."""
    buffer = io.BytesIO()
    Image.new("RGBA", (side, side), (255, 200, 0, 255)).save(buffer, "WEBP")
    return buffer.getvalue()


def voice_ogg(seconds: int = 2) -> bytes:
    """Bytes starting like an OGG/Opus file (content is not decodable audio)."""
    return b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead" + b"\x00" * (400 * seconds)


def video_mp4() -> bytes:
    """Bytes starting like an MP4 file (content is not decodable video)."""
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 2048


def jpeg(width: int = 1600, height: int = 1200, color: tuple[int, int, int] = (180, 120, 100),
         exif: bytes | None = None) -> bytes:
    """A JPEG of the given size, optionally carrying EXIF bytes."""
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    if exif is not None:
        image.save(buffer, "JPEG", quality=90, exif=exif)
    else:
        image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
