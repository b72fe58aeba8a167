"""The children's screening question about a long-term skin condition asks about the service's
whole criterion, not only the two conditions the criterion gives as examples.

The service excludes children with "known chronic inflammatory skin conditions (e.g. eczema,
psoriasis)" (`bot.domain.questions.STOP_CRITERIA["eczema"]`). Asked only "eczema or psoriasis?",
a parent of a child with another such condition answers "No" and the GP's checklist then says
the child has none (hazard log H29).
"""

from __future__ import annotations

import re

import pytest

from bot.content import text
from bot.domain.questions import STOP_CRITERIA, worded

EXAMPLES = re.compile(r"\b(eczema|psoriasis)\b", re.IGNORECASE)
CLASS = "skin condition"
"""What the words must name besides the examples: the criterion's class in plain words."""


def test_the_criterion_itself_gives_eczema_and_psoriasis_as_examples() -> None:
    assert "(e.g. eczema, psoriasis)" in STOP_CRITERIA["eczema"]


@pytest.mark.parametrize("parent", [False, True], ids=["young-person", "parent"])
@pytest.mark.parametrize("key", [
    "journey.screening.eczema.question",
    "journey.confirm.means.eczema",
    "journey.stop.eczema",
])
def test_the_patient_is_asked_about_the_whole_class_not_only_the_examples(
    key: str, parent: bool
) -> None:
    words = worded(key, parent=parent, practice="The Lawson Practice", phone="020 7729 7236")
    assert CLASS in EXAMPLES.sub("", words).lower(), words


@pytest.mark.parametrize("key", ["inbox.staff.stopped.eczema", "inbox.staff.stopped.eczema_parent"])
def test_staff_are_told_the_whole_class(key: str) -> None:
    words = text(key, patient_ref="A-1", reference="TD-1")
    assert CLASS in EXAMPLES.sub("", words).lower(), words


def test_the_gp_reads_the_answer_against_the_whole_class() -> None:
    line = text("inbox.gp.child_eczema", answer="No")
    assert CLASS in EXAMPLES.sub("", line).lower(), line
