"""A practice inbox group upgraded to a supergroup still gets its cases, through the real bot
and the emulator (wrong-chat and unreached-outcome audit, audit31; hazard log H39).

Telegram makes a new group as a basic group and upgrades it to a supergroup, with a new chat
id, when an admin makes the history visible to new members or it grows past 200 members. The
old id is refused from then on (400 with `migrate_to_chat_id`). The bot hears of the upgrade
from two service messages, or, if it was down then, from Telegram's refusal. Every expected
text is read from bot/content by key.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.models import SentMessage
from bot.emulator.users import Group, TelegramUser
from bot.store.models import Practice
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import first_line, words
from tests.auxil.e2e.practice import invited, sent_from_link

App = Application[Any, Any, Any, Any, Any, Any]


async def basic_group_practice(app: App, emu: Emulator
                               ) -> tuple[Practice, Group, TelegramUser, TelegramUser]:
    """The Lawson Practice whose cases go to its inbox group, a basic group as Telegram first
    makes one, with Dr Gee (GP, working in the group) and Rita (staff, in her own chat)."""
    store = services_of(app).store
    group = emu.group("Lawson GP inbox", basic=True)
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236",
                                         inbox_chat_id=group.chat_id)
    gp, rita = emu.user("Gee"), emu.user("Rita")
    await store.practices.add_member(practice.id, gp.id, "gp", "Dr Gee")
    await store.practices.add_member(practice.id, rita.id, "staff", "Rita")
    group.member(gp)
    await rita.send_command("/help")
    await rita.next_message()
    return practice, group, gp, rita


async def refer_in(group: Group, gp: TelegramUser, summary: SentMessage) -> None:
    """The GP taps Refer on the summary in the group, then "Yes, refer"; the decision is
    confirmed in the group."""
    in_group = group.member(gp)
    await in_group.tap_callback(summary.message_id, summary.callback_data[text("inbox.gp.refer")])
    confirm = await group.wait_for(
        lambda m: text("inbox.gp.refer_yes") in m.callback_data, timeout=10)
    await in_group.tap_callback(confirm.message_id,
                                confirm.callback_data[text("inbox.gp.refer_yes")])
    await group.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)


async def test_a_case_sent_after_the_inbox_group_was_upgraded_reaches_the_supergroup(
    app: App, emu: Emulator
) -> None:
    """The upgrade's service messages move the practice's inbox to the supergroup: the next
    case arrives there, photos and all, and the GP can refer it there."""
    store = services_of(app).store
    practice, group, gp, _ = await basic_group_practice(app, emu)
    supergroup = emu.upgrade_group(group, gp)
    await emu.wait_until_idle()
    patient = await sent_from_link(emu, await invited(app, practice, "U-1"))
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    summary = await supergroup.wait_for_text(first_line("inbox.gp.summary") + case.reference,
                                             timeout=20)
    await supergroup.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    assert [m for m in supergroup.messages if m.kind == "document"], "photos and pack"
    moved = await store.practices.get(practice.id)
    assert moved is not None and moved.inbox_chat_id == supergroup.chat_id
    await refer_in(supergroup, gp, summary)
    assert (await store.cases.get(case.id)).decision == "referred"  # type: ignore[union-attr]


async def test_a_case_waiting_for_a_gp_when_the_group_is_upgraded_is_sent_to_the_supergroup(
    app: App, emu: Emulator
) -> None:
    """A case delivered to the basic group and not yet decided has its buttons in a chat the
    bot can no longer answer in: it is sent again to the supergroup, where the GP can decide
    it, and staff are told it went there."""
    store = services_of(app).store
    practice, group, gp, rita = await basic_group_practice(app, emu)
    patient = await sent_from_link(emu, await invited(app, practice, "U-2"))
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    supergroup = emu.upgrade_group(group, gp)
    summary = await supergroup.wait_for_text(first_line("inbox.gp.summary") + case.reference,
                                             timeout=20)
    await rita.wait_for_text(text("inbox.staff.redirected_alert", reference=case.reference),
                             timeout=10)
    await refer_in(supergroup, gp, summary)
    assert (await store.cases.get(case.id)).decision == "referred"  # type: ignore[union-attr]


async def test_an_upgrade_the_bot_missed_is_learnt_from_telegrams_refusal(
    app: App, emu: Emulator
) -> None:
    """The bot was away when the group was upgraded (no service message): Telegram's refusal
    of the old id names the new one, and the case goes there at once, not after hours of
    retries into a chat that no longer exists."""
    store = services_of(app).store
    practice, group, gp, _ = await basic_group_practice(app, emu)
    supergroup = emu.upgrade_group(group, gp, tell_bot=False)
    patient = await sent_from_link(emu, await invited(app, practice, "U-3"))
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    summary = await supergroup.wait_for_text(first_line("inbox.gp.summary") + case.reference,
                                             timeout=20)
    await supergroup.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    moved = await store.practices.get(practice.id)
    assert moved is not None and moved.inbox_chat_id == supergroup.chat_id
    await refer_in(supergroup, gp, summary)


async def test_staff_are_told_at_once_when_the_bot_is_removed_from_the_inbox_group(
    app: App, emu: Emulator
) -> None:
    """Someone tidying the group removes the bot: the case waiting there can no longer be
    decided there (the bot cannot answer in the group). Staff hear at once, with the case's
    reference, that it was sent to the GPs' own chats and what to do, not only when the next
    case fails (hazard log H41, H52). Dr Gee works in the group and never opened the bot:
    staff are asked to have them open it, and the case reaches them the moment they do."""
    store = services_of(app).store
    practice, group, gp, rita = await basic_group_practice(app, emu)
    patient = await sent_from_link(emu, await invited(app, practice, "U-4"))
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None
    await group.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)

    group.remove_bot(gp)
    waiting = text("inbox.staff.inbox_group_removed_sent", references=case.reference)
    told = await rita.wait_for_text(words("inbox.staff.inbox_group_removed"), timeout=20)
    assert told.text == text("inbox.staff.inbox_group_removed", waiting=waiting)
    await rita.wait_for_text(words("inbox.staff.not_started_alert"), timeout=20)

    await gp.send_command("/help")
    summary = await gp.wait_for_text(first_line("inbox.gp.summary") + case.reference, timeout=20)
    assert text("inbox.gp.refer") in summary.callback_data
