"""What to show a patient for the step their case is at: the question, tips or photo request."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.content import asset, text, texts
from bot.domain.questions import (
    CHILD_TOO_YOUNG,
    Question,
    detail_questions,
    next_question,
    screening_questions,
    worded,
)
from bot.journey import photo_order
from bot.journey.photo_step import keep_old_rows, which_photo
from bot.journey.replies import (
    Button,
    Reply,
    bind,
    button_data,
    one_per_row,
    question_key,
    say,
)
from bot.store import Store
from bot.store.models import SHOT_SLOTS, Case, Stage

CHOOSE = "choose"
"""Button question (with "any"): make this case the patient's current one and show its next
step (after a GP asked for new photos on it while another was current, or from a stall
reminder about it)."""


def carry_on(words: str, case_id: int) -> list[Reply]:
    """A stall reminder about one case, with a button that carries on with that case (makes it
    the patient's current one and shows its step), whichever case the patient acted on last:
    the button names its case (`bind`)."""
    button = Button(text("journey.reminder.carry_on"), button_data("any", CHOOSE, "-"))
    return bind([say(words, (button,))], case_id)


def by_parent(case: Case) -> bool:
    """True when a parent is answering for a child under 16 (`Case.consent_by`)."""
    return case.consent_by == "parent"


def identity_prompt(case: Case) -> Reply:
    """Ask for the date of birth, worded for who is answering (the patient, or a parent)."""
    return say(worded("journey.identity.ask", parent=by_parent(case)))


@dataclass(frozen=True, slots=True)
class ConsentQuestion:
    """One yes/no question of consent, each asking one thing: `stop` is the reason a "No"
    ends the request with (`bot.domain.questions.CONSENT_CRITERIA`); the words live under
    `journey.consent` (`ask` is the question on its own message, used when it is not the
    first question, which sits under the third of consent's three messages). `also` are more
    answers that carry on as "Yes" does, each (value saved, its button's words), on a row of
    their own under "Yes" and "No"."""

    id: str
    ask: str
    yes: str
    no: str
    stop: str
    stopped: str
    also: tuple[tuple[str, str], ...] = ()

    def carries_on(self, value: str) -> bool:
        """True when this answer lets the request carry on ("yes", or one of `also`)."""
        return value == "yes" or any(value == other for other, _ in self.also)

    def label(self, value: str) -> str:
        """The content key (under `journey.consent`) of the button for this answer."""
        if value == "yes":
            return self.yes
        return next((key for other, key in self.also if other == value), self.no)


CONSENT_QUESTIONS: dict[str, ConsentQuestion] = {q.id: q for q in (
    ConsentQuestion("guardian", "keep_parent", "guardian_yes", "guardian_no", "not_guardian",
                    "not_guardian"),
    ConsentQuestion("consent", "agree_parent", "yes", "no", "consent_declined", "declined"),
    ConsentQuestion("child_agrees", "child_agrees", "child_yes", "child_no", "child_declined",
                    "child_declined", also=((CHILD_TOO_YOUNG, "child_too_young"),)),
)}
"""Consent's questions by id: for a child under 16, the parent is asked whether they are the
child's parent or guardian, then whether they agree, then to ask the child; a patient answering
for themselves is asked only whether they agree (under the third message). A parent of a child
too young to understand (a baby, a toddler) says so instead of asking the child
(`CHILD_TOO_YOUNG`): GMC guidance sets no age, so the parent decides, and the record says the
child was not asked (hazard log H19)."""


def consent_asked(case: Case) -> tuple[str, ...]:
    """The consent questions put to whoever answers this case, in order."""
    return ("guardian", "consent", "child_agrees") if by_parent(case) else ("consent",)


def consent_waiting(case: Case, answers: dict[str, str]) -> str | None:
    """The consent question to answer now; None once all are answered. A parent's "consent"
    given before the questions were split (one yes to "are you the parent or guardian, and do
    you agree?") stands for "guardian" too."""
    for qid in consent_asked(case):
        if qid not in answers and not (qid == "guardian" and "consent" in answers):
            return qid
    return None


def consent_prompt(case: Case, answers: dict[str, str], retention_days: int, *,
                   reminder: bool = False) -> list[Reply]:
    """Ask for consent in three short messages: why, who sees the photos and where they go,
    how long they are kept and how to delete them, the first question under the third (for a
    child under 16 the parent is asked, first whether they are the child's parent or
    guardian). Each later question (the parent's agreement, the child's) comes on its own.

    Under the question whether they agree comes `journey.consent.no_is_fine` (worded for a
    parent): saying no is fine, and the practice can see them instead. GMC guidance on
    recordings asks that patients are told how to say no and what happens then, and the
    service is one way among others to be seen (hazard log H59).

    As a `reminder` (after /help or /status), the first question comes alone, with a pointer
    to the three messages above (`journey.consent.again`), not the three messages again."""
    stage = Stage.CONSENT.value
    parent = by_parent(case)
    waiting = consent_waiting(case, answers) or consent_asked(case)[-1]
    asked = CONSENT_QUESTIONS[waiting]
    buttons = ((Button(text(f"journey.consent.{asked.yes}"), button_data(stage, waiting, "yes")),
                Button(text(f"journey.consent.{asked.no}"), button_data(stage, waiting, "no"))),
               *one_per_row(*(Button(text(f"journey.consent.{key}"),
                                     button_data(stage, waiting, value))
                              for value, key in asked.also)))
    after = (f"\n\n{worded('journey.consent.no_is_fine', parent=parent)}"
             if waiting == "consent" else "")
    if waiting != consent_asked(case)[0]:
        return [say(text(f"journey.consent.{asked.ask}") + after, *buttons)]
    if reminder:
        return [say(worded("journey.consent.again", parent=parent) + after, *buttons)]
    return [say(worded("journey.consent.why", parent=parent)),
            say(worded("journey.consent.who", parent=parent)),
            say(worded("journey.consent.keep", parent=parent, days=retention_days) + after,
                *buttons)]


def asking(question: Question, stage: Stage, lead: str | None = None) -> Reply:
    """One question with its answers as buttons (one per row), after `lead` words if given."""
    buttons = [Button(o.label, button_data(stage.value, question.id, o.value))
               for o in question.options]
    words = f"{lead}\n\n{question.prompt}" if lead else question.prompt
    typed_for = question_key(stage.value, question.id) if question.free_text else None
    return Reply(text=words, buttons=one_per_row(*buttons), typed_for=typed_for)


def question_prompt(case: Case, answers: dict[str, str], lead: str | None = None) -> Reply | None:
    """Ask the next screening or details question, or None if all are answered."""
    parent = by_parent(case)
    if case.stage is Stage.SCREENING:
        questions, prefix = screening_questions(parent=parent, child=case.is_child), "screen"
    else:
        questions, prefix = detail_questions(parent=parent), "detail"
    question = next_question(questions, answers, prefix, child=case.is_child)
    if question is None:
        return None
    return asking(question, case.stage, lead)


def preparation_prompt(case: Case) -> Reply:
    """Show the next photo tip with its picture, and Next (or I am ready after the last);
    worded for a parent taking a child's photos (`journey.prepare.steps_parent`)."""
    suffix = "_parent" if by_parent(case) else ""
    steps = texts(f"journey.prepare.steps{suffix}")
    pictures = texts(f"journey.prepare.pictures{suffix}")
    index = min(case.prep_step, len(steps) - 1)
    last = index == len(steps) - 1
    label = text("journey.prepare.ready" if last else "journey.prepare.next")
    choice = "ready" if last else str(index + 1)
    button = Button(label, button_data(Stage.PREPARATION.value, "tip", choice))
    return Reply(text=steps[index], buttons=((button,),), picture=asset(pictures[index]))


def photo_prompt(case: Case) -> Reply:
    """Ask for the photo of this step, with an example picture for the first of each kind.

    An under-18's request says to keep the face out before the first photo
    (`journey.photos.locator_child`, worded for a parent) and again on every other photo
    request (`journey.photos.face_out`): the service excludes children's images where the face
    can be identified.

    A photo taken again (asked for by a GP, or replaced from the review) is counted among the
    photos wanted now (`which_photo`): the request's first line, "Photo 1 of 3: the whole
    area.", becomes "New photo: the whole area." or "New photo 1 of 2: the whole area.".
    A photo the GP asked for (`Case.redo`) also says why the GP asked, every time it is asked
    for (`Case.decision_note` of the open case; `journey.photos.gp_why`, worded for a parent).
    A photo the patient chose to replace has a "Keep the photo I have" button (`keep_old_rows`).
    """
    stage = case.stage
    words = text(f"journey.photos.{stage.value}")
    which = which_photo(case)
    if case.is_child and stage is Stage.LOCATOR and which is None:
        words = worded("journey.photos.locator_child", parent=by_parent(case))
    elif case.is_child:
        words = f"{words}\n\n{worded('journey.photos.face_out', parent=by_parent(case))}"
    if which is not None:
        heading = text("journey.photos.again", which=which,
                       what=text(f"journey.photos.what_{stage.value}"))
        words = "\n\n".join([heading, *words.split("\n\n")[1:]])
        if case.decision_note and stage.value in case.redo:
            why = worded("journey.photos.gp_why", parent=by_parent(case),
                         reason=case.decision_note)
            words = f"{heading}\n\n{why}{words[len(heading):]}"
    # "Keep the photo I have" stands until the next photo: a later try's advice carries it
    # then, and once a new photo is kept it is gone (`Reply.until_next_photo`)
    rows = keep_old_rows(case)
    picture = {Stage.LOCATOR: asset("pictures/example-locator.png"),
               Stage.CLOSE_UP_1: asset("pictures/example-close-up.png")}.get(stage)
    return Reply(text=words, picture=picture, buttons=rows, until_next_photo=bool(rows))


CHANGEABLE = ("is_rash", "red_flags", "site", "where", "areas", "other_areas", "other_face",
              "eczema", "duration", "symptoms", "tried")
"""The answers a patient may change at the review, in the order the summary lists them: every
answer the GP reads (a follow-up or child's question only where it was put to this patient,
`may_change`). The red flags are among them, so a patient whose rash has got worse since can
still say so (a change to "yes" ends the request with the 999 / NHS 111 advice, as at
screening); a change to any answer that stops ends the request the same way, once confirmed."""


def changeable_question(qid: str, *, parent: bool, child: bool) -> tuple[Question, str] | None:
    """The question a patient may change at the review, and its answers' prefix; or None
    (`parent`, `child`: as for `screening_questions`, so a changed answer stops as it would
    have at screening)."""
    if qid not in CHANGEABLE:
        return None
    for prefix, questions in (("screen", screening_questions(parent=parent, child=child)),
                              ("detail", detail_questions(parent=parent))):
        for question in questions:
            if question.id == qid:
                return question, prefix
    return None


def changing_now(case: Case) -> tuple[Question, str] | None:
    """The question the patient is changing at the review (`Case.changing`), if any."""
    return changeable_question(case.changing, parent=by_parent(case), child=case.is_child)


def may_change(case: Case, answers: dict[str, str], qid: str) -> bool:
    """True if the answer `qid` is in this patient's summary, so may be changed: a follow-up
    only after the answer it follows, the children's question only for a child."""
    found = changeable_question(qid, parent=by_parent(case), child=case.is_child)
    return found is not None and found[0].applies(answers, found[1], child=case.is_child)


def unanswered(case: Case, answers: dict[str, str]) -> tuple[Question, str] | None:
    """The first question put to this patient that has no answer (screening, then details),
    and its answers' prefix; at the review, one cleared because the answer it depends on was
    changed (`bot.domain.questions.DEPENDENT`), or a follow-up that now applies."""
    parent = by_parent(case)
    for prefix, questions in (("screen", screening_questions(parent=parent, child=case.is_child)),
                              ("detail", detail_questions(parent=parent))):
        found = next_question(questions, answers, prefix, child=case.is_child)
        if found is not None:
            return found, prefix
    return None


def change_prompt(case: Case, answers: dict[str, str]) -> Reply:
    """Ask which answer to change, one button per answer in the summary, then "Keep all my
    answers" (back to the review, nothing changed), so a tap on "Change an answer" by mistake
    needs no answer given again."""
    rows = [(Button(text(f"journey.review.change_{qid}"),
                    button_data(Stage.REVIEW.value, "change", qid)),)
            for qid in CHANGEABLE if may_change(case, answers, qid)]
    rows.append((Button(text("journey.review.keep_answers"),
                        button_data(Stage.REVIEW.value, "review", "keep_answers")),))
    return Reply(text=text("journey.review.change_which"), buttons=tuple(rows))


async def review_prompt(store: Store, case: Case, answers: dict[str, str], *,
                        photos_too: bool = True, lead: str | None = None) -> list[Reply]:
    """Show the three photos back as an album (unless `photos_too` is False), then one
    message: check the photos above (with the album), `lead` words if given, the answers, and
    Send / Replace a photo / Change an answer / Cancel.

    While any of the photos came in an album (`PhotoRepository.unordered`), the album (always)
    and, instead of the answers and Send, which photo is the one from further away
    (`bot.journey.photo_order`, H45), after `lead` if given."""
    photos = await store.photos.accepted(case.id)
    unordered = await store.photos.unordered(case.id)
    album = []
    for slot in SHOT_SLOTS if photos_too or unordered else ():
        data = await asyncio.to_thread(store.files.read, photos[slot].file_name)
        album.append((data, text(f"journey.review.caption_{slot}")))
    if unordered:
        return [Reply(album=tuple(album)),
                photo_order.question(photos, lead, parent=by_parent(case))]
    none = text("journey.review.none")
    parent = by_parent(case)
    labels = {q.id: q for q in (*screening_questions(parent=parent),
                                *detail_questions(parent=parent))}
    def said(qid: str, prefix: str) -> str:  # a skipped typed answer reads as the GP reads it
        value = answers.get(f"{prefix}.{qid}", none)
        return none if labels[qid].free_text and value == "skip" else labels[qid].label_of(value)

    def line(qid: str) -> str:  # a follow-up or a child's question, where it was asked
        if not may_change(case, answers, qid):
            return ""
        return text(f"journey.review.{qid}_line", answer=said(qid, "screen"))

    summary = worded(
        "journey.review.summary", parent=parent,
        is_rash=said("is_rash", "screen"), red_flags=said("red_flags", "screen"),
        site=said("site", "screen"), where=_typed(answers.get("detail.where"), "skip", none),
        areas=said("areas", "screen"), other_areas=line("other_areas") + line("other_face"),
        eczema=line("eczema"),
        duration=said("duration", "detail"), symptoms=said("symptoms", "detail"),
        tried=said("tried", "detail"),
    )
    flagged = [str(SHOT_SLOTS.index(s) + 1) for s in SHOT_SLOTS if photos[s].sent_anyway]
    if flagged:
        note = worded("journey.review.flagged", parent=parent, numbers=", ".join(flagged))
        summary = f"{note}\n\n{summary}"
    if album:  # the photos first, then one message: check them, the answers, the buttons
        summary = f"{text('journey.review.intro')}\n\n{summary}"
    if lead:
        summary = f"{lead}\n\n{summary}"
    stage = Stage.REVIEW.value
    buttons = one_per_row(
        Button(worded("journey.review.send", parent=by_parent(case)),
               button_data(stage, "review", "send")),
        Button(text("journey.review.replace"), button_data(stage, "review", "replace")),
        Button(text("journey.review.change"), button_data(stage, "review", "change")),
        Button(text("journey.review.cancel"), button_data(stage, "review", "cancel")),
    )
    shown = [Reply(album=tuple(album))] if album else []
    return [*shown, Reply(text=summary, buttons=buttons, shows_answers=True)]


def _typed(value: str | None, skip: str, none: str) -> str:
    return none if value is None or value == skip else value

