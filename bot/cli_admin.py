"""Command-line set-up for a practice: add it, add its members, and create an invite link;
and the operator's verbs: purge, unreached, and a copy of a patient's data (`case export`)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from telegram.helpers import create_deep_linked_url

from bot.channels.nhs_number import valid_nhs_number
from bot.config import MissingTokenError, Settings
from bot.content import text
from bot.domain.age import CHILD_UNDER, age_on
from bot.handlers.can_post import inbox_refusal
from bot.inbox.moved import inbox_group_set
from bot.inbox.routing import resend_waiting
from bot.inbox.staff import unfit_reference
from bot.services.retention import purge
from bot.services.subject_access import (
    NothingToExport,
    OnlyOthers,
    WrongDateOfBirth,
    export_cases,
)
from bot.store import Store, open_store
from bot.store.invites import NhsNumberOnAnotherPatient
from bot.store.models import Practice
from bot.store.practices import DeliveryChannels


def add_arguments(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `practice`, `member`, `invite`, `case`, `purge` and `unreached` verbs."""
    practice = verbs.add_parser("practice", help="manage practices").add_subparsers(
        dest="action", required=True)
    add = practice.add_parser("add", help="register a GP practice")
    add.add_argument("--name", required=True)
    add.add_argument("--phone", required=True, help="the number patients should call")
    add.add_argument("--inbox-chat-id", type=int, default=None)
    _channel_arguments(add)
    inbox = practice.add_parser("inbox", help="send a practice's cases to another Telegram "
                                              "inbox group, or to its GPs' own chats")
    inbox.add_argument("--practice", type=int, required=True, help="practice id")
    where = inbox.add_mutually_exclusive_group(required=True)
    where.add_argument("--inbox-chat-id", type=int, help="the new group's id (negative)")
    where.add_argument("--gps", action="store_true",
                       help="no inbox group: each case goes to its GPs' own chats")
    update = practice.add_parser("update", help="change where a practice's cases go")
    update.add_argument("--practice", type=int, required=True, help="practice id")
    _channel_arguments(update)

    member = verbs.add_parser("member", help="manage practice members").add_subparsers(
        dest="action", required=True)
    madd = member.add_parser("add", help="add a member of staff or a GP to a practice")
    madd.add_argument("--practice", type=int, required=True, help="practice id")
    madd.add_argument("--telegram-user-id", type=int, required=True)
    madd.add_argument("--role", choices=["staff", "gp", "admin"], required=True)
    madd.add_argument("--name", required=True)

    mremove = member.add_parser("remove", help="take a member out of a practice (they left)")
    mremove.add_argument("--practice", type=int, required=True, help="practice id")
    mremove.add_argument("--telegram-user-id", type=int, required=True)

    invite = verbs.add_parser("invite", help="manage invites").add_subparsers(
        dest="action", required=True)
    create = invite.add_parser("create", help="create a single-use invite link for a patient")
    create.add_argument("--practice", type=int, required=True, help="practice id")
    create.add_argument("--patient-ref", required=True, help="the practice's own reference")
    create.add_argument("--dob", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    create.add_argument("--bot-username", required=True, help="the bot's @username, for the link")
    create.add_argument("--nhs-number", default=None,
                        help="the patient's NHS number (only where the practice uses MESH)")

    case = verbs.add_parser("case", help="a patient's cases").add_subparsers(
        dest="action", required=True)
    export = case.add_parser("export", help="write a zip of everything held about a patient's "
                                            "cases, for a subject access request")
    export.add_argument("--practice", type=int, required=True, help="practice id")
    export.add_argument("--reference", required=True,
                        help="the case reference (TD-...) or the practice's patient reference")
    export.add_argument("--dob", type=date.fromisoformat, required=True,
                        help="the patient's date of birth, YYYY-MM-DD, from the practice's "
                             "record: only that patient's cases are taken (a reference may "
                             "have been given to two patients)")
    export.add_argument("--out", type=Path, required=True,
                        help="the zip file to write (must not exist; it holds health data)")

    verbs.add_parser("purge", help="delete photos and answers past RETENTION_DAYS now "
                                   "(the running bot also does this daily)")
    verbs.add_parser("unreached", help="list the alerts about cases that could reach nobody "
                                       "at their practice (no staff, no GP who can receive)")


def _channel_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deliver", default="telegram",
                        help="where cases go, any of telegram,email,mesh (default telegram)")
    parser.add_argument("--telegram-notification-only", action="store_true",
                        help="the GP chat gets a notice and the decision buttons, no photos")
    parser.add_argument("--inbox-email", default=None,
                        help="the practice's NHSmail shared mailbox (for --deliver email)")
    parser.add_argument("--mesh-mailbox", default=None,
                        help="the practice's MESH mailbox id (for --deliver mesh)")
    parser.add_argument("--ods-code", default=None,
                        help="the practice's ODS code (for --deliver mesh)")


def _channels(args: argparse.Namespace) -> DeliveryChannels:
    return DeliveryChannels(
        deliver=tuple(part.strip() for part in args.deliver.split(",") if part.strip()),
        telegram_notify_only=args.telegram_notification_only, inbox_email=args.inbox_email,
        mesh_mailbox=args.mesh_mailbox, ods_code=args.ods_code)


def _describe(practice: Practice) -> str:
    gp_chat = "full case" if practice.gp_chat_gets_content else "notification only"
    parts = [f"telegram ({gp_chat})"]
    if practice.inbox_email:
        parts.append(f"email to {practice.inbox_email}")
    if practice.mesh_mailbox and "mesh" in practice.channels:
        parts.append(f"MESH to {practice.mesh_mailbox}")
    return "delivers to: " + ", ".join(parts)


async def _unreached(store: Store) -> None:
    """Print each alert that reached nobody: when, the practice (to phone), the case reference
    (which the practice finds in /invites) and what it is now; no personal data."""
    events = await store.audit.unreached()
    if not events:
        print("no alert has failed to reach its practice")
        return
    for event in events:
        case = await store.cases.get(event.case_id) if event.case_id is not None else None
        practice = await store.practices.get(case.practice_id) if case is not None else None
        alert = str(json.loads(event.detail or "{}").get("alert", "?"))
        where = f"practice {practice.id} {practice.name} ({practice.phone})" if practice else "?"
        stage = case.stage.value if case is not None else "?"
        print(f"{event.created_at}  {where}: case {case.reference if case else '?'}, "
              f"alert '{alert}' reached nobody; case now {stage}")
    print("Ask each practice to add a member of staff, or a GP who has opened the bot "
          "(python -m bot member add), and to look at these cases in /inbox.")


async def _remove_member(store: Store, practice_id: int, telegram_user_id: int) -> int:
    """`member remove`: take the person out of the practice, then send the cases waiting in
    their chat for a decision to the practice's other GPs or inbox (hazard log H40). The two
    steps are two transactions: if the command is stopped between them (killed, the host
    restarted), running it again finds no such member but still sends those cases on, so the
    leaver's cases never wait for nobody. Exit code 0, or 2 when they were not a member and
    no case waits in their chat."""
    removed = await store.practices.remove_member(practice_id, telegram_user_id, actor="cli")
    again = await resend_waiting(store, practice_id, telegram_user_id)
    if not removed and not again:
        print("error: no such member in that practice")
        return 2
    if removed:
        print("member removed: they can no longer see or act on the practice's cases")
    else:
        print("not a member of that practice (already removed): cases still waiting in their "
              "chat are sent on")
    if again:
        print(f"{again} case(s) waiting for their decision sent to the practice's "
              "other GPs or inbox; staff are told")
    return 0


async def _cannot_post(settings: Settings, chat_id: int | None) -> bool:
    """Before a group becomes a practice's inbox (`--inbox-chat-id`): True, having printed
    why and what to do, if Telegram says the bot cannot post there (not in the group, or not
    allowed to send messages: `bot.handlers.can_post.inbox_refusal`, hazard log H54), or if
    it cannot be asked. A positive id is left to the store to refuse (a person's chat)."""
    if chat_id is None or chat_id >= 0:
        return False
    try:
        token = settings.token()
    except MissingTokenError:
        refusal: str | None = text("operator.inbox_group.no_token")
    else:
        refusal = await inbox_refusal(token, settings.telegram_api_url, chat_id)
    if refusal is None:
        return False
    print(f"error: {refusal}")
    return True


async def _set_inbox(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    """`practice inbox`: the practice's cases go to another group (or its GPs) from now on,
    once Telegram says the bot can post in that group (`_cannot_post`); the cases waiting
    for a GP in the former group are sent again to the new recipients, with a note to staff
    (`bot.inbox.routing.resend_waiting`). The group is told it is the inbox (again), and, if
    the bot could not post in it until now, the cases sent to the GPs meanwhile lose their
    buttons there (`bot.inbox.moved.inbox_group_set`)."""
    if not args.gps and await _cannot_post(settings, args.inbox_chat_id):
        return 2
    lost_since = None if args.gps else await store.practices.lost_since(args.inbox_chat_id)
    try:
        done = await store.practices.set_inbox(
            args.practice, None if args.gps else args.inbox_chat_id, actor="cli")
    except ValueError as wrong:
        print(f"error: {wrong}")
        return 2
    if done is None:
        print(f"error: there is no practice {args.practice}")
        return 2
    practice, former = done
    if practice.inbox_chat_id is not None:  # the group hears it is the inbox (again)
        await inbox_group_set(store, practice.id, practice.inbox_chat_id, lost_since=lost_since,
                              again=former == practice.inbox_chat_id)
    again = await resend_waiting(store, practice.id, former) if former is not None else 0
    goes = (f"inbox group {practice.inbox_chat_id}" if practice.inbox_chat_id is not None
            else "its GPs' own chats")
    print(f"practice {practice.id}: {practice.name}; Telegram cases now go to {goes}")
    if again:
        print(f"{again} case(s) waiting for a GP in the former group sent to the new "
              "recipients; staff are told")
    return 0


async def run_admin(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out one set-up verb and print what was made."""
    store = await open_store(settings.database_path, settings.photos_dir)
    try:
        if args.verb == "practice" and args.action == "inbox":
            return await _set_inbox(store, args, settings)
        if args.verb == "practice":
            try:
                if args.action == "update":
                    found = await store.practices.set_channels(args.practice, _channels(args),
                                                               actor="cli")
                    if found is None:
                        print(f"error: there is no practice {args.practice}")
                        return 2
                    practice = found
                else:
                    if await _cannot_post(settings, args.inbox_chat_id):
                        return 2
                    practice = await store.practices.add(args.name, args.phone,
                                                         args.inbox_chat_id, _channels(args))
            except ValueError as wrong:
                print(f"error: {wrong}")
                return 2
            print(f"practice {practice.id}: {practice.name}; {_describe(practice)}")
        elif args.verb == "member":
            if await store.practices.get(args.practice) is None:
                print(f"error: there is no practice {args.practice}")
                return 2
            if args.action == "remove":
                return await _remove_member(store, args.practice, args.telegram_user_id)
            member = await store.practices.add_member(
                args.practice, args.telegram_user_id, args.role, args.name)
            print(f"member {member.id}: {member.display_name} ({member.role})")
        elif args.verb == "invite":
            found = await store.practices.get(args.practice)
            if found is None:
                print(f"error: there is no practice {args.practice}")
                return 2
            if unfit_reference(args.patient_ref):
                print("error: --patient-ref must be the practice's own code for the patient, "
                      "one word: never their name or NHS number (it is shown in chats, emails "
                      "and PDFs)")
                return 2
            nhs_number = valid_nhs_number(args.nhs_number) if args.nhs_number else None
            if ("mesh" in found.channels) != (nhs_number is not None):
                print("error: give a valid --nhs-number where, and only where, the practice "
                      "delivers by MESH")
                return 2
            try:
                _, token = await store.invites.create(
                    args.practice, args.patient_ref, args.dob.isoformat(),
                    valid_days=settings.invite_valid_days, nhs_number=nhs_number)
            except NhsNumberOnAnotherPatient:
                print("error: that NHS number is already on another patient's invite at this "
                      "practice (a different date of birth): check the NHS number and date of "
                      "birth against the patient's record")
                return 2
            username = args.bot_username.lstrip("@")
            years = age_on(args.dob, date.today())
            who = "child: a parent or guardian takes part" if years < CHILD_UNDER else "adult"
            print(f"invite for {args.patient_ref} ({who}), valid {settings.invite_valid_days} "
                  "days, single use:")
            print(create_deep_linked_url(username, token))
        elif args.verb == "case":
            try:
                done = await export_cases(store, args.practice, args.reference, args.dob,
                                          args.out)
            except WrongDateOfBirth:
                print(f"error: practice {args.practice} has the reference {args.reference}, "
                      f"but not for a patient born on {args.dob.isoformat()} (nothing was "
                      "written). Please check the date of birth and the reference against "
                      "the patient's record, and try again. A request that was deleted keeps "
                      "no date of birth, so it cannot be copied")
                return 2
            except OnlyOthers as only:
                print(f"error: nothing of this patient's to copy (nothing was written): the "
                      f"{only.count} request(s) with the reference {args.reference} were "
                      "started from their link by someone who never confirmed their date of "
                      "birth, or that the practice stopped as the wrong person")
                return 2
            except NothingToExport:
                print(f"error: practice {args.practice} has no case with the reference "
                      f"{args.reference} (nothing was written)")
                return 2
            except FileExistsError:
                print(f"error: {args.out} exists already; give a new file name")
                return 2
            others = (f" {done.left_out} request(s) started from the patient's link by "
                      "someone else were left out (counted in README.txt)." if done.left_out
                      else "")
            print(f"wrote {args.out}: {len(done.references)} case(s) "
                  f"({', '.join(done.references)}), {done.files} files.{others} It holds "
                  "health data: send it securely and delete it once the request is answered.")
        elif args.verb == "unreached":
            await _unreached(store)
        elif args.verb == "purge":
            erased = await purge(store, settings.retention_days)
            print(f"erased {erased} case(s) older than {settings.retention_days} days; "
                  "audit entries kept")
        return 0
    finally:
        await store.close()
