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


def display_p3_jpeg(rgb: np.ndarray, *, hidden: bytes = b"") -> bytes:
    """The picture as an iPhone keeps it: Display P3 values, tagged with the P3 profile (with
    `hidden` bytes in the profile: `tests.auxil.icc.display_p3`)."""
    profile = display_p3(hidden=hidden)
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


PRIVATE_COMMENT = b"Jane Smith 943 476 5919 07700 900123"
"""A name, NHS number and phone number, as an editor or a phone app may write in a comment."""
PRIVATE_THUMBNAIL = bytes(range(48))
"""A JFIF thumbnail's pixels (4 x 4 RGB): in a real file, a small copy of the photo as it was
before an editor cropped it."""
PHONE_MAKER = "PhoneMaker"


def gps_exif(orientation: int = 1) -> bytes:
    """EXIF naming the phone, with the place the photo was taken (GPS) and its orientation."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = PHONE_MAKER
    exif[0x8825] = {1: "N", 2: (51.0, 32.0, 50.0), 3: "W", 4: (0.0, 2.0, 40.0)}
    return exif.tobytes()


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def with_thumbnail(jpeg: bytes) -> bytes:
    """The same JPEG, pixels bit for bit, with a thumbnail in its JFIF header and bytes appended
    to an Adobe header: all that a photo kept before the thumbnail was cut off may carry."""
    assert jpeg[2:4] == b"\xff\xe0", "starts with a JFIF header"
    rest = jpeg[4 + int.from_bytes(jpeg[4:6], "big"):]
    jfif = jpeg[6:18] + b"\x04\x04" + PRIVATE_THUMBNAIL
    adobe = b"Adobe" + bytes((0, 100, 0, 0, 0, 0, 1)) + PRIVATE_COMMENT  # 1: YCbCr
    return b"\xff\xd8" + _segment(0xE0, jfif) + _segment(0xEE, adobe) + rest


def with_private_metadata(jpeg: bytes) -> bytes:
    """The same JPEG, pixels bit for bit, with a JFIF thumbnail, EXIF with GPS, a comment and
    XMP added (and bytes appended to an Adobe header), all of which the kept copy must lose."""
    thumbnailed = with_thumbnail(jpeg)
    headers = 4 + int.from_bytes(thumbnailed[4:6], "big")
    headers += 2 + int.from_bytes(thumbnailed[headers + 2:headers + 4], "big")
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + PRIVATE_COMMENT + b"</x:xmpmeta>"
    return (thumbnailed[:headers] + _segment(0xE1, b"Exif\x00\x00" + gps_exif())
            + _segment(0xE1, xmp) + _segment(0xFE, PRIVATE_COMMENT) + thumbnailed[headers:])


def turned(jpeg: bytes) -> bytes:
    """The same photo stored sideways with EXIF orientation 6 (so it must be re-encoded
    upright), with its colour profile."""
    image = Image.open(io.BytesIO(jpeg))
    profile = image.info.get("icc_profile")
    return encoded(image.transpose(Image.Transpose.ROTATE_90), "JPEG", quality=95,
                   exif=gps_exif(EXIF_ROTATE_CW),
                   **({"icc_profile": profile} if profile else {}))


def turned_with_comment(jpeg: bytes) -> bytes:
    """The same photo stored sideways with EXIF orientation 6 (so it must be re-encoded
    upright), carrying a comment and EXIF with GPS."""
    sideways = Image.open(io.BytesIO(jpeg)).transpose(Image.Transpose.ROTATE_90)
    return encoded(sideways, "JPEG", quality=95, exif=gps_exif(EXIF_ROTATE_CW),
                   comment=PRIVATE_COMMENT)


def private_traces(data: bytes) -> list[str]:
    """Which of the metadata above can be read in these bytes (a kept photo, a PDF...)."""
    found = {"comment": PRIVATE_COMMENT, "thumbnail": PRIVATE_THUMBNAIL,
             "phone maker": PHONE_MAKER.encode(), "EXIF": b"Exif\x00", "XMP": b"xmpmeta"}
    return [name for name, needle in found.items() if needle in data]
