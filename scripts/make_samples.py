"""Make the sample photos offered in the sandbox and used by end-to-end tests.

They are written to `bot/content/samples/`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

from bot.quality import dataset, render

OUT = Path(__file__).resolve().parents[1] / "bot" / "content" / "samples"
H, W = 1200, 1600


def _textured_close_up(rng: np.random.Generator, tone: str) -> np.ndarray:
    """A close-up whose skin and rash have features three times the renderer's usual size
    (creases, papules, hairs): real close-ups of a rash have detail over most of the picture
    (`bot.quality.framing.CLOSE_UP_MIN_DETAIL`), and the renderer's finest features vanish at
    the size the framing check looks at."""
    albedo = render.skin_albedo(rng, tone, H, W, detail=3.0 * max(H, W) / 1280.0, hairs=True)
    diffuse, band = render.shading(rng, H, W)
    scene = albedo * diffuse[..., None] + render.specular(rng, band, 0.1)[..., None]
    return np.asarray(scene, np.float32)


def main() -> int:
    """Render each sample from a fixed seed and write it as a JPEG."""
    OUT.mkdir(parents=True, exist_ok=True)
    tone = render.MONK[5]
    rng = np.random.default_rng(11)
    locator = render.locator_scene(rng, tone, H, W, 0.3)
    (OUT / "locator-good.jpg").write_bytes(render.jpeg(render.camera(locator, rng), 90))
    rng = np.random.default_rng(12)
    close = _textured_close_up(rng, tone)
    (OUT / "close-up-good.jpg").write_bytes(render.jpeg(render.camera(close, rng), 90))
    rng = np.random.default_rng(13)
    second = render.close_up_scene(rng, render.MONK[8], H, W)
    (OUT / "close-up-good-2.jpg").write_bytes(render.jpeg(render.camera(second, rng), 90))
    rng = np.random.default_rng(14)
    blurred = np.asarray(cv2.filter2D(close, -1, dataset.disc_kernel(12.0)), np.float32)
    (OUT / "close-up-blurred.jpg").write_bytes(render.jpeg(render.camera(blurred, rng), 90))
    rng = np.random.default_rng(15)
    dark = render.camera(close, rng, light=0.06, gain=1 / 0.06)
    (OUT / "close-up-dark.jpg").write_bytes(render.jpeg(dark, 75))
    return 0


if __name__ == "__main__":
    sys.exit(main())
