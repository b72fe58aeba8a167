"""Rebuild the real photographs of a manifest from local mirrors of their public sources.

    python scripts/real_photos.py MANIFEST --mirrors /work/.mirror --out DIR [--wheel PATH]

The photographs measured by `make evaluate` are not in this repository (most may not be
redistributed); `docs/real-photos/*.csv` say where each came from. This script writes each
row's photograph to `DIR/<file>` (the manifest's `file` column), taken from a git mirror of
its `source_repo` at `MIRRORS/<owner>+<name>/` (as the `fetch` tool leaves them: a git
directory at `repo/` or `repo/.git`):

1. by the git blob id in `source_blob`, where the manifest records one (exact);
2. else the file at `source_path` at the repository's HEAD;
3. else the file at `source_path` in the history: first the commit the notes name ("from
   commit fcc4a9b"), then every commit of `git log --all` that touched the path (and the
   parent of a commit that removed it);
4. else the one blob anywhere in the history stored under the same file name (none when
   several different ones are).

Rows from the scikit-image wheel (`source_repo` starting "scikit-image") are read from the
wheel named by `--wheel` (a .whl file, or a folder holding scikit_image-*.whl).

Each photograph is turned upright (EXIF orientation), kept at its own size, and saved as JPEG
quality 95 with no metadata. Where the notes say the data set padded the photo (zero-padded,
padded to square, padding bars), near-black rows and columns at the edges are cropped away by
the rule `bot.quality.realset.load` uses (`bot.quality.realset.crop_padding`). Where the notes
give a size ("original WxH" or "[WxH]"), the source photo's size is checked against it.

Prints `ok`, `missing` (and `size` for a size that differs from the notes) per row and a
summary; exits 1 if any row is missing.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from bot.quality.realset import crop_padding

JPEG_QUALITY = 95
PADDED_NOTE = re.compile(r"zero-padded|padded to|padding", re.IGNORECASE)
COMMIT_NOTE = re.compile(r"\bcommit ([0-9a-f]{7,40})\b")
SIZE_NOTE = re.compile(r"(?:original\s+|\[)(\d{2,5})\s*x\s*(\d{2,5})")
WHEEL_SOURCE = "scikit-image"
DEFAULT_WHEEL = Path("/tmp/skimage-wheel")


@dataclass(frozen=True, slots=True)
class Found:
    """A source photo's bytes and where they were found."""

    data: bytes
    where: str


def git(git_dir: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run a git command on a mirror; never raises for git's own failures."""
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], capture_output=True, check=False)


def mirror_git_dir(mirrors: Path, repo: str) -> Path | None:
    """The git directory of `owner/name` under `mirrors`, or None when there is none."""
    base = mirrors / repo.replace("/", "+")
    for candidate in (base / "repo" / ".git", base / "repo", base / ".git", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def read_blob(git_dir: Path, spec: str) -> bytes | None:
    """The content of a blob (`<sha>` or `<commit>:<path>`), or None when it is not there."""
    kind = git(git_dir, "cat-file", "-t", spec)
    if kind.returncode != 0 or kind.stdout.strip() != b"blob":
        return None
    shown = git(git_dir, "cat-file", "blob", spec)
    return shown.stdout if shown.returncode == 0 else None


def commits_touching(git_dir: Path, path: str) -> list[str]:
    """Every commit on any ref that touched `path`, newest first."""
    log = git(git_dir, "log", "--all", "--format=%H", "--", path)
    return log.stdout.decode().split() if log.returncode == 0 else []


def find_in_history(git_dir: Path, path: str, hint: str | None = None) -> Found | None:
    """`path` at the commit `hint`, else at the newest commit that has it; None if none does."""
    commits = ([hint] if hint else []) + commits_touching(git_dir, path)
    for commit in commits:
        for rev in (commit, f"{commit}^"):
            data = read_blob(git_dir, f"{rev}:{path}")
            if data is not None:
                return Found(data, f"commit {git_short(git_dir, rev)}")
    return None


def git_short(git_dir: Path, rev: str) -> str:
    parsed = git(git_dir, "rev-parse", "--short", rev)
    return parsed.stdout.decode().strip() if parsed.returncode == 0 else rev


def find_by_name(git_dir: Path, path: str) -> Found | None:
    """The one blob in the history stored under paths ending in `path`'s file name; None when
    there is none, or several different ones (a guess would be no rebuild)."""
    name = path.rsplit("/", 1)[-1]
    if not name:
        return None
    listed = git(git_dir, "rev-list", "--all", "--objects")
    if listed.returncode != 0:
        return None
    matches: dict[str, str] = {}
    for line in listed.stdout.decode(errors="replace").splitlines():
        sha, _, where = line.partition(" ")
        if where.rsplit("/", 1)[-1] == name:
            matches.setdefault(sha, where)
    if len(matches) != 1:
        return None
    ((sha, where),) = matches.items()
    data = read_blob(git_dir, sha)
    return Found(data, f"blob {sha[:10]} ({where})") if data is not None else None


def find_in_mirror(git_dir: Path, row: dict[str, str]) -> Found | None:
    """A manifest row's source photo from its repository's mirror (see the module's steps)."""
    blob = (row.get("source_blob") or "").strip()
    if blob:
        data = read_blob(git_dir, blob)
        if data is not None:
            return Found(data, f"blob {blob[:10]}")
    path = (row.get("source_path") or "").strip()
    if not path or path.endswith("/"):
        return None
    data = read_blob(git_dir, f"HEAD:{path}")
    if data is not None:
        return Found(data, "HEAD")
    hint = COMMIT_NOTE.search(row.get("notes") or "")
    return (find_in_history(git_dir, path, hint.group(1) if hint else None)
            or find_by_name(git_dir, path))


def wheel_file(wheel: Path) -> Path | None:
    """The scikit-image wheel: `wheel` itself, or the newest scikit_image-*.whl in it."""
    if wheel.is_file():
        return wheel
    found = sorted(wheel.glob("scikit_image-*.whl")) if wheel.is_dir() else []
    return found[-1] if found else None


def find_in_wheel(wheel: Path | None, path: str) -> Found | None:
    if wheel is None:
        return None
    with zipfile.ZipFile(wheel) as archive:
        try:
            return Found(archive.read(path), f"wheel {wheel.name}")
        except KeyError:
            return None


def noted_size(notes: str) -> tuple[int, int] | None:
    """The size the notes give ("original WxH" or "[WxH]"), the last one if several."""
    sizes = SIZE_NOTE.findall(notes)
    return (int(sizes[-1][0]), int(sizes[-1][1])) if sizes else None


@dataclass(frozen=True, slots=True)
class Written:
    source_size: tuple[int, int]
    size: tuple[int, int]


def write_photo(data: bytes, out: Path, *, padded: bool) -> Written:
    """Decode a source photo, turn it upright, crop padding if `padded`, save as JPEG 95."""
    with Image.open(io.BytesIO(data)) as opened:
        upright = ImageOps.exif_transpose(opened)
        source_size = upright.size
        image = upright.convert("L" if upright.mode in ("L", "I;16", "I") else "RGB")
    if padded:
        pixels = np.asarray(image, dtype=np.uint8)
        top, bottom, left, right = crop_padding(pixels)
        image = image.crop((left, top, right, bottom))
    out.parent.mkdir(parents=True, exist_ok=True)
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return Written(source_size, clean.size)


def rows_of(manifest: Path) -> Iterator[dict[str, str]]:
    with manifest.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def rebuild(manifest: Path, mirrors: Path, out: Path, wheel: Path | None) -> int:
    """Write every row's photo; print a line per row and a summary; the number missing."""
    wheel_path = wheel_file(wheel) if wheel else None
    git_dirs: dict[str, Path | None] = {}
    ok = missing = size_off = 0
    for row in rows_of(manifest):
        repo = row["source_repo"].strip()
        path = row["source_path"].strip()
        notes = row.get("notes") or ""
        if repo.startswith(WHEEL_SOURCE):
            found = find_in_wheel(wheel_path, path)
            reason = "not in the wheel" if wheel_path else "no scikit-image wheel (--wheel)"
        else:
            if repo not in git_dirs:
                git_dirs[repo] = mirror_git_dir(mirrors, repo)
            git_dir = git_dirs[repo]
            found = find_in_mirror(git_dir, row) if git_dir else None
            reason = f"not found in {repo}" if git_dir else f"no mirror of {repo}"
        if found is None:
            missing += 1
            print(f"missing {row['id']}: {reason}")
            continue
        try:
            written = write_photo(found.data, out / row["file"],
                                  padded=bool(PADDED_NOTE.search(notes)))
        except (OSError, ValueError) as exc:
            missing += 1
            print(f"missing {row['id']}: cannot decode ({exc.__class__.__name__})")
            continue
        ok += 1
        width, height = written.size
        print(f"ok {row['id']} {width}x{height} from {found.where}")
        expected = noted_size(notes)
        if expected and expected != written.source_size:
            size_off += 1
            seen = "x".join(map(str, written.source_size))
            print(f"size {row['id']}: notes say {expected[0]}x{expected[1]}, source is {seen}")
    print(f"{manifest.name}: {ok} rebuilt, {missing} missing, "
          f"{size_off} of a size other than the notes give")
    return missing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("manifest", type=Path)
    parser.add_argument("--mirrors", type=Path, required=True,
                        help="folder of git mirrors named owner+name")
    parser.add_argument("--out", type=Path, required=True,
                        help="folder the manifest's `file` paths are written under")
    parser.add_argument("--wheel", type=Path, default=DEFAULT_WHEEL,
                        help="scikit-image 0.26.0 wheel, or a folder holding it")
    args = parser.parse_args(argv)
    return 1 if rebuild(args.manifest, args.mirrors, args.out, args.wheel) else 0


if __name__ == "__main__":
    sys.exit(main())
