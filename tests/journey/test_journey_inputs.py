"""Every kind of input at every step: kind answers, and nothing already done is lost."""

from __future__ import annotations

from bot.content import text
from bot.journey.service import Journey
from bot.store import Store
from bot.store.models import Practice, Stage
from tests.auxil.e2e.patient import first_line
from tests.auxil.journey import (
    USER,
    InviteMaker,
    buttons,
    child_dob,
    give_date_of_birth,
    photos_then_send,
    send,
    tap,
    to_photos,
    to_screening,
    words,
)


async def test_an_old_button_says_so_and_repeats_the_current_question(
    journey: Journey, invite: InviteMaker
) -> None:
    token = await invite()
    await journey.start(USER, USER, token)
    consent = await give_date_of_birth(journey, USER, "3/2/1980")
    await tap(journey, consent, text("journey.consent.yes"))
    answer = await journey.tapped(USER, buttons(consent)["No"])
    assert answer.note == text("journey.input.old_button")
    assert text("journey.screening.is_rash.question") in words(answer.replies)


async def test_a_double_tap_is_harmless(journey: Journey, invite: InviteMaker,
                                        store: Store) -> None:
    replies = await to_screening(journey, invite)
    data = buttons(replies)[text("journey.screening.is_rash.rash")]
    await journey.tapped(USER, data)
    again = await journey.tapped(USER, data)
    assert again.note == text("journey.input.done_button") and again.replies == []
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    assert await store.answers.for_case(case.id) == {"consent": "yes", "screen.is_rash": "rash"}


async def test_a_refused_tap_says_whether_it_was_on_an_older_copy_of_a_question(
    journey: Journey, invite: InviteMaker
) -> None:
    """An answered question's button is behind the patient (its copy loses its buttons); a
    value the question asked now does not offer may be on that question (its buttons stay)."""
    replies = await to_screening(journey, invite)
    rash = buttons(replies)[text("journey.screening.is_rash.rash")]
    asked = (await journey.tapped(USER, rash)).replies
    no = buttons(asked)[text("journey.screening.red_flags.no")]
    forged = await journey.tapped(USER, no.rpartition("|")[0] + "|maybe")
    assert forged.note == text("journey.input.done_button") and not forged.older
    await journey.typed(USER, "hello?")  # the tap remembered in memory is forgotten
    again = await journey.tapped(USER, rash)
    assert again.note == text("journey.input.done_button") and again.older
    twice = await journey.tapped(USER, no)
    assert twice.note is None
    assert (await journey.tapped(USER, no)).older is False, "the same tap twice: left as is"


async def test_text_where_a_photo_is_expected_asks_for_the_photo(
    journey: Journey, invite: InviteMaker
) -> None:
    await to_photos(journey, invite)
    replies = await journey.typed(USER, "hello?")
    assert text("journey.input.need_photo") in words(replies)
    assert first_line("journey.photos.locator") in words(replies)


async def test_a_photo_where_a_button_is_expected_points_to_the_question_without_new_buttons(
    journey: Journey, invite: InviteMaker
) -> None:
    await to_screening(journey, invite)
    replies = await send(journey, b"a photo too early")
    assert words(replies) == text("journey.photos.not_now_question")
    assert not buttons(replies), "the question above keeps the only buttons"


async def test_stickers_and_voice_notes_get_a_kind_answer_and_the_current_step(
    journey: Journey, invite: InviteMaker
) -> None:
    await to_photos(journey, invite)
    await send(journey, b"locator")
    for kind in ("sticker", "voice", "location"):
        replies = await journey.other(USER, kind)
        assert text(f"journey.input.{kind}") in words(replies)
        assert first_line("journey.photos.close_up_1") in words(replies)


async def test_extra_photos_after_the_three_are_not_needed(
    journey: Journey, invite: InviteMaker
) -> None:
    await to_photos(journey, invite)
    for data in (b"1", b"2", b"3"):
        await send(journey, data)
    assert text("journey.photos.already_have_all") in words(await send(journey, b"4"))


async def test_a_file_over_the_limit_is_refused_before_download(
    journey: Journey, invite: InviteMaker
) -> None:
    await to_photos(journey, invite)
    fetched: list[bool] = []

    async def fetch() -> bytes:
        fetched.append(True)
        return b""

    async def checking() -> None:
        return None

    replies = await journey.photo(USER, fetch, source="document", size=30 * 1024 * 1024,
                                  forwarded=False, on_checking=checking)
    assert text("journey.photos.too_big") in words(replies) and fetched == []


async def test_cancel_asks_first_then_deletes_photos(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await to_photos(journey, invite)
    await send(journey, b"locator")
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    kept = (await store.photos.accepted(case.id))["locator"]
    confirm = await journey.ask(USER, "cancel")
    kept_going = await journey.tapped(USER, buttons(confirm)[text("journey.commands.cancel_no")])
    assert text("journey.commands.carry_on") in words(kept_going.replies)
    done = await journey.tapped(USER, buttons(confirm)[text("journey.commands.cancel_yes")])
    assert first_line("journey.commands.cancelled") in words(done.replies)
    after = await store.cases.get(case.id)
    assert after is not None and after.stage is Stage.CANCELLED
    assert not store.files.path(kept.file_name).exists()
    assert await store.photos.for_case(case.id) == []


async def test_delete_after_sending_erases_photos_and_answers_but_keeps_an_audit_stub(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await to_photos(journey, invite)
    await photos_then_send(journey)
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.SUBMITTED
    files = [p.file_name for p in await store.photos.for_case(case.id)]
    confirm = await journey.ask(USER, "delete")
    done = await journey.tapped(USER, buttons(confirm)[text("journey.commands.delete_yes")])
    assert first_line("journey.commands.deleted") in words(done.replies)
    assert await store.photos.for_case(case.id) == []
    assert await store.answers.for_case(case.id) == {}
    assert all(not store.files.path(name).exists() for name in files)
    kinds = [e.kind for e in await store.audit.for_case(case.id)]
    assert kinds[-1] == "case.erased" and "case.opened" in kinds
    assert text("journey.commands.nothing_to_delete") in words(await journey.ask(USER, "delete"))


async def test_status_says_where_the_patient_is(journey: Journey, invite: InviteMaker) -> None:
    await to_photos(journey, invite)
    replies = await journey.status(USER)
    assert text("journey.commands.status", where=text("journey.status_words.locator"),
                next=text("journey.status_words.next_locator")) in words(replies)


async def test_words_with_a_video_or_a_pdf_come_after_the_urgent_advice_and_the_refusal(
    journey: Journey, invite: InviteMaker, practice: Practice
) -> None:
    """A caption on something the bot does not keep, sent while a red-flag "yes" waits:
    "Please get help now" first, then the refusal, then that the GP will not see the words
    (`journey.input.not_passed_on_urgent`), once, with no softer advice of its own (call the
    practice, NHS 111 if it gets worse) beside the urgent one; typed words the same."""
    replies = await to_screening(journey, invite)
    replies = await tap(journey, replies, text("journey.screening.is_rash.rash"))
    await tap(journey, replies, text("journey.screening.red_flags.yes"))
    note = text("journey.input.not_passed_on_urgent")
    routine = text("journey.input.file_caption_not_passed_on", practice=practice.name,
                   phone=practice.phone)
    for kind in ("video", "document", "voice"):
        said = [reply.text for reply in await journey.other(USER, kind, captioned=True)]
        assert said[0] == text("journey.red_flag.now")
        assert said.index(text(f"journey.input.{kind}")) + 1 == said.index(note)
        assert said.count(note) == 1
        assert routine not in said
    uncaptioned = [reply.text for reply in await journey.other(USER, "video")]
    assert note not in uncaptioned
    typed = [reply.text for reply in await journey.typed(USER, "I have a temperature now")]
    assert typed[0] == text("journey.red_flag.now") and note in typed
    assert text("journey.input.typed_not_passed_on", practice=practice.name,
                phone=practice.phone) not in typed


async def test_a_parent_is_told_about_the_child_when_words_with_a_pdf_are_not_passed_on(
    journey: Journey, invite: InviteMaker, practice: Practice
) -> None:
    """A parent sends a PDF (a letter) with words: the note that the GP will not see them is
    the parent's (`journey.input.file_caption_not_passed_on_parent`: the GP, the child feeling
    unwell), not the patient's "your GP ... if you feel unwell"."""
    dob = child_dob(9)
    await journey.start(USER, USER, await invite(dob=dob))
    replies = await give_date_of_birth(journey, USER, "/".join(reversed(dob.split("-"))))
    for label in ("guardian_yes", "yes", "child_yes"):
        replies = await tap(journey, replies, text(f"journey.consent.{label}"))
    said = [reply.text for reply in await journey.other(USER, "document", captioned=True)]
    values = {"practice": practice.name, "phone": practice.phone}
    assert text("journey.input.file_caption_not_passed_on_parent", **values) in said
    assert text("journey.input.file_caption_not_passed_on", **values) not in said


async def test_an_answer_changed_by_editing_is_not_sent_again_as_the_next_answer(
    journey: Journey, invite: InviteMaker
) -> None:
    """The patient typed "arm" for "Exactly where?", then changes that message while "What
    have you tried?" (which takes typed words) waits: "please send it again" would file the
    resent words as what they tried. They are told to change the answer at the review
    (`journey.input.edited_details`); at the date of birth, sending it again is right."""
    await to_photos(journey, invite)
    for data in (b"1", b"2", b"3"):
        await send(journey, data)
    replies = await journey.typed(USER, "arm")
    for label in ("duration_days", "symptoms_neither"):
        replies = await tap(journey, replies, text(f"journey.details.{label}"))
    assert first_line("journey.details.tried_question") in words(replies)
    said = words(await journey.edited(USER, 11, "typed"))
    assert text("journey.input.edited") not in said
    assert said.startswith(text("journey.input.edited_details",
                                change=text("journey.review.change")))


async def test_a_date_of_birth_changed_by_editing_is_asked_for_again(
    journey: Journey, invite: InviteMaker
) -> None:
    await journey.start(USER, USER, await invite())
    said = words(await journey.edited(USER, 12, "typed"))
    assert said.startswith(text("journey.input.edited"))


async def test_a_message_changed_again_after_another_is_not_answered_twice(
    journey: Journey, invite: InviteMaker, practice: Practice
) -> None:
    """Message 21 changed, then 22, then 21 again: the third change gets no answer (only
    the last message changed was remembered, so 21 was answered a second time)."""
    await to_screening(journey, invite)
    note = first_line("journey.input.changed_not_passed_on")
    assert note in words(await journey.edited(USER, 21, "typed"))
    assert note in words(await journey.edited(USER, 22, "typed"))
    assert await journey.edited(USER, 21, "typed") == []
    assert await journey.edited(USER, 22, "typed") == []
