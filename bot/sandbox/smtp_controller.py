"""aiosmtpd's threaded SMTP server, stopped without leaving a client's connection open.

aiosmtpd's `Controller.stop()` cancels the server's tasks, stops its event loop (in the
server's own thread) and closes that loop after only a turn or two. A connection still open
then is never closed: a client that has not sent QUIT yet, or one whose TLS close (STARTTLS or
implicit TLS) is still going on after QUIT, which needs the client's answer. Its socket stays
open until the garbage collector finds it, whenever that runs: in the tests, during some later,
unrelated test, which fails with "Exception ignored in: <function _SelectorTransport.__del__>"
and "<socket.socket ... laddr=('127.0.0.1', <the server's port>)>" (ResourceWarning): the two
warnings of the leak seen once in a full run in session 36. Stopping the server while a client
is logged in over STARTTLS or implicit TLS gives them every time; each test in
`tests/channels/test_email_transport.py` stops it with the bot's connection still open (TLS
closing in two of them), which aiosmtpd's last turns of the loop usually, not always, close.

`SmtpController.stop()` first drops every connection still open, in the server's own loop, as a
server going down does (the client sees the connection reset), and waits until each one's
socket is closed (at most `DROP_SECONDS`), then stops as aiosmtpd does. Used by the sandbox's
practice mailbox (`bot.sandbox.record.local_smtp`) and the tests' SMTP server
(`tests/auxil/e2e/smtp_server.py`). Needs the `sandbox` extra (aiosmtpd).
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

DROP_SECONDS = 5.0
"""How long `stop()` waits for the dropped connections' sockets to close, in seconds."""


class SmtpController(Controller):
    """aiosmtpd's `Controller` (same arguments) whose `stop()` closes open connections."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._made: weakref.WeakSet[SMTP] = weakref.WeakSet()

    def factory(self) -> SMTP:
        """The server's side of one connection, made as aiosmtpd's own `factory()` makes
        it, remembered until it is gone."""
        server = SMTP(self.handler, **self.SMTP_kwargs)
        self._made.add(server)
        return server

    async def _drop_connections(self) -> None:
        """In the server's loop: abort every open connection (for TLS, its socket's transport
        too) and wait until each has been told it is lost (its socket is closed by then)."""
        open_now = [server for server in self._made if server.transport is not None]
        for server in open_now:
            if isinstance(server.transport, asyncio.Transport):
                server.transport.abort()
        for _ in range(int(DROP_SECONDS / 0.01)):
            if all(server.transport is None for server in open_now):
                return
            await asyncio.sleep(0.01)

    def stop(self, no_assert: bool = False) -> None:
        """Drop the open connections, then stop the server and its thread (aiosmtpd's
        `stop`). Blocks until done."""
        if self._thread is not None and self.loop.is_running():
            asyncio.run_coroutine_threadsafe(self._drop_connections(), self.loop).result(
                DROP_SECONDS + 1.0)
        super().stop(no_assert)
