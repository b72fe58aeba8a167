"""The GP's referral pack: what a GP sees when opening the PDF, and that it fits e-RS."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from pypdf import PageObject, PdfReader

from bot.content import text, texts
from bot.delivery import referral_pack
from bot.delivery.referral_pack import (
    PackIdentity,
    PackPhoto,
    PackSummary,
    build_referral_pack,
)
from tests.auxil.files import (
    PRIVATE_COMMENT,
    display_p3_jpeg,
    private_traces,
    with_thumbnail,
)

ANSWERS = (
    ("Is it a rash? A rash is an area of red, sore, itchy, dry or bumpy skin.",
     "Yes, it is a rash"),
    ("Where is the rash?", "Arm or hand"),
    ("Where exactly is the rash?", "left forearm – inner side"),
    ("How long have you had the rash?", "1 to 4 weeks"),
    ("Is it itchy or painful?", "Itchy"),
    ("What have you tried for it, if anything?", "hydrocortisone cream 1%"),
    ("How many separate areas of rash are there?", "One area"),
    ("Do you have ANY of these?", "No, none of these"),
)
FLAGS = ("Close-up 2 sent despite failing: blur", "4 retakes in total")


def summary(**changes: object) -> PackSummary:
    """A realistic case summary, with any field changed."""
    fields: dict[str, object] = {
        "case_reference": "TD-7K3M-Q9PX", "practice_name": "The Lawson Practice",
        "patient_ref": "LP-20931", "age_text": "44 years", "submitted_on": "24 November 2026",
        "answers": ANSWERS, "flags": FLAGS,
    }
    fields.update(changes)
    return PackSummary(**fields)  # type: ignore[arg-type]


def jpeg(width: int, height: int, seed: int, *, noise: int = 24, quality: int = 90,
         **save: object) -> bytes:
    """A noisy photo (a random tile repeated, so big files are quick to make)."""
    tile_w, tile_h = min(width, 1000), min(height, 750)
    rng = np.random.default_rng(seed)
    tile = rng.integers(100, 100 + noise, (tile_h, tile_w, 3), dtype=np.uint8)
    reps = (-(-height // tile_h), -(-width // tile_w), 1)
    pixels = np.ascontiguousarray(np.tile(tile, reps)[:height, :width])
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=quality, **save)
    return out.getvalue()


def flat(words: str) -> str:
    """Words as the text extractor gives them back: single spaces, and the en dash and curly
    quote as plain ones when no Unicode font is installed (the built-in font lacks them)."""
    if referral_pack.unicode_font_dir() is None:
        words = words.replace("–", "-").replace("’", "'")
    return " ".join(words.split())


def page_text(reader: PdfReader, index: int) -> str:
    """The text of one page, flattened."""
    return flat(reader.pages[index].extract_text())


def embedded(page: PageObject) -> list[bytes]:
    """The JPEGs in a page exactly as stored in the PDF (pypdf's `page.images` re-encodes)."""
    if "/XObject" not in page["/Resources"]:
        return []
    xobjects = page["/Resources"]["/XObject"]
    return [xobjects[name].get_object().get_data() for name in xobjects
            if xobjects[name].get_object()["/Subtype"] == "/Image"]


def photos() -> list[PackPhoto]:
    """A landscape locator and two portrait close-ups, the last sent despite a blur warning."""
    return [PackPhoto("Locator", jpeg(1600, 1200, 1)),
            PackPhoto("Close-up 1", jpeg(1200, 1600, 2)),
            PackPhoto("Close-up 2", jpeg(1200, 1600, 3), note=FLAGS[0])]


@pytest.fixture(scope="module")
def pack() -> PdfReader:
    """The pack for a typical case, opened as a GP's PDF reader would."""
    return PdfReader(io.BytesIO(build_referral_pack(summary(), photos())))


@pytest.fixture(scope="module")
def big_photos() -> list[PackPhoto]:
    """Three 48 MP photos sent 'as a file' (about 10 MB each)."""
    return [PackPhoto(label, jpeg(8000, 6000, seed))
            for seed, label in enumerate(("Locator", "Close-up 1", "Close-up 2"))]


def test_the_pack_is_one_summary_page_then_one_page_per_photo(pack: PdfReader) -> None:
    assert len(pack.pages) == 4
    assert [len(embedded(page)) for page in pack.pages] == [0, 1, 1, 1]
    assert pack.metadata is not None and "TD-7K3M-Q9PX" in str(pack.metadata.title)


def test_page_one_identifies_the_case(pack: PdfReader) -> None:
    first = page_text(pack, 0)
    assert first.startswith(text("referral.document.title"))
    for value in ("TD-7K3M-Q9PX", "The Lawson Practice", "LP-20931", "44 years",
                  "24 November 2026"):
        assert value in first


def test_page_one_has_every_answer_and_flag(pack: PdfReader) -> None:
    first = page_text(pack, 0)
    for question, answer in ANSWERS:
        assert flat(question) in first
        assert flat(answer) in first
    for flag in FLAGS:
        assert flag in first


def test_page_one_has_the_whole_checklist_as_positive_statements_and_e_rs_details(
        pack: PdfReader) -> None:
    first = page_text(pack, 0)
    criteria = texts("referral.checklist.items") + texts("referral.checklist.children_items")
    statements = (texts("referral.checklist.statements")
                  + texts("referral.checklist.children_statements"))
    assert len(criteria) == 12 and len(statements) == 11, (
        "one statement per service criterion, the children's safeguarding one covered by the "
        "first safeguarding statement")
    for statement in statements:
        assert flat(statement) in first
    for criterion in criteria:
        assert flat(criterion) not in first, "the GP ticks statements, not criteria"
    assert "NOT apply" not in first and flat(text("referral.checklist.intro")) in first
    assert "two-week-wait" in first.lower() or "two-week wait" in first.lower()
    assert "safeguarding" in first.lower() and "consent" in first
    assert "For children" in first
    assert "Specialty Dermatology" in first
    assert "Clinic Type Not Otherwise Specified" in first
    assert flat("RAS Teledermatology - Main Outpatients Department - Homerton – RQX") in first


def test_each_photo_page_is_labelled_with_its_note(pack: PdfReader) -> None:
    for index, label in enumerate(("Locator", "Close-up 1", "Close-up 2"), start=1):
        assert page_text(pack, index).startswith(label)
    assert FLAGS[0] in page_text(pack, 3)
    assert FLAGS[0] not in page_text(pack, 2)
    assert "TD-7K3M-Q9PX" in page_text(pack, 2)  # every printed page names the case


def test_each_photo_page_names_site_date_patient_and_case() -> None:
    details = text("referral.photo.details", site="Arm or hand (left forearm)",
                   taken="24 November 2026 14:05", patient_ref="LP-20931",
                   reference="TD-7K3M-Q9PX")
    sent = [PackPhoto(p.label, p.jpeg, p.note, details) for p in photos()]
    reader = PdfReader(io.BytesIO(build_referral_pack(summary(), sent)))
    for index in (1, 2, 3):
        page = page_text(reader, index)
        assert flat(details) in page
        for value in ("Arm or hand (left forearm)", "24 November 2026 14:05", "LP-20931"):
            assert value in page


def test_a_resubmitted_pack_says_its_version_and_what_is_new() -> None:
    reader = PdfReader(io.BytesIO(build_referral_pack(
        summary(version=2, new_shots=("Close-up 2",)), photos())))
    first = page_text(reader, 0)
    assert flat(text("referral.document.resubmitted", version=2, previous=1,
                     shots="Close-up 2")) in first
    assert "(version 2)" in page_text(reader, 3)  # the footer of every page
    assert reader.metadata is not None and "(version 2)" in str(reader.metadata.title)


def test_page_one_of_a_resubmission_still_fits_and_names_the_patient_by_reference() -> None:
    """Page 1 of a resubmission's pack holds everything before the photo pages, and names
    the patient by the practice's reference and age only: this copy goes to the GP's
    Telegram chat, so the date of birth and NHS number stay in the record channels' messages
    and their copy of the pack (below)."""
    reader = PdfReader(io.BytesIO(build_referral_pack(
        summary(version=2, new_shots=("Close-up 2",)), photos())))
    assert len(reader.pages) == 4
    first = page_text(reader, 0)
    assert "LP-20931" in first and flat(text("referral.details.age")) in first
    assert flat(text("referral.ers.attach")) in first, "page 1 ends on page 1"


@pytest.mark.parametrize("by_parent", [False, True], ids=["adult", "child-by-parent"])
def test_the_record_copy_names_nhs_number_and_date_of_birth_on_every_page(
    by_parent: bool
) -> None:
    """The copy sent to the GP record can be matched to its patient from any one page, photo
    pages included, saved or printed apart from its e-RS referral (hazard log H62); the
    date of birth says who confirmed it."""
    identity = PackIdentity("943 476 5919", "14 June 2019")
    reader = PdfReader(io.BytesIO(build_referral_pack(
        summary(identity=identity, by_parent=by_parent, version=2, new_shots=("Close-up 2",)),
        photos())))
    footer = flat(text("referral.document.footer_identified",
                       nhs=text("referral.identity.footer_nhs", nhs_number="943 476 5919"),
                       born=text("referral.identity.footer_born", date_of_birth="14 June 2019"),
                       reference="TD-7K3M-Q9PX", version=" (version 2)", page="", pages=""))
    footer_start = footer.split(" page")[0]
    assert len(reader.pages) == 4
    for index in range(4):
        page = page_text(reader, index)
        assert "943 476 5919" in page and "14 June 2019" in page
        assert footer_start in page, f"page {index + 1} has the identifying footer"
    first = page_text(reader, 0)
    born, other = (text(f"referral.identity.{key}", date_of_birth="14 June 2019")
                   for key in (("born_parent", "born") if by_parent else ("born", "born_parent")))
    assert flat(f"{text('referral.identity.nhs_number')} 943 476 5919") in first
    assert flat(f"{text('referral.identity.date_of_birth')} {born}") in first
    assert flat(other) not in first
    assert flat(text("referral.ers.attach")) in first, "page 1 still ends on page 1"


def test_the_record_copy_says_plainly_when_no_nhs_number_was_given() -> None:
    reader = PdfReader(io.BytesIO(build_referral_pack(
        summary(identity=PackIdentity("", "3 February 1980")), photos())))
    first = page_text(reader, 0)
    assert flat(f"{text('referral.identity.nhs_number')} "
                f"{text('referral.identity.nhs_number_none')}") in first
    for index in range(len(reader.pages)):
        assert flat(text("referral.identity.footer_nhs_none")) in page_text(reader, index)
        assert "3 February 1980" in page_text(reader, index)


def test_the_gp_chat_copy_carries_no_nhs_number_or_date_of_birth(pack: PdfReader) -> None:
    """Without an identity (the copy for Telegram) no page has the identifier lines."""
    every = " ".join(page_text(pack, index) for index in range(len(pack.pages)))
    for key in ("nhs_number", "footer_nhs_none", "footer_born_none", "date_of_birth"):
        assert flat(text(f"referral.identity.{key}")) not in every
    assert flat(text("referral.identity.footer_born", date_of_birth="")) not in every
    assert flat(text("referral.identity.born", date_of_birth="")) not in every


def test_landscape_photos_get_landscape_pages(pack: PdfReader) -> None:
    first_photo, second_photo = pack.pages[1], pack.pages[2]
    assert first_photo.mediabox.width > first_photo.mediabox.height
    assert second_photo.mediabox.width < second_photo.mediabox.height


def test_small_clean_photos_go_in_unchanged() -> None:
    sent = photos()
    reader = PdfReader(io.BytesIO(build_referral_pack(summary(), sent)))
    for page, photo in zip(reader.pages[1:], sent, strict=True):
        assert embedded(page)[0] == photo.jpeg


def test_a_photo_with_exif_rotation_and_gps_is_upright_and_has_no_exif() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees to display
    exif[0x8825] = {1: "N", 2: (51.0, 32.0, 50.0), 3: "W", 4: (0.0, 2.0, 40.0)}
    sideways = jpeg(1600, 1200, 4, exif=exif.tobytes(), comment=b"secret")
    reader = PdfReader(io.BytesIO(build_referral_pack(summary(), [PackPhoto("Locator",
                                                                            sideways)])))
    kept = embedded(reader.pages[1])[0]
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (1200, 1600)
        assert len(image.getexif()) == 0
        assert "comment" not in image.info
    assert b"Exif" not in kept and b"secret" not in kept


def test_a_photo_kept_with_a_jfif_thumbnail_before_it_was_cut_off_is_re_encoded_in_the_pack(
) -> None:
    kept_before = with_thumbnail(jpeg(1600, 1200, 5))
    assert private_traces(kept_before) == ["comment", "thumbnail"]
    reader = PdfReader(io.BytesIO(build_referral_pack(summary(), [PackPhoto("Locator",
                                                                            kept_before)])))
    in_pdf = embedded(reader.pages[1])[0]
    assert private_traces(in_pdf) == []
    assert Image.open(io.BytesIO(in_pdf)).size == (1600, 1200)


def test_a_photo_kept_with_the_senders_colour_profile_gets_only_its_colorimetry_in_the_pack(
) -> None:
    pixels = np.asarray(Image.open(io.BytesIO(jpeg(1600, 1200, 6))))
    kept_before = display_p3_jpeg(pixels, hidden=PRIVATE_COMMENT)
    pdf = build_referral_pack(summary(), [PackPhoto("Locator", kept_before)])
    assert PRIVATE_COMMENT not in pdf
    assert b"Display P3" not in pdf, "the sender's description is gone too"


def test_three_48_mp_photos_fit_the_e_rs_limit(big_photos: list[PackPhoto]) -> None:
    assert all(len(photo.jpeg) > 8_000_000 for photo in big_photos)
    pdf = build_referral_pack(summary(), big_photos)
    assert len(pdf) <= 5_000_000
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 4
    for page in reader.pages[1:]:
        with Image.open(io.BytesIO(embedded(page)[0])) as image:
            assert max(image.size) == 2400


def test_a_tighter_limit_shrinks_the_photos_but_keeps_them_usable(
        big_photos: list[PackPhoto]) -> None:
    pdf = build_referral_pack(summary(), big_photos, limit_bytes=745_000)
    assert len(pdf) <= 745_000
    for page in PdfReader(io.BytesIO(pdf)).pages[1:]:
        with Image.open(io.BytesIO(embedded(page)[0])) as image:
            assert image.size[0] >= 800 and image.size[1] >= 600


def test_a_limit_that_cannot_be_met_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="cannot fit in 20,000 bytes"):
        build_referral_pack(summary(), photos(), limit_bytes=20_000)


def test_an_unreadable_photo_is_named() -> None:
    with pytest.raises(ValueError, match="'Close-up 1' is not a readable image"):
        build_referral_pack(summary(), [PackPhoto("Close-up 1", b"not a photo")])


def test_no_flags_says_the_photos_passed() -> None:
    reader = PdfReader(io.BytesIO(build_referral_pack(summary(flags=()), photos())))
    assert text("referral.flags.none") in page_text(reader, 0)


def test_without_a_unicode_font_the_pack_still_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(referral_pack, "unicode_font_dir", lambda: None)
    odd = summary(answers=(("Where exactly is the rash?", "left “forearm” – 手 😀"),),
                  age_text="7 years (child; parent took part)")
    reader = PdfReader(io.BytesIO(build_referral_pack(odd, photos()[:1])))
    first = page_text(reader, 0)
    assert 'left "forearm" - ? ?' in first
    assert "Homerton - RQX" in first
    assert "patient's best interest" in first


def test_a_gp_ticks_safeguarding_once_for_a_child_too() -> None:
    """The service lists safeguarding for "adults and children/young people" and again for
    children; the pack has one statement for both, so the GP never ticks it twice."""
    statements = (texts("referral.checklist.statements")
                  + texts("referral.checklist.children_statements"))
    assert len([s for s in statements if "safeguarding" in s.lower()]) == 1
    reader = PdfReader(io.BytesIO(build_referral_pack(summary(age_text="7 years"), photos())))
    assert page_text(reader, 0).count("Safeguarding:") == 1


# Each heading of page 1 and words that must be on its page: what it heads.
KEPT_WITH = (
    ("referral.answers.heading", "referral.answers.question"),
    ("referral.flags.heading", None),
    ("referral.checklist.heading", "referral.checklist.intro"),
    ("referral.checklist.children_heading", "referral.checklist.children_statements"),
    ("referral.ers.heading", "referral.ers.attach"),
)


def test_no_heading_is_left_alone_at_the_foot_of_a_page() -> None:
    """However long the answers and flags grow (each extra line pushes everything below it
    down), every heading of the summary is on the same page as what it heads: the e-RS
    details whole, the checklist with its first statements."""
    small = [PackPhoto(p.label, jpeg(400, 300, n)) for n, p in enumerate(photos())]
    for extra in range(0, 34):
        lines = tuple(f"Close-up {n % 2 + 1}: 1 retake ({n})" for n in range(extra))
        reader = PdfReader(io.BytesIO(build_referral_pack(summary(flags=FLAGS + lines), small)))
        pages = [page_text(reader, i) for i in range(len(reader.pages) - len(small))]
        for heading, follows in KEPT_WITH:
            first = (FLAGS[0] if follows is None else texts(follows)[0]
                     if follows.endswith("statements") else text(follows))
            on = [i for i, page in enumerate(pages) if flat(text(heading)) in page]
            assert len(on) == 1, (extra, heading, on)
            assert flat(first) in pages[on[0]], (
                f"with {extra} extra flags, {text(heading)!r} is at the foot of page "
                f"{on[0] + 1} and what it heads on the next")
        ers = next(page for page in pages if flat(text("referral.ers.heading")) in page)
        assert "Specialty Dermatology" in ers and flat(text("referral.ers.service")) in ers


def test_page_one_of_a_childs_pack_holds_the_e_rs_details_too() -> None:
    """A child's case has more to say on page 1 (the parent's consent, the long-term skin
    condition question, the children's checklist), and the e-RS details still end page 1, as
    in the sandbox's 7-year-old's case, so a GP who prints page 1 has them."""
    consent = ("in the bot, by a parent or guardian of a child under 16: said they are the "
               "child's parent or guardian (2 December 2026 14:28); agreed to send these photos "
               "and answers (2 December 2026 14:28); asked the child, and said the child agreed "
               "to photos (2 December 2026 14:28)")
    answers = (*ANSWERS,
               ("Has a doctor or nurse said your child has a skin condition that lasts a long "
                "time or keeps coming back? Like eczema or psoriasis.", "No"),
               ("Does your child have ANY of these? (feeling very unwell; a high temperature "
                "(fever); blisters, or skin that is peeling; the rash is in the mouth or eyes; "
                "the rash is spreading fast; a rash that does not fade when you press a clear "
                "glass on it)", "No, none of these"))
    reader = PdfReader(io.BytesIO(build_referral_pack(
        summary(answers=answers, by_parent=True, consent=consent, flags=FLAGS[:1],
                age_text="7 years (child; a parent or guardian took part)"), photos())))
    assert len(reader.pages) == 4
    assert flat(text("referral.ers.attach")) in page_text(reader, 0), "page 1 ends on page 1"
