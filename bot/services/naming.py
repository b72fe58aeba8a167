"""How a request is named to the patient, so that one can be told from another.

A parent may have their own request and their children's open on one Telegram account; the
case reference means nothing to them (they have never been shown it). A request is named by
what the patient knows of it: whose it is (a child's, answered by a parent, or their own), the
body area they answered (`screen.site`) and the date and time they started it, in UK time.
A sentence never names the child's date of birth: once the identity step has checked it, it
is not said back (a reminder or an update shows on the phone's lock screen; docs/dpia.md,
Notifications). Only the buttons of "which request is this photo for?" give it, and only
while two or more children's requests wait for a photo (`bot.journey.photo_choice`), so two
siblings' requests started minutes apart, both about the arm, are not told apart by the
minute alone; never before the parent confirmed it (`born_of`). Nothing else staff entered
on the invite (reference, NHS number, GP) is ever named. Words
are in `[cases]` of `bot/content/journey.toml`; button labels carry nothing the patient did
not answer themselves, and button payloads carry none of it (`bot.journey.photo_choice`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content import text
from bot.domain.dates import said
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


def _born_key(case: Case, born: date | None) -> str:
    """"_born" for a child's request whose date of birth is known, else ""."""
    return "_born" if born is not None and whose(case) == "child" else ""


def request_name(case: Case, answers: dict[str, str]) -> str:
    """The request in a sentence: "your child's request about the arm or hand, started on 30
    November 2026 at 14:05" (`journey.cases.named_<whose>[_no_site]`); never the child's
    date of birth."""
    site = site_words(case, answers)
    key = f"journey.cases.named_{whose(case)}" + ("" if site else "_no_site")
    return text(key, site=site or "", started=started_at(case))


def request_label(case: Case, answers: dict[str, str], born: date | None = None) -> str:
    """The request on a button, short: "For my child: arm or hand (30 Nov, 14:05)"
    (`journey.cases.button_<whose>[_born][_no_site]`). `born`, the child's date of birth as
    the parent confirmed it (`born_of`), makes it "For my child born 3 Feb 2019: ..."; it is
    left out of the patient's own request, and when None. Only the label: the button's
    payload names the case by its id."""
    site = site_words(case, answers)
    key = (f"journey.cases.button_{whose(case)}{_born_key(case, born)}"
           + ("" if site else "_no_site"))
    return text(key, site=site or "", started=_started(case, "%-d %b, %H:%M"),
                born=_short(born) if born else "")


def _short(day: date) -> str:
    """A date of birth on a button: "3 Feb 2019" (month names from content, first 3 letters)."""
    number, month, year = said(day).split()
    return f"{number} {month[:3]} {year}"


async def born_of(store: Store, case: Case) -> date | None:
    """The date of birth the patient (or parent) confirmed for the case: the invite's, which
    the identity step checks the typed date against. None until it was confirmed
    (`Case.dob_checked`: still at the identity step, locked there after wrong dates, or
    stopped by the practice before it), so whoever holds a link that reached the wrong
    person is never shown the date that would pass the check (hazard H06); None without an
    invite, and once erased (the invite's date of birth goes with the erasure)."""
    if not case.dob_checked:
        return None
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    if invite is None or not invite.date_of_birth:
        return None
    try:
        return date.fromisoformat(invite.date_of_birth)
    except ValueError:
        return None


async def named(store: Store, case: Case) -> str:
    """`request_name`, reading the case's answers."""
    return request_name(case, await store.answers.for_case(case.id))
