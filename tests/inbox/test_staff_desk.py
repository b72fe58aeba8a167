"""Staff: invites with link, SMS and QR code; /invites by state; revoke and resend."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

from bot.content import text
from bot.inbox.digest import uk_time
from bot.inbox.staff import (
    LIST_TEXT,
    MAX_REFERENCE,
    InviteRequest,
    StaffDesk,
    read_invite_request,
)
from bot.services import erasure
from bot.store import Store
from bot.store.invites import invite_problem
from bot.store.models import Case, Stage
from bot.store.practices import DeliveryChannels
from tests.auxil.inbox import Setting, submitted_case
from tests.auxil.qr import qr_text


def desk(store: Store) -> StaffDesk:
    """The staff desk of a bot called @telederm_bot."""
    return StaffDesk(store, bot_username="telederm_bot", invite_valid_days=7,
                     stalled_after_days=3)


def test_invite_details_are_read_kindly() -> None:
    today = date(2026, 11, 24)
    assert read_invite_request("ABC123 03/02/1980", today) == InviteRequest(
        "ABC123", date(1980, 2, 3))
    assert read_invite_request("ABC123 3 February 1980", today) == InviteRequest(
        "ABC123", date(1980, 2, 3))
    assert read_invite_request("ABC123", today) == "inbox.staff.invite_bad"
    assert read_invite_request("943-476-5919 03/02/1980", today) == (
        "inbox.staff.invite_nhs_number")
    assert read_invite_request("ABC123 31/02/1980", today) == "inbox.staff.invite_bad"
    assert read_invite_request("ABC123 03/02/2030", today) == "inbox.staff.invite_future"


def test_a_reference_that_looks_like_a_name_is_refused() -> None:
    """The reference is shown in chats, emails and PDFs: a name must not become one."""
    today = date(2026, 11, 24)
    name = "inbox.staff.invite_reference_is_name"
    for typed in ("JaneSmith 03/02/1980", "Jane Smith 03/02/1980", "P100 Jane 03/02/1980",
                  "smith 3/2/80", "O'Brien 3 Feb 1980"):
        assert read_invite_request(typed, today) == name, typed
    assert read_invite_request("JaneSmith 03/02/1980 943 476 5919", today,
                               wants_nhs_number=True) == (
        "channels.staff.invite_reference_is_name_nhs_number"), "its example has the NHS number"
    assert "943 476 5919" in text("channels.staff.invite_reference_is_name_nhs_number")
    for code in ("P100", "DEMO-001", "ABC", "LP-20931"):
        request = read_invite_request(f"{code} 3 Feb 1980", today)
        assert isinstance(request, InviteRequest) and request.patient_ref == code



async def opened_at(store: Store, setting: Setting, ref: str, patient: int,
                    *stages: Stage) -> Case:
    """An adult's request, invited as `ref`, opened by `patient` and moved through `stages`."""
    invite, _ = await store.invites.create(setting.practice.id, ref, "1990-01-01",
                                           valid_days=7)
    case = await store.cases.open_from_invite(invite, patient_user_id=patient,
                                              patient_chat_id=patient, is_child=False)
    for stage in stages:
        case = await store.cases.move(case, stage)
    return case

async def test_an_invite_gives_a_working_link_sms_and_qr(store: Store, setting: Setting) -> None:
    staff = desk(store)
    made = await staff.create_invite(setting.staff, InviteRequest("ABC123", date(2017, 5, 1)),
                                     setting.gp.id)
    token = made.link.rsplit("=", 1)[1]
    assert made.link.startswith("https://t.me/telederm_bot?start=") and len(token) >= 22
    found = await store.invites.find(token)
    assert found is not None and found.gp_member_id == setting.gp.id
    assert invite_problem(found) is None
    assert "child" in made.summary and "Dr Gee" in made.summary
    assert made.link in made.sms and "020 7729 7236" in made.sms
    assert qr_text(made.qr_png) == made.link


async def test_a_gp_of_another_practice_cannot_be_chosen(store: Store, setting: Setting) -> None:
    made = await desk(store).create_invite(setting.staff, InviteRequest("X", date(1990, 1, 1)),
                                           setting.other_gp.id)
    assert made.invite.gp_member_id is None


async def test_invites_are_grouped_by_state(store: Store, setting: Setting) -> None:
    staff = desk(store)
    await staff.create_invite(setting.staff, InviteRequest("NEW-1", date(1990, 1, 1)), None)
    await submitted_case(store, setting)
    stalled_invite, _ = await store.invites.create(setting.practice.id, "SLOW-1", "1990-01-01",
                                                   valid_days=7)
    stalled = await store.cases.open_from_invite(stalled_invite, patient_user_id=7,
                                                 patient_chat_id=7, is_child=False)
    old = (datetime.now(UTC) - timedelta(days=5)).isoformat(timespec="seconds")
    await store.db._conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?",
                                 (old, stalled.id))
    groups = {line.invite.patient_ref: line.group for line in await staff.lines(setting.staff)}
    assert groups == {"NEW-1": "not_opened", "P-9": "submitted", "SLOW-1": "stalled"}
    words, changeable = await staff.overview(setting.staff)
    assert text("inbox.staff.group_stalled", days=3) in words
    assert text("inbox.staff.group_submitted") in words
    # the stalled request gets "Send reminder", listed before the fresh link's buttons
    assert [(line.invite.patient_ref, line.chase) for line in changeable] == [
        ("SLOW-1", "remind"), ("NEW-1", None)]
    other = await store.practices.add_member(setting.other_practice.id, 301, "staff", "Olly")
    assert await staff.lines(other) == []
    assert stalled.stage is Stage.IDENTITY


async def test_each_row_says_the_step_reached_or_how_the_request_ended(
    store: Store, setting: Setting
) -> None:
    """/invites names each ending and each step: a stop at screening, at consent (the parent
    or guardian question), for red flags, by the practice, a cancel, a link cancelled or
    expired, a request deleted unfinished after the retention period, and the GP's decision."""
    staff = desk(store)

    patients = iter(range(9000, 9100))

    async def opened(ref: str, *stages: Stage) -> Case:
        return await opened_at(store, setting, ref, next(patients), *stages)

    await opened("AT-ID")
    await opened("AT-PHOTO-2", Stage.CONSENT, Stage.SCREENING, Stage.PREPARATION,
                 Stage.LOCATOR, Stage.CLOSE_UP_1)
    await opened("AT-REVIEW", Stage.CONSENT, Stage.SCREENING, Stage.PREPARATION,
                 Stage.LOCATOR, Stage.CLOSE_UP_1, Stage.CLOSE_UP_2, Stage.DETAILS,
                 Stage.REVIEW)
    mole = await opened("MOLE-1", Stage.CONSENT, Stage.SCREENING)
    await store.cases.move(mole, Stage.STOPPED, reason="screen_mole")
    red = await opened("RED-1", Stage.CONSENT, Stage.SCREENING)
    await store.cases.move(red, Stage.STOPPED, reason="screen_red_flag")
    holder = await opened("NOT-GUARDIAN-1", Stage.CONSENT)
    await store.cases.move(holder, Stage.STOPPED, reason="not_guardian")
    wrong = await opened("WRONG-1", Stage.CONSENT)
    await staff.stop_case(setting.staff, wrong.invite_id or 0)
    cancelled = await opened("CANCEL-1", Stage.CONSENT)
    await erasure.erase(store, cancelled, Stage.CANCELLED, actor="patient",
                        reason="patient_cancelled")
    idle = await opened("IDLE-1", Stage.CONSENT)
    await erasure.erase(store, idle, Stage.ERASED, actor="retention", reason="30 days")
    unused = await staff.create_invite(setting.staff, InviteRequest("REVOKED-1",
                                                                    date(1990, 1, 1)), None)
    await staff.revoke(setting.staff, unused.invite.id)
    late, _ = await store.invites.create(setting.practice.id, "EXPIRED-1", "1990-01-01",
                                         valid_days=7)
    await store.db._conn.execute("UPDATE invites SET expires_at = ? WHERE id = ?",
                                 ("2020-01-01T00:00:00+00:00", late.id))
    referred = await submitted_case(store, setting)
    referred = await store.cases.move(referred, Stage.DECIDED, actor="member:1",
                                      decision="referred")
    await store.cases.close_outcome(referred, "referral_sent_at", actor="member:1",
                                    event="case.referral_sent")
    # A referral never marked sent, erased by retention: it leaves the "to send" group, but
    # must not read as sent.
    unsent, _ = await store.invites.create(setting.practice.id, "UNSENT-1", "1990-01-01",
                                           valid_days=7)
    forgotten = await store.cases.open_from_invite(unsent, patient_user_id=9200,
                                                   patient_chat_id=9200, is_child=False)
    forgotten = await store.cases.move(forgotten, Stage.DECIDED, actor="member:1",
                                       decision="referred")
    await erasure.erase(store, forgotten, Stage.ERASED, actor="retention", reason="30 days")

    said = sorted((line.invite.patient_ref, line.group, line.state)
                  for line in await staff.lines(setting.staff))
    step, ended = "inbox.staff.step", "inbox.staff.ended"
    assert said == sorted([
        ("AT-ID", "in_progress", text(f"{step}.identity")),
        ("AT-PHOTO-2", "in_progress", text(f"{step}.photo", number=2, count=3)),
        ("AT-REVIEW", "in_progress", text(f"{step}.review")),
        ("MOLE-1", "closed", text(f"{ended}.screening")),
        ("RED-1", "red_flag", text(f"{ended}.red_flag")),  # first, till contacted
        ("NOT-GUARDIAN-1", "closed", text(f"{ended}.not_guardian")),
        ("WRONG-1", "closed", text(f"{ended}.practice")),
        ("CANCEL-1", "closed", text(f"{ended}.cancelled")),  # kept: staff contact them
        ("(erased)", "closed", text(f"{ended}.unfinished")),
        ("REVOKED-1", "closed", text(f"{ended}.revoked")),
        ("EXPIRED-1", "closed", text(f"{ended}.expired")),
        ("P-9", "decided", text(f"{ended}.referred")),
        ("(erased)", "decided", text(f"{ended}.referred_not_sent")),
    ])
    words, _ = await staff.overview(setting.staff)
    assert text("inbox.staff.invite_line", patient_ref="MOLE-1",
                state=html.escape(text(f"{ended}.screening"))) in words
    assert text("inbox.staff.invite_line", patient_ref="AT-PHOTO-2",
                state=text(f"{step}.photo", number=2, count=3)) in words
    assert words.index(text("inbox.staff.group_in_progress")) < words.index("AT-PHOTO-2")
    # a request in progress says when its Remind button comes, so staff know how to chase it
    remind_from = text("inbox.staff.remind_from_note", when="\0").split("\0")[0]
    in_progress = [line for line in await staff.lines(setting.staff)
                   if line.group == "in_progress"]
    assert in_progress and all(remind_from in line.when and not line.chase
                               for line in in_progress)
    assert not [line for line in await staff.lines(setting.staff)
                if line.group != "in_progress" and remind_from in line.when]


async def test_invites_name_the_case_reference_the_patient_quotes_and_stop_takes_it(
    store: Store, setting: Setting
) -> None:
    """Reception hears "TD-..." on the phone: /invites shows it under the row of a request,
    and /stop finds the request by it (hazard log H50)."""
    staff = desk(store)
    case = await submitted_case(store, setting)
    await staff.create_invite(setting.staff, InviteRequest("UNOPENED-1", date(1990, 1, 1)), None)
    words, _ = await staff.overview(setting.staff)
    note = text("inbox.staff.case_reference_note", reference=case.reference)
    rows = words.split("\n")
    assert note in rows[rows.index("• P-9") + 1]
    assert words.count(text("inbox.staff.case_reference_note", reference="")) == 1, (
        "a link not opened has no case reference")
    typed = case.reference.lower().replace("-", " ")
    found = await staff.active_case(setting.staff, typed)
    assert found is not None and found[1].id == case.id
    assert await staff.active_case(setting.staff, "TD-AAAA-AAAA") is None
    assert (await staff.active_case(setting.staff, "P-9") or (None, None))[1] == case


async def test_revoke_and_resend_work_only_within_the_practice(
    store: Store, setting: Setting
) -> None:
    staff = desk(store)
    made = await staff.create_invite(setting.staff, InviteRequest("R-1", date(1990, 1, 1)), None)
    outsider = await store.practices.add_member(setting.other_practice.id, 301, "staff", "Olly")
    assert await staff.revoke(outsider, made.invite.id) is None
    assert await staff.resend(outsider, made.invite.id) is None
    fresh = await staff.resend(setting.staff, made.invite.id)
    assert fresh is not None and fresh.link != made.link
    assert await store.invites.find(made.link.rsplit("=", 1)[1]) is None, "old link is dead"
    assert await staff.revoke_reference(setting.staff, "R-1") is not None
    reopened = await store.invites.find(fresh.link.rsplit("=", 1)[1])
    assert reopened is not None and invite_problem(reopened) == "revoked"


async def test_a_join_code_works_once(store: Store, setting: Setting) -> None:
    admin = await store.practices.add_member(setting.practice.id, 103, "admin", "Ann Admin")
    staff = desk(store)
    code = await staff.join_code(admin, "gp", "Dr New")
    joined = await staff.join(404, code, "Dr New")
    assert joined is not None and joined.role == "gp" and joined.practice_id == admin.practice_id
    assert await staff.join(405, code, "Someone") is None
    assert await staff.join(405, "guess", "Someone") is None


async def test_an_nhs_number_on_another_patients_invite_makes_no_invite(
    store: Store, setting: Setting
) -> None:
    """Two staff making invites at once: the later one, with the same NHS number and another
    date of birth, is refused by the store itself, audited without the number, and makes
    nothing; the same number with the same date of birth is the same patient again."""
    staff = desk(store)
    first = await staff.create_invite(
        setting.staff, InviteRequest("P-1", date(1980, 2, 3), "9434765919"), None)
    assert not isinstance(first, str)
    again = await staff.create_invite(
        setting.staff, InviteRequest("P-2", date(1980, 2, 3), "9434765919"), None)
    assert not isinstance(again, str)
    other = InviteRequest("P-3", date(1962, 6, 1), "9434765919")
    assert await staff.refusal(setting.staff, other) == (
        "inbox.staff.invite_nhs_number_other_patient")
    assert await staff.create_invite(setting.staff, other, None) == (
        "inbox.staff.invite_nhs_number_other_patient")
    assert [i.patient_ref for i in await store.invites.for_practice(setting.practice.id)] == [
        "P-2", "P-1"]
    async with store.db.reading() as conn:
        cursor = await conn.execute(
            "SELECT detail FROM events WHERE kind = 'invite.nhs_number_refused'")
        rows = [tuple(row) for row in await cursor.fetchall()]
    assert len(rows) == 1 and "9434765919" not in str(rows)


async def test_an_nhs_number_whose_earlier_link_was_cancelled_can_be_invited_again(
    store: Store, setting: Setting
) -> None:
    """A link made with the wrong date of birth and cancelled before it was opened does not
    hold its NHS number against the patient's right date of birth."""
    staff = desk(store)
    typo = await staff.create_invite(
        setting.staff, InviteRequest("P-1", date(1980, 3, 2), "9434765919"), None)
    assert not isinstance(typo, str)
    invite = (await store.invites.for_practice(setting.practice.id))[0]
    assert await store.invites.revoke(invite.id, actor="member:1")
    right = await staff.create_invite(
        setting.staff, InviteRequest("P-1", date(1980, 2, 3), "9434765919"), None)
    assert not isinstance(right, str), right


async def test_every_red_flag_yes_is_listed_first_marked_until_the_patient_is_contacted(
    store: Store, setting: Setting
) -> None:
    """/invites lists first, marked 🔴 and saying where it stands, every request with a red
    flag answered yes: stopped for it, a "yes" said to be a mistake and then cancelled, a
    "yes" said to be a mistake on a request waiting for a GP, a "yes" after sending on a
    decided one. Once someone records contacting the patient the row goes back to its own
    group, still marked, saying who and when."""
    staff = desk(store)
    patients = iter(range(9300, 9400))

    async def opened(ref: str, *stages: Stage) -> Case:
        return await opened_at(store, setting, ref, next(patients), *stages)

    async def said(case: Case, *kinds: str) -> None:
        for kind in kinds:
            await store.audit.record(f"case.red_flag_{kind}", actor="patient", case_id=case.id)

    mole = await opened("MOLE-1", Stage.CONSENT, Stage.SCREENING)
    await store.cases.move(mole, Stage.STOPPED, reason="screen_mole")
    red = await opened("RED-1", Stage.CONSENT, Stage.SCREENING)
    await said(red, "yes")
    await store.cases.move(red, Stage.STOPPED, reason="screen_red_flag")
    mistake = await opened("MISTAKE-1", Stage.CONSENT, Stage.SCREENING)
    await said(mistake, "yes", "withdrawn")
    await erasure.erase(store, mistake, Stage.CANCELLED, actor="patient",
                        reason="patient_cancelled")
    waiting = await submitted_case(store, setting)
    await said(waiting, "yes", "withdrawn")
    after = await opened("AFTER-1")
    after = await store.cases.move(after, Stage.DECIDED, decision="appointment")
    await said(after, "after")

    step, ended = "inbox.staff.step", "inbox.staff.ended"
    lines = {line.invite.patient_ref: line for line in await staff.lines(setting.staff)}
    assert {ref: (line.group, line.state, line.red_flag, line.to_contact)
            for ref, line in lines.items()} == {
        "MOLE-1": ("closed", text(f"{ended}.screening"), False, False),
        "RED-1": ("red_flag", text(f"{ended}.red_flag"), True, True),
        "MISTAKE-1": ("red_flag", f"{text(f'{ended}.cancelled')}; "
                      f"{text(f'{step}.red_flag_withdrawn')}", True, True),
        "P-9": ("red_flag", f"{text('inbox.staff.now.submitted')}; "
                f"{text(f'{step}.red_flag_withdrawn')}", True, True),
        "AFTER-1": ("red_flag", f"{text(f'{ended}.appointment')}; "
                    f"{text(f'{step}.red_flag_after')}", True, True),
    }
    words, buttons = await staff.overview(setting.staff)
    listed = words.splitlines()
    assert listed[2] == "<b>" + text("inbox.staff.group_red_flag") + "</b> (4)", "first"
    assert text("inbox.staff.red_flag_line", patient_ref="MISTAKE-1",
                state=html.escape(lines["MISTAKE-1"].state)) in listed[3:11:2]
    assert {line.invite.patient_ref for line in buttons if line.to_contact} == {
        "RED-1", "MISTAKE-1", "P-9", "AFTER-1"}

    assert await staff.record_contacted(setting.staff, lines["MISTAKE-1"].invite.id)
    assert await staff.record_contacted(setting.staff, lines["MOLE-1"].invite.id) is None
    lines = {line.invite.patient_ref: line for line in await staff.lines(setting.staff)}
    contacted = lines["MISTAKE-1"]
    assert (contacted.group, contacted.red_flag, contacted.to_contact) == (
        "closed", True, False), "back with the other ended requests, still marked"
    assert contacted.state.startswith(f"{text(f'{ended}.cancelled')}; "
                                      f"{text(f'{step}.red_flag_withdrawn')}")
    assert "Sue Smith" in contacted.state
    words, _ = await staff.overview(setting.staff)
    assert text("inbox.staff.red_flag_line", patient_ref="MISTAKE-1",
                state=html.escape(contacted.state)) in words


async def test_a_new_link_for_a_locked_invite_is_refused_once_its_nhs_number_is_on_another_patient(
    store: Store, setting: Setting
) -> None:
    """A locked link does not hold its NHS number (its date may be the typing mistake), so
    another patient's invite may since carry that number with another date of birth; "New
    link" must not then bring the first date of birth back beside it (two patients under one
    NHS number, hazard log H25): nothing is made and the locked link stays as it was."""
    staff = desk(store)
    first = await staff.create_invite(
        setting.staff, InviteRequest("P-1", date(1980, 2, 3), "9434765919"), None)
    assert not isinstance(first, str)
    locked = (await store.invites.for_practice(setting.practice.id))[0]
    while not await store.invites.record_failed_check(locked.id, lock_after=3):
        pass
    other = await staff.create_invite(
        setting.staff, InviteRequest("P-9", date(1962, 6, 1), "9434765919"), None)
    assert not isinstance(other, str), "a locked link does not hold its NHS number"
    before = await store.invites.for_practice(setting.practice.id)

    renewed = await staff.renew(setting.staff, locked.id)

    assert renewed == "inbox.staff.renew_nhs_number_other_patient"
    assert await store.invites.for_practice(setting.practice.id) == before


async def test_help_at_a_practice_sending_by_mesh_says_invite_needs_the_nhs_number(
    store: Store, setting: Setting
) -> None:
    """/help says "/invite REFERENCE DD/MM/YYYY"; at a practice that sends cases by MESH an
    invite needs the NHS number too (`channels.staff.invite_ask_nhs_number`), so its members'
    /help shows it in the /invite line and says why, naming the practice; at any other
    practice it says nothing of it (hazard log H50)."""
    line = text("inbox.staff.help_nhs_number", practices=setting.practice.name)
    before = await desk(store).help_text(setting.staff.telegram_user_id)
    assert before is not None and line not in before
    await store.practices.set_channels(setting.practice.id, DeliveryChannels(
        ("telegram", "mesh"), mesh_mailbox="A82046OT001", ods_code="A82046"), actor="test")
    after = await desk(store).help_text(setting.staff.telegram_user_id)
    assert after is not None and after.endswith(line)
    assert text("channels.staff.invite_form_nhs_number") in after, (
        "the /invite line itself shows the NHS number, as /invite asks for it")
    assert text("inbox.staff.invite_form") in (before or "")
    other = await desk(store).help_text(setting.other_gp.telegram_user_id)
    assert other is not None and line not in other


async def test_a_second_link_for_one_patient_says_the_first_still_works(
    store: Store, setting: Setting
) -> None:
    """Staff who /invite the same patient (reference and date of birth) again while the first
    link is unopened are told both links work and when the first was sent, so they can cancel
    it if the new one replaces it; another patient, or a first link cancelled, says nothing."""
    staff = desk(store)
    request = InviteRequest("XYZ9", date(1980, 2, 3))
    first = await staff.create_invite(setting.staff, request, None)
    assert not isinstance(first, str)
    warning = text("inbox.staff.invite_open_already", patient_ref="XYZ9",
                   sent=uk_time(first.invite.created_at))
    assert warning not in first.summary
    second = await staff.create_invite(setting.staff, request, None)
    assert not isinstance(second, str) and second.summary.startswith(warning)
    other = await staff.create_invite(setting.staff, InviteRequest("XYZ9", date(1981, 2, 3)),
                                      None)
    assert not isinstance(other, str) and warning not in other.summary, "another patient"
    assert await store.invites.revoke(first.invite.id, actor="test")
    assert await store.invites.revoke(second.invite.id, actor="test")
    third = await staff.create_invite(setting.staff, request, None)
    assert not isinstance(third, str)
    assert text("inbox.staff.invite_open_already").split("{")[0] not in third.summary


async def test_a_busy_practices_invites_list_fits_in_one_message(
    store: Store, setting: Setting
) -> None:
    """25 links not opened, 25 requests in progress and 25 stalled, with long references:
    20 rows a group came to over 4096 characters, which Telegram refuses (no /invites at all,
    red-flag buttons included). Fewer rows a group are listed; each heading keeps its count;
    every red flag is still listed (each is a patient to phone)."""
    staff = desk(store)
    for i in range(12):
        red = await opened_at(store, setting, f"RED-{i:02d}", 900 + i, Stage.CONSENT,
                              Stage.SCREENING)
        await store.cases.move(red, Stage.STOPPED, reason="screen_red_flag")
    old = (datetime.now(UTC) - timedelta(days=5)).isoformat(timespec="seconds")
    for i in range(25):
        ref = f"NEW-{i:02d}".ljust(MAX_REFERENCE, "X")
        await staff.create_invite(setting.staff, InviteRequest(ref, date(1990, 1, 1)), None)
        for stalled, ref in enumerate((f"GO-{i:02d}", f"SLOW-{i:02d}")):
            made, _ = await store.invites.create(setting.practice.id,
                                                 ref.ljust(MAX_REFERENCE, "X"), "1990-01-01",
                                                 valid_days=7)
            case = await store.cases.open_from_invite(made, patient_user_id=1000 + 2 * i + stalled,
                                                      patient_chat_id=1000 + 2 * i + stalled,
                                                      is_child=False)
            if stalled:
                await store.db._conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?",
                                             (old, case.id))
    words, _ = await staff.overview(setting.staff)
    assert len(words) <= LIST_TEXT
    for group in ("not_opened", "in_progress", "stalled"):
        assert text(f"inbox.staff.group_{group}", days=3) + "</b> (25)" in words
    assert all(words.count(f"• {ref}-") >= 2 for ref in ("NEW", "GO", "SLOW")), "rows kept"
    assert all(f"RED-{i:02d}" in words for i in range(12)), "every red flag listed"


async def test_a_busy_practices_list_with_every_row_to_chase_still_fits(
    store: Store, setting: Setting
) -> None:
    """25 links left unopened (each row says so) and 25 stalled requests already reminded
    (each row says when and by whom): the longer rows still fit in one message, each stalled
    request keeps its "Send reminder" and each old link its "New link", those first."""
    staff = desk(store)
    old = (datetime.now(UTC) - timedelta(days=5)).isoformat(timespec="seconds")
    for i in range(25):
        made, _ = await store.invites.create(setting.practice.id,
                                             f"OLD-{i:02d}".ljust(MAX_REFERENCE, "X"),
                                             "1990-01-01", valid_days=7)
        await store.db._conn.execute("UPDATE invites SET created_at = ? WHERE id = ?",
                                     (old, made.id))
        made, _ = await store.invites.create(setting.practice.id,
                                             f"SLOW-{i:02d}".ljust(MAX_REFERENCE, "X"),
                                             "1990-01-01", valid_days=7)
        case = await store.cases.open_from_invite(made, patient_user_id=2000 + i,
                                                  patient_chat_id=2000 + i, is_child=False)
        await store.audit.record("case.reminded", actor=f"member:{setting.staff.id}",
                                 case_id=case.id, practice_id=setting.practice.id,
                                 detail={"by": "staff"})
        await store.db._conn.execute("UPDATE cases SET updated_at = ? WHERE id = ?",
                                     (old, case.id))
    words, acting = await staff.overview(setting.staff)
    assert len(words) <= LIST_TEXT
    assert text("inbox.staff.unopened_note", days=3, patient_ref="").split('"')[0] in words
    assert text("inbox.staff.reminded_note", when="", name="").split(" ")[0] in words
    assert [line.chase for line in acting].count("remind") == 25
    assert [line.chase for line in acting].count("resend") == 25
    assert all(line.chase for line in acting), "nothing else to act on: all to chase"
