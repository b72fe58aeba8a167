"""The journey and the inbox do not import each other, even by way of another module: the
rules both use (age, dates of birth, the questions and the criteria they apply) live in
`bot.domain`, which imports neither. Read from the source with `ast`, so an import inside a
function or under TYPE_CHECKING counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import bot

PACKAGE = Path(bot.__file__).parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The modules of `bot` that this module imports, wherever in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    named: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            named.add(base)
            named.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in named if module in MODULES and module != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def reached(start: str) -> dict[str, list[str]]:
    """Every module `start` imports, directly or not, with the chain of imports to it."""
    paths = {start: [start]}
    todo = [start]
    while todo:
        current = todo.pop()
        for module in sorted(GRAPH[current]):
            if module not in paths:
                paths[module] = [*paths[current], module]
                todo.append(module)
    return paths


def _crossings(source: str, target: str) -> list[str]:
    found = []
    for name in MODULES:
        if name == source or name.startswith(f"{source}."):
            for module, chain in reached(name).items():
                if module == target or module.startswith(f"{target}."):
                    found.append(" -> ".join(chain))
    return found


def test_the_graph_sees_the_imports_it_checks() -> None:
    assert "bot.domain.questions" in GRAPH["bot.journey.prompts"]
    assert "bot.domain.questions" in GRAPH["bot.inbox.digest"]
    assert "bot.inbox.routing" in GRAPH["bot.app"] and "bot.journey.service" in GRAPH["bot.app"]
    assert "bot.channels.queue" in GRAPH["bot.inbox.routing"], "imports inside functions count"


def test_the_journey_does_not_import_the_inbox() -> None:
    assert _crossings("bot.journey", "bot.inbox") == []


def test_the_inbox_does_not_import_the_journey() -> None:
    assert _crossings("bot.inbox", "bot.journey") == []


def test_the_domain_imports_neither_nor_the_store() -> None:
    for other in ("bot.journey", "bot.inbox", "bot.store", "bot.handlers"):
        assert _crossings("bot.domain", other) == []
