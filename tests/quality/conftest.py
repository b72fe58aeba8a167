"""Fixtures for the quality engine tests: photos rendered at run time from fixed seeds."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.quality import dataset, render

PhotoMaker = Callable[..., bytes]


def jpeg_bytes(rgb: np.ndarray, quality: int = 87, **save: object) -> bytes:
    """Encode an RGB array as JPEG."""
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=quality, **save)
    return out.getvalue()


@pytest.fixture
def close_up() -> PhotoMaker:
    """A close-up of skin of a Monk tone, photographed as asked (light, blur, size)."""

    def make(tone: int = 5, *, light: float = 1.0, gain: float = 1.0, defocus: float = 0.0,
             shake: float = 0.0, size: tuple[int, int] = (960, 1280), quality: int = 87,
             seed: int = 1, exif: bytes | None = None) -> bytes:
        rng = np.random.default_rng(seed)
        h, w = size
        scene = render.close_up_scene(rng, render.MONK[tone - 1], h, w)
        scale = max(h, w) / 1280.0
        if defocus:
            scene = np.asarray(
                __import__("cv2").filter2D(scene, -1, dataset.disc_kernel(defocus * scale)),
                np.float32)
        if shake:
            kernel = dataset.shake_kernel(rng, shake * scale)
            scene = np.asarray(__import__("cv2").filter2D(scene, -1, kernel), np.float32)
        rgb = render.camera(scene, rng, light=light, gain=gain)
        return jpeg_bytes(rgb, quality, **({"exif": exif} if exif else {}))

    return make


@pytest.fixture
def locator() -> PhotoMaker:
    """A locator shot: an arm or leg with a rash in a room."""

    def make(tone: int = 5, *, coverage: float = 0.3, seed: int = 2,
             size: tuple[int, int] = (960, 1280)) -> bytes:
        rng = np.random.default_rng(seed)
        scene = render.locator_scene(rng, render.MONK[tone - 1], *size, coverage)
        return jpeg_bytes(render.camera(scene, rng))

    return make


@pytest.fixture(scope="session")
def astronaut() -> bytes:
    """A real photograph of a person (public domain, shipped with scikit-image) in a room."""
    rng = np.random.default_rng(3)
    scene = dataset.photo_scene(rng, "astronaut", 960, 1280)
    return jpeg_bytes(render.camera(scene, rng))


@pytest.fixture(scope="session")
def quick_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The quick labelled set (all ten Monk tones), built once per test session."""
    folder = tmp_path_factory.mktemp("quality-set")
    dataset.build(folder, quick=True, jobs=2)
    return folder
