"""The photo checks on real clinical photographs committed with the tests (PAD-UFES-20, CC BY
4.0: `tests/quality/real/ATTRIBUTION.md`), one per class the real-photo evaluation showed
being misjudged (docs/quality-evaluation.md): hairy skin, red skin filling the frame, a
close-up with background, dark skin; and two that came out badly of themselves (out of focus,
under coloured light). Faults made from them must be caught for the right reason.

They are judged at their own size with the size rule set aside, as `make evaluate` judges real
photographs (most are smaller than the bot's minimum); those big enough also go through the
bot's own `assess`. The full figures come from `make evaluate` on the 481 photographs of
docs/real-photos/; these pin single examples so that a change to a check that breaks one of
these classes fails here.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from bot.quality import assess, dataset, render
from bot.quality.decode import MIN_LONG, MIN_SHORT
from bot.quality.engine import SHARP_FAIL, SHARP_WARN, measure_pixels
from bot.quality.result import Check, verdict_of

FOLDER = Path(__file__).parent / "real"
GOOD = ("hairy-scalp.jpg", "hairy-chest.jpg", "red-skin.jpg", "dark-skin.jpg", "background.jpg")


def photo(name: str) -> np.ndarray:
    with Image.open(FOLDER / name) as opened:
        return np.asarray(opened.convert("RGB"), dtype=np.uint8)


def judged(rgb: np.ndarray) -> tuple[str, dict[str, Check]]:
    checks = measure_pixels(rgb, "close_up")
    return verdict_of(checks), {check.name: check for check in checks}


def blurred(rgb: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """The photo as the lens or a moving hand would have spread its light (in linear light)."""
    linear = render.srgb_to_linear(rgb.astype(np.float32) / 255.0)
    return render.linear_to_srgb8(np.clip(cv2.filter2D(linear, -1, kernel), 0.0, 1.0))


def test_every_photo_is_listed_with_its_source_and_licence() -> None:
    with (FOLDER / "manifest.csv").open(newline="", encoding="utf-8") as fh:
        rows = {row["file"]: row for row in csv.DictReader(fh)}
    assert set(rows) == {path.name for path in FOLDER.glob("*.jpg")}
    assert all(row["licence"] == "CC BY 4.0" and row["source_repo"] for row in rows.values())
    for name in rows:
        with Image.open(FOLDER / name) as opened:
            assert not opened.getexif() and "icc_profile" not in opened.info, name


@pytest.mark.parametrize("name", GOOD)
def test_a_good_real_close_up_is_accepted_with_no_check_failing(name: str) -> None:
    verdict, checks = judged(photo(name))
    assert verdict == "accept", checks
    assert all(check.status != "fail" for check in checks.values()), checks


@pytest.mark.parametrize("name", ["hairy-scalp.jpg", "hairy-chest.jpg"])
def test_hairy_skin_is_sharp(name: str) -> None:
    # Hair makes the detail run one way; that is not a camera moving.
    _, checks = judged(photo(name))
    assert checks["sharpness"].status == "pass", checks["sharpness"]


def test_red_skin_filling_the_frame_is_not_coloured_light() -> None:
    _, checks = judged(photo("red-skin.jpg"))
    assert checks["exposure"].status == "pass", checks["exposure"]


def test_a_close_up_showing_clothing_and_the_room_at_its_edge_is_not_too_far() -> None:
    _, checks = judged(photo("background.jpg"))
    assert checks["framing"].status == "pass", checks["framing"]


def test_a_real_rash_small_in_a_room_the_colour_of_skin_is_advised_to_move_closer() -> None:
    # A beige wall over a wooden floor has the hue of skin, so the picture reads as nearly all
    # skin; only the rash, shrunk to a quarter of the frame's width as from across the room,
    # has any detail.
    rash = photo("red-skin.jpg")
    room = np.empty((960, 1280, 3), np.uint8)
    room[:640] = (214, 180, 150)
    room[640:] = (150, 105, 70)
    height, width = round(rash.shape[0] * 320 / rash.shape[1]), 320
    room[300:300 + height, 500:500 + width] = cv2.resize(rash, (width, height),
                                                         interpolation=cv2.INTER_AREA)
    noisy = room + np.random.default_rng(3).normal(0.0, 1.0, room.shape)
    verdict, checks = judged(np.clip(noisy, 0, 255).astype(np.uint8))
    assert checks["framing"].value >= 0.9, checks["framing"]
    assert (checks["framing"].status, checks["framing"].reason) == ("warn", "far")
    assert verdict == "accept", checks


@pytest.mark.parametrize("name", GOOD)
def test_a_good_real_close_up_is_not_told_to_move_closer(name: str) -> None:
    _, checks = judged(photo(name))
    assert checks["framing"].status == "pass", checks["framing"]


def test_a_real_photo_out_of_focus_is_sent_back_with_focus_advice() -> None:
    verdict, checks = judged(photo("out-of-focus.jpg"))
    assert verdict == "retake"
    assert (checks["sharpness"].status, checks["sharpness"].reason) == ("fail", "blurred")


def test_a_real_photo_under_yellow_light_is_sent_back_for_coloured_light() -> None:
    verdict, checks = judged(photo("yellow-light.jpg"))
    assert verdict == "retake"
    assert (checks["exposure"].status, checks["exposure"].reason) == ("fail", "cast")


def spread(fault: str, rgb: np.ndarray) -> np.ndarray:
    """How `fault` spreads a point at the checks' 1000-pixel working size: "blurred", a disc 6
    pixels across (a phone that focused behind the skin); "shake", a wandering path 12 long."""
    scale = max(rgb.shape[:2]) / 1000
    if fault == "blurred":
        return dataset.disc_kernel(6.0 * scale)
    return dataset.shake_kernel(np.random.default_rng(3), 12.0 * scale)


@pytest.mark.parametrize("fault", ["blurred", "shake"])
@pytest.mark.parametrize("name", ["red-skin.jpg", "dark-skin.jpg"])
def test_a_real_close_up_out_of_focus_or_shaken_gets_the_right_advice(
    name: str, fault: str
) -> None:
    rgb = photo(name)
    verdict, checks = judged(blurred(rgb, spread(fault, rgb)))
    assert verdict == "retake"
    assert (checks["sharpness"].status, checks["sharpness"].reason) == ("fail", fault)


@pytest.mark.parametrize("name", [*GOOD, "out-of-focus.jpg", "yellow-light.jpg"])
def test_the_bot_judges_the_photo_as_the_evaluation_does(name: str) -> None:
    data = (FOLDER / name).read_bytes()
    with Image.open(io.BytesIO(data)) as opened:
        big_enough = max(opened.size) >= MIN_LONG and min(opened.size) >= MIN_SHORT
    if not big_enough:
        assert assess(data, "close_up").refusal == "too_small"
        return
    result = assess(data, "close_up")
    verdict, checks = judged(photo(name))
    assert result.verdict == verdict
    assert {c.name: (c.status, c.reason) for c in result.checks if c.name != "size"} == {
        name: (check.status, check.reason) for name, check in checks.items()}


@pytest.mark.parametrize("across", [3.0, 3.5])
def test_a_real_close_up_a_little_out_of_focus_all_over_is_sent_back_with_focus_advice(
    across: float,
) -> None:
    # Its edges measure only a little wide (the unsure band, which alone gets advice), but the
    # whole picture has little detail left to lose whichever way it is blurred again.
    rgb = photo("dark-skin.jpg")
    kernel = dataset.disc_kernel(across * max(rgb.shape[:2]) / 1000)
    verdict, checks = judged(blurred(rgb, kernel))
    assert SHARP_WARN <= checks["sharpness"].value < SHARP_FAIL, checks["sharpness"]
    assert verdict == "retake"
    assert (checks["sharpness"].status, checks["sharpness"].reason) == ("fail", "blurred")
