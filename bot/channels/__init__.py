"""Delivery channels into the practice's own systems: NHSmail (SMTP) and MESH (GP Connect).

Each channel sends one outbox item (`OutboxItem.channel` is `email` or `mesh`) and tells the
outbox worker, with `TryLater` or `Undeliverable`, whether to retry. `dispatch` chooses the
channel of each item.
"""
