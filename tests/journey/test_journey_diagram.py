"""The README's diagram of the patient's stages is the journey's step table, drawn."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot.journey.service import STEPS, Journey
from bot.journey.steps import Turn, mermaid
from bot.store import Store
from bot.store.models import SHOT_SLOTS, Stage
from tests.auxil.journey import InviteMaker

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "journey_diagram.py"


def test_the_readme_diagram_is_the_step_table_drawn() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{mermaid(STEPS)}```" in readme
    fewer = dict(STEPS)
    fewer[Stage.REVIEW] = replace(STEPS[Stage.REVIEW], exits=STEPS[Stage.REVIEW].exits[:1])
    assert f"```mermaid\n{mermaid(fewer)}```" not in readme, "a changed table shows up"


def test_every_stage_has_one_step_and_every_open_stage_takes_something() -> None:
    assert set(STEPS) == set(Stage) and all(STEPS[s].stage is s for s in Stage)
    for stage in Stage:
        step = STEPS[stage]
        if stage.is_open:
            assert step.accepts != "nothing" and step.exits
            assert (step.tap or step.typed) is not None or stage.value in SHOT_SLOTS
        else:
            assert step.accepts == "nothing" and step.typed is None and step.tap is None


async def test_a_move_the_table_does_not_list_is_refused(
    journey: Journey, invite: InviteMaker, store: Store
) -> None:
    await journey.start(1201, 1201, await invite())
    case = await store.cases.current_for_patient(1201)
    assert case is not None and case.stage is Stage.IDENTITY
    with pytest.raises(AssertionError, match="no exit"):
        await journey._move(Turn(store, case), Stage.SUBMITTED)
    still = await store.cases.get(case.id)
    assert still is not None and still.stage is Stage.IDENTITY
