"""A case reaches only the people and chats it belongs to (issue 12, items 7-11, 13-15, 18).

Each test runs the real bot Application against the Bot API emulator, as a practice, its GPs,
its staff, a patient and people who should see nothing would use Telegram.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.formatting import render
from bot.emulator.readback import ChatView
from bot.emulator.users import TelegramUser
from bot.inbox.defuse import WORD_JOINER
from bot.services.attempts import LIMIT
from bot.store.models import Case, Role, Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    details_and_review,
    first_line,
    send_three,
    taken_again,
    tap,
    to_consent,
    to_photos,
    words,
)
from tests.auxil.e2e.practice import (
    LINK,
    Team,
    make_team,
    mirrored,
    new_member,
    second_gp,
    submit,
)

App = Application[Any, Any, Any, Any, Any, Any]


def shown(key: str, **values: object) -> str:
    """Content words as the reader sees them (HTML tags parsed away)."""
    return render(text(key, **values), "HTML")[0]


async def answer_to(view: ChatView, before: int) -> str:
    """The text of the next answer to a tapped button in this chat."""
    await view.wait_until(lambda: len(view.callback_answers) > before, timeout=10)
    return str(view.callback_answers[-1].get("text") or "")


async def case_of(app: App, patient: TelegramUser) -> Case:
    """The patient's latest case, as stored now."""
    case = await services_of(app).store.cases.current_for_patient(patient.id)
    assert case is not None
    return case


def case_content(view: ChatView, reference: str) -> list[str]:
    """What this chat holds about the case: documents, or any text naming it."""
    return [m.kind for m in view.all_messages
            if m.kind == "document" or reference in (m.text or "")]


async def test_case_content_goes_only_to_a_private_chat_or_the_practice_inbox_group(
    app: App, emu: Emulator
) -> None:
    """Item 7: /inbox and "Open" in a family group show nothing; in private they work."""
    team = await make_team(app, emu)
    patient = await submit(app, emu, team)
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    case = await case_of(app, patient)
    family = emu.group("Family chat")

    await family.member(team.gp).send_command("/inbox")
    assert (await family.next_message()).text == shown("inbox.gp.private_only")
    await family.member(team.staff).send_command("/inbox")
    assert (await family.next_message()).text == shown("inbox.gp.private_only")

    old_open = services_of(app).signer.sign(family.chat_id, "open", case.id)  # an old list
    await family.member(team.gp).tap_callback(1, old_open)
    assert await answer_to(family, 0) == text("inbox.gp.private_only")
    await emu.wait_until_idle()
    assert case_content(family, case.reference) == [], "nothing about the case in the group"
    events = await services_of(app).store.audit.for_case(case.id)
    assert not [e for e in events if e.kind == "case.stage" and "decided" in e.detail]

    before = len(team.gp.all_messages)
    await team.gp.send_command("/inbox")
    listing = await team.gp.wait_for_text(text("inbox.gp.inbox_title"))
    assert case.reference in (listing.text or "")
    await team.gp.tap(text("inbox.gp.open", reference=case.reference))
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    documents = [m for m in team.gp.all_messages[before:] if m.kind == "document"]
    assert len(documents) == 4, "the album and the pack, in the GP's own chat"


async def test_a_practice_inbox_group_can_list_its_cases(app: App, emu: Emulator) -> None:
    """Item 7: the practice's registered inbox group is a place case content may go."""
    store = services_of(app).store
    group = emu.group("Lawson GP inbox")
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236",
                                         inbox_chat_id=group.chat_id)
    gp = emu.user("Gee")
    await store.practices.add_member(practice.id, gp.id, "gp", "Dr Gee")
    await group.member(gp).send_command("/inbox")
    assert (await group.next_message()).text == text("inbox.gp.inbox_empty")


async def test_a_gp_removed_while_delivery_is_retried_never_receives_the_case(
    app: App, emu: Emulator
) -> None:
    """Item 8: the recipient is checked when each message is sent, not only when queued."""
    team = await make_team(app, emu)
    store = services_of(app).store
    other = await second_gp(app, emu, team)
    _, token = await store.invites.create(team.practice.id, "P-300", "1980-02-03",
                                          valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient)  # the patient's own review album has been sent
    documents = len(emu.calls_of("sendDocument"))
    emu.fail_next("sendDocument", 500)  # the GP's first photo fails; the retry comes 2 s later
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    for _ in range(400):  # the emulator records calls without waking waiters: poll
        if len(emu.calls_of("sendDocument")) > documents:
            break
        await asyncio.sleep(0.05)
    assert await store.practices.remove_member(team.practice.id, team.gp.id, actor="test")

    await other.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=30)
    case = await case_of(app, patient)
    alert = await team.staff.wait_for_text(case.reference, timeout=10)
    assert alert.text == text("inbox.staff.redirected_alert", reference=case.reference)
    await emu.wait_until_idle()
    assert case_content(team.gp, case.reference) == [], "the leaver received nothing"
    assert len([m for m in other.messages if m.kind == "document"]) == 4
    failed = [i for i in await store.outbox.for_case(case.id) if i.chat_id == team.gp.id]
    assert len(failed) == 3 and all(i.failed_at and not i.sent_at for i in failed)


async def test_decision_buttons_from_an_earlier_submission_are_refused(
    app: App, emu: Emulator
) -> None:
    """Item 9: a Refer button made for submission 1 cannot refer submission 2 unseen."""
    team = await make_team(app, emu)
    patient = await submit(app, emu, team)
    first = await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    old_refer = first.callback_data[text("inbox.gp.refer")]
    await team.gp.tap(text("inbox.gp.ask_photos"))
    question = await team.gp.wait_for_text(text("inbox.gp.which_photos"), timeout=10)
    await team.gp.tap("☐ " + text("inbox.gp.caption_close_up_2"))
    await team.gp.wait_until(lambda: any("☑ " + text("inbox.gp.caption_close_up_2") in b
                                         for r in question.buttons for b in r))
    await team.gp.tap(text("inbox.gp.next"))
    await team.gp.wait_for_text(text("inbox.gp.why_photos",
                                     shots=text("inbox.gp.caption_close_up_2")), timeout=10)
    await team.gp.tap(text("inbox.gp.reason_blurred"))
    await patient.wait_for_text(taken_again("close_up_2"), timeout=10)
    await patient.send_document(mirrored("close-up-good-2.jpg"), "new.jpg", "image/jpeg")
    await patient.wait_for_text(first_line("journey.review.summary"), timeout=15)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    second = await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)

    answers = len(team.gp.callback_answers)
    await team.gp.tap_callback(first.message_id, old_refer)
    assert await answer_to(team.gp, answers) == text("inbox.gp.stale_submission")
    case = await case_of(app, patient)
    assert case.stage is Stage.SUBMITTED and case.submissions == 2
    await team.gp.tap_callback(second.message_id,
                               second.callback_data[text("inbox.gp.refer")])
    await team.gp.wait_for_text(text("inbox.gp.refer_confirm", reference=case.reference,
                                     days=3).split("\n")[0], timeout=10)
    await team.gp.tap(text("inbox.gp.refer_yes"))
    await team.gp.wait_for_text(words("inbox.gp.decided_refer"), timeout=10)
    assert (await case_of(app, patient)).decision == "referred"


async def invite_listed(team: Team, reference: str) -> tuple[str, Any]:
    """Staff invite a patient and open /invites: the link and the listing message."""
    await team.staff.send_command("/invite", f"{reference} 03/02/1980")
    made = await team.staff.wait_for_text(words("inbox.staff.invite_made"))
    await team.staff.wait_for(lambda m: m.kind == "photo")
    link = LINK.search(made.text or "")
    assert link is not None
    await team.staff.send_command("/invites")
    listing = await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))
    return link.group(2), listing


async def test_an_old_new_link_button_cannot_undo_a_revoke(app: App, emu: Emulator) -> None:
    """Item 9: "New link" made before a /revoke is refused; the link stays cancelled."""
    team = await make_team(app, emu)
    token, listing = await invite_listed(team, "K-1")
    old_new_link = listing.callback_data[text("inbox.staff.resend", patient_ref="K-1")]
    await team.staff.send_command("/revoke", "K-1")
    assert (await team.staff.next_message()).text == shown("inbox.staff.revoked",
                                                          patient_ref="K-1")
    answers = len(team.staff.callback_answers)
    await team.staff.tap_callback(listing.message_id, old_new_link)
    assert await answer_to(team.staff, answers) == text("inbox.staff.invite_revoked",
                                                         patient_ref="K-1"), "says it was cancelled"
    await team.staff.wait_until(lambda: listing.buttons == [], timeout=10)
    await emu.wait_until_idle()
    assert not any(words("inbox.staff.invite_made") in (m.text or "")
                   for m in team.staff.messages[-3:])
    patient = emu.user("Vic")
    await patient.open_deep_link(token)
    assert first_line("journey.invite.revoked") in ((await patient.next_message()).text or "")


async def test_cancelling_a_link_from_invites_takes_its_buttons_off_that_list(
    app: App, emu: Emulator
) -> None:
    """A link cancelled with its "Cancel link" button leaves the /invites message it was
    tapped in without that link's buttons (the list is drawn again); the other link's buttons
    stay and still act."""
    team = await make_team(app, emu)
    store = services_of(app).store
    await store.invites.create(team.practice.id, "K-5", "1980-02-03", valid_days=7)
    _, listing = await invite_listed(team, "K-6")
    assert text("inbox.staff.revoke", patient_ref="K-5") in listing.callback_data
    await team.staff.tap_callback(listing.message_id, listing.callback_data[
        text("inbox.staff.revoke", patient_ref="K-5")])
    await team.staff.wait_for_text(shown("inbox.staff.revoked", patient_ref="K-5"), timeout=10)
    await team.staff.wait_until(
        lambda: text("inbox.staff.revoke", patient_ref="K-5") not in listing.callback_data,
        timeout=10)
    assert text("inbox.staff.resend", patient_ref="K-5") not in listing.callback_data
    assert text("inbox.staff.revoke", patient_ref="K-6") in listing.callback_data
    assert "K-5" in (listing.text or ""), "still listed, as cancelled"
    await team.staff.tap_callback(listing.message_id, listing.callback_data[
        text("inbox.staff.revoke", patient_ref="K-6")])
    await team.staff.wait_for_text(shown("inbox.staff.revoked", patient_ref="K-6"), timeout=10)
    await team.staff.wait_until(lambda: not listing.callback_data, timeout=10)


async def test_an_old_cancel_button_on_an_opened_link_offers_to_stop_the_case(
    app: App, emu: Emulator
) -> None:
    """Items 9 and 10: "Cancel link" after the link was opened says so, and staff can stop
    the request; the holder is told kindly and the stop is audited."""
    team = await make_team(app, emu)
    token, listing = await invite_listed(team, "K-2")
    old_cancel = listing.callback_data[text("inbox.staff.revoke", patient_ref="K-2")]
    holder = emu.user("Wrong person")
    await to_consent(holder, token)

    answers = len(team.staff.callback_answers)
    await team.staff.tap_callback(listing.message_id, old_cancel)
    assert await answer_to(team.staff, answers) == text("inbox.staff.invite_changed")
    offer = await team.staff.wait_for_text(shown("inbox.staff.stop_confirm",
                                                 patient_ref="K-2")[:40])
    assert not any(m.text == text("inbox.staff.revoked", patient_ref="K-2")
                   for m in team.staff.messages)
    await team.staff.tap(text("inbox.staff.stop_button", patient_ref="K-2"))
    done = await team.staff.wait_for_text("K-2", timeout=10)
    assert done.text == shown("inbox.staff.stop_done", patient_ref="K-2")
    assert offer.buttons == []

    told = await holder.wait_for_text(words("inbox.patient.stopped_by_practice"), timeout=10)
    practice = team.practice
    assert told.text == text("inbox.patient.stopped_by_practice", practice=practice.name,
                             phone=practice.phone)
    case = await case_of(app, holder)
    assert case.stage is Stage.STOPPED
    await holder.send_text("hello, can I carry on?")
    ended = await holder.wait_for(lambda m: practice.phone in (m.text or ""), timeout=10)
    assert ended.text == text("journey.stop.ended", practice=practice.name,
                              phone=practice.phone)
    assert (await case_of(app, holder)).stage is Stage.STOPPED, "the holder cannot carry on"
    events = await services_of(app).store.audit.for_case(case.id)
    stopped = [e for e in events if e.kind == "case.stopped_by_practice"]
    staff_member = await services_of(app).store.practices.memberships(team.staff.id)
    assert [e.actor for e in stopped] == [f"member:{staff_member[0].id}"]


async def test_stopping_a_submitted_case_takes_it_back_from_the_gp(
    app: App, emu: Emulator
) -> None:
    """Item 10: /stop on a case already with the GP removes it from the GP chat; its buttons
    no longer decide anything."""
    team = await make_team(app, emu)
    patient = await submit(app, emu, team)
    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    received = [m for m in team.gp.all_messages if m.kind == "document" or m.buttons]

    await team.staff.send_command("/stop", "P-300")
    await team.staff.wait_for_text(shown("inbox.staff.stop_confirm", patient_ref="P-300")[:40])
    await team.staff.tap(text("inbox.staff.stop_button", patient_ref="P-300"))
    await team.staff.wait_for_text(shown("inbox.staff.stop_done", patient_ref="P-300"))
    case = await case_of(app, patient)
    note = await team.gp.wait_for_text(case.reference, timeout=20)
    assert note.text == text("inbox.gp.retracted", reference=case.reference,
                             why=text("inbox.gp.stopped_by_practice"))
    assert all(m.deleted for m in received)
    await patient.wait_for_text(words("inbox.patient.stopped_by_practice"), timeout=10)
    answers = len(team.gp.callback_answers)
    await team.gp.tap_callback(summary.message_id, summary.callback_data[text("inbox.gp.refer")])
    await answer_to(team.gp, answers)
    await emu.wait_until_idle()
    assert (await case_of(app, patient)).stage is Stage.STOPPED
    referred = (words("inbox.patient.referred"), words("inbox.patient.referral_sent"))
    assert not any(told in (m.text or "") for m in patient.messages for told in referred)

    await team.staff.send_command("/stop", "P-300")
    assert (await team.staff.next_message()).text == shown("inbox.staff.stop_none",
                                                          patient_ref="P-300")


async def test_a_practice_manager_sees_references_but_no_photos_and_cannot_decide(
    app: App, emu: Emulator
) -> None:
    """Item 11: an `admin` member (the practice manager) runs invites, not clinical work."""
    team = await make_team(app, emu)
    store = services_of(app).store
    manager = emu.user("Ann")
    await store.practices.add_member(team.practice.id, manager.id, "admin", "Ann Admin")
    patient = await submit(app, emu, team)
    await team.gp.wait_for_text(first_line("inbox.gp.pack_caption"), timeout=20)
    case = await case_of(app, patient)

    await manager.send_command("/inbox")
    listing = await manager.wait_for_text(text("inbox.gp.inbox_title"))
    assert case.reference in (listing.text or "") and listing.buttons == []
    signer = services_of(app).signer
    for data in (signer.sign(manager.id, "open", case.id),
                 signer.sign(manager.id, "refer", case.id, f"s{case.submissions}")):
        answers = len(manager.callback_answers)
        await manager.tap_callback(listing.message_id, data)
        assert await answer_to(manager, answers) == text("inbox.gp.refused")
    await emu.wait_until_idle()
    assert not [m for m in manager.all_messages if m.kind == "document"]
    assert (await case_of(app, patient)).stage is Stage.SUBMITTED
    await manager.send_command("/invite", "M-1 03/02/1980")
    await manager.wait_for_text(words("inbox.staff.invite_made"))


async def test_a_long_revoke_or_stop_argument_gets_the_usage_not_an_error(
    app: App, emu: Emulator
) -> None:
    """Item 13: a reference of thousands of characters is not echoed back."""
    team = await make_team(app, emu)
    long_reference = "X" * 5000
    await team.staff.send_command("/revoke", long_reference)
    assert (await team.staff.next_message()).text == shown("inbox.staff.revoke_usage")
    await team.staff.send_command("/stop", long_reference)
    assert (await team.staff.next_message()).text == shown("inbox.staff.stop_usage")


async def test_links_mentions_and_commands_a_patient_types_are_inert_for_the_gp(
    app: App, emu: Emulator
) -> None:
    """Item 14: no preview card and nothing tappable from the patient's words."""
    team = await make_team(app, emu)
    _, token = await services_of(app).store.invites.create(
        team.practice.id, "P-301", "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    patient = emu.user("Ada")
    where = "arm, see https://evil.example/x and www.bad.example or @mallory_bot"
    tried = "cream, then /delete #help"  # an email address is refused (bot/domain/personal.py)
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient, where=where, tried=tried)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))

    summary = await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    readable = (summary.text or "").replace(WORD_JOINER, "")
    assert where in readable and tried in readable, "the GP reads the words as typed"
    assert summary.entities_of("url", "text_link", "mention", "bot_command", "hashtag",
                               "email") == []
    assert not summary.link_preview
    await team.staff.send_command("/invite", "P-302 03/02/1980")
    made = await team.staff.wait_for_text(words("inbox.staff.invite_made"))
    assert made.entities_of("url") and not made.link_preview
    assert summary.entities_of("bold"), "the bot's own formatting is kept"


async def test_the_gp_who_loses_a_decision_race_is_told_what_happened_in_gp_words(
    app: App, emu: Emulator
) -> None:
    """Item 15: two GPs tap Refer at once; the second is told "referred", not patient words."""
    store = services_of(app).store
    group = emu.group("Lawson GP inbox")
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236",
                                         inbox_chat_id=group.chat_id)
    first, second = emu.user("Gee"), emu.user("Two")
    for person, name in ((first, "Dr Gee"), (second, "Dr Two")):
        await store.practices.add_member(practice.id, person.id, "gp", name)
    _, token = await store.invites.create(practice.id, "G-1", "1980-02-03", valid_days=7)
    patient = emu.user("Ada")
    await to_photos(patient, token)
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    summary = await group.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    refer = summary.callback_data[text("inbox.gp.refer")]

    await asyncio.gather(group.member(first).tap_callback(summary.message_id, refer),
                         group.member(second).tap_callback(summary.message_id, refer))
    yes = text("inbox.gp.refer_yes")  # each is asked to confirm, then both say yes at once

    def confirmations() -> list[Any]:
        return [m for m in group.all_messages if any(yes in row for row in m.buttons)]

    await group.wait_until(lambda: len(confirmations()) == 2, timeout=10)
    await asyncio.gather(*(group.member(gp).tap_callback(m.message_id, m.callback_data[yes])
                           for gp, m in zip((first, second), confirmations(), strict=True)))
    case = await case_of(app, patient)
    lost = text("inbox.gp.already", reference=case.reference,
                state=text("inbox.gp.state_referred"))

    def said() -> list[str]:  # the winner's and the loser's messages, in either order
        return [m.text or "" for m in group.all_messages]

    await group.wait_until(lambda: any(words("inbox.gp.decided_refer") in t for t in said()),
                           timeout=10)
    await group.wait_until(lambda: lost in said(), timeout=10)
    await patient.wait_for_text(words("inbox.patient.referred"), timeout=10)
    await emu.wait_until_idle()
    told = [m for m in patient.messages if words("inbox.patient.referred") in (m.text or "")]
    assert len(told) == 1, "the patient is told once"


@pytest.mark.parametrize("what", ["invite link", "join code"])
async def test_wrong_links_and_codes_are_counted_slowed_and_audited_without_them(
    app: App, emu: Emulator, caplog: pytest.LogCaptureFixture, what: str
) -> None:
    """Item 18: after LIMIT wrong tries an account waits, even with a right one; each try is
    audited with the account hashed and nothing of what was typed."""
    caplog.set_level(logging.INFO)
    store = services_of(app).store
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
    guesser = emu.user("Mallory")
    wrong = [f"guess{n}-AAAAAAAAAAAAAAAAAAAAAAAAAAAA" for n in range(LIMIT)]
    if what == "invite link":
        _, right = await store.invites.create(practice.id, "P-1", "1980-02-03", valid_days=7)
        for guess in wrong:
            await guesser.open_deep_link(guess)
            assert (await guesser.next_message()).text == text("journey.invite.unknown")
        await guesser.open_deep_link(right)
        paused = (await guesser.next_message()).text or ""
        assert paused == text("journey.invite.too_many_tries", minutes=15)
        assert await store.cases.current_for_patient(guesser.id) is None
    else:
        admin = await store.practices.add_member(practice.id, 1, "admin", "Ann")
        right = await store.practices.create_join_code(practice.id, "gp", "Dr M",
                                                       created_by=admin.id)
        for guess in wrong:
            await guesser.send_command("/join", guess)
            assert (await guesser.next_message()).text == shown("inbox.staff.join_bad")
        await guesser.send_command("/join", right)
        paused = (await guesser.next_message()).text or ""
        assert paused == shown("inbox.staff.join_too_many_tries", minutes=15)
        assert await store.practices.memberships(guesser.id) == []

    async with store.db.reading() as conn:
        cursor = await conn.execute("SELECT actor, kind, detail FROM events "
                                    "WHERE kind LIKE 'access.%' ORDER BY id")
        events = [tuple(row) for row in await cursor.fetchall()]
    kind = "access.wrong_invite" if what == "invite link" else "access.wrong_join_code"
    assert [e[1] for e in events] == [kind] * LIMIT + ["access.throttled"]
    assert [json.loads(e[2]).get("count") for e in events[:LIMIT]] == list(range(1, LIMIT + 1))
    assert all(e[0].startswith("stranger:") and str(guesser.id) not in e[0] for e in events)
    everything = json.dumps(events) + caplog.text
    assert not any(secret in everything for secret in [*wrong, right])


async def test_help_is_headed_and_listed_for_each_role(app: App, emu: Emulator) -> None:
    """A GP's /help says GP commands, reception's and a manager's their own (only a manager's
    lists /addmember); a patient gets the patient's help."""
    store = services_of(app).store
    practice = await store.practices.add("The Lawson Practice", "020 7729 7236")
    people: tuple[tuple[Role, str], ...] = (("gp", "Gee"), ("staff", "Sue"), ("admin", "Max"))
    for role, name in people:
        person = emu.user(name)
        await store.practices.add_member(practice.id, person.id, role, name)
        await person.send_command("/help")
        got = (await person.next_message()).text or ""
        assert got == shown(f"inbox.staff.help_{role}",
                            invite_form=text("inbox.staff.invite_form")), role
        assert ("/addmember" in got) is (role == "admin"), role
    heads = {text(f"inbox.staff.help_{role}").split("\n")[0] for role in ("gp", "staff", "admin")}
    assert len(heads) == 3, "each role has its own heading"
    patient = emu.user("Ada")
    await patient.send_command("/help")
    assert (await patient.next_message()).text == text("messages.help.text")


async def test_the_admins_hear_at_once_who_used_a_join_code_so_a_forwarded_one_is_caught(
    app: App, emu: Emulator
) -> None:
    """An admin's join code for Dr Three was forwarded (or sent to the wrong chat) and someone
    else sent it first: they are a GP now and would get patients' requests, so every admin
    is told at once which Telegram account used it, with its user id to have it removed; the
    new member is not told about themselves (hazard log H07)."""
    team = await make_team(app, emu)
    store = services_of(app).store
    admin, other_admin = emu.user("Ann"), emu.user("Abe")
    await store.practices.add_member(team.practice.id, admin.id, "admin", "Ann Admin")
    await store.practices.add_member(team.practice.id, other_admin.id, "admin", "Abe Admin")
    for person in (admin, other_admin):
        await person.send_command("/help")
        await person.next_message()
    await admin.send_command("/addmember", "gp Dr Three")
    code_message = await admin.next_message()
    code = (code_message.text or "").split("/join ", 1)[1].split()[0]
    stranger = emu.user("Mallory", last_name="Jones", username="mallory_j")
    await stranger.send_command("/join", code)
    await stranger.wait_for_text(first_line("inbox.staff.join_ok").split("{")[0])

    told = text("inbox.staff.member_joined", name="Dr Three", role="gp",
                who="Mallory Jones (@mallory_j)", practice=team.practice.name,
                user_id=stranger.id)
    for person in (admin, other_admin):
        await person.wait_for_text(told, timeout=10)
    await asyncio.sleep(1)
    assert not [m for m in stranger.all_messages if told in (m.text or "")]


async def test_a_member_who_sends_a_join_code_for_another_role_keeps_their_role(
    app: App, emu: Emulator
) -> None:
    """A receptionist saw the admin's join code for a new GP and sent it herself: she stays
    staff (she would otherwise get patients' photos and the GP's decision buttons), is told
    to ask the admin, the admins are told who sent it, and the code is spent, so the admin
    makes a new one (hazard log H07)."""
    team = await make_team(app, emu)
    store = services_of(app).store
    admin = await new_member(app, emu, team, "Ann", "admin", "Ann Admin")
    await admin.send_command("/addmember", "gp Dr Three")
    code = ((await admin.next_message()).text or "").split("/join ", 1)[1].split()[0]

    await team.staff.send_command("/join", code)
    await team.staff.wait_for_text(shown("inbox.staff.join_already_member", role="staff",
                                         practice=team.practice.name))
    held = await store.practices.memberships(team.staff.id)
    assert [(m.practice_id, m.role, m.display_name) for m in held] == [
        (team.practice.id, "staff", "Sue Smith")]
    await admin.wait_for_text(text("inbox.staff.member_join_refused", name="Dr Three",
                                   code_role="gp", who="Sue", role="staff",
                                   practice=team.practice.name, user_id=team.staff.id),
                              timeout=10)

    newcomer = emu.user("Three")
    await newcomer.send_command("/join", code)
    await newcomer.wait_for_text(shown("inbox.staff.join_bad"))
    assert await store.practices.memberships(newcomer.id) == []
