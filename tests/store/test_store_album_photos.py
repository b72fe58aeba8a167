"""Photos that came in an album (`album_photos`, migration 0021, hazard log H45): the patient's
choice of the locator swaps the rows with their checks, once, and what is noted goes with the
case's photos however it is erased."""

from __future__ import annotations

import json

import pytest

from bot.content import text
from bot.inbox.digest import quality_flags
from bot.services import erasure
from bot.store import Store
from bot.store.models import Case, Outgoing, Stage
from tests.auxil.store import opened_case


async def three_from_an_album(store: Store, *, retakes: bool = False) -> Case:
    """A case at the review whose 3 accepted photos came in an album (the locator after a
    refused try, with `retakes`)."""
    case = await opened_case(store)
    for stage in (Stage.CONSENT, Stage.SCREENING, Stage.PREPARATION, Stage.LOCATOR):
        case = await store.cases.move(case, stage)
    if retakes:
        await store.photos.add(case.id, "locator", store.files.write(b"refused"),
                               source="photo", verdict="retake", status="rejected",
                               quality='{"problems": ["sharpness"]}', in_album=True)
    for number, shot in enumerate(("locator", "close_up_1", "close_up_2")):
        await store.photos.add(case.id, shot, store.files.write(f"photo {number}".encode()),
                               source="photo", verdict="accept", status="accepted",
                               quality=json.dumps({"n": number}), in_album=True)
    current = await store.cases.get(case.id)
    assert current is not None
    return current


async def test_choosing_photo_3_swaps_it_with_photo_1_keeping_each_photo_s_checks(
    store: Store
) -> None:
    case = await three_from_an_album(store, retakes=True)
    before = await store.photos.accepted(case.id)
    assert await store.photos.unordered(case.id)
    assert await store.photos.choose_locator(case.id, "close_up_2")
    after = await store.photos.accepted(case.id)
    assert after["locator"].id == before["close_up_2"].id
    assert after["close_up_2"].id == before["locator"].id
    assert after["close_up_1"].id == before["close_up_1"].id
    assert json.loads(after["locator"].quality) == {"n": 2}
    refused = [p for p in await store.photos.for_case(case.id) if p.status == "rejected"]
    assert [(p.shot, p.attempt) for p in refused] == [("close_up_2", 1)], "its tries go too"
    assert after["close_up_2"].attempt == 2
    assert not await store.photos.unordered(case.id)
    assert not await store.photos.choose_locator(case.id, "close_up_1"), "answered once"
    assert (await store.photos.accepted(case.id))["locator"].id == before["close_up_2"].id
    events = [json.loads(e.detail) for e in await store.audit.for_case(case.id)
              if e.kind == "photos.locator_chosen"]
    assert events == [{"chosen": "close_up_2", "reordered": True}]


async def test_the_gp_reads_each_photo_s_retakes_under_its_new_label(store: Store) -> None:
    """The tries are on the audit trail under the shot they were taken for, and the GP's
    notes match them to photos by shot and attempt: after the swap, the locator retaken for
    blur and now labelled close-up 2 must still say so, and the photo from the album now
    labelled locator must not carry a retake it never had."""
    case = await opened_case(store)
    for stage in (Stage.CONSENT, Stage.SCREENING, Stage.PREPARATION, Stage.LOCATOR):
        case = await store.cases.move(case, stage)
    blurred = json.dumps({"checks": [{"name": "sharpness", "status": "fail"}]})
    for shot, status, quality in (("locator", "rejected", blurred),  # the album's first...
                                  ("close_up_1", "accepted", "{}"),
                                  ("close_up_2", "accepted", "{}")):
        await store.photos.add(case.id, shot, store.files.write(shot.encode()), source="photo",
                               verdict="accept" if status == "accepted" else "retake",
                               status=status, quality=quality, in_album=True)
    await store.photos.add(case.id, "locator", store.files.write(b"again"), source="photo",
                           verdict="accept", status="accepted", in_album=True)  # ...again
    assert quality_flags(await store.photos.for_case(case.id),
                         await store.audit.for_case(case.id)) == (
        text("inbox.gp.flag_line", shot=text("inbox.gp.caption_locator"),
             notes=text("inbox.gp.flag_retake_one", count=1,
                        reasons=text("inbox.gp.problem_sharpness"))),), "before the swap"
    assert await store.photos.choose_locator(case.id, "close_up_2")

    flags = quality_flags(await store.photos.for_case(case.id),
                          await store.audit.for_case(case.id))
    assert flags == (text("inbox.gp.flag_line", shot=text("inbox.gp.caption_close_up_2"),
                          notes=text("inbox.gp.flag_retake_one", count=1,
                                     reasons=text("inbox.gp.problem_sharpness"))),)


async def test_close_ups_sent_together_after_a_locator_sent_alone_are_not_asked_about(
    store: Store
) -> None:
    """Only the locator's label matters clinically: close-ups sent as an album after the
    locator was sent alone (or for a GP's "new close-up") keep their order, unasked; a
    "Photo 2" answer can never relabel the locator the patient took as asked."""
    case = await opened_case(store)
    for stage in (Stage.CONSENT, Stage.SCREENING, Stage.PREPARATION, Stage.LOCATOR):
        case = await store.cases.move(case, stage)
    await store.photos.add(case.id, "locator", store.files.write(b"alone"), source="photo",
                           verdict="accept", status="accepted")
    for shot in ("close_up_1", "close_up_2"):
        await store.photos.add(case.id, shot, store.files.write(shot.encode()),
                               source="photo", verdict="accept", status="accepted",
                               in_album=True)
    assert not await store.photos.unordered(case.id)
    assert not await store.photos.choose_locator(case.id, "close_up_1")
    assert (await store.photos.accepted(case.id))["locator"].file_name == (
        await store.photos.for_case(case.id))[0].file_name


async def test_photos_sent_one_at_a_time_are_not_asked_about(store: Store) -> None:
    case = await opened_case(store)
    for stage in (Stage.CONSENT, Stage.SCREENING, Stage.PREPARATION, Stage.LOCATOR):
        case = await store.cases.move(case, stage)
    await store.photos.add(case.id, "locator", store.files.write(b"alone"), source="photo",
                           verdict="accept", status="accepted")
    assert not await store.photos.unordered(case.id)
    assert not await store.photos.choose_locator(case.id, "close_up_1")


async def album_rows(store: Store) -> int:
    async with store.db.reading() as conn:
        cursor = await conn.execute("SELECT COUNT(*) FROM album_photos")
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("how", ["patient", "retention", "practice"])
async def test_what_is_noted_goes_with_the_case_however_it_is_erased(
    store: Store, how: str
) -> None:
    case = await three_from_an_album(store)
    assert await album_rows(store) == 3
    if how == "practice":
        await store.cases.stop_by_practice(case, actor="member:1", tell=Outgoing(
            5, "patient.text", {"text": "stopped"}, "stopped"))
    else:
        await erasure.erase(store, case, Stage.ERASED, actor=how, reason="test")
    assert await album_rows(store) == 0
