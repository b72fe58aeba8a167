"""Intimate areas typed with digits for letters, letters spaced out, the area run into the word
after it, everyday words that name an area only after "my", and in other languages; ordinary
answers with the same words go on; and the lists are read fast enough for the event loop
(hazard log H72, docs/clinical-safety/intimate-words.md)."""

from __future__ import annotations

import random
import string
import time
from pathlib import Path

import pytest

from bot.domain import intimate
from bot.domain.intimate import names_intimate_area, tried_names_intimate_area
from bot.domain.readings import readings
from bot.domain.spelling import plain

DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize("answer", [
    "b00bs", "my b00bs", "p3nis", "on my p3n1s", "@ss", "my a$$", "b0ttom", "t1ts", "ba11s",
    "p e n i s", "b u m", "b.u.m",
])
def test_digits_for_letters_and_spaced_letters_stop(answer: str) -> None:
    assert names_intimate_area(answer)
    assert tried_names_intimate_area(f"cream on {answer}")


@pytest.mark.parametrize("answer", [
    "E45 cream", "Hc45", "a 10p sized patch on my arm", "between my 4th and 5th toes",
    "3x a day", "piriton 4mg", "SPF50 sun cream", "vitamin B12", "I'm a bit sore",
])
def test_ordinary_digits_and_single_letters_go_on(answer: str) -> None:
    assert not names_intimate_area(answer)
    assert not tried_names_intimate_area(answer)


def test_an_answer_is_read_again_only_when_it_has_digits_signs_or_spaced_letters() -> None:
    assert readings("behind my knee") == ("behind my knee",)
    assert readings("my b00bs") == ("my b00bs", "my boobs")
    assert readings("p e n i s") == ("p e n i s", "penis")
    assert readings("t1ts") == ("t1ts", "tits", "tlts")


@pytest.mark.parametrize("answer", [
    "groinarea", "my groinarea", "breastarea", "bumarea", "grionarea", "bumrash", "mybum",
    "pnis", "my pnis",
])
def test_an_area_run_into_the_next_word_or_a_short_misspelling_stops(answer: str) -> None:
    assert names_intimate_area(answer)


@pytest.mark.parametrize(("intimate_answer", "ordinary_answer"), [
    ("my nuts", "rash round my mouth after eating nuts"),
    ("his nuts", "on my arm, it's driving me nuts"),
    ("my bits", "bits of dry skin on my elbow"),
    ("her bits", "my bits of flaky skin on my scalp"),
    ("my behind", "behind my knee"),
    ("on his behind", "just behind his ear"),
    ("my taint", "a faint patch on my cheek"),
    ("under my bust", "round the scar where I bust my knee"),
    ("my knob", "door knob shaped bump on my wrist"),
    ("on my rear end", "I scraped it on the rear end of my car"),
])
def test_an_everyday_word_stops_only_where_it_names_the_area(
        intimate_answer: str, ordinary_answer: str) -> None:
    """"nuts", "bits", "behind", "bust", "knob" name an area only after "my", "his", "her"...;
    "rear end" does, but not as "the rear end of" something."""
    assert names_intimate_area(intimate_answer)
    assert not names_intimate_area(ordinary_answer)
    assert not tried_names_intimate_area(ordinary_answer)


@pytest.mark.parametrize("answer", [
    "na pośladkach", "na posladkach", "w pachwinie", "tylek", "gaand", "chootad", "pe fese",
    "sânii", "nalgas", "entrepierna", "partes intimas", "virilha", "mamelon", "capezzolo",
])
def test_words_for_the_areas_in_other_languages_stop(answer: str) -> None:
    """Accents and the Polish "ł" may be typed or left out."""
    assert names_intimate_area(answer)


@pytest.mark.parametrize("answer", [
    "na ręce", "pe față", "en la espalda", "la parte trasera de la rodilla", "chehre par",
    "swollen gland in my neck", "wrinkles round my eyes", "a faint rash", "a tingle",
    "on my shins", "my knickers rub my waist",
])
def test_ordinary_words_near_the_new_ones_go_on(answer: str) -> None:
    assert not names_intimate_area(answer)


def test_the_index_finds_what_comparing_with_each_listed_word_finds() -> None:
    """The lists are looked up through an index (`spelling.Nearby`); for every word of the
    fixtures and for misspellings of the listed words, the phrases it may begin are those
    found by comparing it with each listed phrase by the rule itself."""
    lists = intimate._lists()
    ordinary = lists.ordinary
    typed = {word for path in DATA.glob("*.txt")
             for line in path.read_text(encoding="utf-8").splitlines()
             for word in intimate._words(line)}
    rng = random.Random(37)
    for phrase in lists.named.phrases:
        word = "".join(phrase)
        for _ in range(3):
            at = rng.randrange(len(word))
            typed.add(word[:at] + rng.choice(string.ascii_lowercase) + word[at + 1:])
            typed.add(word[:at] + word[at + 1:] + "area")
    for book in (lists.named, lists.excused, lists.excused_tried):
        for word in typed:
            each = {phrase for phrase in book.phrases
                    if (intimate._whole if len(phrase) == 1 else intimate._same)(
                        word, phrase[0], ordinary)
                    or (len(phrase) > 1 and intimate._whole(word, "".join(phrase), ordinary))}
            assert set(intimate._may_begin(word, book, ordinary)) == each, word


def test_a_long_answer_of_words_never_seen_is_read_in_a_fraction_of_a_second() -> None:
    """The check runs on the bot's event loop: 300 words it has not met before (each compared
    with every listed word before the index, about 2.5 ms a word) take well under 0.25 s."""
    rng = random.Random(7)
    answer = " ".join("".join(rng.choice(string.ascii_lowercase)
                              for _ in range(rng.randint(3, 11))) for _ in range(300))
    names_intimate_area("warm up")
    started = time.perf_counter()
    names_intimate_area(answer)
    tried_names_intimate_area(answer)
    assert time.perf_counter() - started < 0.25


@pytest.mark.parametrize("answer", ["p e n i s " * 300, "a " * 2000 + "1", "x" * 4000,
                                    "b00b5 " * 500])
def test_an_answer_as_long_as_a_message_is_read_in_a_fraction_of_a_second(answer: str) -> None:
    """A whole message (Telegram allows 4,096 characters) of spaced letters, one long word or
    digits: never millions of look-ups (spaced letters joined make one word of 1,500 letters,
    which is near no listed word and is not taken apart)."""
    started = time.perf_counter()
    names_intimate_area(answer)
    tried_names_intimate_area(answer)
    assert time.perf_counter() - started < 0.5


def test_plain_reads_barred_letters_as_plain_ones() -> None:
    assert plain("Tyłek") == "tylek"
    assert plain("Pośladek") == "posladek"
