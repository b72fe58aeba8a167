"""The patient's journey: every patient input becomes a step on their case and a reply."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from bot.content import text, texts
from bot.inbox.alerts import stop_alerts
from bot.inbox.routing import submission_messages
from bot.journey import prompts
from bot.journey.dates import age_on, parse_date_of_birth, said
from bot.journey.deletion import Deletion
from bot.journey.photo_step import AlreadyAccepted, Checker, PhotoStep, Source, shot_of
from bot.journey.questions import (
    FREE_TEXT_LIMIT,
    Question,
    detail_questions,
    next_question,
    screening_questions,
    worded,
)
from bot.journey.replies import Button, Reply, button_data, parse_button_data, say
from bot.services import erasure
from bot.services.attempts import WrongTries
from bot.services.turns import Recent, UserLocks
from bot.store import StageConflict, Store
from bot.store.invites import invite_problem
from bot.store.models import SHOT_SLOTS, Case, Practice, Stage

log = logging.getLogger("bot.journey")

DOB_TRIES = 3
CHILD_UNDER = 18
PARENT_CONSENT_UNDER = 16
PHOTO_ORDER = (Stage.LOCATOR, Stage.CLOSE_UP_1, Stage.CLOSE_UP_2)
RECENT_PEOPLE = 4096
"""People whose last tap and album are remembered (for double taps and albums, which matter for
seconds); the oldest are forgotten first, so memory does not grow with every patient."""
CONFIRM, GO_BACK = "confirm", "back"
"""Button questions of the confirmation asked before an answer ends the request."""


@dataclass(frozen=True, slots=True)
class Tapped:
    """The answer to a button tap: a short note on the button itself, and any messages.

    `chosen` is the label of the answer the patient tapped, to be shown under the question
    ("✔ Arm or hand") once its buttons are gone; None when there is nothing to show (a tip's
    Next, a refused tap).
    """

    note: str | None
    replies: list[Reply]
    chosen: str | None = None


Choice = tuple[list[Reply], str | None]
"""What a tap did: the messages to send, and the label of the answer to show as chosen."""


class Journey:
    """Take a patient from invite to receipt; one patient's inputs are handled one at a time.

    A tapped answer that would end the request (declining consent, the child declining, or a
    screening stop, each for a criterion in `bot.journey.questions.STOP_CRITERIA`) is first
    confirmed: nothing is saved until the patient taps "Yes", and "No, go back" asks again.

    A typed date of birth is read back in words ("3 February 1980, is that right?") and checked
    against the invite only once confirmed. Questions are worded for who is answering: the
    patient, or a parent for a child under 16 (`meta.consent_by`). At the review the patient
    can change any answer in the summary (`flow.change` names the one being changed).
    """

    def __init__(
        self, store: Store, checker: Checker, *, retention_days: int, invite_valid_days: int,
        max_file_bytes: int, on_queued: Callable[[], None] = lambda: None,
        wrong_tries: WrongTries | None = None,
    ) -> None:
        self._store = store
        self._wrong_tries = wrong_tries or WrongTries(store)
        self._on_queued = on_queued
        self._photos = PhotoStep(store, checker)
        self._deletion = Deletion(store)
        self._retention_days = retention_days
        self._invite_valid_days = invite_valid_days
        self._max_file_bytes = max_file_bytes
        self._locks = UserLocks()  # an entry only while the patient has an input in flight
        self._album_noted: Recent[int, str] = Recent(RECENT_PEOPLE)
        self._last_tap: Recent[int, str] = Recent(RECENT_PEOPLE)

    def lock(self, user_id: int) -> AbstractAsyncContextManager[None]:
        """Hold this while handling one patient's input, to keep their inputs in order."""
        return self._locks.hold(user_id)

    # -- entry -----------------------------------------------------------------------------

    async def start(self, user_id: int, chat_id: int, token: str | None) -> list[Reply]:
        """Open an invite link (or /start on its own): start a case, or resume the open one."""
        async with self.lock(user_id):
            if token:
                return await self._open_invite(user_id, chat_id, token)
            case = await self._open_case(user_id)
            if case is None:
                return await self._nothing_open(user_id)
            return [say(text("journey.invite.welcome_back")), *await self._prompt(case)]

    async def _open_invite(self, user_id: int, chat_id: int, token: str) -> list[Reply]:
        if minutes := await self._wrong_tries.wait_minutes(user_id, "invite"):
            return [say(text("journey.invite.too_many_tries", minutes=minutes))]
        invite = await self._store.invites.find(token)
        if invite is not None and invite.used_at:
            existing = await self._store.cases.for_invite(invite.id)
            if existing is not None and existing.patient_user_id == user_id:
                if existing.stage.is_open:
                    return [say(text("journey.invite.welcome_back")),
                            *await self._prompt(existing)]
                return await self._prompt(existing)
        problem = invite_problem(invite)
        if invite is None or problem == "unknown":
            await self._wrong_tries.wrong(user_id, "invite")
            return [say(text("journey.invite.unknown"))]
        practice = await self._practice(invite.practice_id)
        if problem:
            return [say(text(f"journey.invite.{problem}", practice=practice.name,
                             phone=practice.phone, days=self._invite_valid_days))]
        born = date.fromisoformat(invite.date_of_birth)
        age = age_on(born, datetime.now(UTC).date())
        try:
            case = await self._store.cases.open_from_invite(
                invite, patient_user_id=user_id, patient_chat_id=chat_id,
                is_child=age < CHILD_UNDER,
            )
        except StageConflict:
            return [say(text("journey.invite.used", practice=practice.name, phone=practice.phone))]
        consent_by = "parent" if age < PARENT_CONSENT_UNDER else "self"
        await self._store.answers.save(case.id, "meta.consent_by", consent_by)
        return [say(text("journey.invite.welcome", practice=practice.name)),
                *await self._prompt(case)]

    # -- typed text ------------------------------------------------------------------------

    async def typed(self, user_id: int, words: str) -> list[Reply]:
        """Handle text the patient typed: a date of birth, a typed answer, or a nudge."""
        async with self.lock(user_id):
            self._last_tap.pop(user_id, None)
            case = await self._open_case(user_id)
            if case is None:
                return await self._nothing_open(user_id)
            if case.stage is Stage.IDENTITY:
                return self._read_date_of_birth(words)
            answers = await self._answers(case)
            question: Question | None = None
            if case.stage is Stage.DETAILS:
                question = next_question(detail_questions(parent=prompts.by_parent(answers)),
                                         answers, "detail", child=case.is_child)
            elif case.stage is Stage.REVIEW:
                changing = prompts.changeable_question(answers.get("flow.change", ""), answers)
                question = changing[0] if changing else None
            if question is not None and question.free_text:
                cleaned = " ".join(words.split())
                if len(cleaned) > FREE_TEXT_LIMIT:
                    return [say(text("journey.details.too_long", limit=FREE_TEXT_LIMIT))]
                return await self._answer(case, question, cleaned, "detail")
            if case.stage.value in SHOT_SLOTS:
                return [say(text("journey.input.need_photo")), *await self._prompt(case)]
            return [say(text("journey.input.need_button")), *await self._prompt(case)]

    def _read_date_of_birth(self, words: str) -> list[Reply]:
        """Read a typed date of birth and say it back in words, to be confirmed by a tap."""
        typed = parse_date_of_birth(words)
        if typed is None:
            return [say(text("journey.identity.not_a_date"))]
        stage = Stage.IDENTITY.value
        return [say(text("journey.identity.confirm", date=said(typed)),
                    (Button(text("journey.identity.confirm_yes"),
                            button_data(stage, "dob", typed.isoformat())),
                     Button(text("journey.identity.confirm_no"),
                            button_data(stage, "dob", "no"))))]

    async def _check_identity(self, case: Case, value: str) -> Choice | None:
        """Check a confirmed date of birth (the ISO date on the Yes button) against the invite."""
        if value == "no":
            return [say(text("journey.identity.again"))], text("journey.identity.confirm_no")
        try:
            typed = date.fromisoformat(value)
        except ValueError:
            return None
        chosen = text("journey.identity.confirm_yes")
        invite = await self._store.invites.get(case.invite_id) if case.invite_id else None
        assert invite is not None
        if typed.isoformat() == invite.date_of_birth:
            case = await self._store.cases.move(case, Stage.CONSENT)
            return [say(text("journey.identity.ok")), *await self._prompt(case)], chosen
        practice = await self._practice(case.practice_id)
        if await self._store.invites.record_failed_check(invite.id, lock_after=DOB_TRIES):
            await self._stop(case, "identity_locked", "")
            return [say(text("journey.identity.locked", practice=practice.name,
                             phone=practice.phone))], chosen
        fresh = await self._store.invites.get(invite.id)
        left = DOB_TRIES - (fresh.failed_dob_checks if fresh else DOB_TRIES - 1)
        tries = "try" if left == 1 else "tries"
        return [say(text("journey.identity.wrong", left=left, tries=tries))], chosen

    # -- buttons ---------------------------------------------------------------------------

    async def tapped(self, user_id: int, data: str) -> Tapped:
        """Handle a button tap, refusing old buttons and double taps kindly."""
        async with self.lock(user_id):
            if self._last_tap.get(user_id) == data:
                return Tapped(text("journey.input.done_button"), [])
            parsed = parse_button_data(data)
            if parsed is not None and parsed[0] == "any" and parsed[1].startswith("del_"):
                replies = await self._deletion.tapped(user_id, parsed[1], parsed[2])
                if replies is None:
                    return Tapped(text("journey.input.done_button"), [])
                return Tapped(None, replies)
            if parsed is not None and parsed[0] == "any":
                latest = await self._store.cases.latest_for_patient(user_id)
                if latest is None or latest.erased_at:
                    return Tapped(text("journey.input.done_button"), [])
                return await self._confirmed(latest, parsed[1], parsed[2])
            case = await self._open_case(user_id)
            if parsed is None or case is None:
                return Tapped(text("journey.input.old_button"), [])
            stage, question, value = parsed
            if stage != case.stage.value:
                return Tapped(text("journey.input.old_button"), await self._prompt(case))
            choice = await self._choose(case, question, value)
            if choice is None:
                return Tapped(text("journey.input.done_button"), [])
            self._last_tap[user_id] = data
            return Tapped(None, *choice)

    async def _choose(self, case: Case, question: str, value: str) -> Choice | None:
        answers = await self._answers(case)
        if case.stage is Stage.IDENTITY and question == "dob":
            return await self._check_identity(case, value)
        if case.stage is Stage.CONSENT:
            return await self._consent(case, answers, question, value)
        if case.stage in (Stage.SCREENING, Stage.DETAILS):
            parent = prompts.by_parent(answers)
            questions = screening_questions(parent=parent) if case.stage is Stage.SCREENING else (
                detail_questions(parent=parent))
            prefix = "screen" if case.stage is Stage.SCREENING else "detail"
            expected = next_question(questions, answers, prefix, child=case.is_child)
            if expected is None:
                return None
            return await self._question_tap(case, expected, prefix, question, value)
        if case.stage is Stage.PREPARATION and question == "tip":
            replies = await self._next_tip(case, answers, value)
            return None if replies is None else (replies, None)
        if case.stage.value in SHOT_SLOTS and question == "anyway" and value.isdigit():
            replies = await self._use_anyway(case, int(value))
            return None if replies is None else (replies, text("journey.photos.send_anyway"))
        if case.stage is Stage.REVIEW:
            return await self._review_choice(case, answers, question, value)
        return None

    async def _question_tap(
        self, case: Case, expected: Question, prefix: str, question: str, value: str
    ) -> Choice | None:
        """A tap on a question's answer, or on the confirmation of an answer that would stop."""
        if question == GO_BACK:
            if value != expected.id:
                return None
            return await self._go_back(case), text("journey.confirm.no")
        confirmed = question == CONFIRM
        if confirmed:
            question, _, value = value.partition("=")
        option = expected.option(value) if expected.id == question else None
        if option is None:
            return None
        if option.stop and not confirmed:
            return [self._confirm_stop(case, question, option.label, value, option.stop)], (
                option.label)
        chosen = text("journey.confirm.yes") if confirmed else option.label
        return await self._answer(case, expected, value, prefix), chosen

    async def _consent(
        self, case: Case, answers: dict[str, str], question: str, value: str
    ) -> Choice | None:
        practice = await self._practice(case.practice_id)
        parent = answers.get("meta.consent_by") == "parent"
        waiting = "consent" if "consent" not in answers else (
            "child_agrees" if parent and "child_agrees" not in answers else None)
        if question == GO_BACK:
            if waiting is None or value != waiting:
                return None
            return await self._go_back(case), text("journey.confirm.no")
        confirmed = question == CONFIRM
        if confirmed:
            question, _, value = value.partition("=")
        yes_label, no_label = (("consent.yes", "consent.no") if question == "consent" else
                               ("consent.child_yes", "consent.child_no"))
        chosen = text("journey.confirm.yes") if confirmed else text(
            f"journey.{yes_label if value == 'yes' else no_label}")
        if question == waiting and value != "yes" and not confirmed:
            stop = "consent_declined" if question == "consent" else "child_declined"
            return [self._confirm_stop(case, question, chosen, value, stop)], chosen
        if question == "consent" and "consent" not in answers:
            await self._store.answers.save(case.id, "consent", value)
            if value != "yes":
                return await self._stop(case, "consent_declined", text(
                    "journey.consent.declined", practice=practice.name,
                    phone=practice.phone)), chosen
            if parent:
                return await self._prompt(await self._current(case)), chosen
        elif question == "child_agrees" and parent and "child_agrees" not in answers:
            await self._store.answers.save(case.id, "child_agrees", value)
            if value != "yes":
                return await self._stop(case, "child_declined", text(
                    "journey.consent.child_declined", practice=practice.name,
                    phone=practice.phone)), chosen
        else:
            return None
        moved = await self._store.cases.move(case, Stage.SCREENING)
        return [say(text("journey.screening.intro")), *await self._prompt(moved)], chosen

    def _confirm_stop(self, case: Case, question: str, choice: str, value: str,
                      stop: str) -> Reply:
        """Ask "You chose X. That means ... Is that right?" before an answer ends the request.

        Nothing is saved until "Yes": "No, go back" asks the same question again, so one
        mis-tap cannot end the request.
        """
        stage = case.stage.value
        return say(text("journey.confirm.ask", choice=choice,
                        means=text(f"journey.confirm.means.{stop}")),
                   (Button(text("journey.confirm.yes"),
                           button_data(stage, CONFIRM, f"{question}={value}")),),
                   (Button(text("journey.confirm.no"), button_data(stage, GO_BACK, question)),))

    async def _go_back(self, case: Case) -> list[Reply]:
        """The patient said an ending answer was a mistake: ask the question again (for consent,
        only the last of its three messages, the one with the question and its buttons)."""
        return [say(text("journey.confirm.back")), (await self._prompt(case))[-1]]

    async def _answer(
        self, case: Case, question: Question, value: str, prefix: str
    ) -> list[Reply]:
        await self._store.answers.save(case.id, f"{prefix}.{question.id}", value)
        answers = await self._answers(case)
        parent = prompts.by_parent(answers)
        option = question.option(value)
        if option is not None and option.stop:
            practice = await self._practice(case.practice_id)
            return await self._stop(case, f"screen_{option.stop}", worded(
                f"journey.stop.{option.stop}", parent=parent, practice=practice.name,
                phone=practice.phone))
        if case.stage is Stage.REVIEW:  # an answer changed at the review
            await self._store.answers.save(case.id, "flow.change", "")
            return await prompts.review_prompt(self._store, case, await self._answers(case),
                                               photos_too=False,
                                               lead=text("journey.review.changed"))
        questions = screening_questions(parent=parent) if prefix == "screen" else (
            detail_questions(parent=parent))
        if next_question(questions, answers, prefix, child=case.is_child) is not None:
            return await self._prompt(case)
        following = Stage.PREPARATION if case.stage is Stage.SCREENING else Stage.REVIEW
        return await self._prompt(await self._store.cases.move(case, following))

    async def _next_tip(
        self, case: Case, answers: dict[str, str], value: str
    ) -> list[Reply] | None:
        current = int(answers.get("prep.step", "0"))
        last = len(texts("journey.prepare.steps")) - 1
        if value == "ready" and current == last:
            return await self._prompt(await self._store.cases.move(case, Stage.LOCATOR))
        if value.isdigit() and int(value) == current + 1 <= last:
            await self._store.answers.save(case.id, "prep.step", value)
            return await self._prompt(case)
        return None

    async def _use_anyway(self, case: Case, attempt: int) -> list[Reply] | None:
        shot = shot_of(case)
        assert shot is not None
        if await self._photos.use_anyway(case, shot, attempt) is None:
            return None
        return await self._then_next(case, [say(text("journey.photos.kept_anyway"))])

    async def _review_choice(
        self, case: Case, answers: dict[str, str], question: str, value: str
    ) -> Choice | None:
        changing = prompts.changeable_question(answers.get("flow.change", ""), answers)
        if changing is not None and question in (changing[0].id, CONFIRM, GO_BACK):
            return await self._question_tap(case, changing[0], changing[1], question, value)
        if question == "change" and prompts.changeable_question(value, answers) is not None:
            await self._store.answers.save(case.id, "flow.change", value)
            return await self._prompt(case), text(f"journey.review.change_{value}")
        replies = await self._review_action(case, question, value)
        if replies is None:
            return None
        label = (f"journey.review.{value}" if question == "review" else
                 f"journey.review.replace_{value}")
        return replies, text(label)

    async def _review_action(
        self, case: Case, question: str, value: str
    ) -> list[Reply] | None:
        """Send, replace a photo, change an answer or cancel, from the review."""
        if question == "review" and value == "send":
            deliveries = await submission_messages(self._store, case)
            moved = await self._store.cases.move(case, Stage.SUBMITTED, outbox=deliveries)
            self._on_queued()
            practice = await self._practice(case.practice_id)
            return [say(text("journey.receipt.text", practice=practice.name,
                             reference=moved.reference, phone=practice.phone))]
        if question == "review" and value == "replace":
            rows = [(Button(text(f"journey.review.replace_{slot}"),
                            button_data(Stage.REVIEW.value, "replace", slot)),)
                    for slot in SHOT_SLOTS]
            return [Reply(text=text("journey.review.which"), buttons=tuple(rows))]
        if question == "review" and value == "change":
            return [prompts.change_prompt()]
        if question == "review" and value == "cancel":
            return [self.confirm("cancel")]
        if question == "replace" and value in SHOT_SLOTS:
            await self._store.answers.save(case.id, "flow.return_to_review", "yes")
            return await self._prompt(await self._store.cases.move(case, Stage(value)))
        return None

    # -- photos ----------------------------------------------------------------------------

    async def photo(
        self, user_id: int, fetch: Callable[[], Awaitable[bytes]], *, source: Source,
        size: int | None, forwarded: bool, on_checking: Callable[[], Awaitable[None]],
        album: str | None = None, take_off_chat: Callable[[], Awaitable[bool]] | None = None,
    ) -> list[Reply]:
        """Handle a photo or image file: check it and keep it, or say why not and what to do.

        Photos of one album arrive one by one; once the needed shots are taken, the album's
        extras get a single note rather than one each.

        Once the photo is settled (its file written and its row committed, or refused, as a
        child's face is), `take_off_chat` is awaited to remove the patient's own message from
        the chat; it answers whether that was done, and only then does the verdict say so (the
        issue 15 rule: health data off Telegram as soon as it is safe). A photo not checked
        (forwarded, too big, not wanted now) is left where it is.
        """
        async with self.lock(user_id):
            self._last_tap.pop(user_id, None)
            case = await self._open_case(user_id)
            if case is None:
                return await self._nothing_open(user_id)
            shot = shot_of(case)
            if shot is None and album is not None:
                if self._album_noted.get(user_id) == album:
                    return []
                self._album_noted[user_id] = album
                return [say(text("journey.photos.album_extra")), *await self._prompt(case)]
            if shot is None:
                key = "already_have_all" if case.stage in (Stage.DETAILS, Stage.REVIEW) else (
                    "not_now")
                return [say(text(f"journey.photos.{key}")), *await self._prompt(case)]
            if forwarded:
                return [say(text("journey.photos.forwarded"))]
            if size is not None and size > self._max_file_bytes:
                return [say(text("journey.photos.too_big"))]
            await on_checking()
            data = await fetch()
            answers = await self._answers(case)
            try:
                kept, replies = await self._photos.receive(
                    case, shot, data, source=source,
                    face_expected=answers.get("screen.site") == "face",
                )
            except AlreadyAccepted:
                replies = [say(text("journey.photos.already_have_this"))]
                if take_off_chat is not None:
                    replies = await self._take_off_chat(case, take_off_chat, replies)
                return [*replies, *await self._prompt(case)]
            if take_off_chat is not None:
                replies = await self._take_off_chat(case, take_off_chat, replies)
            if kept is None:
                return replies
            return await self._then_next(case, replies)

    @staticmethod
    async def _take_off_chat(case: Case, take_off: Callable[[], Awaitable[bool]],
                             verdict: list[Reply]) -> list[Reply]:
        """Remove the settled photo's message from the chat; say so in the verdict's first
        message if that worked. A refusal (too old, already gone) never stops the journey."""
        removed = await take_off()
        log.info("photo message removed from chat" if removed else
                 "photo message left in chat", extra={"case_id": case.id})
        if not removed or not verdict or verdict[0].picture or verdict[0].album:
            return verdict
        first = replace(verdict[0], text=f"{verdict[0].text}\n\n{text('journey.photos.removed')}")
        return [first, *verdict[1:]]

    async def _then_next(self, case: Case, verdict: list[Reply]) -> list[Reply]:
        """The photo's verdict, then the next step; after the last photo, "That is all 3
        photos" goes into the verdict's own message (two messages there, not four)."""
        after = await self._after_photo(case)
        done = text("journey.photos.all_done")
        if verdict and after and after[0].text == done and not (
                verdict[-1].buttons or verdict[-1].picture or verdict[-1].album):
            return [*verdict[:-1], say(f"{verdict[-1].text}\n\n{done}"), *after[1:]]
        return [*verdict, *after]

    async def _after_photo(self, case: Case) -> list[Reply]:
        answers = await self._answers(case)
        redo = [s for s in answers.get("flow.redo", "").split(",") if s in SHOT_SLOTS]
        if redo:
            await self._store.answers.save(case.id, "flow.redo", ",".join(redo[1:]))
            return await self._prompt(await self._store.cases.move(case, Stage(redo[0])))
        if answers.get("flow.return_to_review") == "yes":
            await self._store.answers.save(case.id, "flow.return_to_review", "no")
            following = Stage.REVIEW
        else:
            index = PHOTO_ORDER.index(case.stage)
            following = PHOTO_ORDER[index + 1] if index + 1 < len(PHOTO_ORDER) else Stage.DETAILS
        moved = await self._store.cases.move(case, following)
        if following is Stage.DETAILS:
            question = prompts.question_prompt(moved, answers, lead=text("journey.details.intro"))
            return [say(text("journey.photos.all_done")),
                    *([question] if question else await self._prompt(moved))]
        return await self._prompt(moved)

    # -- commands and other input -------------------------------------------------------------

    async def resume(self, user_id: int) -> list[Reply]:
        """What to do now on the patient's open case (after a GP asked for new photos)."""
        async with self.lock(user_id):
            self._last_tap.pop(user_id, None)
            case = await self._open_case(user_id)
            return await self._prompt(case) if case else []

    async def status(self, user_id: int) -> list[Reply]:
        """Say where the patient is and what comes next."""
        async with self.lock(user_id):
            case = await self._store.cases.latest_for_patient(user_id)
            if case is None:
                return [say(text("journey.commands.nothing_open"))]
            nxt = f"next_{case.stage.value}" if case.stage.is_open or (
                case.stage is Stage.SUBMITTED) else "next_closed"
            words = text("journey.commands.status",
                         where=text(f"journey.status_words.{case.stage.value}"),
                         next=text(f"journey.status_words.{nxt}"))
            return [say(words), *(await self._prompt(case) if case.stage.is_open else [])]

    def confirm(self, action: str) -> Reply:
        """Ask to confirm /cancel or /delete, with Yes and No buttons."""
        yes, no = ("cancel_yes", "cancel_no") if action == "cancel" else ("delete_yes",
                                                                           "delete_no")
        return say(text(f"journey.commands.{action}_confirm"),
                   (Button(text(f"journey.commands.{yes}"), button_data("any", action, "yes")),
                    Button(text(f"journey.commands.{no}"), button_data("any", action, "no"))))

    async def ask(self, user_id: int, action: str) -> list[Reply]:
        """Start /cancel or /delete: confirm first, or say there is nothing to do.

        /delete lists the requests that still hold data and lets the patient choose
        (`bot/journey/deletion.py`).
        """
        async with self.lock(user_id):
            if action == "delete":
                return await self._deletion.ask(user_id)
            case = await self._store.cases.latest_for_patient(user_id)
            if case is None or case.erased_at or (action == "cancel" and not case.stage.is_open):
                key = "nothing_open" if action == "cancel" else "nothing_to_delete"
                return [say(text(f"journey.commands.{key}"))]
            return [self.confirm(action)]

    async def _confirmed(self, case: Case, action: str, value: str) -> Tapped:
        practice = await self._practice(case.practice_id)
        if value != "yes":
            key = "carry_on" if action == "cancel" else "kept"
            again = await self._prompt(case) if case.stage.is_open else []
            return Tapped(None, [say(text(f"journey.commands.{key}")), *again])
        if action == "cancel" and case.stage.is_open:
            left = await self._erase(case, Stage.CANCELLED, "patient_cancelled")
            key = "journey.delete.partly" if left else "journey.commands.cancelled"
            return Tapped(None, [say(text(key, count=left, practice=practice.name,
                                          phone=practice.phone))])
        if action == "delete":  # a button from before /delete listed the requests
            return Tapped(text("journey.input.old_button"),
                          await self._deletion.ask(case.patient_user_id))
        return Tapped(text("journey.input.old_button"), [])

    async def other(self, user_id: int, kind: str) -> list[Reply]:
        """Answer a sticker, voice note, video, location, contact or unusable file kindly."""
        async with self.lock(user_id):
            case = await self._open_case(user_id)
            words = say(text(f"journey.input.{kind}"))
            return [words, *(await self._prompt(case) if case else [])]

    async def _nothing_open(self, user_id: int) -> list[Reply]:
        """Answer a patient with no open case: how their last one ended, or how to begin."""
        latest = await self._store.cases.latest_for_patient(user_id)
        if latest is None:
            return [say(text("journey.invite.no_case"))]
        return await self._prompt(latest)

    # -- helpers -------------------------------------------------------------------------------

    async def _erase(self, case: Case, to: Stage, reason: str) -> int:
        """Erase the case; return how many of its photo files are still to remove."""
        return await erasure.erase(self._store, case, to, actor="patient", reason=reason)

    async def _stop(self, case: Case, reason: str, words: str) -> list[Reply]:
        """End the request; practice staff are alerted with the reason (`stop_alerts`)."""
        alerts = await stop_alerts(self._store, case, reason)
        await self._store.cases.move(case, Stage.STOPPED, reason=reason, outbox=alerts)
        self._on_queued()
        return [say(words)]

    async def _open_case(self, user_id: int) -> Case | None:
        case = await self._store.cases.latest_for_patient(user_id)
        return case if case is not None and case.stage.is_open else None

    async def _current(self, case: Case) -> Case:
        fresh = await self._store.cases.get(case.id)
        assert fresh is not None
        return fresh

    async def _answers(self, case: Case) -> dict[str, str]:
        return await self._store.answers.for_case(case.id)

    async def _practice(self, practice_id: int) -> Practice:
        practice = await self._store.practices.get(practice_id)
        assert practice is not None
        return practice

    async def _prompt(self, case: Case) -> list[Reply]:
        practice = await self._practice(case.practice_id)
        return await prompts.prompt(self._store, case, await self._answers(case), practice,
                                    self._retention_days)
