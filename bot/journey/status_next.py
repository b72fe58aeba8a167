"""What /status says comes next for the patient, from the case's stage and outcome.

`next_key` picks the content key of the "Next:" line (`journey.status_words.next_*`):

- a step still open: what to do at that step (`next_locator`, `next_review`...);
- sent, waiting for the GP (`next_submitted`): the GP will look at the photos and message or
  call, as the receipt says; unless the patient was told it could reach nobody at the
  practice and it has reached nobody since (`next_not_received`: phone the practice, as
  `inbox.patient.not_received` said; `bot.services.alerting.still_unreached`);
- decided: from the GP's decision, as the decision message told the patient
  (`inbox.patient.*`): `next_referred` (the practice is sending the referral on e-RS, the patient
  will be told here), `next_referral_sent` (sent: the skin team will tell the GP),
  `next_appointment` (call the practice to book), `next_urgent` (two-week wait: the practice
  will phone; call it if nobody has by the end of the next working day), and once staff
  marked that call done, `next_urgent_done` (the practice says it phoned; call it if the call
  was missed or what comes next is unclear);
- stopped after a confirmed red-flag answer (`next_red_flag`), deleted since or not: get help
  now, and the red-flag stop's own advice (`journey.stop.red_flag`) is given again before it
  (`advice`); a red-flag "yes" tapped after sending or after the request ended gets its own
  advice again too, and so does one never confirmed nor withdrawn before the patient
  cancelled or deleted the request: /status then leads with that advice and its "Next:" line
  is `next_red_flag`, never "nothing" (`Journey.status`);
- stopped for any other reason the patient was given (a screening stop, declined consent, a
  locked link): what the stop's own message asked, again (`STOPPED_NEXT`: call the practice,
  with its number, to book or to be seen another way);
- deleted by the patient after an urgent decision whose call is not yet done (`next_urgent`:
  the surgery still phones; `next_urgent_done` once it is), or after a referral not yet sent
  on e-RS (`next_referral_deleted`: the practice will ask whether they still want it);
- any other end (stopped by the practice, cancelled, deleted): `next_closed`.

Source of the clinical rule: the 999 / NHS 111 advice is the red-flag stop's
(`bot/journey/red_flags.py`); the urgent route is the service's first exclusion (two-week-wait
criteria, seed page): staff are asked to phone the patient the same day
(`inbox.staff.urgent_task`), so the patient's safety net is to call if nobody has phoned by the
end of the next working day, as the urgent decision message says.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.content import text
from bot.domain.face_words import CHILD_FACE_TYPED
from bot.domain.intimate import INTIMATE_TRIED, INTIMATE_TYPED
from bot.domain.questions import worded
from bot.journey import prompts
from bot.journey.replies import Reply, say
from bot.store.cases import APPOINTMENT, RED_FLAG_STOP, REFERRED, URGENT
from bot.store.models import Case, Event, Practice, Stage

STOPPED_NEXT: dict[str, str] = {
    **{f"screen_{criterion}": "next_book"
       for criterion in ("mole", "intimate", "everywhere", "eczema", "child_face")},
    INTIMATE_TYPED: "next_book",
    INTIMATE_TRIED: "next_book",
    CHILD_FACE_TYPED: "next_book",
    "consent_declined": "next_another_way",
    "child_declined": "next_another_way",
    "not_guardian": "next_not_guardian",
    "identity_locked": "next_locked",
}
"""The "Next:" key after a stop, by its reason (`stop_reason`), repeating what the stop's
message asked: `journey.stop.<criterion>` (book an appointment instead),
`journey.consent.declined` / `child_declined` (arrange another way to be seen),
`journey.consent.not_guardian` (the parent or guardian to call), `journey.identity.locked`
(call, they can help). Each asks the patient to call the practice, on its number. Every
screening and consent stop has one (`bot.domain.questions.STOP_CRITERIA`, `CONSENT_CRITERIA`;
the red-flag stop has `next_red_flag`)."""


def stop_reason(events: Sequence[Event]) -> str | None:
    """Why the case last moved to "stopped" ("screen_red_flag", "screen_mole", ...), from its
    audited stage moves (`events`: `AuditRepository.for_case`); None if it never stopped or
    the reason was not recorded."""
    reason = None
    for event in events:
        if event.kind != "case.stage":
            continue
        detail = json.loads(event.detail)
        if isinstance(detail, dict) and detail.get("to") == Stage.STOPPED.value:
            reason = str(detail["reason"]) if detail.get("reason") else None
    return reason


def next_key(case: Case, stopped_for: str | None, *, unreached: bool = False) -> str:
    """The `journey.status_words` key of the "Next:" line for the case at its stage;
    `stopped_for` is `stop_reason` of a stopped case, or of one erased after its stop
    (ignored otherwise); `unreached`: `still_unreached` of a sent case."""
    if case.stage.is_open:
        return f"next_{case.stage.value}"
    if case.erased_at and case.decision == URGENT:
        # deleted, but the surgery still phones (journey.delete.still_phoning), or has phoned
        return "next_urgent_done" if case.task_done_at else "next_urgent"
    if case.erased_at and case.decision == REFERRED and not case.referral_sent_at:
        return "next_referral_deleted"  # staff ask whether the patient still wants it
    if case.stage is Stage.SUBMITTED:
        return "next_not_received" if unreached else "next_submitted"
    if case.stage is Stage.DECIDED:
        if case.decision == REFERRED:
            return "next_referral_sent" if case.referral_sent_at else "next_referred"
        if case.decision == APPOINTMENT:
            return "next_appointment"
        if case.decision == URGENT:
            return "next_urgent_done" if case.task_done_at else "next_urgent"
    if case.stage in (Stage.STOPPED, Stage.ERASED) and stopped_for == RED_FLAG_STOP:
        return "next_red_flag"  # deleted since: the 999 / NHS 111 advice still applies
    if case.stage is Stage.STOPPED and stopped_for in STOPPED_NEXT:
        return STOPPED_NEXT[stopped_for]
    return "next_closed"


STILL_ACTING = frozenset({"next_urgent", "next_urgent_done", "next_referral_deleted"})
"""The "Next:" keys of a request the patient deleted while the practice still acts on it
(the surgery phones after an urgent decision; staff ask whether a referral not yet sent on
e-RS is still wanted): /status names it among the patient's other requests."""


def in_progress(case: Case, key: str) -> bool:
    """Whether /status names the case among the patient's other requests (`key`: its
    `next_key`): still open, sent to the GP, decided (referred, referral sent, appointment,
    urgent), or deleted while the practice still acts on it (`STILL_ACTING`). A request
    stopped, cancelled or otherwise deleted ended with a message of its own, and is not
    repeated (its red-flag advice, if any, still is: `advice`)."""
    if case.erased_at:
        return key in STILL_ACTING
    return case.stage.is_open or case.stage in (Stage.SUBMITTED, Stage.DECIDED)


def where_words(case: Case, *, unreached: bool = False) -> str:
    """The "Where you are:" line: the case's stage (`journey.status_words.<stage>`), or, for a
    sent request the practice could not get (`unreached`: `still_unreached`), that it is sent
    but not yet with the practice (`submitted_not_received`), never that a GP is looking."""
    parent = prompts.by_parent(case)
    if unreached:
        return worded("journey.status_words.submitted_not_received", parent=parent)
    return worded(f"journey.status_words.{case.stage.value}", parent=parent)


def next_words(case: Case, key: str, practice: Practice) -> str:
    """The "Next:" line of `next_key`, worded for a parent where a parent answers, with the
    practice's name and phone number filled in."""
    return worded(f"journey.status_words.{key}", parent=prompts.by_parent(case),
                  practice=practice.name, phone=practice.phone)


def red_flag_after(events: Sequence[Event]) -> bool:
    """Whether a red-flag "yes" was tapped after the request was sent or ended
    (`case.red_flag_after`, `case.red_flag_ended`, `Journey._red_flag_after`), from the
    case's `events`."""
    return any(event.kind in ("case.red_flag_after", "case.red_flag_ended")
               for event in events)


def red_flag_unconfirmed(events: Sequence[Event]) -> bool:
    """Whether the case's last red-flag "yes" (`case.red_flag_yes`, `bot/journey/red_flags.py`)
    was never said to be a mistake (`case.red_flag_withdrawn`): the patient cancelled or
    deleted the request, or it ended otherwise, while the yes waited for its confirmation."""
    waiting = False
    for event in events:
        if event.kind == "case.red_flag_yes":
            waiting = True
        elif event.kind == "case.red_flag_withdrawn":
            waiting = False
    return waiting


def advice(case: Case, key: str, practice: Practice, *, flagged_after: bool = False,
           unconfirmed: bool = False) -> list[Reply]:
    """What /status gives after its own message about an ended or sent request: the red-flag
    stop's 999 / NHS 111 advice again after a red-flag stop; the advice given for a red-flag
    "yes" tapped after the request was sent or ended (`flagged_after`, `red_flag_after`); the
    advice given at a red-flag "yes" that was never confirmed nor said to be a mistake
    before the request ended (`unconfirmed`, `red_flag_unconfirmed`: `journey.red_flag.now`,
    or the after-sending words once it was sent); nothing otherwise."""
    if key == "next_red_flag":
        return [say(worded("journey.stop.red_flag", parent=prompts.by_parent(case),
                           practice=practice.name, phone=practice.phone))]
    if (flagged_after or unconfirmed) and case.submitted_at:
        return [say(worded("journey.stop.red_flag_after", parent=prompts.by_parent(case)))]
    if flagged_after or unconfirmed:
        return [say(worded("journey.red_flag.now", parent=prompts.by_parent(case)))]
    return []


def status_words(case: Case, where: str, nxt: str) -> str:
    """The /status message of the request the patient is on: "Where you are: ... Next: ...",
    with its reference between once it has been sent (`Case.submissions`; the receipt gave
    the reference, and practice staff ask for it on the phone) and while the patient has not
    deleted it (`journey.commands.status_sent`, worded for a parent). `where` and `nxt` are
    the words of `where_words` and `next_words`."""
    if case.submissions >= 1 and case.erased_at is None:
        return worded("journey.commands.status_sent", parent=prompts.by_parent(case),
                      where=where, next=nxt, reference=case.reference)
    return text("journey.commands.status", where=where, next=nxt)
