"""How a record channel's try ended, beyond the outbox's own TryLater and Undeliverable."""

from __future__ import annotations

from bot.services.delivery import TryLater


class Refused(TryLater):
    """The channel's server answered that it did not take the message (an SMTP 4xx reply, a
    MESH 5xx or 429): nothing was delivered, so a later try cannot make a second copy. A
    network error or a time-out is a plain TryLater: the message may have arrived."""
