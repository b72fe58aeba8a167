"""An inbox group whose settings stop the bot posting is noticed at the first case refused
there, and found again when the settings are put right, through the real bot, the emulator
and a restart (hazard log H49).

Telegram tells the bot nothing when an admin changes what every member of a group may send.
A practice inbox group set to let members send text but no files (a case's photos and pack go
as files) used to be found only by each case failing there, one alert per case, and a group
lost so and then put right in its settings never came back by itself. Every expected text is
read from bot/content by key.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import Group, TelegramUser
from bot.handlers.group_rights import RIGHTS_CHECK_EVERY
from bot.store.models import Case, Practice, Stage
from tests.auxil.e2e.bot_app import BotStarter, services_of
from tests.auxil.e2e.patient import first_line, words
from tests.auxil.e2e.practice import (
    case_of,
    files_of,
    group_practice_with_gp,
    invited,
    sent_from_link,
    summaries_of,
    until_lost,
)

App = Application[Any, Any, Any, Any, Any, Any]
TEXT_ONLY = {"can_send_messages": True, "can_send_photos": True}
"""A group's permissions for members that let them send text and photos, but no files."""
FILES_TOO = {**TEXT_ONLY, "can_send_documents": True}
"""The same with files allowed again."""


async def new_case(app: App, emu: Emulator, practice: Practice, ref: str, name: str) -> Case:
    """A patient invited by the practice (no GP chosen: the inbox group gets it) sends their
    photos; their submitted case."""
    return await case_of(app, await sent_from_link(emu, await invited(app, practice, ref), name))


async def all_tried(app: App, *cases: Case) -> None:
    """Wait until every outbox item of these cases was sent or given up."""
    outbox = services_of(app).store.outbox
    for _ in range(200):
        items = [item for case in cases for item in await outbox.for_case(case.id)]
        if all(item.sent_at or item.failed_at for item in items):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the outbox never emptied")


async def cases_went_to_the_gp(app: App, gp: TelegramUser, *cases: Case) -> None:
    """Each case reached Dr Gee's own chat whole: its summary, three photos and pack."""
    for case in cases:
        await gp.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)
        await gp.wait_until(lambda case=case: len(files_of(gp, case)) == 4, timeout=20)
    await all_tried(app, *cases)


async def test_an_inbox_group_whose_settings_stop_files_sends_its_cases_to_the_gps_at_once(
    app: App, emu: Emulator
) -> None:
    """A case is waiting in the inbox group when an admin sets the group so that members
    may send text but no files; Telegram tells the bot nothing. The next case's photos are
    refused there: at once both cases go whole to Dr Gee's own chat, and Rita is told once
    what happened, which case was waiting and what to change, with no alert per case."""
    practice, group, gp, rita = await group_practice_with_gp(app, emu)
    waiting = await new_case(app, emu, practice, "S-1", "Ada")
    await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)

    group.set_permissions(emu.user("Ann Admin"), **TEXT_ONLY)
    refused = await new_case(app, emu, practice, "S-2", "Bea")
    await cases_went_to_the_gp(app, gp, waiting, refused)
    told = await rita.wait_for_text(words("inbox.staff.inbox_group_restricted"), timeout=20)
    assert told.text == text("inbox.staff.inbox_group_restricted", waiting=text(
        "inbox.staff.inbox_group_removed_sent", references=waiting.reference))
    assert rita.messages[-1] is told, "one alert: none for each case"
    assert not summaries_of(group, refused), "nothing of the refused case shown in the group"

    later = await new_case(app, emu, practice, "S-3", "Cy")
    await cases_went_to_the_gp(app, gp, later)
    assert not any(later.reference in str(params) for method, params in emu.calls
                   if params.get("chat_id") == str(group.chat_id)), "not tried in the group"
    assert rita.messages[-1] is told


async def test_an_inbox_group_whose_settings_are_put_right_is_found_at_the_next_check(
    start_bot: BotStarter, emu: Emulator
) -> None:
    """The inbox group's settings stop files and a case goes to Dr Gee instead. After a
    restart, the admin lets members send files again; Telegram tells the bot nothing, but the
    bot's check every few minutes asks: Rita is told the bot may post in the group again, and
    new cases go there, not to Dr Gee."""
    async with start_bot() as first:
        practice, group, gp, rita = await group_practice_with_gp(first, emu)
        admin = emu.user("Ann Admin")
        group.set_permissions(admin, **TEXT_ONLY)
        refused = await new_case(first, emu, practice, "F-1", "Ada")
        await cases_went_to_the_gp(first, gp, refused)
        await rita.wait_for_text(words("inbox.staff.inbox_group_restricted"), timeout=20)

    async with start_bot() as second:
        assert second.job_queue is not None
        (job,) = second.job_queue.get_jobs_by_name("inbox group rights")
        assert job.job.trigger.interval == timedelta(seconds=RIGHTS_CHECK_EVERY) \
            <= timedelta(minutes=5)
        await job.run(second)
        await until_lost(second, group.chat_id, lost=True)
        assert text("inbox.staff.inbox_group_allowed") not in [m.text for m in rita.messages]

        group.set_permissions(admin, **FILES_TOO)
        await job.run(second)
        await rita.wait_for_text(text("inbox.staff.inbox_group_allowed"), timeout=20)
        await until_lost(second, group.chat_id, lost=False)
        later = await new_case(second, emu, practice, "F-2", "Bea")
        await group.wait_for_text(first_line("inbox.gp.summary") + later.reference, timeout=20)
        await group.wait_until(lambda: len(files_of(group, later)) == 4, timeout=20)
        assert not summaries_of(gp, later), "the group's case is not sent to the GP's own chat"


def shown_of(group: Group, case: Case) -> list[SentMessage]:
    """The messages about this case still shown in the group (deleted ones left out)."""
    return [m for m in group.messages
            if case.reference in (m.text or "") + (m.filename or "") + (m.caption or "")]


async def test_a_case_half_posted_when_the_group_stops_files_is_taken_back_from_the_group(
    app: App, emu: Emulator
) -> None:
    """The bot posts a case's three photos and its summary in the inbox group, then the
    group's settings stop files and its referral pack is refused. The case goes whole to Dr
    Gee's own chat and Rita is told once; the photos and the summary with its decision
    buttons are taken out of the group, so no GP there sees half a case they could decide."""
    practice, group, gp, rita = await group_practice_with_gp(app, emu)
    emu.delay_next("sendDocument", 0, times=3)  # its three photos go...
    emu.fail_next("sendDocument", 400, chat_id=group.chat_id,  # ...then its pack is refused
                  description="Bad Request: not enough rights to send documents to the chat")
    case = await new_case(app, emu, practice, "H-1", "Ada")
    await cases_went_to_the_gp(app, gp, case)
    await rita.wait_for_text(words("inbox.staff.inbox_group_restricted"), timeout=20)
    assert summaries_of(group, case) and len(files_of(group, case)) == 3, \
        "the summary and the photos had reached the group"
    await group.wait_until(lambda: not shown_of(group, case), timeout=20)
    assert not [m for m in group.messages if m.buttons], "no decision button left there"
    assert not await services_of(app).store.outbox.parts_in(case.id, group.chat_id)
    await gp.tap(text("inbox.gp.refer"))
    await gp.wait_for_text(first_line("inbox.gp.refer_confirm"), timeout=10)


async def test_a_decision_button_tapped_in_a_group_the_bot_lost_is_answered_and_changes_nothing(
    app: App, emu: Emulator
) -> None:
    """A case waits in the inbox group when its settings stop files; the next case is refused
    there and both go to Dr Gee's own chat. Dr Gee then taps Refer on the older summary still
    in the group: a pop-up says kindly why nothing happens there and where to decide, nothing
    is posted in the group and the case still waits, with its buttons in Dr Gee's own chat.
    The same when the bot is then restricted from sending anything there."""
    practice, group, gp, _ = await group_practice_with_gp(app, emu)
    waiting = await new_case(app, emu, practice, "L-1", "Ada")
    await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    admin = emu.user("Ann Admin")
    group.set_permissions(admin, **TEXT_ONLY)
    refused = await new_case(app, emu, practice, "L-2", "Bea")
    await cases_went_to_the_gp(app, gp, waiting, refused)
    in_group = group.member(gp)
    said = text("inbox.gp.group_lost_button")
    for attempt in (1, 2):
        before = len(group.all_messages)
        await in_group.tap(text("inbox.gp.refer"))
        await group.wait_until(lambda attempt=attempt: len(
            [a for a in group.callback_answers if a["text"] == said and a["show_alert"]])
            == attempt, timeout=10)
        await emu.wait_until_idle()
        assert len(group.all_messages) == before, "nothing posted in the group"
        now = await services_of(app).store.cases.get(waiting.id)
        assert now is not None and now.stage is Stage.SUBMITTED, "the case still waits"
        assert any(text("inbox.gp.refer") in row for m in gp.messages
                   if waiting.reference in (m.text or "") for row in m.buttons)
        group.restrict_bot(admin)  # then it may not send anything there
        await until_lost(app, group.chat_id, lost=True)
