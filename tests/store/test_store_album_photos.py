"""Photos that came in an album (`album_photos`, migration 0021, hazard log H45): the patient's
choice of the locator swaps the rows with their checks, once, and what is noted goes with the
case's photos however it is erased."""

from __future__ import annotations

import json

import pytest

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
