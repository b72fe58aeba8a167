"""Who counts as a child, and who gives consent, by age on the day the invite is opened."""

from __future__ import annotations

from datetime import date
from typing import Literal

CHILD_UNDER = 18
"""Under 18 is a child: the service's child criteria apply (no identifiable face, no known
chronic inflammatory skin condition), and intimate images are unlawful to hold."""
PARENT_CONSENT_UNDER = 16
"""Under 16, a parent answers and consents, and the child is asked whether they agree (GMC
guidance on recordings: a competent under-16 may consent; otherwise a parent; stop if the
child objects)."""


def age_on(born: date, day: date) -> int:
    """Return the age in whole years on the given day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_child(born: date, day: date) -> bool:
    """True for a patient under `CHILD_UNDER` years on `day`."""
    return age_on(born, day) < CHILD_UNDER


def consent_by(born: date, day: date) -> Literal["self", "parent"]:
    """Who answers and consents: "parent" under `PARENT_CONSENT_UNDER` years on `day`, else
    "self"."""
    return "parent" if age_on(born, day) < PARENT_CONSENT_UNDER else "self"
