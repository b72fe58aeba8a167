"""Screenshots (words by content key): a file whose metadata says so is refused; a picture
that only looks like a screen (its shape and flat bars, as some full-screen camera photos
have) fails the "screen" check and goes the usual retake way; one too small to keep is
refused either way; camera photos, including those of a phone screen's shape, are neither."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.content import text
from bot.emulator.files import photo_variants
from bot.journey.photo_advice import check_advice, refusal_advice
from bot.quality import Assessment, assess
from tests.auxil.e2e.bot_app import sample
from tests.auxil.photos import phone_screenshot

SAMPLES = ("locator-good.jpg", "close-up-good.jpg", "close-up-good-2.jpg", "close-up-dark.jpg")


def as_telegram_photo(data: bytes) -> bytes:
    """The largest size Telegram keeps of an image sent as a photo (JPEG, at most 1280 px)."""
    return photo_variants(data)[-1][0]


def screen_advice(result: Assessment) -> str | None:
    """The patient's words for the photo's "screen" check, None if it has none."""
    check = result.check("screen")
    return None if check is None else check_advice(check, width=result.width,
                                                   height=result.height)


def full_screen_camera_photo(*, ends: tuple[tuple[int, int, int], ...]) -> bytes:
    """A camera close-up in a phone's 20:9 "full screen" size (JPEG), with each end in
    `ends` burnt out to that flat colour over 12% of its length (a white wall, a night flash's
    black): top first, then bottom."""
    photo = Image.open(io.BytesIO(sample("close-up-good.jpg"))).convert("RGB")
    width = photo.width
    tall = photo.resize((width, round(width * 20 / 9)))
    band = round(tall.height * 0.12)
    for colour, top in zip(ends, (0, tall.height - band), strict=False):
        tall.paste(colour, (0, top, width, top + band))
    out = io.BytesIO()
    tall.save(out, "JPEG", quality=92)
    return out.getvalue()


@pytest.mark.parametrize("app", ["gallery", "chat"])
@pytest.mark.parametrize("name", SAMPLES)
def test_a_file_that_says_it_is_a_screenshot_is_refused_and_nothing_kept(
    name: str, app: str
) -> None:
    result = assess(phone_screenshot(sample(name), app=app, marker=True), "close_up")
    assert result.refusal == "screenshot" and result.image is None, "nothing to send anyway"
    assert refusal_advice("screenshot") == text("quality.refusal.screenshot")


def test_an_iphone_screenshot_is_known_by_its_metadata_whatever_its_shape() -> None:
    ipad = phone_screenshot(sample("close-up-good.jpg"), marker=True, screen_size=(1536, 2048))
    assert assess(ipad, "close_up").refusal == "screenshot"


@pytest.mark.parametrize("app", ["gallery", "chat"])
@pytest.mark.parametrize("name", SAMPLES)
def test_a_screenshot_known_only_by_its_pixels_is_a_retake_with_the_screen_advice(
    name: str, app: str
) -> None:
    result = assess(phone_screenshot(sample(name), app=app), "close_up")
    assert result.refusal is None and result.verdict == "retake"
    assert result.image is not None, "kept as a failed try, so it can be used anyway"
    assert screen_advice(result) == text("quality.screen.screenshot")


@pytest.mark.parametrize("name", SAMPLES)
def test_a_screenshot_sent_as_a_photo_is_too_small_to_keep_and_refused_as_a_screenshot(
    name: str
) -> None:
    result = assess(as_telegram_photo(phone_screenshot(sample(name))), "close_up")
    assert result.refusal == "screenshot" and result.image is None


@pytest.mark.parametrize("ends", [((255, 255, 255), (255, 255, 255)), ((0, 0, 0), (0, 0, 0))])
def test_a_full_screen_camera_photo_burnt_out_at_both_ends_gets_a_way_through(
    ends: tuple[tuple[int, int, int], ...]
) -> None:
    """The reviewer's case: hands on a white background, or a flash photo at night, in a
    phone's 20:9 camera mode. The patient is asked for a camera photo, as for a screenshot,
    but it is a retake like any other, so "use it anyway" can follow."""
    result = assess(full_screen_camera_photo(ends=ends), "close_up")
    assert result.refusal is None and result.image is not None
    assert screen_advice(result) == text("quality.screen.screenshot")


@pytest.mark.parametrize("name", SAMPLES)
def test_camera_photos_are_not_screenshots_even_cut_to_a_screens_shape(name: str) -> None:
    photo = Image.open(io.BytesIO(sample(name))).convert("RGB")
    width, height = photo.size
    tall = photo.crop((0, 0, min(width, round(height / 2.17)), height)) if height > width else (
        photo.crop((0, 0, width, round(width / 2.17))))
    out = io.BytesIO()
    tall.resize((tall.width * 2, tall.height * 2)).save(out, "JPEG", quality=90)
    for data in (sample(name), as_telegram_photo(sample(name)), out.getvalue()):
        result = assess(data, "close_up")
        assert result.refusal != "screenshot" and result.check("screen") is None


def test_a_full_screen_camera_photo_with_a_burnt_out_wall_at_one_end_is_not_a_screenshot() -> None:
    """Some phones take 20:9 photos in a "full screen" mode; a white wall burnt out behind
    the arm makes the top of such a photo flat, but the other end is still a photo."""
    data = full_screen_camera_photo(ends=((255, 255, 255),))
    for each in (data, as_telegram_photo(data)):
        result = assess(each, "close_up")
        assert result.refusal != "screenshot" and result.check("screen") is None
