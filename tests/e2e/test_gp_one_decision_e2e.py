"""One decision under way on a case at a time, through the real bot: Refer (or Not suitable)
tapped on the summary while the GP is choosing new photos closes the choosing first (its
buttons go, and the button says so), and "Ask for new photos" closes an unanswered
confirmation; the summary's buttons carry it, so it holds after a restart (words by key)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from tests.auxil.e2e.bot_app import BotStarter
from tests.auxil.e2e.patient import first_line
from tests.auxil.e2e.practice import make_team, submit

App = Application[Any, Any, Any, Any, Any, Any]
REFER, ASK = text("inbox.gp.refer"), text("inbox.gp.ask_photos")
NOT_SUITABLE = text("inbox.gp.appointment")
CLOSED = text("inbox.gp.under_way_closed")


async def summary_of(gp: TelegramUser) -> SentMessage:
    """The case's summary, once it has the GP's choices."""
    await gp.wait_until(lambda: any([REFER] in m.buttons for m in gp.messages), timeout=20)
    return gp.find_button(REFER)[0]


async def choosing(gp: TelegramUser, summary: SentMessage) -> SentMessage:
    """Tap "Ask for new photos": the question of which photos, once the summary names it."""
    before = summary.callback_data[REFER]
    await gp.tap(ASK)
    which = await gp.wait_for_text(text("inbox.gp.which_photos"), timeout=10)
    await gp.wait_until(lambda: summary.callback_data[REFER] != before, timeout=10)
    return which


def live(gp: TelegramUser) -> list[int]:
    """The GP's messages that still have buttons."""
    return [m.message_id for m in gp.messages if m.buttons]


async def tap_noted(gp: TelegramUser, label: str) -> str | None:
    """Tap the button and return what the bot said on it."""
    answers = len(gp.callback_answers)
    await gp.tap(label)
    await gp.wait_until(lambda: len(gp.callback_answers) > answers, timeout=10)
    note: str | None = gp.callback_answers[answers].get("text")
    return note


async def test_refer_while_choosing_new_photos_closes_the_choosing_first(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    await submit(app, emu, team)
    gp = team.gp
    summary = await summary_of(gp)
    which = await choosing(gp, summary)
    assert sorted(live(gp)) == sorted([summary.message_id, which.message_id])

    named = summary.callback_data[REFER]
    assert await tap_noted(gp, REFER) == CLOSED
    confirm = await gp.wait_for_text(first_line("inbox.gp.refer_confirm"), timeout=10)
    await gp.wait_until(lambda: which.buttons == [], timeout=10)
    await gp.wait_until(lambda: summary.callback_data[REFER] != named, timeout=10)
    assert text("inbox.gp.which_photos") in (which.text or ""), "the words stay"
    assert sorted(live(gp)) == sorted([summary.message_id, confirm.message_id]), (
        "one decision under way, beside the summary")

    again = await choosing(gp, summary)  # the other way round: the confirmation closes
    await gp.wait_until(lambda: confirm.buttons == [], timeout=10)
    assert sorted(live(gp)) == sorted([summary.message_id, again.message_id])
    assert await tap_noted(gp, NOT_SUITABLE) == CLOSED
    await gp.wait_until(lambda: again.buttons == [], timeout=10)
    assert live(gp) == [summary.message_id], "Not suitable's reasons are on the summary"


async def test_after_a_restart_refer_still_closes_the_choosing_first(
    start_bot: BotStarter, emu: Emulator
) -> None:
    async with start_bot() as app:
        team = await make_team(app, emu)
        await submit(app, emu, team)
        gp = team.gp
        summary = await summary_of(gp)
        which = await choosing(gp, summary)
        await emu.wait_until_idle()
    async with start_bot():
        assert await tap_noted(gp, REFER) == CLOSED
        await gp.wait_for_text(first_line("inbox.gp.refer_confirm"), timeout=10)
        await gp.wait_until(lambda: which.buttons == [], timeout=10)
        assert len(live(gp)) == 2
