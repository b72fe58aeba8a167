"""Image files of the kinds phones and editors send, built in the test from an RGB picture."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pillow_heif
from PIL import Image, ImageCms

from tests.auxil.icc import cmyk_press, display_p3

SRGB = ImageCms.createProfile("sRGB")
EXIF_ROTATE_CW = 6
"""EXIF orientation 6: stored turned a quarter anticlockwise, shown turned back clockwise."""


def encoded(image: Image.Image, fmt: str, **save: object) -> bytes:
    """An image saved in a format, as bytes."""
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def png16_grey(rgb: np.ndarray) -> bytes:
    """A 16-bit greyscale PNG of the picture (values 0-65535)."""
    grey = np.asarray(Image.fromarray(rgb).convert("L")).astype(np.uint16) * 257
    return encoded(Image.fromarray(grey), "PNG")


def png16_colour(rgb: np.ndarray, alpha: bool = False) -> bytes:
    """A 16-bit-per-channel colour PNG (with an opaque alpha channel if asked)."""
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR).astype(np.uint16) * 257
    if alpha:
        bgr = np.dstack([bgr, np.full(bgr.shape[:2], 65535, np.uint16)])
    ok, data = cv2.imencode(".png", bgr)
    assert ok
    return bytes(data.tobytes())


def heic(image: Image.Image, *, exif: bytes | None = None) -> bytes:
    """A HEIC of one picture."""
    heif = pillow_heif.from_pillow(image)
    out = io.BytesIO()
    heif.save(out, quality=90, **({"exif": exif} if exif else {}))
    return out.getvalue()


def heic_burst(primary: Image.Image, other: Image.Image) -> bytes:
    """A HEIC with two top-level images (a burst, or an edit with its original), the second
    one primary."""
    heif = pillow_heif.from_pillow(other)
    heif.add_from_pillow(primary)
    out = io.BytesIO()
    heif.save(out, quality=90, primary_index=1)
    return out.getvalue()


def heic_exif_only_rotation(upright: Image.Image) -> bytes:
    """A HEIC stored sideways whose only rotation is the EXIF tag (no `irot` turn)."""
    exif = Image.Exif()
    exif[0x0112] = EXIF_ROTATE_CW
    data = bytearray(heic(upright.transpose(Image.Transpose.ROTATE_90), exif=exif.tobytes()))
    at = data.find(b"irot")  # pillow-heif turns the tag into an irot box: set its angle to 0
    assert at > 0
    data[at + 4] = 0
    return bytes(data)


def cmyk_jpeg(rgb: np.ndarray) -> tuple[bytes, np.ndarray]:
    """A CMYK JPEG with a press profile, and how it should look in sRGB through that profile."""
    cmyk = Image.fromarray(rgb).convert("CMYK")
    profile = cmyk_press()
    looks = ImageCms.profileToProfile(cmyk, ImageCms.ImageCmsProfile(io.BytesIO(profile)), SRGB,
                                      outputMode="RGB")
    assert looks is not None
    return encoded(cmyk, "JPEG", quality=95, icc_profile=profile), np.asarray(looks)


def display_p3_jpeg(rgb: np.ndarray) -> bytes:
    """The picture as an iPhone keeps it: Display P3 values, tagged with the P3 profile."""
    profile = display_p3()
    p3 = ImageCms.profileToProfile(Image.fromarray(rgb), SRGB,
                                   ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                                   outputMode="RGB")
    assert p3 is not None
    return encoded(p3, "JPEG", quality=95, icc_profile=profile)


def many_scans(jpeg: bytes, scans: int) -> bytes:
    """A progressive JPEG with its smallest scan repeated until it has `scans` of them."""
    progressive = encoded(Image.open(io.BytesIO(jpeg)), "JPEG", quality=85, progressive=True)
    starts = [i for i in range(len(progressive) - 1) if progressive[i:i + 2] == b"\xff\xda"]
    end = progressive.rfind(b"\xff\xd9")
    pieces = [progressive[a:b] for a, b in zip(starts, [*starts[1:], end], strict=True)]
    scan = min(pieces, key=len)
    return progressive[:end] + scan * (scans - len(starts)) + progressive[end:]


def in_srgb(jpeg: bytes) -> np.ndarray:
    """A JPEG's pixels as a colour-managed viewer shows them (through its profile, if any)."""
    image = Image.open(io.BytesIO(jpeg))
    icc = image.info.get("icc_profile")
    if not icc:
        return np.asarray(image.convert("RGB"))
    shown = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(icc)), SRGB,
                                      outputMode="RGB")
    assert shown is not None
    return np.asarray(shown)
