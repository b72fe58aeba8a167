"""A member of two practices (a receptionist or locum who works at both) acts on each one's
patients, never on the wrong practice's: /stop and /revoke find the reference in either,
/invites lists each, and /invite asks which practice the invite is for (hazard log H30).

Each test runs the real bot Application against the Bot API emulator.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.formatting import render
from bot.emulator.users import TelegramUser
from bot.store.models import Practice, Stage
from bot.store.practices import DeliveryChannels
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import first_line, to_consent, words
from tests.auxil.e2e.practice import LINK, Team, make_team, submit

App = Application[Any, Any, Any, Any, Any, Any]


def shown(key: str, **values: object) -> str:
    """Content words as the reader sees them (HTML tags parsed away)."""
    return render(text(key, **values), "HTML")[0]


async def admin_of_two(app: App, emu: Emulator) -> tuple[Practice, TelegramUser]:
    """Ann, practice manager (admin) at the Lawson Practice (joined first) and at the Hoxton
    Surgery; returns Hoxton and Ann."""
    team = await make_team(app, emu)
    store = services_of(app).store
    hoxton = await store.practices.add("Hoxton Surgery", "020 7000 0000")
    ann = emu.user("Ann")
    await store.practices.add_member(team.practice.id, ann.id, "admin", "Ann Admin")
    await store.practices.add_member(hoxton.id, ann.id, "admin", "Ann Admin")
    return hoxton, ann


async def second_practice(app: App, team: Team) -> Practice:
    """The Hoxton Surgery, with its own GP, where Sue (staff at Lawson, joined first) also
    works."""
    store = services_of(app).store
    hoxton = await store.practices.add("Hoxton Surgery", "020 7000 0000")
    await store.practices.add_member(hoxton.id, team.staff.id, "staff", "Sue Smith")
    await store.practices.add_member(hoxton.id, team.staff.id + 1000, "gp", "Dr Hox")
    return hoxton


async def test_stop_finds_a_wrong_person_request_of_the_second_practice(
    app: App, emu: Emulator
) -> None:
    """A link of the practice Sue joined second reaches the wrong person: /stop stops it (it
    said "No request in progress" and the wrong person carried on towards that practice's GP);
    /revoke cancels an unopened link of that practice."""
    team = await make_team(app, emu)
    hoxton = await second_practice(app, team)
    store = services_of(app).store
    _, token = await store.invites.create(hoxton.id, "H-1", "1980-02-03", valid_days=7)
    holder = emu.user("Wrong person")
    await to_consent(holder, token)

    await team.staff.send_command("/stop", "H-1")
    await team.staff.wait_for_text(shown("inbox.staff.stop_confirm", patient_ref="H-1")[:40])
    await team.staff.tap(text("inbox.staff.stop_button", patient_ref="H-1"))
    await team.staff.wait_for_text(shown("inbox.staff.stop_done", patient_ref="H-1"),
                                   timeout=10)
    told = await holder.wait_for_text(words("inbox.patient.stopped_by_practice"), timeout=10)
    assert told.text == text("inbox.patient.stopped_by_practice", practice=hoxton.name,
                             phone=hoxton.phone)
    case = await store.cases.current_for_patient(holder.id)
    assert case is not None and case.stage is Stage.STOPPED

    await store.invites.create(hoxton.id, "H-2", "1981-02-03", valid_days=7)
    await team.staff.send_command("/revoke", "H-2")
    assert (await team.staff.next_message()).text == shown("inbox.staff.revoked",
                                                          patient_ref="H-2")


async def test_a_reference_used_at_both_practices_is_never_stopped_or_cancelled_at_the_wrong_one(
    app: App, emu: Emulator
) -> None:
    """References are each practice's own, so "S-1" may be a patient at each of Sue's
    practices: /revoke S-1 cancels neither and says so, and /stop S-1 offers a button for
    each, naming its practice; the one tapped is stopped, the other left (both acted on the
    practice joined first: another patient's link cancelled, or their photos deleted)."""
    team = await make_team(app, emu)
    hoxton = await second_practice(app, team)
    store = services_of(app).store
    for practice in (team.practice, hoxton):
        await store.invites.create(practice.id, "S-1", "1980-02-03", valid_days=7)
    await team.staff.send_command("/revoke", "S-1")
    which = await team.staff.next_message()
    assert which.text == shown("inbox.staff.revoke_which", patient_ref="S-1",
                               practices=f"{team.practice.name}, {hoxton.name}")
    for practice in (team.practice, hoxton):
        assert not [i for i in await store.invites.for_practice(practice.id) if i.revoked_at]

    holders = {}
    for practice in (team.practice, hoxton):
        invite = (await store.invites.for_practice(practice.id))[0]
        token = await store.invites.reissue(invite.id, valid_days=7, actor="test")
        assert token is not None
        holders[practice.id] = emu.user(f"Holder at {practice.name}")
        await to_consent(holders[practice.id], token)
    await team.staff.send_command("/stop", "S-1")
    await team.staff.wait_for_text(shown("inbox.staff.stop_confirm", patient_ref="S-1")[:40])
    await team.staff.tap(text("inbox.staff.stop_button_at", patient_ref="S-1",
                              practice=hoxton.name))
    await team.staff.wait_for_text(shown("inbox.staff.stop_done", patient_ref="S-1"),
                                   timeout=10)
    stopped = await store.cases.current_for_patient(holders[hoxton.id].id)
    left = await store.cases.current_for_patient(holders[team.practice.id].id)
    assert stopped is not None and stopped.stage is Stage.STOPPED
    assert left is not None and left.stage is not Stage.STOPPED


async def test_invites_lists_each_practice_and_its_buttons_work(app: App, emu: Emulator) -> None:
    """/invites shows every practice Sue works at, each under its name; a button of the second
    practice's list acts (it was refused: the buttons were checked against the first)."""
    team = await make_team(app, emu)
    hoxton = await second_practice(app, team)
    store = services_of(app).store
    await team.staff.send_command("/invites")
    for practice in (team.practice, hoxton):  # an empty list names its practice too
        await team.staff.wait_for_text(text("inbox.staff.none_at", practice=practice.name))
    await store.invites.create(team.practice.id, "L-1", "1980-02-03", valid_days=7)
    await store.invites.create(hoxton.id, "H-3", "1980-02-03", valid_days=7)

    await team.staff.send_command("/invites")
    await team.staff.wait_until(lambda: sum(
        first_line("inbox.staff.invites_title") in (m.text or "")
        for m in team.staff.messages) == 2, timeout=10)
    listings = [m for m in team.staff.messages
                if first_line("inbox.staff.invites_title") in (m.text or "")]
    hox = next(m for m in listings if hoxton.name in (m.text or ""))
    assert "H-3" in (hox.text or "") and "L-1" not in (hox.text or "")
    await team.staff.tap_callback(hox.message_id, hox.callback_data[
        text("inbox.staff.revoke", patient_ref="H-3")])
    await team.staff.wait_for_text(shown("inbox.staff.revoked", patient_ref="H-3"), timeout=10)
    revoked = [i for i in await store.invites.for_practice(hoxton.id) if i.patient_ref == "H-3"]
    assert revoked and revoked[0].revoked_at


async def test_invite_asks_which_practice_and_makes_it_there(app: App, emu: Emulator) -> None:
    """/invite by a member of two practices asks which practice first: the invite, and so the
    patient's photos, go to the practice chosen (it was always the practice joined first,
    whose GPs then received the other practice's patient)."""
    team = await make_team(app, emu)
    hoxton = await second_practice(app, team)
    store = services_of(app).store

    await team.staff.send_command("/invite", "H-4 03/02/1980")
    await team.staff.wait_for_text(text("inbox.staff.invite_choose_practice"), timeout=10)
    await team.staff.tap(hoxton.name)
    made = await team.staff.wait_for_text(words("inbox.staff.invite_made"), timeout=10)
    assert LINK.search(made.text or "")
    sms = await team.staff.wait_for_text(hoxton.phone, timeout=10)
    assert team.practice.name not in (sms.text or "")
    assert [i.patient_ref for i in await store.invites.for_practice(hoxton.id)] == ["H-4"]
    assert not await store.invites.for_practice(team.practice.id)

    await team.staff.send_command("/invite")
    await team.staff.wait_until(lambda: sum(
        text("inbox.staff.invite_choose_practice") == m.text
        for m in team.staff.messages) == 2, timeout=10)
    await team.staff.tap(team.practice.name)
    await team.staff.wait_for_text(first_line("inbox.staff.invite_ask"), timeout=10)
    await team.staff.send_text("L-4 03/02/1980")
    await team.staff.wait_until(lambda: sum(
        words("inbox.staff.invite_made") in (m.text or "")
        for m in team.staff.messages) == 2, timeout=10)
    assert [i.patient_ref for i in await store.invites.for_practice(team.practice.id)] == [
        "L-4"]


async def test_details_asked_again_after_a_refused_invite_stay_at_the_practice_chosen(
    app: App, emu: Emulator
) -> None:
    """Sue chooses Hoxton; while she picks its GP, an invite made meanwhile takes the NHS
    number she typed, so no invite is made and the details are asked for again: the details
    she types then are still Hoxton's (the draft was dropped, and the retyped invite went to
    the practice she joined first)."""
    team = await make_team(app, emu)
    hoxton = await second_practice(app, team)
    store = services_of(app).store
    await store.practices.add_member(hoxton.id, team.staff.id + 1001, "gp", "Dr Two")
    mesh = DeliveryChannels(("telegram", "mesh"), False, None, "X26ABC2", "Y12345")
    await store.practices.set_channels(hoxton.id, mesh, actor="test")

    await team.staff.send_command("/invite", "H-9 03/02/1980 943 476 5919")
    await team.staff.wait_for_text(text("inbox.staff.invite_choose_practice"), timeout=10)
    await team.staff.tap(hoxton.name)
    await team.staff.wait_for_text(text("inbox.staff.invite_choose_gp"), timeout=10)
    await store.invites.create(hoxton.id, "H-8", "1962-06-01", valid_days=7,
                               nhs_number="9434765919")  # made meanwhile, by someone else
    await team.staff.tap("Dr Hox")
    await team.staff.wait_for_text(shown("inbox.staff.invite_nhs_number_other_patient"),
                                   timeout=10)

    await team.staff.send_text("H-9 03/02/1980 401 023 2137")  # asked again: a right number
    await team.staff.wait_until(lambda: sum(
        text("inbox.staff.invite_choose_gp") == m.text
        for m in team.staff.messages) == 2, timeout=10)
    await team.staff.tap("Dr Hox")
    await team.staff.wait_for_text(words("inbox.staff.invite_made"), timeout=10)
    assert sorted(i.patient_ref for i in await store.invites.for_practice(hoxton.id)) == [
        "H-8", "H-9"]
    assert not await store.invites.for_practice(team.practice.id)


async def test_inbox_lists_the_cases_of_each_practice_a_gp_works_at(
    app: App, emu: Emulator
) -> None:
    """A GP of two practices sees, in /inbox, the cases waiting at each, every list named
    (it listed only the practice joined first: the second's cases were never listed)."""
    team = await make_team(app, emu)
    store = services_of(app).store
    hoxton = await store.practices.add("Hoxton Surgery", "020 7000 0000")
    gee_at_hoxton = await store.practices.add_member(hoxton.id, team.gp.id, "gp", "Dr Gee")
    await submit(app, emu, Team(hoxton, team.staff, team.gp, gee_at_hoxton))
    await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    case = (await store.cases.at_stage(hoxton.id, Stage.SUBMITTED))[0]

    await team.gp.send_command("/inbox")
    await team.gp.wait_for_text(shown("inbox.gp.inbox_empty_at", practice=team.practice.name),
                                timeout=10)
    listed = await team.gp.wait_for_text(
        shown("inbox.gp.inbox_title_at", practice=hoxton.name), timeout=10)
    assert case.reference in (listed.text or "") and listed.buttons


async def test_addmember_asks_an_admin_of_two_practices_which_practice_the_code_joins(
    app: App, emu: Emulator
) -> None:
    """An admin of two practices adding a GP chooses the practice; the code joins that one
    (it always joined the practice where they were made admin first: a GP of the other
    practice then received its patients' photos)."""
    hoxton, ann = await admin_of_two(app, emu)
    store = services_of(app).store

    await ann.send_command("/addmember", "gp Dr Hox")
    await ann.wait_for_text(text("inbox.staff.addmember_choose_practice"), timeout=10)
    await ann.tap(hoxton.name)
    made = await ann.wait_for_text(first_line("inbox.staff.addmember_code"), timeout=10)
    assert hoxton.name in (made.text or "")
    code = (made.text or "").rsplit("/join", 1)[1].split()[0]
    hox = emu.user("Hox")
    await hox.send_command("/join", code)
    await hox.wait_for_text(hoxton.name, timeout=10)
    assert [m.practice_id for m in await store.practices.memberships(hox.id)] == [hoxton.id]


async def test_addmember_buttons_of_an_earlier_question_make_no_code(
    app: App, emu: Emulator
) -> None:
    """An admin of two practices asks for a GP's code, then for a member of staff's: the
    first question's practice buttons are expired (they made a code with the second's name
    and role, the GP's meant role lost); the second's make the staff member's code."""
    hoxton, ann = await admin_of_two(app, emu)
    await ann.send_command("/addmember", "gp Dr Hox")
    first = await ann.wait_for_text(text("inbox.staff.addmember_choose_practice"), timeout=10)
    await ann.send_command("/addmember", "staff Bob Jones")
    await ann.wait_until(lambda: sum(
        m.text == text("inbox.staff.addmember_choose_practice") for m in ann.messages) == 2,
        timeout=10)

    await ann.tap_callback(first.message_id, first.callback_data[hoxton.name])
    await ann.wait_until(lambda: ann.callback_answers, timeout=10)
    assert ann.callback_answers[-1].get("text") == text("inbox.gp.expired_button")
    await ann.tap(hoxton.name)  # under the second question
    made = await ann.wait_for_text(first_line("inbox.staff.addmember_code"), timeout=10)
    assert "Bob Jones" in (made.text or "") and "(staff)" in (made.text or "")
    assert sum(first_line("inbox.staff.addmember_code") in (m.text or "")
               for m in ann.messages) == 1, "no code from the earlier question's button"


async def test_inbox_of_a_gp_who_is_staff_at_another_practice_lists_both_as_each_allows(
    app: App, emu: Emulator
) -> None:
    """Dr Gee is a GP at the Lawson Practice and staff at the Hoxton Surgery: /inbox lists the
    cases waiting at each, Lawson's with Open buttons, Hoxton's as references only (staff see
    references, not photos), and Hoxton's case cannot be opened (it listed Lawson's alone:
    Hoxton's waiting cases were never listed to them)."""
    team = await make_team(app, emu)
    store = services_of(app).store
    hoxton = await store.practices.add("Hoxton Surgery", "020 7000 0000")
    hox = emu.user("Hox")
    hox_member = await store.practices.add_member(hoxton.id, hox.id, "gp", "Dr Hox")
    await store.practices.add_member(hoxton.id, team.gp.id, "staff", "Gee at Hoxton")
    await submit(app, emu, Team(hoxton, team.staff, hox, hox_member), "Hal")
    await submit(app, emu, team, "Lyn")
    await team.gp.wait_for_text(first_line("inbox.gp.summary"), timeout=20)
    at_hoxton = (await store.cases.at_stage(hoxton.id, Stage.SUBMITTED))[0]
    at_lawson = (await store.cases.at_stage(team.practice.id, Stage.SUBMITTED))[0]

    await team.gp.send_command("/inbox")
    lawson = await team.gp.wait_for_text(
        shown("inbox.gp.inbox_title_at", practice=team.practice.name), timeout=10)
    listed = await team.gp.wait_for_text(
        shown("inbox.gp.inbox_title_at", practice=hoxton.name), timeout=10)
    assert at_lawson.reference in (lawson.text or "") and lawson.buttons, "a GP's: Open"
    assert at_hoxton.reference in (listed.text or "") and listed.buttons == [], (
        "staff there: references, no Open")
    assert at_lawson.reference not in (listed.text or "")
    assert await services_of(app).inbox.open_case(team.gp.id, at_hoxton.id) is None, (
        "the rule for staff is unchanged: Hoxton's case does not open for them")
