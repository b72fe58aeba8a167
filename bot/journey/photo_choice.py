"""A photo that could be for more than one request: held until the patient chooses.

A parent may have their own request and a child's open at once, each waiting for photos (a
GP asked for a new close-up on one while the other is at photo 1). Which request a photo is
for is then the patient's to say, never the bot's guess: the photo is held (its Telegram file,
not its bytes, and only in memory) and the patient taps one of the requests, named by whose it
is, the body area they answered and when it was started (`bot.services.naming`), or "None of
these". Photos sent before the tap (an album) are held with it and go where the tap says.
Nothing of a held photo's content is written anywhere; after a restart the tap asks for it
again. Its message, left in the chat meanwhile, is noted (chat and message id only) against
every request waiting, marked as held (`OutboxRepository.note_held`), so erasing any of them,
or retention, takes it off the chat; once the patient chooses, the note stays with the chosen
request only. A photo the bot no longer holds (lost with a restart, or forgotten by `Recent`)
does not stay in the chat: start-up deletes every message still marked as held, and a tap on
its question deletes the patient's own (`OutboxRepository.forget_held`) and asks for it again.
/delete, /cancel, a stop that deletes photos and a practice's /stop drop what is held and take
its messages off the chat (`Journey.drop_held`).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot.content import text
from bot.journey.photo_step import stage_words
from bot.journey.replies import Button, Reply, button_data, one_per_row, say
from bot.services.naming import request_label, whose
from bot.services.turns import Recent
from bot.store.models import Case

PHOTO_FOR = "photo_for"
"""The button question of the choice; its value is `<case id>.<token>` or `none.<token>`."""
NONE = "none"
MOST_HELD = 10
"""Most photos held for one person at once (an album has at most 10); a later one is not
held: the patient is asked to choose first, then send it again."""


@dataclass(frozen=True, slots=True)
class SentPhoto:
    """One photo message as the handler passed it to the journey (`Journey.photo`)."""

    fetch: Callable[[], Awaitable[bytes]]
    source: Literal["photo", "document"]
    size: int | None
    on_checking: Callable[[], Awaitable[None]]
    album: str | None
    take_off_chat: Callable[[], Awaitable[bool]] | None
    in_chat: tuple[int, int] | None = None
    """(chat id, message id) of the patient's photo message, noted while it is held."""


@dataclass(slots=True)
class Held:
    """The photos one person sent since they were last asked, and the token on the buttons."""

    token: str
    photos: list[SentPhoto] = field(default_factory=list)


class HeldPhotos:
    """Photos waiting for the patient's choice, by Telegram user id (bounded: `Recent`)."""

    def __init__(self, people: int) -> None:
        self._held: Recent[int, Held] = Recent(people)
        self._taken: Recent[int, str] = Recent(people)

    def hold(self, user_id: int, photo: SentPhoto) -> tuple[Held, bool] | None:
        """Hold this photo with any already held; return the hold and whether to ask (not
        for a later photo of the same album). None when `MOST_HELD` are held already: the
        photo is not held."""
        held = self._held.get(user_id) or Held(secrets.token_hex(4))
        if len(held.photos) >= MOST_HELD:
            return None
        first_of_album = photo.album is None or all(p.album != photo.album for p in held.photos)
        held.photos.append(photo)
        self._held[user_id] = held
        return held, first_of_album

    def take(self, user_id: int, token: str) -> Held | None:
        """The photos held under this token, no longer held; None if they are not (chosen
        already, a newer choice, or the bot restarted)."""
        held = self._held.get(user_id)
        if held is None or held.token != token:
            return None
        self._held.pop(user_id)
        self._taken[user_id] = token
        return held

    def drop(self, user_id: int) -> Held | None:
        """The photos held for this person, no longer held (None if none): a later tap on
        the question answers that the photo is gone."""
        return self._held.pop(user_id, None)

    def in_chat(self, user_id: int) -> set[tuple[int, int]]:
        """(chat id, message id) of the photo messages held for this person now."""
        held = self._held.get(user_id)
        return {p.in_chat for p in held.photos if p.in_chat is not None} if held else set()

    def taken(self, user_id: int, token: str) -> bool:
        """True if the photos under this token were the last this person chose for (a second
        tap on the same question)."""
        return self._taken.get(user_id) == token


def choice(waiting: list[tuple[Case, dict[str, str], date | None]], token: str) -> Reply:
    """Ask which request the photo is for: one button per request waiting for photos (with
    its answers, for the body area; while two or more children's requests wait, each child's
    confirmed date of birth, `naming.born_of`, so siblings are not told apart by the minute
    alone, and otherwise never; two that would read the same also say which photo each waits
    for), then "None of these". Labels may be long; each payload is `<case id>.<token>`, well
    within Telegram's 64 bytes."""
    siblings = sum(1 for case, _, born in waiting if whose(case) == "child" and born) > 1
    labels = [request_label(case, answers, born if siblings else None)
              for case, answers, born in waiting]
    buttons = [Button(label if labels.count(label) == 1 else text(
                          "journey.cases.button_with_photo", button=label, photo=stage_words(case)),
                      button_data("any", PHOTO_FOR, f"{case.id}.{token}"))
               for label, (case, _, _) in zip(labels, waiting, strict=True)]
    buttons.append(Button(text("journey.cases.photo_for_none"),
                          button_data("any", PHOTO_FOR, f"{NONE}.{token}")))
    return Reply(text=text("journey.cases.which_photo"), buttons=one_per_row(*buttons))


def chosen(value: str) -> tuple[str, str]:
    """A choice button's value as (the case id or "none", the token)."""
    target, _, token = value.partition(".")
    return target, token


def not_used() -> Reply:
    """What "None of these" answers."""
    return say(text("journey.cases.photo_not_used"))
