"""Fewer messages per step (issue 16, fast under load): what `merged` joins and what it keeps
apart, with the journey's own words."""

from __future__ import annotations

from bot.content import asset, text
from bot.journey.replies import (
    PHONE_LINES,
    Button,
    Reply,
    fits_one_message,
    merged,
    phone_lines,
    say,
)


def words(key: str, **values: object) -> str:
    """Patient words from journey.toml."""
    return text(f"journey.{key}", **values)


def test_a_plain_text_joins_the_question_after_it_which_keeps_its_buttons() -> None:
    yes = Button(words("consent.yes"), "consent|consent|yes")
    replies = [say(words("screening.intro")), say(words("screening.is_rash.question"), (yes,))]
    joined = merged(replies)
    assert joined == [Reply(text=f"{words('screening.intro')}\n\n"
                                 f"{words('screening.is_rash.question')}",
                            buttons=((yes,),))]


def test_a_verdict_the_deleted_note_and_done_join_the_first_detail_question() -> None:
    replies = [say(f"{words('photos.accepted', number=3)}\n\n{words('photos.removed')}"),
               say(words("photos.all_done")),
               say(f"{words('details.intro')}\n\n{words('details.where_exactly')}")]
    joined = merged(replies)
    assert len(joined) == 1 and joined[0].text.endswith(words("details.where_exactly"))
    assert phone_lines(joined[0].text) <= PHONE_LINES


def test_the_three_parts_of_consent_stay_three_messages_each_on_one_screen() -> None:
    parts = [say(words("identity.ok")), say(words("consent.why")), say(words("consent.who")),
             say(words("consent.keep", days=30),
                 (Button(words("consent.yes"), "consent|consent|yes"),))]
    joined = merged(parts)
    assert [r.text for r in joined] == [
        f"{words('identity.ok')}\n\n{words('consent.why')}", words("consent.who"),
        words("consent.keep", days=30)], "'That matches' joins only the first part"
    assert not fits_one_message(f"{words('consent.why')}\n\n{words('consent.who')}")
    assert all(fits_one_message(r.text) for r in joined)


def test_a_text_before_a_picture_or_an_album_and_a_question_with_buttons_stay_apart() -> None:
    verdict = say(words("photos.accepted", number=1))
    picture = Reply(text=words("photos.close_up_1"),
                    picture=asset("pictures/example-close-up.png"))
    album = Reply(album=((b"jpeg", words("review.caption_locator")),))
    question = say(words("identity.confirm", date="3 February 1980"),
                   (Button(words("identity.confirm_yes"), "identity|dob|1980-02-03"),))
    assert merged([verdict, picture]) == [verdict, picture]
    assert merged([verdict, album]) == [verdict, album]
    assert merged([question, verdict]) == [question, verdict]
