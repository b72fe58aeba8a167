"""Work done once (issue 14, item 5): a submission's summary and referral pack are built once,
read by every delivery (Telegram, "Open", e-mail, MESH, retries), and erased with the case."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from bot.channels.casefile import case_file
from bot.config import Settings
from bot.delivery.submission import pack_of, summary_of
from bot.services import erasure
from bot.services.retention import purge
from bot.store import Store
from bot.store.models import Stage
from tests.auxil.inbox import Setting, submitted_case

LIMIT = 5_000_000


def text_of(pdf: bytes) -> str:
    """Every page's text, flattened."""
    return " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(io.BytesIO(pdf)).pages)


def builds(caplog: pytest.LogCaptureFixture, what: str) -> int:
    """How many times `what` ("referral pack built", "summary built") was logged."""
    return sum(1 for r in caplog.records if r.name == "bot.delivery" and r.message == what)


async def test_every_delivery_of_a_submission_gets_the_same_pack_built_once(
    store: Store, setting: Setting, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.delivery")
    case = await submitted_case(store, setting)
    first = await pack_of(store, case, LIMIT)  # the GP chat's pack item
    again = await pack_of(store, case, LIMIT)  # its retry, or "Open"
    mailed = await case_file(store, case, case.submissions, LIMIT)  # the e-mail and MESH
    resent = await case_file(store, case, case.submissions, LIMIT)  # a record channel's retry
    assert first.startswith(b"%PDF") and again == first
    assert mailed.pdf.startswith(b"%PDF") and resent.pdf == mailed.pdf
    assert builds(caplog, "referral pack built") == 1
    assert builds(caplog, "record pack built") == 1
    # the record channels' copy names the patient's date of birth; the GP chat's never does
    born = "3 February 1980"
    assert born in text_of(mailed.pdf) and born not in text_of(first)
    assert builds(caplog, "summary built") == 1
    summary = await summary_of(store, case)
    assert summary.summary_html == mailed.digest.summary_html
    assert [shot.label for shot in mailed.digest.photos] == [s.label for s in summary.shots]


async def test_a_new_submission_gets_its_own_pack_and_the_old_one_goes(
    store: Store, setting: Setting, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.delivery")
    case = await submitted_case(store, setting)
    first = await pack_of(store, case, LIMIT)
    case = await store.cases.move(case, Stage.CLOSE_UP_1, actor="gp")
    for stage in (Stage.CLOSE_UP_2, Stage.DETAILS, Stage.REVIEW, Stage.SUBMITTED):
        case = await store.cases.move(case, stage)
    second = await pack_of(store, case, LIMIT)
    assert case.submissions == 2 and second != first
    assert (await summary_of(store, case)).version == 2
    assert builds(caplog, "referral pack built") == 2
    assert await store.submission_files.count(case.id) == 1, "only the current submission's"


def on_disk(settings: Settings) -> bytes:
    """The database file and its write-ahead log, as bytes."""
    wal = settings.database_path.with_name(settings.database_path.name + "-wal")
    return settings.database_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_erasing_the_case_erases_its_summary_and_pack(
    store: Store, setting: Setting, settings: Settings
) -> None:
    case = await submitted_case(store, setting)
    pdf = await pack_of(store, case, LIMIT)
    record = (await case_file(store, case, 1, LIMIT)).pdf  # with NHS number and birth date
    summary = (await summary_of(store, case)).summary_html.split("\n")[0].encode()
    await store.db.checkpoint()
    pieces = [copy[at:at + 12] for copy in (pdf, record)
              for at in range(0, len(copy) - 12, 499)]  # across the pages of both copies
    # Only pieces that could not occur by chance elsewhere (not runs of zeros or spaces).
    pieces = [piece for piece in pieces if len(set(piece)) >= 8]
    kept = on_disk(settings)
    assert sum(piece in kept for piece in pieces) > len(pieces) // 2 and summary in kept
    await erasure.erase(store, case, Stage.ERASED, actor="patient", reason="test")
    assert await store.submission_files.count(case.id) == 0
    left = on_disk(settings)
    assert not [piece for piece in pieces if piece in left] and summary not in left, \
        "overwritten, with no copy left in the write-ahead log"
    erased = await store.cases.get(case.id)
    assert erased is not None
    assert await store.submission_files.keep_summary(case.id, 1, "{}") is False, \
        "nothing is kept for an erased case"


async def test_the_retention_purge_erases_the_summary_and_pack_of_an_old_case(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    await pack_of(store, case, LIMIT)
    outcome = await store.cases.move(case, Stage.DECIDED, actor="gp", decision="refer")
    assert await store.submission_files.count(outcome.id) == 1
    await purge(store, 30, now=datetime.now(UTC) + timedelta(days=31))
    assert await store.submission_files.count(outcome.id) == 0
