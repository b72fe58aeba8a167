"""The GP's referral pack: one PDF (summary, exclusion checklist, labelled photos) for e-RS."""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont
from PIL import Image, ImageOps, JpegImagePlugin

from bot.content import asset, text, texts
from bot.quality.clean import ADOBE_HEADER, JFIF_HEADER
from bot.quality.profile import rebuilt_rgb

# (long side in pixels, JPEG quality), tried in order until the whole pack fits the limit. The
# last steps keep 800 px, the smallest size published teledermatology guidance accepts.
LADDER = ((2400, 85), (2400, 75), (2000, 75), (1600, 72), (1280, 70), (1024, 65),
          (800, 60), (800, 45))
# A first guess at the bytes the pack takes beyond the JPEGs themselves (text, embedded font
# subsets; about 25 kB with DejaVu), and per photo page (checked against the real PDF, and
# corrected if it is too low).
TEXT_OVERHEAD = 40_000
IMAGE_OVERHEAD = 2_000
# A Unicode font with bold, looked for in this order; without one, a built-in font is used and
# characters it lacks are replaced (a dash for an en dash, '?' for anything unknown).
# The package's own copy (bot/content/fonts) comes first; the system's are a fallback.
FONT_DIRS = (
    asset("fonts/DejaVuSans.ttf").parent,
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# JPEG segments a photo may carry into the pack unchanged: JFIF and Adobe headers with nothing
# after them (a JFIF thumbnail may be a copy of the photo before it was cropped), and APP2 when
# it holds an ICC colour profile (not MPF, which brings extra images along). A photo kept
# before `bot.quality.clean` cut the thumbnail off is re-encoded instead.
CLEAN_SEGMENTS = {"APP0": (b"JFIF\0", JFIF_HEADER), "APP14": (b"Adobe", ADOBE_HEADER)}
ICC_SEGMENT = ("APP2", b"ICC_PROFILE\0")


def _clean_segment(marker: str, data: bytes) -> bool:
    """True for a segment the pack may carry unchanged (`CLEAN_SEGMENTS`, `ICC_SEGMENT`)."""
    if marker == ICC_SEGMENT[0]:
        return data.startswith(ICC_SEGMENT[1])
    if marker not in CLEAN_SEGMENTS:
        return False
    start, length = CLEAN_SEGMENTS[marker]
    thumbnail = data[12:14] if marker == "APP0" else b"\0\0"
    return data.startswith(start) and len(data) == length and thumbnail == b"\0\0"
_LATIN = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
                        "…": "...", "•": "-", "→": "->", "➜": "->", "✓": "v", "\u00a0": " "})
GREY, AMBER = (90, 90, 90), (160, 70, 0)
# Hamming: as sharp as Lanczos to the eye when shrinking photos, and almost twice as fast.
SHRINK = Image.Resampling.HAMMING
BODY, LINE, HEADING = 9.0, 4.3, 11.0  # font sizes (pt) and line height (mm) on page 1
# How much of what follows a heading must fit under it on the same page (mm), else the heading
# starts the next page: a heading is never left alone at the foot of a page. The e-RS details
# are kept whole (heading, three rows, the line after them).
# The answers table (mm): the questions are long and the answers short (a button's words), so
# the question column is the wider, and page 1 of a child's case still holds the e-RS details.
ANSWER_WIDTHS = (115, 65)
KEEP_ANSWERS, KEEP_FLAGS, KEEP_CHECKLIST, KEEP_CHILDREN, KEEP_ERS = 15.0, 5.0, 20.0, 10.0, 23.0


@dataclass(frozen=True, slots=True)
class PackPhoto:
    """One accepted photo for the pack."""

    label: str
    jpeg: bytes
    note: str | None = None
    details: str = ""
    """Body site, date taken, patient and case reference (`referral.photo.details`)."""


@dataclass(frozen=True, slots=True)
class PackIdentity:
    """The patient's identifiers, printed in the record channels' copy of the pack (page 1 and
    the foot of every page) so a pack saved, printed or attached alone can be matched to its
    patient (hazard log H62). Never the name: the bot does not hold it."""

    nhs_number: str = ""
    """Like "943 476 5919"; "" when staff gave none at invite."""
    date_of_birth: str = ""
    """Like "3 February 1980"; "" once erased."""

    def born(self) -> str:
        """The date of birth as the footer gives it, or that it is not recorded."""
        return (text("referral.identity.footer_born", date_of_birth=self.date_of_birth)
                if self.date_of_birth else text("referral.identity.footer_born_none"))

    def nhs(self) -> str:
        """The NHS number as the footer gives it, or that none was given."""
        return (text("referral.identity.footer_nhs", nhs_number=self.nhs_number)
                if self.nhs_number else text("referral.identity.footer_nhs_none"))


@dataclass(frozen=True, slots=True)
class PackSummary:
    """What the GP needs to read with the photos."""

    case_reference: str
    practice_name: str
    patient_ref: str
    age_text: str
    submitted_on: str
    answers: tuple[tuple[str, str], ...]
    flags: tuple[str, ...]
    version: int = 1
    """The submission this pack is for: 2 or more after the GP asked for new photos."""
    new_shots: tuple[str, ...] = ()
    """Labels of the photos new in this version."""
    by_parent: bool = False
    """A parent or guardian answered, for a child: the answers are headed as theirs."""
    earlier: tuple[str, ...] = ()
    """One line for each earlier request of the patient that stopped for red flags or was
    judged urgent (`bot.inbox.earlier`), printed after the answers."""
    consent: str = ""
    """Who agreed to what in the bot, and when (`bot.inbox.digest.consent_record`)."""
    identity: PackIdentity | None = None
    """The NHS number and date of birth, for the record channels' copy; None for the copy
    that goes to the GP's Telegram chat, which names the patient by reference and age only."""

    @property
    def version_tag(self) -> str:
        """"" for a first submission, else " (version 2)" and so on."""
        return (text("referral.document.version_tag", version=self.version)
                if self.version > 1 else "")


@dataclass(frozen=True, slots=True)
class _Source:
    """A photo decoded once: upright, RGB, no larger than the first step of the ladder."""

    base: Image.Image
    original: bytes | None  # the photo's own bytes, when they can go in unchanged
    icc: bytes | None


@cache
def unicode_font_dir() -> Path | None:
    """The folder holding a usable Unicode font (regular and bold), or None."""
    return next((folder for folder in FONT_DIRS
                 if all((folder / name).is_file() for name in FONT_FILES.values())), None)


class _PackPdf(FPDF):
    """An A4 document with the case reference and page number at the foot of every page,
    after the patient's NHS number and date of birth in the record channels' copy."""

    def __init__(self, reference: str, version_tag: str = "",
                 identity: PackIdentity | None = None) -> None:
        super().__init__(format="A4")
        self.reference = reference
        self.version_tag = version_tag
        self.identity = identity
        folder = unicode_font_dir()
        self.family = "helvetica"
        self.glyphs: frozenset[int] | None = None
        if folder is not None:
            for style, name in FONT_FILES.items():
                self.add_font("dejavu", style, folder / name)
            self.family = "dejavu"
            font = self.fonts["dejavu"]
            if isinstance(font, TTFFont):
                self.glyphs = frozenset(font.ttfont.getBestCmap())
        self.set_auto_page_break(True, margin=15)
        self.set_margins(15, 12, 15)

    def clean(self, words: str) -> str:
        """The words with every character the font cannot draw replaced (never an error)."""
        words = unicodedata.normalize("NFC", words)
        if self.glyphs is None:
            words = words.translate(_LATIN)
        out = []
        for char in words:
            if char in "\n\t" or (ord(char) in self.glyphs if self.glyphs is not None
                                  else " " <= char <= "\xff" and char != "\x7f"):
                out.append(char)
            elif unicodedata.category(char) not in ("Mn", "Me", "Cf", "Cc"):
                out.append("?")
        return "".join(out)

    def use(self, size: float, style: str = "", color: tuple[int, int, int] = (0, 0, 0)) -> None:
        """Switch font size, weight and colour."""
        self.set_font(self.family, style, size)
        self.set_text_color(*color)

    def write_line(self, words: str, size: float = BODY, style: str = "",
                   color: tuple[int, int, int] = (0, 0, 0), gap: float = 0) -> None:
        """A paragraph the width of the page, then an optional gap."""
        self.use(size, style, color)
        self.multi_cell(0, size * 0.48, self.clean(words), align="L", new_x="LMARGIN",
                        new_y="NEXT")
        self.ln(gap)

    def heading(self, words: str, keep: float, size: float = HEADING, gap: float = 0.5) -> None:
        """A bold heading, on a new page unless `keep` mm of what follows fits under it."""
        if self.will_page_break(size * 0.48 + gap + keep):
            self.add_page()
        self.write_line(words, size=size, style="B", gap=gap)

    def footer(self) -> None:
        """Case reference and page number, so printed pages stay together; in the record
        channels' copy, first the NHS number and date of birth, so each page names its patient."""
        self.set_y(-12)
        self.use(8, color=GREY)
        values = {"reference": self.reference, "version": self.version_tag,
                  "page": self.page_no(), "pages": "{nb}"}
        line = (text("referral.document.footer", **values) if self.identity is None else
                text("referral.document.footer_identified", nhs=self.identity.nhs(),
                     born=self.identity.born(), **values))
        self.cell(0, 5, self.clean(line), align="C")

    def rows(self, pairs: Sequence[tuple[str, str]], widths: tuple[int, int],
             heading: tuple[str, str] | None = None) -> None:
        """A two-column table (label, value), with an optional heading row."""
        self.use(BODY)
        with self.table(col_widths=widths, text_align="LEFT", line_height=LINE,
                        first_row_as_headings=heading is not None, padding=(0.5, 1.5),
                        borders_layout="HORIZONTAL_LINES" if heading else "NONE") as table:
            for left, right in ([heading] if heading else []) + list(pairs):
                row = table.row()
                row.cell(self.clean(left))
                row.cell(self.clean(right))
        self.ln(2)

    def tick_boxes(self, items: Sequence[str]) -> None:
        """One empty box per item, for the GP to tick on paper or on screen."""
        self.use(BODY)
        for item in items:
            if self.will_page_break(2 * LINE):
                self.add_page()
            top = self.get_y()
            self.rect(self.l_margin + 1, top + 0.5, 3.2, 3.2)
            self.set_x(self.l_margin + 6)
            self.multi_cell(0, LINE, self.clean(item), align="L", new_x="LMARGIN", new_y="NEXT")
            self.ln(0.7)


def _identity_rows(summary: PackSummary) -> list[tuple[str, str]]:
    """The NHS number and date of birth rows of page 1 (none in the GP chat's copy); the date
    of birth as confirmed by the patient, or for a child by the parent or guardian."""
    identity = summary.identity
    if identity is None:
        return []
    born = (text("referral.identity.born_parent" if summary.by_parent
                 else "referral.identity.born", date_of_birth=identity.date_of_birth)
            if identity.date_of_birth else text("referral.identity.date_of_birth_none"))
    return [(text("referral.identity.nhs_number"),
             identity.nhs_number or text("referral.identity.nhs_number_none")),
            (text("referral.identity.date_of_birth"), born)]


def _summary_page(pdf: _PackPdf, summary: PackSummary) -> None:
    """Page 1: the case, the answers, quality flags, the exclusion checklist, e-RS details."""
    pdf.add_page()
    pdf.write_line(text("referral.document.title"), size=16, style="B", gap=2)
    if summary.version > 1:
        key = "resubmitted" if summary.new_shots else "resubmitted_same"
        pdf.write_line(text(f"referral.document.{key}", version=summary.version,
                            previous=summary.version - 1,
                            shots=" and ".join(summary.new_shots)),
                       size=11, style="B", color=AMBER, gap=2)
    pdf.rows([(text("referral.details.case_reference"), summary.case_reference),
              (text("referral.details.practice"), summary.practice_name),
              (text("referral.details.patient_ref"), summary.patient_ref),
              *_identity_rows(summary),
              (text("referral.details.age"), summary.age_text),
              (text("referral.details.submitted"), summary.submitted_on),
              (text("referral.consent.heading"),
               summary.consent or text("referral.consent.none"))], (35, 145))
    heading = "referral.answers.heading_parent" if summary.by_parent else "referral.answers.heading"
    pdf.heading(text(heading), KEEP_ANSWERS)
    if summary.answers:
        pdf.rows(summary.answers, ANSWER_WIDTHS,
                 heading=(text("referral.answers.question"), text("referral.answers.answer")))
    else:
        pdf.write_line(text("referral.answers.none"), gap=2)
    for line in summary.earlier:
        pdf.write_line(line, color=AMBER, style="B", gap=1)
    pdf.heading(text("referral.flags.heading"), KEEP_FLAGS)
    for flag in summary.flags:
        pdf.write_line(f"-  {flag}", color=AMBER, style="B", gap=0.5)
    if not summary.flags:
        pdf.write_line(text("referral.flags.none"))
    pdf.ln(1)
    pdf.heading(text("referral.checklist.heading"), KEEP_CHECKLIST)
    pdf.write_line(text("referral.checklist.intro"), gap=1.2)
    pdf.tick_boxes(texts("referral.checklist.statements"))
    pdf.ln(0.5)
    pdf.heading(text("referral.checklist.children_heading"), KEEP_CHILDREN, size=BODY,
                gap=1.2)
    pdf.tick_boxes(texts("referral.checklist.children_statements"))
    pdf.ln(1)
    pdf.heading(text("referral.ers.heading"), KEEP_ERS)
    pdf.rows([(text("referral.ers.specialty_label"), text("referral.ers.specialty")),
              (text("referral.ers.clinic_type_label"), text("referral.ers.clinic_type")),
              (text("referral.ers.service_label"), text("referral.ers.service"))], (35, 145))
    pdf.write_line(text("referral.ers.attach"), color=GREY)


def _photo_page(pdf: _PackPdf, photo: PackPhoto, jpeg: bytes | None, size: tuple[int, int],
                number: int, total: int) -> None:
    """One photo on its own page (landscape for a landscape photo), scaled to fit."""
    width, height = size
    pdf.add_page(orientation="L" if width > height else "P")
    pdf.write_line(photo.label, size=16, style="B", gap=1)
    if photo.note:
        pdf.write_line(photo.note, size=11, style="B", color=AMBER, gap=0.5)
    if photo.details:
        pdf.write_line(photo.details, size=9, gap=0.5)
    pdf.write_line(text("referral.photo.size", width=width, height=height, number=number,
                        total=total), size=8.5, color=GREY, gap=2)
    if jpeg is None:
        return
    top = pdf.get_y()
    box_w, box_h = pdf.epw, pdf.h - pdf.b_margin - top
    scale = min(box_w / width, box_h / height)
    shown_w, shown_h = width * scale, height * scale
    pdf.image(io.BytesIO(jpeg), x=pdf.l_margin + (box_w - shown_w) / 2, y=top,
              w=shown_w, h=shown_h)


def _render(summary: PackSummary, photos: Sequence[PackPhoto],
            jpegs: Sequence[bytes | None], sizes: Sequence[tuple[int, int]]) -> bytes:
    """Lay out the whole pack; a photo given as None gets its page but no picture."""
    pdf = _PackPdf(summary.case_reference, summary.version_tag, summary.identity)
    pdf.set_lang("en-GB")
    pdf.set_title(pdf.clean(text("referral.document.metadata_title",
                                 reference=summary.case_reference,
                                 version=summary.version_tag)))
    _summary_page(pdf, summary)
    for number, (photo, jpeg, size) in enumerate(zip(photos, jpegs, sizes, strict=True), 1):
        _photo_page(pdf, photo, jpeg, size, number, len(photos))
    return bytes(pdf.output())


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size scaled down (never up) so its long side is at most `side`."""
    ratio = min(1.0, side / max(size))
    return max(1, round(size[0] * ratio)), max(1, round(size[1] * ratio))


def _decode(photo: PackPhoto) -> _Source:
    """Decode a photo once (a large JPEG at reduced scale), upright, RGB, at most 2400 px."""
    top = LADDER[0][0]
    try:
        image = Image.open(io.BytesIO(photo.jpeg))
        clean = (isinstance(image, JpegImagePlugin.JpegImageFile) and image.format == "JPEG"
                 and all(_clean_segment(marker, data) for marker, data in image.applist)
                 and "comment" not in image.info and image.mode in ("RGB", "L")
                 and max(image.size) <= top)
        icc = image.info.get("icc_profile")
        image.draft("RGB", (top, top))
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValueError(f"photo {photo.label!r} is not a readable image: {error}") from error
    base: Image.Image = image if image.mode == "RGB" else image.convert("RGB")
    if max(base.size) > top:
        base = base.resize(_fit(base.size, top), SHRINK)
    base.info = {}  # nothing of the original's metadata (a JPEG comment, say) is carried over
    # The RGB pages may carry only an RGB profile (a CMYK or grey one would mislabel them),
    # and only rebuilt from its colorimetry (`bot.quality.profile`): a photo kept before
    # profiles were rebuilt is re-encoded, not embedded with the sender's profile.
    rgb_icc = rebuilt_rgb(icc) if isinstance(icc, bytes) else None
    clean = clean and (icc is None or rgb_icc == icc)
    return _Source(base, photo.jpeg if clean else None, rgb_icc)


def _encode(source: _Source, side: int, quality: int, first: bool) -> bytes:
    """The photo as a JPEG at most `side` pixels long (its own bytes on the first step)."""
    if first and source.original is not None:
        return source.original
    image = source.base
    if max(image.size) > side:
        image = image.resize(_fit(image.size, side), SHRINK)
    out = io.BytesIO()
    # No `optimize`: it doubles the encoding time and saves about 1% here.
    image.save(out, "JPEG", quality=quality, icc_profile=source.icc)
    return out.getvalue()


def _size(jpeg: bytes) -> tuple[int, int]:
    """Width and height of a JPEG, read from its header."""
    with Image.open(io.BytesIO(jpeg)) as image:
        return image.size


def _first(steps: range, fits: Callable[[int], bool]) -> int:
    """The first step that fits (the sizes shrink step by step), or steps.stop if none does."""
    low, high = steps.start, steps.stop
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return low


def build_referral_pack(summary: PackSummary, photos: Sequence[PackPhoto], *,
                        limit_bytes: int = 5_000_000) -> bytes:
    """Return the referral pack as PDF bytes no larger than limit_bytes.

    Page 1 holds the case (and, for a re-submission, which version it is and what is new),
    answers, quality flags, the suitability checklist (one positive statement per exclusion
    criterion of the service) and e-RS details; then one page per photo, each naming the body
    site, when it was taken, the patient reference and the case reference. With
    `summary.identity` (the record channels' copy), page 1 and the foot of every page also give
    the NHS number (or that none was given) and the date of birth. Photos go in
    unchanged when the pack fits and they are clean, upright JPEGs no larger than 2400 px;
    otherwise they are re-encoded at the largest step of `LADDER` that fits.
    Raises ValueError when a photo cannot be read, or when even the last step (800 px) does not
    fit limit_bytes.
    """
    workers = max(1, min(len(photos), os.cpu_count() or 1, 4))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        sources = list(pool.map(_decode, photos))
        encoded: dict[int, list[bytes]] = {}

        def jpegs_at(step: int) -> list[bytes]:
            """The photos encoded at one step of the ladder (each step encoded once)."""
            if step not in encoded:
                side, quality = LADDER[step]
                encode = partial(_encode, side=side, quality=quality, first=step == 0)
                encoded[step] = list(pool.map(encode, sources))
            return encoded[step]

        overhead = TEXT_OVERHEAD + sum(IMAGE_OVERHEAD + len(s.icc or b"") for s in sources)

        def fits(step: int) -> bool:
            """Whether the pack, at this step, should fit (as far as we know its text's size)."""
            return overhead + sum(map(len, jpegs_at(step))) <= limit_bytes

        step = 0 if fits(0) else _first(range(1, len(LADDER)), fits)
        while step < len(LADDER):
            jpegs = jpegs_at(step)
            if fits(step):
                pdf = _render(summary, photos, jpegs, [_size(jpeg) for jpeg in jpegs])
                if len(pdf) <= limit_bytes:
                    return pdf
                overhead = len(pdf) - sum(map(len, jpegs))  # the text took more than guessed
            step += 1
        smallest = overhead + sum(map(len, jpegs_at(len(LADDER) - 1)))
    raise ValueError(f"the referral pack cannot fit in {limit_bytes:,} bytes: it needs about "
                     f"{smallest:,} bytes even with photos at {LADDER[-1][0]} px")
