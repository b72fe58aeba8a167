"""The sandbox's JSON API without a browser: chats, deep links, taps, photos and files."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from PIL import Image
from pypdf import PdfReader

from bot.channels.fhir_bundle import WORKFLOW_ID
from bot.channels.nhs_number import spaced
from bot.content import asset, text
from bot.sandbox.record import PRACTICE_EMAIL
from bot.sandbox.session import PATIENT_NHS_NUMBER, PATIENT_REF, Sandbox
from tests.auxil.e2e.patient import details_and_review, first_line, send_three, tap, to_photos

State = dict[str, Any]


@pytest.fixture
async def http(running: tuple[Sandbox, str]) -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client for the page's address."""
    async with aiohttp.ClientSession(base_url=running[1]) as session:
        yield session


async def until(http: aiohttp.ClientSession, check: Callable[[State], Any],
                tries: int = 30) -> State:
    """Long-poll /api/state until check(state) is truthy."""
    version = ""
    for _ in range(tries):
        async with http.get("/api/state", params={"since": version}) as response:
            state: State = await response.json()
        if check(state):
            return state
        version = state["version"]
    raise AssertionError(f"never happened; last state: {state}")


def texts(state: State, key: str) -> list[str]:
    """The HTML of every message in one chat."""
    return [item.get("html", "") for item in state["chats"][key]["messages"]]


def said(key: str, words: str) -> Callable[[State], bool]:
    """A check: some message in that chat contains words."""
    return lambda state: any(words in html for html in texts(state, key))


async def post(http: aiohttp.ClientSession, path: str, body: Any) -> tuple[int, Any]:
    """POST JSON; return the status and the JSON answer."""
    async with http.post(path, json=body) as response:
        return response.status, await response.json()


async def test_page_config_and_the_seeded_practice(
    running: tuple[Sandbox, str], http: aiohttp.ClientSession
) -> None:
    sandbox, url = running
    assert url.startswith("http://127.0.0.1:")
    async with http.get("/") as response:
        assert response.status == 200 and "<main" in await response.text()
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    async with http.get("/api/config") as response:
        config = await response.json()
    assert [p["key"] for p in config["people"]] == ["staff", "patient", "gp"]
    assert {s["name"] for s in config["samples"]} >= {"locator-good.jpg", "close-up-blurred.jpg"}
    state = await until(http, said("staff", "start="))
    note = next(i for i in state["chats"]["staff"]["messages"] if i["kind"] == "note")
    assert sandbox.invite_link in note["html"] and PATIENT_REF in note["html"]
    # The test NHS number is written as /help writes one (3-3-4), not as ten digits run on.
    assert spaced(PATIENT_NHS_NUMBER) in text("inbox.staff.help_nhs_number", practices="")
    assert spaced(PATIENT_NHS_NUMBER) in note["html"]
    assert PATIENT_NHS_NUMBER not in note["html"]
    assert any("/invite" in html for html in texts(state, "gp"))  # the GP opened the bot
    demo = sandbox.demo
    assert demo is not None and demo.gp.role == "gp" and demo.staff.role == "staff"
    # A fresh demo link (as each restart on the same data makes) cancels the unopened one, so
    # staff's /invites lists the demo patient once, not once per restart.
    await sandbox.post_invite(7)
    unopened = [i for i in await sandbox.store.invites.for_practice(demo.practice.id)
                if i.patient_ref == PATIENT_REF and i.opened_at is None and i.revoked_at is None]
    assert len(unopened) == 1


async def test_deep_link_typing_and_buttons(
    running: tuple[Sandbox, str], http: aiohttp.ClientSession
) -> None:
    sandbox, _ = running
    payload = sandbox.invite_link.split("start=")[1]
    status, _ = await post(http, "/api/deep-link", {"payload": payload})
    assert status == 200
    state = await until(http, said("patient", first_line("journey.identity.ask")))
    assert texts(state, "patient")[0] == f"/start {payload}"
    assert (await post(http, "/api/chats/patient/text", {"text": "03/02/1980"}))[0] == 200
    state = await until(http, said("patient", text("journey.identity.confirm",
                                                   date="3 February 1980")))
    read_back = next(i for i in state["chats"]["patient"]["messages"] if i["buttons"])
    button = read_back["buttons"][0][0]
    assert button["text"] == text("journey.identity.confirm_yes")
    tapped = {"message_id": read_back["id"], "data": button["data"]}
    assert (await post(http, "/api/chats/patient/tap", tapped))[0] == 200
    state = await until(http, said("patient", text("journey.consent.keep", days=30)
                                   .splitlines()[-1]))  # the question, under the third
    asked = [i for i in state["chats"]["patient"]["messages"] if i["buttons"]][-1]
    button = asked["buttons"][0][0]
    assert button["text"] == text("journey.consent.yes")
    tapped = {"message_id": asked["id"], "data": button["data"]}
    assert (await post(http, "/api/chats/patient/tap", tapped))[0] == 200
    await until(http, said("patient", "Is it a rash"))
    status, answer = await post(http, "/api/chats/patient/tap",
                                {"message_id": asked["id"], "data": "forged"})
    assert status == 409 and not answer["ok"]


async def test_samples_as_photo_and_as_file(
    running: tuple[Sandbox, str], http: aiohttp.ClientSession
) -> None:
    original = asset("samples/locator-good.jpg").read_bytes()
    for kind in ("photo", "file"):
        status, _ = await post(http, "/api/chats/patient/sample",
                               {"name": "locator-good.jpg", "as": kind})
        assert status == 200
    await until(http, lambda s: len([i for i in s["chats"]["patient"]["messages"]
                                     if i["from"] == "me"]) == 2)
    # Read from the emulated Telegram: the bot deletes photos it does not use from the chat,
    # so the page may show them as deleted already.
    patient = running[0].users["patient"]
    photo, document = sorted([*patient.shown_incoming, *patient.deleted_incoming],
                             key=lambda m: int(m["message_id"]))
    assert "photo" in photo and "document" in document
    largest = max(photo["photo"], key=lambda size: int(size["width"]))
    async with http.get(f"/files/{largest['file_id']}") as response:
        recompressed = await response.read()
        assert response.content_type == "image/jpeg"
    with Image.open(io.BytesIO(recompressed)) as image:
        assert max(image.size) <= 1280 and not image.getexif()
    assert document["document"]["file_name"] == "locator-good.jpg"
    async with http.get(f"/files/{document['document']['file_id']}?download=1") as response:
        assert await response.read() == original
        assert "attachment" in response.headers["Content-Disposition"]


async def test_uploads_and_refusals(running: tuple[Sandbox, str],
                                    http: aiohttp.ClientSession) -> None:
    form = aiohttp.FormData()
    form.add_field("as", "photo")
    form.add_field("file", b"not an image", filename="notes.txt", content_type="text/plain")
    async with http.post("/api/chats/patient/upload", data=form) as response:
        assert response.status == 400
        assert "refuse" in (await response.json())["error"]
    form = aiohttp.FormData()
    form.add_field("as", "file")
    form.add_field("file", asset("samples/close-up-dark.jpg").read_bytes(), filename="dark.jpg",
                   content_type="image/jpeg")
    async with http.post("/api/chats/patient/upload", data=form) as response:
        assert response.status == 200
    state = await until(http, lambda s: any(i["kind"] == "document"
                                            for i in s["chats"]["patient"]["messages"]))
    document = next(i for i in state["chats"]["patient"]["messages"] if i["kind"] == "document")
    assert document["media"]["name"] == "dark.jpg" and document["media"]["preview"]
    # A PDF with words typed first: they go with it as its caption, as in Telegram.
    form = aiohttp.FormData()
    form.add_field("as", "file")
    form.add_field("caption", "letter from the school nurse")
    form.add_field("file", b"%PDF-1.4\n%%EOF\n", filename="letter.pdf",
                   content_type="application/pdf")
    async with http.post("/api/chats/patient/upload", data=form) as response:
        message_id = (await response.json())["message_id"]
    sent = running[0].chat("patient").messages[message_id]
    assert sent["document"]["file_name"] == "letter.pdf"
    assert sent["caption"] == "letter from the school nurse"
    assert (await post(http, "/api/chats/nobody/text", {"text": "hi"}))[0] == 404
    assert (await post(http, "/api/chats/patient/text", {"text": "  "}))[0] == 400
    assert (await post(http, "/api/chats/patient/sample", {"name": "../x"}))[0] == 404
    assert (await post(http, "/api/deep-link", {"payload": ""}))[0] == 400
    async with http.post("/api/chats/patient/text", data=b"{") as response:
        assert response.status == 400
    async with http.get("/files/nope") as response:
        assert response.status == 404


async def test_reply_keyboards_and_formatting(
    running: tuple[Sandbox, str], http: aiohttp.ClientSession
) -> None:
    from telegram import ReplyKeyboardMarkup, ReplyKeyboardRemove

    sandbox, _ = running
    assert sandbox.app is not None
    bot, chat_id = sandbox.app.bot, sandbox.users["patient"].id
    await post(http, "/api/chats/patient/text", {"text": "hello"})
    await bot.send_message(chat_id, "<b>Pick</b> <a href='https://nhs.uk'>one</a>",
                           parse_mode="HTML",
                           reply_markup=ReplyKeyboardMarkup([["Left", "Right"], ["Neither"]]))
    state = await until(http, lambda s: s["chats"]["patient"]["keyboard"])
    assert state["chats"]["patient"]["keyboard"] == [["Left", "Right"], ["Neither"]]
    assert any(html.startswith("<b>Pick</b> <a href=\"https://nhs.uk\"")
               for html in texts(state, "patient"))
    await bot.send_message(chat_id, "Thanks", reply_markup=ReplyKeyboardRemove())
    await until(http, lambda s: s["chats"]["patient"]["keyboard"] is None)


async def test_other_sites_cannot_drive_or_read_the_sandbox(
    running: tuple[Sandbox, str], http: aiohttp.ClientSession
) -> None:
    """Issue 12, item 17: a page on another site (a cross-site POST, or its own name pointed
    at 127.0.0.1) is refused, and nothing reaches the chats; the page's own requests work."""
    sandbox, url = running
    payload = sandbox.invite_link.split("start=")[1]
    refused = [
        ({"Origin": "https://evil.example"}, "cross-site Origin"),
        ({"Origin": "null"}, "cross-site Origin"),
        ({"Sec-Fetch-Site": "cross-site"}, "cross-site request"),
        ({"Host": "evil.example"}, "foreign Host"),
        ({"Host": "evil.example", "Origin": "http://evil.example"}, "foreign Host"),
    ]
    for headers, why in refused:
        async with http.post("/api/deep-link", json={"payload": payload},
                             headers=headers) as response:
            assert response.status == 403, headers
            assert (await response.json())["error"] == f"refused: {why}"
    async with http.get("/api/state", headers={"Host": "rebound.example:8765"}) as response:
        assert response.status == 403
    state = await until(http, said("staff", "start="))
    assert not state["chats"]["patient"]["messages"], "no refused request reached the bot"

    own = {"Origin": url.rstrip("/"), "Sec-Fetch-Site": "same-origin"}
    async with http.post("/api/deep-link", json={"payload": payload}, headers=own) as response:
        assert response.status == 200
    await until(http, said("patient", first_line("journey.identity.ask")))
    async with http.get("/api/state", headers={"Host": "localhost"}) as response:
        assert response.status == 200


async def test_a_submitted_case_shows_in_the_practice_record_by_email_and_by_mesh(
    running: tuple[Sandbox, str], http: aiohttp.ClientSession
) -> None:
    """Issue 15: the sandbox's local SMTP server and MESH sandbox receive the demo patient's
    case, and the "Practice record" panel lists both with their parts and the same PDF."""
    sandbox, _ = running
    state = await until(http, lambda s: s["record"] is not None)
    assert state["record"]["available"], state["record"]["problem"]
    assert state["record"]["email"]["messages"] == state["record"]["mesh"]["messages"] == []
    patient = sandbox.users["patient"]
    await to_photos(patient, sandbox.invite_link.split("start=")[1])
    await send_three(patient)
    await details_and_review(patient)
    await tap(patient, text("journey.review.send"), first_line("journey.receipt.text"))
    case = await sandbox.store.cases.current_for_patient(patient.id)
    assert case is not None
    state = await until(http, lambda s: s["record"]["email"]["messages"]
                        and s["record"]["mesh"]["messages"], tries=60)
    (email,) = state["record"]["email"]["messages"]
    assert email["subject"] == text("channels.email.subject", reference=case.reference)
    assert email["to"] == PRACTICE_EMAIL
    pack = f"referral-pack-{case.reference}.pdf"
    names = [part["name"] for part in email["parts"]]
    assert pack in names and [n for n in names if n.endswith(".jpg")] == [
        text("channels.email.photo_name", reference=case.reference, shot=shot, version="")
        for shot in ("locator", "close-up-1", "close-up-2")]
    assert all(part["size"] > 1000 for part in email["parts"] if part["name"].endswith(".jpg"))
    (mesh,) = state["record"]["mesh"]["messages"]
    assert mesh["workflow_id"] == WORKFLOW_ID and mesh["message_id"]
    assert mesh["local_id"].startswith(f"{case.reference}-s1-o")
    assert {"Patient", "Binary (referral pack)"} <= {part["name"] for part in mesh["parts"]}
    pdfs = []
    for message in (email, mesh):
        async with http.get(message["pdf"]["url"]) as response:
            assert response.status == 200 and response.content_type == "application/pdf"
            pdfs.append(await response.read())
    assert pdfs[0].startswith(b"%PDF") and pdfs[0] == pdfs[1], "the same pack by both channels"
    assert case.reference in PdfReader(io.BytesIO(pdfs[0])).pages[0].extract_text()
    async with http.get("/record/email/nope.pdf") as response:
        assert response.status == 404
    # the practice's system answered the case by MESH (received, filed): staff see it filed
    assert mesh["answered"] == ["20013", "30001"]
    staff = sandbox.users["staff"]
    for _ in range(60):
        await staff.send_command("/invites")
        listed = (await staff.wait_for_text(text("inbox.staff.group_submitted"),
                                            timeout=15)).text or ""
        if text("inbox.staff.filed_note") in listed:
            break
        await asyncio.sleep(0.5)
    row = next(line for line in listed.splitlines() if PATIENT_REF in line)
    assert text("inbox.staff.filed_note") in row


async def test_several_photos_chosen_at_once_go_as_one_album_and_a_voice_note_can_be_sent(
    running: tuple[Sandbox, str], http: aiohttp.ClientSession
) -> None:
    """An iPhone user picks three photos at once: one message each, sharing one
    media_group_id, as Telegram delivers an album (the bot must tell which photo is which);
    files keep their names; one file alone is not an album. A voice note can be sent too."""
    names = ("locator-good.jpg", "close-up-good.jpg", "close-up-good-2.jpg")
    form = aiohttp.FormData()
    form.add_field("as", "file")
    for name in names:
        form.add_field("file", asset(f"samples/{name}").read_bytes(), filename=name,
                       content_type="image/jpeg")
    async with http.post("/api/chats/patient/album", data=form) as response:
        assert response.status == 200
        ids = (await response.json())["message_ids"]
    sent = [running[0].chat("patient").messages[i] for i in ids]
    assert [m["document"]["file_name"] for m in sent] == list(names)
    assert len({m["media_group_id"] for m in sent}) == 1
    form = aiohttp.FormData()
    form.add_field("file", asset("samples/locator-good.jpg").read_bytes(), filename="one.jpg")
    async with http.post("/api/chats/patient/album", data=form) as response:
        assert response.status == 400
    status, answer = await post(http, "/api/chats/patient/voice", {})
    assert status == 200
    assert "voice" in running[0].chat("patient").messages[answer["message_id"]]
