"""Draw the patient's stages from the journey's step table, as a Mermaid diagram in the README.

    python scripts/journey_diagram.py            print the diagram
    python scripts/journey_diagram.py --write    put it in README.md, between the markers
    python scripts/journey_diagram.py --check    exit 1 if README.md's diagram is out of date

The table is `bot.journey.service.STEPS` (one step per stage: what it shows, what it accepts,
where it goes); the diagram is `bot.journey.steps.mermaid`. The README holds it between
`<!-- journey-diagram:start -->` and `<!-- journey-diagram:end -->`;
`tests/journey/test_journey_diagram.py` fails when it differs from the table.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.journey.service import STEPS  # noqa: E402
from bot.journey.steps import mermaid  # noqa: E402

README = ROOT / "README.md"
START, END = "<!-- journey-diagram:start -->", "<!-- journey-diagram:end -->"


def block() -> str:
    """The README's diagram block as the step table draws it, markers included."""
    return f"{START}\n```mermaid\n{mermaid(STEPS)}```\n{END}"


def in_readme(readme: str) -> str:
    """The diagram block as it stands in the README text; ValueError if the markers are
    missing."""
    start, end = readme.index(START), readme.index(END)
    return readme[start:end + len(END)]


def main(argv: list[str]) -> int:
    if not argv:
        print(mermaid(STEPS), end="")
        return 0
    readme = README.read_text(encoding="utf-8")
    current = in_readme(readme)
    if argv == ["--check"]:
        if current != block():
            print("README.md's diagram of the patient's stages is out of date: run "
                  "python scripts/journey_diagram.py --write", file=sys.stderr)
            return 1
        return 0
    if argv == ["--write"]:
        README.write_text(readme.replace(current, block()), encoding="utf-8")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
