"""Decoding: every kind of bad input is refused by name; good input is kept clean and upright."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pillow_heif
import pytest
from PIL import Image

from bot.content import text
from bot.journey.photo_advice import check_advice
from bot.quality import assess, clean
from bot.quality.clean import strip_jpeg
from tests.auxil.files import (
    PRIVATE_COMMENT,
    private_traces,
    turned_with_comment,
    with_private_metadata,
)


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares a size but carries no pixels (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    body = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    end = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + body + end


def _encoded(image: Image.Image, fmt: str, **save: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def test_text_file_is_refused_as_not_an_image() -> None:
    result = assess(b"Hello doctor, here is my rash", "close_up")
    assert result.verdict == "retake"
    assert result.refusal == "not_an_image"
    assert result.image is None


def test_empty_file_is_refused() -> None:
    assert assess(b"", "locator").refusal == "not_an_image"


def test_truncated_jpeg_is_refused_as_corrupt(close_up) -> None:
    data = close_up(5)
    result = assess(data[: len(data) // 2], "close_up")
    assert result.refusal == "corrupt"


def test_animated_gif_is_refused() -> None:
    frames = [Image.new("RGB", (1024, 768), c) for c in ((200, 150, 120), (120, 80, 60))]
    data = _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert assess(data, "close_up").refusal == "animated"


def test_decompression_bomb_is_refused_without_decoding() -> None:
    result = assess(_png_header(30000, 30000), "locator")
    assert result.refusal == "too_many_pixels"
    assert assess(_png_header(9000, 9000), "locator").refusal == "too_many_pixels"


def test_image_below_800x600_is_refused_as_too_small_with_a_size_fail() -> None:
    data = _encoded(Image.new("RGB", (640, 480), (190, 140, 110)), "JPEG")
    result = assess(data, "close_up")
    assert result.refusal == "too_small"
    assert (result.width, result.height) == (640, 480)
    size = result.check("size")
    assert size is not None and size.status == "fail"
    advice = check_advice(size, width=result.width, height=result.height)
    assert advice == text("quality.size.too_small", width=640, height=480)


def test_heic_from_an_iphone_is_decoded_and_kept_as_jpeg(close_up) -> None:
    rgb = np.asarray(Image.open(io.BytesIO(close_up(4))))
    heif = pillow_heif.from_pillow(Image.fromarray(rgb))
    out = io.BytesIO()
    heif.save(out, quality=90)
    result = assess(out.getvalue(), "close_up")
    assert result.refusal is None
    assert (result.width, result.height) == (1280, 960)
    assert result.image is not None and result.image[:2] == b"\xff\xd8"
    assert result.verdict == "accept"


def test_png_with_transparency_and_webp_are_accepted(close_up) -> None:
    rgb = Image.open(io.BytesIO(close_up(6))).convert("RGBA")
    for data in (_encoded(rgb, "PNG"), _encoded(rgb.convert("RGB"), "WEBP", quality=90)):
        result = assess(data, "close_up")
        assert result.refusal is None
        assert result.image is not None
        assert Image.open(io.BytesIO(result.image)).format == "JPEG"


def _gps_exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    gps = {1: "N", 2: (51.0, 32.0, 50.0), 3: "W", 4: (0.0, 2.0, 40.0)}
    exif[0x8825] = gps
    return exif.tobytes()


def test_kept_photo_has_no_exif_or_gps_and_is_upright(close_up) -> None:
    stored = np.asarray(Image.open(io.BytesIO(close_up(3, size=(900, 1200))))).copy()
    stored[:60, :60] = (0, 0, 255)  # a blue mark in the stored top-left corner
    data = _encoded(Image.fromarray(stored), "JPEG", quality=92, exif=_gps_exif(6))
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    result = assess(data, "close_up")
    assert (result.width, result.height) == (900, 1200)  # orientation 6: turned upright
    assert result.image is not None
    kept = Image.open(io.BytesIO(result.image))
    assert kept.size == (900, 1200)
    assert len(kept.getexif()) == 0
    assert b"Exif" not in result.image and b"PhoneMaker" not in result.image
    pixels = np.asarray(kept.convert("RGB")).astype(int)
    # Rotating 90 degrees clockwise puts the stored top-left corner at the top right.
    assert pixels[10:50, -50:-10, 2].mean() > 200 and pixels[10:50, -50:-10, 0].mean() < 60


def test_upright_jpeg_is_kept_bit_for_bit_without_metadata(close_up) -> None:
    data = close_up(8, exif=_gps_exif(1))
    result = assess(data, "close_up")
    assert result.image is not None
    assert b"Exif" not in result.image and b"PhoneMaker" not in result.image
    before = np.asarray(Image.open(io.BytesIO(data)))
    after = np.asarray(Image.open(io.BytesIO(result.image)))
    assert np.array_equal(before, after)
    assert clean(data) == result.image


def test_an_upright_jpeg_loses_its_thumbnail_comment_xmp_and_gps_but_not_a_pixel(close_up) -> None:
    data = with_private_metadata(close_up(8))
    assert private_traces(data) == ["comment", "thumbnail", "phone maker", "EXIF", "XMP"]
    result = assess(data, "close_up")
    assert result.image is not None
    assert private_traces(result.image) == []
    before = np.asarray(Image.open(io.BytesIO(data)))
    assert np.array_equal(before, np.asarray(Image.open(io.BytesIO(result.image))))


def _cmyk(jpeg: bytes) -> bytes:
    return _encoded(Image.open(io.BytesIO(jpeg)).convert("CMYK"), "JPEG", quality=95,
                    comment=PRIVATE_COMMENT)


def _gif(jpeg: bytes) -> bytes:
    return _encoded(Image.open(io.BytesIO(jpeg)), "GIF", comment=PRIVATE_COMMENT)


@pytest.mark.parametrize("made", [turned_with_comment, _cmyk, _gif],
                         ids=["turned JPEG", "CMYK JPEG", "GIF"])
def test_a_photo_that_must_be_re_encoded_keeps_no_comment(close_up, made) -> None:
    data = made(close_up(8))
    assert PRIVATE_COMMENT in data
    result = assess(data, "close_up")
    assert result.refusal is None and result.image is not None
    assert private_traces(result.image) == []
    assert clean(data) == result.image


def test_strip_jpeg_drops_trailing_data_and_refuses_non_jpeg(close_up) -> None:
    data = close_up(2)
    stripped = strip_jpeg(data + b"MPF second image follows")
    assert stripped is not None and stripped.endswith(b"\xff\xd9")
    assert strip_jpeg(b"not a jpeg") is None



def test_a_79_mp_png_of_a_few_hundred_kb_is_refused_as_too_big_to_check() -> None:
    data = _encoded(Image.new("RGB", (10240, 7680), (180, 140, 120)), "PNG")
    assert len(data) < 500_000
    result = assess(data, "close_up")
    assert result.refusal == "too_many_pixels" and result.image is None
