"""Colour: any bit depth to 8 bits, and any colour profile to pixels that match their label.

The checks measure sRGB values, so the working copy always goes through the photo's profile to
sRGB. The kept copy keeps an RGB profile (an iPhone's Display P3, say) with its own pixels, and
turns anything else (CMYK, grey with a profile) into sRGB with no profile, so no viewer, PDF or
GP system ever reads pixels through a profile made for other pixels.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageCms

from bot.quality.profile import rebuilt_rgb

SRGB = ImageCms.createProfile("sRGB")
_SPACES = {b"RGB ": "RGB", b"CMYK": "CMYK", b"GRAY": "L"}
"""ICC colour space (header bytes 16-20) and the Pillow mode whose pixels it describes."""


def icc_of(image: Image.Image) -> bytes | None:
    """The embedded ICC profile, if any."""
    icc = image.info.get("icc_profile")
    return icc if isinstance(icc, bytes) and icc else None


def profile_mode(icc: bytes | None) -> str | None:
    """The Pillow mode a profile describes ('RGB', 'CMYK', 'L'), or None (none or unreadable)."""
    if icc is None or len(icc) < 128 or icc[36:40] != b"acsp":
        return None
    return _SPACES.get(icc[16:20])


def profile_fits(icc: bytes | None, mode: str) -> bool:
    """True if the pixels can be kept as they are, with no profile or with this one rebuilt
    (`bot.quality.profile.rebuilt_rgb`): none, or an RGB matrix/TRC profile on RGB pixels."""
    return icc is None or (mode == "RGB" and rebuilt_rgb(icc) is not None)


def eight_bit(image: Image.Image) -> Image.Image:
    """Bring 16-bit and 32-bit grey (modes I;16, I, F) to 8-bit 'L', scaled, not clipped.

    Pillow opens 16-bit colour PNGs as 8-bit RGB itself, but a 16-bit grey PNG stays 16-bit, and
    a plain conversion clips it: nearly every value is over 255, so the photo turns white.
    """
    mode = image.mode
    if mode.startswith("I;16"):
        values = np.array(image)  # a writable copy
        np.right_shift(values, 8, out=values)  # in place: a 50 MP photo is 100 MB here
        out = Image.fromarray(values.astype(np.uint8), "L")
        del values
    elif mode in ("I", "F"):
        values = np.asarray(image)
        top = float(values.max()) if values.size else 0.0
        scale = 255.0 if mode == "F" and top <= 1.0 else (1 / 257 if top > 255 else 1.0)
        out = Image.fromarray(np.clip(values * scale + 0.5, 0, 255).astype(np.uint8), "L")
    else:
        return image
    icc = icc_of(image)
    if icc is not None:
        out.info["icc_profile"] = icc
    return out


def to_rgb(image: Image.Image) -> Image.Image:
    """Convert any mode and bit depth to 8-bit RGB, laying transparent pixels on white.

    Colour values are not changed: use `to_srgb` where the colour profile matters.
    """
    image = eight_bit(image)
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def to_srgb(image: Image.Image) -> Image.Image:
    """8-bit RGB in sRGB: through the photo's own profile when it has one that fits."""
    icc = icc_of(image)
    image = eight_bit(image)
    described = profile_mode(icc)
    if described is None:
        return to_rgb(image)
    source = image if image.mode == described else to_rgb(image)
    if source.mode != described:
        return source  # a profile for other pixels (say CMYK on RGB): it cannot be trusted
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc or b""))
        converted = ImageCms.profileToProfile(source, profile, SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return to_rgb(source)
    assert converted is not None
    converted.info.pop("icc_profile", None)
    return converted


def for_keeping(image: Image.Image) -> tuple[Image.Image, bytes | None]:
    """Pixels to keep and the profile that goes with them (None means plain sRGB).

    An RGB matrix/TRC profile stays with RGB pixels, rebuilt from its colorimetry alone (a
    Display P3 photo keeps its wide colours, and nothing else of the sender's profile:
    `bot.quality.profile`); any other profile is applied, giving sRGB with no profile. A grey
    photo without a profile stays grey.
    """
    icc = icc_of(image)
    rebuilt = rebuilt_rgb(icc) if image.mode not in ("CMYK", "L") else None
    if rebuilt is not None:
        return to_rgb(image), rebuilt
    grey = eight_bit(image)
    if icc is None and grey.mode == "L":
        return grey, None  # a grey photo stays grey: a third of the memory of RGB
    return to_srgb(image), None
