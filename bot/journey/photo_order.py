"""Which photo is the locator, when the photos came in an album (hazard log H45).

The service wants one locator (the whole area, from 1-1.5 m) and two close-ups (about 30 cm).
Sent one at a time, each photo answers the step that asked for it ("Photo 1 of 3: the whole
area"), so its label is the patient's. Sent together as an album, they are labelled in the
order they came: a patient who picked a close-up first would have it labelled "Locator" for
the GP, and telling the shots apart from the pixels is not reliable enough to reorder them
(`bot.quality`: a close-up offered as a locator is advised only 44% of the time).

So while any photo of the set to be sent came in an album (`PhotoRepository.unordered`), the
review shows the photos as numbered ("Photo 1: the whole area", "Photo 2: close-up 1", ...)
and asks which is the one from further away (`question`) before its Send. Photo 1 says the
order is right; Photo 2 or 3 swaps that photo with photo 1 (`PhotoRepository.choose_locator`:
each photo keeps its checks and flags), so the GP's summary, photos and referral pack carry
the label the patient chose. The set photographed one at a time is never asked about.
"""

from __future__ import annotations

import hashlib

from bot.content import text
from bot.journey.replies import Button, Reply, button_data, one_per_row
from bot.store.models import SHOT_SLOTS, Photo, ShotSlot, Stage

QUESTION = "locator"
"""The review's button question: "<slot>#<token>", the slot whose photo is the one from further
away, `token` naming the set asked about, so a button under an older question (another set,
since replaced) cannot relabel the set now."""


def token(photos: dict[ShotSlot, Photo]) -> str:
    """A short name for the set of photos standing now: 8 hex digits of a SHA-256 of their
    row ids in shot order (ids only; nothing of the photos)."""
    ids = ",".join(str(photos[slot].id) for slot in SHOT_SLOTS if slot in photos)
    return hashlib.sha256(ids.encode()).hexdigest()[:8]


def parse(value: str) -> tuple[ShotSlot, str] | None:
    """The slot and set token of a tapped value ("close_up_1#1a2b3c4d"); None if not one."""
    slot, _, named = value.partition("#")
    for known in SHOT_SLOTS:
        if slot == known:
            return known, named
    return None


def question(photos: dict[ShotSlot, Photo], lead: str | None = None) -> Reply:
    """"Which photo is the one from further away...?" with one button per photo as numbered
    under the review's album (Photo 1 says the order is right), after `lead` if given."""
    named = token(photos)
    stage = Stage.REVIEW.value
    buttons = one_per_row(*(
        Button(text(f"journey.review.whole_area_{slot}"),
               button_data(stage, QUESTION, f"{slot}#{named}")) for slot in SHOT_SLOTS))
    words = text("journey.review.whole_area_question")
    return Reply(text=f"{lead}\n\n{words}" if lead else words, buttons=buttons)
