""""Open" in a GP's /inbox goes through the outbox like every delivery (issue 14, item 4).

The real bot Application against the Bot API emulator: a GP opens a waiting case from /inbox
and gets it once, however often the button is tapped; a practice whose Telegram is
"notification only" gets, on "Open" too, only the notice with the decision buttons. "Open"
on an old list gives the case as it is now: while new photos are awaited, a note saying so;
after they are sent, the new version (never a replaced photo's file); a photo file gone
fails that delivery at once, with a staff alert, instead of retrying it.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.services.delivery import MISSING_FILE
from bot.store.models import Case
from bot.store.practices import DeliveryChannels
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.practice import (
    CAPTIONS,
    Team,
    all_sent,
    ask_new_photos,
    is_photo,
    make_team,
    retake,
    second_gp,
    send_again,
    submit,
)

App = Application[Any, Any, Any, Any, Any, Any]
TRIED = "E45 cream"
"""What the patient typed as tried (auxil `details_and_review`): in the summary."""


def after(person: TelegramUser, before: int) -> list[SentMessage]:
    """What the bot sent this person since `before` messages."""
    return person.all_messages[before:]


async def inbox_list(person: TelegramUser, reference: str) -> SentMessage:
    """/inbox: the list, which shows the case."""
    await person.send_command("/inbox")
    listing = await person.wait_for_text(text("inbox.gp.inbox_title"))
    assert reference in (listing.text or "")
    return listing


async def tap_open(person: TelegramUser, listing: SentMessage, reference: str,
                   taps: int = 1) -> None:
    """Tap "Open" on the case in this /inbox list (several times in a row for a double tap)."""
    button = listing.callback_data[text("inbox.gp.open", reference=reference)]
    for _ in range(taps):
        await person.tap_callback(listing.message_id, button)


async def open_from_inbox(person: TelegramUser, reference: str, taps: int = 1) -> None:
    """/inbox, then tap "Open" on the case (several times in a row for a double tap)."""
    await tap_open(person, await inbox_list(person, reference), reference, taps)


async def nothing_failed(app: App, case: Case) -> None:
    """Every outbox item of the case was sent, none failed or was retried."""
    await all_sent(app, case)
    items = await services_of(app).store.outbox.for_case(case.id)
    assert [(i.kind, i.last_error) for i in items if i.failed_at or i.last_error] == []


async def delivered(app: App, emu: Emulator) -> tuple[Team, TelegramUser, Case]:
    """The team's patient sent their photos and every part reached Dr Gee: the team, the
    patient and the case."""
    team = await make_team(app, emu)
    patient = await submit(app, emu, team)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    await all_sent(app, case)
    return team, patient, case


async def test_open_delivers_the_case_once_however_often_it_is_tapped(
    app: App, emu: Emulator
) -> None:
    team, _, case = await delivered(app, emu)
    before = len(team.gp.all_messages)

    await open_from_inbox(team.gp, case.reference, taps=2)  # a double tap
    await team.gp.wait_until(lambda: sum(m.kind == "document" for m in after(team.gp, before))
                             >= 4, timeout=20)
    await all_sent(app, case)
    await emu.wait_until_idle()
    got = after(team.gp, before)
    assert [m.text for m in got if is_photo(m)] == CAPTIONS
    assert sum(m.kind == "document" and not is_photo(m) for m in got) == 1, "one pack"
    summaries = [m for m in got if text("inbox.gp.refer") in m.callback_data]
    assert len(summaries) == 1, "one summary with the decision buttons"
    assert TRIED in (summaries[0].text or ""), "the summary holds the patient's answers"

    await open_from_inbox(team.gp, case.reference)  # a fresh list opens it again
    await team.gp.wait_until(lambda: sum(is_photo(m) for m in after(team.gp, before)) >= 6,
                             timeout=20)


async def test_open_gives_a_notification_only_practice_only_the_notice(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    other = await second_gp(app, emu, team)
    await store.practices.set_channels(
        team.practice.id, DeliveryChannels(("telegram", "email"), True, "lawson@nhs.test"),
        actor="test")
    patient = await submit(app, emu, team)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    await team.gp.wait_for_text(case.reference, timeout=20)

    for gp in (team.gp, other):  # the case's own GP, and another GP of the practice
        before = len(gp.all_messages)
        await open_from_inbox(gp, case.reference)
        notice = await gp.wait_until(
            lambda gp=gp, before=before: [m for m in after(gp, before)
                                          if text("inbox.gp.refer") in m.callback_data],
            timeout=20)
        assert notice
        await emu.wait_until_idle()
        got = after(gp, before)
        assert not [m for m in got if m.kind == "document"], "no photos and no pack"
        assert not [m for m in got if TRIED in (m.text or "")], "none of the patient's answers"
    everything = team.gp.all_messages + other.all_messages
    assert not [m for m in everything if m.kind == "document" or TRIED in (m.text or "")]


async def test_open_on_an_old_list_gives_the_case_as_it_is_now_across_new_photos(
    app: App, emu: Emulator
) -> None:
    team, patient, case = await delivered(app, emu)
    store = services_of(app).store
    ref = case.reference
    lists = [await inbox_list(team.gp, ref) for _ in range(3)]  # all from before new photos
    await ask_new_photos(team.gp, ref, "close_up_1")
    replaced = (await store.photos.accepted(case.id))["close_up_1"].file_name
    before = len(team.gp.all_messages)
    awaiting = text("inbox.gp.open_awaiting", reference=ref)

    await tap_open(team.gp, lists[0], ref)  # before the patient took the new photo
    await team.gp.wait_for_text(awaiting, timeout=20)
    await retake(patient, "close_up_1")
    assert not store.files.path(replaced).exists(), "the replaced photo's file is gone"
    await tap_open(team.gp, lists[1], ref)  # new photo taken, not sent yet
    await team.gp.wait_until(lambda: [m.text for m in after(team.gp, before)].count(awaiting)
                             == 2, timeout=20)
    await nothing_failed(app, case)
    await emu.wait_until_idle()
    assert not [m for m in after(team.gp, before) if m.kind == "document"], (
        "no photo or pack of the earlier set while new photos are awaited")
    assert not [m for m in after(team.gp, before) if text("inbox.gp.refer") in m.callback_data]

    await send_again(patient)
    await tap_open(team.gp, lists[2], ref)  # the new version is in: the oldest list opens it
    await team.gp.wait_until(lambda: sum(is_photo(m) for m in after(team.gp, before)) >= 6,
                             timeout=30)
    await nothing_failed(app, case)
    await emu.wait_until_idle()
    got = after(team.gp, before)
    version_2 = [text("inbox.gp.caption_version_same", shot=CAPTIONS[0], version=2),
                 text("inbox.gp.caption_version_new", shot=CAPTIONS[1], version=2),
                 text("inbox.gp.caption_version_same", shot=CAPTIONS[2], version=2)]
    assert [m.text for m in got if is_photo(m)] == version_2 * 2, "sent, then opened: version 2"
    assert {m.filename for m in got if is_photo(m)} == {
        f"{ref}-{shot}-v2.jpg" for shot in ("locator", "close-up-1", "close-up-2")}
    summaries = [m for m in got if text("inbox.gp.refer") in m.callback_data]
    resubmitted = text("inbox.gp.resubmitted", version=2, shots=CAPTIONS[1])
    assert len(summaries) == 2 and all(
        resubmitted.replace("<b>", "").replace("</b>", "").strip() in (m.text or "")
        for m in summaries), "each summary is version 2's"
    packs = [m.filename for m in got if m.kind == "document" and not is_photo(m)]
    assert packs == [text("inbox.gp.pack_name", reference=ref, version="-v2")] * 2


async def test_a_photo_file_gone_fails_its_delivery_at_once_and_staff_are_alerted(
    app: App, emu: Emulator
) -> None:
    team, _, case = await delivered(app, emu)
    store = services_of(app).store
    store.files.delete((await store.photos.accepted(case.id))["close_up_2"].file_name)

    await open_from_inbox(team.gp, case.reference)
    alert = text("inbox.staff.missing_alert", reference=case.reference,
                 who=text("inbox.staff.who_gp"))
    await team.staff.wait_for_text(alert, timeout=20)
    await team.gp.wait_until(lambda: sum(m.kind == "document" and not is_photo(m)
                                         for m in team.gp.all_messages) == 2, timeout=20)
    opened = [i for i in await store.outbox.for_case(case.id) if ":open:" in i.dedupe_key]
    failed = [(i.kind, i.last_error, i.attempts) for i in opened if i.failed_at]
    assert failed == [("gp.album", MISSING_FILE, 1)], "given up at the first try, not retried"
    await emu.wait_until_idle()
    assert [m.text for m in team.staff.messages].count(alert) == 1, "one alert for the case"


async def test_a_resubmission_marks_the_earlier_copy_another_gp_opened_as_superseded(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    store = services_of(app).store
    other = await second_gp(app, emu, team)
    patient = await submit(app, emu, team)
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    ref = case.reference
    await open_from_inbox(other, ref)  # Dr Two reads the case the patient sent Dr Gee
    await other.wait_until(lambda: sum(is_photo(m) for m in other.messages) == 3, timeout=20)
    summary = await other.wait_for(lambda m: text("inbox.gp.refer") in m.callback_data,
                                   timeout=20)
    await all_sent(app, case)

    await ask_new_photos(team.gp, ref, "close_up_2")
    await retake(patient, "close_up_2")
    await send_again(patient)
    superseded = [text("inbox.gp.superseded_photo", shot=shot, old=1, version=2, reference=ref)
                  for shot in CAPTIONS]
    await other.wait_until(lambda: [m.text for m in other.messages if is_photo(m)]
                           == superseded, timeout=20)
    assert summary.text == text("inbox.gp.superseded_summary", version=2, reference=ref)
    assert summary.callback_data == {}, "its decision buttons are gone"
    pack = next(m for m in other.messages if m.kind == "document" and not is_photo(m))
    assert pack.text == text("inbox.gp.superseded_pack", old=1, version=2, reference=ref)
