"""The messages the bot sends a patient who did not just ask for them, in one list.

Telegram shows the start of every message on the phone's lock screen, in the notification and
in the chat list, where anyone near the phone can read it. So the first line of each message
below (up to the first line break) names nothing about the patient: no health condition, no
body part, no date of birth, no name, no NHS number. It says who the message is from ("A
message from your GP practice."; `gp_asked_other`, which follows the GP's "new photos" at
once, says only that more than one request is open); the details follow after a blank line
(docs/dpia.md, Notifications). `tests/content/test_unprompted_first_lines.py` checks every key
listed here.

A message added that reaches the patient from a job (`bot.app housekeeping`), from a GP's or a
staff member's action, or from a record channel belongs in this list.
"""

from __future__ import annotations

UNPROMPTED: tuple[str, ...] = (
    # the stall reminder: the bot's own (`bot.services.reminders.remind_stalled`) and a
    # member's "Send reminder" (`bot.inbox.chasing`)
    "journey.reminder.text",
    "journey.reminder.text_parent",
    # the GP's decision and what follows it (`bot.inbox.decisions`)
    "inbox.patient.referred",
    "inbox.patient.referred_parent",
    "inbox.patient.referral_sent",
    "inbox.patient.referral_sent_parent",
    "inbox.patient.new_photos",
    "inbox.patient.new_photos_parent",
    "inbox.patient.urgent",
    "inbox.patient.urgent_parent",
    "inbox.patient.appointment",
    "inbox.patient.appointment_parent",
    # new photos asked for, while the patient is on another request: which request the GP
    # asked about (`bot.journey.service resume`; on the request itself the photo step follows,
    # "New photo 1 of 2: the whole area.", `journey.photos.again`, naming only the photo)
    "journey.cases.gp_asked_other",
    # nobody at the practice could get the photos (`bot.services.alerting.tell_patient`)
    "inbox.patient.not_received",
    "inbox.patient.not_received_parent",
    # a practice's /stop (`bot.inbox.staff`)
    "inbox.patient.stopped_by_practice",
    # the case reached the practice's own systems: photos and answers taken off the chat
    # (`bot.handlers.delivery.photos_off`)
    "channels.patient.photos_off",
    "channels.patient.photos_off_parent",
    "channels.patient.answers_off",
    "channels.patient.answers_off_parent",
    "channels.patient.answers_only_off",
    "channels.patient.answers_only_off_parent",
)
"""Content keys of every message a patient gets without having just asked for it."""

FIRST_LINE_PLACEHOLDERS = frozenset({"practice", "phone"})
"""The only `{placeholders}` a first line may have: the practice's, never the patient's."""


def first_line(words: str) -> str:
    """What a notification preview shows first: the words up to the first line break."""
    return words.split("\n", 1)[0]
