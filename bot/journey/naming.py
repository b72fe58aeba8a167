"""How a request is named to the patient, so that one can be told from another.

A parent may have their own request and their children's open on one Telegram account; the
case reference means nothing to them (they have never been shown it). A request is named by
what the patient knows of it: whose it is (a child's, answered by a parent, or their own), the
body area they answered (`screen.site`) and the date and time they started it, in UK time.
Words are in `[cases]` of `bot/content/journey.toml`; buttons carry nothing the patient did
not answer themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content import text
from bot.domain.questions import screening_questions
from bot.store import Store
from bot.store.models import Case

UK_TIME = "Europe/London"


def _started(case: Case, form: str) -> str:
    """When the case was started (`Case.created_at`, UTC) in UK time, in strftime `form`."""
    when = datetime.fromisoformat(case.created_at)
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    try:
        when = when.astimezone(ZoneInfo(UK_TIME))
    except ZoneInfoNotFoundError:  # no time zone database: UTC, within an hour of it
        when = when.astimezone(UTC)
    return when.strftime(form)


def started_at(case: Case) -> str:
    """The date and time the request was started, like "30 November 2026 at 14:05"."""
    return text("journey.cases.started_at", day=_started(case, "%-d %B %Y"),
                time=_started(case, "%H:%M"))


def whose(case: Case) -> str:
    """"child" when a parent answers for a child (`Case.consent_by`), else "own"."""
    return "child" if case.consent_by == "parent" else "own"


def site_words(case: Case, answers: dict[str, str]) -> str | None:
    """The body area the patient answered, as they saw it in lower case ("arm or hand");
    None before the site question is answered."""
    value = answers.get("screen.site")
    if value is None:
        return None
    question = next(q for q in screening_questions() if q.id == "site")
    label = question.label_of(value)
    return label[:1].lower() + label[1:]


def request_name(case: Case, answers: dict[str, str]) -> str:
    """The request in a sentence: "your child's request about the arm or hand, started on
    30 November 2026 at 14:05" (`journey.cases.named_<whose>[_no_site]`)."""
    site = site_words(case, answers)
    key = f"journey.cases.named_{whose(case)}" + ("" if site else "_no_site")
    return text(key, site=site or "", started=started_at(case))


def request_label(case: Case, answers: dict[str, str]) -> str:
    """The request on a button, short: "For my child: arm or hand (30 Nov, 14:05)"."""
    site = site_words(case, answers)
    key = f"journey.cases.button_{whose(case)}" + ("" if site else "_no_site")
    return text(key, site=site or "", started=_started(case, "%-d %b, %H:%M"))


async def named(store: Store, case: Case) -> str:
    """`request_name`, reading the case's answers."""
    return request_name(case, await store.answers.for_case(case.id))
