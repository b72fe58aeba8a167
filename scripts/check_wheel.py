"""Build the wheel, install it in a fresh venv and run the bot from there (`make wheel-check`).

`make` installs the project in editable mode, so the tests would pass even if the wheel lacked a
file the bot reads at run time. This check catches that:

1. copies the sources (git's tracked and new files, as a fresh clone would have them) to a
   temporary folder and builds the wheel there (no stale `build/` folder can hide a missing file);
2. checks that every non-Python file under `bot/` (other than a README) is in the wheel;
3. creates a fresh venv outside the source tree (no system site-packages, so a missing dependency
   fails) and installs the wheel, its dependencies coming from pip's cache;
4. from a folder outside the source tree, in isolated mode: `python -m bot --help` and an import
   of the bot's run path without the `sandbox` extra; then, with the extra installed (aiohttp,
   the local SMTP server and MESH sandbox),
   `scripts/smoke.py` (words, pictures, font, migrations, photo checks), then `python -m bot
   sandbox --port 0`, fetching its page, a script, its config, a sample photo and its practice
   record (email and MESH running), and stopping it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SANDBOX_START_SECONDS = 60


def run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    """Run a command, echoing it; raise if it fails."""
    print("$", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], cwd=cwd, env=env, check=True)


def copy_sources(target: Path) -> None:
    """Copy the files a fresh clone would have (tracked, plus new files not ignored) to target."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
        check=True, capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def check_contents(wheel: Path, sources: Path) -> None:
    """Every non-Python file of the package (bar the developers' READMEs) is in the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    needed = {path.relative_to(sources).as_posix() for path in (sources / "bot").rglob("*")
              if path.is_file() and path.suffix not in {".py", ".pyc"}
              and path.name != "README.md"}
    missing = sorted(needed - shipped)
    if missing:
        raise SystemExit(f"the wheel lacks {len(missing)} data files: {', '.join(missing)}")
    print(f"ok  the wheel holds all {len(needed)} data files of bot/", flush=True)


def clean_env() -> dict[str, str]:
    """This environment without anything that could point Python at the checkout or a token."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith(("PYTHON", "TELEGRAM_")) and key != "VIRTUAL_ENV"}


def check_sandbox(python: Path, cwd: Path, env: dict[str, str]) -> None:
    """Start `python -m bot sandbox --port 0`, fetch its page, config and a sample, stop it."""
    command = [str(python), "-I", "-m", "bot", "sandbox", "--port", "0", "--data-dir",
               str(cwd / "sandbox-data")]
    print("$", " ".join(command), flush=True)
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + SANDBOX_START_SECONDS
        url = None
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                raise SystemExit(f"the sandbox stopped before it was ready ({process.wait()})")
            found = re.search(r"Sandbox ready: open (\S+)", line)
            url = found.group(1) if found else None
        if url is None:
            raise SystemExit("the sandbox did not say it was ready")
        with urllib.request.urlopen(url, timeout=10) as page:
            assert b"<html" in page.read().lower()
        with urllib.request.urlopen(url + "static/app.js", timeout=10) as script:
            assert script.read()
        with urllib.request.urlopen(url + "api/config", timeout=10) as answer:
            samples = json.load(answer)["samples"]
        assert samples, "the sandbox offers no sample photos"
        with urllib.request.urlopen(url.rstrip("/") + samples[0]["url"], timeout=10) as photo:
            assert photo.read(3) == b"\xff\xd8\xff"
        with urllib.request.urlopen(url + "api/state", timeout=10) as answer:
            record = json.load(answer)["record"]
        if not record or not record["available"]:
            raise SystemExit(f"the sandbox runs without email and MESH: {record}")
        print(f"ok  sandbox served its page, config, {len(samples)} sample photos and its "
              "practice record (local SMTP server and MESH sandbox running)", flush=True)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.returncode != 0:
        raise SystemExit(f"the sandbox exited with {process.returncode}")


def main() -> int:
    """Build, install and smoke-test the wheel; return 0 when everything works."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="telederm-wheel-") as folder:
        tmp = Path(folder)
        sources, dist, venv, elsewhere = tmp / "src", tmp / "dist", tmp / "venv", tmp / "run"
        elsewhere.mkdir()
        copy_sources(sources)
        run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", dist,
            sources)
        (wheel,) = dist.glob("*.whl")
        check_contents(wheel, sources)
        run(sys.executable, "-m", "venv", venv)
        python = venv / "bin" / "python"
        env = clean_env()
        run(python, "-m", "pip", "install", "--quiet", wheel, env=env)
        # The bot itself needs no sandbox extra (aiohttp): its command line and run path load.
        run(python, "-I", "-m", "bot", "--help", cwd=elsewhere, env=env)
        run(python, "-I", "-c", "import bot.app, bot.runner", cwd=elsewhere, env=env)
        run(python, "-m", "pip", "install", "--quiet", f"{wheel}[sandbox]", env=env)
        run(python, "-I", ROOT / "scripts" / "smoke.py", cwd=elsewhere, env=env)
        check_sandbox(python, elsewhere, env)
    print(f"wheel check passed in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
