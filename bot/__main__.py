"""Command line: `python -m bot run` starts the bot; `sandbox` tries it; others manage data.

The sandbox (with the Bot API emulator and aiohttp, a dev tool) is imported only for its own
verb, so `run` and the admin verbs never load it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError

from bot.cli_admin import add_arguments, run_admin
from bot.config import MissingTokenError, Settings
from bot.logs import configure


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen verb; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bot",
                                     description=(__doc__ or "").splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("run", help="run the bot against the Telegram Bot API (long polling)")
    add_arguments(verbs)
    verbs.add_parser("sandbox", add_help=False,
                     help="try the bot in a browser, offline, with demo people "
                          "(python -m bot sandbox --help)")
    args, rest = parser.parse_known_args(argv)
    if args.verb == "sandbox":
        from bot.sandbox import serve  # a dev tool: loaded for this verb only

        return serve.main(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"error: the settings are not valid: {error}", file=sys.stderr)
        return 2
    if args.verb == "run":
        return run(settings)
    return asyncio.run(run_admin(args, settings))


def run(settings: Settings) -> int:
    """Run the bot until interrupted."""
    try:
        token = settings.token()
    except MissingTokenError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from bot.app import build_application
    configure(settings.log_level, secret=token)
    app = build_application(settings)
    from bot.handlers.wiring import ALLOWED_UPDATES

    app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
