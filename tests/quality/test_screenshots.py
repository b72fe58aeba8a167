"""Screenshots are refused as screenshots, sent as a file or as a photo alike; camera photos,
including those of a phone screen's shape, are not (words by content key)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.content import text
from bot.emulator.files import photo_variants
from bot.journey.photo_advice import refusal_advice
from bot.quality import assess
from tests.auxil.e2e.bot_app import sample
from tests.auxil.photos import phone_screenshot

SAMPLES = ("locator-good.jpg", "close-up-good.jpg", "close-up-good-2.jpg", "close-up-dark.jpg")


def as_telegram_photo(data: bytes) -> bytes:
    """The largest size Telegram keeps of an image sent as a photo (JPEG, at most 1280 px)."""
    return photo_variants(data)[-1][0]


@pytest.mark.parametrize("app", ["gallery", "chat"])
@pytest.mark.parametrize("name", SAMPLES)
def test_a_screenshot_of_a_photo_is_refused_as_a_screenshot_by_either_route(
    name: str, app: str
) -> None:
    screenshot = phone_screenshot(sample(name), app=app)
    as_file, as_photo = assess(screenshot, "close_up"), assess(as_telegram_photo(screenshot),
                                                               "close_up")
    assert as_file.refusal == as_photo.refusal == "screenshot"
    assert as_file.image is None and as_photo.image is None, "nothing kept to send the GP"
    assert refusal_advice("screenshot") == text("quality.refusal.screenshot")


def test_an_iphone_screenshot_is_known_by_its_metadata_whatever_its_shape() -> None:
    ipad = phone_screenshot(sample("close-up-good.jpg"), marker=True, screen_size=(1536, 2048))
    assert assess(ipad, "close_up").refusal == "screenshot"


@pytest.mark.parametrize("name", SAMPLES)
def test_camera_photos_are_not_screenshots_even_cut_to_a_screens_shape(name: str) -> None:
    photo = Image.open(io.BytesIO(sample(name))).convert("RGB")
    width, height = photo.size
    tall = photo.crop((0, 0, min(width, round(height / 2.17)), height)) if height > width else (
        photo.crop((0, 0, width, round(width / 2.17))))
    out = io.BytesIO()
    tall.resize((tall.width * 2, tall.height * 2)).save(out, "JPEG", quality=90)
    for data in (sample(name), as_telegram_photo(sample(name)), out.getvalue()):
        assert assess(data, "close_up").refusal != "screenshot"


def test_a_full_screen_camera_photo_with_a_burnt_out_wall_at_one_end_is_not_a_screenshot() -> None:
    """Some phones take 20:9 photos in a "full screen" mode; a white wall burnt out behind
    the arm makes the top of such a photo flat, but the other end is still a photo."""
    photo = Image.open(io.BytesIO(sample("close-up-good.jpg"))).convert("RGB")
    width = photo.width
    tall = photo.resize((width, round(width * 20 / 9)))
    tall.paste((255, 255, 255), (0, 0, width, round(tall.height * 0.12)))  # burnt-out wall
    out = io.BytesIO()
    tall.save(out, "JPEG", quality=92)
    for data in (out.getvalue(), as_telegram_photo(out.getvalue())):
        assert assess(data, "close_up").refusal != "screenshot"
