"""The evaluation on a labelled set built from real photographs and rendered skin of ten tones."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.quality import evaluate

CAUGHT_AT_LEAST = {"blurred": 0.7, "dark": 0.85, "bright": 0.75, "close": 0.9,
                   "small": 1.0, "face": 0.95}
"""Floors on the rendered quick set, a regression guard. The checks are calibrated on real
photographs (docs/quality-evaluation.md); rendered skin has less texture than real skin, so
mild rendered blur (a 3 px disc at 1280 px) often reads as soft, which warns but is accepted.
"Too far" has no floor: the rendered rooms are beige, the colour of skin, so the skin share
cannot tell them from skin, and the only "far" photos sent back were sent back for coloured
light, the wrong reason (a known limit, docs/quality-evaluation.md)."""


@pytest.fixture(scope="module")
def report(quick_set: Path) -> evaluate.Report:
    return evaluate.run(quick_set, jobs=2)


def test_set_has_every_shot_and_label(quick_set: Path) -> None:
    for shot in ("locator", "close_up"):
        labels = {p.name for p in (quick_set / shot).iterdir()}
        assert {"good", "blurred", "dark", "bright", "small", "face"} <= labels
    assert (quick_set / "close_up" / "far").is_dir()
    assert (quick_set / "locator" / "close").is_dir()


def test_good_photos_are_accepted(report: evaluate.Report) -> None:
    assert report.good_accepted >= 0.95


def test_each_faulty_kind_is_caught(report: evaluate.Report) -> None:
    for label, floor in CAUGHT_AT_LEAST.items():
        assert report.caught[label] >= floor, (label, report.caught[label])


def test_coloured_light_is_caught_and_heavy_jpeg_is_not_punished(report: evaluate.Report) -> None:
    assert report.caught["cast"] >= 0.75
    assert report.harmless_accepted["jpeg"] >= 0.85
    assert "jpeg" not in report.caught


def test_blur_and_exposure_scores_separate_good_from_faulty(report: evaluate.Report) -> None:
    assert report.label_auc[("sharpness", "blurred")] >= 0.95
    good = [o.scores["exposure"] for o in report.outcomes if o.label == "good"]
    faulty = [o.scores["exposure"] for o in report.outcomes if o.label in ("dark", "bright")]
    assert evaluate.auc(good, faulty) >= 0.95
    assert report.label_auc[("exposure", "dark")] >= 0.95
    assert report.auc["exposure"] >= 0.95  # dark, bright and coloured light together


def test_no_skin_tone_is_treated_much_worse_under_the_same_light(
    report: evaluate.Report,
) -> None:
    good = report.tone_rejected["good"]
    assert len(good) == 10
    assert max(good.values()) <= 0.25  # at most one of the few good photos of any tone
    # Over-exposure that burns nothing out leaves very dark skin readable, so "bright" is
    # not asked of every tone (a known limit in the README).
    for label in ("dark",):
        rates = report.tone_rejected[label]
        assert min(rates.values()) >= 0.75, (label, rates)


def test_command_line_prints_the_figures(
    quick_set: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for label in ("good", "blurred"):
        folder = tmp_path / "close_up" / label
        folder.mkdir(parents=True)
        for photo in sorted((quick_set / "close_up" / label).iterdir())[:4]:
            (folder / photo.name).write_bytes(photo.read_bytes())
    assert evaluate.main([str(tmp_path), "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "ROC-AUC" in printed and "good photos accepted" in printed
    assert "retake rate by skin tone" in printed
    assert evaluate.main([str(tmp_path / "missing")]) == 2


def test_auc_counts_ties_as_half() -> None:
    assert evaluate.auc([0.0, 1.0], [2.0, 3.0]) == 1.0
    assert evaluate.auc([1.0], [1.0]) == 0.5


def test_advice_to_move_closer_counts_as_flagged_but_not_as_sent_back() -> None:
    def far(status: str, reason: str | None) -> evaluate.Outcome:
        return evaluate.Outcome("close_up", "far", "x.jpg",
                                "retake" if status == "fail" else "accept",
                                {"framing": status}, {"framing": 0.5}, {"framing": reason})
    advised, sent_back, missed = far("warn", "far"), far("fail", "far"), far("pass", None)
    assert advised.flagged() and not advised.caught() and not advised.right_reason()
    assert sent_back.flagged() and sent_back.caught() and sent_back.right_reason()
    assert not missed.flagged() and not missed.caught()


def test_wilson_interval_shows_how_little_a_small_set_can_tell() -> None:
    low, high = evaluate.wilson(10, 10)
    assert 0.70 < low < 0.75 and high == 1.0  # ten of ten cannot show 95% or better
    low, high = evaluate.wilson(182, 197)
    assert 0.87 < low < 0.89 and 0.95 < high < 0.96
    assert evaluate.wilson(0, 5)[0] == 0.0
    assert evaluate.wilson(0, 0) == (0.0, 1.0)


def test_report_gives_real_photos_by_tone_and_source_with_intervals(
    quick_set: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = {"good": ["tone-light-by-smartphone-pad_001", "tone-dark-by-clinical-fuseg_002"],
             "blurred": ["tone-light-by-smartphone-pad_001", "tone-dark-by-clinical-fuseg_002"]}
    for label, stems in names.items():
        folder = tmp_path / "close_up" / label
        folder.mkdir(parents=True)
        photos = sorted((quick_set / "close_up" / label).iterdir())
        for stem, photo in zip(stems, photos, strict=False):
            (folder / f"{stem}.jpg").write_bytes(photo.read_bytes())
    rejected_good = tmp_path / "close_up" / "good" / "tone-dark-by-clinical-fuseg_003.jpg"
    dark = sorted((quick_set / "close_up" / "dark").iterdir())[0]  # sent back: too dark
    rejected_good.write_bytes(dark.read_bytes())
    report = evaluate.run(tmp_path, jobs=1)
    assert report.tone_accepted["dark"][1] == 2 and report.tone_accepted["light"] == (1, 1)
    assert report.source_accepted["fuseg"][0] < report.source_accepted["fuseg"][1] == 2
    printed = evaluate.format_report(report)
    assert "by skin tone: light 100.0% (1/1, 95% interval" in printed
    assert "by source (those with any sent back): fuseg 1/2" in printed
    caught, right, total = report.totals["blurred"]
    assert total == 2 and right <= caught
    assert f"with the right reason: {right / 2:.1%} ({right}/2, 95% interval" in printed


def test_real_photos_judged_at_their_own_size_meet_the_screen_check_too(tmp_path: Path) -> None:
    # `--ignore-size` judges the pixels alone; a picture that looks like a phone's screen must
    # still be sent back for it there, as the bot would, or the figures would leave it out.
    from tests.auxil.e2e.bot_app import sample
    from tests.auxil.photos import phone_screenshot

    path = tmp_path / "tone-light-by-smartphone-x_001.jpg"
    path.write_bytes(phone_screenshot(sample("close-up-good.jpg")))
    outcome = evaluate._one((str(path), "close_up", "good", False, True))
    assert outcome.verdict == "retake"
    assert outcome.statuses.get("screen") == "fail" and outcome.reasons["screen"] == "screenshot"
