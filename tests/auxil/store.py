"""Store tests' world: a practice, an invite and the case a patient opens from it."""

from __future__ import annotations

from bot.store import Store
from bot.store.models import Case


async def opened_case(store: Store) -> Case:
    """A new practice, an adult's invite from it, and the case opened from that invite (at
    the identity stage, patient user and chat 5)."""
    practice = await store.practices.add("Lawson Practice", "020 7729 7236")
    invite, _ = await store.invites.create(practice.id, "NHS 943 476 5919", "1980-02-03",
                                           valid_days=7)
    return await store.cases.open_from_invite(invite, patient_user_id=5, patient_chat_id=5,
                                              is_child=False)
