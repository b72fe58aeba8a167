"""The blur effect per direction (`bot.quality.sharpness.blur_effect`) on a real photograph.

Shake smears a picture one way, so that way has the least detail left to lose; defocus blurs
every way alike. The photograph is scikit-image's "chelsea" (public domain).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from bot.quality import dataset, render
from bot.quality.sharpness import blur_effect

DEGREES = (0, 45, 90, 135)


def _grey(linear: np.ndarray) -> np.ndarray:
    rgb = render.linear_to_srgb8(np.asarray(linear, np.float32))
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), np.float32)


def _photo() -> np.ndarray:
    return np.asarray(cv2.resize(dataset.real_photo("chelsea"), (1000, 750)), np.float32)


def _line(degrees: int, length: int = 11) -> np.ndarray:
    kernel = np.zeros((length + 4, length + 4), np.float32)
    centre = (length + 4) // 2
    for t in np.linspace(-length / 2, length / 2, 5 * length):
        kernel[centre - round(t * np.sin(np.radians(degrees))),
               centre + round(t * np.cos(np.radians(degrees)))] = 1.0
    return kernel / kernel.sum()


@pytest.mark.parametrize("degrees", DEGREES)
def test_a_picture_moved_one_way_is_most_blurred_that_way(degrees: int) -> None:
    photo = _photo()
    sharp = blur_effect(_grey(photo))
    moved = blur_effect(_grey(cv2.filter2D(photo, -1, _line(degrees))))
    way = DEGREES.index(degrees)
    across = DEGREES.index((degrees + 90) % 180)
    assert max(moved) == moved[way], moved
    assert moved[way] - moved[across] >= 0.15, moved
    assert moved[way] >= sharp[way] + 0.15, (sharp, moved)


def test_a_picture_out_of_focus_is_blurred_alike_every_way() -> None:
    photo = _photo()
    sharp = blur_effect(_grey(photo))
    defocused = blur_effect(_grey(cv2.filter2D(photo, -1, dataset.disc_kernel(4.0))))
    assert max(defocused) - min(defocused) < 0.05, defocused
    assert min(defocused) >= max(sharp) + 0.15, (sharp, defocused)


def test_a_picture_too_small_to_measure_reads_as_not_blurred() -> None:
    assert blur_effect(np.full((20, 20), 128.0, np.float32)) == (0.0, 0.0, 0.0, 0.0)


def test_sharp_stripes_with_no_detail_along_them_are_not_called_shaken() -> None:
    # A noise-free picture of vertical stripes varies only across them: along them there is
    # nothing to blur, which is not a blur.
    stripes = np.zeros((900, 1200), np.float32)
    stripes[:, ::8] = 255.0
    effect = blur_effect(stripes)
    assert max(effect) < 0.45, effect
