"""The face named in a child's typed "Exactly where?" answer (`bot.domain.face_words`, words in
`bot/content/face.toml`): whole words in any case, near spellings of longer words, and not
the neck, the ears or the scalp, which are not the face (hazard log H76)."""

from __future__ import annotations

import pytest

from bot.domain.face_words import names_face


@pytest.mark.parametrize("where", [
    "on his cheek", "Both CHEEKS", "forehead", "fore-head", "round her eyes and nose",
    "top lip", "under his chin", "along the jawline", "left temple", "eyebrows",
    "around the mouth", "perioral", "her face", "facial rash", "nostrils", "eyelid",
    # near spellings of longer words, as typed on a phone
    "forhead", "cheeek", "on her cheak", "eyelidd", "mouht",
])
def test_the_face_is_found(where: str) -> None:
    assert names_face(where)


@pytest.mark.parametrize("where", [
    "back of his neck", "behind her ear", "on his scalp", "top of the head",
    "left shin", "both shins", "a month ago, on the arm", "check his arm", "left forearm",
    "chest and tummy", "the surface of her knee", "back of the hand", "in the hairline at the back",
    "earlobe", "youth club said it was heat rash, on his back", "south side of her leg",
])
def test_ordinary_answers_go_on(where: str) -> None:
    assert not names_face(where)
