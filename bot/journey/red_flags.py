"""A red-flag "yes" is never lost: the urgent advice and the staff alert come with the first tap.

A "yes" to the red flags (at screening, changed at the review, or tapped later on the old
question) is confirmed before the request stops, like every stopping answer; but the patient
who never taps the confirmation, or says it was a mistake, has still been told to get help and
practice staff have still been told. So the first "yes", before any confirmation:

- gives the urgent advice at once (`journey.red_flag.now`: 999 for the signs the content names,
  otherwise NHS 111 now);
- is recorded in the case's event log (`case.red_flag_yes`, with the stage) and in the answer
  `RED_FLAG_FIRST` ("yes"), which keeps the confirmation waiting across /status or /start;
- queues the staff alert (`inbox.staff.stopped.red_flag_yes`), once per "yes".

"No, it was a mistake" marks it "withdrawn" (`case.red_flag_withdrawn`); the request goes on,
and the GP's summary shows that a red flag was first answered yes (`bot.inbox.digest`).

Source of the clinical rule: the service excludes "widespread rashes or severe inflammatory
conditions with systemic symptoms/of an urgent nature" (seed page); the urgent advice follows the
NHS 999 / 111 routes already in the content.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.domain.questions import RED_FLAG_FIRST, worded
from bot.journey import prompts
from bot.journey.replies import Reply, say
from bot.journey.steps import Turn
from bot.services.alerting import Alerts
from bot.store import Store
from bot.store.models import Case

log = logging.getLogger("bot.journey")

StopAlerts = Callable[[Store, Case, str], Awaitable[Alerts]]
"""As `bot.journey.service.StopAlerts`: the staff alerts for a reason."""
ALERT_REASON = "red_flag_yes"
"""The staff alert's reason (`inbox.staff.stopped.red_flag_yes`)."""


class RedFlags:
    """Record a red-flag "yes" at once, and its withdrawal; answer whether one is waiting."""

    def __init__(self, store: Store, stop_alerts: StopAlerts,
                 on_queued: Callable[[], None]) -> None:
        self._store = store
        self._stop_alerts = stop_alerts
        self._on_queued = on_queued

    @staticmethod
    def advice(case: Case) -> Reply:
        """The urgent advice (999 / NHS 111 now), worded for who answers."""
        return say(worded("journey.red_flag.now", parent=prompts.by_parent(case)))

    @staticmethod
    def waiting(answers: dict[str, str]) -> bool:
        """True while a red-flag "yes" waits for its confirmation."""
        return answers.get(RED_FLAG_FIRST) == "yes"

    async def said_yes(self, turn: Turn) -> Reply:
        """A "yes" tapped, not yet confirmed: record it and alert staff (once for this "yes":
        a second tap while it waits alerts nobody again); return the urgent advice."""
        case = turn.case
        if not self.waiting(await turn.answers()):
            count = sum(1 for event in await self._store.audit.for_case(case.id)
                        if event.kind == "case.red_flag_yes")
            built = await self._stop_alerts(self._store, case, ALERT_REASON)
            alerts = [replace(alert, dedupe_key=f"case:{case.id}:red_flag_yes:{count}:"
                              f"{alert.chat_id}") for alert in built.messages]
            await self._store.outbox.add(case.id, alerts, built.notes)
            await self._store.audit.record("case.red_flag_yes", actor="patient", case_id=case.id,
                                           detail={"stage": case.stage.value})
            await turn.save(RED_FLAG_FIRST, "yes")
            self._on_queued()
            log.info("red-flag yes, advice given, staff alerted",
                     extra={"case_id": case.id, "stage": case.stage.value,
                            "alerts": len(alerts)})
        return self.advice(case)

    async def withdrawn(self, turn: Turn) -> None:
        """The patient said the waiting "yes" was a mistake: the request may go on, and the GP
        will read that a red flag was first answered yes. Nothing if none was waiting."""
        if not self.waiting(await turn.answers()):
            return
        await turn.save(RED_FLAG_FIRST, "withdrawn")
        await self._store.audit.record("case.red_flag_withdrawn", actor="patient",
                                       case_id=turn.case.id,
                                       detail={"stage": turn.case.stage.value})
        log.info("red-flag yes withdrawn", extra={"case_id": turn.case.id,
                                                  "stage": turn.case.stage.value})
