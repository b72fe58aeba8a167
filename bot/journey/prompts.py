"""What to show a patient for the step their case is at: the question, tips or photo request."""

from __future__ import annotations

import asyncio

from bot.content import asset, text, texts
from bot.journey.questions import detail_questions, next_question, screening_questions
from bot.journey.replies import Button, Reply, button_data, one_per_row, say
from bot.store import Store
from bot.store.models import SHOT_SLOTS, Case, Practice, Stage


def consent_prompt(case: Case, answers: dict[str, str], retention_days: int) -> Reply:
    """Ask for consent (from a parent for a child), then for the child's own agreement."""
    stage = Stage.CONSENT.value
    if "consent" not in answers:
        words = text("journey.consent.parent" if case.is_child else "journey.consent.adult",
                     days=retention_days)
        yes = Button(text("journey.consent.yes"), button_data(stage, "consent", "yes"))
        no = Button(text("journey.consent.no"), button_data(stage, "consent", "no"))
        return say(words, (yes, no))
    return say(
        text("journey.consent.child_agrees"),
        (Button(text("journey.consent.child_yes"), button_data(stage, "child_agrees", "yes")),
         Button(text("journey.consent.child_no"), button_data(stage, "child_agrees", "no"))),
    )


def question_prompt(case: Case, answers: dict[str, str]) -> Reply | None:
    """Ask the next screening or details question, or None if all are answered."""
    if case.stage is Stage.SCREENING:
        questions, prefix = screening_questions(), "screen"
    else:
        questions, prefix = detail_questions(), "detail"
    question = next_question(questions, answers, prefix, child=case.is_child)
    if question is None:
        return None
    buttons = [Button(o.label, button_data(case.stage.value, question.id, o.value))
               for o in question.options]
    return Reply(text=question.prompt, buttons=one_per_row(*buttons))


def preparation_prompt(answers: dict[str, str]) -> Reply:
    """Show the next photo tip, with Next (or I am ready after the last)."""
    steps = texts("journey.prepare.steps")
    index = min(int(answers.get("prep.step", "0")), len(steps) - 1)
    last = index == len(steps) - 1
    label = text("journey.prepare.ready" if last else "journey.prepare.next")
    choice = "ready" if last else str(index + 1)
    return say(steps[index], (Button(label, button_data(Stage.PREPARATION.value, "tip", choice)),))


def photo_prompt(stage: Stage) -> Reply:
    """Ask for the photo of this step, with an example picture for the first of each kind."""
    words = text(f"journey.photos.{stage.value}")
    if stage is Stage.LOCATOR:
        return Reply(text=words, picture=asset("pictures/example-locator.png"))
    if stage is Stage.CLOSE_UP_1:
        return Reply(text=words, picture=asset("pictures/example-close-up.png"))
    return Reply(text=words)


async def review_prompt(store: Store, case: Case, answers: dict[str, str]) -> list[Reply]:
    """Show the three photos back as an album, the answers, and Send / Replace / Cancel."""
    photos = await store.photos.accepted(case.id)
    album = []
    for slot in SHOT_SLOTS:
        data = await asyncio.to_thread(store.files.read, photos[slot].file_name)
        album.append((data, text(f"journey.review.caption_{slot}")))
    none = text("journey.review.none")
    labels = {q.id: q for q in (*screening_questions(), *detail_questions())}
    summary = text(
        "journey.review.summary",
        site=labels["site"].label_of(answers.get("screen.site", none)),
        where=_typed(answers.get("detail.where"), "skip", none),
        duration=labels["duration"].label_of(answers.get("detail.duration", none)),
        symptoms=labels["symptoms"].label_of(answers.get("detail.symptoms", none)),
        tried=labels["tried"].label_of(answers.get("detail.tried", none)),
    )
    flagged = [str(SHOT_SLOTS.index(s) + 1) for s in SHOT_SLOTS if photos[s].sent_anyway]
    if flagged:
        summary = text("journey.review.flagged", numbers=", ".join(flagged)) + "\n\n" + summary
    stage = Stage.REVIEW.value
    buttons = one_per_row(
        Button(text("journey.review.send"), button_data(stage, "review", "send")),
        Button(text("journey.review.replace"), button_data(stage, "review", "replace")),
        Button(text("journey.review.cancel"), button_data(stage, "review", "cancel")),
    )
    return [Reply(text=text("journey.review.intro"), album=tuple(album)),
            Reply(text=summary, buttons=buttons)]


def _typed(value: str | None, skip: str, none: str) -> str:
    return none if value is None or value == skip else value


async def prompt(
    store: Store, case: Case, answers: dict[str, str], practice: Practice, retention_days: int
) -> list[Reply]:
    """Return what to show for the step the case is at now."""
    stage = case.stage
    if stage is Stage.IDENTITY:
        return [say(text("journey.identity.ask"))]
    if stage is Stage.CONSENT:
        return [consent_prompt(case, answers, retention_days)]
    if stage in (Stage.SCREENING, Stage.DETAILS):
        found = question_prompt(case, answers)
        return [found] if found else []
    if stage is Stage.PREPARATION:
        return [preparation_prompt(answers)]
    if stage.value in SHOT_SLOTS:
        return [photo_prompt(stage)]
    if stage is Stage.REVIEW:
        return await review_prompt(store, case, answers)
    if stage is Stage.SUBMITTED:
        return [say(text("journey.commands.status", where=text("journey.status_words.submitted"),
                         next=text("journey.status_words.next_submitted")))]
    return [say(text("journey.stop.ended", practice=practice.name, phone=practice.phone))]
