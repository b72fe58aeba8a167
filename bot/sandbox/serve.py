"""`python -m bot sandbox`: start the sandbox on 127.0.0.1, print its address, run until stopped."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from bot.logs import configure
from bot.sandbox.guard import SANDBOX_TOKEN, real_token_problem
from bot.sandbox.session import Sandbox
from bot.sandbox.web import make_app

HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def add_arguments(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `sandbox` verb to the command line."""
    verb = verbs.add_parser("sandbox", help="try the bot in a browser, offline, with demo people")
    verb.add_argument("--port", type=int, default=DEFAULT_PORT,
                      help=f"port of the page on {HOST} (default {DEFAULT_PORT}; 0: any free)")
    verb.add_argument("--data-dir", type=Path, default=Path("sandbox-data"),
                      help="where the sandbox keeps its database and photos")
    verb.add_argument("--verbose", action="store_true", help="print the bot's logs")


@asynccontextmanager
async def serving(data_dir: Path, port: int = 0) -> AsyncIterator[tuple[Sandbox, str]]:
    """Run the sandbox and its page on 127.0.0.1; yield it with the page's address."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    async with Sandbox(data_dir) as sandbox:
        runner = web.AppRunner(make_app(sandbox), access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        try:
            site = web.TCPSite(runner, HOST, port)
            await site.start()
            bound = int(runner.addresses[0][1])
            yield sandbox, f"http://{HOST}:{bound}/"
        finally:
            await runner.cleanup()


async def _serve(data_dir: Path, port: int) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(number, stop.set)
    try:
        async with serving(data_dir, port) as (sandbox, url):
            print(f"\nSandbox ready: open {url} in your browser.", flush=True)
            print(f"  Practice staff, patient and GP chats with @{sandbox.bot_username}; "
                  f"data in {data_dir}/ (delete it to start over). Ctrl-C stops.", flush=True)
            await stop.wait()
    except OSError as error:
        print(f"error: the sandbox could not start: {error} (try --port 0 for any free port)",
              file=sys.stderr)
        return 1
    print("Sandbox stopped.")
    return 0


def main(argv: list[str]) -> int:
    """`python -m bot sandbox [ARGS]`: parse the sandbox's own options, then `run`."""
    parser = argparse.ArgumentParser(prog="python -m bot")
    add_arguments(parser.add_subparsers(dest="verb", required=True))
    return run(parser.parse_args(["sandbox", *argv]))


def run(args: argparse.Namespace) -> int:
    """Check the environment, then run the sandbox until interrupted."""
    problem = real_token_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    configure("INFO" if args.verbose else "WARNING", secret=SANDBOX_TOKEN)
    return asyncio.run(_serve(args.data_dir, args.port))
