"""Hostile and unusual files: worst-case check time, peak memory, and how long another patient
waits meanwhile. `python benchmarks/hostile_files.py` (also run by `make bench`).

Each file is built here, then assessed in a fresh process (time and peak resident memory), and
then sent to a real QualityPool of 2 workers together with a normal photo from another patient,
whose wait is compared with its wait alone.
"""

from __future__ import annotations

import asyncio
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.quality_speed import high_water_mb, photo  # noqa: E402
from bot.quality import Assessment  # noqa: E402


def _jpeg(rgb: np.ndarray, **save: object) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=92, **save)
    return out.getvalue()


def _flat(width: int, height: int) -> np.ndarray:
    return np.full((height, width, 3), (180, 140, 120), np.uint8)


def scans(width: int, height: int, count: int) -> bytes:
    """A flat picture as a progressive JPEG with its smallest scan repeated (tiny, slow)."""
    from tests.auxil.files import many_scans

    return many_scans(_jpeg(_flat(width, height)), count)


def png(width: int, height: int) -> bytes:
    """A flat PNG: a few hundred KB that decode to hundreds of MB."""
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(_flat(width, height)).save(out, "PNG", compress_level=9)
    return out.getvalue()


def png16(width: int, height: int) -> bytes:
    """A 16-bit greyscale PNG of busy content."""
    from tests.auxil.files import png16_grey

    return png16_grey(photo(height, width))


def rotated_jpeg(width: int, height: int) -> bytes:
    """A busy JPEG with an EXIF rotation: the full decode, turn and re-encode path."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6
    return _jpeg(photo(height, width), exif=exif.tobytes())


def cmyk(width: int, height: int) -> bytes:
    """A CMYK JPEG with a press ICC profile."""
    from tests.auxil.files import cmyk_jpeg

    return cmyk_jpeg(photo(height, width))[0]


def heic_burst(width: int, height: int) -> bytes:
    """A HEIC holding two photos (the second primary)."""
    from PIL import Image

    from tests.auxil.files import heic_burst as burst

    picture = Image.fromarray(photo(height, width))
    return burst(picture, picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT))


CASES: tuple[tuple[str, Callable[[int, int], bytes], tuple[int, int], int], ...] = (
    ("JPEG 12 MP, 3000 scans", lambda w, h: scans(w, h, 3000), (4000, 3000), 3),
    ("JPEG 12 MP, 80 scans (limit)", lambda w, h: scans(w, h, 80), (4000, 3000), 3),
    ("JPEG 48 MP, 20 scans (limit)", lambda w, h: scans(w, h, 20), (8000, 6000), 2),
    ("PNG 79 MP flat", png, (10240, 7680), 2),
    ("PNG 50 MP flat (limit)", png, (8160, 6120), 2),
    ("PNG 16-bit grey 50 MP", png16, (8160, 6120), 1),
    ("JPEG 80 MP, EXIF rotated", rotated_jpeg, (10320, 7740), 1),
    ("JPEG 50 MP, EXIF rotated (limit)", rotated_jpeg, (8160, 6120), 1),
    ("JPEG 80 MP upright", lambda w, h: _jpeg(photo(h, w)), (10320, 7740), 2),
    ("CMYK JPEG 12 MP + ICC", cmyk, (4000, 3000), 3),
    ("HEIC burst 2 x 12 MP", heic_burst, (4000, 3000), 2),
)


def measure(path: Path, runs: int) -> dict[str, float | str]:
    """In this (fresh) process: time assess and report the peak memory."""
    from bot.quality import assess

    data = path.read_bytes()
    assess(_jpeg(photo(960, 1280)), "close_up")  # imports and face models
    base = high_water_mb()
    times, outcome = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        result = assess(data, "close_up")
        times.append(time.perf_counter() - start)
        outcome = f"refused: {result.refusal}" if result.refusal else result.verdict
    peak = high_water_mb()
    return {"assess": max(times), "peak_mb": peak, "rise_mb": peak - base, "outcome": outcome}


async def _answered(check: Awaitable[Assessment]) -> tuple[Assessment, float]:
    """The assessment and when it came."""
    result = await check
    return result, time.perf_counter()


async def waits(files: list[tuple[str, Path]], time_limit: float) -> list[tuple[str, float,
                                                                                 float, str]]:
    """Another patient's normal photo, sent 50 ms after each hostile file: its wait (s), and
    when the file was answered."""
    from bot.services.quality_pool import QualityPool

    normal = _jpeg(photo(3000, 4000))
    pool = QualityPool(2, time_limit=time_limit)
    await pool.warm_up()
    rows = []
    try:
        alone = []
        for _ in range(3):
            start = time.perf_counter()
            await pool(normal, "close_up", False)
            alone.append(time.perf_counter() - start)
        for name, path in files:
            start = time.perf_counter()
            hostile = asyncio.ensure_future(_answered(pool(path.read_bytes(), "close_up", False)))
            await asyncio.sleep(0.05)
            sent = time.perf_counter()
            await pool(normal, "close_up", False)
            waited = time.perf_counter() - sent
            result, answered = await hostile
            took = answered - start
            await asyncio.sleep(3)  # a replaced worker starts up before the next file
            outcome = f"refused: {result.refusal}" if result.refusal else result.verdict
            rows.append((name, waited, took, outcome))
        rows.insert(0, ("(no file: the photo alone)", statistics.median(alone), 0.0, ""))
    finally:
        await pool.close()
    return rows


def main() -> int:
    """Build the files, measure each in its own process, then the waits through the pool."""
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(measure(Path(sys.argv[2]), int(sys.argv[3]))))
        return 0
    print("Worst of N runs of assess in a fresh process; peak = the process's peak resident\n"
          "memory (MB), rise = the part above the process with the engine imported.\n")
    header = f"{'file':<32} {'KB':>7} {'assess ms':>9} {'peak MB':>7} {'rise MB':>7}  outcome"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for index, (name, build, (width, height), runs) in enumerate(CASES):
            path = Path(folder) / f"file{index}"
            path.write_bytes(build(width, height))
            files.append((name, path))
            out = subprocess.run([sys.executable, __file__, "--one", str(path), str(runs)],
                                 check=True, capture_output=True, text=True).stdout
            row = json.loads(out.strip().splitlines()[-1])
            print(f"{name:<32} {path.stat().st_size / 1e3:>7.0f} {row['assess'] * 1000:>9.0f} "
                  f"{row['peak_mb']:>7.0f} {row['rise_mb']:>7.0f}  {row['outcome']}")
        for limit in (15.0, 1.0):
            print(f"\nPool of 2 workers, time limit {limit:g} s: another patient's 12 MP photo "
                  "sent 50 ms after the file")
            header = f"{'file':<32} {'photo waits ms':>14} {'file answered ms':>16}  outcome"
            print(header)
            print("-" * len(header))
            for name, extra, took, outcome in asyncio.run(waits(files, limit)):
                print(f"{name:<32} {extra * 1000:>14.0f} {took * 1000:>16.0f}  {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
