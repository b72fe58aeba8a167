"""The real-photograph set builder: a manifest of photos becomes labelled good and faulty photos."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.quality import dataset, evaluate, realset, render


def _manifest(folder: Path) -> Path:
    rows = []
    for index, name in enumerate(("coffee", "chelsea")):
        rgb = render.linear_to_srgb8(dataset.real_photo(name))
        if name == "chelsea":  # one photo as large as the bot accepts (800 x 600 or more)
            rgb = np.asarray(Image.fromarray(rgb).resize((rgb.shape[1] * 2, rgb.shape[0] * 2)))
        padded = np.zeros((rgb.shape[0] + 40, rgb.shape[1], 3), np.uint8)
        padded[20:-20] = rgb  # black bars, as some data sets add
        Image.fromarray(padded).save(folder / f"{name}.jpg", quality=92)
        rows.append({"id": f"p{index}", "file": f"{name}.jpg",
                     "shot": ("close_up", "locator")[index],
                     "skin_tone": "medium", "quality": "good", "source_repo": "scikit-image",
                     "licence": "public domain", "kind": ("smartphone", "Clinical camera")[index]})
    rows.append({"id": "p9", "file": "missing.jpg", "shot": "close_up", "skin_tone": "dark",
                 "quality": "good", "source_repo": "x", "licence": "x", "kind": "webcam"})
    manifest = folder / "manifest.csv"
    with manifest.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return manifest


def test_each_good_photo_gives_every_fault_and_the_set_can_be_evaluated(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path)
    out = tmp_path / "set"
    assert realset.build(manifest, out, "all") > 0
    close_up_labels = {p.name for p in (out / "close_up").iterdir()}
    assert {"good", "telegram", "enlarged", "blurred", "shake", "dark", "bright", "cast",
            "far"} <= close_up_labels
    assert (out / "locator" / "close").is_dir() or (out / "close_up" / "far").is_dir()
    with Image.open(next((out / "close_up" / "good").iterdir())) as kept:
        assert kept.size == (600, 400)  # the black bars are trimmed
    report = evaluate.run(out, jobs=1, ignore_size=True)
    assert {o.tone for o in report.outcomes} == {"medium"}
    assert report.caught["dark"] == 1.0 and report.caught["blurred"] == 1.0


def test_good_photos_accepted_are_reported_by_how_they_were_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "set"
    realset.build(_manifest(tmp_path), out, "all")
    assert evaluate.main([str(out), "--jobs", "1", "--ignore-size"]) == 0
    printed = capsys.readouterr().out
    by_capture = next(line for line in printed.splitlines() if "by how they were taken" in line)
    # one good photo of each kind (the webcam photo's file is missing), each counted once
    report = evaluate.run(out, jobs=1, ignore_size=True)
    accepted = {o.capture: int(o.verdict == "accept") for o in report.outcomes
                if o.label == "good"}
    assert set(accepted) == {"smartphone", "clinical_camera"}
    for kind, count in accepted.items():
        assert f"{kind} {count:.1%} ({count}/1)" in by_capture


def test_figures_are_also_given_for_the_photos_as_large_as_the_bot_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "set"
    realset.build(_manifest(tmp_path), out, "all")
    report = evaluate.run(out, jobs=1, ignore_size=True)
    large = {o.name for o in report.outcomes if o.label == "good" and o.large}
    assert large == {"tone-medium-by-clinical_camera-p1.jpg"}  # chelsea, 902 x 600
    done, _, total = report.large["good"]
    assert total == 1
    assert evaluate.main([str(out), "--jobs", "1", "--ignore-size"]) == 0
    printed = capsys.readouterr().out
    assert "as large as the bot accepts (800 x 600 px or more)" in printed
    assert f"good     {done / total:.1%} of 1" in printed


def test_photos_are_split_for_ever_into_development_and_held_out_halves() -> None:
    splits = [realset.split_of(f"photo-{n}") for n in range(400)]
    assert splits == [realset.split_of(f"photo-{n}") for n in range(400)]
    assert 0.3 <= splits.count("test") / len(splits) <= 0.5


def test_face_recall_is_measured_from_a_faces_manifest(tmp_path: Path) -> None:
    from bot.quality import faceset

    portrait = render.linear_to_srgb8(dataset.real_photo("astronaut"))
    Image.fromarray(portrait).save(tmp_path / "face.jpg", quality=92)
    skin = render.camera(render.close_up_scene(np.random.default_rng(3), render.MONK[6],
                                               600, 800), np.random.default_rng(4))
    Image.fromarray(skin).save(tmp_path / "skin.jpg", quality=92)
    manifest = tmp_path / "faces.csv"
    manifest.write_text("id,file,faces,smallest_face_frac,pose,skin_tone\n"
                        "f1,face.jpg,1,0.3,frontal,light\n"
                        "n1,skin.jpg,0,,n/a,medium\n", encoding="utf-8")
    outcomes = faceset.face_outcomes(manifest)
    assert [(o.id, o.flagged) for o in outcomes] == [("f1", True), ("n1", False)]
    printed = faceset.format_faces(outcomes)
    assert "1/1" in printed and "0/1" in printed
    assert faceset.main([str(manifest)]) == 0
    assert faceset.main([str(tmp_path / "missing.csv")]) == 2
