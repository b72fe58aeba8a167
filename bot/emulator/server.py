"""The aiohttp server speaking the Bot API, with faults on demand, and the Emulator facade."""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from . import bot_media  # noqa: F401  (registers the media methods)
from .bot_messages import METHODS
from .errors import NOT_FOUND, UNAUTHORIZED, ApiError, too_many_requests
from .params import read_params
from .users import Group, TelegramUser
from .world import CALLBACK_QUERY_TTL, World


@dataclass
class Fault:
    """A planned misbehaviour for the next calls of a method."""

    status: int | None = None
    retry_after: int | None = None
    description: str | None = None
    delay: float = 0.0
    times: int = 1
    chat_id: int | None = None
    """Only calls for this chat (None: any call of the method)."""


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, text=json.dumps(body), content_type="application/json")


class Emulator:
    """An offline Telegram: Bot API over HTTP on 127.0.0.1 plus users that talk to the bot."""

    def __init__(self, bot_token: str = "123456:TEST-TOKEN", bot_username: str = "test_bot",
                 bot_first_name: str = "Test bot", host: str = "127.0.0.1", port: int = 0,
                 strict_media_group: bool = True,
                 callback_query_ttl: float | None = CALLBACK_QUERY_TTL) -> None:
        self.token = bot_token
        self.host = host
        self.port = port
        self.world = World(bot_token, bot_username, bot_first_name)
        self.world.strict_media_group = strict_media_group
        self.world.callback_query_ttl = callback_query_ttl
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.faults: dict[str, list[Fault]] = {}
        self._user_ids = itertools.count(100_001)
        self._group_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None

    # -- lifecycle --
    async def start(self) -> Emulator:
        """Start serving; port 0 picks a free port."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base(self) -> str:
        """http://host:port"""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """For ApplicationBuilder().base_url(...): the token is appended by PTB."""
        return f"{self.base}/bot"

    @property
    def file_url(self) -> str:
        """For ApplicationBuilder().base_file_url(...)."""
        return f"{self.base}/file/bot"

    # -- people --
    def user(self, first_name: str = "Test", user_id: int | None = None,
             last_name: str | None = None, username: str | None = None,
             language_code: str | None = "en") -> TelegramUser:
        """A Telegram user with a private chat with the bot (chat id == user id)."""
        uid = user_id if user_id is not None else next(self._user_ids)
        return TelegramUser(self.world, uid, first_name, last_name, username, language_code)

    def group(self, title: str = "Group", chat_id: int | None = None, *,
              basic: bool = False) -> Group:
        """A supergroup the bot is a member of (`basic`: a basic group, as Telegram first
        makes a new group, with a shorter negative id; `upgrade_group` upgrades it)."""
        number = next(self._group_ids)
        default = -4_000_000_000 - number if basic else -1_001_000_000_000 - number
        return Group(self.world, chat_id if chat_id is not None else default, title,
                     "group" if basic else "supergroup")

    def upgrade_group(self, group: Group, by: TelegramUser, *, tell_bot: bool = True) -> Group:
        """Upgrade a basic group to a supergroup with a new id (`Group.upgrade`)."""
        return group.upgrade(by, -1_001_000_000_000 - next(self._group_ids), tell_bot=tell_bot)

    # -- faults --
    def fail_next(self, method: str, status: int = 500, retry_after: int | None = None,
                  times: int = 1, description: str | None = None,
                  chat_id: int | None = None) -> None:
        """Answer the next `times` calls of a method with an error (429 takes retry_after);
        with `chat_id`, only its calls for that chat."""
        self.faults.setdefault(method.lower(), []).append(
            Fault(status=status, retry_after=retry_after, description=description, times=times,
                  chat_id=chat_id))

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Hang before answering the next calls of a method (the call still takes effect)."""
        self.faults.setdefault(method.lower(), []).append(Fault(delay=seconds, times=times))

    def clear_faults(self) -> None:
        """Forget planned faults."""
        self.faults.clear()

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call of one method."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not confirmed yet."""
        return list(self.world.updates.pending)

    async def wait_until_idle(self, timeout: float = 5.0) -> bool:  # noqa: ASYNC109
        """Wait until the bot confirmed every update (it fetched and moved past them)."""
        return await self.world.updates.wait_empty(timeout)

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        queue = self.faults.get(method.lower())
        chat = str(params.get("chat_id"))
        fault = next((f for f in queue or () if f.chat_id is None or str(f.chat_id) == chat),
                     None)
        if queue is None or fault is None:
            return None
        fault.times -= 1
        if fault.times <= 0:
            queue.remove(fault)
        return fault

    # -- HTTP --
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json(UNAUTHORIZED.payload(), 401)
        name = request.match_info["method"]
        handler = METHODS.get(name.lower())
        try:
            params = await read_params(request)
            self.calls.append((name, {**params.values, **params.uploads}))
            fault = self._take_fault(name, params.values)
            if fault is not None:
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.status is not None:
                    raise self._fault_error(fault)
            if handler is None:
                raise NOT_FOUND
            result = await handler(self.world, params)
        except ApiError as error:
            return _json(error.payload(), error.status)
        return _json({"ok": True, "result": result})

    @staticmethod
    def _fault_error(fault: Fault) -> ApiError:
        if fault.status == 429:
            error = too_many_requests(fault.retry_after or 1)
            if fault.description:
                error.description = fault.description
            return error
        descriptions = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
                        409: "Conflict", 500: "Internal Server Error", 502: "Bad Gateway"}
        status = fault.status or 500
        parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
        return ApiError(status, fault.description or descriptions.get(status, "Error"),
                        parameters)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        stored = self.world.files.by_path.get(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return _json(NOT_FOUND.payload(), 404)
        return web.Response(body=stored.data, content_type="application/octet-stream")
