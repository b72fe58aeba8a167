""""Open" in a GP's /inbox goes through the outbox like every delivery (issue 14, item 4).

The real bot Application against the Bot API emulator: a GP opens a waiting case from /inbox
and gets it once, however often the button is tapped; a practice whose Telegram is
"notification only" gets, on "Open" too, only the notice with the decision buttons.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.store.practices import DeliveryChannels
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.practice import CAPTIONS, all_sent, is_photo, make_team, second_gp, submit

App = Application[Any, Any, Any, Any, Any, Any]
TRIED = "E45 cream"
"""What the patient typed as tried (auxil `details_and_review`): in the summary."""


def after(person: TelegramUser, before: int) -> list[SentMessage]:
    """What the bot sent this person since `before` messages."""
    return person.all_messages[before:]


async def open_from_inbox(person: TelegramUser, reference: str, taps: int = 1) -> None:
    """/inbox, then tap "Open" on the case (several times in a row for a double tap)."""
    await person.send_command("/inbox")
    listing = await person.wait_for_text(text("inbox.gp.inbox_title"))
    assert reference in (listing.text or "")
    button = listing.callback_data[text("inbox.gp.open", reference=reference)]
    for _ in range(taps):
        await person.tap_callback(listing.message_id, button)


async def test_open_delivers_the_case_once_however_often_it_is_tapped(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    patient = await submit(app, emu, team)
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    await all_sent(app, case)
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
