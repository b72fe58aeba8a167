"""Build a labelled set from real photographs: `python -m bot.quality.realset MANIFEST OUTDIR`.

MANIFEST is a CSV listing real photographs of skin (columns `id`, `file` relative to the
manifest's folder, `shot` (`close_up`, `locator` or `unknown`), `skin_tone` (`light`, `medium`,
`dark`), `quality` (`good` or `poor:<reason>`), `source_repo`, `licence`). The photographs are
not part of this repository (most real clinical photographs may not be redistributed); see
`docs/quality-evaluation.md` for how the development set was gathered.

Every good photograph becomes several labelled photos, in the layout `bot.quality.evaluate`
reads (`OUTDIR/<shot>/<label>/<name>.jpg`):

- `good`: the photograph as it is (at its own size; the evaluator sets the size rule aside);
- `telegram`: shrunk to 1280 px on the long side if larger and saved at JPEG quality 87, as
  Telegram does to a photo (should still be accepted); `enlarged`: the same but blown up to
  1280 px when smaller (Telegram never does this; reported to show what it costs);
- `blurred` (defocus: a disc 4-9 px in radius at 1280 px), `shake` (a wandering path 9-22 px
  long at 1280 px), both scaled with the picture, so the blur is the same share of the frame
  at any size (a 640 px photo gets half the pixels of blur),
  `dark` (2.5-4 stops under, with the noise a phone adds), `bright` (1.7-2.7 stops over, or a
  burnt-out glare patch), `cast` (orange, green, blue or magenta light of a strength seen from
  household lamps and LEDs), all made in linear light at strengths scaled to the picture;
- `far` (close-ups only): the photograph shrunk to 20-35% of the frame in a plain room, and
  every good locator offered as a close-up; `close` (locators only): every good close-up
  offered as a locator.

Photographs labelled poor in the manifest (blurred, backlit...) are kept as they are, labelled
`natural`: real faults, which should be sent back.

Photographs are split into a development half, used to tune the checks, and a held-out half,
used only to report (`--split dev`, `--split test`, or `--split all`), by a hash of their id.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from bot.quality import render
from bot.quality.dataset import CASTS, disc_kernel, hash_seed, shake_kernel
from bot.quality.render import Float

TELEGRAM_SIDE = 1280
TEST_SHARE = 0.4
"""Share of photographs held out for reporting."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One real photograph from the manifest."""

    id: str
    path: Path
    shot: str
    tone: str
    good: bool
    source: str
    kind: str = "unknown"
    """How it was taken, as the manifest's `kind` says (`smartphone`, `clinical`, `webcam`,
    `camera`...): carried into the file names so that `evaluate` can report by it."""


def manifest_rows(manifest: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """Each row of a manifest CSV whose `file` (relative to the manifest) exists, with its path."""
    with manifest.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            path = manifest.parent / row["file"]
            if path.is_file():
                yield row, path


def load_manifest(manifest: Path) -> list[Entry]:
    """Read the manifest; rows without a readable file are skipped."""
    entries = []
    for row, path in manifest_rows(manifest):
        entries.append(Entry(
            id=row["id"], path=path, shot=row.get("shot", "unknown") or "unknown",
            tone=(row.get("skin_tone") or "unknown").lower(),
            good=(row.get("quality") or "good").strip().lower() == "good",
            source=row.get("source_repo", ""),
            kind=_name_part(row.get("kind") or "unknown"),
        ))
    return entries


def _name_part(text: str) -> str:
    """`text` as one part of a file name: lower case letters, digits and underscores."""
    return re.sub(r"[^a-z0-9_]+", "_", text.strip().lower()) or "unknown"


def split_of(entry_id: str) -> str:
    """`dev` or `test`, fixed for each photograph id."""
    return "test" if hash_seed("split", entry_id) % 1000 < TEST_SHARE * 1000 else "dev"


PAD_LEVEL = 24
"""A pixel is content when its brightest channel is above this (0-255)."""
PAD_SHARE = 0.02
"""A row or column at the edge is padding when under this share of it is content."""


def crop_padding(pixels: NDArray[np.uint8]) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the part of an RGB (height x width x 3) or grey (height x
    width) picture left when near-black padding rows and columns at the edges are removed;
    the whole picture when nothing is content. `load` and `scripts/real_photos.py` crop by it."""
    content = pixels.max(axis=2) > PAD_LEVEL if pixels.ndim == 3 else pixels > PAD_LEVEL
    rows = np.flatnonzero(content.mean(axis=1) > PAD_SHARE)
    cols = np.flatnonzero(content.mean(axis=0) > PAD_SHARE)
    if rows.size == 0 or cols.size == 0:
        return 0, pixels.shape[0], 0, pixels.shape[1]
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def load(path: Path) -> NDArray[np.uint8]:
    """The photograph, upright, with any black padding a data set added around it removed."""
    with Image.open(path) as opened:
        rgb = np.asarray(ImageOps.exif_transpose(opened).convert("RGB"), dtype=np.uint8)
    top, bottom, left, right = crop_padding(rgb)
    if (top, bottom, left, right) == (0, rgb.shape[0], 0, rgb.shape[1]):
        return rgb
    return np.ascontiguousarray(rgb[top:bottom, left:right])


def _jpeg(rgb: NDArray[np.uint8], quality: int = 92) -> bytes:
    return render.jpeg(np.ascontiguousarray(rgb), quality)


def _linear(rgb: NDArray[np.uint8]) -> Float:
    return render.srgb_to_linear(rgb.astype(np.float32) / 255.0)


def _scale(rgb: NDArray[np.uint8]) -> float:
    """Pixels of this photo per pixel of a 1280 px photo: blur strengths are given at 1280 px
    and scaled with the picture, so the blur is the same share of the frame at any size."""
    return float(max(rgb.shape[:2])) / TELEGRAM_SIDE


def telegram(rgb: NDArray[np.uint8], *, enlarge: bool = False) -> bytes:
    """The photo as Telegram delivers a 'photo': at most 1280 px long side, JPEG quality 87.

    Telegram never enlarges a photo; `enlarge` does (to exactly 1280 px), to show how the
    checks treat a small photo blown up by an app before it was sent.
    """
    height, width = rgb.shape[:2]
    factor = TELEGRAM_SIDE / max(height, width)
    if factor < 1 or enlarge:
        size = (round(width * factor), round(height * factor))
        method = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
        rgb = np.asarray(cv2.resize(rgb, size, interpolation=method), np.uint8)
    return render.jpeg(rgb, 87)


def defocus(rgb: NDArray[np.uint8], rng: np.random.Generator) -> bytes:
    """Out of focus: each point spread into a disc 4-9 px in radius at 1280 px."""
    kernel = disc_kernel(float(rng.uniform(4.0, 9.0)) * _scale(rgb))
    blurred = cv2.filter2D(_linear(rgb), -1, kernel)
    return _jpeg(render.linear_to_srgb8(np.asarray(blurred, np.float32)))


def shake(rgb: NDArray[np.uint8], rng: np.random.Generator) -> bytes:
    """Camera shake: a wandering path 9-22 px long at 1280 px."""
    kernel = shake_kernel(rng, float(rng.uniform(9.0, 22.0)) * _scale(rgb))
    blurred = cv2.filter2D(_linear(rgb), -1, kernel)
    return _jpeg(render.linear_to_srgb8(np.asarray(blurred, np.float32)))


def dark(rgb: NDArray[np.uint8], rng: np.random.Generator) -> bytes:
    """Under-exposed by 2.5-4 stops; the phone's gain brings back part of it, with noise."""
    linear = _linear(rgb)
    stops = float(rng.uniform(2.5, 4.0))
    gain = 2.0 ** float(rng.uniform(0.0, 1.0))
    signal = linear * np.float32(2.0 ** -stops)
    spread = np.sqrt(np.float32(0.00012) * signal + np.float32(0.0015) ** 2)
    noisy = (signal + spread * rng.standard_normal(signal.shape, dtype=np.float32)) * gain
    return _jpeg(render.linear_to_srgb8(np.asarray(noisy, np.float32)))


def bright(rgb: NDArray[np.uint8], rng: np.random.Generator, variant: int) -> bytes:
    """Over-exposed by 1.7-2.7 stops, or a burnt-out glare patch (flash, lamp)."""
    linear = _linear(rgb)
    if variant % 2 == 0:
        out = linear * np.float32(2.0 ** float(rng.uniform(1.7, 2.7)))
    else:
        height, width = linear.shape[:2]
        yy, xx = render.grid(height, width)
        cy, cx = rng.uniform(0.3, 0.7) * height, rng.uniform(0.3, 0.7) * width
        radius = rng.uniform(0.14, 0.24) * min(height, width)
        spot = np.exp(-(((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * radius**2)))
        out = linear * np.float32(1.3) + np.float32(3.0) * spot[..., None]
    return _jpeg(render.linear_to_srgb8(np.asarray(out, np.float32)))


def cast(rgb: NDArray[np.uint8], variant: int) -> bytes:
    """Coloured light: the picture's light multiplied by a tint, kept at the same brightness."""
    tint = CASTS[variant % len(CASTS)]
    linear = _linear(rgb) * tint
    before = float(_linear(rgb).mean())
    after = float(linear.mean())
    linear *= np.float32(before / max(after, 1e-6))
    return _jpeg(render.linear_to_srgb8(np.asarray(linear, np.float32)))


def far(rgb: NDArray[np.uint8], rng: np.random.Generator) -> bytes:
    """A close-up taken from too far: the photo shrunk to 20-35% of the frame in a room."""
    height, width = rgb.shape[:2]
    room = render.camera(render.background(rng, height, width), rng)
    share = float(rng.uniform(0.2, 0.35))
    size = (max(1, round(width * share)), max(1, round(height * share)))
    small = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), np.uint8)
    y0 = int(rng.integers(0, height - size[1]))
    x0 = int(rng.integers(0, width - size[0]))
    room[y0:y0 + size[1], x0:x0 + size[0]] = small
    return _jpeg(room)


@dataclass(frozen=True, slots=True)
class Made:
    """One labelled photo made from a real photograph."""

    shot: str
    label: str
    name: str
    data: bytes


def variants(entry: Entry) -> Iterator[Made]:
    """Every labelled photo made from one good photograph."""
    rgb = load(entry.path)
    shots = ("close_up", "locator") if entry.shot == "unknown" else (entry.shot,)
    for shot in shots:
        stem = f"tone-{entry.tone}-by-{entry.kind}-{entry.id}"
        rng = np.random.default_rng(hash_seed("real", entry.id, shot))
        variant = hash_seed("variant", entry.id) % 4
        yield Made(shot, "good", f"{stem}.jpg", _jpeg(rgb))
        yield Made(shot, "telegram", f"{stem}.jpg", telegram(rgb))
        yield Made(shot, "enlarged", f"{stem}.jpg", telegram(rgb, enlarge=True))
        yield Made(shot, "blurred", f"{stem}.jpg", defocus(rgb, rng))
        yield Made(shot, "shake", f"{stem}.jpg", shake(rgb, rng))
        yield Made(shot, "dark", f"{stem}.jpg", dark(rgb, rng))
        yield Made(shot, "bright", f"{stem}.jpg", bright(rgb, rng, variant))
        yield Made(shot, "cast", f"{stem}.jpg", cast(rgb, variant))
        if shot == "close_up":
            yield Made("close_up", "far", f"{stem}-small.jpg", far(rgb, rng))
            if entry.shot == "close_up":
                yield Made("locator", "close", f"{stem}.jpg", _jpeg(rgb))
        elif entry.shot == "locator":
            yield Made("close_up", "far", f"{stem}-locator.jpg", _jpeg(rgb))


def natural(entry: Entry) -> Iterator[Made]:
    """A photograph that came out badly of itself (blurred, backlit, dark...): kept as it is,
    labelled `natural`, to be sent back for whatever is wrong with it."""
    shots = ("close_up", "locator") if entry.shot == "unknown" else (entry.shot,)
    for shot in shots:
        yield Made(shot, "natural", f"tone-{entry.tone}-by-{entry.kind}-{entry.id}.jpg",
                   _jpeg(load(entry.path)))


def build(manifest: Path, outdir: Path, split: str = "all") -> int:
    """Write the labelled photos of one split under `outdir`; return how many."""
    count = 0
    for entry in load_manifest(manifest):
        if split != "all" and split_of(entry.id) != split:
            continue
        try:
            made = list(variants(entry)) if entry.good else list(natural(entry))
        except (OSError, ValueError) as error:
            print(f"skipped {entry.id}: {error}", file=sys.stderr)
            continue
        for item in made:
            folder = outdir / item.shot / item.label
            folder.mkdir(parents=True, exist_ok=True)
            (folder / item.name).write_bytes(item.data)
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    """Command line: build the set from a manifest into a folder."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bot.quality.realset")
    parser.add_argument("manifest", type=Path)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    args = parser.parse_args(argv)
    if not args.manifest.is_file():
        print(f"no manifest at {args.manifest}", file=sys.stderr)
        return 2
    count = build(args.manifest, args.outdir, args.split)
    print(f"wrote {count} photos to {args.outdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
