"""What a GP chat is sent about a case, built by plain functions (no Telegram here).

Each message is words plus rows of buttons, each button a label and a typed payload
(`bot.inbox.payloads`); `bot.handlers.keyboards` signs the payloads for the chat and
`bot.handlers.delivery` sends. The words come from `bot/content/inbox.toml` and
`channels.toml`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import text
from bot.domain.questions import worded
from bot.inbox.digest import CaseSummary
from bot.inbox.payloads import ChooseGp, Decide, OpenCase, Payload, TaskDone
from bot.store.cases import REFERRED
from bot.store.models import SHOT_SLOTS, Case, Member, Practice, Stage

Row = tuple[tuple[str, Payload], ...]
"""One row of buttons: (label, payload) each."""
Rows = tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class GpMessage:
    """One text message: its words (HTML if `html`), and rows of buttons."""

    words: str
    rows: Rows = ()
    html: bool = False


@dataclass(frozen=True, slots=True)
class PhotoPart:
    """One photo of a case as the GP receives it: a JPEG document with its label."""

    slot: str
    file_name: str
    """The stored photo file (`bot.store.photo_files`), read when the part is sent."""
    filename: str
    caption: str


def column(*buttons: tuple[str, Payload]) -> Rows:
    """Buttons one under another."""
    return tuple((button,) for button in buttons)


def decision_rows(case_id: int, submission: int, mask: int = 0, under_way: int = 0) -> Rows:
    """The GP's three choices for a case, made for this submission; "Ask for new photos"
    carries the photos ticked so far (`mask`), so coming back to it keeps them. Each names
    the message of a decision under way (`under_way`: the question of which photos, its
    reasons, a confirmation), whose buttons go before the one tapped starts."""
    return column(
        (text("inbox.gp.refer"), Decide("refer", case_id, submission, under_way=under_way)),
        (text("inbox.gp.ask_photos"), Decide("photos", case_id, submission, mask=mask,
                                             under_way=under_way)),
        (text("inbox.gp.appointment"), Decide("appt", case_id, submission,
                                              under_way=under_way)))


def waiting_rows(case: Case) -> Rows:
    """The decision buttons while the case waits for a GP, none once it is decided."""
    return decision_rows(case.id, case.submissions) if case.stage is Stage.SUBMITTED else ()


def summary_message(case: Case, summary: CaseSummary) -> GpMessage:
    """The summary of the submission (HTML), with the decision buttons while it waits."""
    return GpMessage(summary.summary_html, waiting_rows(case), html=True)


def notice_message(case: Case, practice: Practice) -> GpMessage:
    """"Telegram: notification only": the reference, where the case went, and the decision
    buttons; no photos, answers or pack."""
    places = text("channels.gp.where_join").join(
        text(f"channels.gp.where_{channel}") for channel in practice.record_channels)
    return GpMessage(text("channels.gp.notice", reference=case.reference, where=places),
                     waiting_rows(case))


def album_parts(case: Case, summary: CaseSummary) -> list[PhotoPart]:
    """The photos as documents (not recompressed), captioned Locator / Close-up 1 / 2 with
    any quality note after a dash ("Close-up 1 — 1 retake (blur)"). After a re-submission
    each file name ends with its version ("TD-…-close-up-1-v2.jpg", as the pack's does) and
    each caption says the version and whether the photo is new in it or the same as before."""
    version = summary.version
    parts = []
    for shot in summary.shots:
        label = shot.label
        if version > 1:
            key = "inbox.gp.caption_version_new" if shot.new else "inbox.gp.caption_version_same"
            label = text(key, shot=shot.label, version=version)
        parts.append(PhotoPart(
            shot.slot, shot.file_name,
            f"{case.reference}-{shot.slot.replace('_', '-')}{pack_version(version)}.jpg",
            text("inbox.gp.caption_with_note", shot=label, note=shot.note) if shot.note
            else label))
    return parts


PHOTO_PART = "album:"
"""How a delivered photo document is recorded (`photo_part`): "album:close_up_1". Rows from
before the shot was recorded say only "album"."""


def photo_part(slot: str) -> str:
    """The `delivered.part` of one photo document of a case: "album:" and its shot."""
    return PHOTO_PART + slot


def superseded_photo(reference: str, part: str, old: int, version: int) -> str:
    """What an earlier submission's photo document caption is edited to say (`part` as
    recorded by `photo_part`, or "album" from before the shot was recorded)."""
    slot = part.removeprefix(PHOTO_PART)
    shot = (text(f"inbox.gp.caption_{slot}") if slot in SHOT_SLOTS
            else text("inbox.gp.caption_unknown"))
    return text("inbox.gp.superseded_photo", shot=shot, old=old or 1, version=version,
                reference=reference)


def pack_version(submission: int) -> str:
    """The pack file name's version suffix: "" for a first submission, else "-v2", "-v3"..."""
    return f"-v{submission}" if submission > 1 else ""


def pack_label(case: Case, submission: int) -> tuple[str, str]:
    """The referral pack document's file name and caption, with its version."""
    version = pack_version(submission)
    return (text("inbox.gp.pack_name", reference=case.reference, version=version),
            text("inbox.gp.pack_caption", reference=case.reference, version=version))


def superseded_summary(reference: str, version: int) -> str:
    """What an earlier submission's summary (or notice) is edited to say."""
    return text("inbox.gp.superseded_summary", version=version, reference=reference)


def superseded_pack(reference: str, old: int, version: int) -> str:
    """What an earlier submission's pack caption is edited to say."""
    return text("inbox.gp.superseded_pack", old=old or 1, version=version, reference=reference)


def referral_open(case: Case) -> bool:
    """Whether a GP referred the case and nobody has marked the referral sent on e-RS yet (an
    erased case's stub keeps both: `CaseRepository.erase`)."""
    return case.decision == REFERRED and not case.referral_sent_at


def erased_why(reason: str, *, parent: bool = False) -> str:
    """Why a case left the chats, as GPs and staff read it (`inbox.gp.erased_by_*`,
    `inbox.gp.stopped_*`): `reason` is patient, practice, stopped, red_flag or (anything else)
    retention; `parent`: a parent answered for the child."""
    return worded({"patient": "inbox.gp.erased_by_patient",
                   "practice": "inbox.gp.stopped_by_practice",
                   "stopped": "inbox.gp.stopped_at_review",
                   "red_flag": "inbox.gp.stopped_red_flag"}.get(reason,
                                                                   "inbox.gp.erased_by_retention"),
                  parent=parent)


def retracted(reference: str, reason: str, *, too_old: int = 0, unknown: int = 0,
              referral_open: bool = False, parent: bool = False) -> str:
    """The note after taking back an erased case: removed, or please delete it yourself:
    `too_old` messages Telegram would not delete (a bot may delete only for 48 hours), or
    `unknown` messages the chat may hold whose id the bot never learnt (it stopped between
    sending one and writing its id down). `reason`: patient, practice,
    stopped (an answer changed at the review stopped the request), red_flag (a red flag
    answered after photos stopped it) or retention. `parent`: a parent answered for a child
    (`Case.consent_by`), so "the parent asked", not "the patient asked"."""
    why = erased_why(reason, parent=parent)
    key = ("inbox.gp.retract_ask" if too_old else "inbox.gp.retract_unknown" if unknown
           else "inbox.gp.retracted")
    said = text(key, reference=reference, why=why)
    if referral_open:  # the GP may be making the referral from a copy in the GP record
        said += "\n\n" + text("inbox.gp.retract_referral_open", reference=reference)
    return said


def task_rows(case_id: int) -> Rows:
    """The "Done: patient phoned" button of an urgent task."""
    return column((text("inbox.staff.task_done"), TaskDone(case_id)))


def open_rows(cases: list[Case]) -> Rows:
    """An "Open" button per waiting case of a GP's /inbox list."""
    return column(*((text("inbox.gp.open", reference=case.reference), OpenCase(case.id))
                    for case in cases))


def shot_rows(case: Case, mask: int, summary_id: int) -> Rows:
    """Which photos to take again, under the question (`inbox.gp.which_photos`, its own
    message): a tick box per shot, then Back and Next; each names the case's summary
    (`summary_id`), whose buttons go once decided."""
    made = case.submissions
    rows: list[Row] = []
    for bit, slot in enumerate(SHOT_SLOTS):
        label = ("☑ " if mask & (1 << bit) else "☐ ") + text(f"inbox.gp.caption_{slot}")
        rows.append(((label, Decide("photos", case.id, made, mask=mask ^ (1 << bit),
                                    summary_id=summary_id)),))
    rows.append(((text("inbox.gp.back"), Decide("back", case.id, made, mask=mask,
                                                summary_id=summary_id)),
                 (text("inbox.gp.next"), Decide("why", case.id, made, mask=mask,
                                                summary_id=summary_id))))
    return tuple(rows)


def appointment_rows(case: Case, reasons: tuple[str, ...]) -> Rows:
    """Not suitable: urgent (two-week wait), or book an appointment for one of `reasons`."""
    made = case.submissions
    return column(
        (text("inbox.gp.urgent"), Decide("urgent", case.id, made)),
        *((text(f"inbox.gp.reason_{r}"), Decide("appt_go", case.id, made, reason=r))
          for r in reasons),
        (text("inbox.gp.back"), Decide("back", case.id, made)))


def reason_rows(case: Case, mask: int, reasons: tuple[str, ...], summary_id: int) -> Rows:
    """Why new photos are needed: a button per reason (the GP may type their own), then
    Back to the tick boxes, with the photos ticked (`mask`)."""
    return column(*((text(f"inbox.gp.reason_{r}"),
                     Decide("redo", case.id, case.submissions, mask=mask, reason=r,
                            summary_id=summary_id)) for r in reasons),
                  (text("inbox.gp.back"), Decide("photos", case.id, case.submissions,
                                                 mask=mask, summary_id=summary_id)))


def refer_confirm_rows(case: Case, summary_id: int) -> Rows:
    """Refer: "Yes, refer" or "No, go back"."""
    return column(
        (text("inbox.gp.refer_yes"), Decide("refer_go", case.id, case.submissions,
                                            summary_id=summary_id)),
        (text("inbox.gp.refer_no"), Decide("refer_no", case.id, case.submissions)))


def urgent_confirm_rows(case: Case, summary_id: int) -> Rows:
    """Urgent (two-week wait): "Yes, urgent" or "No, go back"."""
    return column(
        (text("inbox.gp.urgent_yes"), Decide("urgent_go", case.id, case.submissions,
                                             summary_id=summary_id)),
        (text("inbox.gp.urgent_no"), Decide("urgent_no", case.id, case.submissions)))


def appointment_confirm_rows(case: Case, reason: str, summary_id: int) -> Rows:
    """Not suitable, for this reason: "Yes, not suitable" or "No, go back"."""
    return column(
        (text("inbox.gp.appointment_yes"), Decide("appt_yes", case.id, case.submissions,
                                                  reason=reason, summary_id=summary_id)),
        (text("inbox.gp.appointment_no"), Decide("appt_no", case.id, case.submissions)))


def sent_rows(case: Case) -> Rows:
    """After referring: "Referral sent on e-RS"."""
    return column((text("inbox.gp.referral_sent"), Decide("sent", case.id, case.submissions)))


def ubrn_skip_rows(case: Case) -> Rows:
    """Asked for the UBRN: skip it, or go back (not sent yet: nothing is recorded)."""
    return column((text("inbox.gp.ubrn_skip"), Decide("sent_go", case.id, case.submissions)),
                  (text("inbox.gp.ubrn_back"), Decide("sent_no", case.id, case.submissions)))


def gp_choice_rows(gps: list[Member]) -> Rows:
    """Staff choose the GP of an invite, or the practice inbox."""
    return column(*((gp.display_name, ChooseGp(gp.id)) for gp in gps),
                  (text("inbox.staff.practice_inbox"), ChooseGp(0)))
