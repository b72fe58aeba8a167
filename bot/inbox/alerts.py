"""Alerts to practice staff about cases that need a person: stops, and urgent outcomes.

Each alert says who (the practice's own patient reference and the case reference) and why (the
reason only, no clinical detail beyond it), so that someone at the practice can follow up. The
words live in `bot/content/inbox.toml` under `[staff.stopped]` and `[staff]`.
"""

from __future__ import annotations

import logging

from bot.content import text
from bot.domain.questions import worded
from bot.services.alerting import Alerts
from bot.store import Store
from bot.store.cases import URGENT
from bot.store.models import Case, Member, Outgoing

log = logging.getLogger("bot.inbox")
__all__ = ["URGENT", "patient_ref_of", "stop_alerts", "urgent_task"]


async def patient_ref_of(store: Store, case: Case) -> str:
    """The practice's own reference for the case's patient ("?" if its invite is gone)."""
    invite = await store.invites.get(case.invite_id) if case.invite_id else None
    return invite.patient_ref if invite else "?"


def stop_reason_key(reason: str) -> str:
    """The content key of the staff's words for a stop reason ("screen_red_flag", ...).

    Screening stops are named after their criterion (`bot.domain.questions.STOP_CRITERIA`);
    a stop without words of its own gets the general "stopped" words.
    """
    name = reason.removeprefix("screen_")
    key = f"inbox.staff.stopped.{name}"
    try:
        text(key, patient_ref="", reference="")
    except KeyError:
        return "inbox.staff.stopped.other"
    return key


async def stop_alerts(store: Store, case: Case, reason: str) -> Alerts:
    """Alerts for a case that stopped before reaching a GP: red flags, a locked link, a
    screening stop, declined consent. Queue them, and write their notes (`Alerts`: the
    alert "stopped" reached nobody), in the transaction of the move to "stopped": nothing is
    recorded for a stop that loses a race to another move of the case.

    Worded for who answered: "Parent asked to call you" only when a parent answered for a
    child under 16 (`Case.consent_by`), never for a 16 or 17-year-old answering themselves.
    Read before the stop erases anything: if photos had been taken on a request still open
    (a site changed at the review, say), the stop deletes them and the words say so, never
    "(no photos taken)"; a request already with the practice keeps its photos
    (`inbox.staff.stopped.<reason>_after_photos`, or the reason's words and `photos_deleted`).
    """
    patient_ref = await patient_ref_of(store, case)
    key = stop_reason_key(reason)
    parent = case.consent_by == "parent"
    words = worded(key, parent=parent, patient_ref=patient_ref, reference=case.reference)
    if case.stage.is_open and await store.photos.for_case(case.id):  # the stop erases them
        try:
            words = worded(f"{key}_after_photos", parent=parent, patient_ref=patient_ref,
                           reference=case.reference)
        except KeyError:
            words = f"{words} {text('inbox.staff.stopped.photos_deleted')}"
    alerts = await Alerts.to_practice(
        store, case, "stopped",
        lambda chat: Outgoing(chat, "staff.alert", {"text": words},
                              f"case:{case.id}:stopped:{chat}"))
    log.info("staff alerts of a stop built", extra={"case_id": case.id, "reason": reason,
                                                    "chats": len(alerts.messages)})
    return alerts


async def urgent_task(store: Store, case: Case, gp: Member) -> Alerts:
    """The task for staff when a GP judges a case urgent (two-week wait): phone the patient,
    or for a child under 16 whose parent answered, the parent or carer (`_parent` words).

    Sent as `staff.task` (with a "Done" button) to the practice's staff and admins, or to its
    GPs if it has no staff, so an urgent outcome always reaches a person at the practice. The
    payload names the deciding GP (`gp`, a Telegram user id), who is told if the task reaches
    nobody (`bot.inbox.undelivered.pass_on`). Queued, and its notes written (`Alerts`: the
    alert "urgent" reached nobody), with the decision: nothing is recorded for a decision that
    loses a race to another GP's.
    """
    words = worded("inbox.staff.urgent_task", parent=case.consent_by == "parent",
                   patient_ref=await patient_ref_of(store, case), reference=case.reference,
                   gp=gp.display_name)
    return await Alerts.to_practice(
        store, case, "urgent",
        lambda chat: Outgoing(chat, "staff.task",
                              {"text": words, "case_id": case.id, "gp": gp.telegram_user_id},
                              f"case:{case.id}:sub:{case.submissions}:urgent:{chat}"))

