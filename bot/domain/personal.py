"""Personal details typed where only a few words about the rash are wanted.

The typed answers ("exactly where", "what have you tried") go to the GP and into the record
copy, where the patient is already known by the practice's reference, date of birth and NHS
number. A phone number, an email address, a postcode or an NHS number typed into them adds
nothing clinical and is personal data the bot should not keep (UK GDPR data minimisation,
Article 5(1)(c)); such an answer is refused kindly and asked again. Only unmistakable forms
count, so that doses, times, dates and sizes ("E45 1st week", "at 08.00 and 18.00", "10 12 14
mm spots") are never refused. Names cannot be told from the words of a body site reliably, so
the question itself asks for no names.
"""

from __future__ import annotations

import re
import unicodedata

from bot.channels.nhs_number import valid_nhs_number

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*(\d[A-Z]{2})\b", re.IGNORECASE)
_ORDINAL = re.compile(r"\d(st|nd|rd|th)", re.IGNORECASE)
"""An inward code that reads as an ordinal ("1st", "2nd") is a dose or a week, not a postcode."""
_PHONE = re.compile(r"(?<![\d.])(?:\+\s*44\s*(?:\(0\)\s*)?|0)(?:[\s()-]*\d){9,10}(?![\d.])")
"""A UK phone number: 0 or +44 (with an optional "(0)"), then 9 or 10 more digits, spaced or
dashed, not dotted (dots are times and decimals)."""
_TEN_DIGITS = re.compile(r"(?<![\d.])\d{3}[\s-]?\d{3}[\s-]?\d{4}(?![\d.])")


def visible(words: str) -> str:
    """The words without invisible format characters (Unicode category Cf: zero-width spaces
    and joiners, word joiners, direction marks, overrides and isolates, the soft hyphen).

    A phone number with a zero-width space inside reads as one on screen but not to a pattern,
    and a right-to-left override shows "tfel" as "left" in a chat and turns the rest of the
    GP's line round, while the referral pack (which cannot draw them) prints "tfel": a typed
    answer is kept without them, so every copy reads the same (hazard log H33)."""
    return "".join(char for char in words if unicodedata.category(char) != "Cf")


def personal_details(words: str) -> tuple[str, ...]:
    """The kinds of personal detail found in typed words, in the order `email`, `postcode`,
    `phone`, `nhs_number`; empty when there are none. Ordinary answers ("left forearm", "E45
    cream twice a day for 2 weeks", "back of right knee") have none. Invisible characters
    do not hide one (`visible`)."""
    words = visible(words)
    found = []
    if _EMAIL.search(words):
        found.append("email")
    if any(not _ORDINAL.fullmatch(m.group(1)) for m in _POSTCODE.finditer(words)):
        found.append("postcode")
    if _PHONE.search(words):
        found.append("phone")
    if any(valid_nhs_number(m.group()) for m in _TEN_DIGITS.finditer(words)):
        found.append("nhs_number")
    return tuple(found)
