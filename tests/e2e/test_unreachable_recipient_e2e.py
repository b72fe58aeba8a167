"""Cases waiting in a chat the bot can no longer post in are sent on at once, through the real
bot, the emulator and a restart (hazard log H51, H52).

A GP who blocks the bot, and a practice inbox group the bot is taken out of, used to keep the
cases already there, waiting for a decision nobody could make, and every new case still went
to them and failed. Telegram tells the bot of both (`my_chat_member`): the GP's cases now go
to the practice's other GPs, the group's to its GPs' own chats, staff are told, and it lasts
across a restart until the GP unblocks the bot or the bot is added back. Every expected text
is read from bot/content by key.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.__main__ import main
from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import Group
from bot.store.models import Case, Practice
from tests.auxil.e2e.bot_app import BotStarter, as_operator, services_of
from tests.auxil.e2e.patient import first_line, words
from tests.auxil.e2e.practice import (
    case_of,
    files_of,
    group_practice_with_gp,
    invited,
    make_team,
    refer,
    second_gp,
    sent_from_link,
    submit,
    summaries_of,
    until_lost,
)

App = Application[Any, Any, Any, Any, Any, Any]


def tried_in(emu: Emulator, chat_id: int, case: Case) -> bool:
    """Whether the bot called Telegram for this chat with anything naming the case (a
    summary, a caption), refused or not."""
    return any(params.get("chat_id") == str(chat_id)
               and case.reference in str(params.get("text", "")) + str(params.get("caption", ""))
               for _, params in emu.calls)


async def test_a_gp_who_blocks_the_bot_has_their_cases_sent_to_the_other_gp_until_unblocked(
    start_bot: BotStarter, emu: Emulator
) -> None:
    """Dr Gee blocks the bot with a case waiting for them: it goes at once to Dr Two, who can
    refer it, and staff are told. After a restart, a new case meant for Dr Gee still goes to
    Dr Two; once Dr Gee unblocks the bot, new cases reach them again."""
    async with start_bot() as first:
        team = await make_team(first, emu)
        other = await second_gp(first, emu, team)
        waiting = await case_of(first, await submit(first, emu, team, "Ada"))
        await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
        assert not summaries_of(other, waiting), "sent to Dr Gee only, chosen at the invite"

        team.gp.block_bot()
        await other.wait_for_text(first_line("inbox.gp.summary") + waiting.reference, timeout=20)
        await other.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
        await team.staff.wait_for_text(text("inbox.staff.redirected_alert",
                                            reference=waiting.reference), timeout=10)
        await refer(other)
        await other.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)
        decided = await services_of(first).store.cases.get(waiting.id)
        assert decided is not None and decided.decision == "referred"

    async with start_bot() as second:
        meanwhile = await case_of(second, await submit(second, emu, team, "Bea"))
        await other.wait_for_text(first_line("inbox.gp.summary") + meanwhile.reference,
                                  timeout=20)
        await other.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
        assert not tried_in(emu, team.gp.id, meanwhile), \
            "nothing of the new case is tried in the blocked chat"

        team.gp.unblock_bot()
        await until_lost(second, team.gp.id, lost=False)
        later = await case_of(second, await submit(second, emu, team, "Cy"))
        await team.gp.wait_for_text(first_line("inbox.gp.summary") + later.reference, timeout=20)
        await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
        assert not summaries_of(other, later), "Dr Gee's own case is theirs again"


async def test_staff_hear_at_once_when_the_only_gp_blocks_the_bot_with_a_case_waiting(
    app: App, emu: Emulator
) -> None:
    """With no other GP or inbox to send it to, the case stays with Dr Gee, but staff are
    told now that the GP blocked the bot, not days later by the waiting alert."""
    team = await make_team(app, emu)
    waiting = await case_of(app, await submit(app, emu, team))
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)

    team.gp.block_bot()
    alert = await team.staff.wait_for_text(waiting.reference, timeout=20)
    assert alert.text == text("inbox.staff.blocked_alert", reference=waiting.reference,
                              who=text("inbox.staff.who_gp"))


async def next_case_in_group(app: App, emu: Emulator, practice: Practice, group: Group,
                             ref: str) -> Case:
    """Once the bot may post in the inbox group again: a new patient's case (invite `ref`)
    goes to the group."""
    await until_lost(app, group.chat_id, lost=False)
    later = await case_of(app, await sent_from_link(
        emu, await invited(app, practice, ref), "Cy"))
    await group.wait_for_text(first_line("inbox.gp.summary") + later.reference, timeout=20)
    return later


async def test_cases_of_an_inbox_group_the_bot_was_removed_from_go_to_the_gps_until_it_is_back(
    start_bot: BotStarter, emu: Emulator
) -> None:
    """The bot is taken out of the inbox group with a case waiting there: the case goes at
    once to Dr Gee's own chat, where they can refer it, and Rita is told where it went and
    that new cases go there too. After a restart a new case goes to Dr Gee's chat, not to
    the group; once the bot is added back, Rita is told and new cases go to the group."""
    async with start_bot() as first:
        practice, group, gp, rita = await group_practice_with_gp(first, emu)
        waiting = await case_of(first, await sent_from_link(
            emu, await invited(first, practice, "U-1"), "Ada"))
        await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)

        group.remove_bot(gp)
        await gp.wait_for_text(first_line("inbox.gp.summary") + waiting.reference, timeout=20)
        await gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
        told = await rita.wait_for_text(words("inbox.staff.inbox_group_removed"), timeout=20)
        assert told.text == text("inbox.staff.inbox_group_removed", waiting=text(
            "inbox.staff.inbox_group_removed_sent", references=waiting.reference))
        await refer(gp)
        await gp.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)

    async with start_bot() as second:
        meanwhile = await case_of(second, await sent_from_link(
            emu, await invited(second, practice, "U-2"), "Bea"))
        await gp.wait_for_text(first_line("inbox.gp.summary") + meanwhile.reference, timeout=20)
        await gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
        assert not tried_in(emu, group.chat_id, meanwhile), \
            "nothing of the new case is tried in the group the bot is not in"

        group.add_bot(gp)
        await rita.wait_for_text(text("inbox.staff.inbox_group_back"), timeout=20)
        later = await next_case_in_group(second, emu, practice, group, "U-3")
        await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
        assert not summaries_of(gp, later), "the group's case is not sent to the GP's own chat"


async def test_the_operator_moving_the_inbox_after_the_bot_was_removed_sends_new_cases_there(
    app: App, emu: Emulator, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    """The practice makes a new inbox group rather than adding the bot back; the operator
    points the practice at it (`python -m bot practice inbox`): the next case goes to the
    new group, no longer to the GP's own chat."""
    practice, group, gp, _ = await group_practice_with_gp(app, emu)
    group.remove_bot(gp)
    await until_lost(app, group.chat_id)
    new = emu.group("Lawson GP inbox 2")
    as_operator(monkeypatch, emu, data_dir)
    assert await asyncio.to_thread(main, ["practice", "inbox", "--practice", str(practice.id),
                                          f"--inbox-chat-id={new.chat_id}"]) == 0

    later = await case_of(app, await sent_from_link(emu, await invited(app, practice, "U-4")))
    await new.wait_for_text(first_line("inbox.gp.summary") + later.reference, timeout=20)
    await new.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    assert not summaries_of(gp, later)


@pytest.mark.parametrize("allowed", [{}, {"can_send_messages": True, "can_send_photos": True}],
                         ids=["nothing", "text-but-no-files"])
async def test_a_bot_restricted_in_the_inbox_group_sends_its_cases_to_the_gps_until_allowed(
    app: App, emu: Emulator, allowed: dict[str, bool]
) -> None:
    """An admin of the inbox group stops the bot sending there: messages at all, or files
    only (a case's pack and photos go as files, H49). A restriction, not a removal: Telegram
    still shows it in the group (H55). The case waiting there goes at once to Dr Gee's own
    chat and Rita is told what to do; a new case goes whole to Dr Gee, nothing of it tried in
    the group; once the bot may send again, Rita is told and new cases go to the group."""
    practice, group, gp, rita = await group_practice_with_gp(app, emu)
    admin = emu.user("Ann Admin")
    waiting = await case_of(app, await sent_from_link(
        emu, await invited(app, practice, "R-1"), "Ada"))
    await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)

    group.restrict_bot(admin, **allowed)
    await gp.wait_for_text(first_line("inbox.gp.summary") + waiting.reference, timeout=20)
    told = await rita.wait_for_text(words("inbox.staff.inbox_group_restricted"), timeout=20)
    assert told.text == text("inbox.staff.inbox_group_restricted", waiting=text(
        "inbox.staff.inbox_group_removed_sent", references=waiting.reference))
    meanwhile = await case_of(app, await sent_from_link(
        emu, await invited(app, practice, "R-2"), "Bea"))
    await gp.wait_for_text(first_line("inbox.gp.summary") + meanwhile.reference, timeout=20)
    await gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    assert not tried_in(emu, group.chat_id, meanwhile), "nothing tried where it cannot go whole"

    group.unrestrict_bot(admin)
    await rita.wait_for_text(text("inbox.staff.inbox_group_allowed"), timeout=20)
    later = await next_case_in_group(app, emu, practice, group, "R-3")
    assert not summaries_of(gp, later), "the group's case is not sent to the GP's own chat"


async def test_an_inbox_group_whose_members_may_not_send_files_holds_no_case_for_a_member_bot(
    app: App, emu: Emulator
) -> None:
    """The group lets its members send text only; the bot, an admin, is not bound by that
    and gets a case there. Made an ordinary member, it can no longer post a case (H49): the
    case goes to Dr Gee and Rita is told what to change. Removed and added back as a member,
    Rita is told again that it cannot post there, and new cases still go to Dr Gee; made an
    admin again, Rita is told and new cases go to the group."""
    practice, group, gp, rita = await group_practice_with_gp(app, emu)
    admin = emu.user("Ann Admin")
    group.promote_bot(admin)
    group.set_permissions(admin, can_send_messages=True, can_send_photos=True)
    waiting = await case_of(app, await sent_from_link(
        emu, await invited(app, practice, "P-1"), "Ada"))
    await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)

    group.demote_bot(admin)
    await gp.wait_for_text(first_line("inbox.gp.summary") + waiting.reference, timeout=20)
    restricted = text("inbox.staff.inbox_group_restricted", waiting=text(
        "inbox.staff.inbox_group_removed_sent", references=waiting.reference))
    await rita.wait_for_text(restricted, timeout=20)

    group.remove_bot(admin)
    group.add_bot(admin)
    await rita.wait_for_text(restricted, timeout=20)
    meanwhile = await case_of(app, await sent_from_link(
        emu, await invited(app, practice, "P-2"), "Bea"))
    await gp.wait_for_text(first_line("inbox.gp.summary") + meanwhile.reference, timeout=20)
    await gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    assert not tried_in(emu, group.chat_id, meanwhile), "nothing tried where it cannot go whole"
    assert text("inbox.staff.inbox_group_back") not in [m.text for m in rita.all_messages]

    group.promote_bot(admin)
    await rita.wait_for_text(text("inbox.staff.inbox_group_allowed"), timeout=20)
    later = await next_case_in_group(app, emu, practice, group, "P-3")
    await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    assert not summaries_of(gp, later), "the group's case is not sent to the GP's own chat"


async def test_a_case_sent_to_the_gp_while_the_group_was_lost_is_decided_only_there(
    app: App, emu: Emulator
) -> None:
    """A case waiting in the inbox group goes to Dr Gee's own chat when the bot is removed
    (H52). When the bot is added back, the case stays with Dr Gee (H63): its summary in the
    group loses its buttons and says where it is, the group is told which case that is, and
    Dr Gee refers it from their own chat. A case that came in while the bot was out of the
    group, and whose pack is still on its way to Dr Gee when the bot is back (Telegram asked
    the bot to wait), is not named and not split: its pack follows it to Dr Gee, and nothing
    of it goes to the group."""
    practice, group, gp, rita = await group_practice_with_gp(app, emu)
    waiting = await case_of(app, await sent_from_link(
        emu, await invited(app, practice, "M-1"), "Ada"))
    await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    (in_group,) = [m for m in group.all_messages if m.text in summaries_of(group, waiting)]
    assert in_group.callback_data, "decided in the group until the bot is removed"

    group.remove_bot(gp)
    await gp.wait_for_text(first_line("inbox.gp.summary") + waiting.reference, timeout=20)
    await gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    meanwhile = await case_of(app, await sent_from_link(
        emu, await invited(app, practice, "M-2"), "Bea"))
    await gp.wait_until(lambda: len(files_of(gp, meanwhile)) == 3, timeout=20)
    emu.fail_next("sendDocument", 429, retry_after=3, chat_id=gp.id)  # the pack, next
    await gp.wait_for_text(first_line("inbox.gp.summary") + meanwhile.reference, timeout=20)

    group.add_bot(gp)
    await rita.wait_for_text(text("inbox.staff.inbox_group_back"), timeout=20)
    await group.wait_for_text(text("inbox.gp.group_back_moved", references=waiting.reference),
                              timeout=20)
    moved = text("inbox.gp.moved_to_gps", reference=waiting.reference)
    await emu.world.wait_until(lambda: in_group.text == moved, 20)
    assert not in_group.callback_data, "no button left on the case in the group"
    await gp.wait_until(lambda: len(files_of(gp, meanwhile)) == 4, timeout=20)
    await emu.wait_until_idle()
    assert not tried_in(emu, group.chat_id, meanwhile), "the case on its way is not split"
    assert not [m for m in group.all_messages if m.callback_data and (
        waiting.reference in (m.text or "") or meanwhile.reference in (m.text or ""))]

    (with_gp,) = [m for m in gp.all_messages if m.text in summaries_of(gp, waiting)]
    await gp.tap_callback(with_gp.message_id, with_gp.callback_data[text("inbox.gp.refer")])
    yes = text("inbox.gp.refer_yes")
    await gp.wait_until(lambda: any(yes in row for m in gp.all_messages for row in m.buttons),
                        timeout=10)
    await gp.tap(yes)
    await gp.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)
    decided = await services_of(app).store.cases.get(waiting.id)
    assert decided is not None and decided.decision == "referred"


async def test_staff_are_told_once_when_a_gp_with_no_case_waiting_blocks_the_bot(
    app: App, emu: Emulator
) -> None:
    """Dr Gee blocks the bot with nothing waiting for them: staff hear it once, so they know
    new cases go to Dr Two until Dr Gee unblocks it (H51)."""
    team = await make_team(app, emu)
    await second_gp(app, emu, team)
    team.gp.block_bot()
    told = text("inbox.staff.gp_blocked_idle", gp=team.gp_member.display_name)
    await team.staff.wait_for_text(told, timeout=20)
    team.gp.unblock_bot()
    await until_lost(app, team.gp.id, lost=False)
    await emu.wait_until_idle()
    assert [m.text for m in team.staff.all_messages if m.text == told] == [told], "once"


async def test_staff_hear_new_cases_reach_no_gp_when_the_only_gp_blocks_the_bot(
    app: App, emu: Emulator
) -> None:
    """Dr Gee, the only GP, with no inbox group, blocks the bot with nothing waiting: staff
    hear at once that new cases cannot reach a GP, before a patient sends one (H51)."""
    team = await make_team(app, emu)
    team.gp.block_bot()
    await team.staff.wait_for_text(
        text("inbox.staff.gp_blocked_idle_nobody", gp=team.gp_member.display_name), timeout=20)
