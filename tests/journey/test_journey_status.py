"""/status says what the patient must do, or wait for, next once the request was sent or ended:
from the case's stage and the GP's decision, each in its own words
(`journey.status_words.next_*`, bot/journey/status_next.py), never "Next: nothing" while the
patient still has something to do or to wait for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.content import text, texts
from bot.domain.questions import CONSENT_CRITERIA, STOP_CRITERIA, worded
from bot.inbox.decisions import Inbox
from bot.journey.service import Journey
from bot.journey.status_next import STOPPED_NEXT
from bot.services.naming import request_name
from bot.store import Store
from bot.store.models import Practice
from tests.auxil.journey import (
    USER,
    InviteMaker,
    buttons,
    photos_then_send,
    tap,
    to_photos,
    to_screening,
    words,
)

GP = 102

Decide = Callable[[Inbox, int], Awaitable[object]]


async def refer_and_send(inbox: Inbox, case_id: int) -> None:
    """The GP refers, then marks the referral sent on e-RS."""
    await inbox.refer(GP, case_id)
    await inbox.mark_referral_sent(GP, case_id, None)


async def no_decision(inbox: Inbox, case_id: int) -> None:
    """The GP has not looked yet."""


async def sent_and_decided(journey: Journey, store: Store, practice: Practice,
                           invite: InviteMaker, decide: Decide) -> None:
    """The patient sends their photos to Dr Gee, who then `decide`s."""
    await store.practices.add_member(practice.id, GP, "gp", "Dr Gee")
    await to_photos(journey, invite)
    await photos_then_send(journey)
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    await decide(Inbox(store), case.id)


DECISIONS = [
    pytest.param(no_decision, "submitted", "next_submitted", id="waiting-for-the-gp"),
    pytest.param(lambda inbox, case_id: inbox.urgent(GP, case_id), "decided", "next_urgent",
                 id="urgent-two-week-wait"),
    pytest.param(lambda inbox, case_id: inbox.book_appointment(GP, case_id, "in_person"),
                 "decided", "next_appointment", id="book-an-appointment"),
    pytest.param(lambda inbox, case_id: inbox.refer(GP, case_id), "decided", "next_referred",
                 id="referred"),
    pytest.param(refer_and_send, "decided", "next_referral_sent", id="referral-sent"),
]


@pytest.mark.parametrize(("decide", "where", "next_key"), DECISIONS)
async def test_status_after_sending_says_what_comes_next_from_the_gp_decision(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker,
        decide: Decide, where: str, next_key: str) -> None:
    await sent_and_decided(journey, store, practice, invite, decide)
    case = await store.cases.current_for_patient(USER)
    assert case is not None

    said = words(await journey.status(USER))

    expected = text(f"journey.status_words.{next_key}", practice=practice.name,
                    phone=practice.phone)
    assert text("journey.commands.status_sent", where=text(f"journey.status_words.{where}"),
                next=expected, reference=case.reference) in said, "with the receipt's reference"
    assert not expected.startswith(text("journey.status_words.next_closed"))


async def sent_keeping_the_red_flag_yes(journey: Journey, invite: InviteMaker) -> str:
    """A request answered "no" to red flags and sent; the red-flag question's "yes" button
    data, kept to be tapped later."""
    replies = await to_screening(journey, invite)
    replies = await tap(journey, replies, text("journey.screening.is_rash.rash"))
    said_yes_later = buttons(replies)[text("journey.screening.red_flags.yes")]
    replies = await tap(journey, replies, text("journey.screening.red_flags.no"))
    for label in (text("journey.screening.site.arm"), text("journey.screening.areas.one"),
                  *(text("journey.prepare.next"),) * (len(texts("journey.prepare.steps")) - 1),
                  text("journey.prepare.ready")):
        replies = await tap(journey, replies, label)
    await photos_then_send(journey)
    return said_yes_later


async def test_status_after_a_red_flag_stop_gives_the_999_and_111_advice_again(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    replies = await to_screening(journey, invite)
    replies = await tap(journey, replies, text("journey.screening.is_rash.rash"))
    replies = await tap(journey, replies, text("journey.screening.red_flags.yes"))
    await tap(journey, replies, text("journey.confirm.yes"))

    said = words(await journey.status(USER))

    assert text("journey.commands.status", where=text("journey.status_words.stopped"),
                next=text("journey.status_words.next_red_flag")) in said
    assert text("journey.stop.red_flag") in said


async def test_status_after_another_stop_gives_no_red_flag_advice(
        journey: Journey, practice: Practice, invite: InviteMaker) -> None:
    replies = await to_screening(journey, invite)
    replies = await tap(journey, replies, text("journey.screening.is_rash.mole"))
    replies = await tap(journey, replies, text("journey.confirm.yes"))  # the red flags first
    await tap(journey, replies, text("journey.screening.red_flags.no"))

    said = words(await journey.status(USER))

    assert text("journey.commands.status", where=text("journey.status_words.stopped"),
                next=text("journey.status_words.next_book", practice=practice.name,
                          phone=practice.phone)) in said
    assert text("journey.stop.red_flag") not in said


def test_every_stop_the_patient_can_meet_says_again_to_call_the_practice() -> None:
    # Each screening and consent stop (and a locked link) told the patient to call the
    # practice: /status repeats it, with the number, never "Next: nothing". Each is driven
    # end to end in tests/journey/test_journey_screening.py and test_journey_flow.py.
    reasons = {*(f"screen_{c}" for c in STOP_CRITERIA if c != "red_flag"), *CONSENT_CRITERIA,
               "identity_locked"}
    assert reasons <= set(STOPPED_NEXT)
    for reason in reasons:
        for parent in (False, True):
            said = worded(f"journey.status_words.{STOPPED_NEXT[reason]}", parent=parent,
                          practice="The Lawson Practice", phone="020 7729 7236")
            assert "020 7729 7236" in said and said != text("journey.status_words.next_closed")


@pytest.mark.parametrize("deleted", [False, True], ids=["kept", "deleted"])
async def test_status_after_staff_phoned_an_urgent_patient_no_longer_says_they_will_phone(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker,
        deleted: bool) -> None:
    staff = 7001  # the practice's receptionist (tests/journey/conftest.py)
    await sent_and_decided(journey, store, practice, invite,
                           lambda inbox, case_id: inbox.urgent(GP, case_id))
    if deleted:
        await tap(journey, await journey.ask(USER, "delete"), text("journey.commands.delete_yes"))
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    assert (await Inbox(store).task_done(staff, case.id)).done

    said = words(await journey.status(USER))

    will_phone = text("journey.status_words.next_urgent", practice=practice.name,
                      phone=practice.phone)
    assert will_phone.split("\n")[0] not in said
    assert text("journey.status_words.next_urgent_done", practice=practice.name,
                phone=practice.phone) in said


DELETED_AFTER = [
    pytest.param(lambda inbox, case_id: inbox.urgent(GP, case_id), "next_urgent",
                 id="urgent-call-still-to-come"),
    pytest.param(lambda inbox, case_id: inbox.refer(GP, case_id), "next_referral_deleted",
                 id="referral-not-yet-sent"),
]


@pytest.mark.parametrize(("decide", "next_key"), DELETED_AFTER)
async def test_status_after_deleting_a_decided_request_says_the_practice_will_still_call(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker,
        decide: Decide, next_key: str) -> None:
    await sent_and_decided(journey, store, practice, invite, decide)
    await tap(journey, await journey.ask(USER, "delete"), text("journey.commands.delete_yes"))

    said = words(await journey.status(USER))

    assert text(f"journey.status_words.{next_key}", practice=practice.name,
                phone=practice.phone) in said
    assert text("journey.status_words.next_closed") not in said.split("\n\n")[1]


async def test_status_after_a_red_flag_tapped_once_sent_gives_that_advice_again(
        journey: Journey, store: Store, invite: InviteMaker) -> None:
    said_yes_later = await sent_keeping_the_red_flag_yes(journey, invite)
    await journey.tapped(USER, said_yes_later)  # the old question's "yes", once sent

    said = words(await journey.status(USER))

    assert text("journey.stop.red_flag_after") in said


async def test_status_after_deleting_a_request_stopped_for_red_flags_still_gives_999_and_111(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    replies = await to_screening(journey, invite)
    replies = await tap(journey, replies, text("journey.screening.is_rash.rash"))
    replies = await tap(journey, replies, text("journey.screening.red_flags.yes"))
    await tap(journey, replies, text("journey.confirm.yes"))
    await tap(journey, await journey.ask(USER, "delete"), text("journey.commands.delete_yes"))

    said = words(await journey.status(USER))

    assert text("journey.status_words.next_red_flag") in said
    assert text("journey.stop.red_flag", practice=practice.name, phone=practice.phone) in said


@pytest.mark.parametrize(("action", "yes"), [("cancel", "cancel_yes"), ("delete", "delete_yes")])
async def test_status_after_ending_a_request_with_a_red_flag_yes_unconfirmed_gives_999_and_111(
        journey: Journey, invite: InviteMaker, action: str, yes: str) -> None:
    replies = await to_screening(journey, invite)
    replies = await tap(journey, replies, text("journey.screening.is_rash.rash"))
    await tap(journey, replies, text("journey.screening.red_flags.yes"))  # never confirmed
    await tap(journey, await journey.ask(USER, action), text(f"journey.commands.{yes}"))

    said = words(await journey.status(USER))

    assert text("journey.red_flag.now") in said


async def test_status_after_ending_a_request_whose_red_flag_yes_was_a_mistake_gives_no_advice(
        journey: Journey, invite: InviteMaker) -> None:
    replies = await to_screening(journey, invite)
    replies = await tap(journey, replies, text("journey.screening.is_rash.rash"))
    replies = await tap(journey, replies, text("journey.screening.red_flags.yes"))
    await tap(journey, replies, text("journey.confirm.no_red_flag"))
    await tap(journey, await journey.ask(USER, "cancel"), text("journey.commands.cancel_yes"))

    said = words(await journey.status(USER))

    assert text("journey.red_flag.now") not in said
    assert text("journey.status_words.next_closed") in said


@pytest.mark.parametrize("ending", ["sent", "cancelled"])
async def test_a_red_flag_yes_changed_to_no_on_the_question_itself_leaves_no_advice_behind(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker,
        ending: str) -> None:
    # The question's buttons stay until the bot's reply edits them away: "Yes", then "No" on
    # the same question, is the patient changing their mind, as "it was a mistake" is.
    await store.practices.add_member(practice.id, GP, "gp", "Dr Gee")
    question = await tap(journey, await to_screening(journey, invite),
                         text("journey.screening.is_rash.rash"))
    await tap(journey, question, text("journey.screening.red_flags.yes"))
    replies = await tap(journey, question, text("journey.screening.red_flags.no"))
    if ending == "sent":
        nexts = (text("journey.prepare.next"),) * (len(texts("journey.prepare.steps")) - 1)
        for label in (text("journey.screening.site.arm"), text("journey.screening.areas.one"),
                      *nexts, text("journey.prepare.ready")):
            replies = await tap(journey, replies, label)
        await photos_then_send(journey)
    else:
        await tap(journey, await journey.ask(USER, "cancel"),
                  text("journey.commands.cancel_yes"))

    said = words(await journey.status(USER))

    assert text("journey.red_flag.now") not in said
    assert text("journey.stop.red_flag_after") not in said


# -- several requests: /status names each one still in progress or with news ------------------


async def other_status(store: Store, practice: Practice, case_id: int, where: str,
                       next_key: str) -> str:
    """The /status line naming another request, sent to the GP: its reference, where it is
    and what comes next."""
    case = await store.cases.get(case_id)
    assert case is not None
    return text("journey.cases.other_status_sent", reference=case.reference,
                request=request_name(case, await store.answers.for_case(case_id)),
                where=text(f"journey.status_words.{where}"),
                next=text(f"journey.status_words.{next_key}", practice=practice.name,
                          phone=practice.phone))


async def test_status_on_a_stopped_request_also_names_the_other_whose_referral_was_sent(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    await sent_and_decided(journey, store, practice, invite, refer_and_send)
    referred = await store.cases.current_for_patient(USER)
    assert referred is not None
    replies = await to_screening(journey, invite)  # a newer request, stopped for a mole
    replies = await tap(journey, replies, text("journey.screening.is_rash.mole"))
    replies = await tap(journey, replies, text("journey.confirm.yes"))  # the red flags first
    await tap(journey, replies, text("journey.screening.red_flags.no"))

    replies = await journey.status(USER)

    said = [reply.text for reply in replies]
    assert said[0] == text("journey.commands.status",
                           where=text("journey.status_words.stopped"),
                           next=text("journey.status_words.next_book",
                                     practice=practice.name, phone=practice.phone))
    assert await other_status(store, practice, referred.id, "decided",
                              "next_referral_sent") in said[1:]


async def test_status_after_cancelling_names_the_referral_still_being_sent_not_only_nothing(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    await sent_and_decided(journey, store, practice, invite,
                           lambda inbox, case_id: inbox.refer(GP, case_id))
    referred = await store.cases.current_for_patient(USER)
    assert referred is not None
    await to_screening(journey, invite)
    cancelled = await journey.tapped(USER, buttons(await journey.ask(USER, "cancel"))[
        text("journey.commands.cancel_yes")])
    assert text("journey.commands.cancelled", practice=practice.name,
                phone=practice.phone) in words(cancelled.replies)

    said = words(await journey.status(USER))

    assert await other_status(store, practice, referred.id, "decided",
                              "next_referred") in said


async def test_status_on_an_open_request_gives_another_requests_red_flag_advice_first(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker) -> None:
    replies = await to_screening(journey, invite)
    replies = await tap(journey, replies, text("journey.screening.is_rash.rash"))
    replies = await tap(journey, replies, text("journey.screening.red_flags.yes"))
    await tap(journey, replies, text("journey.confirm.yes"))
    stopped = await store.cases.current_for_patient(USER)
    await to_photos(journey, invite)  # a newer request, open at photo 1

    replies = await journey.status(USER)

    assert replies[0].text == text("journey.stop.red_flag", practice=practice.name,
                                   phone=practice.phone)
    assert text("journey.commands.status", where=text("journey.status_words.locator"),
                next=text("journey.status_words.next_locator")) == replies[1].text
    assert stopped is not None
    assert request_name(stopped, await store.answers.for_case(stopped.id)) not in words(
        replies), "an ended request the patient was told about is not repeated"


async def test_a_red_flag_tapped_after_sending_and_deleting_alerts_staff_and_is_recorded(
        journey: Journey, store: Store, invite: InviteMaker) -> None:
    said_yes_later = await sent_keeping_the_red_flag_yes(journey, invite)
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    await tap(journey, await journey.ask(USER, "delete"), text("journey.commands.delete_yes"))

    answer = await journey.tapped(USER, said_yes_later)  # the old question's "yes"

    assert text("journey.stop.red_flag_after") in words(answer.replies)
    kinds = [event.kind for event in await store.audit.for_case(case.id)]
    assert "case.red_flag_after" in kinds, "recorded, so /status and the next invite see it"
    alerts = [item for item in await store.outbox.for_case(case.id)
              if ":red_flag_after:" in item.dedupe_key]
    assert alerts, "staff told: they had only heard that the patient deleted the request"


@pytest.mark.parametrize(("decide", "where", "next_key"), DECISIONS[1:])
async def test_a_patient_back_after_the_gp_decided_is_told_what_comes_next(
        journey: Journey, store: Store, practice: Practice, invite: InviteMaker,
        decide: Decide, where: str, next_key: str) -> None:
    """Back a week later, the patient sends /start with no link, or writes: they read what
    the GP decided and what to do next, as /status says, not only "This request has ended"."""
    await sent_and_decided(journey, store, practice, invite, decide)
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    expected = text("journey.commands.status_sent", where=text(f"journey.status_words.{where}"),
                    next=text(f"journey.status_words.{next_key}", practice=practice.name,
                              phone=practice.phone), reference=case.reference)
    for said in (await journey.start(USER, USER, None), await journey.typed(USER, "hello")):
        assert expected in words(said)
        assert text("journey.stop.ended", practice=practice.name,
                    phone=practice.phone) not in words(said)
