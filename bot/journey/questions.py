"""The questions asked before photos (screening) and after them (details), with their stops."""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import text

FREE_TEXT_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Option:
    """One answer a patient can tap; `stop` names the kind words shown if it ends the journey."""

    value: str
    label: str
    stop: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """A question with button answers, and possibly a typed answer too."""

    id: str
    prompt: str
    options: tuple[Option, ...]
    child_only: bool = False
    free_text: bool = False

    def option(self, value: str) -> Option | None:
        """Return the option with this value, if the question has one."""
        return next((o for o in self.options if o.value == value), None)

    def label_of(self, value: str) -> str:
        """Return what the patient saw for a stored answer (typed answers are kept as typed)."""
        found = self.option(value)
        return found.label if found else value


def _q(section: str, qid: str, *options: tuple[str, str | None], **flags: bool) -> Question:
    """Build a question whose words live under `journey.<section>` in the content."""
    if section == "screening":
        prompt_key, label_prefix = f"journey.screening.{qid}.question", f"journey.screening.{qid}."
    else:
        prompt_key, label_prefix = f"journey.{section}.{qid}_question", f"journey.{section}.{qid}_"
    built = tuple(Option(value, text(label_prefix + value), stop) for value, stop in options)
    return Question(qid, text(prompt_key), built, **flags)


def screening_questions() -> tuple[Question, ...]:
    """Return the questions that decide whether this service is right, asked before any photo."""
    return (
        _q("screening", "is_rash", ("rash", None), ("mole", "mole"), ("unsure", None)),
        _q("screening", "site", ("face", None), ("neck", None), ("arm", None), ("leg", None),
           ("chest", None), ("back", None), ("breast", "intimate"), ("private", "intimate")),
        _q("screening", "areas", ("one", None), ("several", "several"),
           ("everywhere", "everywhere")),
        _q("screening", "red_flags", ("yes", "red_flag"), ("no", None)),
        _q("screening", "eczema", ("yes", "eczema"), ("no", None), child_only=True),
    )


def detail_questions() -> tuple[Question, ...]:
    """Return the questions about the rash asked once the photos are in."""
    where = Question("where", text("journey.details.where_exactly"),
                     (Option("skip", text("journey.details.skip")),), free_text=True)
    tried = Question("tried", text("journey.details.tried_question"),
                     (Option("nothing", text("journey.details.tried_nothing")),), free_text=True)
    return (
        where,
        _q("details", "duration", ("days", None), ("weeks", None), ("months", None),
           ("long", None)),
        _q("details", "symptoms", ("itchy", None), ("painful", None), ("both", None),
           ("neither", None)),
        tried,
    )


def next_question(
    questions: tuple[Question, ...], answers: dict[str, str], prefix: str, *, child: bool
) -> Question | None:
    """Return the first question not yet answered (skipping child-only ones for adults)."""
    for question in questions:
        if question.child_only and not child:
            continue
        if f"{prefix}.{question.id}" not in answers:
            return question
    return None
