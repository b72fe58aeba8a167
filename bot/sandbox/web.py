"""The sandbox's web app: the page, its JSON API, the files in the chats and the sample photos."""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.content import asset, resource
from bot.emulator import ApiError
from bot.emulator.users import START_PAYLOAD
from bot.sandbox.session import Sandbox

STATIC = Path(__file__).resolve().parent / "static"
SANDBOX_KEY = web.AppKey("sandbox", Sandbox)
LONG_POLL_SECONDS = 20.0
MAX_UPLOAD = 50 * 1024 * 1024
SAMPLE_LABELS = {
    "locator-good.jpg": "Good locator (1 m away)",
    "close-up-good.jpg": "Good close-up",
    "close-up-good-2.jpg": "Another good close-up",
    "close-up-blurred.jpg": "Blurred close-up",
    "close-up-dark.jpg": "Dark close-up",
}


def samples() -> list[dict[str, str]]:
    """The sample photos offered on the page, in a sensible order."""
    found = {item.name for item in resource("samples").iterdir() if item.name.endswith(".jpg")}
    ordered = [name for name in SAMPLE_LABELS if name in found]
    ordered += sorted(found - set(SAMPLE_LABELS))
    return [{"name": name, "label": SAMPLE_LABELS.get(name, name), "url": f"/samples/{name}"}
            for name in ordered]


def _sandbox(request: web.Request) -> Sandbox:
    return request.app[SANDBOX_KEY]


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


async def index(request: web.Request) -> web.StreamResponse:
    """The page."""
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def favicon(request: web.Request) -> web.StreamResponse:
    """The tab icon (browsers ask for /favicon.ico whatever the page says)."""
    return web.FileResponse(STATIC / "favicon.svg", headers={"Content-Type": "image/svg+xml"})


async def config(request: web.Request) -> web.Response:
    """Bot, practice and people, plus the sample photos."""
    return web.json_response({**_sandbox(request).config(), "samples": samples()})


async def state(request: web.Request) -> web.Response:
    """Every chat; with ?since=VERSION, wait (up to 20 s) until something changes first."""
    sandbox = _sandbox(request)
    since = request.query.get("since")
    if since and since == sandbox.signature():
        world = sandbox.emulator.world
        with contextlib.suppress(TimeoutError):
            await world.wait_until(lambda: sandbox.signature() != since, LONG_POLL_SECONDS)
    return web.json_response(sandbox.state())


def _person(request: web.Request) -> str:
    key = request.match_info["chat"]
    if key not in _sandbox(request).users:
        raise web.HTTPNotFound(text="no such chat")
    return key


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="expected a JSON body") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


async def send_text(request: web.Request) -> web.Response:
    """The person types a message (or presses a reply keyboard button)."""
    body = await _json_body(request)
    words = str(body.get("text", "")).strip()
    if not words:
        return _error(400, "nothing to send")
    message = await _sandbox(request).users[_person(request)].send_text(words[:4096])
    return web.json_response({"ok": True, "message_id": message["message_id"]})


async def edit_text(request: web.Request) -> web.Response:
    """The person changes a text message they sent (Telegram sends the bot an edited_message)."""
    body = await _json_body(request)
    words = str(body.get("text", "")).strip()
    if not words:
        return _error(400, "nothing to send")
    try:
        message_id = int(body.get("message_id", 0))
    except (TypeError, ValueError):
        return _error(400, "message_id must be a number")
    user = _sandbox(request).users[_person(request)]
    try:
        await user.edit_text(message_id, words[:4096])
    except LookupError:
        return _error(409, "that message is no longer there")
    return web.json_response({"ok": True})


async def tap(request: web.Request) -> web.Response:
    """The person taps an inline button of a bot message."""
    body = await _json_body(request)
    sandbox = _sandbox(request)
    key = _person(request)
    try:
        message_id = int(body.get("message_id", 0))
    except (TypeError, ValueError):
        return _error(400, "message_id must be a number")
    data = str(body.get("data", ""))
    record = sandbox.chat(key).sent.get(message_id)
    if record is None or record.deleted or data not in record.callback_data.values():
        return _error(409, "that button is no longer there")
    await sandbox.users[key].tap_callback(message_id, data)
    return web.json_response({"ok": True})


async def _send_image(sandbox: Sandbox, key: str, data: bytes, name: str, mime: str | None,
                      as_photo: bool, caption: str | None = None) -> web.Response:
    user = sandbox.users[key]
    try:
        if as_photo:
            message = await user.send_photo(data, caption)
        else:
            message = await user.send_document(data, name, mime, caption)
    except ApiError as error:  # the photo did not decode, as Telegram would refuse it
        return _error(400, f"Telegram would refuse this photo: {error.description}")
    return web.json_response({"ok": True, "message_id": message["message_id"]})


async def upload(request: web.Request) -> web.Response:
    """An image from disk, sent as a photo (recompressed) or as a file (untouched), with the
    words typed in the message box as its caption."""
    key = _person(request)
    if request.content_length and request.content_length > MAX_UPLOAD:
        return _error(413, "that file is too large for the sandbox (50 MB at most)")
    form = await request.post()
    part = form.get("file")
    if not isinstance(part, web.FileField):
        return _error(400, "no file in the form")
    data = await asyncio.to_thread(part.file.read)
    if not data:
        return _error(400, "the file is empty")
    name = Path(part.filename or "file").name
    mime = part.content_type or mimetypes.guess_type(name)[0]
    caption = str(form.get("caption") or "").strip() or None
    return await _send_image(_sandbox(request), key, data, name, mime, form.get("as") != "file",
                             caption)


MAX_ALBUM = 10  # Telegram's limit on one album


async def album(request: web.Request) -> web.Response:
    """Several images chosen at once (an iPhone's "Select" in the photo picker): sent as one
    album, each a message sharing a media_group_id, as photos or all as files, the words typed
    in the message box as the first one's caption (as Telegram does)."""
    key = _person(request)
    if request.content_length and request.content_length > MAX_UPLOAD:
        return _error(413, "those files are too large for the sandbox (50 MB at most)")
    form = await request.post()
    parts = [part for part in form.getall("file", []) if isinstance(part, web.FileField)]
    if not 2 <= len(parts) <= MAX_ALBUM:
        return _error(400, f"an album is 2 to {MAX_ALBUM} files")
    datas = [await asyncio.to_thread(part.file.read) for part in parts]
    if not all(datas):
        return _error(400, "a file is empty")
    names = [Path(part.filename or "file").name for part in parts]
    caption = str(form.get("caption") or "").strip() or None
    user = _sandbox(request).users[key]
    try:
        sent = await user.send_album(datas, as_documents=form.get("as") == "file",
                                     caption=caption, filenames=names)
    except ApiError as error:
        return _error(400, f"Telegram would refuse this album: {error.description}")
    return web.json_response({"ok": True, "message_ids": [m["message_id"] for m in sent]})


async def voice(request: web.Request) -> web.Response:
    """The person records and sends a short voice note (a made-up recording)."""
    message = await _sandbox(request).users[_person(request)].send_voice()
    return web.json_response({"ok": True, "message_id": message["message_id"]})


async def send_sample(request: web.Request) -> web.Response:
    """One of the sample photos, as a photo or as a file."""
    key = _person(request)
    body = await _json_body(request)
    name = str(body.get("name", ""))
    if name not in {sample["name"] for sample in samples()}:
        return _error(404, "no such sample")
    data = await asyncio.to_thread(resource(f"samples/{name}").read_bytes)
    return await _send_image(_sandbox(request), key, data, name, "image/jpeg",
                             body.get("as") != "file")


async def deep_link(request: web.Request) -> web.Response:
    """What tapping a t.me/<bot>?start=PAYLOAD link does: /start PAYLOAD from the patient."""
    body = await _json_body(request)
    payload = str(body.get("payload", "")).strip()
    if not START_PAYLOAD.fullmatch(payload):
        return _error(400, "a start payload is 1 to 64 characters of A-Z a-z 0-9 _ -")
    message = await _sandbox(request).users["patient"].open_deep_link(payload)
    return web.json_response({"ok": True, "message_id": message["message_id"]})


async def file(request: web.Request) -> web.StreamResponse:
    """A file from the emulated Telegram (a photo, a document, a thumbnail)."""
    stored = _sandbox(request).emulator.world.files.by_id.get(request.match_info["file_id"])
    if stored is None:
        raise web.HTTPNotFound(text="no such file")
    mime = stored.mime_type or "application/octet-stream"
    headers = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}
    if request.query.get("download") or not mime.startswith("image/"):
        name = (stored.file_name or f"{stored.kind}").replace('"', "")
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return web.Response(body=stored.data, content_type=mime, headers=headers)


async def record_pdf(request: web.Request) -> web.StreamResponse:
    """The referral pack as it reached the practice by email or by MESH, to open in the
    browser."""
    record = _sandbox(request).record
    info = request.match_info
    found = record.find(info["channel"], info["key"]) if record else None
    if found is None or found.pdf is None:
        raise web.HTTPNotFound(text="no such delivery")
    name = (found.pdf_name or "referral-pack.pdf").replace('"', "")
    return web.Response(body=found.pdf, content_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


async def sample_image(request: web.Request) -> web.StreamResponse:
    """A sample photo, for the page's thumbnails."""
    name = request.match_info["name"]
    if name not in {sample["name"] for sample in samples()}:
        raise web.HTTPNotFound(text="no such sample")
    return web.FileResponse(asset(f"samples/{name}"))


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})


def foreign_request(request: web.Request) -> str | None:
    """Why a request must be refused, or None: a `Host` other than this computer (a web page
    that pointed its own name at 127.0.0.1, "DNS rebinding"), or a POST that a browser made
    from another site (its `Origin`, or `Sec-Fetch-Site: cross-site`). The demo data are
    fictional, but no other site may drive the sandbox or read it (issue 12, item 17)."""
    host = request.headers.get("Host", "")
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if name.lower() not in LOCAL_HOSTS:
        return "foreign Host"
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() != f"http://{host}".lower():
        return "cross-site Origin"
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return "cross-site request"
    return None


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    """Requests from other sites refused (`foreign_request`); API errors as JSON; a strict
    content policy: the page loads only from itself."""
    if why := foreign_request(request):
        return _error(403, f"refused: {why}")
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as error:
        if error.status < 400 or not request.path.startswith("/api/"):
            raise
        response = _error(error.status, error.text or error.reason)
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'")
    return response


def make_app(sandbox: Sandbox) -> web.Application:
    """The web app for one running sandbox."""
    app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024,
                          middlewares=[security_headers])
    app[SANDBOX_KEY] = sandbox
    app.router.add_get("/", index)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_static("/static/", STATIC)
    app.router.add_get("/api/config", config)
    app.router.add_get("/api/state", state)
    app.router.add_post("/api/chats/{chat}/text", send_text)
    app.router.add_post("/api/chats/{chat}/edit", edit_text)
    app.router.add_post("/api/chats/{chat}/tap", tap)
    app.router.add_post("/api/chats/{chat}/upload", upload)
    app.router.add_post("/api/chats/{chat}/sample", send_sample)
    app.router.add_post("/api/chats/{chat}/album", album)
    app.router.add_post("/api/chats/{chat}/voice", voice)
    app.router.add_post("/api/deep-link", deep_link)
    app.router.add_get("/files/{file_id}", file)
    app.router.add_get("/samples/{name}", sample_image)
    app.router.add_get("/record/{channel}/{key}.pdf", record_pdf)
    return app
