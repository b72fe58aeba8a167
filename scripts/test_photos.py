"""Make the real photographs the tests use, from the rebuilt evaluation photographs.

    python scripts/test_photos.py --photos /work/realdata

`tests/quality/real/manifest.csv` names, for each committed test photo, the photograph of
`docs/real-photos/` it is made from (`from_id`; rebuilt by `scripts/real_photos.py` into
`PHOTOS/skin/<from_id>.jpg`). Only photographs whose licence lets them be shared go there
(PAD-UFES-20, CC BY 4.0: `tests/quality/real/ATTRIBUTION.md`). Each is shrunk by area
averaging (as the checks shrink a photo) to at most 1000 pixels on its long side (the checks'
working size, so they measure it much as they would the full photo) and saved as JPEG
quality 95 with no metadata.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "quality" / "real"
LONG_SIDE = 1000
"""Pixels on the long side, at most (`bot.quality.decode.WORK_SIDE`)."""
JPEG_QUALITY = 95


def make(source: Path, out: Path) -> tuple[int, int]:
    """Shrink one photograph to at most LONG_SIDE, as the checks shrink a photo (OpenCV's area
    averaging), and save it without metadata; its size (width, height)."""
    with Image.open(source) as opened:
        rgb = np.asarray(opened.convert("RGB"), dtype=np.uint8)
    factor = LONG_SIDE / max(rgb.shape[:2])
    if factor < 1.0:
        size = (round(rgb.shape[1] * factor), round(rgb.shape[0] * factor))
        rgb = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    clean = Image.fromarray(rgb)
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return clean.size


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--photos", type=Path, required=True,
                        help="the folder scripts/real_photos.py rebuilt the photographs into")
    args = parser.parse_args(argv)
    missing = 0
    with (FOLDER / "manifest.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            source = args.photos / "skin" / f"{row['from_id']}.jpg"
            if not source.is_file():
                print(f"missing {row['from_id']} ({source})")
                missing += 1
                continue
            width, height = make(source, FOLDER / row["file"])
            print(f"ok {row['file']} {width}x{height}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
