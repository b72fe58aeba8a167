"""Draw the example pictures patients see before the locator and the close-up photos.

Run `python scripts/draw_examples.py` to redraw `bot/content/pictures/*.png` after changing this
file.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parents[1] / "bot" / "content" / "pictures"
SKIN = (198, 145, 110)
SKIN_DARK = (176, 124, 92)
RASH = (186, 62, 62)
WALL = (232, 236, 240)
INK = (33, 37, 41)
NHS_BLUE = (0, 94, 184)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def _rash(draw: ImageDraw.ImageDraw, cx: int, cy: int, r: int, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(int(r * 3)):
        dx, dy = rng.gauss(0, r / 2.2), rng.gauss(0, r / 3)
        s = rng.randint(max(2, r // 30), max(3, r // 14))
        shade = tuple(min(255, c + rng.randint(-20, 20)) for c in RASH)
        draw.ellipse([cx + dx - s, cy + dy - s, cx + dx + s, cy + dy + s], fill=shade)


def locator() -> Image.Image:
    """A whole person against a plain wall, the rash on the forearm circled: photo 1."""
    img = Image.new("RGB", (800, 600), WALL)
    d = ImageDraw.Draw(img)
    d.rectangle([0, 520, 800, 600], fill=(200, 204, 210))
    # person
    d.ellipse([330, 60, 410, 150], fill=SKIN)
    d.rounded_rectangle([310, 150, 430, 350], radius=30, fill=(70, 110, 160))
    d.rounded_rectangle([430, 160, 470, 330], radius=18, fill=SKIN)  # right arm, bare
    d.rounded_rectangle([270, 160, 310, 330], radius=18, fill=(70, 110, 160))
    d.rectangle([320, 350, 365, 520], fill=(60, 60, 80))
    d.rectangle([375, 350, 420, 520], fill=(60, 60, 80))
    _rash(d, 450, 265, 22, seed=1)
    d.ellipse([412, 222, 490, 308], outline=NHS_BLUE, width=5)
    # distance arrow
    d.line([560, 470, 760, 470], fill=INK, width=4)
    d.polygon([(560, 470), (578, 460), (578, 480)], fill=INK)
    d.polygon([(760, 470), (742, 460), (742, 480)], fill=INK)
    d.rounded_rectangle([730, 380, 770, 450], radius=6, outline=INK, width=4)
    d.text((555, 488), "1 to 1.5 metres", font=_font(26), fill=INK)
    d.text((30, 24), "Photo 1: the whole area", font=_font(34), fill=NHS_BLUE)
    d.text((30, 545), "Plain background. Daylight. Show the rash and the body around it.",
            font=_font(20), fill=INK)
    return img


def close_up() -> Image.Image:
    """Skin filling most of the frame, the rash in the middle, a coin for scale: photos 2 and 3."""
    img = Image.new("RGB", (800, 600), WALL)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([40, 90, 760, 520], radius=60, fill=SKIN)
    rng = random.Random(7)
    for _ in range(900):  # gentle skin texture
        x, y = rng.randint(60, 740), rng.randint(110, 500)
        d.point((x, y), fill=SKIN_DARK)
    _rash(d, 380, 300, 120, seed=3)
    d.ellipse([600, 380, 680, 460], fill=(196, 170, 90), outline=(150, 120, 50), width=4)
    d.text((608, 468), "coin", font=_font(20), fill=INK)
    d.text((30, 24), "Photos 2 and 3: close-ups", font=_font(34), fill=NHS_BLUE)
    d.text((30, 545), "About 30 cm away (a ruler's length). Tap to focus. No zoom.",
            font=_font(20), fill=INK)
    return img


def main() -> None:
    """Write both pictures."""
    OUT.mkdir(parents=True, exist_ok=True)
    locator().save(OUT / "example-locator.png", optimize=True)
    close_up().save(OUT / "example-close-up.png", optimize=True)


if __name__ == "__main__":
    main()
