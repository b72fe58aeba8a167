"""The kinds of good photo that real photographs showed being sent back, and real faults.

Each test pins one class from the evaluation on real photographs (docs/quality-evaluation.md):
a close-up with background, skin in focus before a room out of focus, hairy skin, a red rash
filling the frame, a straight border beside the skin, a blue sky, and real faces. The clinical
photographs themselves may not be redistributed, so the classes are rebuilt here from real
photographs that ship with scikit-image (public domain) and from rendered skin.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from bot.quality import assess, dataset, render
from bot.quality.face import find, find_any_way_up


def _jpeg(rgb: np.ndarray, quality: int = 90) -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(out, "JPEG", quality=quality)
    return out.getvalue()


def _real(name: str, size: tuple[int, int] = (1280, 960)) -> np.ndarray:
    """A scikit-image photograph (public domain), as 8-bit RGB at `size` (width, height)."""
    linear = dataset.real_photo(name)
    return np.asarray(cv2.resize(render.linear_to_srgb8(linear), size,
                                 interpolation=cv2.INTER_CUBIC), np.uint8)


def _skin(tone: int, seed: int = 5, *, hairs: bool = False, size: tuple[int, int] = (960, 1280),
          redness: float = 0.0) -> np.ndarray:
    """A rendered close-up of skin (linear light), optionally hairy or reddened all over."""
    rng = np.random.default_rng(seed)
    h, w = size
    albedo = render.skin_albedo(rng, render.MONK[tone - 1], h, w, hairs=hairs)
    if redness:
        albedo = albedo * np.asarray((1.0, 1.0 - 0.55 * redness, 1.0 - 0.45 * redness),
                                     np.float32)
    diffuse, sheen = render.shading(rng, h, w)
    scene = albedo * diffuse[..., None] + render.specular(rng, sheen, 0.1)[..., None]
    return np.asarray(scene, np.float32)


def _shot(scene: np.ndarray, seed: int = 6) -> bytes:
    return _jpeg(render.camera(scene, np.random.default_rng(seed)))


def test_close_up_with_background_beside_the_skin_is_accepted() -> None:
    # A hand or a knee photographed at 30 cm often leaves a third of the frame to the room.
    scene = _skin(4)
    scene[:, 800:] = render.srgb_to_linear(np.full((960, 480, 3), (0.33, 0.35, 0.38),
                                                   np.float32))
    result = assess(_shot(scene), "close_up")
    framing = result.check("framing")
    assert framing is not None and framing.status == "pass"
    assert result.verdict == "accept", result.checks


@pytest.mark.parametrize("tone", [2, 6, 10])
def test_hairy_skin_is_not_called_blurred_or_shaken(tone: int) -> None:
    result = assess(_shot(_skin(tone, hairs=True)), "close_up")
    sharpness = result.check("sharpness")
    assert sharpness is not None and sharpness.status == "pass", sharpness
    assert result.verdict == "accept", result.checks


@pytest.mark.parametrize("tone", [2, 6, 9])
def test_red_rash_filling_the_frame_is_not_called_coloured_light(tone: int) -> None:
    result = assess(_shot(_skin(tone, redness=0.8)), "close_up")
    exposure = result.check("exposure")
    assert exposure is not None and exposure.reason != "cast", exposure
    assert result.verdict == "accept", result.checks


def test_sharp_close_up_with_a_straight_white_band_is_not_called_shaken() -> None:
    # The edge of a sleeve, a sheet or a border: one long straight edge beside sharp skin.
    scene = _skin(5)
    scene[:, 1060:1140] = 0.85
    result = assess(_shot(scene), "close_up")
    sharpness = result.check("sharpness")
    assert sharpness is not None and sharpness.status == "pass", sharpness


def test_real_fur_is_sharp_and_the_same_photo_shaken_gets_hold_still_advice() -> None:
    # A real photograph of a cat: fur lies in one direction, as hair on skin does.
    sharp = _real("chelsea")
    check = assess(_jpeg(sharp), "close_up").check("sharpness")
    assert check is not None and check.status == "pass", check
    rng = np.random.default_rng(7)
    kernel = dataset.shake_kernel(rng, 18.0)
    shaken = cv2.filter2D(sharp, -1, kernel)
    check = assess(_jpeg(shaken), "close_up").check("sharpness")
    assert check is not None and check.status == "fail" and check.reason == "shake", check


def test_real_photo_out_of_focus_gets_focus_advice() -> None:
    sharp = _real("coffee")
    blurred = cv2.filter2D(sharp, -1, dataset.disc_kernel(6.0))
    check = assess(_jpeg(blurred), "close_up").check("sharpness")
    assert check is not None and check.status == "fail" and check.reason == "blurred", check


@pytest.mark.parametrize("tone", [3, 6])
def test_skin_in_focus_before_a_room_out_of_focus_is_sharp(tone: int) -> None:
    # At 30 cm a phone keeps the skin sharp and blurs the room behind it (depth of field); the
    # room's edges are the strongest in the picture, and must not hide the skin's.
    skin = render.camera(_skin(tone), np.random.default_rng(6))
    room = cv2.GaussianBlur(_real("coffee"), (0, 0), 2.5)
    photo = np.concatenate([skin[:, :560], room[:, 560:]], axis=1)
    result = assess(_jpeg(photo), "close_up")
    check = result.check("sharpness")
    assert check is not None and check.status != "fail", check
    assert result.verdict == "accept", result.checks
    # The same photo with the skin out of focus too is still sent back, for focus.
    blurred = cv2.filter2D(photo, -1, dataset.disc_kernel(6.0))
    check = assess(_jpeg(blurred), "close_up").check("sharpness")
    assert check is not None and check.status == "fail" and check.reason == "blurred", check


def test_skin_out_of_focus_in_the_middle_of_a_sharp_room_is_sent_back() -> None:
    # The other way round: the camera focused on the room, and the skin in the middle of the
    # picture, nearer, is soft, its blur spreading over the room behind its outline.
    room = _real("camera").astype(np.float32)
    skin = render.camera(_skin(3), np.random.default_rng(6)).astype(np.float32)
    middle = np.zeros(room.shape[:2], np.float32)
    middle[240:720, 320:960] = 1.0
    disc = dataset.disc_kernel(6.0)
    near = cv2.filter2D(skin * middle[..., None], -1, disc)
    spread = cv2.filter2D(middle, -1, disc)[..., None]
    photo = np.clip(near + room * (1.0 - spread), 0, 255).astype(np.uint8)
    check = assess(_jpeg(photo), "close_up").check("sharpness")
    assert check is not None and check.status == "fail" and check.reason == "blurred", check


def test_blue_sky_behind_an_arm_is_not_coloured_light() -> None:
    # A locator outdoors: the top half is sky, the bottom half a bare arm in daylight.
    scene = _skin(6)
    scene[:480] = render.srgb_to_linear(np.full((480, 1280, 3), (0.45, 0.65, 0.92),
                                                np.float32))
    check = assess(_shot(scene), "locator").check("exposure")
    assert check is not None and check.reason != "cast", check


def _face_scene(share: float, *, mirror: bool = False, seed: int = 8) -> np.ndarray:
    """The astronaut's portrait (a real photograph) placed in a room so that her face is about
    `share` of the photo's long side (her face is about 0.3 of the portrait's side)."""
    rng = np.random.default_rng(seed)
    room = render.camera(render.background(rng, 960, 1280), rng)
    portrait = _real("astronaut", (512, 512))
    if mirror:
        portrait = np.ascontiguousarray(portrait[:, ::-1])
    side = max(40, round(share / 0.3 * 1280))
    side = min(side, 900)
    small = cv2.resize(portrait, (side, side), interpolation=cv2.INTER_AREA)
    y0, x0 = (960 - side) // 2, (1280 - side) // 3
    room[y0:y0 + side, x0:x0 + side] = small
    return room


@pytest.mark.parametrize("share", [0.06, 0.1, 0.2, 0.4])
@pytest.mark.parametrize("mirror", [False, True])
def test_a_real_face_in_a_locator_is_found_and_refused_for_a_child(
    share: float, mirror: bool
) -> None:
    photo = _jpeg(_face_scene(share, mirror=mirror))
    result = assess(photo, "locator", child=True)
    face = result.check("face")
    assert face is not None and face.status == "fail" and face.reason == "child", (share, face)
    assert result.verdict == "retake" and result.image is not None


def test_a_face_too_small_to_recognise_is_not_counted() -> None:
    # At 1.5% of the long side a face is a handful of pixels: nobody can be recognised.
    assert find(_face_scene(0.015)).count == 0
    # Nor by the closer search made for under-18s: their photo is not refused for it.
    assert find_any_way_up(_face_scene(0.015)).count == 0


@pytest.mark.parametrize("share", [0.1, 0.2])
def test_a_close_up_showing_a_whole_face_small_is_too_far(share: float) -> None:
    # A whole face covering a small part of the picture: the phone was a metre away, not 30 cm.
    result = assess(_jpeg(_face_scene(share)), "close_up")
    framing = result.check("framing")
    assert framing is not None and framing.status == "fail" and framing.reason == "far", framing
    assert result.verdict == "retake"


def test_a_close_up_of_a_face_filling_the_picture_is_not_too_far() -> None:
    # A rash on the cheek, photographed at 30 cm: the face is the subject, not a sign of distance.
    portrait = _real("astronaut", (512, 512))[40:300, 130:390]
    photo = cv2.resize(np.ascontiguousarray(portrait), (1280, 960), interpolation=cv2.INTER_CUBIC)
    result = assess(_jpeg(photo), "close_up")
    framing = result.check("framing")
    assert framing is not None and framing.status != "fail", framing


def test_orange_light_burning_out_red_is_called_coloured_light_not_glare() -> None:
    # Lamplight strong enough that the red channel burns out: the cause is the light's colour.
    # The tint of `dataset.CASTS[0]` made stronger, at the skin's own brightness.
    skin = _skin(2)
    scene = skin * dataset.CASTS[0] ** 1.5
    scene *= skin.mean() / scene.mean()
    result = assess(_shot(scene), "close_up")
    exposure = result.check("exposure")
    assert exposure is not None and exposure.status == "fail" and exposure.reason == "cast", (
        exposure)


@pytest.mark.parametrize(("name", "tint", "tone"), [("astronaut", 0, 0), ("skin", 3, 7)])
def test_lamplight_far_off_daylight_is_called_coloured_light(name: str, tint: int,
                                                             tone: int) -> None:
    # Orange lamplight on a real face, and a magenta LED on brown skin: the picture's colour is
    # just under its limit, but no daylight is that colour, so the light itself settles it.
    if name == "skin":
        scene = _skin(tone)
    else:
        scene = render.srgb_to_linear(_real(name).astype(np.float32) / 255.0)
    tinted = scene * dataset.CASTS[tint]
    tinted *= scene.mean() / tinted.mean()
    result = assess(_jpeg(render.linear_to_srgb8(np.asarray(tinted, np.float32))), "close_up")
    exposure = result.check("exposure")
    assert exposure is not None and exposure.status == "fail" and exposure.reason == "cast", (
        exposure)


@pytest.mark.parametrize("length", [10, 18])
def test_a_shaken_real_photo_is_put_down_to_movement_not_focus(length: int) -> None:
    # The rocket's edges still measure alike in width every way (the streaks of a shake end
    # crisply), so the advice was "tap to focus"; the blur effect shows one way smeared.
    photo = cv2.resize(dataset.real_photo("rocket"), (1280, 960))
    kernel = dataset.shake_kernel(np.random.default_rng(3), length)
    shaken = render.linear_to_srgb8(np.asarray(cv2.filter2D(photo, -1, kernel), np.float32))
    sharpness = assess(_jpeg(shaken), "close_up").check("sharpness")
    assert sharpness is not None and sharpness.status == "fail", sharpness
    assert sharpness.reason == "shake", sharpness


@pytest.mark.parametrize("tone", [2, 6, 9])
def test_a_close_up_on_a_blue_drape_is_not_called_coloured_light(tone: int) -> None:
    # Wound clinics photograph legs on blue surgical drapes; at home, a blue towel or sheet.
    # The skin looks as in daylight, so the blue beside it is the drape's, not the light's.
    scene = _skin(tone)
    scene[:, 640:] = render.srgb_to_linear(np.full((960, 640, 3), (0.45, 0.68, 0.86),
                                                   np.float32))
    exposure = assess(_shot(scene), "close_up").check("exposure")
    assert exposure is not None and exposure.reason != "cast", exposure


@pytest.mark.parametrize("strength", [0.6, 0.7])
def test_blue_light_on_a_real_face_is_called_coloured_light(strength: float) -> None:
    # A cold blue lamp on warm skin: the picture's colour stays just under the blue limit, but
    # the light itself is far bluer than daylight on any skin, and the picture agrees.
    scene = render.srgb_to_linear(_real("astronaut").astype(np.float32) / 255.0)
    tinted = scene * dataset.CASTS[2] ** strength
    tinted *= scene.mean() / tinted.mean()
    exposure = assess(_jpeg(render.linear_to_srgb8(np.asarray(tinted, np.float32))),
                      "close_up").check("exposure")
    assert exposure is not None and exposure.status == "fail" and exposure.reason == "cast", (
        exposure)


def test_a_slightly_cool_light_on_a_real_face_is_accepted() -> None:
    # Shade or a cool white bulb tints a photo a little blue; that is ordinary light.
    scene = render.srgb_to_linear(_real("astronaut").astype(np.float32) / 255.0)
    tinted = scene * dataset.CASTS[2] ** 0.3
    tinted *= scene.mean() / tinted.mean()
    exposure = assess(_jpeg(render.linear_to_srgb8(np.asarray(tinted, np.float32))),
                      "close_up").check("exposure")
    assert exposure is not None and exposure.status == "pass", exposure


def test_a_close_picture_full_of_detail_offered_as_the_locator_is_advised_to_stand_back() -> None:
    # A close-up sent as the locator: skin-coloured detail (here a real photo of fur) fills the
    # picture short of edge to edge. The GP could not tell where on the body it is.
    framing = assess(_jpeg(_real("chelsea")), "locator").check("framing")
    assert framing is not None and framing.status == "warn" and framing.reason == "close", (
        framing)


def test_a_plain_beige_wall_filling_a_locator_is_not_taken_for_skin_seen_close() -> None:
    # Beige walls have the hue of skin; a locator taken against one reads as mostly skin, but
    # the wall is plain where skin seen close is not, so no advice to stand back.
    wall = render.srgb_to_linear(np.full((960, 1280, 3), (0.82, 0.68, 0.55), np.float32))
    scene = wall.copy()
    scene[:, 1200:] = render.srgb_to_linear(np.full((960, 80, 3), (0.33, 0.35, 0.38),
                                                    np.float32))  # a door frame
    scene[380:580, 300:1000] = _skin(5, size=(200, 700))
    framing = assess(_shot(scene), "locator").check("framing")
    assert framing is not None and framing.value >= 0.9, framing
    assert framing.reason != "close", framing


def _room_with(scene: np.ndarray, share: float,
               wall: tuple[float, float, float] = (0.78, 0.80, 0.82)) -> np.ndarray:
    """A plain wall of colour `wall` (sRGB) over a dark floor, with `scene` (linear light)
    shrunk to `share` of the frame's width and height, as a close-up taken from across the
    room shows it."""
    room = np.empty((960, 1280, 3), np.float32)
    room[:600] = render.srgb_to_linear(np.full((600, 1280, 3), wall, np.float32))
    room[600:] = render.srgb_to_linear(np.full((360, 1280, 3), (0.35, 0.33, 0.36), np.float32))
    width, height = round(1280 * share), round(960 * share)
    room[500:500 + height, 640:640 + width] = cv2.resize(scene, (width, height),
                                                         interpolation=cv2.INTER_AREA)
    return room


@pytest.mark.parametrize("tone", [2, 6, 10])
def test_a_close_up_taken_from_across_a_beige_room_is_advised_to_move_closer(tone: int) -> None:
    # A beige wall has the colour of skin, so the picture reads as half skin; but only the
    # small photo of the rash has any detail, the wall and floor are plain.
    result = assess(_shot(_room_with(_skin(tone, hairs=True), 0.25, (0.82, 0.68, 0.55))),
                    "close_up")
    framing = result.check("framing")
    assert framing is not None and 0.3 <= framing.value < 0.9, framing
    assert framing.status == "warn" and framing.reason == "far", framing


def test_a_real_photo_small_against_a_plain_wall_is_advised_to_move_closer() -> None:
    # The same with a real photograph (skin-coloured fur) in place of rendered skin.
    scene = render.srgb_to_linear(_real("chelsea").astype(np.float32) / 255.0)
    framing = assess(_shot(_room_with(scene, 0.3, (0.82, 0.68, 0.55))),
                     "close_up").check("framing")
    assert framing is not None and framing.status == "warn" and framing.reason == "far", (
        framing)


@pytest.mark.parametrize("tone", [2, 6, 10])
def test_a_whole_hand_close_up_on_a_plain_sheet_is_not_sent_back(tone: int) -> None:
    # From the service's 30 cm a whole hand covers only a tenth to a fifth of the picture, and
    # against a plain sheet the rest has no detail: as sparse as a photo taken from afar, so
    # sparse detail is advice, never a retake.
    yy, xx = render.grid(960, 1280)
    scene = render.srgb_to_linear(np.full((960, 1280, 3), (0.95, 0.95, 0.95), np.float32))
    hand = ((xx - 640) ** 2 / 290**2 + (yy - 480) ** 2 / 150**2) < 1
    hand |= (np.abs(xx - 640) < 110) & (yy > 480)  # the wrist, running off the edge
    scene[hand] = _skin(tone, seed=tone)[hand]
    result = assess(_shot(scene), "close_up")
    framing = result.check("framing")
    assert framing is not None and framing.status != "fail", framing
    assert result.verdict == "accept", result.checks


def test_a_palm_on_a_white_board_with_few_edges_a_little_soft_is_advised_not_sent_back() -> None:
    # A laboratory photo: a palm beside a white board with a few marks, everything else plain.
    # It has few strong edges (about 250 a megapixel) and those a little wide: the unsure band,
    # so the patient is told it looks a little blurred, and the photo is kept.
    yy, xx = render.grid(960, 1280)
    scene = render.srgb_to_linear(np.full((960, 1280, 3), (0.93, 0.93, 0.92), np.float32))
    palm = ((xx - 900) ** 2 / 260**2 + (yy - 480) ** 2 / 330**2) < 1
    scene[palm] = _skin(4, seed=3)[palm]
    rng = np.random.default_rng(1)
    for _ in range(8):
        y, x = rng.integers(100, 860), rng.integers(100, 600)
        cv2.circle(scene, (int(x), int(y)), 6, (0.02, 0.02, 0.02), -1)
    result = assess(_shot(cv2.GaussianBlur(scene, (0, 0), 1.8)), "close_up")
    sharpness = result.check("sharpness")
    assert sharpness is not None, result.checks
    assert (sharpness.status, sharpness.reason) == ("warn", "soft"), sharpness
    assert result.verdict == "accept", result.checks


def test_a_small_lesion_on_plain_skin_filling_a_close_up_is_advised_never_sent_back() -> None:
    # Plain skin-coloured surroundings with detail in one small spot look the same as a small
    # photo on a beige wall. The service takes rashes, whose close-ups have detail over much
    # of the picture, so this gets the advice to move closer; it is still accepted.
    yy, xx = render.grid(960, 1280)
    scene = render.srgb_to_linear(np.full((960, 1280, 3), (0.86, 0.70, 0.60), np.float32))
    scene *= (0.9 + 0.1 * xx / 1280)[..., None]
    mole = ((yy - 480) ** 2 / 90**2 + (xx - 640) ** 2 / 140**2) < 1
    scene[mole] = render.srgb_to_linear(np.asarray((0.35, 0.22, 0.16), np.float32))
    result = assess(_shot(scene), "close_up")
    framing = result.check("framing")
    assert framing is not None and framing.value >= 0.9, framing
    assert (framing.status, framing.reason) == ("warn", "far"), framing
    assert result.verdict == "accept", result.checks


@pytest.mark.parametrize("share", [0.1, 0.2, 0.4])
@pytest.mark.parametrize("turns", [1, 2, 3], ids=["quarter", "upside-down", "three-quarters"])
def test_a_childs_face_turned_any_way_is_found_and_refused(share: float, turns: int) -> None:
    # A baby lying on a mat, photographed from the feet: the face is upside down (hazard log
    # H65). The network finds faces the right way up only; an adult's check is unchanged.
    turned = np.ascontiguousarray(np.rot90(_face_scene(share), turns))
    face = assess(_jpeg(turned), "locator", child=True).check("face")
    assert face is not None and face.status == "fail" and face.reason == "child", (share, face)


def _large_scene_with_face(
    share: float, where: tuple[float, float], turns: int = 0
) -> np.ndarray:
    """A 4032 x 3024 room (a 12 MP phone photo sent as a file) with the astronaut's portrait
    (a real photograph) pasted so that her face is `share` of the long side, its top left at
    `where` (fractions of the free height and width), turned `turns` quarters (the room stays
    upright, as a baby lying on a mat in a photo of the room)."""
    rng = np.random.default_rng(11)
    room = cv2.resize(render.camera(render.background(rng, 756, 1008), rng), (4032, 3024),
                      interpolation=cv2.INTER_CUBIC)
    side = round(share / 0.3 * 4032)
    portrait = cv2.resize(_real("astronaut", (512, 512)), (side, side),
                          interpolation=cv2.INTER_AREA)
    portrait = np.ascontiguousarray(np.rot90(portrait, turns))
    top, left = round((3024 - side) * where[0]), round((4032 - side) * where[1])
    room[top:top + side, left:left + side] = portrait
    return room


@pytest.mark.parametrize("share", [0.05, 0.06, 0.07])
@pytest.mark.parametrize("where", [(0.1, 0.05), (0.9, 0.95)], ids=["top-left", "bottom-right"])
def test_a_childs_small_face_in_a_full_size_photo_is_found_and_refused(
    share: float, where: tuple[float, float]
) -> None:
    # A child's face 150-280 px high in a 4032 x 3024 photo sent as a file: on the 416 px copy
    # the face search used first it is too few pixels to be found, and the photo was accepted
    # as looking good (hazard log H65). A child's photo must show no identifiable face.
    photo = _jpeg(_large_scene_with_face(share, where))
    result = assess(photo, "locator", child=True)
    face = result.check("face")
    assert face is not None and face.status == "fail" and face.reason == "child", (share, face)
    assert result.verdict == "retake"


@pytest.mark.parametrize("turns", [1, 2, 3], ids=["quarter", "half", "three-quarters"])
@pytest.mark.parametrize("where", [(0.1, 0.05), (0.5, 0.5), (0.9, 0.95)],
                         ids=["top-left", "middle", "bottom-right"])
def test_a_childs_small_face_lying_any_way_in_a_full_size_photo_is_found_and_refused(
    turns: int, where: tuple[float, float]
) -> None:
    # A baby lying on a mat in a photo of the whole room: the face 5% of the long side and
    # sideways or upside down. Neither the turned search of the small copy nor the upright
    # search of the tiles finds it; the tiles are searched turned too (hazard log H65).
    photo = _jpeg(_large_scene_with_face(0.05, where, turns))
    result = assess(photo, "locator", child=True)
    face = result.check("face")
    assert face is not None and face.status == "fail" and face.reason == "child", (turns, face)
    assert result.verdict == "retake"
