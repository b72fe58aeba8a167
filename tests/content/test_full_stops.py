"""No patient text built from parts doubles a full stop: a value that ends its own sentence (a
GP's typed reason, a practice name ending "Co.") put before the text's own full stop.

Checked on the assembled texts, as the bot fills them in (`bot.content.text`), not on the TOML.
"""

from __future__ import annotations

import re
from string import Formatter

from bot.content import text
from scripts.reading_age import patient_messages

ENDINGS = ("It shows your elbow.", "Is it on your knee?", "Smith & Co.")
"""Values that end a sentence of their own, as a GP or a practice may write them."""
DOUBLED = re.compile(r"[.!?]\.")


def test_no_assembled_patient_text_doubles_a_full_stop() -> None:
    built = 0
    for key, words in patient_messages():
        names = {name for _, name, _, _ in Formatter().parse(words) if name}
        if "[" in key or not names:
            continue
        for ending in ENDINGS:
            assembled = text(key, **dict.fromkeys(names, ending))
            assert not DOUBLED.search(assembled.replace("...", "")), (key, assembled)
        built += 1
    assert built > 50, "the patient texts with blanks to fill in"
    why = text("inbox.patient.new_photos", reference="TD-1", shots="photo 3 (close-up)",
               reason=ENDINGS[0])
    assert f"Why: {ENDINGS[0]}\n" in why, "the GP's words end the sentence, once"
