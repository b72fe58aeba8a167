"""Personal details typed where only a few words about the rash are wanted.

The typed answers ("exactly where", "what have you tried") go to the GP and into the record
copy, where the patient is already known by the practice's reference, date of birth and NHS
number. A phone number, an email address, a postcode or an NHS number typed into them adds
nothing clinical and is personal data the bot should not keep (UK GDPR data minimisation,
Article 5(1)(c)); such an answer is refused kindly and asked again. Names cannot be told from
the words of a body site reliably, so the question itself asks for no names.
"""

from __future__ import annotations

import re

_PATTERNS = {
    "email": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "postcode": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
    # nine or more digits, however spaced or dashed: a phone number or an NHS number
    "number": re.compile(r"(?:\d[\s().-]*){9,}"),
}
"""What counts as a personal detail, by kind."""


def personal_details(words: str) -> tuple[str, ...]:
    """The kinds of personal detail (`email`, `postcode`, `number`) found in typed words,
    in that order; empty when there are none. Ordinary answers ("left forearm", "E45 cream
    twice a day for 2 weeks", "back of right knee") have none."""
    return tuple(kind for kind, pattern in _PATTERNS.items() if pattern.search(words))
