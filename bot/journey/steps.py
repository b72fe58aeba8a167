"""The shape of the patient's journey: one step per stage, what it shows, what it accepts and
where it can go; and the state diagram drawn from that table for the README.

The table itself (`bot.journey.service.STEPS`) sits beside the `Journey` whose methods it names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.store import Store
from bot.store.models import Case, Practice, Stage

if TYPE_CHECKING:
    from bot.journey.replies import Reply
    from bot.journey.service import Journey

Accepts = Literal["typed date", "buttons", "photo", "buttons or typed", "nothing"]
"""What a step takes from the patient (anything else gets a nudge to use the buttons or send a
photo, and the step's prompt again)."""

Choice = tuple[list["Reply"], str | None]
"""What a tap did: the messages to send, and the label of the answer to show as chosen."""


@dataclass(frozen=True, slots=True)
class Exit:
    """A move out of a step: the stage it goes to and, for the diagram, when (a few words).

    `by` is who makes the move: the patient's own input, or a GP's decision (moves made by the
    practice's inbox, `bot.inbox`, shown so that the diagram is the whole of a case's life).
    """

    to: Stage
    when: str
    by: Literal["patient", "gp"] = "patient"


@dataclass(frozen=True, slots=True)
class Step:
    """One stage of the journey: what it shows (`prompt`), what it accepts (`accepts`, and the
    handlers `typed` and `tap`, None where it takes none) and where it goes (`exits`).

    `shows` says in a few words what the patient sees, for the diagram. The journey refuses a
    move that is not one of the step's exits (`Journey._move`), so the diagram drawn from this
    table is the journey the code runs.
    """

    stage: Stage
    shows: str
    accepts: Accepts
    exits: tuple[Exit, ...]
    prompt: Callable[[Journey, Turn], Awaitable[list[Reply]]]
    typed: Callable[[Journey, Turn, str], Awaitable[list[Reply]]] | None = None
    tap: Callable[[Journey, Turn, str, str], Awaitable[Choice | None]] | None = None

    def goes_to(self, stage: Stage) -> bool:
        """True if `stage` is one of this step's exits."""
        return any(exit_.to is stage for exit_ in self.exits)


class Turn:
    """One patient update on one case: the case as it is now, and its answers and practice,
    each read from the store at most once per update (`answers`, `practice`).

    Saving an answer (`save`) or moving the case keeps the copy here current, so nothing is
    read again within the update.
    """

    def __init__(self, store: Store, case: Case) -> None:
        self.case = case
        self._store = store
        self._answers: dict[str, str] | None = None
        self._practice: Practice | None = None
        self.typed_answer: str | None = None
        """The question a typed answer was accepted for in this update (`question_key`)."""

    async def answers(self) -> dict[str, str]:
        """The case's answers, question to value (read on first use)."""
        if self._answers is None:
            self._answers = await self._store.answers.for_case(self.case.id)
        return self._answers

    async def save(self, question: str, value: str, *, clears: tuple[str, ...] = ()) -> None:
        """Save one answer, deleting the answers named in `clears` with it, and keep the copy
        here current (nothing is saved on an erased case, and then nothing changes here
        either)."""
        saved = await self._store.answers.save(self.case.id, question, value, clears=clears)
        if saved and self._answers is not None:
            self._answers[question] = value
            for cleared in clears:
                self._answers.pop(cleared, None)

    async def practice(self) -> Practice:
        """The case's practice (read on first use)."""
        if self._practice is None:
            found = await self._store.practices.get(self.case.practice_id)
            assert found is not None
            self._practice = found
        return self._practice


def mermaid(steps: Mapping[Stage, Step]) -> str:
    """The patient's stages as a Mermaid state diagram (`stateDiagram-v2`), one state per
    step with what it shows and accepts, one arrow per exit labelled with when it is taken."""
    lines = ["stateDiagram-v2", "    [*] --> identity: invite link opened"]
    for step in steps.values():
        takes = "" if step.accepts == "nothing" else f" · takes {step.accepts}"
        lines.append(f"    {step.stage.value}: {step.shows}{takes}")
    for step in steps.values():
        for exit_ in step.exits:
            who = "GP · " if exit_.by == "gp" else ""
            lines.append(f"    {step.stage.value} --> {exit_.to.value}: {who}{exit_.when}")
    return "\n".join(lines) + "\n"
