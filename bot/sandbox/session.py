"""The running sandbox: the emulator, the real bot polling it, the demo practice and its people."""

from __future__ import annotations

import html
import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from telegram.ext import Application
from telegram.helpers import create_deep_linked_url

from bot.app import Services, build_application
from bot.channels.nhs_number import spaced
from bot.config import Settings
from bot.emulator import Emulator, TelegramUser
from bot.emulator.models import Chat
from bot.runner import polling
from bot.sandbox.guard import BOT_USERNAME, SANDBOX_TOKEN
from bot.sandbox.record import (
    PRACTICE_EMAIL,
    PRACTICE_MESH_MAILBOX,
    PRACTICE_ODS,
    PracticeRecord,
    practice_systems,
)
from bot.sandbox.transcript import ChatState, Note, reply_keyboard, signature, transcript
from bot.store import Store
from bot.store.invites import invite_problem
from bot.store.models import Member, Practice
from bot.store.practices import DeliveryChannels

log = logging.getLogger("bot.sandbox")

PRACTICE_NAME = "Riverside Surgery (demo)"
PRACTICE_PHONE = "020 7946 0000"  # Ofcom's range for drama: rings nobody
PATIENT_REF = "DEMO-001"
PATIENT_DOB = date(1980, 2, 3)
PATIENT_NHS_NUMBER = "9434765919"
"""A valid test NHS number (right check digit), for the demo practice's MESH deliveries."""
RECORD_CHANNELS = DeliveryChannels(("telegram", "email", "mesh"), False, PRACTICE_EMAIL,
                                   PRACTICE_MESH_MAILBOX, PRACTICE_ODS)
"""The demo practice's channels when the local SMTP server and MESH sandbox run."""


RESTARTED = (
    "<b>Sandbox:</b> the sandbox restarted on the same data folder. Messages from before the "
    "restart are not shown here: this pretend Telegram keeps chats in memory only. The bot "
    "kept its data (the practice, invites, requests and the practice record).")
"""A note at the top of each chat after a restart on the same data (`Sandbox.start`)."""
OPEN_REQUEST_STAFF = (
    "<b>Sandbox:</b> the demo patient Ada (reference {ref}) still has a request open from "
    "before the restart, so no new link was made. Staff can make one with "
    '<a href="#" class="cmd" data-cmd="/invite">/invite</a>.')
OPEN_REQUEST_PATIENT = (
    "<b>Sandbox:</b> your request from before the restart is still open. Send "
    '<a href="#" class="cmd" data-cmd="/start">/start</a> to carry on where you stopped.')


@dataclass(frozen=True)
class Person:
    """One of the three chats on the page."""

    key: str
    title: str
    first_name: str
    user_id: int
    member_name: str | None = None
    role: str | None = None


PEOPLE = (
    Person("staff", "Practice staff", "Priya", 700_001, "Priya Shah (reception)", "staff"),
    Person("patient", "Patient", "Ada", 700_002),
    Person("gp", "GP", "Dr Okafor", 700_003, "Dr Okafor", "gp"),
)


@dataclass(frozen=True)
class Demo:
    """The demo practice and its two members, as the store holds them."""

    practice: Practice
    staff: Member
    gp: Member


class Sandbox:
    """Everything but the web page: start it, talk as the three people, read their chats."""

    def __init__(self, data_dir: Path, quality_workers: int = 1) -> None:
        self.data_dir = data_dir
        self.quality_workers = quality_workers
        self.emulator = Emulator(bot_token=SANDBOX_TOKEN, bot_username=BOT_USERNAME,
                                 bot_first_name="Skin photos (sandbox)")
        self.users: dict[str, TelegramUser] = {}
        self.states: dict[str, ChatState] = {p.key: ChatState() for p in PEOPLE}
        self.app: Application[Any, Any, Any, Any, Any, Any] | None = None
        self.demo: Demo | None = None
        self.invite_link = ""
        self.record: PracticeRecord | None = None
        self._stack = AsyncExitStack()

    @property
    def bot_username(self) -> str:
        """The bot's @username (deep links are t.me/<it>?start=...)."""
        return BOT_USERNAME

    async def start(self) -> Sandbox:
        """Start the emulator and the bot, seed the demo practice, and open the chats."""
        await self._stack.enter_async_context(self.emulator)
        record, endpoints = await self._stack.enter_async_context(
            practice_systems(self.data_dir))
        record.on_change = self.emulator.world.notify
        self.record = record
        settings = Settings(_env_file=None, telegram_bot_token=SANDBOX_TOKEN,
                            telegram_api_url=self.emulator.api_url,
                            telegram_file_url=self.emulator.file_url, data_dir=self.data_dir,
                            quality_workers=self.quality_workers,
                            **(endpoints.settings() if endpoints else {}))
        self.app = build_application(settings)
        await self._stack.enter_async_context(polling(self.app))
        for person in PEOPLE:
            self.users[person.key] = self.emulator.user(person.first_name, user_id=person.user_id)
        restarted = bool(await self.store.practices.memberships(PEOPLE[0].user_id))
        self.demo = await seed(self.store, RECORD_CHANNELS if endpoints else DeliveryChannels())
        if restarted:  # the store kept everything; the pretend Telegram kept no chats
            for person in PEOPLE:
                self.note(person.key, RESTARTED)
        for key in ("staff", "gp"):  # members open the bot once, so it may write to them
            await self.users[key].send_command("/help")
            await self.users[key].next_message(timeout=15)
        await self.post_invite(settings.invite_valid_days)
        return self

    async def stop(self) -> None:
        """Stop the bot, then the emulator."""
        await self._stack.aclose()

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def services(self) -> Services:
        """The running bot's services."""
        assert self.app is not None
        found = self.app.bot_data["services"]
        assert isinstance(found, Services)
        return found

    @property
    def store(self) -> Store:
        """The running bot's store."""
        return self.services.store

    def chat(self, key: str) -> Chat:
        """The emulator's record of one person's chat with the bot."""
        return self.emulator.world.chats[self.users[key].chat_id]

    def note(self, key: str, words_html: str) -> None:
        """Add a sandbox note (not from the bot) at the end of a chat."""
        chat = self.chat(key)
        self.states[key].notes.append(Note(max(chat.messages, default=0), words_html))
        self.emulator.world.notify()

    async def post_invite(self, valid_days: int) -> str:
        """Show an invite link for the demo patient in the staff chat, without adding one more
        "DEMO-001" to the staff's /invites at each restart on the same data: the demo
        patient's link nobody has used yet gets a new token (the same invite: a link's token
        is kept only as a hash, so the old one cannot be shown again), and a new invite is
        made only when there is none. While a request of the demo patient is still open, no
        link is made: the notes say to carry on with /start ("" is returned)."""
        assert self.demo is not None
        mesh = "mesh" in self.demo.practice.record_channels
        demo_invites = [i for i in await self.store.invites.for_practice(self.demo.practice.id)
                        if i.patient_ref == PATIENT_REF]
        for invite in demo_invites:
            case = await self.store.cases.for_invite(invite.id)
            if case is not None and case.stage.is_open and case.erased_at is None:
                self.invite_link = ""
                self.note("staff", OPEN_REQUEST_STAFF.format(ref=PATIENT_REF))
                self.note("patient", OPEN_REQUEST_PATIENT)
                return ""
        unused = [i for i in demo_invites if invite_problem(i) in (None, "expired")]
        token = None
        for invite in reversed(unused):
            if token is None:
                token = await self.store.invites.reissue(invite.id, valid_days=valid_days,
                                                         actor="sandbox")
            else:  # an extra unused one left by an earlier version of the sandbox
                await self.store.invites.revoke(invite.id, actor="sandbox")
        if token is None:
            _, token = await self.store.invites.create(
                self.demo.practice.id, PATIENT_REF, PATIENT_DOB.isoformat(),
                valid_days=valid_days, gp_member_id=self.demo.gp.id,
                created_by=self.demo.staff.id, nhs_number=PATIENT_NHS_NUMBER if mesh else None)
        self.invite_link = create_deep_linked_url(BOT_USERNAME, token)
        link = html.escape(self.invite_link)
        self.note("staff", (
            f"<b>Sandbox:</b> an invite link for the demo patient Ada (reference "
            f"{PATIENT_REF}, date of birth {PATIENT_DOB:%d/%m/%Y}"
            f"{f', test NHS number {spaced(PATIENT_NHS_NUMBER)}' if mesh else ''}):<br>"
            f'<a href="{link}" class="deep-link">{link}</a><br>'
            "Click it to open it as the patient. Staff can also make their own with "
            '<a href="#" class="cmd" data-cmd="/invite">/invite</a>.'))
        return self.invite_link

    # -- state for the page --
    def signature(self) -> str:
        """Changes whenever anything on the page would change."""
        parts = [signature(self.chat(p.key), self.states[p.key]) for p in PEOPLE]
        answers = len(self.emulator.world.callback_answers)
        record = self.record.signature() if self.record else None
        return f"{hash((tuple(parts), answers, record)) & 0xFFFFFFFF:x}"

    def state(self) -> dict[str, Any]:
        """Every chat as the page draws it."""
        answers = self.emulator.world.callback_answers
        chats = {}
        for person in PEOPLE:
            chat = self.chat(person.key)
            chats[person.key] = {
                "messages": transcript(chat, self.states[person.key]),
                "keyboard": reply_keyboard(chat),
                "action": self.states[person.key].current_action(chat),
                "answers": [{"n": n, "text": a.get("text"), "alert": a.get("show_alert")}
                            for n, a in enumerate(answers) if a["chat_id"] == chat.id][-3:],
            }
        return {"version": self.signature(), "chats": chats,
                "record": self.record.as_json() if self.record else None}

    def config(self) -> dict[str, Any]:
        """What the page needs once: the bot, the people, the practice."""
        demo = self.demo
        return {"bot": {"username": BOT_USERNAME,
                        "name": self.emulator.world.bot_user["first_name"]},
                "practice": {"name": demo.practice.name if demo else PRACTICE_NAME,
                             "phone": demo.practice.phone if demo else PRACTICE_PHONE},
                "people": [{"key": p.key, "title": p.title, "name": p.member_name or p.first_name,
                            "user_id": p.user_id} for p in PEOPLE]}


async def seed(store: Store, channels: DeliveryChannels) -> Demo:
    """Create the demo practice, one member of staff and one GP, unless they exist already;
    either way the practice delivers by `channels` (telegram, email and MESH when the
    practice's systems run in the sandbox)."""
    staff_person, _, gp_person = PEOPLE
    staff = await store.practices.memberships(staff_person.user_id)
    gps = await store.practices.memberships(gp_person.user_id)
    if staff and gps:
        practice = await store.practices.set_channels(staff[0].practice_id, channels,
                                                      actor="sandbox")
        assert practice is not None
        return Demo(practice, staff[0], gps[0])
    practice = await store.practices.add(PRACTICE_NAME, PRACTICE_PHONE, channels=channels)
    staff_member = await store.practices.add_member(
        practice.id, staff_person.user_id, "staff", staff_person.member_name or "Staff")
    gp_member = await store.practices.add_member(
        practice.id, gp_person.user_id, "gp", gp_person.member_name or "GP")
    log.info("sandbox practice created", extra={"practice_id": practice.id})
    return Demo(practice, staff_member, gp_member)
