"""Practice staff: invite a patient in seconds, see who has stalled, revoke and resend links."""

from __future__ import annotations

import html
import io
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

import segno
from telegram.helpers import create_deep_linked_url

from bot.channels.nhs_number import split_nhs_number, valid_nhs_number
from bot.content import text
from bot.domain.age import CHILD_UNDER, age_on, consent_by
from bot.domain.dates import parse_date_of_birth, uk_today
from bot.domain.questions import worded
from bot.inbox import progress
from bot.inbox.access import ANY_ROLE, member_of
from bot.inbox.digest import uk_time
from bot.inbox.earlier import earlier_requests
from bot.inbox.reminding import Reminded, remind_now
from bot.services import erasure
from bot.services.attempts import WrongTries
from bot.store import StageConflict, Store
from bot.store.cases import RED_FLAG_STOP
from bot.store.database import utc_now
from bot.store.invites import NhsNumberOnAnotherPatient, invite_problem
from bot.store.models import Case, Invite, Member, Outgoing, Role, Stage
from bot.store.practices import RoleKept

Chase = Literal["remind", "resend"]

log = logging.getLogger("bot.inbox")
MAX_REFERENCE = 40
LIST_TEXT = 4096
"""The most characters of one /invites list: a Telegram message's limit (counted here on the
HTML, which is longer than the text Telegram counts), past which the list is not sent at all."""
ROWS_SHOWN = (20, 10, 5, 2)
"""Rows listed under each /invites group heading but the red flags' (always listed whole:
each is a patient staff must phone): the first of these that keeps the list within
`LIST_TEXT` (a busy practice's list would otherwise be refused by Telegram, its red-flag
"Patient contacted" buttons with it)."""
NHS_NUMBER_ON_ANOTHER_PATIENT = "inbox.staff.invite_nhs_number_other_patient"
"""Why an invite is refused whose NHS number is on another patient's invite (`StaffDesk.refusal`).
"""
NHS_NUMBER = re.compile(r"\d{10}")
"""A bare 10-digit number looks like an NHS number, which must not be used as the reference."""
LETTERS_ONLY = re.compile(r"[A-Za-z'’-]+")
"""A reference of letters only (apostrophes and hyphens allowed): with any small letter
("JaneSmith", "O'Brien", "smith") it looks like a person's name; all capitals ("DEMO") is
taken as a practice code."""
CASE_REFERENCE = re.compile(r"TD[\s-]*([A-Z0-9]{4})[\s-]*([A-Z0-9]{4})")
"""A case reference as staff may type it from the phone: "TD-7K3M-Q9XA", "td 7k3m q9xa"."""
HIDDEN_REFERENCES = ("(erased)", "(expired)")
"""Practice references forgotten (`scrub_erased_references`, `scrub_unused`): their /invites
rows name no case reference either."""


def looks_like_name(reference: str) -> bool:
    """True if a practice reference looks like a person's name: letters only and not all
    capitals (`LETTERS_ONLY`). A name shown as the reference would reach chats, emails and
    PDFs (docs/dpia.md R12), where the practice's own code should be."""
    return bool(LETTERS_ONLY.fullmatch(reference)) and reference != reference.upper()


def unfit_reference(reference: str) -> bool:
    """True if this cannot be a practice reference: empty, over MAX_REFERENCE characters, more
    than one word, a bare NHS-number-shaped number, or a name (`looks_like_name`). What
    `python -m bot invite create --patient-ref` refuses; `/invite` says which (see
    `read_invite_request`)."""
    words = reference.split()
    return (len(words) != 1 or len(reference) > MAX_REFERENCE
            or bool(NHS_NUMBER.fullmatch(reference.replace("-", "")))
            or looks_like_name(reference))


def _words_before_date(rest: str, today: date) -> bool:
    """True if `rest` (what follows the reference's first word) is more words and then a date
    of birth: the reference had spaces in it, as a name does ("P100 Jane 03/02/1980")."""
    words = rest.split()
    return any(parse_date_of_birth(" ".join(words[k:]), today) is not None
               for k in range(1, len(words)))


@dataclass(frozen=True, slots=True)
class InviteRequest:
    """A patient reference and date of birth, as staff typed them."""

    patient_ref: str
    date_of_birth: date
    nhs_number: str | None = None
    """Ten digits, check digit verified; only where the practice delivers by MESH."""


@dataclass(frozen=True, slots=True)
class InviteMade:
    """A new invite: the words for staff, the link, the SMS text and the QR code."""

    invite: Invite
    link: str
    summary: str
    sms: str
    qr_png: bytes


@dataclass(frozen=True, slots=True)
class InviteLine:
    """One row of /invites, with whether it can still be revoked or resent."""

    invite: Invite
    group: str
    can_change: bool
    state: str = ""
    """The step an open request has reached, or how one that is over ended (`bot.inbox.progress`);
    "" where the group says it all (not opened, locked, waiting for a GP...)."""
    when: str = ""
    """When its link was sent and, for a link not yet opened, when it expires (UK dates,
    `inbox.staff.link_sent`, `inbox.staff.link_sent_expires`), then notes: the case
    reference the patient quotes on the phone (`inbox.staff.case_reference_note`), a new link
    sent, a reminder, a link left unopened."""
    renewable: bool = False
    """Locked after wrong dates of birth, not yet renewed and its case not erased since (the
    date of birth went with it): gets a "New link" button."""
    to_contact: bool = False
    """A red flag answered yes (`red_flag`) and nobody has recorded contacting the patient
    yet: listed first, under the red-flag group, with a "Patient contacted" button; not while
    its urgent task is open, whose Done records the one call (`Inbox.task_done`)."""
    red_flag: bool = False
    """A red flag was answered yes at some point (stopped for red flags, a "yes" waiting,
    withdrawn or tapped after sending, even if the request was then cancelled or deleted):
    the row is marked 🔴 wherever it is listed (`inbox.staff.red_flag_line`)."""
    case_id: int | None = None
    """The request opened from the invite, if any."""
    chase_since: str = ""
    """Since when it waits to be chased (ISO, UTC): a stalled request's last progress, or
    when an unopened link was sent (`bot.inbox.chasing` names it once per these)."""
    chase: Chase | None = None
    """How staff chase this row's patient (`bot.inbox.chasing`): "remind", a request started
    and stalled, never one with a red flag (`red_flag`: that patient is phoned); "resend",
    a link not opened `stalled_after_days` after it was sent (a new link, as "New link")."""


def case_reference(typed: str) -> str | None:
    """The case reference staff typed (any case, spaces or hyphens, "td 7k3m q9xa"), as the
    bot writes it ("TD-7K3M-Q9XA"); None if it is not one."""
    found = CASE_REFERENCE.fullmatch(typed.strip().upper())
    return f"TD-{found[1]}-{found[2]}" if found else None


def stoppable(case: Case) -> bool:
    """True for a case practice staff may stop: opened and not yet decided or ended."""
    return case.stage.is_open or case.stage is Stage.SUBMITTED


def read_invite_request(typed: str, today: date | None = None, *,
                        wants_nhs_number: bool = False) -> InviteRequest | str:
    """Read `REF DD/MM/YYYY` (and, where the practice delivers by MESH, `REF DD/MM/YYYY
    NHSNUMBER`); return the request or the content key of what is wrong. A reference that
    looks like a name (`looks_like_name`, or words with spaces between them before the date)
    is refused with `inbox.staff.invite_reference_is_name` (`channels.staff.
    invite_reference_is_name_nhs_number` where the NHS number is wanted, whose example
    shows it: every hint shows the whole form). An NHS number is
    checked with its modulus-11 check digit (`bot.channels.nhs_number`) and refused where the
    practice does not use MESH, so it is never stored without need; where it is needed, words
    that cannot be read are answered with the example of all three (`invite_ask_key`)."""
    nhs_number: str | None = None
    if wants_nhs_number:
        typed, given = split_nhs_number(typed)
        if given is None:
            return "channels.staff.invite_needs_nhs_number"
        nhs_number = valid_nhs_number(given)
        if nhs_number is None:
            return "channels.staff.invite_bad_nhs_number"
    elif split_nhs_number(typed)[1] is not None and len(typed.split()) > 2:
        return "channels.staff.invite_no_nhs_number"
    unreadable = ("channels.staff.invite_bad_with_nhs_number" if wants_nhs_number else
                  "inbox.staff.invite_bad")
    parts = typed.strip().split(maxsplit=1)
    if len(parts) != 2 or not 0 < len(parts[0]) <= MAX_REFERENCE:
        return unreadable
    if NHS_NUMBER.fullmatch(parts[0].replace("-", "")):
        return ("channels.staff.invite_reference_is_nhs_number" if wants_nhs_number else
                "inbox.staff.invite_nhs_number")
    today = today or uk_today()
    a_name = ("channels.staff.invite_reference_is_name_nhs_number" if wants_nhs_number else
              "inbox.staff.invite_reference_is_name")
    if looks_like_name(parts[0]):
        return a_name
    born = parse_date_of_birth(parts[1], today)
    if born is None and _words_before_date(parts[1], today):
        return a_name
    if born is None:
        written = parse_date_of_birth(parts[1], today.replace(year=today.year + 100, day=1))
        return "inbox.staff.invite_future" if written and written > today else unreadable
    return InviteRequest(parts[0], born, nhs_number)


def invite_ask_key(*, wants_nhs_number: bool) -> str:
    """The content key of /invite's first question: the reference and date of birth, and the
    NHS number too where the practice delivers by MESH, so staff type everything at once."""
    return ("channels.staff.invite_ask_nhs_number" if wants_nhs_number else
            "inbox.staff.invite_ask")


def qr_png(link: str) -> bytes:
    """The link as a QR code picture."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


class StaffDesk:
    """What practice staff do in the bot; every call checks the caller's membership."""

    def __init__(self, store: Store, *, bot_username: str, invite_valid_days: int,
                 stalled_after_days: int, wrong_tries: WrongTries | None = None) -> None:
        self._store = store
        self._wrong_tries = wrong_tries or WrongTries(store)
        self._username = bot_username
        self._valid_days = invite_valid_days
        self._stalled_days = stalled_after_days

    async def member(self, telegram_user_id: int, roles: tuple[Role, ...] = ("staff", "gp",
                                                                             "admin")
                     ) -> Member | None:
        """The user's practice membership, if any."""
        return await member_of(self._store, telegram_user_id, roles=roles)

    async def memberships(self, telegram_user_id: int,
                          roles: tuple[Role, ...] = ANY_ROLE) -> list[Member]:
        """Each practice membership of the user with one of these roles, in the order joined:
        a member of two practices acts on each one's invites and requests (hazard log H30)."""
        return [m for m in await self._store.practices.memberships(telegram_user_id)
                if m.role in roles]

    async def member_for_invite(self, telegram_user_id: int,
                                invite_id: int) -> tuple[Member, Invite] | None:
        """The invite and the user's membership of its practice (whichever of their practices
        that is); None, audited, if the user is not a member of the invite's practice."""
        invite = await self._store.invites.get(invite_id)
        member = await member_of(self._store, telegram_user_id,
                                 invite.practice_id) if invite else None
        if invite is None or member is None:
            known = await member_of(self._store, telegram_user_id)
            await self._store.audit.record(
                "access.refused", actor=f"member:{known.id}" if known else "stranger",
                detail={"invite_id": invite_id})
            return None
        return member, invite

    async def help_text(self, telegram_user_id: int) -> str | None:
        """The /help of a practice member: the commands of each role they hold (`gp`,
        `staff`, `admin`; `inbox.staff.help_<role>`), GP first, one after another, their
        /invite line with the whole form typed (the NHS number too where every practice of
        theirs sends cases by MESH: `channels.staff.invite_form_nhs_number`), and, if
        any of their practices sends cases by MESH, that /invite there needs the NHS number
        (`inbox.staff.help_nhs_number`); HTML, names escaped; None for someone who is not a
        member."""
        memberships = await self._store.practices.memberships(telegram_user_id)
        held = {m.role for m in memberships}
        practices = [p for m in memberships
                     if (p := await self._store.practices.get(m.practice_id)) is not None]
        by_mesh = sorted({html.escape(p.name) for p in practices if "mesh" in p.channels})
        every = bool(practices) and all("mesh" in p.channels for p in practices)
        form = text("channels.staff.invite_form_nhs_number" if every else
                    "inbox.staff.invite_form")
        parts = [text(f"inbox.staff.help_{role}", invite_form=form)
                 for role in ("gp", "admin", "staff") if role in held]
        if parts and by_mesh:
            parts.append(text("inbox.staff.help_nhs_number", practices=" and ".join(by_mesh)))
        return "\n\n".join(parts) if parts else None

    async def gps(self, member: Member) -> list[Member]:
        """The GPs of the member's practice, to choose an inbox from."""
        return [m for m in await self._store.practices.members(member.practice_id)
                if m.role == "gp"]

    async def wants_nhs_number(self, member: Member) -> bool:
        """Whether invites of this member's practice need the patient's NHS number (the
        practice delivers by MESH)."""
        practice = await self._store.practices.get(member.practice_id)
        return practice is not None and "mesh" in practice.channels

    def link(self, token: str) -> str:
        """The deep link that opens the bot with this invite (`https://t.me/<bot>?start=TOKEN`).

        ValueError if the token is not a valid start payload (1-64 of A-Z a-z 0-9 _ -)."""
        return create_deep_linked_url(self._username, token)

    async def refusal(self, member: Member, request: InviteRequest) -> str | None:
        """The content key of why this invite cannot be made, asked before the GP is chosen:
        `inbox.staff.invite_nhs_number_other_patient` if its NHS number is on an invite of
        the practice with another date of birth (`InviteRepository.create`); else None."""
        if request.nhs_number is not None and (
                await self._store.invites.nhs_number_on_another_patient(
                    member.practice_id, request.nhs_number,
                    request.date_of_birth.isoformat())):
            log.info("invite refused: NHS number on another patient's invite",
                     extra={"practice_id": member.practice_id, "member_id": member.id})
            return NHS_NUMBER_ON_ANOTHER_PATIENT
        return None

    async def create_invite(self, member: Member, request: InviteRequest,
                            gp_member_id: int | None) -> InviteMade | str:
        """Create a single-use invite and everything needed to send it to the patient; or,
        making nothing, the content key of why not (`refusal`: an NHS number already on
        another patient's invite of the practice, with a different date of birth; hazard log
        H25). The other invite's patient is never named."""
        if gp_member_id is not None:
            gp = await self._store.practices.member(gp_member_id)
            if gp is None or gp.practice_id != member.practice_id:
                gp_member_id = None
        try:
            invite, token = await self._store.invites.create(
                member.practice_id, request.patient_ref, request.date_of_birth.isoformat(),
                valid_days=self._valid_days, gp_member_id=gp_member_id, created_by=member.id,
                nhs_number=request.nhs_number)
        except NhsNumberOnAnotherPatient:
            log.info("invite refused: NHS number on another patient's invite",
                     extra={"practice_id": member.practice_id, "member_id": member.id})
            return NHS_NUMBER_ON_ANOTHER_PATIENT
        return await self._made(member, invite, token)

    async def _made(self, member: Member, invite: Invite, token: str) -> InviteMade:
        practice = await self._store.practices.get(member.practice_id)
        assert practice is not None
        link = self.link(token)
        expires = datetime.fromisoformat(invite.expires_at).strftime("%-d %B %Y")
        years = age_on(date.fromisoformat(invite.date_of_birth), uk_today())
        age = f"{years} years" + (f", {text('inbox.staff.child_note')}"
                                  if years < CHILD_UNDER else "")
        gp = await self._store.practices.member(invite.gp_member_id) if (
            invite.gp_member_id) else None
        inbox = gp.display_name if gp else text("inbox.staff.practice_inbox")
        summary = text("inbox.staff.invite_made", patient_ref=html.escape(invite.patient_ref),
                       age=age, inbox=html.escape(inbox), expires=expires, link=link)
        warnings = [text(f"inbox.staff.invite_earlier_{found.what}", reference=found.reference,
                         date=uk_time(found.at, with_time=False))
                    for found in await earlier_requests(self._store, invite)]
        warnings += [text("inbox.staff.invite_open_already", sent=uk_time(other.created_at),
                          patient_ref=html.escape(invite.patient_ref))
                     for other in await self._unopened_twins(invite)]
        summary = "\n\n".join([*warnings, summary])  # a red flag or urgent request first
        born = date.fromisoformat(invite.date_of_birth)
        key = "sms_parent" if consent_by(born, uk_today()) == "parent" else "sms"
        sms = text(f"inbox.staff.{key}", practice=practice.name, link=link, expires=expires,
                   phone=practice.phone)
        return InviteMade(invite, link, summary, sms, qr_png(link))

    async def _unopened_twins(self, invite: Invite) -> list[Invite]:
        """The practice's other links for the same patient (reference and date of birth) that
        still work and have not been opened: a second /invite for one patient leaves two
        working links, which staff may not have meant (the new one replacing the old)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        return [other for other in await self._store.invites.for_practice(invite.practice_id)
                if other.id != invite.id and other.patient_ref == invite.patient_ref
                and other.date_of_birth == invite.date_of_birth and other.opened_at is None
                and other.used_at is None and other.revoked_at is None
                and other.locked_at is None and other.expires_at > now]

    async def lines(self, member: Member, now: datetime | None = None) -> list[InviteLine]:
        """Every invite of the member's practice with the state of its case (`lines_at`)."""
        return await self.lines_at(member.practice_id, now)

    async def lines_at(self, practice_id: int, now: datetime | None = None
                       ) -> list[InviteLine]:
        """Every invite of the practice with the state of its case, grouped for /invites.

        A request with a red flag answered yes at any point (stopped for red flags, a "yes"
        waiting or said to be a mistake, a "yes" after sending; `case.red_flag_yes`,
        `case.red_flag_withdrawn`, `case.red_flag_after`, kept after /cancel and /delete) is
        marked (`InviteLine.red_flag`) and says so after its step or ending
        (`progress.red_flag_words`); until someone records contacting the patient it is in
        the group "red_flag", listed first, saying where it stands, with a "Patient
        contacted" button; then it goes back to its own group, still marked, with who
        contacted them and when. A case whose latest version the practice's clinical system
        confirmed it filed in the patient's record (MESH: `case.record_filed`) says so after
        its state (`inbox.staff.filed_note`)."""
        moment = now or datetime.now(UTC)
        stalled_before = moment - timedelta(days=self._stalled_days)
        stops = await self._store.audit.stop_reasons(practice_id)
        resent = await self._store.audit.links_sent(practice_id)
        contacted = await self._store.audit.contacted(practice_id)
        names = {m.id: m.display_name
                 for m in await self._store.practices.members(practice_id)}
        red_flags = await self._store.audit.red_flag_answers(practice_id)
        erased_from = await self._store.audit.erased_from(practice_id)
        reminders = await self._store.audit.reminders(practice_id)
        resends = await self._store.audit.links_resent(practice_id)
        filed = await self._store.audit.filed_in_record(practice_id)
        found = []
        for invite in await self._store.invites.for_practice(practice_id):
            case = await self._store.cases.for_invite(invite.id)
            group = self._group(invite, case, moment, stalled_before)
            state = self._state(group, invite, case, stops, moment)
            if not state and case is not None and group == "erased":
                state = progress.erased_waiting_words(case, erased_from.get(case.id, ""))
            parent = case is not None and case.consent_by == "parent"
            if case is not None and group == "urgent" and case.stage is Stage.ERASED:
                state = worded("inbox.staff.now.erased", parent=parent)  # said once, here
            stop = stops.get(case.id) if case is not None else None
            flagged = case is not None and (stop == RED_FLAG_STOP
                                            or case.id in red_flags)
            reached = contacted.get(case.id) if case is not None else None
            # an open urgent task's Done records the call, red-flag contact included
            to_contact = flagged and reached is None and group != "urgent"
            if case is not None and flagged:
                if to_contact:  # first, until someone has checked they got help
                    if group in progress.WHERE_NOW:
                        where = worded(f"inbox.staff.now.{group}", parent=parent)
                        if group == "erased":  # how it ended or its decision, then erased
                            state = f"{state}; {where}" if state else where
                        elif not state:
                            state = where
                    group = "red_flag"
                said = progress.red_flag_words(red_flags.get(case.id, ()), stop)
                if flagged and reached is None and not to_contact:
                    said = "; ".join(p for p in (said, text("inbox.staff.red_flag_urgent")) if p)
                state = "; ".join(part for part in (state, said) if part)
            if case is not None and case.stage is not Stage.ERASED and (
                    filed.get(case.id, 0) >= max(case.submissions, 1)):
                # its latest version confirmed filed by the clinical system (MESH)
                state = "; ".join(p for p in (state, text("inbox.staff.filed_note")) if p)
            if flagged and reached is not None:
                at, actor = reached
                who = names.get(int(actor.partition(":")[2] or 0), text("inbox.staff.someone"))
                state += text("inbox.staff.contacted_note", when=uk_time(at), name=who)
            link_at = resent.get(invite.id, invite.created_at)
            sent = uk_time(link_at, with_time=False)
            when = text("inbox.staff.link_sent_expires", sent=sent,
                        expires=uk_time(invite.expires_at, with_time=False)) if (
                group == "not_opened") else text("inbox.staff.link_sent", sent=sent)
            chase: Chase | None = None
            notes = []
            if (case is not None and case.erased_at is None
                    and invite.patient_ref not in HIDDEN_REFERENCES):
                # the reference the patient was told to quote on the phone (an erased case
                # has nothing left to find by it: it keeps one name, the practice's)
                notes.append(text("inbox.staff.case_reference_note", reference=case.reference))
            if group == "not_opened" and invite.id in resends:
                who = self.who(resends[invite.id][1], names)
                notes.append(text("inbox.staff.resent_note", name=who))
            since = link_at
            if group == "not_opened" and datetime.fromisoformat(link_at) < stalled_before:
                chase = "resend"
                notes.append(text("inbox.staff.unopened_note", days=self._stalled_days,
                                  patient_ref=invite.patient_ref))
            if case is not None and group in ("in_progress", "stalled") and (
                    case.id in reminders):
                at, actor = reminders[case.id]
                notes.append(text("inbox.staff.reminded_note", when=uk_time(at),
                                  name=self.who(actor, names)))
            if case is not None and group == "stalled" and not flagged:
                chase, since = "remind", case.updated_at
            elif case is not None and group == "in_progress" and not flagged:
                stalls = (datetime.fromisoformat(case.updated_at)
                          + timedelta(days=self._stalled_days))
                notes.append(text("inbox.staff.remind_from_note",
                                  when=uk_time(stalls.isoformat(), with_time=False)))
            when = "; ".join([when, *notes])
            found.append(InviteLine(
                invite, group, case is None and invite_problem(invite, moment) is None,
                state, when, renewable=group == "locked",
                to_contact=to_contact, red_flag=flagged,
                case_id=case.id if case is not None else None,
                chase_since=since if chase else "", chase=chase))
        return found

    async def actor_name(self, member: Member, actor: str) -> str:
        """Who an audit actor of the member's practice is, as staff read it (`who`)."""
        names = {m.id: m.display_name
                 for m in await self._store.practices.members(member.practice_id)}
        return self.who(actor, names)

    @staticmethod
    def who(actor: str, names: dict[int, str]) -> str:
        """Who an audit actor is, as staff read it: the bot, or a member's name."""
        if actor == "bot":
            return text("inbox.staff.the_bot")
        kind, _, number = actor.partition(":")
        if kind != "member" or not number.isdigit():
            return text("inbox.staff.someone")
        return names.get(int(number), text("inbox.staff.someone"))

    @staticmethod
    def _state(group: str, invite: Invite, case: Case | None, stops: dict[int, str],
               now: datetime) -> str:
        """The words after a row's reference: the step reached (in progress, stalled), what
        the GP decided, or how the request ended."""
        if case is not None and group in ("in_progress", "stalled"):
            return progress.step_words(case)
        if case is not None and group == "decided":
            return progress.decision_words(case)
        if group == "closed" or (group == "erased" and invite.locked_at):
            return progress.ending_words(invite, case, stops.get(case.id) if case else None,
                                         now)
        if case is not None and group == "erased" and case.decision:
            return progress.erased_decision_words(case)
        return ""

    @staticmethod
    def _group(invite: Invite, case: Case | None, now: datetime,
               stalled_before: datetime) -> str:
        if invite.locked_at and (invite.revoked_at or invite.date_of_birth):
            return "closed" if invite.revoked_at else "locked"  # renewed: a new link went
        # a locked link whose case was erased since has no date of birth to renew with: it
        # is grouped as any erased case, and says it was locked (`progress.ending_words`)
        if case is None:
            if invite_problem(invite, now) is not None:
                return "closed"
            # opened while its patient had another request open: nothing started from it yet
            return "opened" if invite.opened_at else "not_opened"
        if case.decision == "urgent" and not case.task_done_at and (
                case.stage is Stage.DECIDED
                or (case.stage is Stage.ERASED and case.erased_by == "patient")):
            return "urgent"  # the task outlives the patient's erasure (not retention's)
        if case.stage is Stage.ERASED and case.erased_by == "patient":
            return "erased"
        if case.stage is Stage.SUBMITTED:
            return "submitted"
        if case.stage is Stage.DECIDED and case.decision == "referred" and (
                not case.referral_sent_at):
            return "referred"
        if case.stage is Stage.DECIDED or case.decision:
            return "decided"
        if not case.stage.is_open:
            return "closed"
        if datetime.fromisoformat(case.updated_at) < stalled_before:
            return "stalled"
        return "in_progress"

    async def overview(self, member: Member) -> tuple[str, list[InviteLine]]:
        """The /invites text, grouped by state, and the invites that get buttons (resend or
        cancel, renew a locked link, record a red-flag contact, remind a stalled request's
        patient: `InviteLine`), the rows to chase first after the red flags. Under
        each row, when its link was sent (and, not yet opened, when it expires).

        Requests with a red flag answered yes whose patient nobody has yet recorded
        contacting come first (`lines`), marked 🔴, and their "Patient contacted" buttons
        first too; then urgent cases (a GP's two-week-wait outcome whose task to phone the
        patient is not yet done); referrals not yet marked sent on e-RS have their own group.
        A row in progress or stalled names the step reached, a decided one the decision, and
        an ended one how it ended (`InviteLine.state`): never more than the reference and
        those words. A busy practice's list shows fewer rows a group (`ROWS_SHOWN`), so that
        it fits in one message (`LIST_TEXT`).
        """
        practice = await self._store.practices.get(member.practice_id)
        assert practice is not None
        lines = await self.lines(member)
        if not lines:
            return text("inbox.staff.none"), []
        title = text("inbox.staff.invites_title", practice=html.escape(practice.name))
        for shown in ROWS_SHOWN:  # fewer rows a group until the list fits in one message
            words = "\n".join([title, *self._grouped(lines, shown)])
            if len(words) <= LIST_TEXT:
                break
        acting = [line for line in lines
                  if line.can_change or line.renewable or line.to_contact or line.chase]
        # red flags first, then the rows to chase (a stalled request, a link left unopened)
        return words, sorted(acting, key=lambda line: (not line.to_contact, not line.chase))

    def _grouped(self, lines: list[InviteLine], shown: int) -> list[str]:
        """The /invites rows (HTML lines) under their group headings, red flags first and
        all of them, at most `shown` rows in every other group (each heading says how many
        the group has)."""
        parts = []
        for group in ("red_flag", "urgent", "not_opened", "opened", "in_progress", "stalled",
                      "locked", "submitted", "referred", "decided", "erased", "closed"):
            members = [line for line in lines if line.group == group]
            if not members:
                continue
            parts.append("\n<b>" + text(f"inbox.staff.group_{group}",
                                        days=self._stalled_days) + f"</b> ({len(members)})")
            for line in (members if group == "red_flag" else members[:shown]):
                named = html.escape(line.invite.patient_ref)
                key = "inbox.staff.red_flag_line" if line.red_flag else "inbox.staff.invite_line"
                parts.append(text(key, patient_ref=named, state=html.escape(line.state))
                             if line.state else f"• {named}")
                if line.when:
                    parts.append(f"   {html.escape(line.when)}")
        return parts

    async def invite_of(self, member: Member, invite_id: int) -> Invite | None:
        """The invite, if it belongs to the member's practice."""
        invite = await self._store.invites.get(invite_id)
        if invite is None or invite.practice_id != member.practice_id:
            await self._store.audit.record("access.refused", actor=f"member:{member.id}",
                                           detail={"invite_id": invite_id})
            return None
        return invite

    async def invite_state(self, invite_id: int) -> str:
        """The invite's state fingerprint, for the buttons that change it (see `still`)."""
        return await self._store.invites.state(invite_id) or "-"

    async def still(self, invite: Invite, state: str | None) -> bool:
        """True if the invite is still in the state a button was made for."""
        return state is not None and state == await self._store.invites.state(invite.id)

    async def revoke(self, member: Member, invite_id: int) -> Invite | None:
        """Cancel an unused invite link of the member's practice; None if it was not
        cancelled now (another practice's, already opened, or already cancelled)."""
        invite = await self.invite_of(member, invite_id)
        if invite is None:
            return None
        done = await self._store.invites.revoke(invite.id, actor=f"member:{member.id}")
        return invite if done else None

    async def active_case(self, member: Member, patient_ref: str) -> tuple[Invite, Case] | None:
        """The newest case opened from one of the practice's links with this reference that a
        GP has not decided yet (in progress, or waiting for a GP), with its invite. The case
        reference (TD-..., which the patient quotes on the phone) is taken too."""
        wanted = case_reference(patient_ref)
        for invite in await self._store.invites.for_practice(member.practice_id):
            if (invite.patient_ref != patient_ref and wanted is None) or not invite.used_at:
                continue
            case = await self._store.cases.for_invite(invite.id)
            if case is not None and invite.patient_ref != patient_ref and (
                    case.reference != wanted):
                continue
            if case is not None and stoppable(case):
                return invite, case
        return None

    async def stop_case(self, member: Member, invite_id: int) -> Case | None:
        """Stop the case opened from this invite (it reached the wrong person, say): the
        holder is told kindly, anything queued for a GP is cancelled, what a GP chat received
        is taken back, and the holder's photos and answers are deleted from the database and
        the disk (the write-ahead log truncated); audited as `case.stopped_by_practice`. None
        if there is no case to stop (not opened, already decided or ended, or another
        practice's)."""
        invite = await self.invite_of(member, invite_id)
        case = await self._store.cases.for_invite(invite.id) if invite else None
        if case is None or not stoppable(case):
            return None
        practice = await self._store.practices.get(case.practice_id)
        assert practice is not None
        tell = Outgoing(case.patient_chat_id, "patient.text", {"text": text(
            "inbox.patient.stopped_by_practice", practice=practice.name, phone=practice.phone)},
            f"case:{case.id}:stopped-by-practice")
        try:
            stopped = await self._store.cases.stop_by_practice(
                case, actor=f"member:{member.id}", tell=tell)
        except StageConflict:
            return None
        await erasure.finish(self._store, case.id)
        await erasure.checkpoint(self._store)
        return stopped

    async def revoke_reference(self, member: Member, patient_ref: str) -> Invite | None:
        """Cancel the open invite with this patient reference, if there is one."""
        invite = await self.open_invite(member, patient_ref)
        return await self.revoke(member, invite.id) if invite is not None else None

    async def open_invite(self, member: Member, patient_ref: str) -> Invite | None:
        """The member's practice's open (not yet opened, cancelled or expired) invite with
        this patient reference, if there is one; nothing is changed."""
        for invite in await self._store.invites.for_practice(member.practice_id):
            if invite.patient_ref == patient_ref and invite_problem(invite) is None:
                return invite
        return None

    async def resend(self, member: Member, invite_id: int) -> InviteMade | None:
        """A fresh link for an unused invite (the old link stops working)."""
        invite = await self.invite_of(member, invite_id)
        if invite is None:
            return None
        token = await self._store.invites.reissue(invite.id, valid_days=self._valid_days,
                                                  actor=f"member:{member.id}")
        if token is None:
            return None
        fresh = await self._store.invites.get(invite.id)
        assert fresh is not None
        return await self._made(member, fresh, token)

    async def renew(self, member: Member, invite_id: int) -> InviteMade | str:
        """A new link for a patient whose invite locked after three wrong dates of birth: a
        new invite with the same reference, date of birth, NHS number and GP, valid for the
        usual days; the locked one is closed, in the same transaction. Otherwise nothing
        is changed and the content key of why is returned: `inbox.staff.renew_erased` if
        the locked link's case was erased since (its date of birth went with it, so staff
        must use /invite), `inbox.staff.renew_nhs_number_other_patient` if its NHS number is
        now on another patient's invite of the practice (hazard log H25), else
        `inbox.staff.renew_none` (not a locked invite of the member's practice, or already
        renewed)."""
        invite = await self.invite_of(member, invite_id)
        if invite is None:
            return "inbox.staff.renew_none"
        try:
            renewed = await self._store.invites.renew_locked(
                invite.id, valid_days=self._valid_days, actor=f"member:{member.id}")
        except NhsNumberOnAnotherPatient:
            log.info("new link refused: NHS number on another patient's invite",
                     extra={"practice_id": member.practice_id, "member_id": member.id})
            return "inbox.staff.renew_nhs_number_other_patient"
        if renewed is None:
            fresh = await self._store.invites.get(invite.id)
            erased = fresh is not None and not fresh.revoked_at and not fresh.date_of_birth
            return "inbox.staff.renew_erased" if erased else "inbox.staff.renew_none"
        return await self._made(member, *renewed)

    async def remind(self, member: Member, invite_id: int,
                     now: datetime | None = None) -> Reminded | None:
        """"Send reminder" on a stalled row of /invites: send the patient the kind reminder with
        its button to carry on, at most once a UK day (`bot.inbox.reminding.remind_now`). None,
        sending nothing, if the request is not one to remind now (the patient carried on, it
        was sent or ended, or it has a red-flag answer: `InviteLine.chase`) or is not the
        member's practice's."""
        invite = await self.invite_of(member, invite_id)
        if invite is None:
            return None
        line = next((line for line in await self.lines(member, now)
                     if line.invite.id == invite.id), None)
        case = await self._store.cases.for_invite(invite.id)
        if line is None or line.chase != "remind" or case is None:
            return None
        return await remind_now(self._store, case, actor=f"member:{member.id}", now=now)

    async def record_contacted(self, member: Member, invite_id: int) -> Case | None:
        """Record that the member contacted the patient of a request with a red flag answered
        yes: stopped for red flags, or a "yes" confirmed or not, said to be a mistake or
        tapped after sending (each time the patient was told to call 999 or NHS 111, and the
        staff alert asked staff to check they got help, `inbox.staff.stopped`). Returns the
        case; None if it is not such a case of the member's practice, or it was already
        recorded."""
        invite = await self.invite_of(member, invite_id)
        case = await self._store.cases.for_invite(invite.id) if invite else None
        if case is None:
            return None
        stops = await self._store.audit.stop_reasons(member.practice_id)
        if stops.get(case.id) != RED_FLAG_STOP and (
                case.id not in await self._store.audit.red_flag_answers(member.practice_id)):
            return None
        done = await self._store.audit.record_contacted(case.id, case.practice_id,
                                                        actor=f"member:{member.id}")
        return case if done else None

    async def join_code(self, admin: Member, role: Role, name: str) -> str:
        """A one-time code that makes whoever sends it a member of the admin's practice."""
        return await self._store.practices.create_join_code(admin.practice_id, role, name,
                                                            created_by=admin.id)

    async def join(self, telegram_user_id: int, code: str,
                   who: str) -> Member | RoleKept | int | None:
        """Use a join code: the new membership; None if the code is wrong (counted and
        audited, `bot.services.attempts`); or, after too many wrong codes, the minutes to
        wait before trying again (the code is then not checked). Someone already a member of
        the code's practice keeps their role (`RoleKept`: a receptionist sending a GP's code
        does not become a GP), the code is used up, and the admins are told as below
        (`inbox.staff.member_join_refused`).

        A code works for whoever sends it, so one forwarded or sent to the wrong chat makes a
        stranger a member who gets patients' requests: once it is used, each admin of the
        practice (but the one joining) is told at once who used it, `who` (the account's
        Telegram name and @username) and its Telegram user id, to have them removed if that
        is not the person the code was for (`inbox.staff.member_joined`, queued as a
        `staff.alert`; hazard log H07)."""
        if minutes := await self._wrong_tries.wait_minutes(telegram_user_id, "join_code"):
            return minutes
        joined = await self._store.practices.join(code, telegram_user_id)
        if joined is None:
            await self._wrong_tries.wrong(telegram_user_id, "join_code")
            return None
        member = joined.member if isinstance(joined, RoleKept) else joined
        practice = await self._store.practices.get(member.practice_id)
        assert practice is not None
        if isinstance(joined, RoleKept):
            words = text("inbox.staff.member_join_refused", name=joined.code_name,
                         code_role=joined.code_role, who=who, role=member.role,
                         practice=practice.name, user_id=telegram_user_id)
        else:
            words = text("inbox.staff.member_joined", name=member.display_name,
                         role=member.role, who=who, practice=practice.name,
                         user_id=telegram_user_id)
        admins = [m.telegram_user_id for m in await self._store.practices.members(practice.id)
                  if m.role == "admin" and m.telegram_user_id != telegram_user_id]
        await self._store.outbox.add(None, [
            Outgoing(chat, "staff.alert", {"text": words, "practice_id": practice.id},
                     f"joined:{member.id}:{utc_now()}:{chat}") for chat in admins])
        log.info("join code used", extra={"member_id": member.id, "admins_told": len(admins),
                                          "role_kept": isinstance(joined, RoleKept)})
        return joined
