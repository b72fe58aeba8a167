"""What a submission queues for each of a practice's channels (written in the submitting
transaction by `bot.inbox.routing`)."""

from __future__ import annotations

from bot.store.models import Case, Outgoing, Practice

GP_CONTENT_PARTS = ("album", "summary", "pack")
GP_NOTICE_PARTS = ("notice",)
RECORD_KINDS = {"email": "record.email", "mesh": "record.mesh"}
"""The outbox kind of the case on each record channel."""


def gp_parts(practice: Practice) -> tuple[str, ...]:
    """The parts each GP chat gets: the whole case, or a notice with the decision buttons
    when the practice chose "Telegram: notification only"."""
    return GP_CONTENT_PARTS if practice.gp_chat_gets_content else GP_NOTICE_PARTS


def record_messages(practice: Practice, case: Case, number: int) -> list[Outgoing]:
    """One outbox item per record channel for submission `number` of the case.

    On a record channel `chat_id` holds the practice id: items to one practice's mailbox go
    one after another. The dedupe key makes each (case, submission, channel) queued once.
    """
    return [Outgoing(practice.id, RECORD_KINDS[channel],
                     {"case_id": case.id, "submission": number},
                     f"case:{case.id}:sub:{number}:{channel}", channel=channel)
            for channel in practice.record_channels]
