"""Staff /invites through the real bot: each request in progress names the step the patient has
reached, and each request that is over names how it ended, so staff know whom to chase."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.content import text
from bot.emulator import Emulator
from bot.emulator.users import TelegramUser
from bot.inbox.digest import uk_time
from bot.store.models import Stage
from tests.auxil.e2e.bot_app import services_of
from tests.auxil.e2e.patient import (
    first_line,
    give_date_of_birth,
    tap,
    to_consent,
    to_photos,
    words,
)
from tests.auxil.e2e.practice import LINK, Team, make_team, sent_then_asked_again

App = Application[Any, Any, Any, Any, Any, Any]


def row(ref: str, key: str, **values: object) -> str:
    """A row of /invites: the reference, then the step or ending under `inbox.staff.<key>`."""
    return text("inbox.staff.invite_line", patient_ref=ref,
                state=text(f"inbox.staff.{key}", **values))


async def link(app: App, team: Team, ref: str) -> str:
    """An adult patient's invite link for this practice."""
    _, token = await services_of(app).store.invites.create(
        team.practice.id, ref, "1980-02-03", valid_days=7, gp_member_id=team.gp_member.id)
    return token


async def agrees(patient: TelegramUser) -> None:
    """Say yes to consent, up to the first screening question."""
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))


async def locked_out(app: App, emu: Emulator, team: Team, ref: str) -> TelegramUser:
    """Someone who opened the link for `ref` and typed three wrong dates of birth: locked."""
    person = emu.user("Lock")
    await person.open_deep_link(await link(app, team, ref))
    await person.wait_for_text(first_line("journey.identity.ask"))
    for wrong in ("01/01/1990", "02/01/1990"):
        await give_date_of_birth(person, wrong, first_line("journey.identity.wrong"))
    await give_date_of_birth(person, "03/01/1990", first_line("journey.identity.locked"))
    return person



async def stopped_for_red_flags(app: App, emu: Emulator, team: Team, ref: str) -> TelegramUser:
    """A patient invited as `ref` answers yes to the red flags and confirms it: stopped."""
    red = emu.user("Red")
    await to_consent(red, await link(app, team, ref))
    await agrees(red)
    await tap(red, text("journey.screening.is_rash.rash"),
              text("journey.screening.red_flags.question"))
    await tap(red, text("journey.screening.red_flags.yes"), text("journey.confirm.means.red_flag"))
    await tap(red, text("journey.confirm.yes"), first_line("journey.stop.red_flag"))
    return red

async def test_invites_name_the_step_reached_and_how_each_request_ended(
    app: App, emu: Emulator
) -> None:
    team = await make_team(app, emu)
    screening = emu.user("Sam")
    await to_consent(screening, await link(app, team, "P-SCREEN"))
    await agrees(screening)
    await to_photos(emu.user("Pat"), await link(app, team, "P-PHOTO"))

    mole = emu.user("Mo")
    await to_consent(mole, await link(app, team, "P-MOLE"))
    await agrees(mole)
    await tap(mole, text("journey.screening.is_rash.mole"), text("journey.confirm.means.mole"))
    await tap(mole, text("journey.confirm.yes"), text("journey.screening.red_flags.question"))
    await tap(mole, text("journey.screening.red_flags.no"), first_line("journey.stop.mole"))

    cancel = emu.user("Cal")
    await to_consent(cancel, await link(app, team, "P-CANCEL"))
    await cancel.send_command("/cancel")
    await cancel.wait_for_text(text("journey.commands.cancel_confirm"))
    await tap(cancel, text("journey.commands.cancel_yes"),
              first_line("journey.commands.cancelled"))

    wrong = emu.user("Wren")
    await to_consent(wrong, await link(app, team, "P-WRONG"))
    await team.staff.send_command("/stop", "P-WRONG")
    await team.staff.wait_for_text(first_line("inbox.staff.stop_confirm"))
    await team.staff.tap(text("inbox.staff.stop_button", patient_ref="P-WRONG"))
    await wrong.wait_for_text(first_line("inbox.patient.stopped_by_practice"), timeout=10)

    await link(app, team, "P-UNUSED")
    await team.staff.send_command("/revoke", "P-UNUSED")
    await team.staff.wait_for_text(text("inbox.staff.revoked", patient_ref="P-UNUSED"))

    await team.staff.send_command("/invites")
    listing = (await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))).text
    rows = (listing or "").splitlines()
    for expected in (row("P-SCREEN", "step.screening"),
                     row("P-PHOTO", "step.photo", number=1, count=3),
                     row("P-MOLE", "ended.screening"),
                     row("P-WRONG", "ended.practice"),
                     row("P-UNUSED", "ended.revoked")):
        assert expected in rows, expected
    ended = rows[rows.index(next(r for r in rows if r.startswith(
        text("inbox.staff.group_closed")))):]
    assert row("P-MOLE", "ended.screening") in ended
    assert row("P-CANCEL", "ended.cancelled") in ended, "staff can see whom to contact"
    assert not [r for r in rows if r.strip() in ("• P-MOLE", "• P-WRONG", "• P-UNUSED")], (
        "no ended request without its ending")


async def test_staff_are_told_when_the_patient_cancels_or_deletes_and_keep_the_reference(
    app: App, emu: Emulator
) -> None:
    """A patient's /cancel or /delete reaches the staff chat with the practice's own
    reference, so they know whom to contact; /invites still names them."""
    team = await make_team(app, emu)
    store = services_of(app).store
    cancel = emu.user("Cal")
    await to_consent(cancel, await link(app, team, "P-CANCEL"))
    cancelled = await store.cases.current_for_patient(cancel.id)
    assert cancelled is not None
    await cancel.send_command("/cancel")
    await cancel.wait_for_text(text("journey.commands.cancel_confirm"))
    await tap(cancel, text("journey.commands.cancel_yes"),
              first_line("journey.commands.cancelled"))
    await team.staff.wait_for_text(text("inbox.staff.patient_cancelled", patient_ref="P-CANCEL",
                                        reference=cancelled.reference), timeout=10)

    deleter = emu.user("Del")
    await to_photos(deleter, await link(app, team, "P-DELETE"))
    deleted = await store.cases.current_for_patient(deleter.id)
    assert deleted is not None
    await deleter.send_command("/delete")
    await deleter.wait_for_text(words("journey.delete.one"))
    await tap(deleter, text("journey.commands.delete_yes"),
              first_line("journey.commands.deleted"))
    await team.staff.wait_for_text(text("inbox.staff.patient_deleted", patient_ref="P-DELETE",
                                        reference=deleted.reference), timeout=10)

    await team.staff.send_command("/invites")
    listing = (await team.staff.wait_for_text(first_line("inbox.staff.invites_title"))).text
    rows = (listing or "").splitlines()
    assert row("P-CANCEL", "ended.cancelled") in rows
    erased = rows[rows.index(next(r for r in rows if r.startswith(
        text("inbox.staff.group_erased")))) + 1]
    assert erased.startswith("• P-DELETE")
    assert "(erased)" not in (listing or "")


async def test_deleting_while_the_gp_waits_for_new_photos_says_so_to_staff(
    app: App, emu: Emulator
) -> None:
    """A GP asked for a new locator; the patient deletes the request instead. The staff alert
    and the /invites row say that a GP was waiting for the new photos (staff tell the GP),
    not a bare reference."""
    team, patient = await sent_then_asked_again(app, emu)
    store = services_of(app).store
    case = await store.cases.current_for_patient(patient.id)
    assert case is not None and case.submissions == 1
    patient.skip_to_end()
    await patient.send_command("/delete")
    await patient.wait_for_text(words("journey.delete.one"))
    await tap(patient, text("journey.commands.delete_yes"),
              first_line("journey.commands.deleted"))
    await team.staff.wait_for_text(text("inbox.staff.patient_deleted_new_photos",
                                        patient_ref="P-300", reference=case.reference),
                                   timeout=10)
    rows = await invites_listing(team)
    erased = rows[rows.index(next(r for r in rows if r.startswith(
        text("inbox.staff.group_erased")))) + 1]
    assert erased == row("P-300", "ended.erased_new_photos")


def listed(person: TelegramUser) -> list[str]:
    """The rows of the newest /invites listing in this chat."""
    title = first_line("inbox.staff.invites_title")
    newest = next(m for m in reversed(person.messages) if title in (m.text or ""))
    return (newest.text or "").splitlines()


async def invites_listing(team: Team) -> list[str]:
    """Send /invites and return its rows once it arrives."""
    before = len(team.staff.messages)
    await team.staff.send_command("/invites")
    title = first_line("inbox.staff.invites_title")
    await team.staff.wait_for(lambda m: title in (m.text or "")
                              and team.staff.messages.index(m) >= before)
    return listed(team.staff)


async def test_invites_show_dates_renew_a_locked_link_and_record_a_red_flag_contact(
    app: App, emu: Emulator
) -> None:
    """Each row says when its link was sent (and, not opened, when it expires); a link locked
    after three wrong dates of birth gets a working "New link"; a red-flag stop gets a button
    to record that the patient was contacted, shown in the list afterwards."""
    team = await make_team(app, emu)
    store = services_of(app).store
    unused, _ = await store.invites.create(team.practice.id, "P-WAIT", "1980-02-03",
                                           valid_days=7, gp_member_id=team.gp_member.id)

    await locked_out(app, emu, team, "P-LOCK")
    await team.staff.wait_for_text("P-LOCK", timeout=10)

    red = await stopped_for_red_flags(app, emu, team, "P-RED")
    red_case = await store.cases.current_for_patient(red.id)
    assert red_case is not None

    rows = await invites_listing(team)
    sent = uk_time(unused.created_at, with_time=False)
    waiting = rows.index("• P-WAIT")
    assert rows[waiting + 1].strip() == text(
        "inbox.staff.link_sent_expires", sent=sent,
        expires=uk_time(unused.expires_at, with_time=False))
    locked_row = rows.index("• P-LOCK")
    assert rows[locked_row - 1].startswith(text("inbox.staff.group_locked"))
    assert rows[locked_row + 1].strip().startswith(text("inbox.staff.link_sent", sent=""))
    red_row = text("inbox.staff.red_flag_line", patient_ref="P-RED",
                   state=text("inbox.staff.ended.red_flag"))
    assert red_row in rows

    await team.staff.tap(text("inbox.staff.renew", patient_ref="P-LOCK"))
    made = await team.staff.wait_for(lambda m: LINK.search(m.text or "") is not None
                                     and "P-LOCK" in (m.text or ""))
    found = LINK.search(made.text or "")
    assert found is not None
    again = emu.user("Lou")
    await to_consent(again, found[2])  # the new link works, with the same date of birth
    renewed = await store.cases.current_for_patient(again.id)
    assert renewed is not None and renewed.stage is Stage.CONSENT

    await team.staff.tap(text("inbox.staff.contacted", patient_ref="P-RED"))
    await team.staff.wait_for_text(text(
        "inbox.staff.contacted_recorded", patient_ref="P-RED", reference=red_case.reference,
        name="Sue Smith"), timeout=10)

    rows = await invites_listing(team)
    assert row("P-LOCK", "ended.renewed") in rows, "the locked link is closed, renewed"
    assert not [r for r in rows if r.startswith(text("inbox.staff.group_locked"))]
    contacted = next(r for r in rows if r.startswith(red_row))
    assert contacted != red_row and "Sue Smith" in contacted, "who and when"
    newest = team.staff.messages[-1]
    assert text("inbox.staff.contacted", patient_ref="P-RED") not in newest.callback_data
    assert text("inbox.staff.renew", patient_ref="P-LOCK") not in newest.callback_data


async def test_new_link_for_a_locked_link_whose_request_was_deleted_says_why_and_changes_nothing(
    app: App, emu: Emulator
) -> None:
    """Audit: "New link" on a locked link whose request the person who opened it had deleted
    since failed with an error after cancelling the old link and making one without a date of
    birth. Now staff are told why no link was made (use /invite) and nothing changes; /invites
    lists the row as erased, says it was locked, and offers no "New link" for it."""
    team = await make_team(app, emu)
    store = services_of(app).store
    locked = await locked_out(app, emu, team, "P-LOCK")
    rows = await invites_listing(team)
    assert rows[rows.index("• P-LOCK") - 1].startswith(text("inbox.staff.group_locked"))

    await locked.send_command("/delete")
    await locked.wait_for_text(words("journey.delete.one"))
    await tap(locked, text("journey.commands.delete_yes"), first_line("journey.commands.deleted"))
    before = await store.invites.for_practice(team.practice.id)

    await team.staff.tap(text("inbox.staff.renew", patient_ref="P-LOCK"))  # shown before
    await team.staff.wait_for_text(text("inbox.staff.renew_erased"), timeout=10)
    assert await store.invites.for_practice(team.practice.id) == before, (
        "no new link made, the locked one not cancelled")

    rows = await invites_listing(team)
    erased = row("P-LOCK", "ended.locked_erased")
    assert rows[rows.index(erased) - 1].startswith(text("inbox.staff.group_erased"))
    assert not [r for r in rows if r.startswith(text("inbox.staff.group_locked"))]
    newest = team.staff.messages[-1]
    assert text("inbox.staff.renew", patient_ref="P-LOCK") not in newest.callback_data


async def cancels(patient: TelegramUser) -> None:
    """/cancel, confirmed."""
    await patient.send_command("/cancel")
    await patient.wait_for_text(text("journey.commands.cancel_confirm"))
    await tap(patient, text("journey.commands.cancel_yes"),
              first_line("journey.commands.cancelled"))


async def test_red_flags_are_listed_first_and_a_yes_said_to_be_a_mistake_stays_marked(
    app: App, emu: Emulator
) -> None:
    """The newcomer's two findings: a request stopped for red flags was listed under "Ended",
    below cancelled rows; and one whose patient tapped a red flag "yes", said it was a
    mistake and then used /cancel read only "cancelled by the patient". Now both are listed
    first, marked 🔴, each saying how it ended and that a red flag was answered yes, with
    "Patient contacted" buttons first; once contact is recorded the row goes back among the
    ended ones, still marked, with who contacted them."""
    team = await make_team(app, emu)
    cancel = emu.user("Cal")
    await to_consent(cancel, await link(app, team, "P-CANCEL"))
    await cancels(cancel)

    await stopped_for_red_flags(app, emu, team, "P-RED")

    oops = emu.user("Oops")
    await to_consent(oops, await link(app, team, "P-OOPS"))
    await agrees(oops)
    await tap(oops, text("journey.screening.is_rash.rash"),
              text("journey.screening.red_flags.question"))
    await tap(oops, text("journey.screening.red_flags.yes"),
              text("journey.confirm.means.red_flag"))
    await tap(oops, text("journey.confirm.no_red_flag"),
              text("journey.screening.red_flags.question"))
    await cancels(oops)

    rows = await invites_listing(team)
    assert rows[2] == text("inbox.staff.group_red_flag") + " (2)", "red flags first"
    oops_row = text("inbox.staff.red_flag_line", patient_ref="P-OOPS", state="; ".join((
        text("inbox.staff.ended.cancelled"), text("inbox.staff.step.red_flag_withdrawn"))))
    red_row = text("inbox.staff.red_flag_line", patient_ref="P-RED",
                   state=text("inbox.staff.ended.red_flag"))
    assert set(rows[3:7:2]) == {oops_row, red_row}
    ended = rows.index(next(r for r in rows if r.startswith(text("inbox.staff.group_closed"))))
    assert rows[ended + 1] == row("P-CANCEL", "ended.cancelled")
    assert "P-OOPS" not in " ".join(rows[ended:]) and "P-RED" not in " ".join(rows[ended:])
    labels = [label for line in team.staff.messages[-1].buttons for label in line]
    assert set(labels[:2]) == {text("inbox.staff.contacted", patient_ref="P-OOPS"),
                               text("inbox.staff.contacted", patient_ref="P-RED")}

    await team.staff.tap(text("inbox.staff.contacted", patient_ref="P-OOPS"))
    oops_case, = await services_of(app).store.cases.for_patient(oops.id)
    await team.staff.wait_for_text(text(
        "inbox.staff.contacted_recorded", patient_ref="P-OOPS", reference=oops_case.reference,
        name="Sue Smith"), timeout=10)
    rows = await invites_listing(team)
    assert rows[2] == text("inbox.staff.group_red_flag") + " (1)"
    ended = rows.index(next(r for r in rows if r.startswith(text("inbox.staff.group_closed"))))
    contacted = next(r for r in rows[ended:] if r.startswith(oops_row))
    assert "Sue Smith" in contacted, "still marked, with who contacted them"
