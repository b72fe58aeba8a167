"""Plain records the repositories return: practices, members, invites, cases, photos, events."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Role = Literal["staff", "gp", "admin"]
ConsentBy = Literal["self", "parent"]
ShotSlot = Literal["locator", "close_up_1", "close_up_2"]
SHOT_SLOTS: tuple[ShotSlot, ...] = ("locator", "close_up_1", "close_up_2")


class Stage(StrEnum):
    """Where a case is on the patient's journey."""

    IDENTITY = "identity"
    CONSENT = "consent"
    SCREENING = "screening"
    PREPARATION = "preparation"
    LOCATOR = "locator"
    CLOSE_UP_1 = "close_up_1"
    CLOSE_UP_2 = "close_up_2"
    DETAILS = "details"
    REVIEW = "review"
    SUBMITTED = "submitted"
    DECIDED = "decided"
    STOPPED = "stopped"
    CANCELLED = "cancelled"
    ERASED = "erased"

    @property
    def is_open(self) -> bool:
        """True while the patient still has something to do."""
        return self not in CLOSED_STAGES


CLOSED_STAGES = frozenset(
    {Stage.SUBMITTED, Stage.DECIDED, Stage.STOPPED, Stage.CANCELLED, Stage.ERASED}
)


@dataclass(frozen=True, slots=True)
class Practice:
    """A GP practice that invites patients and receives their photo sets."""

    id: int
    name: str
    phone: str
    inbox_chat_id: int | None
    deliver: str = "telegram"
    """The channels cases go to, comma-separated: any of telegram, email, mesh."""
    telegram_notify_only: bool = False
    """True when the GP chat gets only a notice and the decision buttons, no photos or pack."""
    inbox_email: str | None = None
    mesh_mailbox: str | None = None
    ods_code: str | None = None

    @property
    def channels(self) -> tuple[str, ...]:
        """The delivery channels, in a fixed order (`telegram`, `email`, `mesh`)."""
        chosen = {part.strip() for part in self.deliver.split(",")}
        return tuple(c for c in ("telegram", "email", "mesh") if c in chosen)

    @property
    def record_channels(self) -> tuple[str, ...]:
        """The channels into the practice's own systems (`email`, `mesh`)."""
        return tuple(c for c in self.channels if c != "telegram")

    @property
    def gp_chat_gets_content(self) -> bool:
        """Whether the GP chat gets the photos and pack, or only a notice with the buttons."""
        return "telegram" in self.channels and not self.telegram_notify_only


@dataclass(frozen=True, slots=True)
class Member:
    """A member of practice staff or a GP, known by their Telegram user id; `created_at`: when
    they joined the practice (ISO 8601 UTC, seconds)."""

    id: int
    practice_id: int
    telegram_user_id: int
    role: Role
    display_name: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Invite:
    """A single-use, time-limited link that lets one patient start one case."""

    id: int
    practice_id: int
    patient_ref: str
    date_of_birth: str
    gp_member_id: int | None
    created_at: str
    expires_at: str
    opened_at: str | None
    used_at: str | None
    revoked_at: str | None
    failed_dob_checks: int
    locked_at: str | None
    nhs_number: str | None = None
    """Only where the practice delivers by MESH; erased with the case (or the unused invite)."""


@dataclass(frozen=True, slots=True)
class Case:
    """One patient episode: from opening the invite to the GP's decision."""

    id: int
    reference: str
    practice_id: int
    invite_id: int | None
    patient_user_id: int
    patient_chat_id: int
    is_child: bool
    stage: Stage
    created_at: str
    updated_at: str
    submitted_at: str | None
    decided_at: str | None
    decision: str | None
    erased_at: str | None
    submissions: int = 0
    decision_note: str | None = None
    last_photo_id: int | None = None
    previous_last_photo_id: int | None = None
    task_done_at: str | None = None
    referral_sent_at: str | None = None
    ubrn: str | None = None
    erased_by: str | None = None
    """Who erased the case: "patient" (/delete or /cancel) or "retention"."""
    consent_by: ConsentBy = "self"
    """Workflow flag: who answers and consents, the patient ("self") or, for a child under
    16, a parent ("parent"); set when the case is opened (`bot.domain.age.consent_by`)."""
    prep_step: int = 0
    """Workflow flag: the photo tip shown (0 is the first), at the preparation stage."""
    changing: str = ""
    """Workflow flag: at the review, the id of the answer being changed ("" for none)."""
    redo: tuple[ShotSlot, ...] = ()
    """Workflow flag: the shots the GP asked for again, in order, the current one among them
    (set when the GP asks for new photos, cleared back at the review); so the patient is told
    "New photo 1 of 2" (`bot.journey.photo_step.taken_again`). Cases from before hold only
    the shots still to take after the current one."""
    return_to_review: bool = False
    """Workflow flag: after the current photo, go back to the review (a photo replaced, or
    new photos the GP asked for) rather than on to the next shot."""
    read_backs: int = 0
    """Workflow flag: how many typed dates of birth have been read back on the case; each
    read-back's buttons carry its number, and only the newest unchecked one counts."""
    dob_checked: bool = False
    """Workflow flag: the person holding the link confirmed the invite's date of birth (the
    identity step passed; set with the move to consent). Until then nothing staff entered on
    the invite is shown to them, the date of birth least of all: the link may have reached
    the wrong person (`bot.services.naming.born_of`; docs/clinical-safety/hazard-log.md H06).
    A link locked after wrong dates of birth never sets it."""
    patient_at: str | None = None
    """When the patient last acted on the case (ISO 8601, UTC); only their own actions set it,
    so it says which of their open cases their input goes to
    (`CaseRepository.current_for_patient`)."""

    @property
    def awaiting_new_photos(self) -> bool:
        """True while a GP's request for new photos is with the patient: the case was
        submitted at least once and is back at a photo, the details or the review. Its
        current submission's photos may already be replaced (and their files deleted)."""
        return self.submissions >= 1 and self.stage in (
            Stage.LOCATOR, Stage.CLOSE_UP_1, Stage.CLOSE_UP_2, Stage.DETAILS, Stage.REVIEW)


@dataclass(frozen=True, slots=True)
class Flags:
    """New values for some of a case's workflow flags (see `Case`); None leaves one as it is.

    Flags steer the journey; they are not the patient's answers: they are written on the
    case, in the transaction of the stage move that sets them where there is one, and audited
    (`case.flags`) as whoever set them: the patient, a GP or staff (`member:N`), or the system.
    """

    consent_by: ConsentBy | None = None
    prep_step: int | None = None
    changing: str | None = None
    redo: tuple[ShotSlot, ...] | None = None
    return_to_review: bool | None = None
    read_backs: int | None = None
    dob_checked: bool | None = None

    def columns(self) -> dict[str, str | int]:
        """The flags given, as the `cases` columns and the values stored there."""
        found: dict[str, str | int] = {}
        if self.consent_by is not None:
            found["consent_by"] = self.consent_by
        if self.prep_step is not None:
            found["prep_step"] = self.prep_step
        if self.changing is not None:
            found["changing"] = self.changing
        if self.redo is not None:
            found["redo"] = ",".join(self.redo)
        if self.return_to_review is not None:
            found["return_to_review"] = int(self.return_to_review)
        if self.read_backs is not None:
            found["read_backs"] = self.read_backs
        if self.dob_checked is not None:
            found["dob_checked"] = int(self.dob_checked)
        return found

    def fields(self) -> dict[str, object]:
        """The flags given, as `Case` fields (for `dataclasses.replace`)."""
        names = ("consent_by", "prep_step", "changing", "redo", "return_to_review",
                 "read_backs", "dob_checked")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


@dataclass(frozen=True, slots=True)
class Photo:
    """One attempt at one shot of a case, with the file that holds it and its quality result."""

    id: int
    case_id: int
    shot: ShotSlot
    attempt: int
    source: Literal["photo", "document"]
    file_name: str
    sha256: str
    size_bytes: int
    width: int | None
    height: int | None
    verdict: Literal["accept", "retake", "unchecked"]
    quality: str
    status: Literal["pending", "accepted", "rejected", "replaced"]
    sent_anyway: bool
    created_at: str


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the audit trail: who did what to which case, without personal data."""

    id: int
    case_id: int | None
    practice_id: int | None
    actor: str
    kind: str
    detail: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message that must reach someone, queued in the same transaction as its cause."""

    chat_id: int
    kind: str
    payload: dict[str, str | int | None]
    dedupe_key: str
    channel: str = "telegram"
    """`telegram`, or a record channel (`email`, `mesh`), whose `chat_id` is the practice id."""


@dataclass(frozen=True, slots=True)
class MeshSent:
    """A case's message that MESH accepted, or may have (`OutboxRepository.sent_by_mesh`):
    the outbox item, the case, its practice and reference, the submission it carried, MESH's
    id ("" while not yet written down), and the practice's MESH mailbox it was sent to (`to`;
    "" if not known)."""

    outbox_id: int
    case_id: int
    practice_id: int
    reference: str
    submission: int
    mesh_message_id: str
    to: str = ""


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """A queued message, with how delivery has gone so far."""

    id: int
    case_id: int | None
    chat_id: int
    kind: str
    payload: str
    dedupe_key: str
    attempts: int
    next_attempt_at: str
    sent_at: str | None
    failed_at: str | None
    last_error: str | None
    created_at: str
    channel: str = "telegram"
    remote_id: str | None = None
    """For MESH: the message id MESH gave the message, recorded before it is marked sent."""
