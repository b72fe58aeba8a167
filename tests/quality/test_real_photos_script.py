"""scripts/real_photos.py: the photographs of a manifest rebuilt from git mirrors of their sources
(the padding crop, and finding a photo at HEAD, in the history and by blob id), on a tiny git
repository made here."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from scripts.real_photos import (
    crop_padding,
    find_in_mirror,
    main,
    mirror_git_dir,
    noted_size,
    write_photo,
)

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _png(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], env=GIT_ENV, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture
def mirrors(tmp_path: Path) -> Path:
    """`MIRRORS/owner+name/repo`: a photo kept at HEAD, one removed (only in the history), and
    one moved to another folder (found by blob id or by its file name)."""
    root = tmp_path / "mirrors"
    repo = root / "owner+name" / "repo"
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    (repo / "img").mkdir()
    (repo / "img" / "kept.png").write_bytes(_png((200, 120, 100)))
    (repo / "img" / "gone.png").write_bytes(_png((90, 60, 40)))
    (repo / "img" / "moved.png").write_bytes(_png((10, 200, 10)))
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "photos")
    _git(repo, "rm", "-q", "img/gone.png")
    (repo / "other").mkdir()
    _git(repo, "mv", "img/moved.png", "other/moved.png")
    _git(repo, "commit", "-q", "-m", "remove one, move one")
    return root


def _row(path: str, **extra: str) -> dict[str, str]:
    return {"id": "x1", "file": "skin/x1.jpg", "source_repo": "owner/name",
            "source_path": path, "notes": "", **extra}


def test_black_bars_added_by_a_data_set_are_cropped_to_the_photo() -> None:
    padded = np.zeros((100, 80, 3), np.uint8)
    padded[10:90, 20:70] = (180, 130, 110)
    assert crop_padding(padded) == (10, 90, 20, 70)
    assert crop_padding(np.zeros((5, 5, 3), np.uint8)) == (0, 5, 0, 5)


def test_a_dark_photo_is_not_cropped_where_it_has_content() -> None:
    dark = np.full((60, 60, 3), 30, np.uint8)
    assert crop_padding(dark) == (0, 60, 0, 60)


def test_the_size_in_the_notes_is_read() -> None:
    assert noted_size("hairy skin; original 814x813") == (814, 813)
    assert noted_size("event portrait [1600x1114]") == (1600, 1114)
    assert noted_size("no size here") is None


def test_a_photo_is_found_at_head_in_the_history_and_by_blob(mirrors: Path) -> None:
    git_dir = mirror_git_dir(mirrors, "owner/name")
    assert git_dir is not None
    at_head = find_in_mirror(git_dir, _row("img/kept.png"))
    assert at_head is not None and at_head.where == "HEAD"
    removed = find_in_mirror(git_dir, _row("img/gone.png"))
    assert removed is not None and removed.where.startswith("commit ")
    assert removed.data == _png((90, 60, 40))
    blob = _git(mirrors / "owner+name" / "repo", "rev-parse", "HEAD:other/moved.png")
    by_blob = find_in_mirror(git_dir, _row("data/withheld/", source_blob=blob))
    assert by_blob is not None and by_blob.data == _png((10, 200, 10))
    by_name = find_in_mirror(git_dir, _row("flattened/moved.png"))
    assert by_name is not None and by_name.data == _png((10, 200, 10))
    assert find_in_mirror(git_dir, _row("img/never.png")) is None


def test_a_padded_photo_is_saved_cropped_as_jpeg_without_metadata(tmp_path: Path) -> None:
    picture = Image.new("RGB", (64, 64), (0, 0, 0))
    picture.paste((170, 120, 100), (0, 12, 64, 52))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    source = io.BytesIO()
    picture.save(source, "JPEG", exif=exif)
    out = tmp_path / "skin" / "p.jpg"
    written = write_photo(source.getvalue(), out, padded=True)
    assert written.source_size == (64, 64)
    with Image.open(out) as saved:
        assert saved.format == "JPEG"
        assert not saved.getexif()
        assert abs(saved.size[1] - 40) <= 2 and saved.size[0] == 64


def test_the_script_reports_each_row_and_fails_when_one_is_missing(
        mirrors: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(_row("").keys()))
        writer.writeheader()
        writer.writerow(_row("img/kept.png", notes="original 40x30"))
        writer.writerow({**_row("img/never.png"), "id": "x2", "file": "skin/x2.jpg"})
    out = tmp_path / "out"
    assert main([str(manifest), "--mirrors", str(mirrors), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "ok x1 40x30 from HEAD" in printed and "missing x2" in printed
    assert "1 rebuilt, 1 missing" in printed
    assert (out / "skin" / "x1.jpg").is_file() and not (out / "skin" / "x2.jpg").exists()
