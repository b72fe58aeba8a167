"""Erased means gone: nothing is written back onto an erased case, start-up finishes what a
crash left, the WAL keeps no copy, and every file is private whatever the umask."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services import erasure, retention
from bot.store import StageConflict, Store, open_store
from bot.store.models import Case, Flags, Outgoing, Stage
from tests.auxil.processes import umask
from tests.auxil.store import opened_case


def modes(root: Path) -> dict[str, int]:
    """The permission bits of `root` and everything under it."""
    return {str(p.relative_to(root.parent)): stat.S_IMODE(p.stat().st_mode)
            for p in [root, *root.rglob("*")]}


async def erased(store: Store) -> Case:
    case = await opened_case(store)
    await store.cases.move(case, Stage.CONSENT)
    current = await store.cases.get(case.id)
    assert current is not None
    await erasure.erase(store, current, Stage.ERASED, actor="patient", reason="test")
    gone = await store.cases.get(case.id)
    assert gone is not None
    return gone


async def test_nothing_is_written_onto_an_erased_case(store: Store) -> None:
    case = await erased(store)
    assert await store.answers.save(case.id, "detail.where", "left arm") is False
    stored = store.files.write(b"late photo")
    with pytest.raises(StageConflict):
        await store.photos.add(case.id, "locator", stored, source="photo", verdict="accept",
                               status="accepted")
    with pytest.raises(StageConflict):
        await store.cases.move(case, Stage.LOCATOR, flags=Flags(return_to_review=True))
    with pytest.raises(StageConflict):
        await store.cases.set_flags(case, Flags(prep_step=1), actor="patient")
    assert await store.answers.for_case(case.id) == {}
    assert await store.photos.for_case(case.id) == []
    assert await erasure.finish(store) == 0
    assert not store.files.path(stored.name).exists(), "the late photo's file is removed too"


async def test_a_photo_or_answer_arriving_after_a_practice_stop_is_not_kept(store: Store) -> None:
    """Staff /stop while the holder's photo is still being checked: the stop erased what they
    sent, and the photo and answer that land after it are not written either."""
    case = await opened_case(store)
    for stage in (Stage.CONSENT, Stage.SCREENING, Stage.PREPARATION, Stage.LOCATOR):
        case = await store.cases.move(case, stage)
    stored = store.files.write(b"photo being checked")
    await store.cases.stop_by_practice(case, actor="member:1", tell=Outgoing(
        5, "patient.text", {"text": "stopped"}, "stopped"))
    with pytest.raises(StageConflict):
        await store.photos.add(case.id, "locator", stored, source="photo", verdict="accept",
                               status="accepted")
    assert await store.answers.save(case.id, "detail.where", "left arm") is False
    assert await store.photos.for_case(case.id) == []
    assert await store.answers.for_case(case.id) == {}
    assert await erasure.finish(store) == 0
    assert not store.files.path(stored.name).exists(), "the late photo's file is removed too"


async def test_start_up_removes_queued_orphan_and_temporary_files_and_keeps_the_rest(
    store: Store,
) -> None:
    case = await opened_case(store)
    kept = store.files.write(b"kept photo")
    await store.photos.add(case.id, "locator", kept, source="photo", verdict="accept",
                           status="accepted")
    orphan = store.files.write(b"written, then killed before its row")
    temporary = store.files.root / kept.name.split("/")[0] / ".incoming-abc.jpg"
    temporary.write_bytes(b"half a photo")
    other = await opened_case(store)
    queued = store.files.write(b"erased, then killed before the unlink")
    await store.photos.add(other.id, "locator", queued, source="photo", verdict="accept",
                           status="accepted")
    await store.cases.erase(other, Stage.ERASED, actor="patient", reason="test")
    found = await erasure.recover(store)
    assert (found.finished, found.orphans, found.temporary, found.left) == (1, 1, 1, 0)
    assert store.files.path(kept.name).exists()
    for gone in (store.files.path(orphan.name), temporary, store.files.path(queued.name)):
        assert not gone.exists()


async def test_erased_answers_are_not_in_the_wal_while_the_database_is_open(
    store: Store, settings: Settings
) -> None:
    case = await opened_case(store)
    secret = "Zorbulon paste from the market"
    await store.answers.save(case.id, "detail.tried", secret)
    wal = settings.database_path.with_name(settings.database_path.name + "-wal")
    assert secret.encode() in wal.read_bytes(), "before erasure the WAL holds the answer"
    await erasure.erase(store, case, Stage.ERASED, actor="patient", reason="test")
    for path in settings.data_dir.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


async def test_database_wal_and_folders_are_private_whatever_the_umask(
    settings: Settings,
) -> None:
    with umask(0):
        opened = await open_store(settings.database_path, settings.photos_dir)
        case = await opened_case(opened)
        await opened.photos.add(case.id, "locator", opened.files.write(b"photo"),
                                source="photo", verdict="accept", status="accepted")
        found = modes(settings.data_dir)
        await opened.close()
    assert {"data/telederm.sqlite3", "data/telederm.sqlite3-wal",
            "data/telederm.sqlite3-shm"} <= set(found)
    for name, mode in found.items():
        is_dir = (settings.data_dir.parent / name).is_dir()
        assert mode == (0o700 if is_dir else 0o600), (name, oct(mode))


async def test_an_existing_world_readable_database_is_made_private_when_opened(
    settings: Settings,
) -> None:
    opened = await open_store(settings.database_path, settings.photos_dir)
    await opened.close()
    os.chmod(settings.data_dir, 0o755)
    os.chmod(settings.database_path, 0o644)
    reopened = await open_store(settings.database_path, settings.photos_dir)
    await reopened.close()
    assert stat.S_IMODE(settings.data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(settings.database_path.stat().st_mode) == 0o600


async def test_an_erased_case_forgets_the_photo_messages_left_in_the_patients_chat(
    store: Store
) -> None:
    """Issue 15: photo messages noted for deletion after record delivery are forgotten with
    the case, so no Telegram id of an erased request stays behind."""
    case = await opened_case(store)
    await store.cases.move(case, Stage.CONSENT)
    await store.outbox.remember_chat_photo(case.id, 555, 41)
    await store.outbox.remember_chat_photo(case.id, 555, 41)  # noted twice: one row
    assert await store.outbox.chat_photos(case.id) == [(555, 41)]
    current = await store.cases.get(case.id)
    assert current is not None
    await erasure.erase(store, current, Stage.ERASED, actor="patient", reason="test")
    assert await store.outbox.chat_photos(case.id) == []


@pytest.mark.parametrize("by", ["patient", "retention"])
async def test_an_erased_case_forgets_its_question_messages(store: Store, by: str) -> None:
    """The ids of the bot's "Exactly where?" messages (`question_messages`, migration 0017)
    go with the case, whether the patient erases it or retention does (`retention.purge`):
    no Telegram id of an erased request stays behind (docs/dpia.md)."""
    case = await opened_case(store)
    await store.cases.move(case, Stage.CONSENT)
    await store.outbox.note_question(case.id, 555, 42, "details|where")
    current = await store.cases.get(case.id)
    assert current is not None
    if by == "patient":
        await erasure.erase(store, current, Stage.ERASED, actor="patient", reason="test")
    else:
        later = datetime.now(UTC) + timedelta(days=100)
        assert await retention.purge(store, retention_days=30, now=later) == 1
    assert await store.outbox.take_questions(case.id, 555, "details|where") == []


async def test_a_question_message_sent_as_the_case_is_erased_is_not_noted(store: Store) -> None:
    """The question went out, then the case was erased (retention, another update) before
    its message id was noted: the id is not kept, as no later erasure would forget it."""
    case = await erased(store)
    await store.outbox.note_question(case.id, 555, 43, "details|where")
    assert await store.outbox.take_questions(case.id, 555, "details|where") == []
    live = await opened_case(store)
    await store.outbox.note_question(live.id, 555, 44, "details|where")
    assert await store.outbox.take_questions(live.id, 555, "details|where") == [44]


async def test_an_erasure_queues_the_answer_messages_with_the_photo_messages_in_one_item(
    store: Store
) -> None:
    """The bot's messages showing the answers (`chat_answers`, migration 0020) are queued for
    deletion from the patient's chat in the erasure's transaction, in the same outbox item as
    the photo messages (ids only), and forgotten; one sent as the case was being erased (not
    noted before the erasure) is not noted after it."""
    case = await opened_case(store)
    await store.cases.move(case, Stage.CONSENT)
    await store.outbox.remember_album(case.id, 555, [40, 41])
    await store.outbox.remember_answers(case.id, 555, [42])
    await store.outbox.remember_answers(case.id, 555, [42])  # noted twice: one row
    assert await store.outbox.chat_answers(case.id) == [(555, 42)]
    current = await store.cases.get(case.id)
    assert current is not None
    await erasure.erase(store, current, Stage.ERASED, actor="patient", reason="test")
    assert await store.outbox.chat_answers(case.id) == []
    items = [i for i in await store.outbox.for_case(case.id) if i.kind == "patient.photos_erased"]
    assert [(i.chat_id, json.loads(i.payload)) for i in items] == [
        (555, {"messages": "40,41,42"})]
    await store.outbox.remember_answers(case.id, 555, [43])
    assert await store.outbox.chat_answers(case.id) == []


async def test_a_staff_alert_given_up_keeps_its_words_through_an_erasure_until_passed_on(
    store: Store
) -> None:
    """A red-flag alert to a member of staff who blocked the bot is given up, and the bot is
    killed before passing its words on to the rest of the staff: the patient's erasure before
    the restart must not empty it, or the follow-up passes on nothing (hazard log H22)."""
    case = await opened_case(store)
    await store.cases.move(case, Stage.CONSENT)
    words = {"text": "red flag: please check they got help today"}
    await store.outbox.add(case.id, [Outgoing(701, "staff.alert", words, "k:701"),
                                     Outgoing(702, "staff.alert", words, "k:702")])
    first, second = await store.outbox.for_case(case.id)
    await store.outbox.give_up(first, "403 Forbidden: bot was blocked by the user")
    await store.outbox.give_up(second, "403 Forbidden: bot was blocked by the user")
    await store.outbox.followed_up(second.id)  # this one was passed on before the erasure
    current = await store.cases.get(case.id)
    assert current is not None

    await erasure.erase(store, current, Stage.ERASED, actor="patient", reason="test")

    pending = await store.outbox.not_followed_up()
    assert [(item.id, json.loads(item.payload)) for item in pending] == [(first.id, words)]
    kept = {item.id: json.loads(item.payload) for item in await store.outbox.for_case(case.id)}
    assert kept[second.id] == {}
    await store.outbox.followed_up(first.id)
    assert {item.id: json.loads(item.payload)
            for item in await store.outbox.for_case(case.id)} == {first.id: {}, second.id: {}}


async def test_a_question_noted_again_marks_only_its_older_copies(store: Store) -> None:
    """A question shown again (`note_questions`): the older copies of the same question of
    the same case in the chat are returned, to lose their buttons; copies sent together, other
    questions and other cases are not; a copy forgotten is not returned again."""
    case, other = await opened_case(store), await opened_case(store)
    assert await store.outbox.note_questions(555, [(10, case.id, "screening|red_flags"),
                                                   (11, case.id, "screening|site"),
                                                   (12, other.id, "screening|red_flags")]) == []
    assert await store.outbox.note_questions(555, [(20, case.id, "screening|red_flags"),
                                                   (21, case.id, "screening|red_flags")]) == [10]
    assert await store.outbox.note_question(case.id, 555, 30, "screening|red_flags") == [
        10, 20, 21]
    await store.outbox.forget_question(555, 10)
    assert await store.outbox.note_question(case.id, 555, 31, "screening|red_flags") == [
        20, 21, 30]


async def test_a_question_answered_by_typing_is_forgotten_only_once_its_buttons_are_off(
    store: Store,
) -> None:
    """`take_questions` marks; the mark stays for the next start (`questions_due_off`) until
    `forget_question` says the buttons are off: a crash in between loses nothing."""
    case = await opened_case(store)
    await store.outbox.note_question(case.id, 555, 50, "details|where")
    assert await store.outbox.questions_due_off() == {}
    assert await store.outbox.take_questions(case.id, 555, "details|where") == [50]
    assert await store.outbox.questions_due_off() == {555: [50]}
    await store.outbox.forget_question(555, 50)
    assert await store.outbox.questions_due_off() == {}
