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
from bot.emulator.users import TelegramUser
from bot.handlers.group_rights import RIGHTS_CHECK_EVERY
from bot.store.models import Case, Practice
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
