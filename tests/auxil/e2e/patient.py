"""Steps a patient takes through the emulator, shared by the end-to-end tests."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from bot.content import text, texts
from bot.domain.questions import worded
from bot.emulator.models import SentMessage
from bot.emulator.users import TelegramUser
from bot.services.unprompted import UNPROMPTED
from tests.auxil.e2e.bot_app import sample

ADULT_DOB = "03/02/1980"
SCREENING_KEYS = ("screening.is_rash.rash", "screening.red_flags.no", "screening.site.arm",
                  "screening.areas.one")
"""The content keys of a screening that goes on to the photos (rash, no red flags, arm, one)."""
SCREENING = tuple(text(f"journey.{key}") for key in SCREENING_KEYS)


async def then_says(patient: TelegramUser, words: str, timeout: float = 10) -> SentMessage:  # noqa: ASYNC109
    """The bot's message with these words: the newest one (the bot joins a plain text, such as
    "Photo 3 of 3 looks good", to the question after it) or the next one to come."""
    last = patient.last_message
    if last is not None and words in (last.text or ""):
        return last
    return await patient.wait_for_text(words, timeout=timeout)


async def shows_answer(patient: TelegramUser, question: SentMessage, label: str) -> None:
    """Wait until an answered question shows the answer chosen under its words and has lost
    its buttons (the bot tidies it just after sending its reply)."""
    mark = text("journey.input.chosen", choice=label)
    await patient.wait_until(lambda: (question.text or "").endswith(mark)
                             and question.buttons == [], timeout=10)


async def tap(patient: TelegramUser, label: str, expect: str) -> SentMessage:
    """Tap a button and wait for the bot's answer that contains `expect`."""
    await patient.tap(label)
    return await patient.wait_for_text(expect, timeout=10)


async def give_date_of_birth(patient: TelegramUser, dob: str, expect: str | None = None
                             ) -> SentMessage:
    """Type a date of birth, confirm it when the bot reads it back in words, and wait for the
    answer containing `expect` (by default, that it matches)."""
    await patient.send_text(dob)
    await patient.wait_for_text(text("journey.identity.confirm", date="").strip(" ,"))
    return await tap(patient, text("journey.identity.confirm_yes"),
                     expect or text("journey.identity.ok"))


async def to_consent(patient: TelegramUser, token: str, dob: str = ADULT_DOB) -> None:
    """Open the invite link and pass the date-of-birth check, up to the consent question."""
    await patient.open_deep_link(token)
    asks = (first_line("journey.identity.ask"), first_line("journey.identity.ask_parent"))
    await patient.wait_for(lambda m: any(ask in (m.text or "") for ask in asks))
    await give_date_of_birth(patient, dob)
    await patient.wait_for(lambda m: bool(m.buttons), timeout=10)


async def to_photos(patient: TelegramUser, token: str, dob: str = ADULT_DOB) -> None:
    """Open the link, give `dob` (DD/MM/YYYY), agree, answer the screening questions and read
    the tips."""
    await to_consent(patient, token, dob)
    await tap(patient, text("journey.consent.yes"), text("journey.screening.is_rash.question"))
    await tap(patient, SCREENING[0], text("journey.screening.red_flags.question"))
    await tap(patient, SCREENING[1], text("journey.screening.site.question"))
    await tap(patient, SCREENING[2], text("journey.screening.areas.question"))
    await read_the_tips(patient, SCREENING[3])


async def read_the_tips(patient: TelegramUser, last_answer: str, *, parent: bool = False
                        ) -> None:
    """Give the last screening answer, read each tip (with its picture), up to photo 1; the
    tips for a parent taking a child's photos if `parent`."""
    steps = texts("journey.prepare.steps_parent" if parent else "journey.prepare.steps")
    await tap(patient, last_answer, steps[0])
    for step in steps[1:]:
        await tap(patient, text("journey.prepare.next"), step)
    await tap(patient, text("journey.prepare.ready"), first_line("journey.photos.locator"))


async def details_and_review(patient: TelegramUser, where: str = "left forearm",
                             tried: str = "E45 cream", *, parent: bool = False) -> None:
    """Answer the detail questions (typing `where` and `tried`), up to the review."""
    await answer_details(patient, where, tried, parent=parent)
    summary = "journey.review.summary_parent" if parent else "journey.review.summary"
    await patient.wait_for_text(first_line(summary), timeout=10)


def child_birthday(years: int) -> date:
    """The date of birth of a child of this age today."""
    today = date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


async def to_child_eczema_question(patient: TelegramUser, token: str, born: date) -> None:
    """A parent opens a child's link, both agree, and the screening reaches the eczema question."""
    await to_consent(patient, token, born.strftime("%d/%m/%Y"))
    await parent_agrees(patient)
    await tap(patient, text("journey.consent.child_yes"),
              worded("journey.screening.is_rash.question", parent=True))
    expects = ("red_flags", "site", "areas", "eczema")
    for label, expect in zip(SCREENING, expects, strict=True):
        await tap(patient, label, worded(f"journey.screening.{expect}.question", parent=True))


def taken_again(shot: str, number: int = 1, count: int = 1) -> str:
    """The first line of the request for a photo taken again (new photos a GP asked for, or
    one replaced at the review): "New photo 1 of 2: the whole area.", counting only the
    photos wanted now."""
    which = (text("journey.photos.which_again_one") if count == 1 else
             text("journey.photos.which_again", number=number, count=count))
    return text("journey.photos.again", which=which, what=text(f"journey.photos.what_{shot}"))


async def parent_agrees(patient: TelegramUser) -> None:
    """At a child's consent, say yes to being the parent or guardian, then to the photos, up
    to the question for the child."""
    await tap(patient, text("journey.consent.guardian_yes"), text("journey.consent.agree_parent"))
    await tap(patient, text("journey.consent.yes"), first_line("journey.consent.child_agrees"))


def after(patient: TelegramUser, message: SentMessage) -> list[SentMessage]:
    """The bot's messages sent after this one."""
    shown = patient.messages
    return shown[shown.index(message) + 1:]


def first_line(key: str) -> str:
    """The first line of a text as a chat shows it, up to its first blank to fill in. For a
    message sent unprompted (`UNPROMPTED`), whose first line only says whom it is from (the
    same for many), the first line of its details, after the blank line: enough to know it by."""
    lines = text(key).split("\n")
    if key in UNPROMPTED and len(lines) > 2 and not lines[1]:
        lines = lines[2:]
    return re.sub(r"<[^>]+>", "", lines[0].split("{")[0])


def words(key: str) -> str:
    """The longest stretch of one line of a text with no blank to fill in, as a chat shows it
    (tags removed): enough to know its message by, whatever the blanks hold."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text(key)))
    return max((part.strip() for part in re.split(r"\{[^}]*\}|\n", plain)), key=len)


async def answer_details(patient: TelegramUser, where: str, tried: str, *,
                         parent: bool = False) -> None:
    """Answer the detail questions after the photos (typing `where` and `tried`), each waited
    for by its content key (the first question may share the third photo's message), worded
    for a parent answering for a child if `parent`."""
    await then_says(patient, first_line("journey.details.where_exactly"))
    await patient.send_text(where)
    await patient.wait_for_text(worded("journey.details.duration_question", parent=parent))
    await tap(patient, text("journey.details.duration_weeks"),
              first_line("journey.details.symptoms_question"))
    await tap(patient, text("journey.details.symptoms_itchy"),
              first_line("journey.details.tried_question"))
    await patient.send_text(tried)


async def send_three(patient: Any) -> None:
    """Send a good locator and two good close-ups."""
    await patient.send_document(sample("locator-good.jpg"), "a.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=1), timeout=15)
    await patient.send_photo(sample("close-up-good.jpg"))
    await patient.wait_for_text(text("journey.photos.accepted", number=2), timeout=15)
    await patient.send_document(sample("close-up-good-2.jpg"), "c.jpg", "image/jpeg")
    await patient.wait_for_text(text("journey.photos.accepted", number=3), timeout=15)


def media_ids(messages: list[dict[str, Any]]) -> list[int]:
    """The ids of the photo and file messages among these."""
    return [m["message_id"] for m in messages if "photo" in m or "document" in m]


async def change_site_to_private(patient: TelegramUser) -> SentMessage:
    """At the review, change the body area to private parts and confirm: the request stops
    after its photos (`journey.stop_after_photos.deleted` is the message returned)."""
    await tap(patient, text("journey.review.change"), text("journey.review.change_which"))
    await tap(patient, text("journey.review.change_site"),
              first_line("journey.screening.site.question"))
    await tap(patient, text("journey.screening.site.private"), first_line("journey.confirm.ask"))
    await patient.tap(text("journey.confirm.yes"))
    return await patient.wait_for_text(text("journey.stop_after_photos.deleted"), timeout=10)


async def delete_the_request(patient: TelegramUser) -> tuple[SentMessage, SentMessage]:
    """/delete with one request held, then "Yes, delete": the question and the answer."""
    await patient.send_command("/delete")
    asked = await patient.wait_for_text(words("journey.delete.one"), timeout=10)
    done = await tap(patient, text("journey.commands.delete_yes"),
                     first_line("journey.commands.deleted"))
    return asked, done
