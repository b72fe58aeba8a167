"""The clinical inbox speaks plainly: an empty inbox is stated, not celebrated (hazard log H50)."""

from __future__ import annotations

import re

from bot.content import text

EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
"""Pictographs and symbols (🎉, ✅, ⭐...)."""


def test_an_empty_inbox_is_said_plainly_without_emoji() -> None:
    """A GP's /inbox with nothing waiting says so in plain words, the same with or without
    the practice named."""
    empty = text("inbox.gp.inbox_empty")
    named = text("inbox.gp.inbox_empty_at", practice="The Lawson Practice")
    for words in (empty, named):
        assert not EMOJI.search(words), words
    assert named.replace(" at The Lawson Practice", "") == empty


def test_the_invites_note_names_the_reminder_button_by_its_own_label() -> None:
    """Staff read on a request in progress that a button "comes here" to remind the patient:
    the note names it by the words on the button, so they know it when it comes."""
    label = text("inbox.staff.remind", patient_ref="P-1").split(":")[0].lstrip("🔔 ")
    assert f'"{label}"' in text("inbox.staff.remind_from_note", when="4 December")
    assert "now" not in label.lower().split(), "it sends one reminder, once a day at most"



def test_the_staff_paragraph_under_refer_stands_apart() -> None:
    """"Practice staff get the same task..." under the GP's "Refer ...?" is a paragraph of
    its own, not run on to the line above (TOML drops the line break straight after opening
    triple quotes, so a text written to start with a blank line started with one break)."""
    added = text("inbox.gp.refer_confirm_staff")
    assert added.startswith("\n\n") and not added.startswith("\n\n\n")


def test_the_warning_about_a_different_ubrn_stands_apart() -> None:
    """A GP or member of staff who marks a referral sent after someone else did reads "...
    Nothing has changed." and then the ⚠️ warning that the UBRN they typed was NOT recorded
    as a paragraph of its own, with a blank line above, not run on to the line before (seen
    in the sandbox by newcomer37; TOML drops the first line break after triple quotes)."""
    for key in ("second_mark_differs", "second_mark_unrecorded"):
        added = text(f"inbox.staff.{key}", typed="9999 8888 7777")
        assert added.startswith("\n\n⚠️"), (key, added[:12])


def test_a_ubrn_typed_with_no_question_waiting_is_answered_in_short_lines() -> None:
    """A GP or member of staff who types a UBRN when no question waits for it reads short
    paragraphs (what happened; why; what to do), the button to tap by its own label, and
    what to do when the case already shows it was marked sent, its button gone (seen in the
    sandbox by newcomer37: a UBRN typed after someone marked it sent was told to tap a button
    no longer there)."""
    said = text("inbox.gp.ubrn_not_waiting")
    assert said.count("\n\n") >= 2, said
    assert f'"{text("inbox.gp.referral_sent").lstrip("📨 ")}"' in said
    marked = text("inbox.staff.referral_marked", name="", when="").lstrip("✅ ").split(" by")[0]
    assert f'"{marked}"' in said
