"""The start-up step that strips stored photos (`bot/services/photo_metadata.py`): what it
keeps, and that a photo the current writer stored is left as it is."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageCms

from bot.quality.clean import clean
from bot.services.photo_metadata import as_kept
from tests.auxil.e2e.bot_app import sample


def _jpeg(**save: object) -> bytes:
    pixels = np.random.default_rng(3).integers(0, 256, (48, 64, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", **save)
    return out.getvalue()


def test_a_photo_the_current_writer_kept_is_left_bit_for_bit() -> None:
    for data in (clean(sample("locator-good.jpg")), _jpeg(comment=b"")):
        assert as_kept(data).data == data


def test_a_photo_stored_turned_keeps_its_orientation_alone() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    old = _jpeg(exif=exif)
    kept = as_kept(old)
    assert kept.orientation_kept and kept.data is not None
    with Image.open(io.BytesIO(kept.data)) as image:
        assert dict(image.getexif()) == {0x0112: 6}
        assert image.tobytes() == Image.open(io.BytesIO(old)).tobytes()
    assert b"PhoneMaker" not in kept.data


def test_a_profile_is_rebuilt_as_the_writer_does_and_a_lut_one_is_kept_not_applied() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    kept = as_kept(_jpeg(icc_profile=srgb, comment=b"note"))
    assert kept.data is not None and not kept.profile_kept
    with Image.open(io.BytesIO(kept.data)) as image:
        assert image.info.get("icc_profile") and "comment" not in image.info
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    odd = as_kept(_jpeg(icc_profile=lab))
    assert odd.profile_kept and odd.data is not None


def test_what_is_not_a_jpeg_is_left_alone() -> None:
    assert as_kept(b"not a photo").data is None
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    assert as_kept(out.getvalue()).data is None


def test_a_kept_profile_too_big_for_one_segment_is_kept_whole() -> None:
    """A profile that cannot be rebuilt is kept as it was, even one spread over several APP2
    segments (it was dropped while the step counted it kept: the colours then read as sRGB)."""
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    padded = lab + bytes(70_000)
    big = len(padded).to_bytes(4, "big") + padded[4:]  # the header's size field says it all
    old = _jpeg(icc_profile=big, comment=b"note")
    kept = as_kept(old)
    assert kept.profile_kept and kept.data is not None
    with Image.open(io.BytesIO(kept.data)) as image:
        assert image.info.get("icc_profile") == big and "comment" not in image.info
        assert image.tobytes() == Image.open(io.BytesIO(old)).tobytes()
    assert as_kept(kept.data).data == kept.data, "a second run leaves it as it is"
