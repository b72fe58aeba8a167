"""Smoke test of an installed bot: its words, pictures, font, migrations and photo checks load.

`scripts/check_wheel.py` (run by `make test`) runs this with the Python of a fresh venv that holds
only the wheel and its dependencies, in isolated mode (`python -I`) from a folder outside the
source tree, so everything below comes from the installed package or fails. It prints one line
per check and exits non-zero on the first failure.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

import bot

# Every TOML file the code reads words from (`text("<file>.…")`).
CONTENT_FILES = ("messages", "journey", "inbox", "quality", "referral")
PICTURES = ("pictures/example-locator.png", "pictures/example-close-up.png")


def _leaves(node: Any, key: str) -> list[tuple[str, Any]]:
    """Every text or list of texts in a TOML table, with its `file.section.key` key."""
    if isinstance(node, dict):
        return [leaf for name, child in node.items() for leaf in _leaves(child, f"{key}.{name}")]
    return [(key, node)]


def check_installed() -> None:
    """The bot is imported from the venv, not from a source checkout."""
    package = Path(bot.__file__).resolve().parent
    prefix = Path(sys.prefix).resolve()
    assert prefix in package.parents, f"bot imported from {package}, not from {prefix}"
    print(f"ok  bot imported from {package}")


def check_words() -> None:
    """Every text of every content file can be read through `text()` and `texts()`."""
    from bot.content import resource, text, texts

    count = 0
    for name in CONTENT_FILES:
        table = tomllib.loads(resource(f"{name}.toml").read_text(encoding="utf-8"))
        for key, value in _leaves(table, name):
            words = [text(key)] if isinstance(value, str) else texts(key)
            assert all(words), f"empty text at {key}"
            count += 1
    assert "999" in text("messages.help.text")
    print(f"ok  {count} texts in {len(CONTENT_FILES)} content files")


def check_pictures() -> None:
    """The example pictures and the tips' pictures the patient is shown open as images."""
    from PIL import Image

    from bot.content import asset, texts

    for relative in (*PICTURES, *texts("journey.prepare.pictures")):
        with Image.open(asset(relative)) as picture:
            picture.load()
            assert min(picture.size) >= 200, f"{relative} is {picture.size}"
    print(f"ok  example and tip pictures: {', '.join(PICTURES)} and "
          f"{len(texts('journey.prepare.pictures'))} tips")


def check_photo_checks() -> None:
    """The quality engine accepts a good sample photo and sends a blurred one back."""
    from bot.content import resource
    from bot.quality.engine import assess

    good = assess(resource("samples/close-up-good.jpg").read_bytes(), "close_up")
    blurred = assess(resource("samples/close-up-blurred.jpg").read_bytes(), "close_up")
    assert good.verdict == "accept", good
    assert blurred.verdict != "accept", blurred
    print(f"ok  photo checks: good close-up {good.verdict}, blurred close-up {blurred.verdict}")


def check_referral_pack() -> None:
    """The referral pack is drawn with the package's own DejaVu font."""
    from bot.content import asset, resource
    from bot.delivery import referral_pack

    folder = referral_pack.unicode_font_dir()
    assert folder == asset("fonts/DejaVuSans.ttf").parent, f"font taken from {folder}"
    summary = referral_pack.PackSummary(
        case_reference="SMOKE-1", practice_name="Smoke Surgery", patient_ref="S-1",
        age_text="45 years", submitted_on="1 January 2026",
        answers=(("Where", "Left arm – inner"),), flags=(),
    )
    jpeg = resource("samples/close-up-good.jpg").read_bytes()
    photo = referral_pack.PackPhoto("Close-up 1", jpeg)
    pdf = referral_pack.build_referral_pack(summary, [photo], limit_bytes=745_000)
    assert pdf.startswith(b"%PDF") and b"DejaVu" in pdf
    print(f"ok  referral pack: {len(pdf)} bytes, font from {folder}")


def check_migrations() -> None:
    """A new database gets every migration shipped in the package."""
    from bot.store.database import Database

    shipped = [item.name for item in (files("bot.store") / "migrations").iterdir()
               if item.name.endswith(".sql")]
    assert shipped, "no migrations in the package"

    async def create(path: Path) -> None:
        db = await Database.open(path)
        await db.close()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "smoke.sqlite3"
        asyncio.run(create(path))
        with sqlite3.connect(path) as conn:
            applied = conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
    assert applied == len(shipped), f"{applied} migrations applied, {len(shipped)} shipped"
    print(f"ok  database: {applied} migrations applied")


def check_sandbox_page() -> None:
    """The sandbox's page and sample photos are in the package."""
    from bot.sandbox.web import STATIC, samples

    for name in ("index.html", "app.js", "style.css"):
        assert (STATIC / name).is_file(), f"no sandbox/static/{name}"
    offered = samples()
    assert len(offered) >= 5, offered
    print(f"ok  sandbox page files and {len(offered)} sample photos")


def main() -> int:
    """Run every check."""
    for check in (check_installed, check_words, check_pictures, check_photo_checks,
                  check_referral_pack, check_migrations, check_sandbox_page):
        check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
