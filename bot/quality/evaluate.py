"""Measure the checks on labelled photos: `python -m bot.quality.evaluate DIR [--child]`.

DIR holds `<shot>/<label>/*` (shot `locator` or `close_up`; label `good`, `blurred`, `shake`,
`dark`, `bright`, `cast`, `far`, `close`, `small`, `face`, `natural` (a real photo that came
out badly of itself), and the harmless `jpeg`, `telegram` and `enlarged`: good photos
recompressed or resized, which should still be accepted). Prints, per check, how many photos of
each label it passed, warned and failed, the ROC-AUC of its score (good against the labels it
is meant to catch), the share of good photos accepted, the share of each faulty kind caught and
caught for the right reason, and, when file names carry a skin tone (`monk01`..`monk10`, or
`tone-light`, `tone-medium`, `tone-dark`), the rates per skin tone. `--ignore-size` sets the
size rule aside, for real photographs kept at their own size. When some photos are smaller than
the bot accepts, the figures are given again for those as large (`Outcome.large`); when file
names say how a photo was taken (`-by-smartphone-` and so on, from the manifest's `kind`), good
photos accepted are given for each way. Shares of good photos accepted (overall, per skin tone
and per source) and of each fault caught for the right reason carry a 95% Wilson interval
(`wilson`), because the real sets are small: ten photos of dark skin in a half cannot show a
rate to within 5 points. Photos from one source are alike, so the true uncertainty is wider.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from bot.quality.decode import MIN_LONG, MIN_SHORT
from bot.quality.engine import assess, measure_pixels
from bot.quality.result import CHECK_NAMES, Assessment, Check, Shot, verdict_of

SHOTS: tuple[Shot, ...] = ("locator", "close_up")
EXPECTED = {"blurred": "sharpness", "shake": "sharpness", "dark": "exposure", "bright": "exposure",
            "cast": "exposure", "far": "framing", "close": "framing", "small": "size",
            "natural": "any check",
            "face": "face"}
"""Which check each faulty label should trip."""
HARMLESS = {"jpeg": "good photos saved as heavy JPEG",
            "telegram": "good photos as Telegram sends them (at most 1280 px, JPEG 87)",
            "enlarged": "good photos blown up to 1280 px (JPEG 87)"}
"""Labels of good photos with a change that should not cause a retake."""
REASONS = {"blurred": {"blurred"}, "shake": {"shake"}, "dark": {"dark"},
           "bright": {"bright", "glare"}, "cast": {"cast"}, "far": {"far"}, "close": {"close"},
           "small": {"too_small"}, "face": {"child", "adult"}}
"""The reasons (advice) that are right for each faulty label."""
TONE = re.compile(r"monk(\d{2})|tone-(light|medium|dark)")
TONE_ORDER = {"light": 101, "medium": 102, "dark": 103}
CAPTURE = re.compile(r"-by-([a-z0-9_]+)-")
"""How a real photograph was taken, in its file name (`tone-light-by-smartphone-...`, written
by `realset`)."""
SOURCE = re.compile(r"-by-[a-z0-9_]+-([a-z0-9]+)_\d+")
"""Which collection a real photograph came from: the manifest id's prefix (`hball_006` is from
`hball`), in the file name written by `realset`."""
Z95 = 1.959964
"""Standard normal quantile for a two-sided 95% interval."""


@dataclass(frozen=True)
class Outcome:
    """One photo's label and what the engine said."""

    shot: Shot
    label: str
    name: str
    verdict: str
    statuses: dict[str, str]
    scores: dict[str, float]
    reasons: dict[str, str | None] = field(default_factory=dict)
    sides: tuple[int, int] = (0, 0)
    """The photo's long and short sides in pixels ((0, 0) when not known)."""

    @property
    def large(self) -> bool:
        """As large as the bot accepts (`decode.MIN_LONG` by `decode.MIN_SHORT` or more)."""
        return self.sides[0] >= MIN_LONG and self.sides[1] >= MIN_SHORT

    @property
    def tone(self) -> str | None:
        """The skin tone in the file name (`monk01`..`monk10`, or `tone-light` etc.), if any."""
        found = TONE.search(self.name)
        if not found:
            return None
        return found.group(1) or found.group(2)

    @property
    def source(self) -> str | None:
        """The collection a real photograph came from (`SOURCE`), if the name says."""
        found = SOURCE.search(self.name)
        return found.group(1) if found else None

    @property
    def capture(self) -> str | None:
        """How the photograph was taken (`smartphone`, `clinical`...), from the file name."""
        found = CAPTURE.search(self.name)
        return found.group(1) if found else None

    def right_reason(self) -> bool:
        """A faulty photo sent back (or flagged) with the advice that fits its fault."""
        wanted = REASONS.get(self.label, set())
        if self.label == "face":
            return self.reasons.get("face") in wanted
        if self.label == "close":
            return self.reasons.get("framing") == "close"
        return any(self.statuses.get(name) == "fail" and reason in wanted
                   for name, reason in self.reasons.items())

    def flagged(self) -> bool:
        """A faulty photo given the advice that fits its fault, sent back or only advised."""
        wanted = REASONS.get(self.label, set())
        return any(self.statuses.get(name) in ("fail", "warn") and reason in wanted
                   for name, reason in self.reasons.items())

    def caught(self) -> bool:
        """A faulty photo counts as caught when it gets a retake; a face, and a locator taken
        too close (which is only ever advised, never sent back), when they are flagged."""
        if self.label == "face":
            return self.statuses.get("face", "pass") != "pass"
        if self.label == "close":
            return self.reasons.get("framing") == "close"
        return self.verdict == "retake"


@dataclass
class Report:
    """Figures for a labelled set."""

    outcomes: list[Outcome]
    counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    auc: dict[str, float] = field(default_factory=dict)
    label_auc: dict[tuple[str, str], float] = field(default_factory=dict)
    good_accepted: float = 0.0
    harmless_accepted: dict[str, float] = field(default_factory=dict)
    caught: dict[str, float] = field(default_factory=dict)
    right_reason: dict[str, float] = field(default_factory=dict)
    flagged: dict[str, float] = field(default_factory=dict)
    tone_rejected: dict[str, dict[str, float]] = field(default_factory=dict)
    capture_accepted: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Good photos accepted and all good photos, by how they were taken (`Outcome.capture`)."""
    tone_accepted: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Good photos accepted and all good photos, by skin tone (`Outcome.tone`)."""
    source_accepted: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Good photos accepted and all good photos, by source (`Outcome.source`)."""
    totals: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """For each label: (accepted for good or harmless labels, else caught; caught with the
    right reason; how many)."""
    large: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """For each label with some photos smaller than the bot accepts, among those as large
    (`Outcome.large`): (accepted for a good or harmless label, else caught; caught with the
    right reason; how many)."""


def auc(negatives: Sequence[float], positives: Sequence[float]) -> float:
    """ROC-AUC: the chance a faulty photo scores worse than a good one (ties count half)."""
    if not negatives or not positives:
        return float("nan")
    ranked = sorted([(v, 0) for v in negatives] + [(v, 1) for v in positives])
    rank_sum, index = 0.0, 0
    while index < len(ranked):
        end = index
        while end + 1 < len(ranked) and ranked[end + 1][0] == ranked[index][0]:
            end += 1
        mean_rank = (index + end) / 2 + 1
        rank_sum += mean_rank * sum(1 for k in range(index, end + 1) if ranked[k][1] == 1)
        index = end + 1
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def wilson(hits: int, total: int) -> tuple[float, float]:
    """95% Wilson score interval (low, high, both 0-1) of a share `hits` of `total`.

    Unlike the plain share plus or minus two standard errors it stays inside 0-1 and is honest
    for small counts and shares near 0 or 1 (10 of 10 gives 0.72-1.0). (0.0, 1.0) when total
    is 0. Source: E. B. Wilson, J. Am. Stat. Assoc. 22 (1927) 209-212.
    """
    if total <= 0:
        return (0.0, 1.0)
    share, z2 = hits / total, Z95 * Z95
    centre = (share + z2 / (2 * total)) / (1 + z2 / total)
    half = Z95 * math.sqrt(share * (1 - share) / total + z2 / (4 * total * total))
    half /= 1 + z2 / total
    low = 0.0 if hits == 0 else max(0.0, centre - half)
    high = 1.0 if hits == total else min(1.0, centre + half)
    return (low, high)


def _share(hits: int, total: int) -> str:
    """`92.4% (182/197, 95% interval 87.8%-95.3%)`."""
    low, high = wilson(hits, total)
    return (f"{hits / max(total, 1):.1%} ({hits}/{total}, "
            f"95% interval {low:.1%}-{high:.1%})")


def _one(job: tuple[str, Shot, str, bool, bool]) -> Outcome:
    path, shot, label, child, ignore_size = job
    if ignore_size:
        with Image.open(path) as opened:
            rgb = np.asarray(ImageOps.exif_transpose(opened).convert("RGB"), dtype=np.uint8)
        checks: tuple[Check, ...] = measure_pixels(rgb, shot, child=child)
        verdict = verdict_of(checks)
        height, width = rgb.shape[:2]
    else:
        result: Assessment = assess(Path(path).read_bytes(), shot, child=child)
        checks, verdict = result.checks, result.verdict
        width, height = result.width, result.height
    statuses: dict[str, str] = {c.name: c.status for c in checks}
    scores = {c.name: c.score for c in checks}
    reasons = {c.name: c.reason for c in checks}
    return Outcome(shot, label, Path(path).name, verdict, statuses, scores, reasons,
                   (max(width, height), min(width, height)))


def collect(root: Path) -> list[tuple[str, Shot, str]]:
    """Every labelled photo under root, in a fixed order."""
    jobs = []
    for shot in SHOTS:
        for folder in sorted((root / shot).glob("*")):
            if folder.is_dir():
                jobs += [(str(p), shot, folder.name) for p in sorted(folder.iterdir())
                         if p.is_file()]
    return jobs


def run(root: Path, *, child: bool = False, jobs: int | None = None,
        ignore_size: bool = False) -> Report:
    """Assess every photo (in worker processes) and work out the figures.

    `ignore_size` sets the size rule aside (for real photographs kept at their own size).
    """
    work = [(path, shot, label, child, ignore_size) for path, shot, label in collect(root)]
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(work) > 20:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(_one, work, chunksize=8))
    else:
        outcomes = [_one(job) for job in work]
    return summarise(outcomes)


def summarise(outcomes: list[Outcome]) -> Report:
    """Counts, AUCs, acceptance, catch rates and per-tone rates."""
    report = Report(outcomes)
    for check in CHECK_NAMES:
        table: dict[str, dict[str, int]] = defaultdict(lambda: {"pass": 0, "warn": 0, "fail": 0})
        for o in outcomes:
            if check in o.statuses:
                table[o.label][o.statuses[check]] += 1
        report.counts[check] = dict(table)
        good = [o.scores[check] for o in outcomes if o.label == "good" and check in o.scores]
        bad = [o.scores[check] for o in outcomes
               if EXPECTED.get(o.label) == check and check in o.scores]
        report.auc[check] = auc(good, bad)
        for label in sorted({o.label for o in outcomes if EXPECTED.get(o.label) == check}):
            faulty = [o.scores[check] for o in outcomes if o.label == label and check in o.scores]
            report.label_auc[(check, label)] = auc(good, faulty)
    goods = [o for o in outcomes if o.label == "good"]
    report.good_accepted = sum(o.verdict == "accept" for o in goods) / max(len(goods), 1)
    for capture in sorted({o.capture for o in goods if o.capture is not None}):
        taken = [o for o in goods if o.capture == capture]
        report.capture_accepted[capture] = (sum(o.verdict == "accept" for o in taken), len(taken))
    for skin in sorted({t for o in goods if (t := o.tone) is not None},
                       key=lambda t: _tone_key((t, 0))):
        toned = [o for o in goods if o.tone == skin]
        report.tone_accepted[skin] = (sum(o.verdict == "accept" for o in toned), len(toned))
    for source in sorted({s for o in goods if (s := o.source) is not None}):
        came = [o for o in goods if o.source == source]
        report.source_accepted[source] = (sum(o.verdict == "accept" for o in came), len(came))
    for label in sorted({o.label for o in outcomes}):
        group = [o for o in outcomes if o.label == label]
        harmless = label == "good" or label in HARMLESS
        report.totals[label] = (
            sum((o.verdict == "accept") if harmless else o.caught() for o in group),
            0 if harmless else sum(o.right_reason() for o in group), len(group))
    for label in sorted({o.label for o in outcomes} - {"good"}):
        group = [o for o in outcomes if o.label == label]
        if label in HARMLESS:
            report.harmless_accepted[label] = (
                sum(o.verdict == "accept" for o in group) / len(group))
        else:
            report.caught[label] = sum(o.caught() for o in group) / len(group)
            report.right_reason[label] = sum(o.right_reason() for o in group) / len(group)
            report.flagged[label] = sum(o.flagged() for o in group) / len(group)
    for label in sorted({o.label for o in outcomes}):
        large = [o for o in outcomes if o.label == label and o.large]
        if large and len(large) < sum(o.label == label for o in outcomes):
            harmless = label == "good" or label in HARMLESS
            report.large[label] = (
                sum((o.verdict == "accept") if harmless else o.caught() for o in large),
                0 if harmless else sum(o.right_reason() for o in large), len(large))
    for label in sorted({o.label for o in outcomes}):
        per_tone: dict[str, list[bool]] = defaultdict(list)
        for o in outcomes:
            tone = o.tone
            if o.label == label and tone is not None:
                per_tone[tone].append(o.verdict == "retake")
        if per_tone:
            report.tone_rejected[label] = {t: sum(v) / len(v) for t, v
                                           in sorted(per_tone.items(), key=_tone_key)}
    return report


def format_report(report: Report) -> str:
    """The figures as plain text tables."""
    lines: list[str] = []
    labels = sorted({o.label for o in report.outcomes}, key=_label_order)
    for check in CHECK_NAMES:
        per_label = ", ".join(f"{label} {value:.3f}" for (name, label), value
                              in report.label_auc.items() if name == check)
        lines.append(f"check {check}: ROC-AUC {report.auc[check]:.3f} ({per_label})"
                     "  pass/warn/fail by label:")
        for label in labels:
            row = report.counts[check].get(label)
            if row:
                lines.append(f"  {label:<8} {row['pass']:>4} {row['warn']:>4} {row['fail']:>4}")
    accepted, _, total = report.totals.get("good", (0, 0, 0))
    lines.append(f"good photos accepted: {_share(accepted, total)}")
    if report.tone_accepted and any(not tone.isdigit() for tone in report.tone_accepted):
        lines.append("  by skin tone: " + ", ".join(
            f"{tone} {_share(hits, count)}" for tone, (hits, count)
            in report.tone_accepted.items()))
    if report.source_accepted:
        lines.append("  by source (those with any sent back): " + ", ".join(
            f"{source} {hits}/{count}" for source, (hits, count)
            in report.source_accepted.items() if hits < count))
    if report.capture_accepted:
        lines.append("  by how they were taken: " + ", ".join(
            f"{capture} {accepted / total:.1%} ({accepted}/{total})"
            for capture, (accepted, total) in report.capture_accepted.items()))
    for label, share in report.harmless_accepted.items():
        lines.append(f"{label:<8} accepted: {share:.1%}  ({HARMLESS[label]})")
    for label, share in report.caught.items():
        right = report.right_reason.get(label, float("nan"))
        flagged = report.flagged.get(label, float("nan"))
        _, hits, total = report.totals.get(label, (0, 0, 0))
        right_text = _share(hits, total) if total and label in REASONS else f"{right:.1%}"
        lines.append(f"{label:<8} caught: {share:.1%}  (by {EXPECTED.get(label, '?')}; "
                     f"with the right reason: {right_text}; right advice, sent back or "
                     f"only advised: {flagged:.1%})")
    if report.large:
        lines.append(f"photos as large as the bot accepts ({MIN_LONG} x {MIN_SHORT} px or more): "
                     "accepted, or caught (with the right reason):")
        for label in labels:
            if label in report.large:
                done, right, total = report.large[label]
                reason = "" if label == "good" or label in HARMLESS else f" ({right / total:.0%})"
                lines.append(f"  {label:<8} {done / total:.1%}{reason} of {total}")
    if report.tone_rejected:
        tones = sorted({t for rates in report.tone_rejected.values() for t in rates},
                       key=lambda t: _tone_key((t, 0.0)))
        lines.append("retake rate by skin tone:   " + " ".join(f"{t[:6]:>6}" for t in tones)
                     + "  spread")
        for label in labels:
            rates = report.tone_rejected.get(label)
            if rates:
                cells = " ".join(f"{rates.get(t, float('nan')):>6.0%}" for t in tones)
                spread = max(rates.values()) - min(rates.values())
                lines.append(f"  {label:<23} {cells}  {spread:.0%}")
    return "\n".join(lines)


def _tone_key(item: tuple[str, object]) -> int:
    tone = item[0]
    return TONE_ORDER.get(tone, int(tone) if tone.isdigit() else 999)


def _label_order(label: str) -> tuple[int, str]:
    order = ["good", *HARMLESS, *EXPECTED]
    return (order.index(label) if label in order else len(order), label)


def main(argv: Iterable[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot.quality.evaluate")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--child", action="store_true", help="assess as for a child")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes")
    parser.add_argument("--ignore-size", action="store_true",
                        help="set the size rule aside (real photographs at their own size)")
    args = parser.parse_args(list(argv) if argv is not None else sys.argv[1:])
    if not args.folder.is_dir():
        print(f"no such folder: {args.folder}", file=sys.stderr)
        return 2
    report = run(args.folder, child=args.child, jobs=args.jobs, ignore_size=args.ignore_size)
    if not report.outcomes:
        print("no photos found (expected DIR/<shot>/<label>/*)", file=sys.stderr)
        return 1
    print(format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
