"""Practices and their members (staff and GPs)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.store.audit import write_event
from bot.store.conversations import forget_former_member
from bot.store.database import Database, utc_now
from bot.store.models import Member, Practice, Role
from bot.store.rows import maybe, record


@dataclass(frozen=True, slots=True)
class RoleKept:
    """A join code sent by someone already a member of its practice: the code is used up and
    their membership, `member`, is unchanged (their role is kept). `code_role` and `code_name`
    are the role and name the admin made the code for."""

    member: Member
    code_role: Role
    code_name: str


CHANNELS = ("telegram", "email", "mesh")
"""Where a practice's cases can go: its Telegram chats, its NHSmail mailbox, its MESH mailbox."""


@dataclass(frozen=True, slots=True)
class DeliveryChannels:
    """How a practice receives its cases: chosen at set-up.

    `deliver` is any combination of CHANNELS; `email` needs `inbox_email`, `mesh` needs
    `mesh_mailbox` (and the practice's ODS code, `ods_code`, for the GP Connect bundle).
    With `telegram_notify_only`, the GP chat gets a notice and the decision buttons, and the
    photos and referral pack go only to the record channels (which must then be chosen).
    Decisions are made in Telegram, so the notice and buttons go there even when `telegram`
    is not in `deliver` (which then means the same as `telegram_notify_only`).
    """

    deliver: tuple[str, ...] = ("telegram",)
    telegram_notify_only: bool = False
    inbox_email: str | None = None
    mesh_mailbox: str | None = None
    ods_code: str | None = None

    def check(self) -> None:
        """Raise ValueError saying what is missing or unknown."""
        unknown = [c for c in self.deliver if c not in CHANNELS]
        if unknown or not self.deliver:
            raise ValueError(f"--deliver takes any of {', '.join(CHANNELS)}")
        if "email" in self.deliver and not (self.inbox_email and "@" in self.inbox_email):
            raise ValueError("email delivery needs --inbox-email ADDRESS")
        if "mesh" in self.deliver and not (self.mesh_mailbox and self.ods_code):
            raise ValueError("MESH delivery needs --mesh-mailbox ID and --ods-code CODE")
        notify_only = self.telegram_notify_only or "telegram" not in self.deliver
        if notify_only and not set(self.deliver) & {"email", "mesh"}:
            raise ValueError("Telegram notification only needs email or mesh delivery too")


class PracticeRepository:
    """Create and find practices and the people who work in them."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, name: str, phone: str, inbox_chat_id: int | None = None,
                  channels: DeliveryChannels | None = None) -> Practice:
        """Register a practice and return it; ValueError if `channels` are incomplete, or if
        `inbox_chat_id` is not a group's or is another practice's inbox group.

        Case content goes to the inbox group (`bot.inbox.routing`) and may be shown there
        (`bot.inbox.access.may_show_case`), so it must be a group (Telegram gives groups and
        supergroups negative ids, a person's private chat their positive user id: one typed by
        mistake would send every case, photos included, to that person, whatever their role)
        and the practice's own (a group registered for two practices would show each one's
        cases to the other)."""
        chosen = channels or DeliveryChannels()
        chosen.check()
        if inbox_chat_id is not None and inbox_chat_id >= 0:
            raise ValueError("--inbox-chat-id must be a Telegram group's id, which is negative "
                             "(a positive id is a person's private chat)")
        async with self._db.transaction() as conn:
            if inbox_chat_id is not None:
                cursor = await conn.execute("SELECT id FROM practices WHERE inbox_chat_id = ?",
                                            (inbox_chat_id,))
                taken = await cursor.fetchone()
                if taken is not None:
                    raise ValueError(f"that inbox group is already practice {taken['id']}'s: "
                                     "each practice needs its own group")
            cursor = await conn.execute(
                "INSERT INTO practices (name, phone, inbox_chat_id, created_at, deliver, "
                "telegram_notify_only, inbox_email, mesh_mailbox, ods_code) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, phone, inbox_chat_id, utc_now(), ",".join(chosen.deliver),
                 int(chosen.telegram_notify_only), chosen.inbox_email, chosen.mesh_mailbox,
                 chosen.ods_code),
            )
            practice_id = cursor.lastrowid
        assert practice_id is not None
        found = await self.get(practice_id)
        assert found is not None
        return found

    async def set_channels(self, practice_id: int, channels: DeliveryChannels, *,
                           actor: str) -> Practice | None:
        """Change where the practice's cases go (from the next submission); None if there is
        no such practice, ValueError if `channels` are incomplete."""
        channels.check()
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE practices SET deliver = ?, telegram_notify_only = ?, inbox_email = ?, "
                "mesh_mailbox = ?, ods_code = ? WHERE id = ?",
                (",".join(channels.deliver), int(channels.telegram_notify_only),
                 channels.inbox_email, channels.mesh_mailbox, channels.ods_code, practice_id))
            if cursor.rowcount != 1:
                return None
            await write_event(conn, "practice.channels", actor=actor, practice_id=practice_id,
                              detail={"deliver": ",".join(channels.deliver),
                                      "notify_only": channels.telegram_notify_only})
        return await self.get(practice_id)

    async def set_inbox(self, practice_id: int, inbox_chat_id: int | None, *,
                        actor: str) -> tuple[Practice, int | None] | None:
        """Send the practice's cases to another inbox group from now on, or (None) to its GPs'
        own chats; returns the practice and its former inbox group, or None if there is no
        such practice. A group set so is no longer taken as lost (`lost_chats`). ValueError,
        with nothing changed, if `inbox_chat_id` is not a group's id or is another
        practice's inbox group (`add`). Audited (`practice.inbox_set`, no chat ids) in the
        same transaction."""
        if inbox_chat_id is not None and inbox_chat_id >= 0:
            raise ValueError("--inbox-chat-id must be a Telegram group's id, which is negative "
                             "(a positive id is a person's private chat)")
        async with self._db.transaction() as conn:
            cursor = await conn.execute("SELECT inbox_chat_id FROM practices WHERE id = ?",
                                        (practice_id,))
            row = await cursor.fetchone()
            if row is None:
                return None
            former = row[0]
            if inbox_chat_id is not None:
                cursor = await conn.execute(
                    "SELECT id FROM practices WHERE inbox_chat_id = ? AND id != ?",
                    (inbox_chat_id, practice_id))
                taken = await cursor.fetchone()
                if taken is not None:
                    raise ValueError(f"that inbox group is already practice {taken['id']}'s: "
                                     "each practice needs its own group")
            await conn.execute("UPDATE practices SET inbox_chat_id = ? WHERE id = ?",
                               (inbox_chat_id, practice_id))
            if inbox_chat_id is not None:  # the operator says the bot is in it (H52)
                await conn.execute("DELETE FROM lost_chats WHERE chat_id = ?", (inbox_chat_id,))
            await write_event(conn, "practice.inbox_set", actor=actor, practice_id=practice_id,
                              detail={"to": "group" if inbox_chat_id is not None else "gps"})
        found = await self.get(practice_id)
        assert found is not None
        return found, int(former) if former is not None else None

    async def move_inbox(self, old_chat_id: int, new_chat_id: int) -> int | None:
        """The practice whose inbox group is `old_chat_id` now has `new_chat_id` instead:
        Telegram upgraded the group to a supergroup, which has a new id, and refuses the old
        one from then on (`bot.inbox.moved`). Audited (`practice.inbox_moved`, no chat ids)
        in the same transaction. Returns the practice's id, or None if no practice's inbox
        was `old_chat_id` (moved already, or not an inbox group), or if `new_chat_id` is not
        a group's id (negative) or is another practice's inbox group already."""
        if new_chat_id >= 0 or old_chat_id == new_chat_id:
            return None
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE practices SET inbox_chat_id = ? WHERE inbox_chat_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM practices WHERE inbox_chat_id = ?) RETURNING id",
                (new_chat_id, old_chat_id, new_chat_id))
            row = await cursor.fetchone()
            if row is None:
                return None
            practice_id = int(row[0])
            await write_event(conn, "practice.inbox_moved", actor="telegram",
                              practice_id=practice_id, detail={"to": "supergroup"})
        return practice_id

    async def with_inbox(self, chat_id: int) -> Practice | None:
        """The practice whose inbox group is this chat, if any."""
        async with self._db.reading() as conn:
            cursor = await conn.execute("SELECT id FROM practices WHERE inbox_chat_id = ?",
                                        (chat_id,))
            row = await cursor.fetchone()
        return await self.get(int(row[0])) if row is not None else None

    async def ids(self) -> list[int]:
        """Every practice's id, oldest first."""
        async with self._db.reading() as conn:
            cursor = await conn.execute("SELECT id FROM practices ORDER BY id")
            return [int(row[0]) for row in await cursor.fetchall()]

    async def get(self, practice_id: int) -> Practice | None:
        """Return the practice with this id, if any."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT id, name, phone, inbox_chat_id, deliver, telegram_notify_only, "
                "inbox_email, mesh_mailbox, ods_code FROM practices WHERE id = ?", (practice_id,)
            )
            row = await cursor.fetchone()
        if row is None:
            return None
        found = record(Practice, row)
        return replace(found, telegram_notify_only=bool(found.telegram_notify_only))

    async def add_member(
        self, practice_id: int, telegram_user_id: int, role: Role, display_name: str
    ) -> Member:
        """Add a member of staff or a GP to a practice."""
        joined = utc_now()
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO members (practice_id, telegram_user_id, role, display_name, "
                "created_at) VALUES (?, ?, ?, ?, ?)",
                (practice_id, telegram_user_id, role, display_name, joined),
            )
            member_id = cursor.lastrowid
        assert member_id is not None
        return Member(member_id, practice_id, telegram_user_id, role, display_name, joined)

    async def memberships(self, telegram_user_id: int) -> list[Member]:
        """Return every practice membership held by this Telegram user."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM members WHERE telegram_user_id = ? ORDER BY id",
                (telegram_user_id,),
            )
            return [record(Member, row) for row in await cursor.fetchall()]

    async def member(self, member_id: int) -> Member | None:
        """Return the member with this id, if any."""
        async with self._db.reading() as conn:
            cursor = await conn.execute("SELECT * FROM members WHERE id = ?", (member_id,))
            return maybe(Member, await cursor.fetchone())

    async def remove_member(self, practice_id: int, telegram_user_id: int, *,
                            actor: str) -> bool:
        """Take a person out of a practice (they left); True if they were a member. Someone who
        is then a member of no practice loses any staff conversation in progress (an invite
        draft) in the same transaction."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM members WHERE practice_id = ? AND telegram_user_id = ?",
                (practice_id, telegram_user_id))
            removed = cursor.rowcount == 1
            if removed:
                await write_event(conn, "member.removed", actor=actor, practice_id=practice_id)
                await forget_former_member(conn, telegram_user_id)
        return removed

    async def alert_chats(self, practice_id: int, *,
                          leaving_out: Collection[int] = ()) -> list[int]:
        """Who hears about a case that needs a person: the chats of the practice's staff and
        admins, or of its GPs if it has none (`bot.inbox.routing.alert_chats`), without the
        chats in `leaving_out` (Telegram user ids known not to receive) and, among GPs, those
        Telegram said blocked the bot (`lost_chats`, hazard log H51; staff who cannot receive
        an alert have it passed on to others, `bot.inbox.undelivered.pass_on`). Empty only if
        the practice has nobody else (hazard log H07)."""
        members = [m for m in await self.members(practice_id)
                   if m.telegram_user_id not in leaving_out]
        staff = [m.telegram_user_id for m in members if m.role in ("staff", "admin")]
        if staff:
            return staff
        lost = await self.lost_chats()
        return [m.telegram_user_id for m in members
                if m.role == "gp" and m.telegram_user_id not in lost]

    async def chat_lost(self, chat_id: int) -> bool:
        """Note that the bot can no longer post in this chat (Telegram's `my_chat_member`: a
        person blocked the bot, or the bot was taken out of a group); True if it was not noted
        already."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO lost_chats (chat_id, lost_at) VALUES (?, ?) "
                "ON CONFLICT (chat_id) DO NOTHING", (chat_id, utc_now()))
            return cursor.rowcount == 1

    async def chat_back(self, chat_id: int) -> bool:
        """Note that the bot can post in this chat again (unblocked, or added to the group
        again); True if it had been noted as lost."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM lost_chats WHERE chat_id = ?", (chat_id,))
            return cursor.rowcount == 1

    async def lost_since(self, chat_id: int) -> str | None:
        """When the bot was noted as unable to post in this chat (`chat_lost`; ISO 8601 UTC),
        or None if it is not noted."""
        async with self._db.reading() as conn:
            cursor = await conn.execute("SELECT lost_at FROM lost_chats WHERE chat_id = ?",
                                        (chat_id,))
            row = await cursor.fetchone()
        return str(row[0]) if row is not None else None

    async def lost_chats(self) -> set[int]:
        """The Telegram chat ids the bot can no longer post in (`chat_lost`): people who blocked
        it, groups it was taken out of."""
        async with self._db.reading() as conn:
            cursor = await conn.execute("SELECT chat_id FROM lost_chats")
            return {int(row[0]) for row in await cursor.fetchall()}

    async def members(self, practice_id: int) -> list[Member]:
        """Return the practice's members, oldest first."""
        async with self._db.reading() as conn:
            cursor = await conn.execute(
                "SELECT * FROM members WHERE practice_id = ? ORDER BY id", (practice_id,)
            )
            return [record(Member, row) for row in await cursor.fetchall()]

    async def create_join_code(
        self, practice_id: int, role: Role, display_name: str, *, created_by: int,
        valid_hours: int = 24,
    ) -> str:
        """Make a one-time code that adds whoever sends it to the practice; return the code."""
        code = secrets.token_urlsafe(12)
        now = datetime.now(UTC)
        expires = (now + timedelta(hours=valid_hours)).isoformat(timespec="seconds")
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO join_codes (practice_id, code_hash, role, display_name, created_by, "
                "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (practice_id, _hash(code), role, display_name, created_by,
                 now.isoformat(timespec="seconds"), expires),
            )
            await write_event(conn, "member.code_created", actor=f"member:{created_by}",
                              practice_id=practice_id, detail={"role": role})
        return code

    async def join(self, code: str, telegram_user_id: int) -> Member | RoleKept | None:
        """Use a join code once: add this Telegram user as a member; None if the code is bad.

        Someone already a member of the code's practice keeps their role and name: the code
        is used up and changes nothing, `RoleKept`, audited as `member.join_refused`, so a code
        for another role seen by the wrong person (a receptionist sending a GP's code) is
        spent and never makes them a GP or an admin (hazard log H07)."""
        now = utc_now()
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE join_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL "
                "AND expires_at > ? RETURNING practice_id, role, display_name",
                (now, _hash(code), now),
            )
            row = await cursor.fetchone()
            if row is None:
                return None
            cursor = await conn.execute(
                "SELECT * FROM members WHERE practice_id = ? AND telegram_user_id = ?",
                (row["practice_id"], telegram_user_id))
            already = maybe(Member, await cursor.fetchone())
            if already is not None:
                await write_event(conn, "member.join_refused", actor=f"member:{already.id}",
                                  practice_id=already.practice_id,
                                  detail={"role": already.role, "code_role": row["role"]})
                return RoleKept(already, row["role"], row["display_name"])
            cursor = await conn.execute(
                "INSERT INTO members (practice_id, telegram_user_id, role, display_name, "
                "created_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
                (row["practice_id"], telegram_user_id, row["role"], row["display_name"], now),
            )
            joined = record(Member, await cursor.fetchone())  # type: ignore[arg-type]
            await write_event(conn, "member.joined", actor=f"member:{joined.id}",
                              practice_id=joined.practice_id, detail={"role": joined.role})
        return joined


def _hash(code: str) -> str:
    """Join codes, like invite tokens, are kept only as a hash."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()
