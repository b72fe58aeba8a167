"""The package's import graph: no cycles inside bot/, and the bot's run path free of dev tools
(issue 14, items 2 and 6)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import bot

PACKAGE = Path(bot.__file__).parent
DEV_TOOLS = ("bot.emulator", "bot.sandbox", "bot.quality.evaluate", "bot.quality.dataset",
             "bot.quality.realset", "bot.quality.faceset", "aiohttp")
"""What `python -m bot run` must not import: the Bot API emulator, the sandbox, the photo
checks' evaluation kit, and aiohttp (the sandbox's web server, its own extra)."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def parents(name: str) -> list[str]:
    """The packages importing `name` runs first (bot, bot.handlers...)."""
    parts = name.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def is_type_checking(node: ast.AST) -> bool:
    """An `if TYPE_CHECKING:` block (or `typing.TYPE_CHECKING`)."""
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str) -> set[str]:
    """Modules of bot/ that `name` imports anywhere in its code (deferred imports included:
    an import moved into a function to dodge a cycle is still a cycle), except imports for the
    type checker only (`if TYPE_CHECKING:`), which never run."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(inner) for node in ast.walk(tree) if is_type_checking(node)
                   for statement in node.body for inner in ast.walk(statement)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                       for alias in node.names]
        for target in targets:
            if target in MODULES:
                found.update({target, *parents(target)})
    found.discard(name)
    return {module for module in found if module not in parents(name)}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first repeated at the end), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_package_has_no_import_cycle() -> None:
    graph = {name: imports_of(name) for name in MODULES}
    assert graph["bot.app"] >= {"bot.handlers.wiring", "bot.services.container"}  # it reads
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_a_cycle_would_be_found() -> None:
    graph = {name: set(edges) for name, edges in
             {name: imports_of(name) for name in MODULES}.items()}
    graph["bot.services.container"].add("bot.app")  # as if the services imported the app back
    cycle = find_cycle(graph)
    assert cycle is not None and "bot.app" in cycle


def test_handlers_import_nothing_from_the_app_module() -> None:
    for name in MODULES:
        if name.startswith("bot.handlers"):
            assert "bot.app" not in imports_of(name), name


def loaded_by(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=PACKAGE.parent, timeout=120)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_run_path_loads_no_dev_tools() -> None:
    loaded = loaded_by("import bot.__main__\n"
                       "from bot.app import build_application\n"
                       "from bot.config import Settings\n"
                       "build_application(Settings(_env_file=None,"
                       " telegram_bot_token='123456:run-path-check'))")
    assert "bot.app" in loaded and "bot.handlers.patient" in loaded
    tools = sorted(m for m in loaded if m.startswith(DEV_TOOLS))
    assert not tools, f"the run path loads {tools}"
