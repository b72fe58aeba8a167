"""/status reads "Where you are: ..." in one breath: no "where" words bring a second colon
("sent to your GP: waiting for them to look" read as two labels)."""

from __future__ import annotations

import tomllib

from bot.content import resource, text


def test_no_where_words_put_a_second_colon_in_the_status_line() -> None:
    words = tomllib.loads(resource("journey.toml").read_text(encoding="utf-8"))["status_words"]
    where = {key: value for key, value in words.items()
             if not key.startswith("next_") and "{" not in value}
    assert "submitted" in where
    for key, value in where.items():
        line = text("journey.commands.status", where=value, next="-").splitlines()[0]
        assert line.count(":") == 1, (key, line)
