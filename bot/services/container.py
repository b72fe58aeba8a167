"""The services handlers call, built once per running bot by the composition root (`bot.app`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels.record_answers import RecordAnswers
from bot.config import Settings
from bot.inbox.decisions import Inbox
from bot.inbox.staff import StaffDesk
from bot.journey.service import Journey
from bot.services.buttons import ButtonSigner
from bot.services.delivery import OutboxWorker
from bot.services.quality_pool import QualityPool
from bot.store import Store


@dataclass(frozen=True)
class Services:
    """What handlers call: the store and the plain services built on it (none knows Telegram).

    Built by `bot.app.open_services` in dependency order; handlers reach it through
    `BotContext.services` (`bot.handlers.context`) and never import the app module.
    """

    settings: Settings
    store: Store
    quality: QualityPool
    journey: Journey
    inbox: Inbox
    staff: StaffDesk
    signer: ButtonSigner
    outbox: OutboxWorker
    record_answers: RecordAnswers | None = None
    """Reads the bot's MESH inbox (acknowledgements, non-delivery); None without MESH."""

    def queued(self) -> None:
        """Something was put in the outbox: deliver it now."""
        self.outbox.wake()

    async def close(self) -> None:
        """Stop the quality workers and close the store (the outbox task is already stopped)."""
        await self.quality.close()
        await self.store.close()
