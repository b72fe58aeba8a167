"""An earlier request of the same patient that stopped for red flags or was judged urgent.

A patient told to call 999 / NHS 111 (a red-flag stop, or a "yes" never said to be a mistake)
or judged urgent by a GP may be invited again for the same rash days later. Staff creating the
new invite are told, and the GP's summary of the new request says so, so the earlier "yes" is
never hidden behind "red flags: No, none of these" (hazard log H03).

Matched only within the practice, on the NHS number and date of birth staff typed on the
invites (the practice's own identifiers of its patient; an invite without an NHS number is
never matched), and only over `CARRY_OVER_DAYS`. A request the patient cancelled or deleted
has had its NHS number and date of birth erased (`CaseRepository.erase`): it is not matched,
which is what the patient asked for.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.store import Store
from bot.store.cases import RED_FLAG_STOP, URGENT
from bot.store.models import Case, Event, Invite, Stage

log = logging.getLogger("bot.inbox")

CARRY_OVER_DAYS = 14
"""How far back an earlier red-flag or urgent request is carried over to a new invite: two
weeks covers a patient sent to urgent care (or phoned for a two-week-wait appointment) being
invited again for the same episode, while an unrelated rash months later is not flagged."""


@dataclass(frozen=True, slots=True)
class Earlier:
    """An earlier request of the patient: its case reference, what happened ("red_flag": stopped
    for red flags, or a red-flag "yes" never said to be a mistake; "urgent": a GP's urgent
    decision) and when (ISO timestamp, UTC)."""

    reference: str
    what: str
    at: str


def _red_flag_at(events: list[Event]) -> str | None:
    """When the case stopped for red flags, or its last red-flag "yes" was tapped without being
    said to be a mistake; None if neither."""
    found: str | None = None
    for event in events:
        if event.kind in ("case.red_flag_yes", "case.red_flag_after", "case.red_flag_ended"):
            found = found or event.created_at
        elif event.kind == "case.red_flag_withdrawn":
            found = None
        elif event.kind == "case.stage":
            detail = json.loads(event.detail)
            if isinstance(detail, dict) and detail.get("reason") == RED_FLAG_STOP:
                found = event.created_at
    return found


async def _earlier_of(store: Store, case: Case) -> Earlier | None:
    at = _red_flag_at(await store.audit.for_case(case.id))
    if at is not None:
        return Earlier(case.reference, "red_flag", at)
    if case.decision == URGENT and case.decided_at:
        return Earlier(case.reference, "urgent", case.decided_at)
    return None


async def earlier_requests(store: Store, invite: Invite,
                           now: datetime | None = None) -> list[Earlier]:
    """The practice's other requests, for the same NHS number and date of birth as `invite`,
    whose red flag or urgent decision (`Earlier.at`, not when the request was started: a
    decision can come days later) falls within `CARRY_OVER_DAYS` before `now` (default: the
    invite's creation; a GP's summary passes the time it is built); oldest first. [] when the
    invite has no NHS number."""
    if not invite.nhs_number or not invite.date_of_birth:
        return []
    now = now or datetime.fromisoformat(invite.created_at)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    since = now - timedelta(days=CARRY_OVER_DAYS)
    found: list[Earlier] = []
    for other in await store.invites.of_patient(invite.practice_id, invite.nhs_number,
                                                invite.date_of_birth):
        if other.id == invite.id:
            continue
        case = await store.cases.for_invite(other.id)
        if case is None or case.stage is Stage.ERASED:
            continue
        earlier = await _earlier_of(store, case)
        if earlier is None:
            continue
        at = datetime.fromisoformat(earlier.at)
        if since <= (at if at.tzinfo else at.replace(tzinfo=UTC)) <= now:
            found.append(earlier)
    if found:
        log.info("earlier red-flag or urgent request found",
                 extra={"invite_id": invite.id, "count": len(found)})
    return sorted(found, key=lambda e: e.at)
