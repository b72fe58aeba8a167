"""The patient's journey: every patient input becomes a step on their case and a reply.

The journey is a table of steps keyed by stage (`STEPS`, at the end of this module): what each
stage shows, what it accepts and where it can go. `python scripts/journey_diagram.py` draws the
table as the diagram in the README.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import date

from bot import testpoints
from bot.content import text, texts
from bot.domain import age
from bot.domain.dates import no_such_date, only_a_date, parse_date_of_birth, said, uk_today
from bot.domain.face_words import CHILD_FACE_TYPED, names_face
from bot.domain.intimate import (
    INTIMATE_TRIED,
    INTIMATE_TYPED,
    names_intimate_area,
    tried_names_intimate_area,
)
from bot.domain.personal import personal_details, visible
from bot.domain.questions import (
    DEPENDENT,
    FREE_TEXT_LIMIT,
    RED_FLAG_RECHECK,
    Question,
    detail_questions,
    next_question,
    red_flags_unasked,
    screening_questions,
    stop_before_red_flags,
    worded,
)
from bot.domain.red_flag_signs import names_red_flag_sign
from bot.journey import photo_area, photo_order, prompts, status_next
from bot.journey.deletion import GO as DELETE_GO
from bot.journey.deletion import Deletion, kept_by_practice, with_kept
from bot.journey.photo_choice import NONE as NONE_CHOSEN
from bot.journey.photo_choice import (
    PHOTO_FOR,
    HeldPhotos,
    SentPhoto,
    choice,
    chosen,
    not_used,
)
from bot.journey.photo_step import (
    AlreadyAccepted,
    Checker,
    PhotoStep,
    Source,
    TooBigToFetch,
    may_keep_old,
    record_refusal,
    shot_of,
    stage_words,
    taken_again,
    which_photo,
)
from bot.journey.red_flags import RedFlags
from bot.journey.replies import (
    Button,
    Reply,
    bind,
    button_data,
    case_of,
    could_be_ours,
    one_per_row,
    parse_button_data,
    question_key,
    say,
)
from bot.journey.steps import Choice, Exit, Step, Turn
from bot.journey.stop_words import LOCKED, stop_words
from bot.journey.tap_words import typed_tap
from bot.services import alerting, erasure
from bot.services.attempts import WrongTries
from bot.services.naming import born_of, named, request_label
from bot.services.turns import Recent, UserLocks
from bot.store import StageConflict, Store
from bot.store.audit import Note
from bot.store.cases import RED_FLAG_STOP
from bot.store.invites import invite_problem
from bot.store.models import (
    SHOT_SLOTS,
    Case,
    Event,
    Flags,
    Invite,
    Outgoing,
    Practice,
    Stage,
)

log = logging.getLogger("bot.journey")

DOB_TRIES = 3
PHOTO_ORDER = (Stage.LOCATOR, Stage.CLOSE_UP_1, Stage.CLOSE_UP_2)
RECENT_PEOPLE = 4096
"""People whose last tap and album are remembered (for double taps and albums, which matter for
seconds); the oldest are forgotten first, so memory does not grow with every patient."""
CONFIRM, GO_BACK = "confirm", "back"
"""Button questions of the confirmation asked before an answer ends the request."""
LEGACY_CONSENT = "consent"
"""The id of the single consent question a parent was asked before it was split in three; its
buttons may still be on screen after an upgrade (`_tap_consent`)."""
RED_FLAGS = "red_flags"
"""The red-flag question's id, in its buttons' data ("screening|red_flags|no")."""
RED_FLAG_BUTTONS = (("red_flags", "yes"), (CONFIRM, "red_flags=yes"), (GO_BACK, "red_flags"))
"""A "yes" to the red flags, its confirmation, and "No, go back" under it: taken at any stage
once the red flags were answered (`Journey._late_red_flag`)."""
RED_FLAG_CHECK = "check"
"""The step named in the buttons of the red-flag question put again after a typed answer that
may name a red-flag sign ("check|red_flags|yes", `Journey._red_flag_check`): its "yes" is
taken as a late one (`RED_FLAG_BUTTONS`), its "no" lets the request go on."""
CHOOSE = prompts.CHOOSE
NEW_REQUEST = "new_request"
"""The question of a button that starts a request from an invite link the patient opened while
another request of theirs was open (`Journey._ask_first`); its value is the link's token."""
PERSONAL_KINDS = ("contact", "location")
"""Messages that are personal data in themselves (`Journey.other`): deleted from the chat."""

Deliveries = Callable[[Store, Case], Awaitable[list[Outgoing]]]
"""The messages that deliver a submission to the practice (`bot.inbox.routing
submission_messages`), given the case before it moves; queued with the move to submitted."""
StopAlerts = Callable[[Store, Case, str], Awaitable[alerting.Alerts]]
"""The alerts to practice staff for a case that stopped, with the reason (`bot.inbox.alerts
stop_alerts`); queued, and their notes written, with the move to stopped."""


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
    settles_offers: bool = False
    """True once a "Use it anyway" offer kept its photo: the case's other offers are
    out of date, and their buttons are taken off (`bot/handlers/offers.py`)."""
    older: bool = False
    """True for a tap refused because its button is on an older copy of a question: one from
    an earlier step, an answered question, a request sent, ended or deleted. Its message, if it
    still has buttons (left when Telegram was unreachable), loses them
    (`bot.handlers.patient.tapped`). False for a refused tap that may be on the question the
    patient is to answer now (button data the bot never made, a value that question does not
    offer, the same button tapped twice): its buttons stay."""


class Journey:
    """Take a patient from invite to receipt; one patient's inputs are handled one at a time.

    Each update (a typed message, a tap, a photo) reads the patient's case once, and its
    answers and practice at most once (`Turn`); the stage's step in `STEPS` says what to show,
    what the input may be and where the case may go.

    A tapped answer that would end the request (declining consent, the child declining, or a
    screening stop, each for a criterion in `bot.domain.questions.STOP_CRITERIA`) is first
    confirmed: nothing is saved until the patient taps "Yes", and "No, go back" asks again.

    A typed date of birth is read back in words ("3 February 1980, is that right?") and checked
    against the invite only once confirmed. Questions are worded for who is answering: the
    patient, or a parent for a child under 16 (`Case.consent_by`). At the review the patient
    can change any answer in the summary (`Case.changing` names the one being changed).

    `deliveries` and `stop_alerts` build the practice's messages for a submission and a stop
    (the inbox's; the composition root passes them, so the journey does not import the inbox).
    """

    def __init__(
        self, store: Store, checker: Checker, *, retention_days: int, invite_valid_days: int,
        max_file_bytes: int, deliveries: Deliveries, stop_alerts: StopAlerts,
        on_queued: Callable[[], None] = lambda: None, wrong_tries: WrongTries | None = None,
    ) -> None:
        self._store = store
        self._wrong_tries = wrong_tries or WrongTries(store)
        self._on_queued = on_queued
        self._deliveries = deliveries
        self._stop_alerts = stop_alerts
        self._photos = PhotoStep(store, checker)
        self._red_flags = RedFlags(store, stop_alerts, lambda: self._on_queued())
        self._deletion = Deletion(store)
        self._retention_days = retention_days
        self._invite_valid_days = invite_valid_days
        self._max_file_bytes = max_file_bytes
        self._locks = UserLocks()  # an entry only while the patient has an input in flight
        self._album_noted: Recent[int, str] = Recent(RECENT_PEOPLE)
        self._album_order_told: Recent[int, str] = Recent(RECENT_PEOPLE)
        self._album_owed: Recent[int, str] = Recent(RECENT_PEOPLE)
        """Per patient, the album whose next step is held until its photos are all judged."""
        self._last_tap: Recent[int, str] = Recent(RECENT_PEOPLE)
        self._held = HeldPhotos(RECENT_PEOPLE)
        self._edit_answered: Recent[tuple[int, int], bool] = Recent(RECENT_PEOPLE)
        """The (user, message) ids of changed messages already answered (`edited`)."""

    def lock(self, user_id: int) -> AbstractAsyncContextManager[None]:
        """Hold this while handling one patient's input, to keep their inputs in order."""
        return self._locks.hold(user_id)

    # -- entry -----------------------------------------------------------------------------

    async def start(self, user_id: int, chat_id: int, token: str | None) -> list[Reply]:
        """Open an invite link (or /start on its own): start a case, or resume the open one."""
        async with self.lock(user_id):
            if token:
                return await self._open_invite(user_id, chat_id, token)
            turn = await self._turn(user_id)
            if turn is None or not turn.case.stage.is_open:
                return self._bind(turn, await self._nothing_open(turn))
            return self._bind(turn, await self._led_by(
                turn, [say(text("journey.invite.welcome_back"))]))

    async def _open_invite(self, user_id: int, chat_id: int, token: str, *,
                           asked: bool = False) -> list[Reply]:
        """Start a request from an invite link, or say why not. A usable link for a patient
        who already has a request open (`_open_for`; the service takes one request per area)
        first asks whether to carry on with that one or start this one (`_ask_first`),
        unless the patient just chose to start it (`asked`)."""
        if minutes := await self._wrong_tries.wait_minutes(user_id, "invite"):
            return [say(text("journey.invite.too_many_tries", minutes=minutes))]
        invite = await self._store.invites.find(token)
        if invite is not None and invite.used_at:
            existing = await self._store.cases.for_invite(invite.id)
            if existing is not None and existing.patient_user_id == user_id:
                # the link of one of their requests, opened again: it becomes the current one
                turn = Turn(self._store, await self._store.cases.choose(existing))
                if existing.stage.is_open:
                    return self._bind(turn, await self._led_by(
                        turn, [say(text("journey.invite.welcome_back"))]))
                return [*self._bind(turn, await self._prompt(turn)),
                        *await self._still_open(user_id, existing)]
        problem = invite_problem(invite)
        if invite is None or problem == "unknown":
            if (older := await self._store.invites.replaced_by(token)) is not None:
                return await self._replaced(older)
            await self._wrong_tries.wrong(user_id, "invite")
            return [say(text("journey.invite.unknown"))]
        if problem == "revoked" and invite.locked_at:
            # locked after wrong dates of birth, then renewed by staff: a newer link was sent
            # (`InviteRepository.renew_locked`), so not "cancelled" (hazard log H50)
            return await self._replaced(invite)
        practice = await self._store.practices.get(invite.practice_id)
        assert practice is not None
        if problem:
            return [say(text(f"journey.invite.{problem}", practice=practice.name,
                             phone=practice.phone, days=self._invite_valid_days))]
        if not asked and (already := await self._open_for(user_id, invite)) is not None:
            return await self._ask_first(already, invite, token)
        born = date.fromisoformat(invite.date_of_birth)
        today = uk_today()
        await testpoints.reached("invite.checked")
        try:
            case = await self._store.cases.open_from_invite(
                invite, patient_user_id=user_id, patient_chat_id=chat_id,
                is_child=age.is_child(born, today), consent_by=age.consent_by(born, today),
            )
        except StageConflict:  # used, cancelled, locked or expired since it was read above
            fresh = await self._store.invites.get(invite.id)
            now = invite_problem(fresh) or "used"
            if now == "revoked" and fresh is not None and fresh.locked_at:
                return await self._replaced(fresh)
            return [say(text(f"journey.invite.{now}", practice=practice.name,
                             phone=practice.phone, days=self._invite_valid_days))]
        turn = Turn(self._store, case)
        return self._bind(turn, [say(worded("journey.invite.welcome",
                                                   parent=prompts.by_parent(case),
                                                   practice=practice.name)),
                                 *await self._prompt(turn)])

    async def _replaced(self, older: Invite) -> list[Reply]:
        """An old link the practice replaced with "New link", or renewed after it was locked by
        wrong dates of birth: not the patient's mistake, so say a newer link was sent and to
        use it, or call (hazard log H50)."""
        practice = await self._store.practices.get(older.practice_id)
        assert practice is not None
        return [say(text("journey.invite.replaced", practice=practice.name,
                         phone=practice.phone))]

    async def _still_open(self, user_id: int, ended: Case) -> list[Reply]:
        """After the link of an ended (or sent) request is opened: the request the patient
        has open, if any, named (`journey.invite.other_open`), and its question or photo step
        again with its buttons, so what they type next is read as its answer knowingly;
        [] when none is open."""
        now = await self._turn(user_id)
        if now is None or now.case.id == ended.id or not now.case.stage.is_open:
            return []
        log.info("ended request's link opened while another is open",
                 extra={"case_id": ended.id, "open_case_id": now.case.id})
        lead = say(text("journey.invite.other_open", request=await self._named(now.case)))
        return self._bind(now, await self._led_by(now, [lead]))

    async def _open_for(self, user_id: int, invite: Invite) -> Case | None:
        """The patient's open request for the same patient as this new invite (its invite is
        the same practice's, with the same practice reference and date of birth, as staff's
        "link open already" warning matches them), the one they last acted on first; None if
        there is none. A parent's own request and their child's are different patients, and
        both may be open. Matching the reference too means opening someone else's link never
        tells whether its date of birth is the holder's own (DPIA R6: nothing staff typed on
        an invite is shown before its date of birth is confirmed)."""
        for case in await self._store.cases.open_for_patient(user_id):
            if not case.stage.is_open or case.invite_id is None:
                continue
            first = await self._store.invites.get(case.invite_id)
            if first is not None and (first.practice_id, first.patient_ref,
                                      first.date_of_birth) == (
                    invite.practice_id, invite.patient_ref, invite.date_of_birth):
                return case
        return None

    async def _ask_first(self, case: Case, invite: Invite, token: str) -> list[Reply]:
        """A new link opened while a request for the same person is open: the link is noted
        as opened (staff's /invites says so), nothing starts yet, and the patient chooses:
        carry on with the open request, or start the new one (for another area)."""
        await self._store.invites.mark_opened(invite.id)
        log.info("invite opened while another request is open",
                 extra={"case_id": case.id, "invite_id": invite.id})
        turn = Turn(self._store, case)
        ask = say(text("journey.invite.open_already", request=await self._named(case)),
                  (Button(text("journey.invite.carry_on"), button_data("any", CHOOSE, "-")),),
                  (Button(text("journey.invite.start_new"),
                          button_data("any", NEW_REQUEST, token)),))
        return self._bind(turn, [ask])

    # -- typed text ------------------------------------------------------------------------

    async def typed(self, user_id: int, words: str,
                    take_off_chat: Callable[[], Awaitable[bool]] | None = None,
                    on_answered: Callable[[int, str], None] | None = None) -> list[Reply]:
        """Handle text the patient typed: a date of birth, a typed answer, or a nudge.

        The bot never asks for a phone number, email, postcode or NHS number
        (`bot.domain.personal`): typed at any step (or with no request open), it is not kept,
        and `take_off_chat` is awaited to delete the patient's message from the chat (a shared
        or lost phone must not show it). The first reply says whether it was deleted; if
        Telegram refused (too old, already gone), the patient is asked to delete it, and the
        journey carries on either way.

        A typed answer accepted for a question that has buttons too ("Skip", "Nothing yet")
        is passed to `on_answered` (the case id, and the question as `question_key` names it
        in `Reply.typed_for`), so the handler can take that question's buttons off as a tap
        does; a typed answer refused (too long, personal details) leaves them.
        """
        async with self.lock(user_id):
            self._last_tap.pop(user_id, None)
            turn = await self._turn(user_id)
            found = personal_details(words)
            removed = await self._personal_off_chat(turn, found, take_off_chat)
            if turn is None or not turn.case.stage.is_open:
                return self._bind(turn, [*removed, *await self._sent_note(turn, words),
                                         *await self._decided_note(turn),
                                         *await self._nothing_open(turn)])
            step = STEPS[turn.case.stage]
            answer = (await step.typed(self, turn, words) if step.typed is not None
                      else await self._nudge(turn, words))
            if turn.typed_answer is not None and on_answered is not None:
                on_answered(turn.case.id, turn.typed_answer)
            return self._bind(turn, [*removed, *answer])

    async def edited(self, user_id: int, message_id: int, what: str) -> list[Reply]:
        """Answer a message the patient changed after sending it (`what`: "typed" for text,
        "caption" for a photo's words, "file_caption" for another file's): nobody reads
        the changed words, and they may describe a symptom.

        During a request: "I use what you first sent" where the step takes a typed answer
        (`_edited_words`: at the questions about the rash and the review, how "Change an
        answer" puts it right), then the answer for words nobody reads (`_not_passed_on`: the
        GP will not see them, how to tell the practice, the safety net; for a changed text
        message `journey.input.changed_not_passed_on`); at the screening questions and the
        questions about the rash, the question asked now again below it, its buttons last;
        while a red-flag "yes" waits, the urgent advice first (`_urgent_first`). Once the
        request was sent, that it was sent and nothing can be added (`_sent_note`). With no
        request going on, "I use what you first sent" alone. One answer a message: a second
        change of the same message gets none.
        """
        async with self.lock(user_id):
            if self._edit_answered.get((user_id, message_id)):
                return []
            self._edit_answered[(user_id, message_id)] = True
            turn = await self._turn(user_id)
            if turn is not None and not turn.case.erased_at:
                if sent := await self._sent_note(turn):
                    return self._bind(turn, sent)
                if turn.case.stage.is_open:
                    lead = ([say(self._edited_words(turn.case.stage))]
                            if what == "typed" and STEPS[turn.case.stage].typed is not None
                            else [])
                    note = await self._not_passed_on(turn, "changed" if what == "typed"
                                                     else what)
                    if turn.case.stage in (Stage.SCREENING, Stage.DETAILS):
                        # the note fills a phone's screen: the question again below it, its
                        # buttons last, as for words typed there (`_nudge`)
                        return self._bind(turn, await self._led_by(turn, [*lead, note]))
                    urgent = ([RedFlags.advice(turn.case)]
                              if RedFlags.waiting(await turn.answers()) else [])
                    return self._bind(turn, [*urgent, *lead, note])
            return [say(text("journey.input.edited"))]

    @staticmethod
    def _edited_words(stage: Stage) -> str:
        """ "I use what you first sent", and how to put it right: at the questions about the
        rash and the review an answer typed was used and the next question asked, so sending
        it again would answer another one: "Change an answer" on the list of answers does it
        (`journey.input.edited_details`, `edited_review`); elsewhere (the date of birth),
        send it again (`journey.input.edited`)."""
        key = {Stage.DETAILS: "edited_details", Stage.REVIEW: "edited_review"}.get(stage)
        if key is None:
            return text("journey.input.edited")
        return text(f"journey.input.{key}", change=text("journey.review.change"))

    async def _sent_note(self, turn: Turn | None, words: str = "") -> list[Reply]:
        """For words typed (or changed) once the request is with the practice (sent, not yet
        decided): they cannot be added to it, the GP will not see them, how to tell the
        practice, and the safety net (`journey.input.sent_not_passed_on`), then, if the
        `words` typed may name a red-flag sign, the red-flag question again
        (`_red_flag_check`); [] otherwise."""
        if turn is None or turn.case.stage is not Stage.SUBMITTED or turn.case.erased_at:
            return []
        check = await self._red_flag_check(turn, "sent") if names_red_flag_sign(words) else None
        return [await self._not_passed_on(turn, "sent"), *([check] if check else [])]

    async def _decided_note(self, turn: Turn | None) -> list[Reply]:
        """For words typed once the GP has decided (referred, asked to book, not suitable),
        before the "Where you are" of the request: the GP has looked, the words cannot be
        added, how to tell the practice, and the safety net
        (`journey.input.decided_not_passed_on`), since they may name a new symptom ("I have
        a fever now"); [] otherwise. Before, such words got the status alone, with no word
        of 999 / NHS 111 (hazard log H78)."""
        if turn is None or turn.case.stage is not Stage.DECIDED or turn.case.erased_at:
            return []
        return [await self._not_passed_on(turn, "decided")]

    @staticmethod
    async def _personal_off_chat(turn: Turn | None, found: tuple[str, ...],
                                 take_off_chat: Callable[[], Awaitable[bool]] | None,
                                 ) -> list[Reply]:
        """Delete a message that holds personal details the bot does not want (`found`, the
        kinds of `personal_details`, or "contact" for a shared contact card) and say so; []
        when there are none."""
        if not found or take_off_chat is None:
            return []
        removed = await take_off_chat()
        log.info("message with personal details removed from chat" if removed else
                 "message with personal details left in chat",
                 extra={"case_id": turn.case.id if turn else None, "kinds": list(found)})
        return [say(text("journey.input.personal_removed" if removed
                         else "journey.input.personal_not_removed"))]

    async def _nudge(self, turn: Turn, words: str = "") -> list[Reply]:
        """Typed text the step cannot take: say that the GP will not see it (with how to tell
        the practice, and the safety net: it may be a symptom), what the step needs (a photo,
        or a tap), and ask again. A short answer typed instead of tapped ("yes", "arm": see
        `tap_words`) gets only which button to tap, above the question; not at the red-flag
        question nor while a red-flag "yes" waits, where the safety net stays. Words that may
        name a red-flag sign get the red-flag question again after all that, last
        (`_red_flag_check`)."""
        key = "need_photo" if turn.case.stage.value in SHOT_SLOTS else "need_button"
        prompt = await self._led_by(turn, [])
        shown = [button for reply in prompt for row in reply.buttons for button in row]
        red_flags = any(f"|{RED_FLAGS}|" in f"|{button.data}" for button in shown)
        answer = typed_tap(words, shown) if shown and not red_flags else None
        if answer is not None and not RedFlags.waiting(await turn.answers()):
            hint = (text("journey.input.tap_this", label=answer.button.label)
                    if answer.button is not None else text("journey.input.need_button"))
            return [say(hint), *prompt]
        check = await self._red_flag_check(turn, "typed") if names_red_flag_sign(words) else None
        replies = await self._led_by(turn, [await self._not_passed_on(turn, "typed"),
                                            say(text(f"journey.input.{key}"))])
        return [*replies, *([check] if check else [])]

    async def _typed_date(self, turn: Turn, words: str) -> list[Reply]:
        """Read a typed date of birth and say it back in words, to be confirmed by a tap. Under
        a date said back, "yes" typed asks for the tap (`journey.identity.tap_yes`) and "no"
        for the date again, not "I could not read that as a date"; a date with no such day
        (31/02/1980) is said not to exist, day first (`journey.identity.no_such_date`)."""
        typed = parse_date_of_birth(words)
        if typed is None:
            yes, no = text("journey.identity.confirm_yes"), text("journey.identity.confirm_no")
            answer = (typed_tap(words, [Button(yes, "yes"), Button(no, "no")])
                      if turn.case.read_backs else None)
            if answer is not None and answer.button is not None:
                return [say(text("journey.identity.tap_yes", yes=yes)
                            if answer.button.data == "yes" else text("journey.identity.again"))]
            if no_such_date(words):  # 31/02/1980: read, but there is no such day
                return [say(text("journey.identity.no_such_date") + "\n\n"
                            + text("journey.identity.day_first"))]
            return [say(text("journey.identity.not_a_date"))]
        stage = Stage.IDENTITY.value
        number = turn.case.read_backs + 1
        turn.case = await self._store.cases.set_flags(turn.case, Flags(read_backs=number),
                                                      actor="patient")
        return [replace(say(text("journey.identity.confirm", date=said(typed)),
                            (Button(text("journey.identity.confirm_yes"),
                                    button_data(stage, "dob", f"{typed.isoformat()}#{number}")),
                             Button(text("journey.identity.confirm_no"),
                                    button_data(stage, "dob", f"no#{number}")))),
                        shows_answers=True)]  # the date typed, said back: goes with the case

    async def _typed_detail(self, turn: Turn, words: str) -> list[Reply]:
        """A typed answer to the details question asked now, if it takes one."""
        question = next_question(detail_questions(parent=prompts.by_parent(turn.case)),
                                 await turn.answers(), "detail", child=turn.case.is_child)
        return await self._typed_answer(turn, question, words)

    async def _typed_change(self, turn: Turn, words: str) -> list[Reply]:
        """A typed answer to the question being changed at the review, if it takes one."""
        changing = prompts.changing_now(turn.case)
        return await self._typed_answer(turn, changing[0] if changing else None, words)

    async def _typed_answer(self, turn: Turn, question: Question | None,
                            words: str) -> list[Reply]:
        if question is None or not question.free_text:
            return await self._nudge(turn, words)
        cleaned = " ".join(visible(words).split())
        if not cleaned:  # only invisible characters: nothing the GP could read
            return [say(text("journey.input.need_text"))]
        if len(cleaned) > FREE_TEXT_LIMIT:
            return [say(text("journey.details.too_long", limit=FREE_TEXT_LIMIT))]
        if found := personal_details(cleaned):
            log.info("typed answer with personal details refused",
                     extra={"case_id": turn.case.id, "kinds": list(found)})
            return [say(worded("journey.details.personal", parent=prompts.by_parent(turn.case)))]
        if question.id == "where" and only_a_date(cleaned):
            log.info("a date typed for where the rash is refused", extra={"case_id": turn.case.id})
            return [say(text("journey.details.where_not_a_date"))]
        stop = _typed_stop(question.id, cleaned, child=turn.case.is_child)
        if stop is not None:
            # answered: the question's buttons ("Skip") go, as after any typed answer; marked
            # before the stop forgets the case's questions (`on_answered` takes them off)
            turn.typed_answer = question_key(turn.case.stage.value, question.id)
            await self._store.outbox.take_questions(turn.case.id, turn.case.patient_chat_id,
                                                    turn.typed_answer)
            # a red-flag sign typed too ("round her eyes and nose", "swollen face"): the
            # red-flag question comes first, so its 999 / NHS 111 advice is not lost in a
            # routine stop; its "Yes" on the stopped request still gives the advice and
            # alerts staff (`_red_flag_after`; hazard log H74, H76)
            check = (await self._red_flag_check(turn, question.id)
                     if names_red_flag_sign(cleaned) else None)
            stopped = await self._stopped_by_typed(turn, stop)
            return stopped if check is None else [check, *stopped]
        turn.typed_answer = question_key(turn.case.stage.value, question.id)
        replies = await self._answer(turn, question, cleaned, "detail")
        if names_red_flag_sign(cleaned):
            check = await self._red_flag_check(turn, question.id)
            if check is not None:
                return [*replies, check]
        return replies

    async def _red_flag_check(self, turn: Turn, question: str) -> Reply | None:
        """The red-flag question put again, at once, after a typed answer to `question`
        ("where" or "tried") that may name a red-flag sign (`bot.domain.red_flag_signs`), or
        after such words typed where no typed answer is taken ("typed": at a photo or a tap,
        after the "the GP will not see this" note, `_nudge`) or once the request was sent
        ("sent", `_sent_note`: its "Yes" then gives the advice and alerts staff as a late
        "yes" after sending does, `_red_flag_after`),
        led by words saying what they wrote may be a sign to get help now
        (`journey.red_flag_check.lead`). Callers send it last, after the next question or
        the step's prompt (with its example picture), so it is the newest message, the one
        a phone shows (hazard log H77). Its "Yes" is a late red-flag "yes"
        (`_late_red_flag`: the 999 / NHS 111 advice and the staff alert at once, then the
        confirmation that stops the request); its "No" lets the request go on
        (`_red_flag_rechecked`). The answer itself is kept as typed, for the GP, who also
        reads that the question was put again and whether it was answered "No"
        (`RED_FLAG_RECHECK`, `bot.inbox.digest.red_flags_said`). None when
        the request is neither open nor sent (not yet decided), the red flags were not asked
        yet (the question is still to come), or a red-flag "yes" already waits (its advice
        was given). Audited `case.red_flag_check` with the question, never the words; the
        answer for the GP is kept only while the request is open (hazard log H74)."""
        case = turn.case
        answers = await turn.answers()
        if (not (case.stage.is_open or case.stage is Stage.SUBMITTED) or case.erased_at
                or red_flags_unasked(answers) or RedFlags.waiting(answers)):
            return None
        await self._store.audit.record("case.red_flag_check", actor="patient", case_id=case.id,
                                       detail={"stage": case.stage.value, "question": question})
        if case.stage.is_open:
            await turn.save(RED_FLAG_RECHECK, "asked")
        log.info("typed answer may name a red-flag sign, asked again",
                 extra={"case_id": case.id, "stage": case.stage.value, "question": question})
        parent = prompts.by_parent(case)
        asked = next(q for q in screening_questions(parent=parent, child=case.is_child)
                     if q.id == RED_FLAGS)
        buttons = [Button(option.label, button_data(RED_FLAG_CHECK, RED_FLAGS, option.value))
                   for option in asked.options]
        return say(worded("journey.red_flag_check.lead", parent=parent) + "\n\n"
                   + asked.prompt, *one_per_row(*buttons))

    async def _red_flag_rechecked(self, turn: Turn | None, value: str) -> Tapped:
        """"No, none of these" tapped on the red-flag question put again after a typed answer
        (`_red_flag_check`): on an open or sent request, the answer is shown under the
        question and the request goes on where it is (audited `case.red_flag_rechecked`;
        kept for the GP while it is open); on a request stopped by the same typed answer
        (the question came first, `_typed_answer`: hazard log H76) the answer is shown too,
        nothing else changes; otherwise the button is an old one."""
        if turn is None or turn.case.erased_at or not (
                turn.case.stage.is_open or turn.case.stage in (Stage.SUBMITTED, Stage.STOPPED)):
            return Tapped(text("journey.input.old_button"), [], older=True)
        await self._store.audit.record("case.red_flag_rechecked", actor="patient",
                                       case_id=turn.case.id,
                                       detail={"stage": turn.case.stage.value, "answer": value})
        if turn.case.stage.is_open:
            await turn.save(RED_FLAG_RECHECK, value)
        return Tapped(None, [], worded("journey.screening.red_flags.no",
                                       parent=prompts.by_parent(turn.case)))

    async def _stopped_by_typed(self, turn: Turn, reason: str) -> list[Reply]:
        """The typed "Exactly where?" (`reason` `INTIMATE_TYPED`) or "What have you tried?"
        (`INTIMATE_TRIED`) names the breast, genitals or bottom (`bot.domain.intimate`), or
        an under-18's typed "Exactly where?" names the face (`CHILD_FACE_TYPED`,
        `bot.domain.face_words`): the request ends for the same criterion as "Private parts or
        bottom" (or, for the face, a child's "Face or head"), with deletion of any photos
        already sent, files and rows (`_stop`), but its own reason (audited and alerted to
        staff as typed after the photos, naming which answer) and its own kind words, which
        say it was the answer typed that stopped it, with the 999 / NHS 111 line (hazard log
        H66, H67, H76). Not confirmed first, unlike a tap: the photos may already show the
        area, and must not wait for a tap. The typed words are not kept, nor logged."""
        log.info("typed answer names an area the service cannot take",
                 extra={"case_id": turn.case.id, "stage": turn.case.stage.value,
                        "reason": reason})
        practice = await turn.practice()
        return await self._stop(turn, reason, stop_words(
            reason, parent=prompts.by_parent(turn.case), practice=practice.name,
            phone=practice.phone))

    # -- buttons ---------------------------------------------------------------------------

    async def tapped(self, user_id: int, data: str) -> Tapped:
        """Handle a button tap, refusing old buttons and double taps kindly.

        A button names the case it was shown for (`bind`): a tap on a button of another of
        the patient's open cases acts on that case, which then becomes their current one
        ("Now working on ..."); one that no longer applies there is refused as "from another
        of your requests". A button from before buttons named their case acts on the current
        case.
        """
        async with self.lock(user_id):
            if self._last_tap.get(user_id) == data:
                return Tapped(text("journey.input.done_button"), [])
            if not could_be_ours(data):
                log.info("button data the bot never makes tapped", extra={"length": len(data)})
                return Tapped(text("journey.input.old_button"), [])
            case_id, choice = case_of(data)
            parsed = parse_button_data(choice)
            if parsed is not None and parsed[:2] == ("any", PHOTO_FOR):
                answer = await self._photo_for(user_id, parsed[2])
                if answer.note is None:
                    self._last_tap[user_id] = data
                return answer
            if parsed is not None and parsed[:2] == ("any", NEW_REQUEST):
                opened = await self._open_invite(user_id, await self._chat_of(user_id, case_id),
                                                 parsed[2], asked=True)
                self._last_tap[user_id] = data
                return Tapped(None, opened, text("journey.invite.start_new"))
            if parsed is not None and parsed[0] == "any" and parsed[1].startswith("del_"):
                replies = await self._deletion.tapped(user_id, parsed[1], parsed[2])
                if replies is None:
                    return Tapped(text("journey.input.done_button"), [], older=True)
                if parsed[1] == DELETE_GO:
                    await self._drop_held(user_id)
                return Tapped(None, replies)
            turn = await self._turn(user_id)
            if case_id is None or (turn is not None and turn.case.id == case_id):
                # once the request was sent or ended, each red-flag tap gets the advice again
                again = (turn is not None and parsed is not None
                         and parsed[1:] in RED_FLAG_BUTTONS and not turn.case.stage.is_open)
                answer = await self._tapped(turn, parsed)
                if answer.note is None and not again:
                    self._last_tap[user_id] = data
                return replace(answer, replies=self._bind(turn, answer.replies))
            other = await self._own_turn(user_id, case_id)
            answer = Tapped(text("journey.cases.other_request"), [], older=other is not None)
            if other is not None and parsed is not None and parsed[:2] == ("any", CHOOSE):
                if other.case.stage.is_open and not other.case.erased_at:
                    answer = Tapped(None, await self._prompt(other))
            elif other is not None:
                found = await self._tapped(other, parsed)
                answer = replace(answer, older=found.older) if found.note is not None else found
            if answer.note is not None or other is None:
                return answer
            if not (parsed is not None and parsed[1:] in RED_FLAG_BUTTONS
                    and not other.case.stage.is_open):  # the advice again on each tap
                self._last_tap[user_id] = data
            if not other.case.stage.is_open or other.case.erased_at:
                return replace(answer, replies=self._bind(other, answer.replies))
            other.case = await self._store.cases.choose(other.case)
            now_on = say(text("journey.cases.now_on", request=await self._named(other.case)))
            return replace(answer, replies=self._bind(other, [now_on, *answer.replies]))

    async def _tapped(self, turn: Turn | None, parsed: tuple[str, str, str] | None) -> Tapped:
        """A tap on a button of this case (the patient's current one, or the one the button
        names)."""
        if parsed is not None and parsed[0] == "any":
            if turn is None or turn.case.erased_at:
                return Tapped(text("journey.input.done_button"), [], older=True)
            if parsed[1] == CHOOSE:
                return Tapped(None, await self._prompt(turn) if turn.case.stage.is_open else [])
            return await self._confirmed(turn, parsed[1], parsed[2])
        if turn is not None and parsed is not None and parsed[1:] in RED_FLAG_BUTTONS:
            late = await self._late_red_flag(turn, parsed[0], parsed[1])
            if late is not None:
                return late
        if parsed is not None and parsed == (RED_FLAG_CHECK, RED_FLAGS, "no"):
            return await self._red_flag_rechecked(turn, parsed[2])
        if turn is not None and parsed is not None and parsed[1] == "anyway":
            return await self._anyway(turn, parsed[0], parsed[2])
        if parsed is None or turn is None or not turn.case.stage.is_open:
            return Tapped(text("journey.input.old_button"), [], older=parsed is not None)
        stage, question, value = parsed
        if stage != turn.case.stage.value:
            return Tapped(text("journey.input.old_button"), await self._prompt(turn), older=True)
        step = STEPS[turn.case.stage]
        choice = None if step.tap is None else await step.tap(self, turn, question, value)
        if choice is None:
            return Tapped(text("journey.input.done_button"), [],
                          older=await self._answered_before(turn, question, value))
        return Tapped(None, *choice)

    @staticmethod
    async def _answered_before(turn: Turn, question: str, value: str) -> bool:
        """Whether a tap refused at the step asked now is on a question already behind the
        patient: one with an answer saved (or its confirmation, or "No, go back" under it),
        or a photo tip already passed. A question with no answer yet may be the one asked
        now (a value it does not offer): not behind."""
        if question == "tip":
            return value.isdigit() and int(value) <= turn.case.prep_step
        if question == CONFIRM:
            question = value.partition("=")[0]
        elif question == GO_BACK:
            question = value
        return any(key == question or key.endswith(f".{question}")
                   for key in await turn.answers())

    async def _late_red_flag(self, turn: Turn, stage: str, question: str) -> Tapped | None:
        """A red-flag "yes" (or its confirmation, or "No, go back" under it) tapped after the
        red flags were answered: an old question's button still there (its tidy-up failed or
        has not happened yet), at any later stage. None when the red flags are not answered
        yet or are being changed at the review: the step takes the tap as usual.

        On an open request it is taken as at screening: "yes" is confirmed (the confirmation
        already says NHS 111 / 999), and "Yes, that is right" ends the request with the 999 /
        NHS 111 words, staff alerted in the same transaction (`_stop`); "No, go back" shows
        the current step again. On a request already sent to the practice or ended, the
        999 / NHS 111 words are said at once; if the practice has it (sent, or decided), staff
        are alerted too (`red_flag_after`).
        """
        case = turn.case
        if not case.stage.is_open:
            return None if question == GO_BACK else Tapped(None, await self._red_flag_after(turn))
        answers = await turn.answers()
        changing = prompts.changing_now(case)
        if "screen.red_flags" not in answers or (
                stage == Stage.REVIEW.value == case.stage.value
                and changing is not None and changing[0].id == "red_flags"):
            return None
        parent = prompts.by_parent(case)
        if not STEPS[case.stage].goes_to(Stage.STOPPED):
            return None
        if question == GO_BACK:
            await self._red_flags.withdrawn(turn)
            return Tapped(None, await self._prompt(turn), text("journey.confirm.no_red_flag"))
        log.info("late red-flag answer", extra={"case_id": case.id, "stage": case.stage.value,
                                                "confirmed": question == CONFIRM})
        if question == CONFIRM:
            await turn.save("screen.red_flags", "yes")
            practice = await turn.practice()
            words = worded("journey.stop.red_flag", parent=parent, practice=practice.name,
                           phone=practice.phone)
            return Tapped(None, await self._stop(turn, RED_FLAG_STOP, words),
                          text("journey.confirm.yes"))
        label = worded("journey.screening.red_flags.yes", parent=parent)
        return Tapped(None, [await self._red_flags.said_yes(turn),
                             self._confirm_stop(case, "red_flags", label, "yes", "red_flag")])

    async def _red_flag_after(self, turn: Turn) -> list[Reply]:
        """The 999 / NHS 111 words for a red-flag "yes" (or its confirmation) tapped once the
        request was sent or ended, perhaps while another request is open; that other request
        is left as it is.

        Sent or decided (the practice has it), deleted by the patient since or not:
        `journey.stop.red_flag_after` ("do not wait for your GP to reply"), and staff alerted
        once a case (`red_flag_after`): a deletion takes nothing back from the practice, and
        staff told of it may read it as "no help needed". Always audited, so /status and
        `bot.inbox.earlier` see it. Ended before it
        reached the practice: `journey.red_flag.ended`, naming the request (`named`) and
        worded for who answered it; staff alerted once a case (`red_flag_ended`) when the
        patient ended it themselves (cancelled or deleted) or it stopped at screening for
        another reason, since staff may have read that end as "no help needed"
        (`ended_alerted`). Not after a red-flag stop (staff were alerted of it), nor after a
        stop that may mean the person is not the patient (a locked link, not the guardian,
        stopped by the practice): the advice is still given, but no alert names the
        practice's patient for someone else's tap."""
        case = turn.case
        sent = case.stage in (Stage.SUBMITTED, Stage.DECIDED) or (
            case.submitted_at is not None and case.stage is Stage.ERASED)
        reason = None
        if not sent:
            reason = status_next.stop_reason(await self._store.audit.for_case(case.id))
        alert = "red_flag_after" if sent else (  # sent: the practice has it, even if deleted
            "red_flag_ended" if ended_alerted(case, reason) else None)
        if alert is not None:
            built = await self._stop_alerts(self._store, case, alert)
            alerts = [replace(item, dedupe_key=f"case:{case.id}:{alert}:{item.chat_id}")
                      for item in built.messages]
            await self._store.outbox.add(case.id, alerts, built.notes)
            self._on_queued()
        kind = "case.red_flag_after" if sent else "case.red_flag_ended"
        await self._store.audit.record(kind, actor="patient", case_id=case.id,  # for /status
                                       detail={"stage": case.stage.value,
                                               "staff_alerted": alert is not None})
        log.info("red-flag answer after the request", extra={"case_id": case.id,
                                                             "stage": case.stage.value,
                                                             "alert": alert or "none"})
        if sent:
            return [say(worded("journey.stop.red_flag_after", parent=prompts.by_parent(case)))]
        return [say(worded("journey.red_flag.ended", parent=prompts.by_parent(case),
                           request=await self._named(case)))]

    async def _tap_identity(self, turn: Turn, question: str, value: str) -> Choice | None:
        """A tap on Yes (the ISO date on the button) or No under a date of birth read back:
        check a confirmed date against the invite.

        Each read-back's buttons carry its number (`Case.read_backs`): a tap under one that a
        newer date has replaced, or whose date was already checked and found wrong, is
        answered kindly (`journey.identity.replaced`) and neither confirms its date nor uses
        up a try. A button from before read-backs were numbered counts only while none is.
        """
        if question != "dob":
            return None
        value, _, number = value.partition("#")
        if (int(number) if number.isdigit() else 0) != turn.case.read_backs:
            log.info("superseded date-of-birth read-back tapped",
                     extra={"case_id": turn.case.id})
            return [say(text("journey.identity.replaced"))], None
        if value == "no":
            return [say(text("journey.identity.again"))], text("journey.identity.confirm_no")
        try:
            typed = date.fromisoformat(value)
        except ValueError:
            return None
        chosen = text("journey.identity.confirm_yes")
        case = turn.case
        invite = await self._store.invites.get(case.invite_id) if case.invite_id else None
        assert invite is not None
        if typed.isoformat() == invite.date_of_birth:
            await self._move(turn, Stage.CONSENT, flags=Flags(dob_checked=True))
            return [say(text("journey.identity.ok")), *await self._prompt(turn)], chosen
        practice = await turn.practice()
        if await self._store.invites.record_failed_check(invite.id, lock_after=DOB_TRIES):
            await self._stop(turn, LOCKED, "")
            return [say(stop_words(LOCKED, parent=prompts.by_parent(case),
                                   practice=practice.name, phone=practice.phone))], chosen
        turn.case = await self._store.cases.set_flags(  # this read-back is spent
            turn.case, Flags(read_backs=case.read_backs + 1), actor="patient")
        fresh = await self._store.invites.get(invite.id)
        left = DOB_TRIES - (fresh.failed_dob_checks if fresh else DOB_TRIES - 1)
        tries = "try" if left == 1 else "tries"
        return [say(text("journey.identity.wrong", left=left, tries=tries) + "\n\n"
                    + text("journey.identity.day_first"))], chosen

    async def _tap_question(self, turn: Turn, question: str, value: str) -> Choice | None:
        """A tap at screening or details: the answer to the question asked now, or its
        confirmation."""
        screening = turn.case.stage is Stage.SCREENING
        parent = prompts.by_parent(turn.case)
        questions = (screening_questions(parent=parent, child=turn.case.is_child)
                     if screening else detail_questions(parent=parent))
        prefix = "screen" if screening else "detail"
        expected = next_question(questions, await turn.answers(), prefix,
                                 child=turn.case.is_child)
        if expected is None:
            return None
        return await self._question_tap(turn, expected, prefix, question, value)

    async def _question_tap(
        self, turn: Turn, expected: Question, prefix: str, question: str, value: str
    ) -> Choice | None:
        """A tap on a question's answer, or on the confirmation of an answer that would stop."""
        if question == GO_BACK:
            if value != expected.id:
                return None
            if expected.id == "red_flags":
                await self._red_flags.withdrawn(turn)
                return await self._go_back(turn), text("journey.confirm.no_red_flag")
            return await self._go_back(turn), text("journey.confirm.no")
        confirmed = question == CONFIRM
        if confirmed:
            question, _, value = value.partition("=")
        option = expected.option(value) if expected.id == question else None
        if option is None:
            return None
        if option.stop and not confirmed:
            confirm = self._confirm_stop(turn.case, question, option.label, value, option.stop)
            if option.stop == "red_flag":  # the advice and the alert come before any confirming
                return [await self._red_flags.said_yes(turn), confirm], option.label
            return [confirm], option.label
        chosen = text("journey.confirm.yes") if confirmed else option.label
        if expected.id == "red_flags" and not option.stop:  # "No" on the question itself,
            await self._red_flags.withdrawn(turn)  # while a "yes" waited: said to be a mistake
        return await self._answer(turn, expected, value, prefix), chosen

    async def _tap_consent(self, turn: Turn, question: str, value: str) -> Choice | None:
        """A tap on the consent question asked now (`prompts.consent_waiting`): "Yes" (or an
        answer that carries on as it does, a parent's "too young to understand") goes on to
        the next one, or to the screening after the last; "No" is confirmed, then stops with
        its own reason and kind words (`prompts.CONSENT_QUESTIONS`)."""
        waiting = prompts.consent_waiting(turn.case, await turn.answers())
        if waiting == "guardian" and LEGACY_CONSENT in (question, value.partition("=")[0]):
            # A button of the single question a parent was asked before the questions were
            # split ("are you the parent or guardian, and do you agree?"): its answer still
            # counts, as "consent", which stands for "guardian" too (`consent_waiting`).
            waiting = LEGACY_CONSENT
        if question == GO_BACK:
            if waiting is None or value != waiting:
                return None
            return await self._go_back(turn), text("journey.confirm.no")
        confirmed = question == CONFIRM
        if confirmed:
            question, _, value = value.partition("=")
        if question != waiting:
            return None
        asked = prompts.CONSENT_QUESTIONS[question]
        carry_on = asked.carries_on(value)
        chosen = text("journey.confirm.yes") if confirmed else text(
            f"journey.consent.{asked.label(value)}")
        if not carry_on and not confirmed:
            return [self._confirm_stop(turn.case, question, chosen, value, asked.stop)], chosen
        await turn.save(question, value)
        if not carry_on:
            practice = await turn.practice()
            return await self._stop(turn, asked.stop, stop_words(
                asked.stop, parent=prompts.by_parent(turn.case), practice=practice.name,
                phone=practice.phone)), chosen
        if prompts.consent_waiting(turn.case, await turn.answers()) is not None:
            return await self._prompt(turn), chosen
        await self._move(turn, Stage.SCREENING)
        return [say(worded("journey.screening.intro", parent=prompts.by_parent(turn.case))),
                *await self._prompt(turn)], chosen

    def _confirm_stop(self, case: Case, question: str, choice: str, value: str,
                      stop: str) -> Reply:
        """Ask "You chose X. That means ... Is that right?" before an answer ends the request.

        Nothing is saved until "Yes": "No, go back" asks the same question again, so one
        mis-tap cannot end the request. A red-flag "yes" is the exception: its advice and staff
        alert come at once, before this question (`RedFlags.said_yes`), and its "No" says "it
        was a mistake".
        """
        stage = case.stage.value
        means = worded(f"journey.confirm.means.{stop}", parent=prompts.by_parent(case))
        no = "journey.confirm.no_red_flag" if stop == "red_flag" else "journey.confirm.no"
        return say(text("journey.confirm.ask", choice=choice, means=means),
                   (Button(text("journey.confirm.yes"),
                           button_data(stage, CONFIRM, f"{question}={value}")),),
                   (Button(text(no), button_data(stage, GO_BACK, question)),))

    def _red_flag_waiting(self, turn: Turn, answers: dict[str, str]) -> list[Reply] | None:
        """The advice and the confirmation again, while a red-flag "yes" waits for it (at
        screening, or changing the red flags at the review); None otherwise."""
        case = turn.case
        changing = prompts.changing_now(case) if case.stage is Stage.REVIEW else None
        if not RedFlags.waiting(answers) or not (
                (case.stage is Stage.SCREENING and "screen.red_flags" not in answers)
                or (changing is not None and changing[0].id == "red_flags")):
            return None
        label = worded("journey.screening.red_flags.yes", parent=prompts.by_parent(case))
        return [RedFlags.advice(case),
                self._confirm_stop(case, "red_flags", label, "yes", "red_flag")]

    async def _go_back(self, turn: Turn) -> list[Reply]:
        """The patient said an ending answer was a mistake: ask the question again (for consent,
        only the last of its three messages, the one with the question and its buttons)."""
        return [say(text("journey.confirm.back")), (await self._prompt(turn))[-1]]

    async def _answer(
        self, turn: Turn, question: Question, value: str, prefix: str
    ) -> list[Reply]:
        """Save an answer and go on: the next question, the next step, or (changed at the
        review) back to the review. A change at the review to an answer others depend on
        deletes them with it (`DEPENDENT`), and they are asked again (`_ask_missing`); once
        all are answered, a changed area asks whether the photos show the new one
        (`bot.journey.photo_area`, `_photos_area`)."""
        key = f"{prefix}.{question.id}"
        answers = await turn.answers()
        changed = turn.case.stage is Stage.REVIEW and answers.get(key) != value
        if changed and (shown := photo_area.before_change(answers, key)) is not None:
            await turn.save(photo_area.SHOWN, shown)  # the area the photos were taken for
        await turn.save(key, value, clears=DEPENDENT.get(key, ()) if changed else ())
        parent = prompts.by_parent(turn.case)
        option = question.option(value)
        if prefix == "screen" and turn.case.stage is Stage.SCREENING:
            if option is not None and option.stop and red_flags_unasked(answers):
                # "a mole, spot or lump" comes before the red flags: they are asked before it
                # ends anything, so no routine stop hides an urgent answer (hazard log H43)
                log.info("ending answer waits for the red flags",
                         extra={"case_id": turn.case.id, "reason": option.stop})
                return [say(worded("journey.confirm.safety_first", parent=parent)),
                        *await self._prompt(turn)]
            if option is None or not option.stop:
                option = stop_before_red_flags(
                    screening_questions(parent=parent, child=turn.case.is_child), answers)
        if option is not None and option.stop:
            practice = await turn.practice()
            reason = f"screen_{option.stop}"
            return await self._stop(turn, reason, stop_words(
                reason, parent=parent, practice=practice.name, phone=practice.phone))
        if turn.case.stage is Stage.REVIEW:  # an answer changed at the review
            missing = await self._ask_missing(turn, "journey.review.ask_again")
            if missing is not None:
                return missing
            turn.case = await self._store.cases.set_flags(turn.case, Flags(changing=""),
                                                          actor="patient")
            if photo_area.unconfirmed(answers):
                return [photo_area.question(answers, text("journey.review.changed"))]
            return await prompts.review_prompt(self._store, turn.case, answers,
                                               photos_too=False,
                                               lead=text("journey.review.changed"))
        questions = (screening_questions(parent=parent, child=turn.case.is_child)
                     if prefix == "screen" else detail_questions(parent=parent))
        if next_question(questions, answers, prefix, child=turn.case.is_child) is not None:
            return await self._prompt(turn)
        following = Stage.PREPARATION if turn.case.stage is Stage.SCREENING else Stage.REVIEW
        await self._move(turn, following)
        return await self._prompt(turn)

    async def _ask_missing(self, turn: Turn, lead: str) -> list[Reply] | None:
        """At the review: ask the first question put to this patient that has no answer (one
        cleared by a change it depended on), as the answer being changed, after the words at
        `lead`; None when every one is answered."""
        missing = prompts.unanswered(turn.case, await turn.answers())
        if missing is None:
            return None
        if turn.case.changing != missing[0].id:
            turn.case = await self._store.cases.set_flags(
                turn.case, Flags(changing=missing[0].id), actor="patient")
        return [prompts.asking(missing[0], Stage.REVIEW, text(lead))]

    async def _tap_tip(self, turn: Turn, question: str, value: str) -> Choice | None:
        """Next on a photo tip (the number of the tip it shows), or I am ready on the last."""
        if question != "tip":
            return None
        current = turn.case.prep_step
        last = len(texts("journey.prepare.steps")) - 1
        if value == "ready" and current == last:
            await self._move(turn, Stage.LOCATOR)
            return await self._prompt(turn), None
        if value.isdigit() and int(value) == current + 1 <= last:
            turn.case = await self._store.cases.set_flags(turn.case, Flags(prep_step=int(value)),
                                                          actor="patient")
            return await self._prompt(turn), None
        return None

    async def _tap_anyway(self, turn: Turn, question: str, value: str) -> Choice | None:
        """"Send this one anyway" under a photo that failed its checks twice."""
        if question != "anyway" or not value.isdigit():
            return None
        shot = shot_of(turn.case)
        assert shot is not None
        if await self._photos.use_anyway(turn.case, shot, int(value)) is None:
            return None
        kept = worded("journey.photos.kept_anyway", parent=prompts.by_parent(turn.case))
        return (await self._then_next(turn, [say(kept)]),
                text("journey.photos.send_anyway"))

    async def _tap_shot(self, turn: Turn, question: str, value: str) -> Choice | None:
        """A tap at a photo step: "Keep the photo I have" (`_keep_old`) or "Use this photo
        anyway" (`_tap_anyway`)."""
        if question == "keep":
            return await self._keep_old(turn)
        return await self._tap_anyway(turn, question, value)

    async def _keep_old(self, turn: Turn) -> Choice | None:
        """"Keep the photo I have", under the request for a photo the patient chose to replace
        at the review (`photo_step.may_keep_old`): back to the review with the photo kept before,
        unchanged (its tries since are not counted on it). None when it does not apply (a
        photo the GP asked for, or the first time through the photos): nothing changes."""
        if not may_keep_old(turn.case):
            return None
        shot = turn.case.stage.value
        await self._move(turn, Stage.REVIEW, flags=Flags(return_to_review=False))
        log.info("replacement given up, old photo kept",
                 extra={"case_id": turn.case.id, "shot": shot})
        return ([say(text("journey.photos.kept_old")), *await self._prompt(turn)],
                text("journey.photos.keep_old"))

    async def _anyway(self, turn: Turn, shot: str, attempt: str) -> Tapped:
        """A tap on "Use it anyway": the newest offer of the shot asked for now keeps
        its photo; an older one says truthfully what became of its photo (`_stale_anyway`)."""
        case = turn.case
        if case.stage.is_open and case.stage.value == shot:
            choice = await self._tap_anyway(turn, "anyway", attempt)
            if choice is not None:
                return Tapped(None, *choice, settles_offers=True)
        key = await self._stale_anyway(case, shot, attempt)
        log.info("old send-anyway offer tapped", extra={"case_id": case.id, "shot": shot,
                                                        "answer": key})
        words = worded(f"journey.photos.{key}", parent=prompts.by_parent(case))
        return Tapped(None, [say(words)])  # the newest stays live

    async def _stale_anyway(self, case: Case, shot: str, attempt: str) -> str:
        """What became of the photo an out-of-date offer was for, as the key of its words
        under `journey.photos`: in use already, a newer photo kept instead, a newer photo
        sent since (whose own offer is the one to tap), or no longer kept."""
        photos = [p for p in await self._store.photos.for_case(case.id) if p.shot == shot]
        tapped = next((p for p in photos if str(p.attempt) == attempt), None)
        if tapped is None:
            return "anyway_gone"
        if tapped.status == "accepted":
            return "anyway_in_use"
        newer = [p for p in photos if p.attempt > tapped.attempt]
        if tapped.status == "replaced" or any(p.status in ("accepted", "replaced")
                                              for p in newer):
            return "anyway_newer_kept"
        return "anyway_newer_sent" if newer else "anyway_gone"

    async def _tap_review(self, turn: Turn, question: str, value: str) -> Choice | None:
        """A tap at the review: Send, Replace a photo, Change an answer, Cancel, the question
        being changed (its answer, or the confirmation of one that would stop), or "Do your
        photos show the new area?".

        While an answer is being changed (`Case.changing`), only that question's buttons and
        Cancel act: any other button still on screen (Send or Change on an earlier review
        message, one /status showed, the list of answers to change, Replace a photo, the
        photos' area) is refused kindly and the question is asked again. Nothing says whether
        a stopping answer ("Breast", a child's eczema) waits for its confirmation, since
        nothing is saved until "Yes", so Send must never go past it
        (`journey.review.finish_change`). Send asks first for any answer missing.
        """
        changing = prompts.changing_now(turn.case)
        if changing is not None and question in (changing[0].id, CONFIRM, GO_BACK):
            return await self._question_tap(turn, changing[0], changing[1], question, value)
        if question == "review" and value == "send":  # never with an answer missing
            missing = await self._ask_missing(turn, "journey.review.answer_first")
            if missing is not None:
                return missing, None
        if changing is not None and (question, value) != ("review", "cancel"):
            log.info("review button refused while an answer is changed",
                     extra={"case_id": turn.case.id, "button": question,
                            "changing": changing[0].id})
            lead = text("journey.review.finish_change")
            waiting = self._red_flag_waiting(turn, await turn.answers())
            if waiting is not None:  # the advice and the confirmation again, not the question
                return [say(lead), *waiting], None
            return [prompts.asking(changing[0], Stage.REVIEW, lead)], None
        if question == "change" and prompts.may_change(turn.case, await turn.answers(), value):
            turn.case = await self._store.cases.set_flags(turn.case, Flags(changing=value),
                                                          actor="patient")
            return await self._prompt(turn), text(f"journey.review.change_{value}")
        if question == photo_area.QUESTION:
            return await self._photos_area(turn, value)
        if question == photo_order.QUESTION:
            return await self._whole_area(turn, value)
        if question == "review" and value == "send":
            answers = await turn.answers()
            if photo_area.unconfirmed(answers):  # nor photos of another area
                return [photo_area.question(answers, text("journey.review.answer_first"))], None
            if await self._store.photos.unordered(turn.case.id):  # nor an unchecked locator
                return await prompts.review_prompt(
                    self._store, turn.case, answers,
                    lead=text("journey.review.answer_first")), None
        replies = await self._review_action(turn, question, value)
        if replies is None:
            return None
        label = (f"journey.review.{value}" if question == "review" else
                 f"journey.review.replace_{value}")
        return replies, worded(label, parent=prompts.by_parent(turn.case))

    async def _photos_area(self, turn: Turn, value: str) -> Choice | None:
        """Yes or No to "Do your photos show the new area: ...?" (`bot.journey.photo_area`).

        Yes keeps the photos for the new area (audited as `photos.area_confirmed`) and shows
        the review. No deletes them (rows, files, the messages still in the chat: as the
        erasure does, `CaseRepository.photos_again`) and asks for all 3 again, in order, with
        the usual checks, then back to the review. A button under a question about another
        area (changed again since) asks the question about the area now; None when nothing
        is to be confirmed (answered already)."""
        answers = await turn.answers()
        if not photo_area.unconfirmed(answers):
            return None
        now = photo_area.area_of(answers) or ""
        choice, _, named = value.partition("#")
        if choice not in ("yes", "no") or named != photo_area.token(now):
            return [photo_area.question(answers)], None
        case = turn.case
        if choice == "yes":
            # The patient's word is what the photos show now: any later change of area, even
            # back to the area first given, asks again.
            await self._store.answers.confirm(
                case.id, photo_area.SHOWN, now, event="photos.area_confirmed",
                detail={"photos": len(await self._store.photos.accepted(case.id))})
            answers[photo_area.SHOWN] = now
            log.info("photos confirmed for a changed area", extra={"case_id": case.id})
            return await prompts.review_prompt(
                self._store, case, answers, photos_too=False,
                lead=text("journey.review.photos_kept")), text("journey.review.photos_area_yes")
        if not STEPS[case.stage].goes_to(Stage(SHOT_SLOTS[0])):
            raise AssertionError(f"{case.stage} has no exit to {SHOT_SLOTS[0]} in STEPS")
        turn.case, files = await self._store.cases.photos_again(
            case, forget=(photo_area.SHOWN, photo_area.CONFIRMED), redo=SHOT_SLOTS,
            reason="photos_of_another_area")
        answers.pop(photo_area.SHOWN, None)
        answers.pop(photo_area.CONFIRMED, None)
        self._on_queued()
        await testpoints.reached("erasure.committed")
        left = await erasure.finish(self._store, case.id)
        await erasure.checkpoint(self._store)
        log.info("photos of another area deleted, all taken again",
                 extra={"case_id": case.id, "photos": files, "files_left": left})
        told = replace(say(text("journey.review.photos_deleted",
                                area=photo_area.area_words(answers))), shows_answers=True)
        return [told, *await self._prompt(turn)], text("journey.review.photos_area_no")

    async def _whole_area(self, turn: Turn, value: str) -> Choice | None:
        """Photo 1, 2 or 3 to "Which photo is the one from further away?"
        (`bot.journey.photo_order`, H45), asked at the review while photos that came in an
        album are unchecked: that photo becomes the locator (swapped with photo 1, each keeping
        its checks), audited as `photos.locator_chosen`, and the review follows (the photos
        again when their order changed). A button under a question about another set (replaced
        since) asks about the set now; once answered, an old button changes nothing, says so
        and shows the review. None for a value the bot never makes."""
        parsed = photo_order.parse(value)
        if parsed is None:
            return None
        slot, named = parsed
        case = turn.case
        answers = await turn.answers()
        photos = await self._store.photos.accepted(case.id)
        if not await self._store.photos.unordered(case.id) or len(photos) != len(SHOT_SLOTS):
            log.info("old which-photo button tapped", extra={"case_id": case.id})
            return await self._whole_area_done(case, answers), None
        if named != photo_order.token(photos):
            return await prompts.review_prompt(
                self._store, case, answers, lead=text("journey.review.whole_area_again")), None
        if not await self._store.photos.choose_locator(case.id, slot):
            return await self._whole_area_done(case, answers), None
        log.info("patient chose the photo from further away",
                 extra={"case_id": case.id, "chosen": slot})
        await testpoints.reached("locator.chosen")
        moved = slot != SHOT_SLOTS[0]
        if moved:  # each judged for the distance of the shot it now is, for the GP's flags
            await self._photos.rejudge_stale(case)
        lead = text(f"journey.review.whole_area_{'moved' if moved else 'kept'}")
        return (await prompts.review_prompt(self._store, case, answers, photos_too=moved,
                                            lead=lead),
                text(f"journey.review.whole_area_{slot}"))

    async def _whole_area_done(self, case: Case, answers: dict[str, str]) -> list[Reply]:
        """Answered already (before a restart, say): nothing changes, and the review with its
        Send follows (the reply to the answer may have died with the process, and with it
        the photos' judging again for their new shots, done here if so)."""
        await self._photos.rejudge_stale(case)
        return await prompts.review_prompt(self._store, case, answers, photos_too=False,
                                           lead=text("journey.review.whole_area_done"))

    async def _review_action(
        self, turn: Turn, question: str, value: str
    ) -> list[Reply] | None:
        """Send, replace a photo, change an answer or cancel, from the review."""
        if question == "review" and value == "send":
            await self._photos.rejudge_stale(turn.case)  # the GP's flags come from these
            deliveries = await self._deliveries(self._store, turn.case)
            notes = alerting.submission_notes(turn.case, deliveries)
            await self._move(turn, Stage.SUBMITTED, outbox=deliveries, notes=notes)
            self._on_queued()
            await testpoints.reached("submission.committed")
            practice = await turn.practice()
            if alerting.tells_patient(notes):  # nobody there can get it: never say it is
                return [say(alerting.unreached_words(turn.case, practice.name, practice.phone))]
            return [say(worded("journey.receipt.text", parent=prompts.by_parent(turn.case),
                               practice=practice.name,
                             reference=turn.case.reference, phone=practice.phone))]
        if question == "review" and value == "replace":
            rows = [(Button(text(f"journey.review.replace_{slot}"),
                            button_data(Stage.REVIEW.value, "replace", slot)),)
                    for slot in SHOT_SLOTS]
            rows.append((Button(text("journey.review.keep"),
                                button_data(Stage.REVIEW.value, "review", "keep")),))
            return [Reply(text=text("journey.review.which"), buttons=tuple(rows))]
        if question == "review" and value in ("keep", "keep_answers"):
            # "Replace a photo" or "Change an answer" tapped by mistake: nothing changes
            return await prompts.review_prompt(self._store, turn.case, await turn.answers(),
                                               photos_too=False,
                                               lead=text(f"journey.review.{value}_done"))
        if question == "review" and value == "change":
            return [prompts.change_prompt(turn.case, await turn.answers())]
        if question == "review" and value == "cancel":
            return [self.confirm("cancel")]
        if question == "replace" and value in SHOT_SLOTS:
            # a photo the GP asked for is taken again as the GP's: its request says why
            asked = turn.case.decision_note and value in await self._gp_asked(turn.case)
            await self._move(turn, Stage(value), flags=Flags(
                return_to_review=True, redo=(value,) if asked else None))
            return await self._prompt(turn)
        return None

    async def _gp_asked(self, case: Case) -> tuple[str, ...]:
        """The shots a GP last asked for again on the case (`Inbox.ask_new_photos`: its
        audited `case.flags` with `redo`, set by a member), () if none was asked for."""
        asked: tuple[str, ...] = ()
        for event in await self._store.audit.for_case(case.id):
            if event.kind == "case.flags" and event.actor.startswith("member:"):
                redo = json.loads(event.detail).get("redo")
                asked = tuple(str(redo).split(",")) if redo else asked
        return asked

    # -- photos ----------------------------------------------------------------------------

    async def photo(
        self, user_id: int, fetch: Callable[[], Awaitable[bytes]], *, source: Source,
        size: int | None, forwarded: bool, on_checking: Callable[[], Awaitable[None]],
        album: str | None = None, take_off_chat: Callable[[], Awaitable[bool]] | None = None,
        on_held: Callable[[], None] | None = None, in_chat: tuple[int, int] | None = None,
        captioned: bool = False,
    ) -> list[Reply]:
        """Handle a photo or image file: check it and keep it, or say why not and what to do.

        `captioned`: the patient wrote words with it. Only the photo is kept (and its message
        then deleted from the chat, words and all), so the patient is told, whatever became of
        the photo, that the GP will not see the words and how to tell the practice
        (`journey.input.caption_not_passed_on`): a symptom written there ("it is spreading
        and I have a fever") must not vanish unread with no safety net.

        Photos of one album arrive one by one; once the needed shots are taken, the album's
        extras get a single note rather than one each.

        Which request it is for: the patient's current one, when it is the only open request
        waiting for a photo (or none is). When another request waits for a photo too (a GP
        asked for new photos on a parent's own request while their child's is at photo 1), or
        the only one waiting is not the one they are on, the photo is held and the patient
        chooses (`bot.journey.photo_choice`); `on_held` is called so the handler leaves the
        photo in the chat until then, and its message (`in_chat`: chat id, message id) is
        noted against each request waiting, for erasure to take it off the chat. A photo is
        never filed to a request by guesswork.

        Once the photo is settled (its file written and its row committed, or refused, as a
        child's face is), `take_off_chat` is awaited to remove the patient's own message from
        the chat; it answers whether that was done, and only then does the verdict say so (the
        issue 15 rule: health data off Telegram as soon as it is safe). A photo not checked
        (forwarded, too big, not wanted now) is left where it is.
        """
        sent = SentPhoto(fetch, source, size, on_checking, album, take_off_chat, in_chat)
        async with self.lock(user_id):
            self._last_tap.pop(user_id, None)
            turn = await self._turn(user_id)
            replies = await self._photo_for_turn(user_id, turn, sent, forwarded, on_held)
            if captioned and turn is not None and self._with_practice(turn):
                replies = [*replies, *await self._sent_note(turn)]
            elif captioned and turn is not None:
                too_big = text("journey.photos.too_big")
                at = next((i for i, r in enumerate(replies) if r.text == too_big), None)
                if at is None:  # the photo was kept, held or refused on what it shows
                    replies = [await self._not_passed_on(turn, "caption"), *replies]
                else:  # not kept: after the refusal words
                    note = await self._not_passed_on(turn, "file_caption")
                    replies = [*replies[:at + 1], note, *replies[at + 1:]]
            return self._urgent_first(turn, replies)

    async def caption_not_passed_on(self, user_id: int) -> list[Reply]:
        """The answer to words sent with a photo or file the journey never saw the contents
        of (too big for Telegram to give the bot, `TooBigToFetch`): the GP will not see them,
        how to tell the practice, and the safety net; [] when the patient has no request."""
        async with self.lock(user_id):
            turn = await self._turn(user_id)
            return [] if turn is None else [await self._not_passed_on(turn, "file_caption")]

    async def _photo_for_turn(self, user_id: int, turn: Turn | None, sent: SentPhoto,
                              forwarded: bool, on_held: Callable[[], None] | None
                              ) -> list[Reply]:
        """`photo`, once the patient's current turn is read: hold, file, or say nothing is
        open."""
        if not forwarded:
            waiting = [case for case in await self._store.cases.open_for_patient(user_id)
                       if shot_of(case) is not None]
            if len(waiting) > 1 or (len(waiting) == 1 and (
                    turn is None or turn.case.id != waiting[0].id)):
                return await self._hold(user_id, sent, waiting, on_held)
        if turn is not None and self._with_practice(turn):
            said = sent.album is not None and self._album_noted.get(user_id) == sent.album
            if sent.album is not None:  # one answer an album; each photo goes from the chat
                self._album_noted[user_id] = sent.album
            words = [] if said else [await self._sent_not_added(turn)]
            if sent.take_off_chat is not None:
                words = await self._take_off_chat(turn.case, sent.take_off_chat, words,
                                                  sent.source)
            return self._bind(turn, [*words, *([] if said else await self._others(turn.case))])
        if turn is None or not turn.case.stage.is_open:
            return self._bind(turn, await self._nothing_open(turn))
        return await self._file(turn, sent, forwarded=forwarded)

    @staticmethod
    def _with_practice(turn: Turn) -> bool:
        """Whether the request is with the practice: sent, not yet decided, not deleted."""
        return turn.case.stage is Stage.SUBMITTED and not turn.case.erased_at

    async def _sent_not_added(self, turn: Turn) -> Reply:
        """A photo or file sent once the request is with the practice: it cannot be added,
        nothing of it is kept, and the GP asks here if they need new photos
        (`journey.photos.sent_not_added`)."""
        practice = await turn.practice()
        log.info("photo or file after the request was sent", extra={"case_id": turn.case.id})
        return say(worded("journey.photos.sent_not_added", parent=prompts.by_parent(turn.case),
                          practice=practice.name, phone=practice.phone))

    async def _not_passed_on(self, turn: Turn, what: str) -> Reply:
        """Words the patient wrote that no one will read (`what`: "caption", with a photo;
        "file_caption", with a file, video or voice note not kept, or a photo too big;
        "typed", where a photo or a tap is wanted; "changed", a text message changed after it
        was sent): the GP will not see them, how to tell the
        practice instead, and the safety net (`journey.input.<what>_not_passed_on`; its
        `_parent` text for a parent, about the child). While a red-flag "yes" waits, only that
        the GP will not see them and to get help now, as the urgent advice above says
        (`journey.input.not_passed_on_urgent`): no softer advice beside the urgent one."""
        if RedFlags.waiting(await turn.answers()):
            return say(worded("journey.input.not_passed_on_urgent",
                              parent=prompts.by_parent(turn.case)))
        practice = await turn.practice()
        return say(worded(f"journey.input.{what}_not_passed_on",
                          parent=prompts.by_parent(turn.case), practice=practice.name,
                          phone=practice.phone))

    async def _hold(self, user_id: int, sent: SentPhoto, waiting: list[Case],
                    on_held: Callable[[], None] | None) -> list[Reply]:
        """Hold a photo that could be for more than one request and ask which it is for
        (once per album)."""
        held = self._held.hold(user_id, sent)
        if held is None:
            return [say(text("journey.cases.choose_first"))]
        if on_held is not None:
            on_held()
        if sent.in_chat is not None:
            await self._store.outbox.note_held([case.id for case in waiting], *sent.in_chat)
        log.info("photo held for the patient's choice of request",
                 extra={"cases": [case.id for case in waiting], "held": len(held[0].photos)})
        if not held[1]:
            return []
        named_waiting = [(case, await self._store.answers.for_case(case.id),
                          await born_of(self._store, case)) for case in waiting]
        return [choice(named_waiting, held[0].token)]

    async def _photo_for(self, user_id: int, value: str) -> Tapped:
        """The patient chose which request their held photos are for (or none): each is
        checked and filed to it in the order sent, as if sent now.

        A choice the bot no longer holds (lost with a restart, or forgotten) asks for the
        photo again, and its message, if still noted as held, is deleted from the chat
        (`OutboxRepository.forget_held`; start-up deletes those of a restart already)."""
        target, token = chosen(value)
        held = self._held.take(user_id, token)
        if held is None and self._held.taken(user_id, token):
            return Tapped(text("journey.input.done_button"), [], older=True)
        if held is None:
            cases = [case.id for case in await self._store.cases.for_patient(user_id)]
            gone = await self._store.outbox.forget_held(cases, keep=self._held.in_chat(user_id))
            if gone:
                self._on_queued()
            log.info("choice of request for a photo no longer held", extra={"deleted": gone})
            return Tapped(None, [say(text("journey.cases.photo_gone"))])
        turn = None if not target.isdigit() else await self._own_turn(user_id, int(target))
        if turn is None or shot_of(turn.case) is None or turn.case.erased_at:
            words = [not_used() if target == NONE_CHOSEN else say(
                text("journey.cases.not_waiting"))]
            for photo in held.photos:
                if photo.take_off_chat is not None:
                    await photo.take_off_chat()
            current = await self._turn(user_id)
            if current is not None and current.case.stage.is_open:
                words += await self._prompt(current)
            return Tapped(None, self._bind(current, words),
                          text("journey.cases.photo_for_none") if target == NONE_CHOSEN
                          else None)
        turn.case = await self._store.cases.choose(turn.case)
        log.info("held photos filed to the chosen request",
                 extra={"case_id": turn.case.id, "photos": len(held.photos)})
        label = request_label(turn.case, await turn.answers())  # said back: never the birth date
        replies: list[Reply] = []
        for photo in held.photos:
            if photo.in_chat is not None:  # noted against the chosen request only now
                await self._store.outbox.keep_chat_photo_with(turn.case.id, *photo.in_chat)
            taken_off = False

            async def take_off(photo: SentPhoto = photo) -> bool:
                nonlocal taken_off
                taken_off = True
                return await photo.take_off_chat() if photo.take_off_chat else False

            if not turn.case.stage.is_open:
                break
            try:
                replies += await self._file(turn, replace(photo, take_off_chat=take_off),
                                            forwarded=False)
            except TooBigToFetch:  # left in the chat, as when sent with no choice to make
                replies.append(say(text("journey.photos.too_big")))
            else:
                if not taken_off and photo.take_off_chat is not None:
                    await photo.take_off_chat()  # not used: nothing keeps it in the chat
            if photo.in_chat is not None:  # dealt with: a restart from here on leaves it be
                await self._store.outbox.unmark_held(*photo.in_chat)
        return Tapped(None, replies, label)

    async def drop_held(self, user_id: int) -> int:
        """Drop the photos held for this person's choice of request and take their messages
        off the chat (a practice's /stop of one of their requests); return how many."""
        async with self.lock(user_id):
            return await self._drop_held(user_id)

    async def _drop_held(self, user_id: int) -> int:
        """`drop_held`, for a caller holding the lock (/delete, /cancel, a stop that deletes
        photos): the patient is told their photos are deleted, so none stays held or in the
        chat. A message Telegram will not delete stays noted (`left_in_chat`)."""
        held = self._held.drop(user_id)
        if held is None:
            return 0
        for photo in held.photos:
            if photo.take_off_chat is not None:
                await photo.take_off_chat()
        log.info("held photos dropped", extra={"held": len(held.photos)})
        return len(held.photos)

    async def _file(self, turn: Turn, sent: SentPhoto, *, forwarded: bool) -> list[Reply]:
        """A photo for this open case: checked and kept, or refused; when the patient has
        more than one request open, the first message says which one it went to."""
        checked = shot_of(turn.case) is not None and not forwarded
        replies = await self._photo(turn, sent.fetch, source=sent.source, size=sent.size,
                                    forwarded=forwarded, on_checking=sent.on_checking,
                                    album=sent.album, take_off_chat=sent.take_off_chat)
        user_id = turn.case.patient_user_id
        if checked and len(await self._store.cases.open_for_patient(user_id)) > 1:
            filed = say(text("journey.cases.filed", request=await self._named(turn.case)))
            replies = [filed, *replies]
        return self._bind(turn, replies)

    async def _photo(
        self, turn: Turn, fetch: Callable[[], Awaitable[bytes]], *, source: Source,
        size: int | None, forwarded: bool, on_checking: Callable[[], Awaitable[None]],
        album: str | None, take_off_chat: Callable[[], Awaitable[bool]] | None,
    ) -> list[Reply]:
        """A photo for the patient's current case (open), which `photo` has read."""
        user_id = turn.case.patient_user_id
        case = turn.case
        shot = shot_of(case)
        if shot is None and case.stage in (Stage.CONSENT, Stage.SCREENING):
            # a question, or the confirmation of an answer that would stop, is waiting above:
            # one kind answer pointing to it, never a second keyboard (one answer an album).
            # A red-flag "yes" waiting is the exception: "Please get help now" first, then
            # the question again below, so the patient need not scroll up to confirm it.
            if album is not None and self._album_noted.get(user_id) == album:
                return []
            if album is not None:
                self._album_noted[user_id] = album
            waiting = self._red_flag_waiting(turn, await turn.answers())
            if waiting is not None:
                return [waiting[0], say(text("journey.photos.not_now_red_flag")), *waiting[1:]]
            return [say(text("journey.photos.not_now_question"))]
        if shot is None and album is not None:
            if self._album_noted.get(user_id) == album:
                return []
            self._album_noted[user_id] = album
            if self._album_owed.pop(user_id, None) is not None:  # the step comes with it
                await self._store.cases.settle_album_step(case.id)
            return await self._led_by(turn, [say(text("journey.photos.album_extra"))])
        if shot is None:
            key = "already_have_all" if case.stage in (Stage.DETAILS, Stage.REVIEW) else (
                "not_now")
            return await self._led_by(turn, [say(text(f"journey.photos.{key}"))])
        if forwarded:
            return [say(text("journey.photos.forwarded"))]
        if size is not None and size > self._max_file_bytes:
            await record_refusal(self._store, case, shot, "file_too_big")
            return [say(text("journey.photos.too_big"))]
        await on_checking()
        try:
            data = await fetch()
        except TooBigToFetch:
            await record_refusal(self._store, case, shot, "file_too_big")
            raise
        answers = await turn.answers()
        try:
            kept, replies = await self._photos.receive(
                case, shot, data, source=source,
                face_expected=answers.get("screen.site") == "face", in_album=album is not None,
            )
        except AlreadyAccepted as same:
            if same.latest:
                replies = [say(text("journey.photos.already_have_this"))]
            elif same.kept_before:
                log.info("photo kept before sent again", extra={
                    "case_id": case.id, "shot": shot, "same_as": same.shot})
                replies = [say(text("journey.photos.same_as_kept",
                                    number=SHOT_SLOTS.index(same.shot) + 1,
                                    what=text(f"journey.photos.what_{shot}")))]
            else:
                log.info("photo same as another shot's", extra={
                    "case_id": case.id, "shot": shot, "same_as": same.shot})
                replies = [say(text("journey.photos.same_as_other",
                                    number=SHOT_SLOTS.index(same.shot) + 1))]
            if take_off_chat is not None:
                replies = await self._take_off_chat(case, take_off_chat, replies, source)
            return [*replies, *await self._prompt(turn)]
        except StageConflict:  # erased while it was checked (a practice /stop): not kept
            await erasure.finish(self._store, case.id)  # its file goes now, not at a purge
            if take_off_chat is not None:
                await take_off_chat()
            ended = await self._store.cases.get(case.id)
            now = turn if ended is None else Turn(self._store, ended)
            log.info("photo for a request erased while it was checked",
                     extra={"case_id": case.id, "shot": shot})
            return self._bind(now, await self._nothing_open(now))
        if take_off_chat is not None:
            replies = await self._take_off_chat(case, take_off_chat, replies, source)
        order = self._album_order(case, album)
        if kept is None:
            if self._album_owed.pop(user_id, None) is not None:  # the verdict says what is
                await self._store.cases.settle_album_step(case.id)  # still wanted
            return [*order, *replies]
        if album is None:
            return [*order, *await self._then_next(turn, replies)]
        # One photo of an album: the case moves on now, but the next step is held until the
        # album's photos have all been judged (`album_prompt`), so "Photo 2 of 3" never comes
        # between the verdicts when photo 2 has already been sent.
        await self._photo_of_area_now(turn)
        await self._after_photo(turn)
        self._album_owed[user_id] = album
        await self._store.cases.owe_album_step(case.id, album)  # a restart still shows it
        return [*order, *replies]

    def album_owed(self, user_id: int) -> str | None:
        """The album whose next step this patient is owed (`album_prompt`), if any."""
        return self._album_owed.get(user_id)

    async def album_steps_owed(self) -> list[tuple[int, int, str]]:
        """At start-up: each patient (user id, chat id) owed the step held for an album when
        the bot stopped, and the album (`album_prompt` with `restored`)."""
        return [(case.patient_user_id, case.patient_chat_id, album)
                for case, album in await self._store.cases.album_steps_owed()]

    async def album_prompt(self, user_id: int, album: str, *, restored: bool = False
                           ) -> list[Reply]:
        """The step held back while an album's photos were judged, once they all have been
        (or the rest never came): only the step still wanted (the next photo, the first
        question, or the review), read from the case as it is now. [] when nothing is owed for
        this album (a later photo refused, or the step already shown). `restored`: noted in
        the store before a restart (`album_steps_owed`), when nothing in memory says so."""
        async with self.lock(user_id):
            if self._album_owed.get(user_id) != album and not restored:
                return []
            self._album_owed.pop(user_id, None)
            turn = await self._turn(user_id)
            if turn is not None and not await self._store.cases.settle_album_step(
                    turn.case.id) and restored:
                return []  # shown meanwhile
            if turn is None or not turn.case.stage.is_open or turn.case.stage not in (
                    *PHOTO_ORDER, Stage.DETAILS, Stage.REVIEW):
                return []
            log.info("album judged: its next step shown", extra={"case_id": turn.case.id})
            if turn.case.stage is Stage.DETAILS and not any(
                    key.startswith("detail.") for key in await turn.answers()):
                question = prompts.question_prompt(turn.case, await turn.answers(),
                                                   lead=text("journey.details.intro"))
                if question is not None:
                    return self._bind(turn, [say(text("journey.photos.all_done")), question])
            return self._bind(turn, await self._led_by(turn, []))

    def _album_order(self, case: Case, album: str | None) -> list[Reply]:
        """Photos sent together (an album) from the first of the three on: once, before the
        first one's verdict, that they are used in the order sent, first the whole area, and
        that any can be replaced at the end (`journey.photos.album_order`); a patient whose
        album put a close-up first then knows why it was taken as the whole area."""
        if album is None or case.stage is not Stage.LOCATOR or which_photo(case) is not None:
            return []
        if self._album_order_told.get(case.patient_user_id) == album:
            return []
        self._album_order_told[case.patient_user_id] = album
        return [say(text("journey.photos.album_order"))]

    @staticmethod
    async def _take_off_chat(case: Case, take_off: Callable[[], Awaitable[bool]],
                             verdict: list[Reply], source: Source) -> list[Reply]:
        """Remove the settled photo's message from the chat; say so in the verdict's first
        message if that worked, calling it a file if it was sent as one (`source`,
        `journey.photos.removed_file`). A refusal (too old, already gone) never stops the
        journey."""
        removed = await take_off()
        log.info("photo message removed from chat" if removed else
                 "photo message left in chat", extra={"case_id": case.id})
        if not removed or not verdict or verdict[0].picture or verdict[0].album:
            return verdict
        said = text("journey.photos.removed_file" if source == "document"
                    else "journey.photos.removed")
        first = replace(verdict[0], text=f"{verdict[0].text}\n\n{said}")
        return [first, *verdict[1:]]

    async def _then_next(self, turn: Turn, verdict: list[Reply]) -> list[Reply]:
        """The photo's verdict, then the next step; after the last photo, "That is all 3
        photos" goes into the verdict's own message (two messages there, not four)."""
        await self._photo_of_area_now(turn)
        after = await self._after_photo(turn)
        done = text("journey.photos.all_done")
        if verdict and after and after[0].text == done and not (
                verdict[-1].buttons or verdict[-1].picture or verdict[-1].album):
            return [*verdict[:-1], say(f"{verdict[-1].text}\n\n{done}"), *after[1:]]
        return [*verdict, *after]

    async def _photo_of_area_now(self, turn: Turn) -> None:
        """A photo kept after the area was changed at the review and the photos confirmed for
        it (one replaced, or asked for again by a GP): it was taken of the area now, so that
        is the area the photos were taken for (`photo_area.SHOWN`), and going back to the
        area before asks again. Nothing while the question is still to answer."""
        answers = await turn.answers()
        now = photo_area.area_of(answers)
        if (photo_area.SHOWN in answers and now is not None
                and not photo_area.unconfirmed(answers)):
            await turn.save(photo_area.SHOWN, now, clears=(photo_area.CONFIRMED,))

    async def _after_photo(self, turn: Turn) -> list[Reply]:
        """Where a kept photo leads: the next shot the GP asked for again (`Case.redo`,
        `taken_again`), back to the review (`Case.return_to_review`), or the next shot, then
        the details."""
        case = turn.case
        again = taken_again(case)
        shot = shot_of(case)
        if again and shot is not None and again.index(shot) + 1 < len(again):
            following_shot = again[again.index(shot) + 1]
            await self._move(turn, Stage(following_shot), flags=Flags(redo=again))
            return await self._prompt(turn)
        if case.return_to_review:
            await self._move(turn, Stage.REVIEW, flags=Flags(
                redo=() if case.redo else None, return_to_review=False))
            return await self._prompt(turn)
        index = PHOTO_ORDER.index(case.stage)
        following = PHOTO_ORDER[index + 1] if index + 1 < len(PHOTO_ORDER) else Stage.DETAILS
        await self._move(turn, following)
        if following is Stage.DETAILS:
            question = prompts.question_prompt(turn.case, await turn.answers(),
                                               lead=text("journey.details.intro"))
            return [say(text("journey.photos.all_done")),
                    *([question] if question else await self._prompt(turn))]
        return await self._prompt(turn)

    # -- commands and other input -------------------------------------------------------------

    async def resume(self, user_id: int, case_id: int | None = None) -> list[Reply]:
        """What to do now after a GP asked for new photos on case `case_id` (None: on the
        patient's current case): its next photo request if it is their current case; if
        another open case is current, a message naming the case the GP asked about, with a
        button that makes it current (a photo sent without tapping it is held until the
        patient chooses which request it is for, `bot.journey.photo_choice`);
        nothing if the case is no longer open."""
        async with self.lock(user_id):
            self._last_tap.pop(user_id, None)
            turn = await self._turn(user_id)
            if case_id is not None and (turn is None or turn.case.id != case_id):
                asked = await self._own_turn(user_id, case_id)
                if asked is None or not asked.case.stage.is_open or asked.case.erased_at:
                    return []
                choose = Button(text("journey.cases.choose"), button_data("any", CHOOSE, "-"))
                return bind([say(text("journey.cases.gp_asked_other",
                                      request=await self._named(asked.case)), (choose,))],
                            asked.case.id)
            if turn is None or not turn.case.stage.is_open:
                return []
            return self._bind(turn, await self._prompt(turn))

    async def status(self, user_id: int) -> list[Reply]:
        """Say where the patient is and what comes next: first any red-flag advice one of
        their requests has (`status_next.advice`, each said once), then the request they
        are on (`current_for_patient`), then each other request still in progress or with
        news (`_other_statuses`), then the step to carry on with, if the request is open."""
        async with self.lock(user_id):
            turn = await self._turn(user_id)
            if turn is None:
                return [say(text("journey.commands.nothing_open"))]
            case = turn.case
            practice = await turn.practice()
            events = await self._store.audit.for_case(case.id)
            where, nxt = await self._where_next(case, events)
            advice = [] if case.stage.is_open else status_next.advice(
                case, nxt, practice, flagged_after=status_next.red_flag_after(events),
                unconfirmed=status_next.red_flag_unconfirmed(events))
            nxt = "next_red_flag" if advice else nxt  # never "nothing" beside the advice
            words = status_next.status_words(case, where,
                                             status_next.next_words(case, nxt, practice))
            several = len(await self._store.cases.open_for_patient(user_id))
            if several > 1:
                lead = text("journey.cases.open_count", count=several,
                            request=await self._named(case))
                words = f"{lead}\n\n{words}"
            others, others_advice = await self._other_statuses(case)
            if case.stage.is_open:  # a red-flag "yes" waiting: `_bind` puts its advice first
                replies = [*advice, *others_advice,
                           *await self._led_by(turn, [say(words), *others],
                                               reminder=True)]
            else:
                replies = [*advice, *others_advice, say(words), *others]
            return _urgent_once(self._bind(turn, replies))

    async def _where_next(self, case: Case, events: Sequence[Event]) -> tuple[str, str]:
        """The "Where you are:" words of the case and the `journey.status_words` key of its
        "Next:" line (`status_next`), counting a photo taken again among those wanted now."""
        unreached = await alerting.still_unreached(self._store, case, events)
        nxt = status_next.next_key(case, status_next.stop_reason(events), unreached=unreached)
        if which_photo(case) is not None:  # counted among the photos wanted now
            return stage_words(case), "next_taking_again"
        return status_next.where_words(case, unreached=unreached), nxt

    async def _other_statuses(self, case: Case) -> tuple[list[Reply], list[Reply]]:
        """For /status: each other request of the patient than `case` still in progress or
        with news, briefly (`journey.cases.other_status`: named, where it is, what comes
        next; with its reference once sent and not deleted, `other_status_sent`), oldest
        first; and the red-flag advice any of them has. In progress or with
        news: open, sent to the GP, decided (referred, referral sent, appointment, urgent),
        or deleted while the practice still acts on it (`status_next.STILL_ACTING`). A
        request stopped, cancelled or deleted otherwise ended with a message the patient
        already had, and is not repeated."""
        lines: list[Reply] = []
        advice: list[Reply] = []
        practices: dict[int, Practice] = {}  # most patients have one practice: read it once
        for other in await self._store.cases.for_patient(case.patient_user_id):
            if other.id == case.id:
                continue
            events = await self._store.audit.for_case(other.id)
            where, nxt = await self._where_next(other, events)
            if other.practice_id not in practices:
                practices[other.practice_id] = await Turn(self._store, other).practice()
            practice = practices[other.practice_id]
            advice += status_next.advice(
                other, nxt, practice, flagged_after=status_next.red_flag_after(events),
                unconfirmed=status_next.red_flag_unconfirmed(events))
            if not status_next.in_progress(other, nxt):
                continue
            sent = other.submissions >= 1 and other.erased_at is None
            lines.append(say(text(
                "journey.cases.other_status_sent" if sent else "journey.cases.other_status",
                request=await self._named(other), where=where, reference=other.reference,
                next=status_next.next_words(other, nxt, practice))))
        return lines, advice

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
            case = await self._store.cases.current_for_patient(user_id)
            if case is None or case.erased_at or (action == "cancel" and not case.stage.is_open):
                key = "nothing_open" if action == "cancel" else "nothing_to_delete"
                return [say(text(f"journey.commands.{key}"))]
            confirm = self.confirm(action)
            kept = await kept_by_practice(self._store, [case])
            confirm = replace(confirm, text=with_kept(confirm.text, kept))
            if len(await self._store.cases.open_for_patient(user_id)) > 1:
                which = text("journey.cases.which", request=await self._named(case))
                confirm = replace(confirm, text=f"{which}\n\n{confirm.text}")
            return bind([confirm], case.id)

    async def help(self, user_id: int) -> list[Reply]:
        """/help for a patient: what the bot does and its commands (`messages.help.text`),
        then, while a request is open, what it waits for again, as /status ends
        (`_led_by`): the question with its buttons, or the photo step's request, so the
        patient need not scroll up to answer. While their red-flag "yes" waits for its
        confirmation, that is "Is that right?" again, and the urgent advice (999 / NHS 111
        now) comes first (`_bind`)."""
        words = say(text("messages.help.text"))
        async with self.lock(user_id):
            turn = await self._turn(user_id)
            if turn is None or not turn.case.stage.is_open:
                return [words]
            return self._bind(turn, await self._led_by(turn, [words], reminder=True))

    async def _confirmed(self, turn: Turn, action: str, value: str) -> Tapped:
        case = turn.case
        practice = await turn.practice()
        if value != "yes":
            key = "carry_on" if action == "cancel" else "kept"
            again = await self._prompt(turn) if case.stage.is_open else []
            return Tapped(None, [say(text(f"journey.commands.{key}")), *again])
        if action == "cancel" and case.stage.is_open:
            # a red-flag "yes" waiting for its confirmation: the urgent advice again, first
            urgent = [RedFlags.advice(case)] if RedFlags.waiting(await turn.answers()) else []
            left = await self._erase(case, Stage.CANCELLED, "patient_cancelled")
            await self._drop_held(case.patient_user_id)
            key = "journey.delete.partly" if left else "journey.commands.cancelled"
            words = text(key, count=left, practice=practice.name, phone=practice.phone)
            return Tapped(None, [*urgent, say(with_kept(
                words, await kept_by_practice(self._store, [case], done=True), done=True))])
        if action == "delete":  # a button from before /delete listed the requests
            return Tapped(text("journey.input.old_button"),
                          await self._deletion.ask(case.patient_user_id), older=True)
        return Tapped(text("journey.input.old_button"), [], older=True)

    async def other(self, user_id: int, kind: str,
                    take_off_chat: Callable[[], Awaitable[bool]] | None = None, *,
                    captioned: bool = False) -> list[Reply]:
        """Answer a sticker, voice note, video, location, contact or unusable file kindly; a
        file that is not an image, sent at a photo step, counts as a retake for the GP
        (`record_refusal`). A shared contact (a phone number) or location (where the patient is)
        is personal data the bot does not want: its message is deleted from the chat with
        `take_off_chat`, as typed details are (`typed`).

        `captioned`: the patient wrote words with it (a PDF, a video, a voice note or audio
        file). Nobody reads them, and the message goes from the chat with them, so after the
        refusal words the patient is told the GP will not see them, how to tell the practice,
        and the safety net (`journey.input.file_caption_not_passed_on`), as for a photo."""
        async with self.lock(user_id):
            turn = await self._turn(user_id)
            words = say(text(f"journey.input.{kind}"))
            sent = turn is not None and self._with_practice(turn) and kind in ("document",
                                                                               "video")
            if turn is not None and sent:  # "I need a photo" would be untrue: none is wanted
                words = await self._sent_not_added(turn)
            if kind in PERSONAL_KINDS:
                removed = await self._personal_off_chat(turn, (kind,), take_off_chat)
                words = removed[0] if removed else words
            lead = [words]
            if captioned and turn is not None:
                lead.append(await self._not_passed_on(turn, "sent" if sent else "file_caption"))
            shot = None if turn is None else shot_of(turn.case)
            if turn is not None and shot is not None and kind == "document":
                await record_refusal(self._store, turn.case, shot, "not_an_image")
            if turn is not None and turn.case.stage.is_open:
                return self._bind(turn, await self._led_by(turn, lead))
            return self._bind(turn, lead)

    async def _nothing_open(self, turn: Turn | None) -> list[Reply]:
        """Answer a patient with no open case: how their last one ended, or how to begin."""
        if turn is None:
            return [say(text("journey.invite.no_case"))]
        return [*await self._prompt(turn), *await self._others(turn.case)]

    async def _others(self, case: Case) -> list[Reply]:
        """Once `case` (the patient's last) has ended or was sent: each other request of the
        patient still with the GP or still open, named (`journey.cases.still_with_gp`,
        `still_open`), so a cancelled request never hides one still waiting."""
        found = []
        for other in await self._store.cases.for_patient(case.patient_user_id):
            if other.id == case.id or other.erased_at:
                continue
            if other.stage is Stage.SUBMITTED:
                found.append(say(text("journey.cases.still_with_gp",
                                      request=await self._named(other))))
            elif other.stage.is_open:
                found.append(say(text("journey.cases.still_open",
                                      request=await self._named(other))))
        return found

    # -- helpers -------------------------------------------------------------------------------

    async def _erase(self, case: Case, to: Stage, reason: str) -> int:
        """Erase the case; return how many of its photo files are still to remove."""
        return await erasure.erase(self._store, case, to, actor="patient", reason=reason)

    async def _stop(self, turn: Turn, reason: str, words: str) -> list[Reply]:
        """End the request; practice staff are alerted with the reason (`stop_alerts`).

        A stop after photos were taken (an answer changed at the review, such as the site
        to the breast or private parts) also deletes the case's photos (files too), answers
        and built summary and pack, takes back what GP chats received and deletes the photo
        messages in the patient's chat (`CaseRepository.stop_after_photos`); the patient is
        told after the stop's own words (999/111 ones included), a parent that the photos
        will not go to their child's GP (`journey.stop_after_photos.deleted_parent`).
        """
        alerts = await self._stop_alerts(self._store, turn.case, reason)
        if not await self._store.photos.for_case(turn.case.id):
            await self._move(turn, Stage.STOPPED, reason=reason, outbox=alerts.messages,
                             notes=alerts.notes)
            self._on_queued()
            return [say(words)]
        if not STEPS[turn.case.stage].goes_to(Stage.STOPPED):
            raise AssertionError(f"{turn.case.stage} has no exit to stopped in STEPS")
        turn.case = await self._store.cases.stop_after_photos(
            turn.case, reason=reason, outbox=alerts.messages, notes=alerts.notes)
        self._on_queued()
        left = await erasure.finish(self._store, turn.case.id)
        await erasure.checkpoint(self._store)
        await self._drop_held(turn.case.patient_user_id)
        log.info("case stopped after photos, content deleted",
                 extra={"case_id": turn.case.id, "reason": reason, "files_left": left})
        kept = await kept_by_practice(self._store, [turn.case])
        deleted = worded("journey.stop_after_photos.deleted", parent=prompts.by_parent(turn.case))
        return [say(words), say(with_kept(deleted, kept))]

    async def _move(self, turn: Turn, to: Stage, *, reason: str | None = None,
                    outbox: list[Outgoing] | None = None, flags: Flags | None = None,
                    notes: Sequence[Note] = ()) -> None:
        """Move the turn's case on, as the patient, to one of its step's exits (`STEPS`): a
        move the table does not list is a bug in the table, not a journey to run. `outbox`
        and the audit `notes` are written with the move, or not at all."""
        if not STEPS[turn.case.stage].goes_to(to):
            raise AssertionError(f"{turn.case.stage} has no exit to {to} in STEPS")
        turn.case = await self._store.cases.move(turn.case, to, reason=reason,
                                                 outbox=outbox or (), flags=flags, notes=notes)

    async def _turn(self, user_id: int) -> Turn | None:
        """The patient's current case for this update (`current_for_patient`: the open case
        they last acted on, else the case they last acted on), if any."""
        case = await self._store.cases.current_for_patient(user_id)
        return None if case is None else Turn(self._store, case)

    async def _chat_of(self, user_id: int, case_id: int | None) -> int:
        """The patient's chat with the bot: their case's, else their own id (a private
        chat's id is the user's)."""
        case = None if case_id is None else await self._store.cases.get(case_id)
        return case.patient_chat_id if case is not None and case.patient_user_id == user_id \
            else user_id

    async def _own_turn(self, user_id: int, case_id: int) -> Turn | None:
        """A turn on this case, if it is one of this patient's; None otherwise."""
        case = await self._store.cases.get(case_id)
        if case is None or case.patient_user_id != user_id:
            return None
        return Turn(self._store, case)

    @classmethod
    def _bind(cls, turn: Turn | None, replies: list[Reply]) -> list[Reply]:
        """The replies as messages about the turn's case (`bind`): its buttons name it, and
        its urgent advice comes first (`_urgent_first`)."""
        return replies if turn is None else bind(cls._urgent_first(turn, replies), turn.case.id)

    @staticmethod
    def _urgent_first(turn: Turn | None, replies: list[Reply]) -> list[Reply]:
        """`replies` with the urgent advice of the case's red-flag "yes" (999 / NHS 111 now,
        `RedFlags.advice`), wherever it falls among them, moved first: the one rule that no
        other words (a message deleted, words not passed on, welcome back, where the patient
        is) ever come before "Please get help now"."""
        if turn is None:
            return replies
        advice = RedFlags.advice(turn.case).text
        at = next((i for i, reply in enumerate(replies) if reply.text == advice), None)
        if not at:  # none, or first already
            return replies
        return [replies[at], *replies[:at], *replies[at + 1:]]

    async def _named(self, case: Case) -> str:
        """A request as the patient can tell it from another (`bot.services.naming`): whose
        it is, the body area answered, the date and time it was started."""
        return await named(self._store, case)

    async def _prompt(self, turn: Turn) -> list[Reply]:
        """What to show for the step the case is at now."""
        return await STEPS[turn.case.stage].prompt(self, turn)

    async def _led_by(self, turn: Turn, lead: list[Reply], *,
                      reminder: bool = False) -> list[Reply]:
        """`lead` (welcome back, where the patient is), then the step's prompt; while a
        red-flag "yes" waits for its confirmation, its urgent advice and the confirmation
        instead (`_bind` and `photo` put the advice before `lead`). As a `reminder` (/help,
        /status), consent's first question comes alone, not after its three messages again
        (`prompts.consent_prompt`)."""
        answers = await turn.answers()
        waiting = self._red_flag_waiting(turn, answers)
        if waiting is None and reminder and turn.case.stage is Stage.CONSENT:
            waiting = prompts.consent_prompt(turn.case, answers, self._retention_days,
                                             reminder=True)
        return [*lead, *(waiting if waiting is not None else await self._prompt(turn))]

    # -- what each step shows ----------------------------------------------------------------

    async def _show_identity(self, turn: Turn) -> list[Reply]:
        return [prompts.identity_prompt(turn.case)]

    async def _show_consent(self, turn: Turn) -> list[Reply]:
        return prompts.consent_prompt(turn.case, await turn.answers(), self._retention_days)

    async def _show_question(self, turn: Turn) -> list[Reply]:
        waiting = self._red_flag_waiting(turn, await turn.answers())
        if waiting is not None:
            return waiting
        found = prompts.question_prompt(turn.case, await turn.answers())
        return [found] if found else []

    async def _show_tip(self, turn: Turn) -> list[Reply]:
        return [prompts.preparation_prompt(turn.case)]

    async def _show_photo(self, turn: Turn) -> list[Reply]:
        return [prompts.photo_prompt(turn.case)]

    async def _show_review(self, turn: Turn) -> list[Reply]:
        changing = prompts.changing_now(turn.case)
        waiting = self._red_flag_waiting(turn, await turn.answers())
        if waiting is not None:
            return waiting
        if changing is not None:
            return [prompts.asking(changing[0], Stage.REVIEW)]
        answers = await turn.answers()
        if photo_area.unconfirmed(answers):
            return [photo_area.question(answers)]
        return await prompts.review_prompt(self._store, turn.case, answers)

    async def _show_submitted(self, turn: Turn) -> list[Reply]:
        events = await self._store.audit.for_case(turn.case.id)
        unreached = await alerting.still_unreached(self._store, turn.case, events)
        nxt = status_next.next_key(turn.case, None, unreached=unreached)
        return [say(status_next.status_words(
            turn.case, status_next.where_words(turn.case, unreached=unreached),
            status_next.next_words(turn.case, nxt, await turn.practice())))]

    async def _show_ended(self, turn: Turn) -> list[Reply]:
        """A request the GP decided (and the patient kept) says what was decided and what
        comes next, as /status does ("Where you are: your GP has looked at your photos. Next:
        please call ... to book an appointment"): a patient back a week later, sending /start
        or a question, is reminded what to do, not told only "This request has ended"."""
        if turn.case.stage is Stage.DECIDED and not turn.case.erased_at:
            return await self._show_submitted(turn)
        practice = await turn.practice()
        words = text("journey.stop.ended", practice=practice.name, phone=practice.phone)
        if await self._ended_unsent_by_patient(turn.case):
            words = f"{text('journey.stop.ended_by_you')}\n\n{words}"
        return [say(words)]

    async def _ended_unsent_by_patient(self, case: Case) -> bool:
        """Whether the patient cancelled or deleted this request (/cancel, /stop, /delete)
        before it was ever sent: the link opened again says so, and that none of it reached
        the GP (`journey.stop.ended_by_you`), not only "this request has ended"."""
        if case.submissions or case.stage not in (Stage.CANCELLED, Stage.ERASED):
            return False
        return any(event.kind == "case.erased" and event.actor == "patient"
                   for event in await self._store.audit.for_case(case.id))


def _typed_stop(question: str, typed: str, *, child: bool) -> str | None:
    """The stop reason a typed answer to `question` ("where" or "tried") ends the request
    with, or None: an intimate area named (`INTIMATE_TYPED`, `INTIMATE_TRIED`; read first, as
    for an under-18 such an image is unlawful to hold), else, for an under-18 (`child`) only,
    the face named in "Exactly where?" (`CHILD_FACE_TYPED`: the service takes no images of
    children where the face can be identified; adults go on)."""
    if question == "where" and names_intimate_area(typed):
        return INTIMATE_TYPED
    if question == "tried" and tried_names_intimate_area(typed):
        return INTIMATE_TRIED
    if question == "where" and child and names_face(typed):
        return CHILD_FACE_TYPED
    return None


def ended_alerted(case: Case, reason: str | None) -> bool:
    """Whether a red-flag tap on this ended, never-sent request alerts staff: the patient
    cancelled or deleted it, or it stopped at screening for a reason other than the red flags
    (`reason`: `status_next.stop_reason`). Never after a red-flag stop (already alerted), a
    locked link, "not the guardian" or a stop by the practice: the person may not be the
    patient."""
    if case.stage is Stage.CANCELLED or (case.stage is Stage.ERASED and reason is None):
        return True
    return reason is not None and reason.startswith("screen_") and reason != RED_FLAG_STOP


def _shot_step(stage: Stage, shows: str, *later: Stage) -> Step:
    """A photo step: the next shot (or the details after the last), a later shot the GP asked
    for again, or back to the review."""
    following = PHOTO_ORDER[PHOTO_ORDER.index(stage) + 1] if stage is not Stage.CLOSE_UP_2 else (
        Stage.DETAILS)
    exits = [Exit(following, "photo kept" if following is not Stage.DETAILS else
                  "all 3 photos kept")]
    exits += [Exit(shot, "photo kept, next one the GP asked for") for shot in later
              if shot is not following]
    exits += [Exit(Stage.REVIEW, "photo kept, or the old one kept, back to the review"),
              Exit(Stage.STOPPED, _LATE_RED_FLAG)]
    return Step(stage, shows, "photo", tuple(exits), Journey._show_photo,
                tap=Journey._tap_shot)


_GP_NEW_PHOTOS = "new photos asked for"
_LATE_RED_FLAG = "a late yes to the red flags, confirmed"

STEPS: dict[Stage, Step] = {step.stage: step for step in (
    Step(Stage.IDENTITY, "asks the date of birth, reads it back", "typed date",
         (Exit(Stage.CONSENT, "date of birth matches the invite"),
          Exit(Stage.STOPPED, f"{DOB_TRIES} wrong dates of birth, link locked")),
         Journey._show_identity, typed=Journey._typed_date, tap=Journey._tap_identity),
    Step(Stage.CONSENT, "explains the photos, asks consent (a child's parent or guardian, then "
         "the child's agreement)", "buttons",
         (Exit(Stage.SCREENING, "consent given"),
          Exit(Stage.STOPPED, "not the parent or guardian, consent or the child's agreement "
               "declined")),
         Journey._show_consent, tap=Journey._tap_consent),
    Step(Stage.SCREENING, "asks the screening questions one by one", "buttons",
         (Exit(Stage.PREPARATION, "all answered, none stops"),
          Exit(Stage.STOPPED, "an answer the service does not accept, confirmed")),
         Journey._show_question, tap=Journey._tap_question),
    Step(Stage.PREPARATION, "shows the photo tips one by one", "buttons",
         (Exit(Stage.LOCATOR, "I am ready, after the last tip"),
          Exit(Stage.STOPPED, _LATE_RED_FLAG)),
         Journey._show_tip, tap=Journey._tap_tip),
    _shot_step(Stage.LOCATOR, "asks for the locator shot, checks it", Stage.CLOSE_UP_1,
               Stage.CLOSE_UP_2),
    _shot_step(Stage.CLOSE_UP_1, "asks for close-up 1, checks it", Stage.CLOSE_UP_2),
    _shot_step(Stage.CLOSE_UP_2, "asks for close-up 2, checks it"),
    Step(Stage.DETAILS, "asks the questions about the rash", "buttons or typed",
         (Exit(Stage.REVIEW, "all answered"), Exit(Stage.STOPPED, _LATE_RED_FLAG)),
         Journey._show_question, typed=Journey._typed_detail, tap=Journey._tap_question),
    Step(Stage.REVIEW, "shows the photos and answers to check", "buttons or typed",
         (Exit(Stage.SUBMITTED, "Send"),
          Exit(Stage.LOCATOR, "replace a photo, or all 3: photos not of a changed area"),
          Exit(Stage.CLOSE_UP_1, "replace a photo"),
          Exit(Stage.CLOSE_UP_2, "replace a photo"),
          Exit(Stage.STOPPED, "a changed answer the service does not accept (or a red flag), "
               "confirmed")),
         Journey._show_review, typed=Journey._typed_change, tap=Journey._tap_review),
    Step(Stage.SUBMITTED, "says the practice has it", "nothing",
         (Exit(Stage.DECIDED, "refer, appointment or urgent", by="gp"),
          Exit(Stage.LOCATOR, _GP_NEW_PHOTOS, by="gp"),
          Exit(Stage.CLOSE_UP_1, _GP_NEW_PHOTOS, by="gp"),
          Exit(Stage.CLOSE_UP_2, _GP_NEW_PHOTOS, by="gp")),
         Journey._show_submitted),
    Step(Stage.DECIDED, "says what the GP decided and what comes next", "nothing", (),
         Journey._show_ended),
    *(Step(stage, "says the request has ended", "nothing", (), Journey._show_ended)
      for stage in (Stage.STOPPED, Stage.CANCELLED, Stage.ERASED)),
)}
"""The patient's journey: one step per stage (every `Stage` has one)."""


def _urgent_once(replies: list[Reply]) -> list[Reply]:
    """`replies` with the urgent advice ("Please get help now", in any of its wordings: at a
    red-flag "yes", at a red-flag stop, after sending) kept only where it first comes for each
    person it is about (`_urgent_about`): the request the patient is on first, then any other
    (`Journey.status`). Each wording gives the same 999 and NHS 111 advice for that person; a
    second one only repeated it. A parent with a red flag on their own request and on their
    child's keeps both ("if you are very unwell", "if the child is very unwell"). Other
    replies, and any with buttons, are kept."""
    heading = text("journey.red_flag.now").split("\n", 1)[0]
    kept: list[Reply] = []
    said: set[str] = set()
    for reply in replies:
        if reply.text.startswith(heading) and not reply.buttons:
            about = _urgent_about(reply.text)
            if about in said:
                continue
            said.add(about)
        kept.append(reply)
    return kept


def _urgent_about(advice: str) -> str:
    """Who urgent advice is about, as its 999 paragraph words it (`journey.red_flag.now`'s for
    the patient, `now_parent`'s for a child); the whole text if it has neither, so advice in
    an unknown wording is never dropped."""
    for key in ("journey.red_flag.now", "journey.red_flag.now_parent"):
        call = text(key).split("\n\n")[1]
        if call in advice:
            return call
    return advice
