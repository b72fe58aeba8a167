"""Reading a date of birth as people type it and saying it back in words (age: `bot.domain.age`)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content import texts

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
_SEP = r"\s*[/.\-\s\\]\s*"
_NUMERIC = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}}|\d{{2}})$")
_RUN_ON = re.compile(r"^(\d{2})(\d{2})(\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_MONTH = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*(?:of\s+)?([a-z]+)\.?,?[\s\-/.]*(\d{4}|\d{2})$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}|\d{2})$")
OLDEST_YEARS = 130
"""A date of birth further back than this is taken as a typing mistake."""
UK_TIME = "Europe/London"


def uk_today() -> date:
    """Today's date in the UK, where birthdays start at midnight UK time: in summer (BST) the
    UTC date is still yesterday for the first hour of the day (hazard log H31)."""
    try:
        return datetime.now(ZoneInfo(UK_TIME)).date()
    except ZoneInfoNotFoundError:  # no time zone database: UTC, within an hour of it
        return datetime.now(UTC).date()


def parse_date_of_birth(typed: str, today: date | None = None) -> date | None:
    """Read a date of birth typed the UK way, day first; None if it cannot be a birth date.

    Accepted: 3/2/80, 03/02/1980, 03.02.1980, 3-2-1980, 3 2 80, 03021980, 1980-02-03,
    3 Feb 1980, 3rd February 80, February 3, 1980. A two-digit year is the most recent year
    with those digits that is not in the future (on 29/11/2026: 80 is 1980, 15 is 2015, 49
    is 1949). A date in the future, or more than 130 years ago, or that does not exist
    (31/2/1980), gives None.
    """
    limit = today or uk_today()
    parts = _parts(typed)
    if parts is None:
        return None
    day, month, year_typed = parts
    return _resolved(day, month, year_typed, limit)


def no_such_date(typed: str, today: date | None = None) -> bool:
    """Whether these words are typed as a date but name a day that does not exist: 31/02/1980
    (February has no 31st), 12/25/1980 (no 25th month: typed month first), 0/3/1980. Such a
    date is not unreadable: the patient is told it does not exist, and that the day comes
    first (`journey.identity.no_such_date`)."""
    parts = _parts(typed)
    if parts is None:
        return False
    day, month, year_typed = parts
    limit = today or uk_today()
    century = limit.year // 100 * 100
    years = [int(year_typed)] if len(year_typed) == 4 else [
        century + int(year_typed), century - 100 + int(year_typed)]
    for year in years:
        try:
            date(year, month, day)
        except ValueError:
            continue
        return False
    return True


def _parts(typed: str) -> tuple[int, int, str] | None:
    """The day, the month (a number, from digits or a month's name) and the year as typed,
    of words typed as a date (`parse_date_of_birth`); None if they are not in a date's shape
    or name no month."""
    cleaned = " ".join(typed.lower().split())
    parts: tuple[str, str, str] | None = None  # day, month (number or name), year
    if match := _NUMERIC.match(cleaned) or _RUN_ON.match(cleaned):
        parts = (match[1], match[2], match[3])
    elif match := _ISO.match(cleaned):
        parts = (match[3], match[2], match[1])
    elif match := _DAY_MONTH.match(cleaned):
        parts = (match[1], match[2], match[3])
    elif match := _MONTH_DAY.match(cleaned):
        parts = (match[2], match[1], match[3])
    if parts is None:
        return None
    day, month_typed, year_typed = parts
    month = int(month_typed) if month_typed.isdigit() else _MONTHS.get(month_typed)
    if month is None:
        return None
    return int(day), month, year_typed


def only_a_date(typed: str) -> bool:
    """Whether these words are nothing but a date as a date of birth is typed ("2 3 1950",
    "02/03/1950", "2 March 1950"): a patient who meant to give their date of birth, never an
    answer to "where exactly is the rash?"."""
    return parse_date_of_birth(typed.strip().rstrip(".")) is not None


def _resolved(day: int, month: int, year_typed: str, limit: date) -> date | None:
    """The date with a two-digit year put in the latest century that is not in the future."""
    years = [int(year_typed)] if len(year_typed) == 4 else [
        century + int(year_typed) for century in (limit.year // 100 * 100,
                                                   limit.year // 100 * 100 - 100)]
    for year in years:
        try:
            born = date(year, month, day)
        except ValueError:
            return None
        if born <= limit:
            return born if born.year >= limit.year - OLDEST_YEARS else None
    return None


def said(day: date) -> str:
    """The date as the patient reads it back: "3 February 1980" (month names from content)."""
    return f"{day.day} {texts('journey.dates.months')[day.month - 1]} {day.year}"
