"""Speed and memory of the photo quality engine: `python benchmarks/quality_speed.py`.

Builds its own test files (a Telegram-size photo, 12 MP and 48 MP JPEGs, a 12 MP HEIC, and a
12 MP JPEG sent 'as a file' with EXIF rotation and GPS), then, each in a fresh process, times
`assess` (median of several runs, including making the clean copy it returns) against a plain
Pillow decode of the same file (`Image.open(...).load()`), and reports the peak memory.
"""

from __future__ import annotations

import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = (
    ("telegram 1280x960 JPEG q87", (960, 1280), "JPEG", 87, None, 15, False),
    ("skin close-up 12 MP JPEG q92", (3000, 4000), "JPEG", 92, 0, 9, False),
    ("skin close-up 12 MP JPEG, child", (3000, 4000), "JPEG", 92, 0, 9, True),
    ("12 MP JPEG 4000x3000 q92", (3000, 4000), "JPEG", 92, None, 9, False),
    ("48 MP JPEG 8000x6000 q92", (6000, 8000), "JPEG", 92, None, 5, False),
    ("12 MP HEIC 4000x3000", (3000, 4000), "HEIF", 90, None, 5, False),
    ("12 MP JPEG, EXIF rotated + GPS", (3000, 4000), "JPEG", 92, 6, 7, False),
)
"""Name, (height, width), format, quality, EXIF orientation (0: a skin close-up), runs, and
whether the photo is assessed as an under-18's (every face search runs on a photo without a
face: the slowest case)."""


def photo(height: int, width: int) -> np.ndarray:
    """A photo-like picture with real detail: public-domain photographs tiled, plus noise."""
    import cv2
    import skimage
    from PIL import Image

    folder = Path(skimage.__file__).parent / "data"
    tiles = [np.asarray(Image.open(folder / name).convert("RGB"))
             for name in ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg",
                          "motorcycle_left.png", "ihc.png")]
    row_h = height // 2
    canvas = np.zeros((height, width, 3), np.uint8)
    x = y = 0
    index = 0
    while y < height:
        tile = tiles[index % len(tiles)]
        scale = row_h / tile.shape[0]
        tile = cv2.resize(tile, (int(tile.shape[1] * scale), row_h), interpolation=cv2.INTER_CUBIC)
        part = tile[: height - y, : width - x]
        canvas[y:y + part.shape[0], x:x + part.shape[1]] = part
        x += part.shape[1]
        index += 1
        if x >= width:
            x, y = 0, y + row_h
    noise = np.random.default_rng(0).normal(0, 3, canvas.shape)
    return np.clip(canvas + noise, 0, 255).astype(np.uint8)


def skin(height: int, width: int) -> np.ndarray:
    """A rendered close-up of skin with a rash (smooth, low-texture: the usual patient photo)."""
    from bot.quality import render

    rng = np.random.default_rng(5)
    scene = render.close_up_scene(rng, render.MONK[5], height, width)
    return render.camera(scene, rng)


def make(
    path: Path, size: tuple[int, int], fmt: str, quality: int, orientation: int | None
) -> None:
    """Write one test file (orientation 0: a skin close-up instead of busy photographs)."""
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    image = Image.fromarray(skin(*size) if orientation == 0 else photo(*size))
    extra: dict[str, object] = {}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        exif[0x8825] = {1: "N", 2: (51.0, 32.0, 50.0), 3: "W", 4: (0.0, 2.0, 40.0)}
        extra["exif"] = exif.tobytes()
    image.save(path, fmt, quality=quality, **extra)


def high_water_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: Path, runs: int, child: bool = False) -> dict[str, float | str]:
    """In this (fresh) process: time assess (as an under-18's photo when `child`) and a plain
    decode; report peak memory."""
    from PIL import Image

    from bot.quality import assess

    data = path.read_bytes()
    base = high_water_mb()
    assess(data, "close_up", child=child)  # warm up: imports, face models
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = assess(data, "close_up", child=child)
        times.append(time.perf_counter() - start)
    peak = high_water_mb()
    decodes = []
    for _ in range(runs):
        start = time.perf_counter()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
        decodes.append(time.perf_counter() - start)
    return {"assess": statistics.median(times), "decode": statistics.median(decodes),
            "peak_mb": peak, "rise_mb": peak - base,
            "verdict": result.verdict, "kept_mb": len(result.image or b"") / 1e6}


def main() -> int:
    """Build the files, measure each in its own process, print the table."""
    if len(sys.argv) in (4, 5) and sys.argv[1] == "--one":
        print(json.dumps(measure(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4:] == ["child"])))
        return 0
    print("Median of N runs; assess includes decoding and the clean copy it returns.")
    print("Peak = the worker's peak resident memory (MB) while assessing; rise = the part of it\n"
          "above the process with the file read and the engine imported.\n")
    header = (f"{'file':<32} {'MB':>5} {'N':>3} {'decode ms':>9} {'assess ms':>9} "
              f"{'ratio':>5} {'peak MB':>7} {'rise MB':>7}  verdict")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as folder:
        for name, size, fmt, quality, orientation, runs, child in CASES:
            path = Path(folder) / f"photo.{fmt.lower()}"
            make(path, size, fmt, quality, orientation)
            command = [sys.executable, __file__, "--one", str(path), str(runs)]
            out = subprocess.run(command + (["child"] if child else []),
                                 check=True, capture_output=True, text=True).stdout
            row = json.loads(out.strip().splitlines()[-1])
            assess_ms, decode_ms = row["assess"] * 1000, row["decode"] * 1000
            print(f"{name:<32} {path.stat().st_size / 1e6:>5.1f} {runs:>3} {decode_ms:>9.0f} "
                  f"{assess_ms:>9.0f} {assess_ms / decode_ms:>5.2f} {row['peak_mb']:>7.0f} "
                  f"{row['rise_mb']:>7.0f}  {row['verdict']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
