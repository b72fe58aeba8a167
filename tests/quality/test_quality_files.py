"""Every kind of image file a phone or editor sends: judged like the photo it shows, and kept
upright, 8-bit, in colours that match their profile, with no EXIF, in the file and in the PDF."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from bot.delivery.referral_pack import PackPhoto, PackSummary, build_referral_pack
from bot.quality import Assessment, assess
from tests.auxil import files
from tests.auxil.icc import cmyk_press

SUMMARY = PackSummary("TD-TEST-0001", "The Lawson Practice", "LP-1", "44 years",
                      "29 November 2026", (("Where is the rash?", "Arm or hand"),), ())


@pytest.fixture
def scene(close_up) -> np.ndarray:
    """A sharp, well-lit skin close-up, 1280 x 960, with a blue mark in its top-left corner."""
    rgb = np.asarray(Image.open(io.BytesIO(close_up(5, quality=95)))).copy()
    rgb[:80, :80] = (20, 40, 230)
    return rgb


def statuses(result: Assessment) -> dict[str, str]:
    """Each check's pass/warn/fail."""
    return {check.name: check.status for check in result.checks}


def assert_kept_well(result: Assessment, looks: np.ndarray, tolerance: float = 6.0) -> None:
    """The kept copy is an upright 8-bit RGB JPEG without EXIF, whose profile (if any) is for
    RGB pixels and shows the colours the sender saw; its page in the GP's PDF is the same."""
    assert result.refusal is None and result.image is not None
    kept = Image.open(io.BytesIO(result.image))
    assert kept.format == "JPEG" and kept.mode in ("RGB", "L"), "8-bit colour or grey"
    assert kept.size == (looks.shape[1], looks.shape[0]), "upright, full size"
    assert len(kept.getexif()) == 0 and b"Exif" not in result.image
    icc = kept.info.get("icc_profile")
    assert not icc or icc[16:20] == {"RGB": b"RGB ", "L": b"GRAY"}[kept.mode], "profile fits"
    shown = files.in_srgb(result.image).astype(int)
    assert np.abs(shown - looks.astype(int)).mean() < tolerance
    mark = np.abs(shown[10:60, 10:60] - looks[10:60, 10:60].astype(int)).mean()
    assert mark < 3 * tolerance, "the mark is still top left: upright"
    assert_pdf_page_right(result.image, kept.size)


def assert_pdf_page_right(jpeg: bytes, size: tuple[int, int]) -> None:
    """The photo's page in the referral pack: the same way up, and no mislabelled colours."""
    pdf = PdfReader(io.BytesIO(build_referral_pack(SUMMARY, [PackPhoto("Close-up 1", jpeg)])))
    images = []
    for page in pdf.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        for ref in xobjects.values():
            image = ref.get_object()
            if image.get("/Subtype") != "/Image":
                continue
            images.append(image)
            space = image["/ColorSpace"]
            if isinstance(space, list) and space[0] == "/ICCBased":
                profile = space[1].get_object()
                header_space = profile.get_data()[16:20]
                assert (profile["/N"], header_space) in ((3, b"RGB "), (1, b"GRAY"))
    photo = max(images, key=lambda i: int(i["/Width"]) * int(i["/Height"]))
    width, height = int(photo["/Width"]), int(photo["/Height"])
    assert (width > height) == (size[0] > size[1])


def test_a_16_bit_grey_png_is_judged_and_kept_like_its_8_bit_twin(scene) -> None:
    grey = np.asarray(Image.fromarray(scene).convert("L"))
    twin = assess(files.encoded(Image.fromarray(grey), "PNG"), "close_up")
    result = assess(files.png16_grey(scene), "close_up")
    assert statuses(result) == statuses(twin)
    assert_kept_well(result, np.dstack([grey] * 3))


@pytest.mark.parametrize("alpha", [False, True])
def test_a_16_bit_colour_png_is_accepted_like_the_photo(scene, alpha: bool) -> None:
    twin = assess(files.encoded(Image.fromarray(scene), "PNG"), "close_up")
    result = assess(files.png16_colour(scene, alpha=alpha), "close_up")
    assert twin.verdict == "accept"
    assert result.verdict == "accept" and statuses(result) == statuses(twin)
    assert_kept_well(result, scene)


def test_a_heic_burst_is_read_at_its_primary_photo(scene) -> None:
    dark = Image.fromarray((scene // 6).astype(np.uint8))
    data = files.heic_burst(Image.fromarray(scene), dark)
    assert Image.open(io.BytesIO(data)).n_frames == 2
    result = assess(data, "close_up")
    assert result.refusal is None, "two photos in one HEIC are not a moving picture"
    assert result.verdict == "accept"
    assert_kept_well(result, scene)


def test_a_heic_turned_only_by_exif_is_kept_upright(scene) -> None:
    data = files.heic_exif_only_rotation(Image.fromarray(scene))
    result = assess(data, "close_up")
    assert (result.width, result.height) == (1280, 960)
    assert result.verdict == "accept"
    assert_kept_well(result, scene)


def test_a_heic_turned_by_its_own_rotation_box_is_not_turned_twice(scene) -> None:
    exif = Image.Exif()
    exif[0x0112] = files.EXIF_ROTATE_CW
    stored = Image.fromarray(scene).transpose(Image.Transpose.ROTATE_90)
    result = assess(files.heic(stored, exif=exif.tobytes()), "close_up")
    assert (result.width, result.height) == (1280, 960)
    assert_kept_well(result, scene)


def test_a_cmyk_jpeg_is_kept_in_srgb_through_its_profile(scene) -> None:
    data, looks = files.cmyk_jpeg(scene)
    result = assess(data, "close_up")
    assert result.refusal is None
    assert_kept_well(result, looks, tolerance=4.0)
    assert not Image.open(io.BytesIO(result.image or b"")).info.get("icc_profile")


def test_a_display_p3_photo_is_judged_and_shown_in_its_true_colours(scene) -> None:
    twin = assess(files.encoded(Image.fromarray(scene), "JPEG", quality=95), "close_up")
    result = assess(files.display_p3_jpeg(scene), "close_up")
    assert result.verdict == "accept" and statuses(result) == statuses(twin)
    assert_kept_well(result, scene)


@pytest.mark.parametrize("turned", [False, True], ids=["kept bit for bit", "re-encoded"])
def test_a_colour_profile_is_kept_as_its_colorimetry_and_nothing_else(scene, turned) -> None:
    data = files.display_p3_jpeg(scene, hidden=files.PRIVATE_COMMENT)
    if turned:
        data = files.turned(data)
    assert data.count(files.PRIVATE_COMMENT) == 3
    result = assess(data, "close_up")
    assert result.image is not None and files.PRIVATE_COMMENT not in result.image
    assert_kept_well(result, scene)
    profile = Image.open(io.BytesIO(result.image)).info.get("icc_profile")
    assert profile is not None and profile[16:20] == b"RGB ", "the wide colours are kept"


@pytest.mark.parametrize(("side", "scans"), [(1280, 3000), (4000, 90)])
def test_a_jpeg_with_hundreds_of_scans_is_refused_before_decoding(side: int, scans: int) -> None:
    flat = Image.new("RGB", (side, side * 3 // 4), (180, 140, 120))  # tiny scans, slow to decode
    hostile = files.many_scans(files.encoded(flat, "JPEG"), scans)
    assert len(hostile) < 1_000_000
    result = assess(hostile, "close_up")
    assert result.refusal == "too_complex" and result.image is None


def test_a_normal_progressive_jpeg_is_accepted(scene) -> None:
    plain = files.encoded(Image.fromarray(scene), "JPEG", quality=90)
    result = assess(files.many_scans(plain, 12), "close_up")
    assert result.refusal is None and result.verdict == "accept"


def test_a_photo_kept_before_with_a_cmyk_profile_on_rgb_pixels_makes_a_correct_pdf(
    scene,
) -> None:
    mislabelled = files.encoded(Image.fromarray(scene), "JPEG", quality=90,
                                icc_profile=cmyk_press())
    assert_pdf_page_right(mislabelled, (1280, 960))


def test_over_50_mp_is_refused_only_where_it_must_be_decoded_in_full() -> None:
    flat = Image.new("RGB", (8400, 6200), (180, 140, 120))  # 52 MP
    exif = Image.Exif()
    exif[0x0112] = files.EXIF_ROTATE_CW
    turned = assess(files.encoded(flat, "JPEG", quality=80, exif=exif.tobytes()), "close_up")
    assert turned.refusal == "too_many_pixels"
    assert assess(files.encoded(flat, "PNG"), "close_up").refusal == "too_many_pixels"
    upright = assess(files.encoded(flat, "JPEG", quality=80), "close_up")
    assert upright.refusal is None and upright.image is not None, "kept as sent, not decoded"
