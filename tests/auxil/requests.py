"""How the bot should name a patient's request, built from the content keys and the case's
known facts (whose it is, the body area answered, when it was started in UK time, and on a
button of a photo's choice of request, the date of birth a parent confirmed for a child), so
a test can say which request a message or a button is about."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.content import text
from bot.store.models import Case


def _uk(case: Case) -> datetime:
    return datetime.fromisoformat(case.created_at).astimezone(ZoneInfo("Europe/London"))


def _site(site: str) -> str:
    label = text(f"journey.screening.site.{site}")
    return label[0].lower() + label[1:]


def request_named(case: Case, whose: str, site: str | None = "arm") -> str:
    """The request in a sentence: `whose` is "child" or "own", `site` a [screening.site] key
    (None before it is answered); never a child's date of birth."""
    when = _uk(case)
    started = text("journey.cases.started_at", day=f"{when.day} {when:%B %Y}",
                   time=f"{when:%H:%M}")
    key = f"journey.cases.named_{whose}"
    if site is None:
        return text(f"{key}_no_site", started=started)
    return text(key, site=_site(site), started=started)


def request_button(case: Case, whose: str, site: str | None = "arm",
                   born: date | None = None) -> str:
    """The request on a button of the "which request is this photo for?" question."""
    when = _uk(case)
    started = f"{when.day} {when:%b, %H:%M}"
    key = f"journey.cases.button_{whose}" + ("_born" if born else "")
    short = f"{born.day} {born:%b %Y}" if born else ""
    if site is None:
        return text(f"{key}_no_site", started=started, born=short)
    return text(key, site=_site(site), started=started, born=short)
