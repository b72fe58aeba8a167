"""Measure the face check on real photographs: `python -m bot.quality.faceset MANIFEST`.

MANIFEST is a CSV of photographs with and without faces (columns `id`, `file` relative to the
manifest's folder, `faces`: how many identifiable faces, `smallest_face_frac`: the smallest
face's height over the photo's long side, `pose`, `skin_tone`); see
`docs/real-photos/faces-manifest.csv`. Each photo is checked as a child's locator would be, and
the recall on photos with a face (by size, pose and tone) and the false alarms on photos
without one are printed.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from bot.quality.engine import measure_pixels
from bot.quality.realset import load, manifest_rows


@dataclass(frozen=True, slots=True)
class FaceOutcome:
    """What the face check said of one real photograph with or without faces."""

    id: str
    faces: int
    smallest: float
    pose: str
    tone: str
    flagged: bool


def face_outcomes(manifest: Path) -> list[FaceOutcome]:
    """Run the face check, as for a child's locator, on every photograph of a faces manifest.

    Columns: `id`, `file`, `faces` (how many identifiable faces), `smallest_face_frac` (the
    smallest face's height over the photo's long side), `pose`, `skin_tone`.
    """
    outcomes = []
    for row, path in manifest_rows(manifest):
        checks = measure_pixels(load(path), "locator", child=True)
        face = next(c for c in checks if c.name == "face")
        outcomes.append(FaceOutcome(
            row["id"], int(row.get("faces") or 0), float(row.get("smallest_face_frac") or 0),
            row.get("pose", ""), row.get("skin_tone", ""), face.status == "fail"))
    return outcomes


def format_faces(outcomes: list[FaceOutcome]) -> str:
    """Recall on photos with a face (by the smallest face's size, pose and tone) and false
    alarms on photos without one."""
    lines = []
    with_face = [o for o in outcomes if o.faces > 0]
    without = [o for o in outcomes if o.faces == 0]

    def share(group: list[FaceOutcome]) -> str:
        return f"{sum(o.flagged for o in group)}/{len(group)}" if group else "0/0"

    big = [o for o in with_face if o.smallest >= 0.05]
    lines.append(f"faces found (face at 5% of the long side or more): {share(big)}")
    lines.append(f"faces found (smaller faces too): {share(with_face)}")
    for pose in sorted({o.pose for o in big}):
        lines.append(f"  pose {pose:<8} {share([o for o in big if o.pose == pose])}")
    for tone in sorted({o.tone for o in big}):
        lines.append(f"  tone {tone:<8} {share([o for o in big if o.tone == tone])}")
    lines.append(f"photos without a face flagged as having one: {share(without)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: print the face check's recall and false alarms for a manifest."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_file():
        print("usage: python -m bot.quality.faceset MANIFEST", file=sys.stderr)
        return 2
    print(format_faces(face_outcomes(Path(args[0]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
