"""Dates of birth as people type them: day first, two-digit years never in the future."""

from __future__ import annotations

from datetime import date

import pytest

from bot.content import texts
from bot.domain.dates import no_such_date, only_a_date, parse_date_of_birth, said

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(("typed", "born"), [
    ("3/2/80", date(1980, 2, 3)), ("30/4/49", date(1949, 4, 30)),
    ("03.02.1980", date(1980, 2, 3)), ("3 Feb 1980", date(1980, 2, 3)),
    ("3-2-1980", date(1980, 2, 3)), ("3 2 80", date(1980, 2, 3)),
    ("03021980", date(1980, 2, 3)), ("1980-02-03", date(1980, 2, 3)),
    ("3rd February 80", date(1980, 2, 3)), ("February 3, 1980", date(1980, 2, 3)),
    (" 3 feb. 1980 ", date(1980, 2, 3)), ("15/6/19", date(2019, 6, 15)),
    ("29/11/26", date(2026, 11, 29)), ("30/11/26", date(1926, 11, 30)),
])
def test_the_usual_ways_of_typing_a_date_are_read_day_first(typed: str, born: date) -> None:
    assert parse_date_of_birth(typed, TODAY) == born


@pytest.mark.parametrize("typed", ["31/2/1980", "12/13/1980", "3/2/2090", "1/1/1880",
                                   "the third of feb", "3/2", "80", ""])
def test_what_cannot_be_a_date_of_birth_is_refused(typed: str) -> None:
    assert parse_date_of_birth(typed, TODAY) is None


def test_a_date_is_said_back_with_the_month_in_words() -> None:
    assert said(date(1980, 2, 3)) == f"3 {texts('journey.dates.months')[1]} 1980"


def test_only_a_date_is_a_date_of_birth_typed_never_a_place_on_the_body() -> None:
    for typed in ("2 3 1950", "02/03/1950", "2 March 1950", "2 March 1950."):
        assert only_a_date(typed), typed
    for typed in ("left forearm", "back of right knee", "2 spots on my arm", "since March 2024"):
        assert not only_a_date(typed), typed


def test_a_day_that_does_not_exist_is_told_from_words_that_are_no_date() -> None:
    for typed in ("31/2/1980", "31 February 1980", "12/25/1980", "0/3/1980", "29/2/81"):
        assert no_such_date(typed, TODAY), typed
    for typed in ("3/2/1980", "29/2/80", "3/2/2090", "the third of feb", "3/2", "left arm"):
        assert not no_such_date(typed, TODAY), typed
