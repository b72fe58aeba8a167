"""GP outcomes as plain services: urgent tasks, referrals tracked to e-RS, quality in words."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.content import text
from bot.domain import age
from bot.domain.questions import worded
from bot.domain.working_days import BANK_HOLIDAYS
from bot.handlers.delivery import alert_staff
from bot.inbox.alerts import stop_reason_key
from bot.inbox.decisions import Inbox, read_ubrn
from bot.inbox.digest import age_text, build_digest, quality_flags, uk_time
from bot.inbox.referral_task import ubrn_words
from bot.inbox.reminding import UK
from bot.journey.photo_step import record_refusal
from bot.services import erasure
from bot.services.naming import named
from bot.services.reminders import chase_referrals, chase_urgent_tasks
from bot.store import Store
from bot.store.models import Stage
from tests.auxil.inbox import PATIENT, Setting, submitted_case, working_days_from
from tests.auxil.journey import child_dob
from tests.auxil.photos import tiny_jpeg

BLUR_FAIL = json.dumps({"checks": [{"name": "sharpness", "status": "fail"},
                                   {"name": "exposure", "status": "pass"}]})
DIM_WARN = json.dumps({"checks": [{"name": "exposure", "status": "warn"}]})


def test_times_are_shown_in_uk_time_summer_and_winter() -> None:
    assert uk_time("2026-07-01T12:00:00+00:00") == "1 July 2026 13:00"  # BST
    assert uk_time("2026-11-24T12:00:00+00:00") == "24 November 2026 12:00"  # GMT


def test_a_ubrn_is_twelve_digits_however_it_is_spaced() -> None:
    assert read_ubrn("1234 5678 9012") == "123456789012"
    assert read_ubrn("1234-5678-9012") == "123456789012"
    assert read_ubrn("1234 5678") is None
    assert read_ubrn("ABCD 5678 9012") is None


def test_a_ubrn_is_read_in_groups_of_four_with_its_leading_zeros() -> None:
    assert ubrn_words("000123456789") == "0001 2345 6789"
    assert ubrn_words(read_ubrn("0001 2345 6789") or "") == "0001 2345 6789"


def test_every_stop_has_staff_words_of_its_own() -> None:
    for reason in ("screen_red_flag", "screen_mole", "screen_intimate", "screen_everywhere",
                   "screen_eczema", "screen_child_face", "identity_locked", "consent_declined",
                   "child_declined", "not_guardian", "red_flag_after", "red_flag_ended"):
        assert stop_reason_key(reason) != "inbox.staff.stopped.other", reason
    assert stop_reason_key("something_new") == "inbox.staff.stopped.other"


async def test_the_gp_is_told_a_parent_took_part_only_when_one_did(
    store: Store, setting: Setting
) -> None:
    today = datetime.now(UTC).date()
    told = {}
    for years, user in ((10, 7001), (16, 7002), (40, 7003)):
        born = today.replace(year=today.year - years, day=min(today.day, 28))
        invite, _ = await store.invites.create(setting.practice.id, f"A-{years}",
                                               born.isoformat(), valid_days=7)
        case = await store.cases.open_from_invite(
            invite, patient_user_id=user, patient_chat_id=user,
            is_child=age.is_child(born, today), consent_by=age.consent_by(born, today))
        told[years] = age_text(invite, case, today)
    assert told[10] == text("inbox.gp.child_age", years="10 years")
    assert told[16] == text("inbox.gp.young_age", years="16 years"), "no parent took part"
    assert told[40] == text("inbox.gp.adult_age", years="40 years")


async def test_quality_is_stated_per_photo_in_words_with_its_retakes(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    case = await store.cases.move(case, Stage.CLOSE_UP_1)  # retakes, as after "new photos"
    for seed in (10, 11):
        await store.photos.add(case.id, "close_up_1", store.files.write(tiny_jpeg(seed), ".jpg"),
                               source="photo", verdict="retake", status="rejected",
                               quality=BLUR_FAIL)
    used = await store.photos.add(case.id, "close_up_1",
                                  store.files.write(tiny_jpeg(12), ".jpg"), source="photo",
                                  verdict="retake", status="rejected", quality=BLUR_FAIL)
    await store.photos.accept_anyway(used.id)
    await store.photos.add(case.id, "close_up_2", store.files.write(tiny_jpeg(13), ".jpg"),
                           source="photo", verdict="accept", status="accepted", quality=DIM_WARN)
    case = await store.cases.move(case, Stage.SUBMITTED)
    flags = quality_flags(await store.photos.for_case(case.id),
                          await store.audit.for_case(case.id))
    blur = text("inbox.gp.problem_sharpness")
    despite = text("inbox.gp.flag_sent_anyway", problems=blur)
    twice = text("inbox.gp.retake_reason_times", reason=blur, count=2)
    assert flags == (
        text("inbox.gp.flag_line", shot=text("inbox.gp.caption_close_up_1"),
             notes=f"{despite}; {text('inbox.gp.flag_retakes', count=2, reasons=twice)}"),
        text("inbox.gp.flag_line", shot=text("inbox.gp.caption_close_up_2"), notes=text(
            "inbox.gp.flag_warning", problems=text("inbox.gp.problem_exposure"))),
    )
    assert flags[0].startswith(text("inbox.gp.flag_line", shot=text("inbox.gp.caption_close_up_1"),
                                    notes=despite))
    assert "patient" not in despite, "for a child, a parent sent it"
    digest = await build_digest(store, case)
    assert all(flag in digest.summary_html for flag in flags)
    assert "sharpness" not in digest.summary_html, "words a GP reads, not check names"


async def test_an_urgent_outcome_is_a_task_for_staff_never_the_routine_booking(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    outcome = await Inbox(store).book_appointment(102, case.id, "urgent")  # an older button
    assert outcome.done
    decided = await store.cases.get(case.id)
    assert decided is not None and decided.decision == "urgent"
    queued = await store.outbox.for_case(case.id)
    task = [q for q in queued if q.kind == "staff.task"]
    assert [q.chat_id for q in task] == [101], "the practice's staff"
    told = [json.loads(q.payload)["text"] for q in queued if q.chat_id == PATIENT]
    assert told == [text("inbox.patient.urgent", reference=case.reference,
                         practice="The Lawson Practice", phone="020 7729 7236")]

    assert not (await Inbox(store).task_done(201, case.id)).done, "another practice's GP"
    done = await Inbox(store).task_done(101, case.id)
    assert done.done and "Sue Smith" in done.text
    assert not (await Inbox(store).task_done(101, case.id)).done, "done once"
    events = [e.kind for e in await store.audit.for_case(case.id)]
    assert "case.task_done" in events


async def test_a_failed_write_of_the_red_flag_contact_leaves_the_urgent_task_open_not_half_done(
    store: Store, setting: Setting
) -> None:
    """Done on an urgent task with a red-flag answer is one call: the task and the red-flag
    contact are written together, so a crash or a full disk between the two (here a write
    refused by SQLite) leaves both unrecorded and staff still see the task, never a done
    task whose red-flag row comes back."""
    case = await submitted_case(store, setting)
    assert (await Inbox(store).book_appointment(102, case.id, "urgent")).done
    decided = await store.cases.get(case.id)
    assert decided is not None
    async with store.db.transaction() as conn:
        await conn.execute(
            "CREATE TEMP TRIGGER refuse_contact BEFORE INSERT ON events "
            "WHEN NEW.kind = 'case.patient_contacted' BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        await store.cases.close_outcome(decided, "task_done_at", actor="member:1",
                                        event="case.task_done", contacted=True)
    still = await store.cases.get(case.id)
    assert still is not None and still.task_done_at is None, "the task is still open"
    assert [c.id for c in await store.cases.outcome_open_since(
        "urgent", "task_done_at", datetime.now(UTC).isoformat())] == [case.id]
    async with store.db.transaction() as conn:
        await conn.execute("DROP TRIGGER refuse_contact")
    assert await store.cases.close_outcome(decided, "task_done_at", actor="member:1",
                                           event="case.task_done", contacted=True)
    assert case.id in await store.audit.contacted(setting.practice.id)
    assert not await store.cases.close_outcome(decided, "task_done_at", actor="member:1",
                                               event="case.task_done", contacted=True)


async def test_without_staff_the_urgent_task_goes_to_the_gps(store: Store,
                                                              setting: Setting) -> None:
    await store.practices.remove_member(setting.practice.id, 101, actor="test")
    case = await submitted_case(store, setting)
    await Inbox(store).urgent(102, case.id)
    task = [q for q in await store.outbox.for_case(case.id) if q.kind == "staff.task"]
    assert [q.chat_id for q in task] == [102]


async def test_a_referral_is_open_until_marked_sent_and_the_ubrn_goes_with_erasure(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    inbox = Inbox(store, referral_days=5)
    assert not (await inbox.mark_referral_sent(102, case.id, None)).done, "not referred yet"
    await inbox.refer(102, case.id)
    told = [json.loads(q.payload)["text"] for q in await store.outbox.for_case(case.id)
            if q.chat_id == PATIENT]
    assert told == [text("inbox.patient.referred", reference=case.reference,
                         practice="The Lawson Practice", phone="020 7729 7236", days=5)]
    assert not (await inbox.mark_referral_sent(201, case.id, None)).done
    sent = await inbox.mark_referral_sent(102, case.id, "123456789012")
    assert sent.done and "1234 5678 9012" in sent.text, "the GP reads it in groups of four"
    again = await inbox.mark_referral_sent(102, case.id, None)
    closed = await store.cases.get(case.id)
    assert closed is not None
    assert not again.done and again.text == text(
        "inbox.staff.second_mark", reference=case.reference,
        who=text("inbox.staff.marker", name=setting.gp.display_name,
                 role=text("inbox.staff.role_gp")),
        when=uk_time(closed.referral_sent_at),
        ubrn=text("inbox.staff.second_mark_ubrn", ubrn="1234 5678 9012")), \
        "a second mark is told who marked it (name and role), when, and its UBRN"
    assert closed is not None and closed.ubrn == "123456789012" and closed.referral_sent_at
    assert "123456789012" not in json.dumps(
        [e.detail for e in await store.audit.for_case(case.id)]), "no UBRN in the audit trail"
    await store.cases.erase(closed, Stage.ERASED, actor="bot", reason="retention")
    erased = await store.cases.get(case.id)
    assert erased is not None and erased.ubrn is None


async def test_a_referral_erased_before_it_was_marked_sent_is_never_recorded_or_called_sent(
    store: Store, setting: Setting
) -> None:
    """Erased by the patient (or by retention) after the GP referred and before the referral
    was marked sent: "Referral sent on e-RS" is closed with the truth before any UBRN is asked
    for, and marking it records nothing; staff were told the referral was still to be made."""
    inbox = Inbox(store)
    for erased_by, key in (("patient", "inbox.gp.referral_erased"),
                           ("retention", "inbox.gp.referral_erased_retention")):
        case = await submitted_case(store, setting)
        assert await inbox.referral_closed(102, case.id) is not None, "not referred yet"
        await inbox.refer(102, case.id)
        assert await inbox.referral_closed(102, case.id) is None, "open: the UBRN is asked for"
        referred = await store.cases.get(case.id)
        assert referred is not None
        await erasure.erase(store, referred, Stage.ERASED, actor=erased_by, reason="test")
        truth = text(key, reference=case.reference)
        closed = await inbox.referral_closed(102, case.id)
        assert closed is not None and closed.text == truth
        marked = await inbox.mark_referral_sent(102, case.id, "123456789012")
        assert not marked.done and marked.text == truth
        stub = await store.cases.get(case.id)
        assert stub is not None and stub.referral_sent_at is None and stub.ubrn is None
        to_staff = [q for q in await store.outbox.for_case(case.id)
                    if q.chat_id == setting.staff.telegram_user_id]
        staff_told = [json.loads(q.payload).get("text") for q in to_staff]
        assert [(q.failed_at is not None, q.payload) for q in to_staff
                if ":referral-task:" in q.dedupe_key] == [(True, "{}")], \
            "the task to make the referral, not yet sent, is cancelled with its words"
        assert (text("inbox.staff.patient_deleted_referral", patient_ref="P-9",
                     reference=case.reference) in staff_told) is (erased_by == "patient")


async def test_a_typed_reason_for_new_photos_reaches_the_patient_as_written(
    store: Store, setting: Setting
) -> None:
    case = await submitted_case(store, setting)
    inbox = Inbox(store)
    assert not (await inbox.ask_new_photos(102, case.id, ["locator"], "typed", "")).done
    assert not (await inbox.ask_new_photos(102, case.id, ["locator"], "typed", "x" * 201)).done
    outcome = await inbox.ask_new_photos(102, case.id, ["locator"], "typed",
                                         "  Please  show the whole arm. ")
    assert outcome.done and "“Please show the whole arm.”" in outcome.text
    told = [json.loads(q.payload)["text"] for q in await store.outbox.for_case(case.id)
            if q.chat_id == PATIENT]
    assert told == [text("inbox.patient.new_photos", reference=case.reference,
                         shots=text("inbox.patient.shot_locator"),
                         reason="Please show the whole arm.")]


async def test_the_first_reminder_of_an_unsent_referral_goes_on_a_working_day_only(
    store: Store, setting: Setting
) -> None:
    """Staff are reminded of a referral not marked sent on a working day, as every reminder
    after it is (bot/inbox/referral_again.py), never on a weekend or an English bank holiday
    (hazard log H71)."""
    case = await submitted_case(store, setting)
    await Inbox(store).refer(102, case.id)
    soon = datetime.now(UTC) + timedelta(days=4)
    days = [(soon + timedelta(days=n)).astimezone(UK).replace(hour=10) for n in range(400)]
    saturday = next(d for d in days if d.isoweekday() == 6)
    holiday = next(d for d in days if d.isoweekday() < 6 and d.date() in BANK_HOLIDAYS)
    assert await chase_referrals(store, 3, now=saturday) == 0, "not on a weekend"
    assert await chase_referrals(store, 3, now=holiday) == 0, "not on a bank holiday"
    assert await chase_referrals(store, 3, now=working_days_from(holiday)[0]) == 1


async def test_an_unsent_referral_is_chased_once(store: Store, setting: Setting) -> None:
    referred = await submitted_case(store, setting)
    await Inbox(store).refer(102, referred.id)
    done = await submitted_case(store, setting)
    await Inbox(store).refer(102, done.id)
    await Inbox(store).mark_referral_sent(102, done.id, None)

    assert await chase_referrals(store, 3, now=datetime.now(UTC) + timedelta(hours=2)) == 0
    later = working_days_from(datetime.now(UTC) + timedelta(days=3))[0]
    assert await chase_referrals(store, 3, now=later) == 1
    assert await chase_referrals(store, 3, now=later) == 0, "once per case"
    waiting = [q for q in await store.outbox.for_case(referred.id)
               if "referral-waiting" in q.dedupe_key]
    assert len(waiting) == 1 and waiting[0].chat_id == 101
    assert not [q for q in await store.outbox.for_case(done.id) if "waiting" in q.dedupe_key]


async def test_an_urgent_task_is_chased_every_four_hours_until_done(
    store: Store, setting: Setting
) -> None:
    """Hazard log H22: the task says "phone the patient today", and until December 2026 it
    was sent again once, a day or two later. Now it is sent again 4 hours after the decision
    and every 4 hours after that (the job runs in working hours only), each time saying when
    the GP decided, until someone taps Done."""
    urgent = await submitted_case(store, setting)
    await Inbox(store).urgent(102, urgent.id)
    decided = await store.cases.get(urgent.id)
    assert decided is not None and decided.decided_at
    start = datetime.fromisoformat(decided.decided_at)

    def chases() -> list[str]:
        return [json.loads(q.payload)["text"] for q in queued if "again" in q.dedupe_key]

    assert await chase_urgent_tasks(store, now=start + timedelta(hours=3)) == 0
    assert await chase_urgent_tasks(store, now=start + timedelta(hours=4, minutes=1)) == 1
    assert await chase_urgent_tasks(store, now=start + timedelta(hours=5)) == 0, "not yet"
    assert await chase_urgent_tasks(store, now=start + timedelta(hours=8, minutes=2)) == 1
    queued = await store.outbox.for_case(urgent.id)
    words = text("inbox.staff.urgent_task_again", patient_ref="P-9",
                 reference=urgent.reference, since=uk_time(decided.decided_at))
    assert chases() == [words, words], "to staff only, at first"
    assert all(q.chat_id == 101 and q.kind == "staff.task" for q in queued
               if "again" in q.dedupe_key)
    # the third chase (normally the next working day) goes to the GP who decided too
    assert await chase_urgent_tasks(store, now=start + timedelta(hours=12, minutes=3)) == 2
    queued = await store.outbox.for_case(urgent.id)
    (to_gp,) = [q for q in queued if "again" in q.dedupe_key and q.chat_id == 102]
    assert json.loads(to_gp.payload)["text"] == text(
        "inbox.staff.urgent_task_again_gp", patient_ref="P-9", reference=urgent.reference,
        since=uk_time(decided.decided_at), count=2)
    assert to_gp.kind == "staff.task", "with its Done button: a GP may tap it too"
    # the GP blocked the bot: their own words are never passed on to staff ("You found...");
    # staff have their own chase
    await store.practices.add_member(setting.practice.id, 105, "staff", "Nadia New")
    before = len(await store.outbox.for_case(urgent.id))
    await store.outbox.mark_failed(to_gp.id, "403: Forbidden: bot was blocked by the user")
    await alert_staff(store, to_gp, "403: Forbidden: bot was blocked by the user", "bot")
    assert not [q for q in (await store.outbox.for_case(urgent.id))[before:]
                if json.loads(q.payload or "{}").get("text") == json.loads(to_gp.payload)["text"]]
    await Inbox(store).task_done(102, urgent.id)
    assert await chase_urgent_tasks(store, now=start + timedelta(days=1)) == 0
    chased = [e for e in await store.audit.for_case(urgent.id) if e.kind == "task.chased"]
    assert [json.loads(e.detail)["chase"] for e in chased] == [1, 2, 3]


async def test_an_urgent_chase_never_tells_a_gp_who_joined_after_the_decision(
    store: Store, setting: Setting
) -> None:
    """The audit names the deciding GP by member row id, and SQLite gives a new member the id
    of the newest member removed: a locum who decided and left must not have their chase
    ("You found this needs an urgent referral") sent to the GP who took their place."""
    locum = await store.practices.add_member(setting.practice.id, 103, "gp", "Dr Locum")
    urgent = await submitted_case(store, setting)
    await Inbox(store).urgent(103, urgent.id)
    start = datetime.now(UTC) - timedelta(days=7)
    async with store.db.transaction() as conn:  # the locum joined and decided last week
        when = start.isoformat(timespec="seconds")
        await conn.execute("UPDATE members SET created_at = ? WHERE id = ?",
                           ((start - timedelta(days=30)).isoformat(timespec="seconds"),
                            locum.id))
        await conn.execute("UPDATE cases SET decided_at = ? WHERE id = ?", (when, urgent.id))
        await conn.execute("UPDATE events SET created_at = ? WHERE case_id = ?",
                           (when, urgent.id))
    assert await store.practices.remove_member(setting.practice.id, 103, actor="cli")
    successor = await store.practices.add_member(setting.practice.id, 104, "gp", "Dr New")
    assert successor.id == locum.id, "the id the decision's audit event names"

    for hours in (4, 8, 12):
        await chase_urgent_tasks(store, now=start + timedelta(hours=hours, minutes=hours))
    chats = {q.chat_id for q in await store.outbox.for_case(urgent.id)
             if "again" in q.dedupe_key}
    assert chats == {setting.staff.telegram_user_id}, "staff only: the locum has left"


async def test_retakes_count_refusals_with_their_reason_and_never_a_replaced_photos(
    store: Store, setting: Setting
) -> None:
    """Issue: "no retakes" after two child's-face refusals and a 20 MB file, and "3 retakes"
    left on a new photo taken first time. Each kept photo now counts the tries before it
    (refused ones too, with their reason), and a photo replaced later keeps its own."""
    case = await submitted_case(store, setting)
    case = await store.cases.move(case, Stage.CLOSE_UP_1)  # the GP asked for a new close-up
    for _ in range(2):
        await store.audit.record("photo.child_face_discarded", actor="patient",
                                 case_id=case.id, detail={"shot": "close_up_1"})
    await record_refusal(store, case, "close_up_1", "file_too_big")
    await store.photos.add(case.id, "close_up_1", store.files.write(tiny_jpeg(20), ".jpg"),
                           source="photo", verdict="retake", status="rejected",
                           quality=BLUR_FAIL)
    await store.photos.add(case.id, "close_up_1", store.files.write(tiny_jpeg(21), ".jpg"),
                           source="photo", verdict="accept", status="accepted", quality="{}")
    face = text("inbox.gp.retake_reason_times", reason=text("inbox.gp.refused_child_face"),
                count=2)
    reasons = text("inbox.gp.retake_join").join([face, text("inbox.gp.refused_file_too_big"),
                                                  text("inbox.gp.problem_sharpness")])
    assert quality_flags(await store.photos.for_case(case.id),
                         await store.audit.for_case(case.id)) == (
        text("inbox.gp.flag_line", shot=text("inbox.gp.caption_close_up_1"),
             notes=text("inbox.gp.flag_retakes", count=4, reasons=reasons)),)

    case = await store.cases.move(await store.cases.move(case, Stage.SUBMITTED),
                                  Stage.CLOSE_UP_1)  # asked again: taken first time now
    await store.photos.add(case.id, "close_up_1", store.files.write(tiny_jpeg(22), ".jpg"),
                           source="photo", verdict="accept", status="accepted", quality="{}")
    assert quality_flags(await store.photos.for_case(case.id),
                         await store.audit.for_case(case.id)) == ()
    digest = await build_digest(store, case)
    assert text("inbox.gp.no_flags") in digest.summary_html


async def test_retakes_of_a_discarded_set_are_never_counted_against_the_new_photos(
    store: Store, setting: Setting
) -> None:
    """Reviewer: after "No, take new photos" the rows go and attempts are numbered from 1
    again, and tries left from the discarded set were counted against the new photo (matched
    by shot and attempt). The GP's note now counts only tries at the new set."""
    case = await submitted_case(store, setting)
    case = await store.cases.move(case, Stage.CLOSE_UP_1)  # the GP asked for a new close-up
    await store.photos.add(case.id, "close_up_1", store.files.write(tiny_jpeg(30), ".jpg"),
                           source="photo", verdict="retake", status="rejected",
                           quality=BLUR_FAIL)
    await store.photos.add(case.id, "close_up_1", store.files.write(tiny_jpeg(31), ".jpg"),
                           source="photo", verdict="accept", status="accepted", quality="{}")
    await record_refusal(store, case, "close_up_1", "file_too_big")  # a try after it was kept
    case = await store.cases.move(case, Stage.REVIEW)
    case, files = await store.cases.photos_again(case, forget=(), redo=("locator", "close_up_1",
                                                                        "close_up_2"),
                                                  reason="photos_of_another_area")
    assert files and await store.photos.for_case(case.id) == []
    for seed, shot in enumerate(("locator", "close_up_1", "close_up_2"), start=40):
        await store.photos.add(case.id, shot, store.files.write(tiny_jpeg(seed), ".jpg"),
                               source="photo", verdict="accept", status="accepted",
                               quality="{}")
    new = await store.photos.for_case(case.id)
    assert [p.attempt for p in new] == [1, 1, 1], "numbered from 1 again"
    assert quality_flags(new, await store.audit.for_case(case.id)) == (), (
        "each new photo was taken first time: no retakes")
    # a blurred try at the new set still counts, with its own reason
    await store.photos.add(case.id, "close_up_2", store.files.write(tiny_jpeg(50), ".jpg"),
                           source="photo", verdict="retake", status="rejected",
                           quality=BLUR_FAIL)
    await store.photos.add(case.id, "close_up_2", store.files.write(tiny_jpeg(51), ".jpg"),
                           source="photo", verdict="accept", status="accepted", quality="{}")
    assert quality_flags(await store.photos.for_case(case.id),
                         await store.audit.for_case(case.id)) == (
        text("inbox.gp.flag_line", shot=text("inbox.gp.caption_close_up_2"),
             notes=text("inbox.gp.flag_retake_one", count=1,
                        reasons=text("inbox.gp.problem_sharpness"))),)


async def test_a_parent_reads_each_update_about_the_child_naming_the_request(
    store: Store, setting: Setting
) -> None:
    """A parent may have several requests open (their children's, their own): each update
    on a child's request (referred, sent on e-RS, new photos) speaks about the child's
    photos and names the request as other messages do (`bot.services.naming`), not by the
    reference alone."""
    practice = {"practice": "The Lawson Practice", "phone": "020 7729 7236"}
    inbox = Inbox(store, referral_days=5)
    referred = await submitted_case(store, setting, born=child_dob(8))
    asked = await submitted_case(store, setting, born=child_dob(6))
    await inbox.refer(102, referred.id)
    await inbox.mark_referral_sent(102, referred.id, None)
    await inbox.ask_new_photos(102, asked.id, ["locator"], "blurred")
    for case, keys in ((referred, ("referred", "referral_sent")), (asked, ("new_photos",))):
        told = [json.loads(q.payload)["text"] for q in await store.outbox.for_case(case.id)
                if q.chat_id == PATIENT]
        name = await named(store, case)
        assert name.startswith(text("journey.cases.named_child").split("{")[0])
        values = {"reference": case.reference, "days": 5, "request": name,
                  "shots": text("inbox.patient.shot_locator"),
                  "reason": text("inbox.patient.reason_blurred"), **practice}
        assert told == [worded(f"inbox.patient.{key}", parent=True, **values) for key in keys]
        for key in keys:
            assert told[keys.index(key)] != text(f"inbox.patient.{key}", **values)
            assert name in told[keys.index(key)]


async def test_a_photo_replaced_at_the_review_is_a_retake_with_its_reason(
    store: Store, setting: Setting
) -> None:
    """Walkthrough: the patient replaced close-up 2 at the review (a blurred try, then a good
    one) and the GP's summary said "no retakes". The replaced photo is now a retake of its
    shot, "replaced by the patient", with the tries at the new one."""
    invite, _ = await store.invites.create(setting.practice.id, "P-9", "1980-02-03",
                                           valid_days=7, gp_member_id=None)
    case = await store.cases.open_from_invite(invite, patient_user_id=PATIENT,
                                              patient_chat_id=PATIENT, is_child=False,
                                              consent_by="self")
    for index, shot in enumerate(("locator", "close_up_1", "close_up_2")):
        await store.photos.add(case.id, shot, store.files.write(tiny_jpeg(index), ".jpg"),
                               source="photo", verdict="accept", status="accepted",
                               quality="{}")
    for stage in (Stage.CONSENT, Stage.SCREENING, Stage.PREPARATION, Stage.LOCATOR,
                  Stage.CLOSE_UP_1, Stage.CLOSE_UP_2, Stage.DETAILS, Stage.REVIEW,
                  Stage.CLOSE_UP_2):  # "Replace a photo", close-up 2
        case = await store.cases.move(case, stage)
    await store.photos.add(case.id, "close_up_2", store.files.write(tiny_jpeg(7), ".jpg"),
                           source="photo", verdict="retake", status="rejected",
                           quality=BLUR_FAIL)
    await store.photos.add(case.id, "close_up_2", store.files.write(tiny_jpeg(8), ".jpg"),
                           source="photo", verdict="accept", status="accepted", quality="{}")
    for stage in (Stage.REVIEW, Stage.SUBMITTED):
        case = await store.cases.move(case, stage)
    reasons = text("inbox.gp.retake_join").join([text("inbox.gp.replaced_by_patient"),
                                                  text("inbox.gp.problem_sharpness")])
    flags = quality_flags(await store.photos.for_case(case.id),
                          await store.audit.for_case(case.id))
    assert flags == (text("inbox.gp.flag_line", shot=text("inbox.gp.caption_close_up_2"),
                          notes=text("inbox.gp.flag_retakes", count=2, reasons=reasons)),)
    assert flags[0] == "Close-up 2: 2 retakes (replaced by the patient, then blur)"
    digest = await build_digest(store, case)
    assert text("inbox.gp.no_flags") not in digest.summary_html

    case = await store.cases.move(case, Stage.CLOSE_UP_2)  # then a GP asked for it again
    await store.photos.add(case.id, "close_up_2", store.files.write(tiny_jpeg(9), ".jpg"),
                           source="photo", verdict="accept", status="accepted", quality="{}")
    assert quality_flags(await store.photos.for_case(case.id),
                         await store.audit.for_case(case.id)) == (), "the GP's, not a retake"


async def test_retakes_with_two_problems_each_read_apart_in_order(
    store: Store, setting: Setting
) -> None:
    """As in the sandbox: a blurred close-up, then one blurred and dark, then a good one. The
    GP reads the two tries apart, oldest first, not "blur, blur and poor light"."""
    case = await submitted_case(store, setting)
    case = await store.cases.move(case, Stage.CLOSE_UP_1)
    blur_and_dark = json.dumps({"checks": [{"name": "sharpness", "status": "fail"},
                                           {"name": "exposure", "status": "fail"}]})
    for seed, quality in ((30, BLUR_FAIL), (31, blur_and_dark)):
        await store.photos.add(case.id, "close_up_1", store.files.write(tiny_jpeg(seed), ".jpg"),
                               source="photo", verdict="retake", status="rejected",
                               quality=quality)
    await store.photos.add(case.id, "close_up_1", store.files.write(tiny_jpeg(32), ".jpg"),
                           source="photo", verdict="accept", status="accepted", quality="{}")
    case = await store.cases.move(case, Stage.SUBMITTED)
    blur = text("inbox.gp.problem_sharpness")
    both = f"{blur} and {text('inbox.gp.problem_exposure')}"
    (flag,) = quality_flags(await store.photos.for_case(case.id),
                            await store.audit.for_case(case.id))
    assert flag == text("inbox.gp.flag_line", shot=text("inbox.gp.caption_close_up_1"),
                        notes=text("inbox.gp.flag_retakes", count=2, reasons=text(
                            "inbox.gp.retake_join").join([blur, both])))
    assert f"{blur}, {both}" not in flag, "each try reads apart"
