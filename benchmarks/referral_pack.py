"""Time and size of the GP's referral pack PDF: `python benchmarks/referral_pack.py`.

Builds three 12 MP and three 48 MP photos (rendered skin close-ups, and busy tiled photographs
with noise, from `quality_speed.py`), saved as JPEG q92 the way a phone sends them 'as a file',
then times `build_referral_pack` (median of several runs, after a warm-up) at the e-RS limit
(5 MB) and at the 745 KB some GP systems allow, and reports the PDF's size and the long side of
the photos it holds.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality_speed import photo, skin  # noqa: E402

LIMITS = (("5 MB", 5_000_000), ("745 KB", 745_000))


def jpeg(pixels: np.ndarray) -> bytes:
    """Encode as a phone would (JPEG q92)."""
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=92)
    return out.getvalue()


def three(pixels: np.ndarray) -> list[bytes]:
    """Three different photos from one picture (shifted and mirrored), so none is shared."""
    return [jpeg(pixels), jpeg(np.ascontiguousarray(pixels[:, ::-1])),
            jpeg(np.ascontiguousarray(np.roll(pixels, pixels.shape[1] // 3, axis=1)))]


def sets() -> list[tuple[str, list[bytes]]]:
    """The photo sets to pack: 12 MP and 48 MP, smooth skin and busy detail."""
    import cv2

    skin_12 = skin(3000, 4000)
    noise = np.random.default_rng(1).normal(0, 2, (6000, 8000, 3))
    skin_48 = np.clip(cv2.resize(skin_12, (8000, 6000), interpolation=cv2.INTER_CUBIC) + noise,
                      0, 255).astype(np.uint8)
    return [("12 MP skin close-ups", three(skin_12)),
            ("12 MP busy photographs", three(photo(3000, 4000))),
            ("48 MP skin close-ups", three(skin_48)),
            ("48 MP busy photographs", three(photo(6000, 8000)))]


def long_sides(pdf: bytes) -> str:
    """The long side, in pixels, of each photo in the PDF."""
    from pypdf import PdfReader

    sides = []
    for page in PdfReader(io.BytesIO(pdf)).pages[1:]:
        for image in page["/Resources"]["/XObject"].values():
            image = image.get_object()
            sides.append(max(int(image["/Width"]), int(image["/Height"])))
    return "/".join(str(side) for side in sides)


def main() -> int:
    """Make the photos, build each pack several times, print the table."""
    from bot.delivery.referral_pack import (
        PackPhoto,
        PackSummary,
        build_referral_pack,
        unicode_font_dir,
    )

    summary = PackSummary(
        case_reference="TD-7K3M-Q9PX", practice_name="The Lawson Practice",
        patient_ref="LP-20931", age_text="44 years", submitted_on="24 November 2026",
        answers=(("Where is the rash?", "Arm or hand"), ("How long?", "1 to 4 weeks")),
        flags=("Close-up 2 sent despite failing: blur", "4 retakes in total"))
    labels = ("Locator", "Close-up 1", "Close-up 2")
    print(f"CPUs: {os.cpu_count()}; font: {unicode_font_dir() or 'built-in (no Unicode font)'}")
    print("Making the photos (rendering 48 MP takes a while)...\n")
    header = (f"{'photos (3 each)':<24} {'in MB':>6} {'limit':>7} {'N':>2} {'build ms':>8} "
              f"{'PDF MB':>6}  photo long sides")
    print(header)
    print("-" * len(header))
    for name, jpegs in sets():
        photos = [PackPhoto(label, data) for label, data in zip(labels, jpegs, strict=True)]
        size_in = sum(map(len, jpegs)) / 1e6
        for limit_name, limit in LIMITS:
            build_referral_pack(summary, photos, limit_bytes=limit)  # warm up
            times, runs = [], 5
            for _ in range(runs):
                start = time.perf_counter()
                pdf = build_referral_pack(summary, photos, limit_bytes=limit)
                times.append(time.perf_counter() - start)
            print(f"{name:<24} {size_in:>6.1f} {limit_name:>7} {runs:>2} "
                  f"{statistics.median(times) * 1000:>8.0f} {len(pdf) / 1e6:>6.2f}  "
                  f"{long_sides(pdf)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
