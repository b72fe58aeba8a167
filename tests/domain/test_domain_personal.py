"""Personal details in typed answers: found by kind, ordinary answers left alone."""

from __future__ import annotations

import pytest

from bot.domain.personal import personal_details


@pytest.mark.parametrize(("words", "kinds"), [
    ("left forearm. I am Jane, 12 Acacia Road, phone 07700 900123", ("phone",)),
    ("back of knee, email jane.smith@example.com", ("email",)),
    ("left shin, I live at SW1A 1AA", ("postcode",)),
    ("NHS no 943 476 5919", ("nhs_number",)),
    ("call +44 (0)20 7946 0958", ("phone",)),
    ("ring 020-7946-0958 after 6", ("phone",)),
])
def test_a_phone_number_email_postcode_or_nhs_number_is_found(words: str,
                                                               kinds: tuple[str, ...]) -> None:
    assert personal_details(words) == kinds


@pytest.mark.parametrize("words", [
    "left forearm", "back of right knee", "E45 cream twice a day for 2 weeks",
    "1% hydrocortisone since 12/03", "inner elbow, both arms, 3 spots", "Dermol 500 lotion",
    "used E45 1st", "E45 2nd week", "cream at 08.00 12.00 18.00", "from 2023 2024 2025",
    "10 12 14 15 16 mm spots", "1234567890 is not a valid NHS number",
])
def test_ordinary_answers_about_the_rash_have_none(words: str) -> None:
    assert personal_details(words) == ()
