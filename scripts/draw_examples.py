"""Draw the pictures patients see: one for each photo tip, and the examples shown before the
locator and the close-up photos.

Run `python scripts/draw_examples.py` to redraw `bot/content/pictures/*.png` after changing this
file. Every picture is drawn here with Pillow (nothing is fetched). Words in a picture are at
least 34 px high on an 800 px wide picture: still about 15 px on a phone screen.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CONTENT = Path(__file__).resolve().parents[1] / "bot" / "content"
OUT = CONTENT / "pictures"
FONT = CONTENT / "fonts" / "DejaVuSans-Bold.ttf"
SKIN = (198, 145, 110)
SKIN_DARK = (176, 124, 92)
RASH = (186, 62, 62)
WALL = (232, 236, 240)
INK = (33, 37, 41)
NHS_BLUE = (0, 94, 184)
GOOD = (0, 135, 60)
BAD = (212, 53, 28)
SKY = (170, 210, 245)
LIGHT = (255, 214, 80)
SHIRT = (70, 110, 160)
WORDS = 36


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


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
    d.text((540, 488), "1 - 1.5 m", font=_font(WORDS), fill=INK)
    d.text((30, 20), "Photo 1: the whole area", font=_font(44), fill=NHS_BLUE)
    d.text((30, 540), "Show where the rash is", font=_font(WORDS), fill=INK)
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
    d.text((590, 462), "coin", font=_font(WORDS), fill=INK)
    d.text((30, 20), "Photos 2 and 3: close-ups", font=_font(44), fill=NHS_BLUE)
    d.text((30, 540), "About 30 cm away. No zoom.", font=_font(WORDS), fill=INK)
    return img


def _canvas(title: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (800, 600), WALL)
    d = ImageDraw.Draw(img)
    d.text((30, 20), title, font=_font(44), fill=NHS_BLUE)
    return img, d


def _tick(d: ImageDraw.ImageDraw, x: int, y: int) -> None:
    d.line([(x, y + 20), (x + 16, y + 38), (x + 46, y)], fill=GOOD, width=10)


def _cross(d: ImageDraw.ImageDraw, x: int, y: int, size: int = 40) -> None:
    d.line([(x, y), (x + size, y + size)], fill=BAD, width=10)
    d.line([(x + size, y), (x, y + size)], fill=BAD, width=10)


def _phone(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    d.rounded_rectangle(box, radius=14, fill=INK)
    x0, y0, x1, y1 = box
    d.rounded_rectangle([x0 + 8, y0 + 8, x1 - 8, y1 - 8], radius=8, fill=(90, 150, 210))


def _arm(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int], rash: tuple[int, int]) -> None:
    d.rounded_rectangle(box, radius=(box[3] - box[1]) // 2, fill=SKIN)
    _rash(d, rash[0], rash[1], 26, seed=5)


def tip_light() -> Image.Image:
    """A window, its light falling on the rash; the phone between them points at the rash."""
    img, d = _canvas("Light")
    d.rectangle([30, 110, 200, 450], fill=SKY, outline=INK, width=8)
    d.line([115, 110, 115, 450], fill=INK, width=6)
    d.line([30, 280, 200, 280], fill=INK, width=6)
    d.text((40, 470), "window", font=_font(WORDS), fill=INK)
    for y in (170, 260, 350):  # daylight going to the rash
        d.line([220, y, 600, y + (280 - y) // 3], fill=LIGHT, width=8)
    _arm(d, (610, 140, 700, 460), (655, 290))  # the rash faces the window
    d.text((590, 470), "rash", font=_font(WORDS), fill=INK)
    _phone(d, (380, 230, 420, 340))  # the camera points at the rash, away from the window
    d.polygon([(430, 285), (470, 265), (470, 305)], fill=INK)
    d.text((330, 350), "phone", font=_font(WORDS), fill=INK)
    _tick(d, 720, 40)
    d.text((30, 535), "Rash faces the window. No flash.", font=_font(WORDS), fill=INK)
    return img


def tip_background() -> Image.Image:
    """An arm with a rash on a plain sheet, a coin beside the rash, no watch or ring."""
    img, d = _canvas("Plain background")
    d.rectangle([40, 100, 760, 500], fill=(248, 248, 250), outline=(200, 204, 210), width=4)
    _arm(d, (90, 230, 700, 360), (380, 295))
    d.ellipse([520, 390, 590, 460], fill=(196, 170, 90), outline=(150, 120, 50), width=4)
    d.text((605, 400), "coin", font=_font(WORDS), fill=INK)
    _tick(d, 720, 40)
    d.text((30, 535), "Jewellery off. Hair and clothes away.", font=_font(32), fill=INK)
    return img


def tip_straight() -> Image.Image:
    """Side view: the phone level over the skin with a gap (right), tilted or touching (wrong)."""
    img, d = _canvas("Hold the phone straight")
    d.rectangle([40, 430, 760, 480], fill=SKIN)  # the skin, seen from the side
    _rash(d, 560, 440, 30, seed=9)
    _phone(d, (470, 200, 650, 240))  # level, a gap above the skin
    d.line([560, 250, 560, 420], fill=INK, width=4)
    d.polygon([(560, 425), (548, 400), (572, 400)], fill=INK)
    d.polygon([(560, 245), (548, 270), (572, 270)], fill=INK)
    d.text((580, 300), "gap", font=_font(WORDS), fill=INK)
    _tick(d, 690, 140)
    # wrong: at an angle
    d.polygon([(70, 330), (210, 240), (232, 270), (92, 360)], fill=INK)
    _cross(d, 120, 150)
    # wrong: pressed on the skin
    _phone(d, (270, 392, 420, 430))
    _cross(d, 320, 310)
    d.text((30, 535), "Level. Not tilted. Not touching.", font=_font(WORDS), fill=INK)
    return img


def _person(d: ImageDraw.ImageDraw, x: int, top: int, shirt: tuple[int, int, int]) -> None:
    d.ellipse([x - 35, top, x + 35, top + 70], fill=SKIN)
    d.rounded_rectangle([x - 50, top + 75, x + 50, top + 240], radius=24, fill=shirt)
    d.rectangle([x - 40, top + 240, x - 8, top + 370], fill=(60, 60, 80))
    d.rectangle([x + 8, top + 240, x + 40, top + 370], fill=(60, 60, 80))


def tip_help() -> Image.Image:
    """A helper takes photo 1 from 1 to 1.5 metres; or the phone stands on a shelf on a timer."""
    img, d = _canvas("Ask for help")
    _person(d, 140, 110, (120, 90, 140))  # the helper, holding the phone
    _phone(d, (195, 180, 225, 240))
    _person(d, 560, 110, SHIRT)  # the patient
    d.rounded_rectangle([610, 200, 645, 330], radius=16, fill=SKIN)
    _rash(d, 628, 265, 14, seed=2)
    d.line([250, 300, 500, 300], fill=INK, width=5)
    d.polygon([(250, 300), (270, 288), (270, 312)], fill=INK)
    d.polygon([(500, 300), (480, 288), (480, 312)], fill=INK)
    d.text((265, 245), "1 - 1.5 m", font=_font(WORDS), fill=INK)
    d.text((30, 535), "Or: phone on a shelf + timer", font=_font(WORDS), fill=INK)
    return img


def tip_stand_back() -> Image.Image:
    """For a parent: they take photo 1 of the child themself, from 1 to 1.5 metres, the
    photo (the blue frame) from below the child's chin."""
    img, d = _canvas("Stand back")
    _person(d, 140, 110, (120, 90, 140))  # the parent, holding the phone
    _phone(d, (195, 180, 225, 240))
    x, top = 560, 230  # the child: smaller, standing on the same floor
    d.ellipse([x - 28, top, x + 28, top + 56], fill=SKIN)
    d.rounded_rectangle([x - 38, top + 60, x + 38, top + 170], radius=18, fill=SHIRT)
    d.rectangle([x - 30, top + 170, x - 6, top + 250], fill=(60, 60, 80))
    d.rectangle([x + 6, top + 170, x + 30, top + 250], fill=(60, 60, 80))
    d.rounded_rectangle([x + 40, top + 70, x + 66, top + 165], radius=12, fill=SKIN)
    _rash(d, x + 53, top + 118, 10, seed=2)
    d.rectangle([x - 60, top + 62, x + 85, top + 262], outline=NHS_BLUE, width=5)  # the photo
    d.line([250, 300, 500, 300], fill=INK, width=5)
    d.polygon([(250, 300), (270, 288), (270, 312)], fill=INK)
    d.polygon([(500, 300), (480, 288), (480, 312)], fill=INK)
    d.text((265, 245), "1 - 1.5 m", font=_font(WORDS), fill=INK)
    d.text((30, 535), "You take it. Keep the face out.", font=_font(WORDS), fill=INK)
    return img


def tip_file() -> Image.Image:
    """The paperclip, then File: the optional way to send a sharper photo."""
    img, d = _canvas("If you like: send as a file")
    d.rounded_rectangle([250, 100, 550, 520], radius=30, fill=INK)
    d.rounded_rectangle([265, 130, 535, 490], radius=12, fill=(245, 245, 245))
    d.rounded_rectangle([285, 380, 515, 450], radius=12, fill=NHS_BLUE)
    white = (255, 255, 255)  # a paperclip, then "File"
    d.rounded_rectangle([305, 388, 331, 442], radius=13, outline=white, width=5)
    d.rounded_rectangle([313, 400, 325, 434], radius=6, outline=white, width=4)
    d.text((345, 392), "→ File", font=_font(40), fill=white)
    d.rectangle([300, 160, 500, 350], fill=SKIN)
    _rash(d, 400, 255, 40, seed=4)
    d.text((30, 535), "A normal photo is fine too.", font=_font(WORDS), fill=INK)
    return img


PICTURES = {
    "example-locator.png": locator,
    "example-close-up.png": close_up,
    "tip-light.png": tip_light,
    "tip-background.png": tip_background,
    "tip-straight.png": tip_straight,
    "tip-help.png": tip_help,
    "tip-stand-back.png": tip_stand_back,
    "tip-file.png": tip_file,
}
"""Each picture's file name in bot/content/pictures, and what draws it."""


def main() -> None:
    """Write every picture."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in PICTURES.items():
        draw().save(OUT / name, optimize=True)


if __name__ == "__main__":
    main()
