"""The patient's journey as a service: from an invite to a receipt, and the ways it stops."""

from __future__ import annotations

from bot.content import text, texts
from bot.domain.questions import worded
from bot.journey.service import Journey
from bot.store import Store
from bot.store.models import Stage
from tests.auxil.e2e.patient import first_line
from tests.auxil.journey import (
    USER,
    InviteMaker,
    give_date_of_birth,
    send,
    tap,
    words,
)

PRACTICE = {"practice": "The Lawson Practice", "phone": "020 7729 7236"}
"""The practice of the `invite` fixture, as its texts name it."""


async def test_happy_path_from_invite_to_receipt(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    token = await invite()
    replies = await journey.start(USER, USER, token)
    assert "The Lawson Practice" in words(replies)
    assert first_line("journey.identity.ask") in words(replies)
    unread = await journey.typed(USER, "the third of feb")
    assert first_line("journey.identity.not_a_date") in words(unread)
    read_back = await journey.typed(USER, "03-02-1980")
    assert words(read_back) == text("journey.identity.confirm", date="3 February 1980")
    replies = await give_date_of_birth(journey, USER, "03-02-1980")
    assert text("journey.consent.who") in words(replies)
    assert text("journey.consent.keep", days=30) in words(replies)
    replies = await tap(journey, replies, text("journey.consent.yes"))
    assert text("journey.screening.is_rash.question") in words(replies)
    for label in (text(f"journey.screening.{key}")
                  for key in ("is_rash.rash", "red_flags.no", "site.arm", "areas.one")):
        replies = await tap(journey, replies, label)
    assert texts("journey.prepare.steps")[0] in words(replies)
    for _ in texts("journey.prepare.steps")[1:]:
        replies = await tap(journey, replies, text("journey.prepare.next"))
    assert words(replies) == texts("journey.prepare.steps")[-1]
    replies = await tap(journey, replies, text("journey.prepare.ready"))
    assert first_line("journey.photos.locator") in words(replies) and replies[0].picture is not None
    replies = await send(journey, b"locator-good")
    assert text("journey.photos.accepted", number=1) in words(replies)
    assert text("journey.photos.close_up_1").split("\n")[0] in words(replies)
    replies = await send(journey, b"WARN close-up one")
    assert text("quality.size.larger_original") in words(replies)  # sent as a file already
    replies = await send(journey, b"close-up two")
    assert text("journey.photos.all_done") in words(replies)
    replies = await journey.typed(USER, "  left   forearm ")
    for label in (text("journey.details.duration_weeks"), text("journey.details.symptoms_itchy")):
        replies = await tap(journey, replies, label)
    replies = await journey.typed(USER, "E45 cream")
    album = [r for r in replies if r.album]
    assert len(album) == 1 and [p[0] for p in album[0].album] == [
        b"clean:locator-good", b"clean:WARN close-up one", b"clean:close-up two"]
    summary = words(replies)
    for expected in ("left forearm", text("journey.details.duration_weeks"), "E45 cream"):
        assert expected in summary
    replies = await tap(journey, replies, text("journey.review.send"))
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.SUBMITTED and case.submitted_at
    assert text("journey.receipt.text", reference=case.reference, **PRACTICE) in words(replies)


async def test_three_wrong_dates_of_birth_lock_the_invite(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    token = await invite()
    await journey.start(USER, USER, token)
    assert "2 more tries" in words(await give_date_of_birth(journey, USER, "01/01/1990"))
    assert "1 more try" in words(await give_date_of_birth(journey, USER, "02/01/1990"))
    replies = await give_date_of_birth(journey, USER, "03/01/1990")
    assert text("journey.identity.locked", **PRACTICE) in words(replies)
    assert text("journey.commands.status", where=text("journey.status_words.stopped"),
                next=text("journey.status_words.next_locked", **PRACTICE)) in words(
        await journey.status(USER)), "/status asks again to call the practice"
    found = await store.invites.find(token)
    assert found is not None and found.locked_at
    assert first_line("journey.invite.locked") in words(
        await journey.start(USER + 1, USER + 1, token))
    assert first_line("journey.stop.ended") in words(await journey.typed(USER, "03/02/1980"))


async def test_bad_links_get_a_clear_answer(journey: Journey, invite: InviteMaker,
                                            store: Store) -> None:
    assert text("journey.invite.unknown") in words(await journey.start(USER, USER, "nonsense"))
    token = await invite()
    found = await store.invites.find(token)
    assert found is not None
    await store.invites.revoke(found.id, actor="member:1")
    assert first_line("journey.invite.revoked") in words(await journey.start(USER, USER, token))
    other = await invite(ref="P-2")
    await journey.start(USER, USER, other)
    replies = await journey.start(USER + 5, USER + 5, other)
    assert text("journey.invite.used", **PRACTICE) in words(replies)


async def test_a_link_replaced_by_new_link_says_a_newer_one_was_sent(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    """Opening the old link after staff tapped "New link" does not blame the patient (H50)."""
    old = await invite()
    found = await store.invites.find(old)
    assert found is not None
    newer = await store.invites.reissue(found.id, valid_days=14, actor="member:1")
    assert newer is not None
    replies = words(await journey.start(USER, USER, old))
    assert replies == text("journey.invite.replaced", **PRACTICE)
    assert text("journey.invite.unknown") not in replies
    assert first_line("journey.identity.ask") in words(await journey.start(USER, USER, newer))
    assert text("journey.invite.unknown") in words(
        await journey.start(USER + 1, USER + 1, old + "x")), "a link never issued is unknown"


async def test_a_locked_link_renewed_by_staff_says_a_newer_one_was_sent(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    """Someone else (the patient on their own phone) opening a link locked by wrong dates of
    birth, after staff renewed it, is told a newer link was sent, not that it was cancelled."""
    token = await invite()
    await journey.start(USER, USER, token)
    for wrong in ("01/01/1990", "02/01/1990", "03/01/1990"):
        await give_date_of_birth(journey, USER, wrong)
    found = await store.invites.find(token)
    assert found is not None and found.locked_at
    renewal = await store.invites.renew_locked(found.id, valid_days=14, actor="member:1")
    assert renewal is not None
    newer = renewal[1]
    replies = words(await journey.start(USER + 1, USER + 1, token))
    assert replies == text("journey.invite.replaced", **PRACTICE)
    assert first_line("journey.invite.revoked") not in replies
    assert first_line("journey.identity.ask") in words(
        await journey.start(USER + 1, USER + 1, newer))


async def test_reopening_the_link_resumes_where_the_patient_was(
    journey: Journey, invite: InviteMaker
) -> None:
    token = await invite()
    await journey.start(USER, USER, token)
    await give_date_of_birth(journey, USER, "3 February 1980")
    replies = await journey.start(USER, USER, token)
    assert text("journey.invite.welcome_back") in words(replies)
    assert text("journey.consent.keep", days=30) in words(replies)
    replies = await journey.start(USER, USER, None)
    assert text("journey.invite.welcome_back") in words(replies)




async def test_a_date_that_does_not_exist_is_said_so_and_the_day_first_before_the_link_locks(
    journey: Journey, invite: InviteMaker
) -> None:
    """31/02/1980 is read, but there is no such day: the patient is told so, not that it was
    unreadable, and that the day comes first (12/25/1980 was typed month first). A wrong date
    says the day comes first while tries are left, not once the link is locked."""
    token = await invite()
    await journey.start(USER, USER, token)
    for typed in ("31/02/1980", "12/25/1980"):
        replies = words(await journey.typed(USER, typed))
        assert text("journey.identity.no_such_date") in replies, typed
        assert text("journey.identity.day_first") in replies, typed
        assert first_line("journey.identity.not_a_date") not in replies, typed
    for left in (2, 1):  # 02/03/1980 typed month first: 2 March, not 3 February
        replies = words(await give_date_of_birth(journey, USER, "02/03/1980"))
        assert text("journey.identity.wrong", left=left,
                    tries="tries" if left > 1 else "try") in replies
        assert text("journey.identity.day_first") in replies
    replies = words(await give_date_of_birth(journey, USER, "02/03/1980"))
    assert first_line("journey.identity.locked") in replies
    assert text("journey.identity.day_first") not in replies


async def test_help_and_status_during_consent_ask_the_question_again_not_all_three_messages(
    journey: Journey, invite: InviteMaker
) -> None:
    """/help or /status while consent waits: the question and its buttons again, pointing to
    the three messages above, not the three messages all over again; its buttons work. A
    parent is asked again whether they are the child's parent or guardian."""
    for user, born, parent in ((USER, "1980-02-03", False), (USER + 1, "2019-05-06", True)):
        await journey.start(user, user, await invite(dob=born, ref=f"P-{user}"))
        typed = f"{born[8:]}/{born[5:7]}/{born[:4]}"
        first = words(await give_date_of_birth(journey, user, typed))
        assert worded("journey.consent.why", parent=parent) in first, "the 3 messages first"
        for asked in (journey.help, journey.status):
            replies = await asked(user)
            shown = words(replies)
            assert worded("journey.consent.again", parent=parent) in shown, asked
            for key in ("why", "who"):
                assert worded(f"journey.consent.{key}", parent=parent) not in shown, key
            assert first_line("journey.consent.keep") not in shown
            assert first_line("journey.consent.keep_parent") not in shown
        yes, then = ((text("journey.consent.guardian_yes"), "journey.consent.agree_parent")
                     if parent else (text("journey.consent.yes"),
                                     "journey.screening.is_rash.question"))
        after = await tap(journey, replies, yes, user)
        assert text(then) in words(after), "the button under the question asked again works"
