"""Build a labelled test set of photos: `python -m bot.quality.dataset OUTDIR`.

Layout: OUTDIR/<shot>/<label>/<name>.jpg, shot `locator` or `close_up`, label one of `good`,
`blurred`, `dark`, `bright`, `cast`, `far`, `close`, `small`, `face`, and `jpeg` (a good photo
saved as heavily compressed JPEG, quality 30-45, as some messengers do: it should still pass).
File names carry the Monk tone (`monk01`..`monk10`) or the real photograph used
(`photo-astronaut`), so the evaluator can compare skin tones. Needs scikit-image (a development
dependency) for its public-domain photos.
Every picture comes from a fixed seed, so the set is the same on every machine.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from bot.quality import render
from bot.quality.render import MONK, Float, grid

REAL_PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "motorcycle_left", "ihc")
"""Colour photographs shipped inside the scikit-image wheel (no download needed)."""


@dataclass(frozen=True)
class Sample:
    """One generated photo."""

    shot: str
    label: str
    name: str
    data: bytes


def disc_kernel(radius: float) -> NDArray[np.float32]:
    """A lens out of focus spreads a point into a disc."""
    size = int(np.ceil(radius)) * 2 + 1
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) - size // 2
    kernel = (np.sqrt(xx**2 + yy**2) <= radius).astype(np.float32)
    return np.asarray(kernel / kernel.sum(), dtype=np.float32)


def shake_kernel(rng: np.random.Generator, length: float) -> NDArray[np.float32]:
    """A hand moving during the exposure: a short wandering path."""
    size = int(length) * 2 + 3
    kernel = np.zeros((size, size), np.float32)
    angle = rng.uniform(0, np.pi)
    x, y = size / 2, size / 2
    steps = int(length * 3)
    for _ in range(steps):
        angle += rng.normal(0, 0.08)
        x += np.cos(angle) / 3
        y += np.sin(angle) / 3
        if 0 <= int(y) < size and 0 <= int(x) < size:
            kernel[int(y), int(x)] += 1.0
    return np.asarray(kernel / kernel.sum(), dtype=np.float32)


def blur(scene: Float, rng: np.random.Generator, kind: int, scale: float) -> Float:
    """Defocus (disc or soft) or camera shake, sized for the picture."""
    if kind == 0:
        kernel = disc_kernel(rng.uniform(3.0, 7.0) * scale)
    elif kind == 1:
        sigma = rng.uniform(2.2, 4.5) * scale
        return np.asarray(cv2.GaussianBlur(scene, (0, 0), sigma), np.float32)
    else:
        kernel = shake_kernel(rng, rng.uniform(9.0, 22.0) * scale)
    return np.asarray(cv2.filter2D(scene, -1, kernel), np.float32)


def glare(scene: Float, rng: np.random.Generator) -> Float:
    """Flash or a lamp reflected off skin: a large burnt-out patch."""
    h, w = scene.shape[:2]
    yy, xx = grid(h, w)
    cy, cx = rng.uniform(0.3, 0.7) * h, rng.uniform(0.3, 0.7) * w
    radius = rng.uniform(0.12, 0.22) * min(h, w)
    spot = np.exp(-(((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius**2)))
    return np.asarray(scene * 1.3 + 3.0 * spot[..., None], dtype=np.float32)


def shadow(scene: Float, rng: np.random.Generator) -> Float:
    """A hard shadow (a phone or a body) over much of the subject, with the rest in strong light."""
    h, w = scene.shape[:2]
    yy, xx = grid(h, w)
    angle = rng.uniform(0, 2 * np.pi)
    side = np.cos(angle) * (xx / w - 0.5) + np.sin(angle) * (yy / h - 0.5) - rng.uniform(-0.1, 0.1)
    dark = cv2.GaussianBlur((side > 0).astype(np.float32), (0, 0), 6)
    factor = 1.6 * (1 - dark) + 0.05 * dark
    return np.asarray(scene * factor[..., None], dtype=np.float32)


CASTS = (
    np.array([1.0, 0.62, 0.28], np.float32),
    np.array([0.55, 1.0, 0.6], np.float32),
    np.array([0.45, 0.7, 1.0], np.float32),
    np.array([1.0, 0.45, 0.9], np.float32),
)


def telegram(rgb: NDArray[np.uint8], rng: np.random.Generator) -> bytes:
    """Most photos arrive as Telegram 'photos' (1280 px, JPEG about q87); some as files."""
    if rng.random() < 0.75:
        return render.jpeg(rgb, 87)
    return render.jpeg(rgb, 92)


def size_for(rng: np.random.Generator) -> tuple[int, int]:
    """Telegram size mostly, some larger files, some portrait."""
    h, w = ((960, 1280), (960, 1280), (1200, 1600), (1280, 960))[int(rng.integers(0, 4))]
    return h, w


def real_photo(name: str) -> Float:
    """A scikit-image photograph as linear RGB."""
    import skimage
    from PIL import Image

    folder = Path(skimage.__file__).parent / "data"
    path = next(folder / f"{name}{ext}" for ext in (".png", ".jpg")
                if (folder / f"{name}{ext}").exists())
    with Image.open(path) as opened:
        image = np.asarray(opened.convert("RGB"))
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    return render.srgb_to_linear(image[..., :3].astype(np.float32) / 255.0)


def photo_scene(rng: np.random.Generator, name: str, h: int, w: int) -> Float:
    """A real photograph held up in a room (so the frame has context around it)."""
    scene = render.background(rng, h, w)
    photo = real_photo(name)
    ph, pw = photo.shape[:2]
    factor = min(0.8 * h / ph, 0.8 * w / pw, 1.0)
    if factor < 1.0:
        photo = np.asarray(cv2.resize(photo, (int(pw * factor), int(ph * factor)),
                                      interpolation=cv2.INTER_AREA), dtype=np.float32)
        ph, pw = photo.shape[:2]
    y0, x0 = int(rng.integers(0, h - ph)), int(rng.integers(0, w - pw))
    scene[y0:y0 + ph, x0:x0 + pw] = photo
    return scene


Scene = Callable[[np.random.Generator, int, int], Float]


def _photo(rng: np.random.Generator, scene: Float, label: str, variant: int) -> NDArray[np.uint8]:
    """Photograph a scene the way `label` says it went wrong (or right)."""
    scale = max(scene.shape[:2]) / 1280.0
    if label == "blurred":
        return render.camera(blur(scene, rng, variant % 3, scale), rng)
    if label == "dark":
        if variant % 3 == 2:
            return render.camera(shadow(scene, rng), rng)
        light = float(rng.uniform(0.05, 0.11))
        return render.camera(scene, rng, light=light, gain=1.0 / light,
                             denoise=bool(variant % 2))
    if label == "bright":
        if variant % 2:
            return render.camera(glare(scene, rng), rng)
        return render.camera(scene, rng, light=float(rng.uniform(3.5, 7.0)), gain=0.5)
    if label == "cast":
        tint = CASTS[variant % len(CASTS)]
        return render.camera(scene * tint, rng, light=1.2)
    return render.camera(scene, rng)


FULL_PLAN = {"good": 4, "blurred": 3, "dark": 3, "bright": 2, "cast": 1, "far": 2, "close": 2,
             "jpeg": 1}
QUICK_PLAN = {"good": 2, "blurred": 2, "dark": 2, "bright": 1, "cast": 1, "far": 1, "close": 1,
              "jpeg": 1}
"""How many photos of each label per tone and shot (the quick set is for the test suite)."""


def _tone_jobs(shot: str, quick: bool) -> Iterator[tuple[str, str, int, int]]:
    plan = dict(QUICK_PLAN if quick else FULL_PLAN)
    del plan["close" if shot == "close_up" else "far"]
    for tone_index in range(1, len(MONK) + 1):
        for label, count in plan.items():
            for variant in range(count):
                yield shot, label, tone_index, variant


def _tone_sample(job: tuple[str, str, int, int]) -> Sample:
    """Skin of one Monk tone, photographed well or badly."""
    shot, label, tone_index, variant = job
    tone = MONK[tone_index - 1]
    seed = hash_seed(shot, label, tone_index, variant)
    rng = np.random.default_rng(seed)
    h, w = size_for(rng)
    if label == "far" or (shot == "locator" and label != "close"):
        coverage = rng.uniform(0.05, 0.15) if label == "far" else rng.uniform(0.15, 0.4)
        scene = render.locator_scene(rng, tone, h, w, float(coverage))
    else:
        scene = render.close_up_scene(rng, tone, h, w)
    rgb = _photo(rng, scene, label, variant + tone_index)
    name = f"monk{tone_index:02d}-{label}-{variant}.jpg"
    if label == "jpeg":
        return Sample(shot, label, name, render.jpeg(rgb, int(rng.integers(30, 46))))
    return Sample(shot, label, name, telegram(rgb, rng))


def _photo_jobs() -> Iterator[tuple[int, str, str, int]]:
    plan = {"good": 2, "blurred": 2, "dark": 1, "bright": 1}
    for index, name in enumerate(REAL_PHOTOS):
        for label, count in plan.items():
            for variant in range(count):
                yield index, name, label, variant


def _photo_sample(job: tuple[int, str, str, int]) -> Sample:
    """A real photograph in a room, as a locator shot, photographed well or badly."""
    index, name, label, variant = job
    rng = np.random.default_rng(hash_seed("photo", label, index, variant))
    scene = photo_scene(rng, name, 960, 1280)
    rgb = _photo(rng, scene, label, variant + index)
    return Sample("locator", label, f"photo-{name}-{label}-{variant}.jpg",
                  telegram(rgb, rng))


def _face_samples() -> Iterator[Sample]:
    """The astronaut's face, at the sizes a locator or a close-up would show it."""
    for variant in range(8):
        rng = np.random.default_rng(hash_seed("face", "face", 0, variant))
        scene = photo_scene(rng, "astronaut", 960, 1280)
        rgb = render.camera(scene, rng)
        if variant % 2:
            rgb = np.ascontiguousarray(rgb[:, ::-1])
        shot = "locator" if variant < 5 else "close_up"
        yield Sample(shot, "face", f"photo-astronaut-face-{variant}.jpg", telegram(rgb, rng))


def _small_samples(goods: list[Sample]) -> Iterator[Sample]:
    """Good photos shrunk below the published minimum of 800x600."""
    import io

    from PIL import Image

    for index, sample in enumerate(goods[::4]):
        image = Image.open(io.BytesIO(sample.data))
        side = (640, 720, 560, 780)[index % 4]
        image.thumbnail((side, side))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=87)
        yield Sample(sample.shot, "small", sample.name.replace("-good-", "-small-"),
                     out.getvalue())


def hash_seed(*parts: object) -> int:
    """A stable seed from names (Python's own hash changes between runs)."""
    text = "/".join(str(p) for p in parts)
    seed = 2166136261
    for char in text.encode():
        seed = ((seed ^ char) * 16777619) % 2**32
    return seed


def samples(*, quick: bool = False, jobs: int = 1) -> Iterator[Sample]:
    """Every sample of the set, in a fixed order (rendered in `jobs` processes)."""
    tone_jobs = [*_tone_jobs("close_up", quick), *_tone_jobs("locator", quick)]
    photo_jobs = list(_photo_jobs())
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            rendered = [*pool.map(_tone_sample, tone_jobs, chunksize=4),
                        *pool.map(_photo_sample, photo_jobs, chunksize=4)]
    else:
        rendered = [*map(_tone_sample, tone_jobs), *map(_photo_sample, photo_jobs)]
    yield from rendered
    yield from _face_samples()
    yield from _small_samples([s for s in rendered if s.label == "good"])


def build(outdir: Path, *, quick: bool = False, jobs: int | None = None) -> int:
    """Write the whole set under `outdir`; return how many files were written."""
    count = 0
    for sample in samples(quick=quick, jobs=jobs or os.cpu_count() or 1):
        folder = outdir / sample.shot / sample.label
        folder.mkdir(parents=True, exist_ok=True)
        (folder / sample.name).write_bytes(sample.data)
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    """Command line: build the set in the folder given."""
    args = sys.argv[1:] if argv is None else argv
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    if len(args) != 1:
        print("usage: python -m bot.quality.dataset [--quick] OUTDIR", file=sys.stderr)
        return 2
    count = build(Path(args[0]), quick=quick)
    print(f"wrote {count} photos to {args[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
