"""Reading a date of birth as patients type it, and working out age."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_NUMERIC = re.compile(r"^\s*(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_WORDS = re.compile(r"^\s*(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})\s*$", re.IGNORECASE)


def parse_date_of_birth(typed: str, today: date | None = None) -> date | None:
    """Read a UK-style date (21/03/1985, 21-3-1985, 21 March 1985, 1985-03-21), or None."""
    found: tuple[int, int, int] | None = None
    if match := _NUMERIC.match(typed):
        found = (int(match[3]), int(match[2]), int(match[1]))
    elif match := _ISO.match(typed):
        found = (int(match[1]), int(match[2]), int(match[3]))
    elif (match := _WORDS.match(typed)) and match[2].lower() in _MONTHS:
        found = (int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
    if found is None:
        return None
    try:
        born = date(*found)
    except ValueError:
        return None
    limit = today or date.today()
    if born > limit or born.year < limit.year - 130:
        return None
    return born


def age_on(born: date, day: date) -> int:
    """Return the age in whole years on the given day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
