"""The tests' own layout (issue 14 item 7): helpers live in tests/auxil/, fixtures in conftest.py
files, and no test module imports a conftest or another test module, so each test file can be
read, moved or run on its own."""

from __future__ import annotations

import ast
from pathlib import Path

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
