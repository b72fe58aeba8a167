"""/delete lists the patient's requests (whose, the body area, when started, and state; no
reference), erases just
the ones chosen, completely, and says truthfully what it could not remove yet."""

from __future__ import annotations

import shutil

from bot.content import text
from bot.journey.replies import Reply
from bot.journey.service import Journey
from bot.store import Store
from bot.store.models import Case, Stage
from tests.auxil.e2e.patient import first_line
from tests.auxil.journey import (
    USER,
    InviteMaker,
    buttons,
    photos_then_send,
    send,
    tap,
    to_photos,
    words,
)
from tests.auxil.requests import request_named


async def submitted(journey: Journey, invite: InviteMaker, store: Store) -> Case:
    """A request taken all the way to "sent to the GP"."""
    await to_photos(journey, invite)
    await photos_then_send(journey)
    case = await store.cases.current_for_patient(USER)
    assert case is not None and case.stage is Stage.SUBMITTED
    return case


async def with_one_photo(journey: Journey, invite: InviteMaker, store: Store,
                         data: bytes = b"locator") -> Case:
    """A request opened from a new invite, with its locator taken."""
    await to_photos(journey, invite)
    case = await store.cases.current_for_patient(USER)
    assert case is not None
    replies = await send(journey, data)
    if text("journey.cases.which_photo") in words(replies):  # another request waits too
        mine = next(label for label, data in buttons(replies).items() if f"|{case.id}." in data)
        await tap(journey, replies, mine)
    case = await store.cases.get(case.id)
    assert case is not None and case.stage is Stage.CLOSE_UP_1
    return case


async def files_of(store: Store, case: Case) -> list[str]:
    return [p.file_name for p in await store.photos.for_case(case.id)]


def state(case: Case) -> str:
    return text(f"journey.status_words.{case.stage.value}")


async def confirm(journey: Journey, replies: list[Reply], label: str) -> list[Reply]:
    """Tap a choice, check the confirmation names what will go, and confirm it."""
    asked = await tap(journey, replies, label)
    assert any(text(f"journey.delete.confirm_{which}").split("\n")[-1] in words(asked)
               for which in ("one", "all"))
    yes = next(b for b in buttons(asked) if b in (text("journey.delete.yes_one"),
                                                   text("journey.delete.yes_all")))
    return await tap(journey, asked, yes)


async def test_delete_lists_each_request_by_date_and_state_and_erases_only_the_chosen_one(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    first = await submitted(journey, invite, store)
    second = await with_one_photo(journey, invite, store)
    listing = await journey.ask(USER, "delete")
    shown = words(listing)
    for case in (first, second):
        named = request_named(case, "own")
        assert text("journey.delete.line", number=1 if case is first else 2,
                    request=named[0].upper() + named[1:], state=state(case)) in shown
        assert case.reference not in shown, "reference-free: someone else may see the screen"
    assert "P-1" not in shown
    assert set(buttons(listing)) == {text("journey.delete.pick", number=1),
                                     text("journey.delete.pick", number=2),
                                     text("journey.delete.pick_all", count=2),
                                     text("journey.commands.delete_no")}
    second_files = await files_of(store, second)
    done = await confirm(journey, listing, text("journey.delete.pick", number=2))
    assert text("journey.commands.deleted", practice="The Lawson Practice",
                phone="020 7729 7236") in words(done)
    assert first_line("journey.delete.gp_record") not in words(done), "never sent"
    gone = await store.cases.get(second.id)
    assert gone is not None and gone.erased_at and gone.erased_by == "patient"
    assert not any(store.files.path(name).exists() for name in second_files)
    assert await store.answers.for_case(second.id) == {}
    kept = await store.cases.get(first.id)
    assert kept is not None and kept.stage is Stage.SUBMITTED and not kept.erased_at
    assert all(store.files.path(name).exists() for name in await files_of(store, first))
    assert await store.answers.for_case(first.id)
    assert text("journey.delete.one", request=request_named(first, "own"),
                state=state(first)) in words(await journey.ask(USER, "delete"))


async def test_after_a_cancel_delete_still_finds_an_earlier_request_with_photos(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    first = await submitted(journey, invite, store)
    await with_one_photo(journey, invite, store, b"second")
    cancelling = await journey.ask(USER, "cancel")
    await tap(journey, cancelling, text("journey.commands.cancel_yes"))
    listing = await journey.ask(USER, "delete")
    assert text("journey.delete.one", request=request_named(first, "own"),
                state=state(first)) in words(listing)
    files = await files_of(store, first)
    done = await tap(journey, listing, text("journey.commands.delete_yes"))
    assert first_line("journey.commands.deleted") in words(done)
    assert text("journey.delete.gp_record_done", practice="The Lawson Practice",
                phone="020 7729 7236") in words(done), "it was sent: the GP may have filed it"
    assert not any(store.files.path(name).exists() for name in files)
    assert words(await journey.ask(USER, "delete")) == text("journey.commands.nothing_to_delete")


async def test_delete_all_erases_every_request_listed_and_none_opened_since(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    first = await submitted(journey, invite, store)
    second = await with_one_photo(journey, invite, store, b"second")
    listing = await journey.ask(USER, "delete")
    later = await with_one_photo(journey, invite, store, b"third")
    done = await confirm(journey, listing, text("journey.delete.pick_all", count=2))
    assert first_line("journey.commands.deleted") in words(done)
    for case in (first, second):
        erased = await store.cases.get(case.id)
        assert erased is not None and erased.stage is Stage.ERASED
    opened_since = await store.cases.get(later.id)
    assert opened_since is not None and not opened_since.erased_at
    assert await files_of(store, later)


async def test_a_photo_that_cannot_be_removed_yet_is_reported_and_removed_on_the_next_try(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    case = await with_one_photo(journey, invite, store)
    [name] = await files_of(store, case)
    path = store.files.path(name)
    path.unlink()
    (path / "in-the-way").mkdir(parents=True)  # the file cannot be unlinked now
    listing = await journey.ask(USER, "delete")
    done = await tap(journey, listing, text("journey.commands.delete_yes"))
    assert text("journey.delete.partly", count=1, practice="The Lawson Practice",
                phone="020 7729 7236") in words(done)
    assert first_line("journey.commands.deleted") not in words(done)
    again = await journey.ask(USER, "delete")
    assert text("journey.delete.one", request=request_named(case, "own", site=None),
                state=text("journey.delete.being_deleted")) in words(again), "answers erased"
    shutil.rmtree(path)
    path.write_bytes(b"locator")
    done = await tap(journey, again, text("journey.commands.delete_yes"))
    assert first_line("journey.commands.deleted") in words(done)
    assert not path.exists()
    assert words(await journey.ask(USER, "delete")) == text("journey.commands.nothing_to_delete")


async def test_a_delete_button_naming_someone_elses_request_does_nothing(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    case = await with_one_photo(journey, invite, store)
    listing = await journey.ask(USER, "delete")
    forged = buttons(listing)[text("journey.commands.delete_yes")]
    answer = await journey.tapped(USER + 1, forged)
    assert answer.note == text("journey.input.done_button") and answer.replies == []
    untouched = await store.cases.get(case.id)
    assert untouched is not None and not untouched.erased_at
    assert all(store.files.path(name).exists() for name in await files_of(store, case))


async def test_no_keep_them_tapped_after_the_deletion_never_says_nothing_was_deleted(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    """"Yes, delete them", then "No, keep them" on the same question (its buttons not yet
    taken off, or the patient tapping fast): the deletion stands and the patient is not told
    "OK, nothing has been deleted"."""
    case = await submitted(journey, invite, store)
    asked = await journey.ask(USER, "delete")
    await tap(journey, asked, text("journey.commands.delete_yes"))
    erased = await store.cases.get(case.id)
    assert erased is not None and erased.erased_at

    answer = await journey.tapped(USER, buttons(asked)[text("journey.commands.delete_no")])
    assert text("journey.commands.kept") not in words(answer.replies)
    assert answer.note in (text("journey.input.done_button"), text("journey.input.old_button"))


async def test_no_keep_them_on_a_choice_made_before_one_request_was_deleted(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    """The confirmation for one request is answered "Yes"; "No, keep them" on that same
    confirmation afterwards does not say nothing was deleted."""
    first = await submitted(journey, invite, store)
    await with_one_photo(journey, invite, store)
    listing = await journey.ask(USER, "delete")
    asked = await tap(journey, listing, text("journey.delete.pick", number=1))
    await tap(journey, asked, text("journey.delete.yes_one"))
    gone = await store.cases.get(first.id)
    assert gone is not None and gone.erased_at

    answer = await journey.tapped(USER, buttons(asked)[text("journey.commands.delete_no")])
    assert text("journey.commands.kept") not in words(answer.replies)
