"""The tests' own layout (issue 14 item 7): helpers live in tests/auxil/, fixtures in conftest.py
files, and no test module imports a conftest or another test module, so each test file can be
read, moved or run on its own."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

from tests.auxil.content import content_texts

TESTS = Path(__file__).resolve().parent
AUXIL = TESTS / "auxil"


def imported_modules(source: str) -> list[str]:
    """Every module an `import` or `from ... import` in this source names, at any depth
    (imports inside functions too); a relative import is given with its leading dots."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append("." * node.level + (node.module or ""))
    return found


def wrong_imports(source: str) -> list[str]:
    """The imports in this source that the layout forbids: a conftest, a test_*.py module, a
    relative import, or any module of tests/ outside tests/auxil/."""
    wrong = []
    for module in imported_modules(source):
        parts = module.split(".")
        if (module.startswith(".") or "conftest" in parts
                or any(part.startswith("test_") for part in parts)
                or (parts[0] == "tests" and parts[:2] != ["tests", "auxil"])):
            wrong.append(module)
    return wrong


def python_files() -> list[Path]:
    """Every .py file under tests/."""
    return sorted(TESTS.rglob("*.py"))


def test_the_check_catches_what_the_layout_forbids() -> None:
    assert wrong_imports("from tests.e2e.conftest import sample\n") == ["tests.e2e.conftest"]
    assert wrong_imports("def f():\n    from tests.journey.test_journey_flow import send\n") \
        == ["tests.journey.test_journey_flow"]
    assert wrong_imports("import conftest\nfrom .patient import tap\n") == ["conftest", ".patient"]
    assert wrong_imports("from tests.e2e.patient import tap\n") == ["tests.e2e.patient"]
    assert wrong_imports("from tests.auxil.e2e.patient import tap\nfrom bot.content import text"
                         "\nimport pytest\n") == []


def test_no_test_conftest_or_helper_imports_a_conftest_or_a_test_module() -> None:
    wrong = {str(path.relative_to(TESTS)): found for path in python_files()
             if (found := wrong_imports(path.read_text()))}
    assert wrong == {}, "import helpers from tests/auxil/ (fixtures come from conftest.py)"


def test_every_helper_module_lives_in_auxil() -> None:
    stray = [str(path.relative_to(TESTS)) for path in python_files()
             if AUXIL not in path.parents
             and not (path.name.startswith("test_") or path.name == "conftest.py")]
    assert stray == [], "a module of helpers belongs in tests/auxil/"


# End-to-end tests match the bot's words through their content keys (`text(key)`), never by
# copying the wording, so a clinician editing bot/content/ does not break them.
CONTENT = TESTS.parent / "bot" / "content"
WAITS = {"wait_for_text", "then_says", "tap", "give_date_of_birth"}
"""Calls whose string arguments are the bot's words (a message waited for, a button tapped)."""
KEY_LIKE = re.compile(r"[a-z0-9_.]+")
"""A lowercase word such as "distance" may be part of a content key (`gp.reason_distance`)."""


WORD_LISTS = {"intimate", "red_flag_signs", "face"}
"""Content files that hold words the bot looks for in patients' answers, never words it says:
a test types them as a patient would ("in", "the" and "penis" are not copied wording)."""


def content_words() -> set[str]:
    """Every text in bot/content/*.toml as a chat shows it (tags removed), of 2 letters or more."""
    found = {html.unescape(re.sub(r"<[^>]+>", "", node)).strip()
             for path in sorted(CONTENT.glob("*.toml")) if path.stem not in WORD_LISTS
             for node in content_texts(path.stem)}
    return {words for words in found if len(words) >= 2}


def copied_words(source: str, words: set[str]) -> list[str]:
    """The string constants in this source that copy the bot's words: one equal to a whole
    content text, or one given to a wait or a tap (see WAITS) that is part of a content text."""
    copied = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and node.value.strip() in words and not KEY_LIKE.fullmatch(node.value):
            copied.append(node.value)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr",
                                                    getattr(node.func, "id", None)) in WAITS:
            copied += [arg.value for arg in node.args
                       if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                       and len(arg.value) >= 4 and any(arg.value in text for text in words)]
    return sorted(set(copied))


def test_the_check_catches_copied_words() -> None:
    words = {"Send to my GP", "Photo 1 of 3 looks good."}
    assert copied_words('await tap(patient, "Send to my GP", "Sent")\n', words) \
        == ["Send to my GP"]
    assert copied_words('await patient.wait_for_text("looks good", timeout=5)\n', words) \
        == ["looks good"]
    assert copied_words('await tap(patient, text("journey.review.send"), first_line(k))\n'
                        'await patient.send_text("left forearm")\n', words) == []
    assert copied_words('[say(f"gp.reason_{r}") for r in ("blurred", "distance")]\n',
                        {"distance"}) == []


def test_end_to_end_tests_wait_for_content_keys_not_copied_words() -> None:
    words = content_words()
    files = [*sorted((TESTS / "e2e").rglob("*.py")), *sorted((AUXIL / "e2e").rglob("*.py"))]
    copied = {str(path.relative_to(TESTS)): found for path in files
              if (found := copied_words(path.read_text(), words))}
    assert copied == {}, "match the bot's words with text(key) from bot.content"
