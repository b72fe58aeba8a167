"""The days an NHS GP surgery in England is open: Monday to Friday, not a bank holiday.

Chases, reminders and daily lists to practice staff go only on these days (UK time), so none
lands in an empty surgery. Knows nothing of the store or Telegram, so any service may use it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")
"""The surgery's time zone."""
WORKING_DAYS = (1, 2, 3, 4, 5)
"""Monday to Friday, as python-telegram-bot's `run_daily` counts days (0 is Sunday) and as
`datetime.isoweekday` does (1 is Monday)."""
BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")
"""England's bank holidays (the `holidays` package; a holiday on a weekend is observed on the
next working day, as gov.uk lists them). The service is in England (Homerton, London: the
seed)."""


def working_day(day: date) -> bool:
    """Whether the surgery is open this UK day: Monday to Friday (`WORKING_DAYS`) and not one
    of England's bank holidays (`BANK_HOLIDAYS`)."""
    return day.isoweekday() in WORKING_DAYS and day not in BANK_HOLIDAYS


def today_is_working_day(now: datetime | None = None) -> bool:
    """`working_day` for the UK day of `now` (default: the present moment)."""
    return working_day((now or datetime.now(UTC)).astimezone(UK).date())
