"""The staff and GP buttons' payloads: typed here, signed by `bot.services.buttons`, parsed once.

On the wire a payload is the signed parts `action|target|...` (at most 64 bytes with the
signature); a GP's decision button ends with the submission it was made for (`s2`), so a button
from before a re-submission is refused (issue 12 item 10). `parse` returns None for anything
that is not one of these shapes, which the handlers treat as a forged or expired button.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

CaseAction = Literal["back", "photos", "why", "redo", "appt", "appt_go", "appt_yes", "appt_no",
                     "urgent", "urgent_go", "urgent_no", "refer", "refer_go", "refer_no", "sent",
                     "sent_go", "sent_no"]
"""The steps of a GP's decision on a case (`bot.handlers.decide`, one handler each)."""
InviteAction = Literal["revoke", "resend", "stop", "renew", "contacted", "remind"]
"""What staff may do to an invite from /invites or /stop: cancel or resend an unused link,
stop an opened request, renew a locked link, record that a red-flag stop's patient was
contacted, remind the patient of a stalled request (`bot.inbox.chasing`)."""

_FIELDS: dict[str, tuple[str, ...]] = {
    "photos": ("mask", "summary_id", "under_way"), "why": ("mask", "summary_id"),
    "back": ("summary_id", "mask"), "refer": ("under_way",), "appt": ("under_way",),
    "redo": ("mask", "reason", "summary_id"),
    "appt_go": ("reason",), "appt_yes": ("reason", "summary_id"), "refer_go": ("summary_id",),
    "urgent_go": ("summary_id",)}
"""The decision steps that carry more than the case: which photos (a bit per shot slot, in
SHOT_SLOTS order), a reason code, the summary message whose buttons go once decided, the
message of a decision under way on the case (`Decide.under_way`). A button made before
"photos", "why" and "back" carried the summary (one part fewer) still reads, as summary 0, a
"back" made before it carried the photos ticked reads as none, and a "refer", "appt" or
"photos" made before they carried a decision under way reads as none: `parse`."""
_LEAST: dict[str, int] = {"back": 0, "photos": 1, "why": 1, "refer": 0, "appt": 0}
"""The fewest of their `_FIELDS` parts these steps' buttons carry (older buttons carried
fewer): the parts missing read as 0."""


@dataclass(frozen=True, slots=True)
class OpenCase:
    """"Open" in a GP's /inbox list: the case, queued for that chat."""

    case_id: int


@dataclass(frozen=True, slots=True)
class Decide:
    """A step of the GP's decision on a case, made for one submission of it."""

    action: CaseAction
    case_id: int
    submission: int
    mask: int = 0
    reason: str = ""
    summary_id: int = 0
    under_way: int = 0
    """On the summary's choices: the message of a decision already under way on this case
    (the question of which photos to take again, its reasons, or a confirmation), whose
    buttons go before another decision starts, so a GP never has two live at once."""


@dataclass(frozen=True, slots=True)
class ChooseGp:
    """Staff choosing the GP of the invite being made (0: the practice inbox)."""

    gp_member_id: int


@dataclass(frozen=True, slots=True)
class ChoosePractice:
    """A member of more than one practice choosing the practice of the invite being made."""

    practice_id: int


@dataclass(frozen=True, slots=True)
class AddMemberAt:
    """An admin of more than one practice choosing the practice of a /addmember join code."""

    practice_id: int


@dataclass(frozen=True, slots=True)
class ChangeInvite:
    """Resend, revoke or stop an invite, as it was when the button was made (`state`)."""

    action: InviteAction
    invite_id: int
    state: str


@dataclass(frozen=True, slots=True)
class ShowInvites:
    """"Open the list" under the daily list of patients to chase: the practice's /invites."""

    practice_id: int


@dataclass(frozen=True, slots=True)
class TaskDone:
    """"Done: patient phoned" on an urgent task."""

    case_id: int


@dataclass(frozen=True, slots=True)
class ReferralSent:
    """"Referral sent on e-RS" on a member of staff's task to make a referral, or on a
    button that says who marked it sent (a second tap there changes nothing)."""

    case_id: int


@dataclass(frozen=True, slots=True)
class ReferralConfirm:
    """"Yes" (`made`) or "No, go back" under the question a tap on "Referral sent on e-RS"
    asks first (`inbox.staff.referral_confirm`): only "Yes" records it and tells the patient."""

    case_id: int
    made: bool


Payload = (OpenCase | Decide | ChooseGp | ChoosePractice | AddMemberAt | ChangeInvite
           | TaskDone | ShowInvites | ReferralSent | ReferralConfirm)


def submission_part(submission: int) -> str:
    """The last part of every GP decision button: the submission it was made for (`s2`)."""
    return f"s{submission}"


def to_parts(payload: Payload) -> tuple[str | int, ...]:
    """The parts to sign for this payload."""
    match payload:
        case OpenCase(case_id):
            return ("open", case_id)
        case ChooseGp(gp_member_id):
            return ("inv_gp", gp_member_id)
        case ChoosePractice(practice_id):
            return ("inv_pr", practice_id)
        case AddMemberAt(practice_id):
            return ("add_pr", practice_id)
        case ChangeInvite(action, invite_id, state):
            return (action, invite_id, state)
        case TaskDone(case_id):
            return ("task_done", case_id)
        case ShowInvites(practice_id):
            return ("invites", practice_id)
        case ReferralSent(case_id):
            return ("ers_sent", case_id)
        case ReferralConfirm(case_id, made):
            return ("ers_yes" if made else "ers_no", case_id)
        case Decide():
            extra = tuple(getattr(payload, name) for name in _FIELDS.get(payload.action, ()))
            return (payload.action, payload.case_id, *extra, submission_part(payload.submission))


def _number(part: str) -> int | None:
    return int(part) if part.isdigit() and len(part) < 12 else None


def parse(parts: list[str]) -> Payload | None:
    """The payload these signed parts carry, or None if they are not a known shape."""
    if len(parts) < 2 or (target := _number(parts[1])) is None:
        return None
    action, rest = parts[0], parts[2:]
    if action == "open" and not rest:
        return OpenCase(target)
    if action == "inv_gp" and not rest:
        return ChooseGp(target)
    if action == "inv_pr" and not rest:
        return ChoosePractice(target)
    if action == "add_pr" and not rest:
        return AddMemberAt(target)
    if action == "task_done" and not rest:
        return TaskDone(target)
    if action == "invites" and not rest:
        return ShowInvites(target)
    if action == "ers_sent" and not rest:
        return ReferralSent(target)
    if action in ("ers_yes", "ers_no") and not rest:
        return ReferralConfirm(target, action == "ers_yes")
    if action in get_args(InviteAction) and len(rest) == 1:
        return ChangeInvite(action, target, rest[0])  # type: ignore[arg-type]
    if action not in get_args(CaseAction) or not rest or not rest[-1].startswith("s"):
        return None
    submission = _number(rest[-1][1:])
    names = _FIELDS.get(action, ())
    if action in _LEAST and _LEAST[action] <= len(rest) - 1 < len(names):
        names = names[:len(rest) - 1]  # made before it carried the later parts: 0 each
    if submission is None or len(rest) - 1 != len(names):
        return None
    values: dict[str, int | str] = {}
    for name, part in zip(names, rest[:-1], strict=True):
        if name == "reason":
            values[name] = part
        elif (number := _number(part)) is not None:
            values[name] = number
        else:
            return None
    return Decide(action, target, submission, **values)  # type: ignore[arg-type]
