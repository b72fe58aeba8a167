"""Which request a photo goes to when more than one could take it: the patient's choice, once
(through the journey service, with the real store and files)."""

from __future__ import annotations

import json

from bot.content import text
from bot.inbox.alerts import stop_alerts
from bot.inbox.digest import build_summary
from bot.inbox.routing import submission_messages
from bot.journey.replies import Reply
from bot.journey.service import Journey
from bot.store import Store
from bot.store.models import Case, Stage
from tests.auxil.fake_quality import ScriptedChecker
from tests.auxil.journey import (
    USER,
    InviteMaker,
    buttons,
    photos_then_send,
    send,
    to_photos,
    words,
)


async def at_photos(journey: Journey, invite: InviteMaker, store: Store,
                    site: str = "arm") -> Case:
    """A new request of the patient's own, at photo 1, with the rash at this site."""
    await to_photos(journey, invite, text(f"journey.screening.site.{site}"))
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.LOCATOR
    return case


async def kept(store: Store, case: Case) -> list[str]:
    return [p.shot for p in await store.photos.for_case(case.id) if p.status == "accepted"]


async def test_a_photo_two_requests_could_take_goes_only_where_the_patient_taps_once(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    first = await at_photos(journey, invite, store)
    second = await at_photos(journey, invite, store, "leg")
    asked = await send(journey, b"locator")
    assert words(asked) == text("journey.cases.which_photo")
    assert await kept(store, first) == [] and await kept(store, second) == []
    choice = buttons(asked)
    for_first = next(label for label, data in choice.items() if f"|{first.id}." in data)
    for_second = next(label for label, data in choice.items() if f"|{second.id}." in data)
    assert for_first != for_second, "the two requests can be told apart"

    answer = await journey.tapped(USER, choice[for_first])
    assert answer.chosen == for_first
    assert text("journey.photos.accepted", number=1) in words(answer.replies)
    assert await kept(store, first) == ["locator"]

    again = await journey.tapped(USER, choice[for_second])  # the other button, tapped after
    assert again.note == text("journey.input.done_button") and again.replies == []
    assert await kept(store, second) == [], "the photo is not filed twice"
    now = await store.cases.current_for_patient(USER)
    assert now is not None and now.id == first.id, "the one chosen is the current one"


async def test_a_choice_the_bot_no_longer_holds_asks_for_the_photo_again(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await at_photos(journey, invite, store)
    await at_photos(journey, invite, store)
    asked = await send(journey, b"locator")
    data = next(iter(buttons(asked).values()))
    stale = data.rsplit(".", 1)[0] + ".00000000"  # as after a restart: another token
    answer = await journey.tapped(USER, stale)
    assert words(answer.replies) == text("journey.cases.photo_gone")


async def held_in_chat(journey: Journey, message_id: int) -> list[Reply]:
    """A photo sent as message `message_id` of the patient's chat, held by the journey."""

    async def fetch() -> bytes:
        return b"locator"

    async def checking() -> None:
        return None

    return await journey.photo(USER, fetch, source="photo", size=7, forwarded=False,
                               on_checking=checking, on_held=lambda: None,
                               in_chat=(USER, message_id))


async def test_a_choice_for_a_photo_no_longer_held_deletes_its_message_but_not_one_held_now(
    journey: Journey, invite: InviteMaker, store: Store, checker: ScriptedChecker
) -> None:
    """A hold the bot forgot (it keeps holds in memory; a restart with no start-up sweep
    here): the old question asks for the photo again and queues deleting its message from the
    chat, silently; a photo held now, under a newer question, stays held and in the chat."""
    first = await at_photos(journey, invite, store)
    second = await at_photos(journey, invite, store, "leg")
    old = buttons(await held_in_chat(journey, 501))
    assert sorted(await store.outbox.chat_photos(first.id)) == [(USER, 501)]
    forgot = Journey(store, checker, retention_days=30, invite_valid_days=7,
                     max_file_bytes=20 * 1024 * 1024, deliveries=submission_messages,
                     stop_alerts=stop_alerts)
    newer = buttons(await held_in_chat(forgot, 502))

    answer = await forgot.tapped(USER, next(d for d in old.values() if f"|{first.id}." in d))
    assert words(answer.replies) == text("journey.cases.photo_gone")
    deletions = [item for item in await store.outbox.due()
                 if item.kind == "patient.photos_erased"]
    assert [(item.chat_id, json.loads(item.payload)) for item in deletions] == [
        (USER, {"messages": "501"})]
    for case in (first, second):
        assert await store.outbox.chat_photos(case.id) == [(USER, 502)], "held now: kept"
    filed = await forgot.tapped(USER, next(d for d in newer.values()
                                           if f"|{second.id}." in d))
    assert text("journey.photos.accepted", number=1) in words(filed.replies)
    assert await kept(store, second) == ["locator"] and await kept(store, first) == []


async def test_a_file_that_is_not_a_photo_at_a_photo_step_is_a_retake_the_gp_reads(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    """A letter sent as a file at photo 1, then the photos: the GP's summary says photo 1
    took one retake, a file that is not a picture (not "not a photo", which a GP read as a
    photo that failed its checks). Which kind of file it was is not known (a letter, a video,
    a voice note all end here), so the words name none."""
    said = text("inbox.gp.refused_not_an_image").casefold()
    assert "file" in said
    assert not [kind for kind in ("pdf", "document", "letter", "video", "voice") if kind in said]
    await to_photos(journey, invite)
    assert text("journey.input.document") in words(await journey.other(USER, "document"))
    await photos_then_send(journey)
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.SUBMITTED
    summary = await build_summary(store, case)
    assert summary.flags == (text(
        "inbox.gp.flag_line", shot=text("inbox.gp.caption_locator"),
        notes=text("inbox.gp.flag_retake_one", reasons=text("inbox.gp.refused_not_an_image"))),)
