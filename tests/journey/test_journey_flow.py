"""The patient's journey as a service: from an invite to a receipt, and the ways it stops."""

from __future__ import annotations

from bot.content import text, texts
from bot.journey.service import Journey
from bot.store import Store
from bot.store.models import Stage
from tests.auxil.journey import (
    USER,
    InviteMaker,
    give_date_of_birth,
    send,
    tap,
    words,
)


async def test_happy_path_from_invite_to_receipt(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    token = await invite()
    replies = await journey.start(USER, USER, token)
    assert "The Lawson Practice" in words(replies) and "date of birth" in words(replies)
    assert "could not read" in words(await journey.typed(USER, "the third of feb"))
    read_back = await journey.typed(USER, "03-02-1980")
    assert words(read_back) == text("journey.identity.confirm", date="3 February 1980")
    replies = await give_date_of_birth(journey, USER, "03-02-1980")
    assert "Who sees them" in words(replies) and "30 days" in words(replies)
    replies = await tap(journey, replies, "Yes, I agree")
    assert "Is it a rash" in words(replies)
    for label in ("Yes, it is a rash", "No, none of these", "Arm or hand", "One area"):
        replies = await tap(journey, replies, label)
    assert "Tip 1" in words(replies)
    for _ in texts("journey.prepare.steps")[1:]:
        replies = await tap(journey, replies, "Next")
    assert words(replies) == texts("journey.prepare.steps")[-1]
    replies = await tap(journey, replies, "I am ready")
    assert "Photo 1 of 3" in words(replies) and replies[0].picture is not None
    replies = await send(journey, b"locator-good")
    assert "Photo 1 of 3 looks good" in words(replies) and "Photo 2 of 3" in words(replies)
    replies = await send(journey, b"WARN close-up one")
    assert "send it as a file" in words(replies).lower()
    replies = await send(journey, b"close-up two")
    assert "That is all 3 photos" in words(replies)
    replies = await journey.typed(USER, "  left   forearm ")
    for label in ("1 to 4 weeks", "Itchy"):
        replies = await tap(journey, replies, label)
    replies = await journey.typed(USER, "E45 cream")
    album = [r for r in replies if r.album]
    assert len(album) == 1 and [p[0] for p in album[0].album] == [
        b"clean:locator-good", b"clean:WARN close-up one", b"clean:close-up two"]
    summary = words(replies)
    assert "left forearm" in summary and "1 to 4 weeks" in summary and "E45 cream" in summary
    replies = await tap(journey, replies, "Send to my GP")
    case = await store.cases.latest_for_patient(USER)
    assert case is not None and case.stage is Stage.SUBMITTED and case.submitted_at
    assert case.reference in words(replies) and "NHS 111" in words(replies)
    assert "999" in words(replies)


async def test_three_wrong_dates_of_birth_lock_the_invite(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    token = await invite()
    await journey.start(USER, USER, token)
    assert "2 more tries" in words(await give_date_of_birth(journey, USER, "01/01/1990"))
    assert "1 more try" in words(await give_date_of_birth(journey, USER, "02/01/1990"))
    replies = await give_date_of_birth(journey, USER, "03/01/1990")
    assert "locked" in words(replies) and "020 7729 7236" in words(replies)
    found = await store.invites.find(token)
    assert found is not None and found.locked_at
    assert "locked because the date of birth was wrong" in words(
        await journey.start(USER + 1, USER + 1, token))
    assert "ended" in words(await journey.typed(USER, "03/02/1980"))


async def test_bad_links_get_a_clear_answer(journey: Journey, invite: InviteMaker,
                                            store: Store) -> None:
    assert "do not recognise" in words(await journey.start(USER, USER, "nonsense"))
    token = await invite()
    found = await store.invites.find(token)
    assert found is not None
    await store.invites.revoke(found.id, actor="member:1")
    assert "cancelled" in words(await journey.start(USER, USER, token))
    other = await invite(ref="P-2")
    await journey.start(USER, USER, other)
    replies = await journey.start(USER + 5, USER + 5, other)
    assert "already been used" in words(replies) and "020 7729 7236" in words(replies)


async def test_reopening_the_link_resumes_where_the_patient_was(
    journey: Journey, invite: InviteMaker
) -> None:
    token = await invite()
    await journey.start(USER, USER, token)
    await give_date_of_birth(journey, USER, "3 February 1980")
    replies = await journey.start(USER, USER, token)
    assert "Welcome back" in words(replies) and "Do you agree" in words(replies)
    replies = await journey.start(USER, USER, None)
    assert "Welcome back" in words(replies)


