"""Each photo has one name wherever the patient reads it: the review's captions under the photos,
the "Replace a photo" buttons and the request for the new photo all say "close-up 2", so the
patient replacing the third photo sees which one they are replacing (not "Photo 3: close-up"
above a button "Photo 3 (close-up 2)")."""

from __future__ import annotations

import pytest

from bot.content import text


@pytest.mark.parametrize(("slot", "number"), [("locator", 1), ("close_up_1", 2),
                                              ("close_up_2", 3)])
def test_the_review_names_each_photo_as_replacing_it_does(slot: str, number: int) -> None:
    name = text(f"journey.photos.what_{slot}")
    caption = text(f"journey.review.caption_{slot}")
    button = text(f"journey.review.replace_{slot}")
    assert caption.startswith(f"Photo {number}") and button.startswith(f"Photo {number}")
    short = name.removeprefix("the ")  # "the whole area" is "(whole area)" on its button
    assert short in caption and short in button, (name, caption, button)


def test_the_receipt_says_what_was_sent() -> None:
    """Photos and answers both went: the receipt says so, and the photos' number."""
    for key in ("journey.receipt.text", "journey.receipt.text_parent"):
        first = text(key, practice="P", phone="0", reference="R").splitlines()[0]
        assert "3 photos" in first and "answers" in first, first
