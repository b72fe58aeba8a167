"""Off Telegram again once the case is in the practice's record (issue 15).

A patient's photo message the bot could not delete when it kept the photo (Telegram refused or
was unreachable), or did not check (sent when no photo was asked for, forwarded, too big), is
noted here by its chat and message id only. When a record channel (NHSmail, MESH) has
delivered the case, the dispatcher queues a `patient.photos_off` item that deletes them
(`bot/handlers/delivery.py photos_off`).
"""

from __future__ import annotations

from bot.store import Store


async def left_in_chat(store: Store, user_id: int, chat_id: int, message_id: int) -> None:
    """Note a photo message still in the patient's chat against their current case (none, or
    an erased one: nothing to note)."""
    case = await store.cases.current_for_patient(user_id)
    if case is not None and not case.erased_at:
        await store.outbox.remember_chat_photo(case.id, chat_id, message_id)
